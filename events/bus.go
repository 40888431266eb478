package events

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Bus routes published events to the pools that subscribe to them and
// numbers them. There is one per supervisor.
type Bus struct {
	identifier string // [supervisord] identifier, the header's server:
	serial     int64  // the last serial given, -1 before the first
	pools      []*Pool
	ticks      tickSlices
}

// NewBus returns a bus with no pools. identifier is the header's server:
// field ([supervisord] identifier, "supervisor" by default).
func NewBus(identifier string) *Bus {
	return &Bus{identifier: identifier, serial: -1}
}

// Restart returns the bus of a restarted supervisor (supervisorctl
// reload): no pools and no TICK timeslices, as a new bus, but its serials
// go on from b's. supervisord's global serial outlives its restarts; only
// the pool serials start again, with the new pools.
func (b *Bus) Restart(identifier string) *Bus {
	nb := NewBus(identifier)
	nb.serial = b.serial
	return nb
}

// ErrPoolExists is returned by AddPool for a name already in use.
var ErrPoolExists = errors.New("pool already exists")

// AddPool adds a listener pool. Its listeners are not alive until
// OnSpawn. Pools get published events in the order they were added.
func (b *Bus) AddPool(cfg PoolConfig) (*Pool, error) {
	if err := validate(cfg); err != nil {
		return nil, fmt.Errorf("cannot add pool %q: %w", cfg.Name, err)
	}
	if b.Pool(cfg.Name) != nil {
		return nil, fmt.Errorf("cannot add pool %q: %w", cfg.Name, ErrPoolExists)
	}
	cfg.Events = slices.Clone(cfg.Events)
	cfg.Processes = slices.Clone(cfg.Processes)
	p := &Pool{bus: b, cfg: cfg, serial: -1}
	for _, name := range cfg.Processes {
		p.listeners = append(p.listeners, &listener{name: name, proto: newParser()})
	}
	b.pools = append(b.pools, p)
	return p, nil
}

func validate(cfg PoolConfig) error {
	switch {
	case cfg.Name == "":
		return errors.New("no name")
	case cfg.BufferSize < 1:
		return fmt.Errorf("buffer_size %d is below 1", cfg.BufferSize)
	case len(cfg.Events) == 0:
		return errors.New("no events")
	case len(cfg.Processes) == 0:
		return errors.New("no processes")
	}
	for _, name := range cfg.Events {
		if !KnownType(name) {
			return fmt.Errorf("unknown event type %s", name)
		}
	}
	for i, name := range cfg.Processes {
		if slices.Contains(cfg.Processes[:i], name) {
			return fmt.Errorf("process %s listed twice", name)
		}
	}
	return nil
}

// RemovePool removes a pool (removeProcessGroup, a reload); its buffered
// events are dropped, as supervisord drops them. It reports whether the
// pool existed.
func (b *Bus) RemovePool(name string) bool {
	i := slices.IndexFunc(b.pools, func(p *Pool) bool { return p.cfg.Name == name })
	if i < 0 {
		return false
	}
	b.pools = slices.Delete(b.pools, i, i+1)
	return true
}

// Pool returns the pool named name, or nil.
func (b *Bus) Pool(name string) *Pool {
	for _, p := range b.pools {
		if p.cfg.Name == name {
			return p
		}
	}
	return nil
}

// Wants reports whether some pool subscribes to events named eventName,
// so the loop can skip building events nobody receives (PROCESS_LOG for
// every chunk of output, for one).
func (b *Bus) Wants(eventName string) bool {
	for _, p := range b.pools {
		if Matches(p.cfg.Events, eventName) {
			return true
		}
	}
	return false
}

// Publish offers ev to every pool that subscribes to it. The event gets
// the next serial when at least one pool takes it, and each such pool its
// next pool serial; then each pool sends what it can to READY listeners.
func (b *Bus) Publish(ev Event) []Action {
	var acts []Action
	serial := int64(-1)
	for _, p := range b.pools {
		if !Matches(p.cfg.Events, ev.Name) {
			continue
		}
		if serial < 0 {
			serial = nextSerial(&b.serial)
		}
		q := &queued{ev: ev, serial: serial, poolSerial: nextSerial(&p.serial)}
		acts = append(acts, p.accept(q, false)...)
		acts = append(acts, p.dispatch()...)
	}
	return acts
}

// nextSerial advances a serial counter, wrapping to 0 after the largest
// value as supervisord's new_serial does.
func nextSerial(last *int64) int64 {
	if *last == math.MaxInt64 {
		*last = -1
	}
	*last++
	return *last
}

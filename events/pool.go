package events

import (
	"fmt"
	"slices"
)

// PoolConfig describes one [eventlistener:x] pool.
type PoolConfig struct {
	Name          string   // the pool (group) name: the header's pool:
	Events        []string // subscribed type names (config.Program.Events)
	BufferSize    int      // events kept while no listener is READY, ≥ 1
	ResultHandler string   // "" means DefaultResultHandler
	// Processes are the listener process names. An event goes to the
	// first READY one in this order, as supervisord does.
	Processes []string
}

// queued is one event waiting in (or taken from) a pool's buffer.
type queued struct {
	ev         Event
	serial     int64 // the bus-wide serial
	poolSerial int64
}

// listener is one process of a pool.
type listener struct {
	name string
	// alive is true from OnSpawn to OnExit; output outside that span is
	// stale (read after the exit was handled) and ignored.
	alive bool
	// running is true once the process reached RUNNING: like supervisord,
	// a pool sends events only to RUNNING listeners, so a listener that
	// fails during startsecs never holds one.
	running  bool
	proto    parser
	inflight *queued // the event it is BUSY with
	results  uint64  // RESULTs it has given, over all its spawns
}

// Pool is one listener pool: its buffer of events and its listeners'
// protocol states. Get one from Bus.AddPool.
type Pool struct {
	bus       *Bus
	cfg       PoolConfig
	listeners []*listener
	buffer    []*queued // oldest first
	serial    int64     // the last pool serial given, -1 before the first
}

// Name is the pool name.
func (p *Pool) Name() string { return p.cfg.Name }

// Queued is the number of events waiting in the buffer (the ones listeners
// are busy with are not counted).
func (p *Pool) Queued() int { return len(p.buffer) }

// State is the protocol state of listener proc (Unknown for a name the
// pool does not have).
func (p *Pool) State(proc string) ListenerState {
	if l := p.listener(proc); l != nil {
		return l.proto.state
	}
	return Unknown
}

// OnSpawn records that listener proc was (re)started: it must write READY
// before it gets events, and anything a former instance wrote is gone. An
// event a former instance still held (OnExit was missed) is taken back.
func (p *Pool) OnSpawn(proc string) []Action {
	l := p.listener(proc)
	if l == nil {
		return nil
	}
	acts := p.takeBack(l)
	l.alive, l.running, l.proto = true, false, newParser()
	return acts
}

// OnRunning records that listener proc reached RUNNING (after startsecs),
// so it may now be sent events.
func (p *Pool) OnRunning(proc string) []Action {
	l := p.listener(proc)
	if l == nil || !l.alive {
		return nil
	}
	l.running = true
	return p.dispatch()
}

// OnLeftRunning records that listener proc left RUNNING (it is being
// stopped): it gets no new events, as supervisord sends events only to
// RUNNING listeners. An event it holds stays with it until it answers or
// exits.
func (p *Pool) OnLeftRunning(proc string) {
	if l := p.listener(proc); l != nil {
		l.running = false
	}
}

// Results is the number of RESULTs listener proc has given since the pool
// was made, accepted or not: a listener that answers works, whatever its
// answers say.
func (p *Pool) Results(proc string) uint64 {
	if l := p.listener(proc); l != nil {
		return l.results
	}
	return 0
}

// OnOutput feeds what listener proc wrote on its stdout to its protocol
// state and returns what follows: events sent to READY listeners, results
// handled, and a restart when it broke the protocol (the event it was busy
// with goes back to the front of the buffer).
func (p *Pool) OnOutput(proc string, data []byte) []Action {
	l := p.listener(proc)
	if l == nil || !l.alive {
		return nil
	}
	var acts []Action
	for _, r := range l.proto.feed(data) {
		switch r.kind {
		case replyResult:
			l.results++
			acts = append(acts, p.result(l, r.body)...)
		case replyViolation:
			acts = append(acts, p.logf(LevelWarn, l.name, "%s: %s; it broke the eventlistener protocol and will be restarted", l.name, r.why))
			acts = append(acts, p.takeBack(l)...)
			acts = append(acts, Action{Kind: ActionRestart, Pool: p.cfg.Name, Process: l.name})
		}
	}
	return append(acts, p.dispatch()...)
}

// OnWriteError records that writing an event to proc failed (EPIPE: it
// closed its stdin or is dying). The event goes back to the front of the
// buffer, and proc is restarted.
func (p *Pool) OnWriteError(proc string) []Action {
	l := p.listener(proc)
	if l == nil || !l.alive || l.proto.state == Unknown {
		return nil
	}
	l.proto.state = Unknown
	acts := []Action{p.logf(LevelWarn, l.name, "%s: cannot write an event to its stdin; it will be restarted", l.name)}
	acts = append(acts, p.takeBack(l)...)
	acts = append(acts, Action{Kind: ActionRestart, Pool: p.cfg.Name, Process: l.name})
	return append(acts, p.dispatch()...)
}

// OnExit records that listener proc exited. The event it was busy with
// goes back to the front of the buffer; other READY listeners may get it.
// Call it after the last OnOutput of that process, so a RESULT it wrote
// just before exiting still counts.
func (p *Pool) OnExit(proc string) []Action {
	l := p.listener(proc)
	if l == nil {
		return nil
	}
	acts := p.takeBack(l)
	l.alive, l.running, l.proto = false, false, newParser()
	return append(acts, p.dispatch()...)
}

// result applies the result handler to the event l was busy with.
func (p *Pool) result(l *listener, body []byte) []Action {
	outcome, printed := handleResult(p.cfg.ResultHandler, body)
	var acts []Action
	switch outcome {
	case resultAccepted:
		acts = append(acts, p.logf(LevelDebug, l.name, "%s: event was processed", l.name))
		l.inflight = nil
	case resultRejected:
		acts = append(acts, p.logf(LevelWarn, l.name, "%s: event was rejected", l.name))
		acts = append(acts, p.takeBack(l)...)
	case resultError:
		// supervisord would redeliver it; the handler would fail on it
		// again, so it is dropped instead of looping.
		acts = append(acts, p.logf(LevelWarn, l.name, "%s: event caused an error in the result handler; dropping it", l.name))
		l.inflight = nil
	}
	if printed != nil {
		acts = append(acts, Action{Kind: ActionPrint, Pool: p.cfg.Name, Process: l.name, Data: printed})
	}
	return acts
}

// takeBack puts the event l was busy with back at the front of the buffer.
func (p *Pool) takeBack(l *listener) []Action {
	q := l.inflight
	if q == nil {
		return nil
	}
	l.inflight = nil
	acts := []Action{p.logf(LevelDebug, "", "rebuffering event %d for pool %s (buf size=%d, max=%d)",
		q.serial, p.cfg.Name, len(p.buffer), p.cfg.BufferSize)}
	return append(acts, p.accept(q, true)...)
}

// accept buffers q, at the back or (for an event taken back) at the
// front. A full buffer first drops its oldest event, as supervisord's
// _acceptEvent does, even when q goes to the front.
func (p *Pool) accept(q *queued, front bool) []Action {
	var acts []Action
	if len(p.buffer) >= p.cfg.BufferSize {
		dropped := p.buffer[0]
		p.buffer = p.buffer[1:]
		acts = append(acts, p.logf(LevelError, "", "pool %s event buffer overflowed, discarding event %d", p.cfg.Name, dropped.serial))
	}
	if front {
		p.buffer = slices.Insert(p.buffer, 0, q)
	} else {
		p.buffer = append(p.buffer, q)
	}
	return acts
}

// dispatch sends buffered events, oldest first, to READY listeners until
// either runs out.
func (p *Pool) dispatch() []Action {
	var acts []Action
	for len(p.buffer) > 0 {
		l := p.readyListener()
		if l == nil {
			break
		}
		q := p.buffer[0]
		p.buffer[0] = nil
		p.buffer = p.buffer[1:]
		l.proto.sent()
		l.inflight = q
		acts = append(acts,
			Action{Kind: ActionWrite, Pool: p.cfg.Name, Process: l.name,
				Data: Envelope(p.bus.identifier, q.serial, p.cfg.Name, q.poolSerial, q.ev)},
			p.logf(LevelDebug, l.name, "event %d sent to listener %s", q.serial, l.name))
	}
	if len(p.buffer) == 0 {
		p.buffer = nil // let the array go
	}
	return acts
}

func (p *Pool) readyListener() *listener {
	for _, l := range p.listeners {
		if l.running && l.proto.state == Ready {
			return l
		}
	}
	return nil
}

func (p *Pool) listener(proc string) *listener {
	for _, l := range p.listeners {
		if l.name == proc {
			return l
		}
	}
	return nil
}

func (p *Pool) logf(level Level, proc, format string, args ...any) Action {
	return Action{Kind: ActionLog, Pool: p.cfg.Name, Process: proc, Level: level, Msg: fmt.Sprintf(format, args...)}
}

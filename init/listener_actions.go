package supervisor

import (
	"time"

	"github.com/supinit/supinit/events"
	"github.com/supinit/supinit/program"
)

// What the loop does for the bus: carry out its actions, restart broken
// listeners, arm the TICK timer, and let the listeners take their last
// events before the shutdown stops them.

// do carries out the bus's actions.
func (s *Supervisor) do(acts []events.Action) {
	for _, a := range acts {
		switch a.Kind {
		case events.ActionWrite:
			p := s.listenerProc(a.Pool, a.Process)
			switch {
			case p == nil:
			case p.lis.writer == nil:
				s.do(p.lis.pool.OnWriteError(p.cfg.Name))
			default:
				p.lis.writer.send(a.Data)
			}
		case events.ActionLog:
			ev := s.log.Debug()
			switch a.Level {
			case events.LevelWarn:
				ev = s.log.Warn()
			case events.LevelError:
				ev = s.log.Error()
			}
			ev.Str("pool", a.Pool).Msg(a.Msg)
		case events.ActionRestart:
			p := s.listenerProc(a.Pool, a.Process)
			// A listener being stopped (supervisorctl stop, a reload)
			// often fails a write as it dies: that stop stands.
			if p != nil && (p.lis.restart || p.m.State() != program.Stopping) {
				p.lis.restart, p.lis.restartSpawn = true, p.drain.spawn
				s.restartListener(p)
			}
		case events.ActionPrint:
			s.print(a.Data)
		}
	}
}

func (s *Supervisor) listenerProc(pool, name string) *proc {
	g := s.groups[pool]
	if g == nil {
		return nil
	}
	for _, p := range g.procs {
		if p.cfg.Name == name && p.lis != nil {
			return p
		}
	}
	return nil
}

// restartListener moves a restart the pool asked for on: stop the
// listener if it runs, start it again once it is stopped (whatever its
// autorestart says), at most once per listenerRestartEvery. It runs after
// every event of the listener until the restart is done.
func (s *Supervisor) restartListener(p *proc) {
	l := p.lis
	if s.shut != nil || p.drain.spawn != l.restartSpawn {
		l.restart = false // shutting down, or started again meanwhile
		return
	}
	switch st := p.m.State(); st {
	case program.Starting, program.Running:
		s.handle(p, program.Stop())
	case program.Stopped, program.Exited, program.Fatal:
		if wait := l.lastRestart.Add(listenerRestartEvery).Sub(s.now()); wait > 0 {
			if l.restartTimer == nil {
				l.restartTimer = time.AfterFunc(wait, func() {
					s.post(func() {
						l.restartTimer = nil
						if l.restart && !p.gone {
							s.restartListener(p)
						}
					})
				})
			}
			return
		}
		l.restart, l.lastRestart = false, s.now()
		s.log.Info().Str("program", p.cfg.Namespec()).Msgf("restarting event listener %s", p.cfg.Name)
		s.handle(p, program.Start())
	case program.Backoff, program.Unknown:
		l.restart = false // it retries by itself, or cannot be started
	}
	// STOPPING: the exit brings it back here.
}

// armTick keeps one timer for the next TICK event, or none when no pool
// subscribes to TICK: an idle supinit without listeners never wakes up.
func (s *Supervisor) armTick() {
	next, ok := s.bus.NextTick(s.now())
	if !ok {
		s.stopTick()
		return
	}
	if s.tick != nil && next.Equal(s.tickAt) {
		return
	}
	s.stopTick()
	var t *time.Timer
	t = time.AfterFunc(next.Sub(s.now()), func() {
		s.post(func() {
			if s.tick == t {
				s.tick, s.tickAt = nil, time.Time{}
			}
			s.do(s.bus.Tick(s.now()))
		})
	})
	s.tick, s.tickAt = t, next
}

func (s *Supervisor) stopTick() {
	if s.tick != nil {
		s.tick.Stop()
		s.tick, s.tickAt = nil, time.Time{}
	}
}

// holdForListeners reports whether the shutdown should wait before
// stopping level: its listeners still have events queued or in hand
// while they run. It waits at most listenerFlushWait in all.
func (s *Supervisor) holdForListeners(level []*proc) bool {
	sh := s.shut
	if sh.forced || !listenersBusy(level) {
		return false
	}
	now := s.now()
	if sh.flushUntil.IsZero() {
		sh.flushUntil = now.Add(listenerFlushWait)
		time.AfterFunc(listenerFlushWait, func() { s.post(func() {}) })
	}
	if now.Before(sh.flushUntil) {
		return true
	}
	s.log.Warn().Msg("event listeners still had events to handle: stopping them anyway")
	return false
}

// listenersBusy reports whether a running listener of level has events
// waiting in its pool or owes a result.
func listenersBusy(level []*proc) bool {
	for _, p := range level {
		if p.lis == nil || p.gone || p.m.State() != program.Running {
			continue
		}
		st := p.lis.pool.State(p.cfg.Name)
		if st == events.Busy || (st != events.Unknown && p.lis.pool.Queued() > 0) {
			return true
		}
	}
	return false
}

package supervisor

import (
	"fmt"
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
				p.lis.lastSent = s.now()
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
				s.listenerBroke(p)
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

// listenerBroke counts a break of the protocol by p's current spawn (a
// spawn that breaks it twice, say a bad reply and then a failed write,
// counts once) and sets up its restart, due after a backoff that grows
// with the breaks in a row.
func (s *Supervisor) listenerBroke(p *proc) {
	l := p.lis
	if !l.restart || l.restartSpawn != p.drain.spawn {
		if n := l.pool.Results(p.cfg.Name); n != l.results {
			l.breaks, l.results = 0, n // it answered since its last break
		}
		l.breaks++
		l.restart, l.restartSpawn = true, p.drain.spawn
		l.restartAt = s.now().Add(listenerBackoff(l.breaks))
	}
	s.restartListener(p)
}

// restartListener moves a restart the pool asked for on: stop the
// listener if it runs; once it is stopped and the backoff is over, start
// it again (whatever its autorestart says), or, past startretries breaks
// in a row, leave it FATAL. It runs after every event of the listener
// until the restart is done.
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
		if l.breaks > p.cfg.Startretries {
			s.giveUpListener(p)
			return
		}
		if wait := l.restartAt.Sub(s.now()); wait > 0 {
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
		l.restart = false
		s.log.Info().Str("program", p.cfg.Namespec()).Msgf("restarting event listener %s", p.cfg.Name)
		s.handle(p, program.Start())
	case program.Backoff, program.Unknown:
		l.restart = false // it retries by itself, or cannot be started
	}
	// STOPPING: the exit brings it back here.
}

// giveUpListener leaves a stopped listener that keeps breaking the
// protocol FATAL, where supervisord would leave it running without
// events. `supervisorctl start` tries it again, with the count reset.
func (s *Supervisor) giveUpListener(p *proc) {
	l := p.lis
	breaks := l.breaks
	l.restart, l.breaks = false, 0
	s.log.Error().Str("program", p.cfg.Namespec()).
		Msgf("gave up: %s entered FATAL state, it broke the eventlistener protocol %d times in a row", p.cfg.Name, breaks)
	s.handle(p, program.Abandon(fmt.Sprintf("Broke the eventlistener protocol %d times in a row", breaks)))
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
// stopping level: its listeners still have events queued or in hand and
// are taking them. The wait ends when none of them wrote anything for
// listenerIdleWait, and after listenerFlushWait at most; a listener that
// has held one event since before the shutdown began is not waited for.
func (s *Supervisor) holdForListeners(level []*proc) bool {
	sh := s.shut
	if sh.forced {
		return false
	}
	working, lastOutput := listenersWorking(level, sh.began)
	if !working {
		return false
	}
	now := s.now()
	if sh.holdFrom.IsZero() {
		sh.holdFrom = now
	}
	idleFrom := sh.holdFrom
	if lastOutput.After(idleFrom) {
		idleFrom = lastOutput
	}
	until := idleFrom.Add(listenerIdleWait)
	if limit := sh.holdFrom.Add(listenerFlushWait); limit.Before(until) {
		until = limit
	}
	if now.Before(until) {
		s.recheckShutdownAt(until)
		return true
	}
	s.log.Warn().Msg("event listeners did not take their last events in time: stopping them anyway")
	return false
}

// recheckShutdownAt makes the loop look at the shutdown again at t (one
// timer, moved when t changes).
func (s *Supervisor) recheckShutdownAt(t time.Time) {
	sh := s.shut
	if sh.recheck != nil && sh.recheckAt.Equal(t) {
		return
	}
	if sh.recheck != nil {
		sh.recheck.Stop()
	}
	sh.recheck = time.AfterFunc(t.Sub(s.now()), func() { s.post(func() {}) })
	sh.recheckAt = t
}

// listenersWorking reports whether a running listener of level has
// events waiting in its pool or owes a result for an event sent since
// began, and when a listener of level last wrote on its stdout.
func listenersWorking(level []*proc, began time.Time) (working bool, lastOutput time.Time) {
	for _, p := range level {
		if p.lis == nil || p.gone || p.m.State() != program.Running {
			continue
		}
		if p.lis.lastOutput.After(lastOutput) {
			lastOutput = p.lis.lastOutput
		}
		st := p.lis.pool.State(p.cfg.Name)
		switch {
		case st == events.Busy && p.lis.lastSent.Before(began):
			// It never answered the event it had when the shutdown
			// began: waiting will not make it answer.
		case st == events.Busy, st != events.Unknown && p.lis.pool.Queued() > 0:
			working = true
		}
	}
	return working, lastOutput
}

package supervisor

import (
	"strings"
	"syscall"
	"time"

	"github.com/supinit/supinit/events"
	"github.com/supinit/supinit/program"
)

// waitLogEvery is how often the shutdown repeats "waiting for ... to die",
// as supervisord does at most every 3 s.
const waitLogEvery = 3 * time.Second

// shutdown is the state of the stop sequence: the programs stop one
// priority level at a time, highest first, the programs of a level
// together; then the leftover descendants get SIGTERM and, after a grace,
// SIGKILL.
type shutdown struct {
	restart bool // supervisord's restart: start again instead of exiting
	// asked is true once a signal asked for the shutdown: only a second
	// request escalates, not the first one to arrive during a shutdown
	// that a critical program or supervisorctl began.
	asked   bool
	forced  bool // a second request: SIGKILL everything now
	levels  [][]*proc
	level   int  // the level being stopped
	sent    bool // the current level got its stop requests
	sweep   bool // the descendants got SIGTERM
	killed  bool // the descendants got SIGKILL
	logTick *time.Timer
	began   time.Time // when the shutdown began
	// holdFrom is when the current level began to wait for its
	// listeners to take their last events (zero while it has not), and
	// recheck the timer that ends the wait (see holdForListeners).
	holdFrom  time.Time
	recheck   *time.Timer
	recheckAt time.Time
}

// shutdownLevels groups the processes by group priority, highest first;
// within a level they keep start order. The main command's group (isMain)
// is a level of its own, whatever a config group's priority.
func shutdownLevels(groups []*group, isMain func(*group) bool) [][]*proc {
	var levels [][]*proc
	for i := len(groups) - 1; i >= 0; {
		prio, main := groups[i].cfg.Priority, isMain(groups[i])
		var level []*proc
		j := i
		for j >= 0 && groups[j].cfg.Priority == prio && isMain(groups[j]) == main {
			j--
		}
		for _, g := range groups[j+1 : i+1] {
			level = append(level, g.procs...)
		}
		levels = append(levels, level)
		i = j
	}
	return levels
}

// startShutdown begins the stop sequence (or, with restart, a restart)
// with exit code code. No program starts by itself from now on.
func (s *Supervisor) startShutdown(code int, restart bool) {
	if s.shut != nil {
		return
	}
	s.code = code
	if restart {
		s.mood.Store(moodRestarting)
	} else {
		s.mood.Store(moodShutdown)
	}
	s.shut = &shutdown{restart: restart, levels: shutdownLevels(s.sortedGroups(), s.isMain), began: s.now()}
	s.publish(events.SupervisorStopping())
	// supervisord spawns nothing while its mood is below RUNNING: the
	// new processes of a restart are fresh machines, so halting the old
	// ones is right for both.
	s.eachProc(func(p *proc) { s.handle(p, program.Halt()) })
}

// forceShutdown is the answer to a second request (see onSignal):
// SIGKILL to every program and every descendant, at once.
func (s *Supervisor) forceShutdown() {
	if s.shut.forced {
		return
	}
	s.shut.forced = true
	s.shut.restart = false
	s.eachProc(func(p *proc) {
		s.handle(p, program.Halt())
		s.handle(p, program.Kill())
	})
	s.signalDescendants(syscall.SIGKILL)
	s.shut.sweep, s.shut.killed = true, true
}

// advanceShutdown moves the sequence on as far as it can now and reports
// whether it did anything.
func (s *Supervisor) advanceShutdown() bool {
	sh := s.shut
	for sh.level < len(sh.levels) {
		level := sh.levels[sh.level]
		if !sh.sent {
			if s.holdForListeners(level) {
				return false
			}
			sh.sent = true
			for _, p := range level {
				s.handle(p, program.GiveUp())
			}
			s.logWaiting()
			return true
		}
		if len(stillRunning(level)) > 0 {
			return false
		}
		sh.level++
		sh.sent, sh.holdFrom = false, time.Time{}
		s.stopLogWaiting()
	}
	if sh.restart {
		s.finishRestart()
		return true
	}
	return s.sweepDescendants()
}

// stillRunning lists the processes of level that are not stopped yet.
func stillRunning(level []*proc) []*proc {
	var out []*proc
	for _, p := range level {
		if !p.gone && !p.m.State().IsStopped() {
			out = append(out, p)
		}
	}
	return out
}

// logWaiting logs the processes of the current level still running, now
// and every waitLogEvery while they are. A level that was not sent its
// stop requests yet (it waits for its listeners) is not waited for.
func (s *Supervisor) logWaiting() {
	sh := s.shut
	if sh.level >= len(sh.levels) || !sh.sent {
		return
	}
	left := stillRunning(sh.levels[sh.level])
	if len(left) == 0 {
		return
	}
	names := make([]string, len(left))
	for i, p := range left {
		names[i] = p.cfg.Name
	}
	s.log.Info().Msgf("waiting for %s to die", strings.Join(names, ", "))
	if sh.logTick != nil {
		sh.logTick.Stop()
	}
	sh.logTick = time.AfterFunc(waitLogEvery, func() {
		s.post(func() {
			if s.shut == sh {
				s.logWaiting()
			}
		})
	})
}

// stopLogWaiting ends the repeats of logWaiting: a level is done.
func (s *Supervisor) stopLogWaiting() {
	if sh := s.shut; sh.logTick != nil {
		sh.logTick.Stop()
		sh.logTick = nil
	}
}

// sweepDescendants ends what the programs left behind (orphans
// re-parented to us, grandchildren that escaped their group): SIGTERM,
// then SIGKILL after the grace. It ends the loop when no child is left.
func (s *Supervisor) sweepDescendants() bool {
	sh := s.shut
	if !s.host.childrenLeft() {
		s.done = true
		return false
	}
	if sh.sweep {
		return false
	}
	sh.sweep = true
	s.log.Info().Msg("stopping the remaining processes with SIGTERM")
	s.signalDescendants(syscall.SIGTERM)
	time.AfterFunc(s.opts.shutdownGrace(), func() {
		s.post(func() {
			if sh.killed || !s.host.childrenLeft() {
				return
			}
			sh.killed = true
			s.log.Warn().Msgf("processes left after %s: killing them with SIGKILL", s.opts.shutdownGrace())
			s.signalDescendants(syscall.SIGKILL)
		})
	})
	return true
}

func (s *Supervisor) signalDescendants(sig syscall.Signal) {
	if err := s.host.signalDescendants(sig); err != nil {
		s.log.Error().Err(err).Msgf("cannot send %s to the remaining processes", program.SignalName(sig))
	}
}

// finishRestart ends a restart: reread the config (keeping the old one
// when the new one is broken), replace every group and start again.
func (s *Supervisor) finishRestart() {
	s.shut = nil
	cfg := s.parsed
	if fresh, err := s.reread(); err != nil {
		s.log.Error().Err(err).Msg("cannot reread the config; restarting with the one in use")
	} else {
		cfg = fresh
	}
	// A new bus first: the old pools go with their groups, and a restart
	// publishes no PROCESS_GROUP_REMOVED (supervisord starts afresh).
	s.newBus(cfg)
	for _, g := range s.sortedGroups() {
		s.removeGroup(g)
	}
	s.setConfig(cfg)
	var added []*group
	for _, g := range cfg.Groups {
		added = append(added, s.addGroup(cfg, g))
	}
	s.mood.Store(moodRunning)
	s.publish(events.SupervisorRunning())
	s.autostart(added)
}

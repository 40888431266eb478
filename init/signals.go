package supervisor

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/supinit/supinit/logs"
	"github.com/supinit/supinit/program"
)

// notifiedSignals are the signals the loop receives. A PID 1 gets only the
// signals it handles, and Go's runtime would make an un-notified TERM or
// HUP exit 2, so every catchable signal is notified — never ignored with
// signal.Ignore, whose SIG_IGN the programs would inherit. Left out:
// SIGKILL and SIGSTOP (uncatchable), SIGCHLD (the reaper's), SIGURG (Go's
// own preemption signal), and 32 to 34, which Go never delivers to a
// channel (package program keeps them from killing supinit).
//
// SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGTRAP are notified too: without
// that, one sent with kill(2) crashes supinit with a goroutine dump, and
// as PID 1 takes every program down with it. Notify affects only a sent
// one; a real fault in supinit still crashes it, as the runtime tells
// the two apart by the signal's origin.
func notifiedSignals() []os.Signal {
	sigs := []os.Signal{
		syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGILL,
		syscall.SIGTRAP, syscall.SIGABRT, syscall.SIGBUS, syscall.SIGFPE,
		syscall.SIGUSR1, syscall.SIGSEGV, syscall.SIGUSR2, syscall.SIGPIPE,
		syscall.SIGALRM, syscall.SIGTERM, syscall.SIGSTKFLT, syscall.SIGCONT,
		syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU, syscall.SIGXCPU,
		syscall.SIGXFSZ, syscall.SIGVTALRM, syscall.SIGPROF, syscall.SIGWINCH,
		syscall.SIGIO, syscall.SIGPWR, syscall.SIGSYS,
	}
	// The real-time signals 35..64: Go (without cgo) uses none of them.
	for n := 35; n <= 64; n++ {
		sigs = append(sigs, syscall.Signal(n))
	}
	return sigs
}

// subscribeSignals starts the delivery of notifiedSignals to a channel
// large enough that a burst is not dropped.
func subscribeSignals() chan os.Signal {
	c := make(chan os.Signal, 64)
	signal.Notify(c, notifiedSignals()...)
	return c
}

// onSignal is supinit's signal policy in supervisor mode.
func (s *Supervisor) onSignal(sig syscall.Signal) {
	name := program.SignalName(sig)
	switch sig {
	case syscall.SIGTERM, syscall.SIGINT, syscall.SIGQUIT:
		if s.shut != nil && !s.shut.restart && !s.shut.asked {
			// A shutdown a critical program or supervisorctl began: this is
			// the first request, and the stop stays graceful.
			s.shut.asked = true
			s.log.Warn().Msgf("received %s indicating exit request (already shutting down)", name)
			return
		}
		if s.shut != nil && !s.shut.restart {
			if !escalates(sig, s.listenerMayHaveSignalled()) {
				s.log.Warn().Msgf("received %s during shutdown: already shutting down (not taken as a request to kill)", name)
				return
			}
			s.log.Warn().Msgf("received %s during shutdown: killing every process with SIGKILL", name)
			s.forceShutdown()
			return
		}
		s.log.Warn().Msgf("received %s indicating exit request", name)
		if s.shut != nil { // a restart in progress becomes a shutdown
			s.shut.restart, s.shut.asked = false, true
			s.mood.Store(moodShutdown)
			return
		}
		s.startShutdown(0, false)
		s.shut.asked = true
	case syscall.SIGHUP:
		if s.shut != nil {
			s.log.Warn().Msgf("ignored %s indicating restart request (shutdown in progress)", name)
			return
		}
		s.log.Warn().Msgf("received %s indicating a config reload request", name)
		s.reloadFromSignal()
	case syscall.SIGUSR2:
		s.log.Info().Msgf("received %s indicating log reopen request", name)
		s.reopenLogs()
	case syscall.SIGPIPE, syscall.SIGWINCH, syscall.SIGCONT, syscall.SIGTTIN, syscall.SIGTTOU, syscall.SIGTSTP:
		// Terminal and pipe noise: a container init must not stop or die
		// on these, and they are common enough to stay out of the log.
		s.log.Debug().Msgf("received %s: ignored", name)
	default:
		s.log.Info().Msgf("received %s: ignored", name)
	}
}

// escalates reports whether sig, arriving during a shutdown, is a second
// request that ends it with SIGKILL for everything. A person pressing
// Ctrl-C twice, or a second `docker kill -s TERM`, means it. But the
// listeners written for supervisord (the corpus's stop-supervisor.sh)
// signal it on every event they get, and a shutdown sends them a STOPPED
// event per program: supervisord just shuts down once, and so must a
// graceful `docker stop`. So SIGQUIT, the listeners' favourite and no
// terminal's or orchestrator's, never escalates, and neither does a
// SIGTERM that may come from a listener handling an event.
func escalates(sig syscall.Signal, fromListener bool) bool {
	switch sig {
	case syscall.SIGINT:
		return true
	case syscall.SIGTERM:
		return !fromListener
	}
	return false
}

// reopenLogs reopens supinit's log and every program's log files.
func (s *Supervisor) reopenLogs() {
	if s.mainLog != nil {
		if err := s.mainLog.Reopen(); err != nil {
			s.log.Error().Err(err).Msg("cannot reopen the log")
		}
	}
	s.eachProc(func(p *proc) {
		for i, ch := range []*logs.Channel{p.stdout, p.stderr} {
			if ch == nil {
				continue
			}
			if err := ch.Reopen(); err != nil {
				s.log.Error().Err(err).Str("program", p.cfg.Namespec()).
					Msgf("cannot reopen the %s log of %s", [2]string{"stdout", "stderr"}[i], p.cfg.Name)
			}
		}
	})
}

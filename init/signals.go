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
// own preemption signal), and the synchronous SIGSEGV, SIGBUS, SIGFPE,
// SIGILL and SIGTRAP that the runtime must keep.
func notifiedSignals() []os.Signal {
	sigs := []os.Signal{
		syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGABRT,
		syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGPIPE, syscall.SIGALRM,
		syscall.SIGTERM, syscall.SIGSTKFLT, syscall.SIGCONT, syscall.SIGTSTP,
		syscall.SIGTTIN, syscall.SIGTTOU, syscall.SIGXCPU, syscall.SIGXFSZ,
		syscall.SIGVTALRM, syscall.SIGPROF, syscall.SIGWINCH, syscall.SIGIO,
		syscall.SIGPWR, syscall.SIGSYS,
	}
	// The real-time signals 34..64: Go (without cgo) uses none of them.
	for n := 34; n <= 64; n++ {
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
		if s.shut != nil && !s.shut.restart {
			s.log.Warn().Msgf("received %s during shutdown: killing every process with SIGKILL", name)
			s.forceShutdown()
			return
		}
		s.log.Warn().Msgf("received %s indicating exit request", name)
		if s.shut != nil { // a restart in progress becomes a shutdown
			s.shut.restart = false
			s.mood.Store(moodShutdown)
			return
		}
		s.startShutdown(0, false)
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

package supervisor

import (
	"errors"
	"os"
	"slices"
	"strings"
	"syscall"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/events"
	"github.com/supinit/supinit/logs"
	"github.com/supinit/supinit/program"
)

// This file and backend_procs.go are the control.Backend methods. Each
// runs its work on the loop (call) and so sees a consistent state; calls
// that wait for an outcome register a waiter there and wait outside it.

func shutdownFault() error { return program.NewFault(program.FaultShutdownState, "") }

// call runs fn on the loop and returns its error. While the supervisor
// shuts down or restarts fn does not run: the answer is SHUTDOWN_STATE,
// as supervisord's _update gives.
func (s *Supervisor) call(fn func() error) error {
	err := shutdownFault()
	s.onLoop(func() {
		if s.mood.Load() == moodRunning {
			err = fn()
		}
	})
	return err
}

// onLoop runs fn on the loop and waits until it has run; it reports
// false when the loop has ended.
func (s *Supervisor) onLoop(fn func()) bool {
	done := make(chan struct{})
	if !s.post(func() { fn(); close(done) }) {
		return false
	}
	<-done
	return true
}

// Identification is [supervisord] identifier.
func (s *Supervisor) Identification() string { return s.active.Load().Supervisord.Identifier }

// PID is supinit's pid.
func (s *Supervisor) PID() int { return os.Getpid() }

// State is supervisord's getState.
func (s *Supervisor) State() (int, string) {
	switch m := int(s.mood.Load()); m {
	case moodRunning:
		return m, "RUNNING"
	case moodRestarting:
		return m, "RESTARTING"
	default:
		return m, "SHUTDOWN"
	}
}

// Shutdown starts the ordered shutdown; supinit then exits 0.
func (s *Supervisor) Shutdown() error {
	return s.call(func() error {
		s.log.Warn().Msg("received shutdown request")
		s.startShutdown(0, false)
		return nil
	})
}

// Restart stops every program in shutdown order, rereads the config and
// starts again, in the same process.
func (s *Supervisor) Restart() error {
	return s.call(func() error {
		s.log.Warn().Msg("received restart request")
		s.startShutdown(0, true)
		return nil
	})
}

// ReloadConfig rereads the config and reports the difference to the
// running groups without applying it; the new config becomes the one
// AddProcessGroup takes groups from.
func (s *Supervisor) ReloadConfig() (added, changed, removed []string, err error) {
	cfg, rerr := s.reread()
	err = s.call(func() error {
		if rerr != nil {
			return program.NewFault(program.FaultCantReread, rerr.Error())
		}
		s.setConfig(cfg)
		added, changed, removed = diffGroups(s.snapshots(), cfg, s.mainSkip())
		return nil
	})
	return added, changed, removed, err
}

// AddProcessGroup activates a group of the last config read.
func (s *Supervisor) AddProcessGroup(name string) error {
	return s.call(func() error {
		g := findGroup(s.parsed, name)
		if g == nil {
			return program.NewFault(program.FaultBadName, name)
		}
		if s.groups[name] != nil {
			return program.NewFault(program.FaultAlreadyAdded, name)
		}
		s.log.Info().Msgf("added process group %s", name)
		s.autostart([]*group{s.addGroup(s.parsed, g)})
		return nil
	})
}

// RemoveProcessGroup removes a group whose processes are all stopped.
func (s *Supervisor) RemoveProcessGroup(name string) error {
	return s.call(func() error {
		g, err := s.lookupGroup(name)
		if err != nil {
			return err
		}
		if len(stillRunning(g.procs)) > 0 {
			return program.NewFault(program.FaultStillRunning, name)
		}
		delete(s.swaps, name)
		s.removeGroup(g)
		s.log.Info().Msgf("removed process group %s", name)
		return nil
	})
}

// ActiveConfig is the last config read and which of its groups run.
func (s *Supervisor) ActiveConfig() (*config.Config, map[string]bool) {
	var cfg *config.Config
	inUse := map[string]bool{}
	ok := s.onLoop(func() {
		cfg = s.parsed
		for name := range s.groups {
			inUse[name] = true
		}
	})
	if !ok {
		return s.active.Load(), map[string]bool{}
	}
	return cfg, inUse
}

// ProcessInfo is getProcessInfo.
func (s *Supervisor) ProcessInfo(namespec string) (program.Info, error) {
	var info program.Info
	err := s.call(func() error {
		p, err := s.resolveProc(namespec)
		if err != nil {
			return err
		}
		info = s.info(p)
		return nil
	})
	return info, err
}

// AllProcessInfo is getAllProcessInfo, sorted by group, then name.
func (s *Supervisor) AllProcessInfo() ([]program.Info, error) {
	var out []program.Info
	err := s.call(func() error {
		for _, g := range s.groups {
			for _, p := range g.procs {
				out = append(out, s.info(p))
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b program.Info) int {
		if c := strings.Compare(a.Group, b.Group); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, err
}

func (s *Supervisor) info(p *proc) program.Info {
	info := p.m.Info(s.now())
	if p.stdout != nil {
		info.StdoutLogfile = p.stdout.Path()
	}
	if p.stderr != nil {
		info.StderrLogfile = p.stderr.Path()
	}
	return info
}

// ProcessLog is one output channel of a process.
func (s *Supervisor) ProcessLog(namespec, channel string) (logs.Reader, error) {
	var ch *logs.Channel
	err := s.call(func() error {
		p, err := s.resolveProc(namespec)
		if err != nil {
			return err
		}
		switch channel {
		case "stdout":
			ch = p.stdout
		case "stderr":
			ch = p.stderr
		default:
			return program.NewFault(program.FaultBadArguments, "no channel "+channel)
		}
		if ch == nil {
			return program.NewFault(program.FaultNoFile, namespec)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ch, nil
}

// MainLog is supinit's own log.
func (s *Supervisor) MainLog() logs.Reader { return s.mainLog }

// SendProcessStdin writes data to the process's stdin. The write happens
// outside the loop: a program that does not read must block only this
// request.
func (s *Supervisor) SendProcessStdin(namespec string, data []byte) error {
	var stdin *os.File
	err := s.call(func() error {
		p, err := s.resolveProc(namespec)
		if err != nil {
			return err
		}
		if p.m.Pid() == 0 || p.m.State() == program.Stopping {
			return program.NewFault(program.FaultNotRunning, namespec)
		}
		if p.stdin == nil {
			return program.NewFault(program.FaultNoFile, namespec)
		}
		stdin = p.stdin
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := stdin.Write(data); err != nil {
		if errors.Is(err, syscall.EPIPE) || errors.Is(err, os.ErrClosed) {
			return program.NewFault(program.FaultNoFile, namespec)
		}
		return program.NewFault(program.FaultFailed, err.Error())
	}
	return nil
}

// SendRemoteCommEvent publishes a REMOTE_COMMUNICATION event. As in
// supervisord it works during a shutdown too.
func (s *Supervisor) SendRemoteCommEvent(typ, data string) error {
	s.onLoop(func() { s.publish(events.RemoteCommunication(typ, data)) })
	return nil
}

package supervisor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

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

// ProcessLog is one output channel of a process that has a log to read:
// a file, or the in-memory tail of output sent to the container's streams
// (supinit's extension: supervisord has nothing to read there).
func (s *Supervisor) ProcessLog(namespec, channel string) (logs.Reader, error) {
	var ch *logs.Channel
	err := s.call(func() error {
		p, err := s.resolveProc(namespec)
		if err != nil {
			return err
		}
		var lc config.LogConfig
		switch channel {
		case "stdout":
			ch, lc = p.stdout, p.cfg.Stdout
		case "stderr":
			ch, lc = p.stderr, p.cfg.Stderr
		default:
			return program.NewFault(program.FaultBadArguments, "no channel "+channel)
		}
		if ch == nil || keepsNoLog(lc) {
			// NO_FILE naming nothing, as supervisord answers for a
			// redirected stderr or a log that is NONE or syslog.
			return program.NewFault(program.FaultNoFile, "")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ch, nil
}

// keepsNoLog reports whether a channel's config asks for no log to read.
// Its channel still keeps an in-memory tail (a file that cannot be opened
// falls back to one), but a log the config turned off is not shown.
func keepsNoLog(lc config.LogConfig) bool {
	return lc.Logfile == config.LogNone || lc.Logfile == config.LogSyslog || lc.Logfile == ""
}

// MainLog is supinit's own log.
func (s *Supervisor) MainLog() logs.Reader { return s.mainLog }

// stdinWait bounds how long sendProcessStdin waits for a program to take
// its data. supervisord answers at once and keeps what the pipe cannot
// take in a buffer without bound (or fails with HTTP 500 when the pipe is
// already full); supinit writes within the call and keeps nothing after
// it, so a program that does not read costs its caller this long, and
// costs supinit neither memory nor a goroutine.
const stdinWait = time.Second

// SendProcessStdin writes data to the process's stdin, outside the loop,
// waiting at most stdinWait for the program to read it (less when ctx
// ends). The data of a listener joins the queue of its event writer
// instead: its stdin carries the event protocol, and supervisord too
// appends the data to the same buffer as the events.
func (s *Supervisor) SendProcessStdin(ctx context.Context, namespec string, data []byte) error {
	var stdin *os.File
	err := s.call(func() error {
		p, err := s.resolveProc(namespec)
		if err != nil {
			return err
		}
		if p.m.Pid() == 0 || p.m.State() == program.Stopping {
			return program.NewFault(program.FaultNotRunning, namespec)
		}
		if p.lis != nil && p.lis.writer != nil {
			p.lis.writer.send(data)
			return nil
		}
		if p.stdin == nil {
			return program.NewFault(program.FaultNoFile, namespec)
		}
		stdin = p.stdin
		return nil
	})
	if err != nil || stdin == nil {
		return err
	}
	return writeStdin(ctx, stdin, namespec, data)
}

// writeStdin writes data to a program's stdin pipe with a deadline. Every
// call sets the deadline before it writes, and nothing else writes to a
// program's stdin, so a deadline left by an earlier call never cuts a
// later one short. Calls for one process that overlap share the deadline
// (and a cancelled one ends the others' wait too): each waits until the
// latest of them gives up.
func writeStdin(ctx context.Context, stdin *os.File, namespec string, data []byte) error {
	if err := stdin.SetWriteDeadline(time.Now().Add(stdinWait)); err != nil {
		return stdinFault(namespec, err, 0, len(data))
	}
	stop := context.AfterFunc(ctx, func() { stdin.SetWriteDeadline(time.Now()) })
	defer stop()
	n, err := stdin.Write(data)
	if err != nil {
		return stdinFault(namespec, err, n, len(data))
	}
	return nil
}

// stdinFault is the fault for a failed write of size bytes, n of them
// written: NO_FILE when the program closed its stdin (EPIPE, as in
// supervisord), NOT_RUNNING when it exited meanwhile (the loop closed the
// pipe), FAILED when it did not read in time.
func stdinFault(namespec string, err error, n, size int) error {
	switch {
	case errors.Is(err, syscall.EPIPE):
		return program.NewFault(program.FaultNoFile, namespec)
	case errors.Is(err, os.ErrClosed):
		return program.NewFault(program.FaultNotRunning, namespec)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return program.NewFault(program.FaultFailed, fmt.Sprintf("%s did not read its stdin: %d of %d bytes written", namespec, n, size))
	}
	return program.NewFault(program.FaultFailed, fmt.Sprintf("cannot write to the stdin of %s: %v", namespec, err))
}

// SendRemoteCommEvent publishes a REMOTE_COMMUNICATION event. As in
// supervisord it works during a shutdown too.
func (s *Supervisor) SendRemoteCommEvent(typ, data string) error {
	s.onLoop(func() { s.publish(events.RemoteCommunication(typ, data)) })
	return nil
}

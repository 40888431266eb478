package supervisor

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/supinit/supinit/program"
	"github.com/supinit/supinit/reaper"
)

// DefaultSingleGrace is how long the processes a single command leaves
// behind get between SIGTERM and SIGKILL.
const DefaultSingleGrace = 10 * time.Second

// killWait bounds the wait for SIGKILLed processes to be reaped (one in
// uninterruptible sleep could take forever).
const killWait = 5 * time.Second

// SingleOptions configure single-command mode, `supinit -- CMD ARGS`.
type SingleOptions struct {
	// Stdout and Stderr receive the command's output. An *os.File (the
	// container's streams, a tty) is given to the command as is; any
	// other writer gets a copy through a pipe. nil means os.Stdout and
	// os.Stderr. stdin is always supinit's own.
	Stdout, Stderr io.Writer
	// Grace is how long the processes left after the command exits get
	// between SIGTERM and SIGKILL; 0 means DefaultSingleGrace.
	Grace time.Duration
	// Logf prints supinit's own messages; nil prints "supinit: ..." lines
	// on Stderr.
	Logf func(format string, args ...any)
}

// RunSingle runs argv as `tini -g` would, and returns the exit code for
// supinit: see SingleOptions.Run.
func RunSingle(argv []string, stdout, stderr io.Writer) int {
	return SingleOptions{Stdout: stdout, Stderr: stderr}.Run(argv)
}

// Run runs argv as the container's one program, with no config:
//   - argv runs in its own process group with supinit's stdin, stdout
//     and stderr (and, on a terminal, as its foreground group);
//   - every catchable signal is forwarded to that group, except SIGCHLD
//     (reaping), those Go's runtime keeps (SIGURG, SIGPROF, and 32-34,
//     which package program makes harmless to supinit), and
//     SIGTTIN/SIGTTOU, which the kernel sends about supinit's own
//     terminal access and are swallowed; so supinit is never stopped by
//     job control, while SIGTSTP from a user is passed on as tini does;
//   - orphans are reaped (as a subreaper when not PID 1, with a warning);
//   - once argv exits, what it left behind gets SIGTERM, then SIGKILL
//     after Grace, and supinit waits for it before returning (tini exits
//     at once and lets the kernel SIGKILL them);
//   - the result is argv's exit code, 128+N if it was killed by signal N,
//     127 when the command is not found, 126 when it cannot be executed.
func (o SingleOptions) Run(argv []string) int {
	o = o.withDefaults()
	if len(argv) == 0 {
		o.Logf("no command to run")
		return 1
	}
	// Subscribe before the child exists: a signal in between would kill
	// a Go PID 1 (exit code 2) instead of reaching the child.
	sigs := make(chan os.Signal, 128)
	signal.Notify(sigs, singleSignals()...)
	defer signal.Stop(sigs)

	if sub, err := reaper.Subreaper(); err != nil {
		o.Logf("warning: not PID 1 and %v: orphans will not be reaped", err)
	} else if sub {
		o.Logf("warning: not running as PID 1 (pid %d): running as a child subreaper instead", os.Getpid())
	}
	orphaned := make(chan struct{}, 1)
	r := reaper.New(reaper.Options{OnOrphan: func(int, syscall.WaitStatus) {
		select {
		case orphaned <- struct{}{}:
		default:
		}
	}})
	defer r.Stop()

	std, err := openSingleStdio(o.Stdout, o.Stderr)
	if err != nil {
		o.Logf("%v", err)
		return 1
	}
	pid, err := spawnSingle(r, argv, std.files())
	std.closeChildEnds()
	if err != nil {
		std.wait(0)
		var se *program.SpawnError
		if errors.As(err, &se) {
			o.Logf("cannot start %s: %s", argv[0], se.Msg)
			return se.ExitCode()
		}
		o.Logf("cannot start %s: %v", argv[0], err)
		return 1
	}
	code := o.supervise(r, argv[0], pid, sigs, orphaned)
	std.wait(time.Second)
	return code
}

func (o SingleOptions) withDefaults() SingleOptions {
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.Grace <= 0 {
		o.Grace = DefaultSingleGrace
	}
	if o.Logf == nil {
		stderr := o.Stderr
		o.Logf = func(format string, args ...any) {
			fmt.Fprintf(stderr, "supinit: "+format+"\n", args...)
		}
	}
	return o
}

// singleSignals are the signals single mode subscribes to: all catchable
// ones but SIGCHLD (the reaper's), and those Go's runtime keeps for
// itself and never delivers to a channel: SIGURG (preemption), SIGPROF
// (profiling), and 32, 33, 34 (glibc's and musl's internal signals; see
// program's reserved_signals.go for why they do not kill supinit).
func singleSignals() []os.Signal {
	var sigs []os.Signal
	for n := syscall.Signal(1); n <= 64; n++ {
		switch n {
		case syscall.SIGKILL, syscall.SIGSTOP, syscall.SIGCHLD, syscall.SIGURG, syscall.SIGPROF, 32, 33, 34:
			continue
		}
		sigs = append(sigs, n)
	}
	return sigs
}

// forwarded says whether single mode passes sig on to the command.
func forwarded(sig syscall.Signal) bool {
	return sig != syscall.SIGTTIN && sig != syscall.SIGTTOU
}

// spawnSingle starts argv in its own process group with files as fds 0,
// 1, 2, and in the foreground of supinit's terminal if it has one.
func spawnSingle(r *reaper.Reaper, argv []string, files []uintptr) (int, error) {
	path, err := program.LookPath(argv[0], os.Getenv("PATH"))
	if err != nil {
		return 0, err
	}
	sys := &syscall.SysProcAttr{Setpgid: true}
	// TIOCGPGRP succeeds only on our controlling terminal: then the
	// child's group takes the foreground, so Ctrl-C and Ctrl-Z go
	// straight to it. Go does it in the child with signals blocked.
	if _, err := unix.IoctlGetInt(0, unix.TIOCGPGRP); err == nil {
		sys.Foreground, sys.Ctty = true, 0
	}
	attr := &syscall.ProcAttr{Env: os.Environ(), Files: files, Sys: sys}
	pid, err := r.Start(func() (int, error) { return syscall.ForkExec(path, argv, attr) })
	if err != nil {
		return 0, program.ExecError(path, err)
	}
	return pid, nil
}

// supervise forwards signals until the command exits, then ends what it
// left behind, and returns the command's exit code.
func (o SingleOptions) supervise(r *reaper.Reaper, argv0 string, pid int, sigs <-chan os.Signal, orphaned <-chan struct{}) int {
	code := -1 // the command is running
	var grace, giveUp <-chan time.Time
	for {
		select {
		case s := <-sigs:
			sig := s.(syscall.Signal)
			switch {
			case code < 0 && forwarded(sig):
				forwardToGroup(pid, sig)
			case code >= 0 && (sig == syscall.SIGTERM || sig == syscall.SIGINT || sig == syscall.SIGQUIT):
				// Asked again to stop while waiting: don't wait longer.
				if grace != nil {
					grace, giveUp = nil, o.killAll()
				}
			}
		case e := <-r.Exits():
			if e.Pid != pid {
				continue
			}
			code = reaper.ExitCode(e.Status)
			if r.ChildrenLeft() {
				o.Logf("%s ended (%s): sending SIGTERM to the processes it left", argv0, reaper.Describe(e.Status))
				o.signalAll(syscall.SIGTERM)
				// A stopped process acts on SIGTERM only once continued.
				o.signalAll(syscall.SIGCONT)
				grace = time.After(o.Grace)
			}
		case <-orphaned:
		case <-grace:
			o.Logf("processes left by %s still running %v after SIGTERM: sending SIGKILL", argv0, o.Grace)
			grace, giveUp = nil, o.killAll()
		case <-giveUp:
			o.Logf("processes still left %v after SIGKILL: exiting anyway", killWait)
			return code
		}
		if code >= 0 && !r.ChildrenLeft() {
			return code
		}
	}
}

func (o SingleOptions) killAll() <-chan time.Time {
	o.signalAll(syscall.SIGKILL)
	return time.After(killWait)
}

func (o SingleOptions) signalAll(sig syscall.Signal) {
	if err := reaper.SignalDescendants(sig); err != nil {
		o.Logf("%v", err)
	}
}

// forwardToGroup signals the command's process group, or the command
// alone if it moved to another group (setsid, setpgid).
func forwardToGroup(pid int, sig syscall.Signal) {
	if err := syscall.Kill(-pid, sig); errors.Is(err, syscall.ESRCH) {
		_ = syscall.Kill(pid, sig)
	}
}

package program

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/supinit/supinit/config"
)

// Starter registers a child with the process's only waiter while it is
// forked. *reaper.Reaper is one: its Start runs spawn under the lock its
// wait loop takes, so no exit can be lost.
type Starter interface {
	Start(spawn func() (pid int, err error)) (int, error)
}

// SpawnOptions are what a program's spawn needs beyond its config.
type SpawnOptions struct {
	// Environ is supinit's own environment; nil means os.Environ().
	Environ []string
	// GlobalEnv is [supervisord] environment.
	GlobalEnv map[string]string
	// ServerURL becomes SUPERVISOR_SERVER_URL; "" means no variable
	// (unless the program sets serverurl= itself).
	ServerURL string
	// StdinPipe gives the child a pipe as stdin (Process.Stdin is its
	// write end) instead of /dev/null.
	StdinPipe bool
}

// Process is a started child. Its exit comes from the Starter (the
// reaper), by Pid: never wait for it any other way.
type Process struct {
	Pid int
	// Stdout and Stderr are the read ends of the child's output pipes,
	// to be read until EOF and closed by the caller. Stderr is nil with
	// redirect_stderr, where fd 1 and fd 2 share the stdout pipe.
	Stdout, Stderr *os.File
	// Stdin is the write end of the child's stdin with StdinPipe, else
	// nil.
	Stdin *os.File
}

// Spawn starts p as supervisord does (argv, PATH search, environment,
// user, directory, umask), in its own process group, with stdin from
// /dev/null (or a pipe) and stdout/stderr on pipes. Every failure is a
// *SpawnError; Spawn never panics on a bad program.
func Spawn(r Starter, p *config.Program, opts SpawnOptions) (*Process, error) {
	if len(p.Argv) == 0 {
		return nil, &SpawnError{Kind: SpawnErrOther, Msg: "command is empty"}
	}
	var acct *account
	var cred *syscall.Credential
	if p.User != nil {
		var err error
		if acct, err = lookupAccount(*p.User); err != nil {
			return nil, &SpawnError{Kind: SpawnErrOther, Msg: "couldn't setuid to " + *p.User + ": " + err.Error(), Err: err}
		}
		if cred, err = acct.credential(); err != nil {
			return nil, &SpawnError{Kind: SpawnErrOther, Msg: "couldn't setuid to " + *p.User + ": " + err.Error(), Err: err}
		}
	}
	environ := opts.Environ
	if environ == nil {
		environ = os.Environ()
	}
	env := buildEnv(environ, opts.GlobalEnv, p, opts.ServerURL, acct)
	path, err := LookPath(p.Argv[0], searchPath(env))
	if err != nil {
		return nil, err
	}
	dir := ""
	if p.Directory != nil {
		dir = *p.Directory
		if err := checkDirectory(dir, acct); err != nil {
			return nil, err
		}
	}

	if err := markInheritedCloexec(); err != nil {
		return nil, &SpawnError{Kind: SpawnErrOther, Msg: err.Error(), Err: err}
	}
	fds, err := openStdio(opts.StdinPipe, p.RedirectStderr)
	if err != nil {
		return nil, &SpawnError{Kind: SpawnErrOther, Msg: err.Error(), Err: err}
	}
	attr := &syscall.ProcAttr{
		Dir:   dir,
		Env:   env,
		Files: fds.childFiles(),
		Sys: &syscall.SysProcAttr{
			// Its own group: signals to supinit's group (a terminal's
			// Ctrl-C) don't reach it, and stopasgroup can reach its tree.
			Setpgid:    true,
			Credential: cred,
		},
	}
	pid, err := r.Start(func() (int, error) { return forkExec(path, p.Argv, attr, p.Umask) })
	fds.closeChildEnds()
	if err != nil {
		fds.closeParentEnds()
		var se *SpawnError
		if errors.As(err, &se) {
			return nil, se
		}
		return nil, ExecError(path, err)
	}
	return &Process{Pid: pid, Stdout: fds.stdoutR, Stderr: fds.stderrR, Stdin: fds.stdinW}, nil
}

// checkDirectory gives supervisord's "couldn't chdir to DIR: ENOENT"
// before the fork, where the child would only report a bare errno.
func checkDirectory(dir string, acct *account) error {
	st, err := os.Stat(dir)
	var errno syscall.Errno
	switch {
	case errors.As(err, &errno):
		return &SpawnError{Kind: SpawnErrOther, Msg: "couldn't chdir to " + dir + ": " + errnoName(errno), Err: err}
	case err != nil:
		return &SpawnError{Kind: SpawnErrOther, Msg: "couldn't chdir to " + dir + ": " + err.Error(), Err: err}
	case !st.IsDir():
		return &SpawnError{Kind: SpawnErrOther, Msg: "couldn't chdir to " + dir + ": ENOTDIR", Err: syscall.ENOTDIR}
	case acct != nil && !acct.canReach(dir):
		return &SpawnError{Kind: SpawnErrOther, Msg: "couldn't chdir to " + dir + ": EACCES", Err: syscall.EACCES}
	}
	return nil
}

// forkExec is syscall.ForkExec with the child's umask set when umask is
// not nil.
//
// The umask lives in the fs_struct that all of supinit's threads share,
// so setting it around the fork would, for that moment, also apply to
// files other goroutines create (log files). Instead a locked thread
// unshares its fs_struct (CLONE_FS) and sets the umask there only; the
// child, forked from that thread, inherits it.
func forkExec(path string, argv []string, attr *syscall.ProcAttr, umask *int) (int, error) {
	if umask == nil {
		return syscall.ForkExec(path, argv, attr)
	}
	type result struct {
		pid int
		err error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			// The main thread is never thrown away (see below), and it is
			// what /proc/<pid> shows. Keep it busy, so that the goroutine
			// doing the work cannot run on it, and give it back after.
			pid, err := forkExec(path, argv, attr, umask)
			runtime.UnlockOSThread()
			done <- result{pid, err}
			return
		}
		// No UnlockOSThread: a goroutine that ends locked takes its
		// thread with it, so the runtime never reuses a thread whose
		// umask differs from the process's.
		if err := unix.Unshare(unix.CLONE_FS); err != nil {
			done <- result{err: &SpawnError{Kind: SpawnErrOther, Msg: fmt.Sprintf("couldn't set umask %03o: %v", *umask, err), Err: err}}
			return
		}
		syscall.Umask(*umask)
		pid, err := syscall.ForkExec(path, argv, attr)
		done <- result{pid, err}
	}()
	res := <-done
	return res.pid, res.err
}

// SendSignal sends sig to pid, or to its process group when group is
// true. A process already gone (ESRCH) is not an error. pid must be
// positive: kill(0) or kill(-1) would hit supinit's group or everything.
func SendSignal(pid int, sig syscall.Signal, group bool) error {
	if pid <= 0 {
		return fmt.Errorf("cannot signal pid %d: not a process", pid)
	}
	target := pid
	if group {
		target = -pid
	}
	if err := syscall.Kill(target, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("cannot send %v to pid %d: %w", sig, pid, err)
	}
	return nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// launcher starts sessions with one work directory and remembers the live
// ones, so that an interrupted harness can kill them all.
type launcher struct {
	dir string

	mu   sync.Mutex
	live map[int]bool // by session id, which is the init's pid
}

func newLauncher(dir string) *launcher {
	return &launcher{dir: dir, live: map[int]bool{}}
}

// killAll kills every session still running.
func (l *launcher) killAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for sid := range l.live {
		killSession(sid)
	}
}

// session is one init (or other command) under test, started as a plain
// child of the harness in a new session so that everything it starts, even
// programs that moved to their own process groups, can be found and killed.
type session struct {
	l      *launcher
	pid    int
	out    *outputWatch
	stderr *os.File
	exited chan struct{} // closed once the process has been waited for
	status *os.ProcessState
	err    error // from Wait, valid once exited is closed
}

// start runs argv with stdout read by a new outputWatch for w and stderr
// kept in a file, for error messages.
func (l *launcher) start(argv []string, w watchSpec) (*session, error) {
	r, wr, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("cannot make stdout pipe: %w", err)
	}
	defer wr.Close() // the child holds its own copy
	stderr, err := os.CreateTemp(l.dir, "stderr-")
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("cannot make stderr file: %w", err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = l.dir
	cmd.Stdout = wr
	cmd.Stderr = stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	s := &session{l: l, stderr: stderr, exited: make(chan struct{})}
	s.out = newOutputWatch(r, w)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := cmd.Start(); err != nil {
		r.Close()
		stderr.Close()
		return nil, fmt.Errorf("cannot start %s: %w", argv[0], err)
	}
	s.pid = cmd.Process.Pid
	l.live[s.pid] = true
	go s.out.run(s.pid)
	go func() {
		s.err = cmd.Wait()
		s.status = cmd.ProcessState
		close(s.exited)
	}()
	return s, nil
}

// waitExit waits up to timeout for the process to exit and returns when it
// did.
func (s *session) waitExit(timeout time.Duration) (time.Time, error) {
	select {
	case <-s.exited:
		return time.Now(), nil
	case <-time.After(timeout):
		return time.Time{}, fmt.Errorf("did not exit within %v", timeout)
	}
}

// waitOutput waits until the wanted output has come, the process has
// exited, or timeout has passed, and returns when the output was complete.
func (s *session) waitOutput(timeout time.Duration) (time.Time, bool) {
	select {
	case <-s.out.done:
	case <-s.exited:
	case <-time.After(timeout):
	}
	return s.out.reachedAt()
}

// exitError describes an exit with a status other than 0, once exited.
func (s *session) exitError() error {
	if s.err != nil {
		return fmt.Errorf("%v%s", s.err, s.stderrTail())
	}
	return nil
}

// failed describes why the session's process is not usable any more, or
// returns err when it is still running.
func (s *session) failed(err error) error {
	select {
	case <-s.exited:
		return fmt.Errorf("exited early (%v)%s", s.status, s.stderrTail())
	default:
		return err
	}
}

// stderrTail is the end of what the process wrote to stderr, for errors.
func (s *session) stderrTail() string {
	b, err := os.ReadFile(s.stderr.Name())
	if err != nil || len(b) == 0 {
		return ""
	}
	if len(b) > 300 {
		b = b[len(b)-300:]
	}
	return ": " + strings.TrimSpace(string(b))
}

// close kills whatever is left of the session and waits for the init to
// be reaped. It is safe to call after a failure at any point.
func (s *session) close() {
	s.l.mu.Lock()
	delete(s.l.live, s.pid)
	s.l.mu.Unlock()
	killSession(s.pid)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		progress("warning: pid %d not reaped 5 s after SIGKILL", s.pid)
	}
	s.out.close()
	s.stderr.Close()
	os.Remove(s.stderr.Name())
}

// killSession SIGKILLs every process in session sid until none is left;
// it repeats because a dying process tree may still fork.
func killSession(sid int) {
	for range 20 {
		pids := sessionMembers(sid)
		if len(pids) == 0 {
			return
		}
		for _, pid := range pids {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(10 * time.Millisecond)
	}
	progress("warning: processes of session %d survive SIGKILL", sid)
}

// sessionMembers lists the live (non-zombie) processes of session sid.
func sessionMembers(sid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		f, err := procStat(pid)
		if err != nil || f.state == "Z" || f.session != sid {
			continue
		}
		pids = append(pids, pid)
	}
	return pids
}

// runWithTimeout runs a helper command to completion and returns its stdout.
func runWithTimeout(timeout time.Duration, dir string, argv ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("%s: %w: %s", argv[0], err, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("%s: %w", argv[0], err)
	}
	return string(out), nil
}

package program

import (
	"fmt"
	"math"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// stdio holds both ends of a child's fds 0, 1 and 2. Every file here is
// O_CLOEXEC (os.Open and os.Pipe always set it), so a child gets only
// the three ForkExec dups into 0, 1 and 2, and no other child inherits
// another's pipes.
type stdio struct {
	stdinR, stdinW   *os.File // stdinR is /dev/null without a stdin pipe
	stdoutR, stdoutW *os.File
	stderrR, stderrW *os.File // nil with redirect_stderr
}

func openStdio(stdinPipe, redirectStderr bool) (*stdio, error) {
	s := &stdio{}
	var err error
	if stdinPipe {
		s.stdinR, s.stdinW, err = os.Pipe()
	} else {
		s.stdinR, err = os.Open(os.DevNull)
	}
	if err == nil {
		s.stdoutR, s.stdoutW, err = os.Pipe()
	}
	if err == nil && !redirectStderr {
		s.stderrR, s.stderrW, err = os.Pipe()
	}
	if err != nil {
		s.closeChildEnds()
		s.closeParentEnds()
		return nil, fmt.Errorf("cannot make the child's stdio: %w", err)
	}
	return s, nil
}

// childFiles are the fds the child gets as 0, 1, 2.
func (s *stdio) childFiles() []uintptr {
	errW := s.stdoutW
	if s.stderrW != nil {
		errW = s.stderrW
	}
	// Fd puts these in blocking mode, which is what a child expects of
	// its stdio; the parent's ends stay non-blocking.
	return []uintptr{s.stdinR.Fd(), s.stdoutW.Fd(), errW.Fd()}
}

// closeChildEnds closes our copies of the child's ends, so that EOF on
// the read ends means the child (and whatever inherited them) is done.
func (s *stdio) closeChildEnds() {
	closeAll(s.stdinR, s.stdoutW, s.stderrW)
}

func (s *stdio) closeParentEnds() {
	closeAll(s.stdinW, s.stdoutR, s.stderrR)
}

func closeAll(files ...*os.File) {
	for _, f := range files {
		if f != nil {
			f.Close()
		}
	}
}

// markInheritedCloexec sets FD_CLOEXEC on every fd from 3 up. Go opens
// all its own files close-on-exec, but fds inherited from whoever started
// supinit usually are not, and ForkExec would pass them to every program
// (supervisord closes them in the child; Go cannot run code there).
func markInheritedCloexec() error {
	err := unix.CloseRange(3, math.MaxUint32, unix.CLOSE_RANGE_CLOEXEC)
	if err == nil {
		return nil
	}
	// Kernels before 5.11: walk /proc/self/fd.
	entries, dirErr := os.ReadDir("/proc/self/fd")
	if dirErr != nil {
		return fmt.Errorf("cannot mark inherited fds close-on-exec: %w", err)
	}
	for _, e := range entries {
		if fd, convErr := strconv.Atoi(e.Name()); convErr == nil && fd >= 3 {
			// The directory's own fd is gone by now: EBADF is fine.
			_, _ = unix.FcntlInt(uintptr(fd), unix.F_SETFD, unix.FD_CLOEXEC)
		}
	}
	return nil
}

package logs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// Mux is the pair of container streams every program and supinit's own
// log write to: supinit's fd 1 and fd 2.
type Mux struct {
	Stdout *Stream
	Stderr *Stream
	// reads is the read buffers shared by the channels opened on this
	// Mux: a few serve every pipe, since a pipe holds one only while it
	// has bytes to read.
	reads *bufPool
}

// NewMux starts writers for stdout and stderr (normally os.Stdout and
// os.Stderr). opts.Name is set per stream; both share the colour of each
// program. When stdout and stderr are one file (a terminal, `2>&1`), the
// two streams take turns writing to it, so their lines never tear each
// other.
func NewMux(stdout, stderr *os.File, opts StreamOptions) *Mux {
	out := newOutput(stdout)
	errOut := out
	if !sameFile(stdout, stderr) {
		errOut = newOutput(stderr)
	}
	return newMux(out, errOut, opts, isTerminal(stdout), isTerminal(stderr))
}

func newMux(stdout, stderr *output, opts StreamOptions, stdoutTerminal, stderrTerminal bool) *Mux {
	labels := newPalette()
	o1, o2 := opts, opts
	o1.Name, o2.Name = "stdout", "stderr"
	return &Mux{
		Stdout: newStream(stdout, o1, stdoutTerminal, labels),
		Stderr: newStream(stderr, o2, stderrTerminal, labels),
		reads:  newBufPool(readBufSize),
	}
}

// Stream returns the stream of fd 1 or 2, else nil.
func (m *Mux) Stream(fd int) *Stream {
	switch fd {
	case 1:
		return m.Stdout
	case 2:
		return m.Stderr
	}
	return nil
}

// ForPath returns the stream a log path names (see IsContainerStream), or
// nil when the path is an ordinary file.
func (m *Mux) ForPath(path string) *Stream {
	if fd, ok := IsContainerStream(path); ok {
		return m.Stream(fd)
	}
	return nil
}

// reportWait bounds how long Close waits for stderr to take its report:
// stderr may be the stream that is stuck.
const reportWait = 200 * time.Millisecond

// Close flushes both streams until ctx is done, concurrently (a stuck
// stdout does not eat stderr's time), and stops them. Then it says on
// stderr, one line each, what was lost: output a stream did not take in
// time or could not write, lines of supinit's log it dropped. It returns
// the same as an error, nil when nothing was lost.
func (m *Mux) Close(ctx context.Context) error {
	budget := "in time"
	if deadline, ok := ctx.Deadline(); ok {
		budget = "within " + time.Until(deadline).Round(10*time.Millisecond).String()
	}
	streams := [...]*Stream{m.Stdout, m.Stderr}
	var gaveUp [2]int64
	var wg sync.WaitGroup
	for i, s := range streams {
		wg.Go(func() { gaveUp[i] = s.Close(ctx) })
	}
	wg.Wait()
	var errs []error
	for i, s := range streams {
		errs = append(errs, s.losses(gaveUp[i], budget)...)
	}
	if len(errs) > 0 {
		m.report(errs)
	}
	return errors.Join(errs...)
}

// report writes one "supinit: ..." line per error to stderr, after Close
// stopped its writer, waiting at most reportWait.
func (m *Mux) report(errs []error) {
	var b []byte
	for _, err := range errs {
		b = fmt.Appendf(b, "supinit: %v\n", err)
	}
	out := m.Stderr.out
	done := make(chan struct{})
	go func() {
		defer close(done)
		out.mu.Lock() // a stuck writer of the closed stream may hold it
		defer out.mu.Unlock()
		_, _ = out.write([][]byte{b})
	}()
	select {
	case <-done:
	case <-time.After(reportWait):
	}
}

// IsContainerStream reports whether a log path means supinit's own fd 1 or
// fd 2: /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N and
// /proc/1/fd/N (PID 1 is supinit in a container), or a symlink to one of
// them (like nginx's access.log → /dev/stdout). Such a path is never
// opened, so it works when fd 1 is a socket or supinit is not root.
func IsContainerStream(path string) (int, bool) {
	const maxHops = 8
	for range maxHops {
		if fd, ok := streamPathFD(filepath.Clean(path)); ok {
			return fd, true
		}
		target, err := os.Readlink(path)
		if err != nil {
			return 0, false
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = target
	}
	return 0, false
}

func streamPathFD(path string) (int, bool) {
	switch path {
	case "/dev/stdout":
		return 1, true
	case "/dev/stderr":
		return 2, true
	}
	for _, dir := range []string{"/dev/fd/", "/proc/self/fd/", "/proc/1/fd/"} {
		switch strings.TrimPrefix(path, dir) {
		case "1":
			return 1, true
		case "2":
			return 2, true
		}
	}
	return 0, false
}

// isTerminal reports whether f is a terminal (TCGETS succeeds). It uses
// SyscallConn rather than Fd, which would switch f to blocking mode.
func isTerminal(f *os.File) bool {
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	var termios syscall.Termios
	var errno syscall.Errno
	err = rc.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TCGETS, uintptr(unsafe.Pointer(&termios)))
	})
	return err == nil && errno == 0
}

// label is how one program's lines are marked on a stream with a prefix.
type label struct {
	text  string
	color string // ANSI SGR sequence
}

// palette gives each program name a colour, in order of first use like
// docker compose, and tracks the widest name so prefixes line up.
type palette struct {
	mu     sync.Mutex
	colors map[string]string
	width  int
}

func newPalette() *palette { return &palette{colors: map[string]string{}} }

func (p *palette) label(text string) label {
	p.mu.Lock()
	defer p.mu.Unlock()
	c, ok := p.colors[text]
	if !ok {
		c = colorCode(len(p.colors))
		p.colors[text] = c
	}
	p.width = max(p.width, len(text))
	return label{text: text, color: c}
}

func (p *palette) currentWidth() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.width
}

func colorCode(i int) string {
	codes := [...]string{"36", "33", "32", "35", "34", "91", "96", "93", "92", "95", "94"}
	return "\x1b[" + codes[i%len(codes)] + "m"
}

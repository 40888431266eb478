package main

import (
	"bytes"
	"fmt"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"
)

// capture is how the end-to-end tests read supinit's streams.

// capture collects what is read from one of supinit's streams and lets a
// test wait for it.
type capture struct {
	mu      sync.Mutex
	buf     []byte
	changed chan struct{} // closed and replaced at every read and at EOF
	eof     bool
}

func newCapture() *capture { return &capture{changed: make(chan struct{})} }

// readFrom copies f into the capture until EOF; pace, when set, is called
// before each read of at most chunk bytes (a slow reader).
func (c *capture) readFrom(f *os.File, chunk int, pace func()) {
	defer f.Close()
	b := make([]byte, chunk)
	for {
		if pace != nil {
			pace()
		}
		n, err := f.Read(b)
		c.mu.Lock()
		c.buf = append(c.buf, b[:n]...)
		if err != nil {
			c.eof = true
		}
		close(c.changed)
		c.changed = make(chan struct{})
		c.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// Bytes returns a copy of everything read so far.
func (c *capture) Bytes() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.buf)
}

func (c *capture) String() string { return string(c.Bytes()) }

// waitFor waits until cond holds for what was read, or the timeout, and
// reports whether it held. cond also sees whether the stream ended.
func (c *capture) waitFor(timeout time.Duration, cond func(b []byte, eof bool) bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		ok, eof, changed := cond(c.buf, c.eof), c.eof, c.changed
		c.mu.Unlock()
		if ok {
			return true
		}
		if eof {
			return false
		}
		select {
		case <-changed:
		case <-deadline.C:
			return false
		}
	}
}

// waitContains waits until s was read, failing t after the timeout.
func (c *capture) waitContains(t *testing.T, what, s string, timeout time.Duration) {
	t.Helper()
	if !c.waitFor(timeout, func(b []byte, _ bool) bool { return bytes.Contains(b, []byte(s)) }) {
		t.Fatalf("%s: %q did not appear within %v; got:\n%s", what, s, timeout, tail(c.Bytes()))
	}
}

// waitEOF waits until the stream ends, failing t after the timeout.
func (c *capture) waitEOF(t *testing.T, what string, timeout time.Duration) {
	t.Helper()
	if !c.waitFor(timeout, func(_ []byte, eof bool) bool { return eof }) {
		t.Fatalf("%s did not end within %v after supinit exited", what, timeout)
	}
}

// tail is the end of b, short enough for a failure message.
func tail(b []byte) string {
	const max = 4000
	if len(b) > max {
		return fmt.Sprintf("[... %d bytes ...]%s", len(b)-max, b[len(b)-max:])
	}
	return string(b)
}

// socketStream returns one end of a socket pair for supinit's fd and a
// capture reading the other end.
func socketStream(t *testing.T) (*os.File, *capture) {
	t.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	theirs, mine := os.NewFile(uintptr(fds[0]), "supinit-end"), os.NewFile(uintptr(fds[1]), "test-end")
	c := newCapture()
	go c.readFrom(mine, 64<<10, nil)
	return theirs, c
}

package logs

import (
	"bytes"
	"context"
	"io"
	"sync"
	"testing"
	"time"
)

// recorder is a stream sink that keeps every write(2) apart, so tests can
// check that each one holds whole lines.
type recorder struct {
	mu     sync.Mutex
	writes [][]byte
	notify chan struct{}
}

func newRecorder() *recorder { return &recorder{notify: make(chan struct{}, 1)} }

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	r.writes = append(r.writes, bytes.Clone(p))
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (r *recorder) bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return bytes.Join(r.writes, nil)
}

// waitFor waits until the recorded bytes satisfy ok, failing the test
// after a deadline.
func (r *recorder) waitFor(t *testing.T, what string, ok func([]byte) bool) []byte {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		if b := r.bytes(); ok(b) {
			return b
		}
		select {
		case <-r.notify:
		case <-deadline:
			t.Fatalf("timed out waiting for %s; got %q", what, r.bytes())
		}
	}
}

// testMux builds a Mux on two recorders.
func testMux(opts StreamOptions, terminal bool) (*Mux, *recorder, *recorder) {
	out, errw := newRecorder(), newRecorder()
	return newMux(newOutput(out), newOutput(errw), opts, terminal, terminal), out, errw
}

// chunkReader returns data in chunks of the given sizes, cycling.
type chunkReader struct {
	data  []byte
	sizes []int
	i     int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := min(r.sizes[r.i%len(r.sizes)], len(p), len(r.data))
	r.i++
	copy(p, r.data[:n])
	r.data = r.data[n:]
	return n, nil
}

func mustOpen(t *testing.T, opts ChannelOptions) *Channel {
	t.Helper()
	c, err := OpenChannel(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func closeMux(t *testing.T, m *Mux) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := m.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

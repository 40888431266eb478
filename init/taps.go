package supervisor

import (
	"bytes"
	"errors"
	"io"
	"os"
	"sync"

	"github.com/supinit/supinit/events"
)

// tap is one thing a copier saw that the event loop must know about: a
// chunk a listener wrote on its stdout (the protocol), the EOF of that
// stdout, or a chunk of a program channel with *_events_enabled.
type tap struct {
	p        *proc
	listener bool   // the listener protocol, else a PROCESS_LOG chunk
	spawn    uint64 // the spawn the bytes came from
	eof      bool   // the pipe reached EOF
	pid      int    // PROCESS_LOG: the pid that wrote data
	ch       events.Channel
	data     []byte
}

// tapQueue carries taps from the copiers to the loop. It is unbounded on
// purpose: a copier must never wait for the loop (a busy loop would then
// slow every program's output), and dropping here would lose protocol
// replies or PROCESS_LOG events that supervisord delivers. The loop empties
// it whole on every wake, and the pools bound what is kept after that, so
// it only grows while the loop is behind.
type tapQueue struct {
	mu    sync.Mutex
	items []tap
	wake  chan struct{} // capacity 1: there is something to take
}

func newTapQueue() *tapQueue {
	return &tapQueue{wake: make(chan struct{}, 1)}
}

func (q *tapQueue) push(t tap) {
	q.mu.Lock()
	q.items = append(q.items, t)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// take returns everything queued, oldest first.
func (q *tapQueue) take() []tap {
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	q.items = nil
	return items
}

// pipeTap is the tap of one pipe of one spawn: its chunks and its EOF go
// to the loop as taps sharing t's fields.
type pipeTap struct {
	q *tapQueue
	t tap
}

func (pt *pipeTap) chunk(b []byte) {
	t := pt.t
	t.data = b
	pt.q.push(t)
}

func (pt *pipeTap) end() {
	t := pt.t
	t.eof = true
	pt.q.push(t)
}

// tapReader hands a copy of every chunk read to fn before the copier
// sees it, so the loop gets the chunks as they were read (supervisord's
// PROCESS_LOG events are per read, not per line).
type tapReader struct {
	r  io.Reader
	fn func(chunk []byte)
}

func (t *tapReader) Read(b []byte) (int, error) {
	n, err := t.r.Read(b)
	if n > 0 {
		t.fn(bytes.Clone(b[:n]))
	}
	return n, err
}

// stdinWriter writes events to one listener spawn's stdin on its own
// goroutine, so a listener that does not read cannot block the loop.
type stdinWriter struct {
	f       *os.File
	mu      sync.Mutex
	queue   [][]byte
	stopped bool
	wake    chan struct{} // capacity 1
	done    chan struct{} // closed when the goroutine has ended
}

// startStdinWriter starts the writer of f; failed runs (on the writer's
// goroutine) when a write fails for any reason other than f being closed
// by us, and the writer then stops.
func startStdinWriter(f *os.File, failed func()) *stdinWriter {
	w := &stdinWriter{f: f, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go w.run(failed)
	return w
}

// send queues data; it never blocks.
func (w *stdinWriter) send(data []byte) {
	w.mu.Lock()
	if !w.stopped {
		w.queue = append(w.queue, data)
	}
	w.mu.Unlock()
	w.poke()
}

// stop drops what is queued and ends the goroutine (after the write in
// progress, if any).
func (w *stdinWriter) stop() {
	w.mu.Lock()
	w.stopped, w.queue = true, nil
	w.mu.Unlock()
	w.poke()
}

func (w *stdinWriter) poke() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *stdinWriter) run(failed func()) {
	defer close(w.done)
	for range w.wake {
		w.mu.Lock()
		batch, stopped := w.queue, w.stopped
		w.queue = nil
		w.mu.Unlock()
		if stopped {
			return
		}
		for _, data := range batch {
			if _, err := w.f.Write(data); err != nil {
				if !errors.Is(err, os.ErrClosed) {
					failed()
				}
				return
			}
		}
	}
}

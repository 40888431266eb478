package supervisor

import (
	"bytes"
	"errors"
	"io"
	"os"
	"sync"

	"github.com/supinit/supinit/events"
)

// tapKind says what a tap is.
type tapKind int

const (
	// tapProtocol is a chunk a listener wrote on its stdout.
	tapProtocol tapKind = iota + 1
	// tapLog is a chunk of a channel with *_events_enabled: a
	// PROCESS_LOG event.
	tapLog
	// tapComm is a block a program wrote between the capture tokens: a
	// PROCESS_COMMUNICATION event.
	tapComm
	// tapEOF is the end of a tapped pipe.
	tapEOF
)

// tap is one thing a copier saw that the event loop must know about.
type tap struct {
	p     *proc
	kind  tapKind
	spawn uint64 // the spawn the bytes came from
	pid   int    // tapLog, tapComm: the pid that wrote data
	ch    events.Channel
	data  []byte
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

// pipeTap is the tap of one pipe of one spawn: what its copier sees goes
// to the loop as taps sharing t's fields.
type pipeTap struct {
	q *tapQueue
	// t holds the fields the pipe's taps share; its kind is what a chunk
	// read is (tapProtocol or tapLog), 0 when the chunks themselves are
	// not wanted (a channel tapped for capture mode only).
	t tap
	// capture, when above 0, is the channel's *_capture_maxbytes: its
	// PROCESS_COMMUNICATION blocks are cut out of the output.
	capture int64
}

func (pt *pipeTap) push(kind tapKind, b []byte) {
	t := pt.t
	t.kind, t.data = kind, b
	pt.q.push(t)
}

func (pt *pipeTap) chunk(b []byte) { pt.push(pt.t.kind, b) }

func (pt *pipeTap) end() { pt.push(tapEOF, nil) }

// reader wraps the pipe r for its copier.
func (pt *pipeTap) reader(r io.Reader) io.Reader {
	if pt.capture > 0 {
		return &captureReader{r: r, pt: pt, scan: events.NewCapture(pt.capture)}
	}
	return &tapReader{r: r, fn: pt.chunk}
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

// captureReader is the reader of a channel in capture mode: the copier
// (the log) gets the output without the PROCESS_COMMUNICATION blocks and
// their tokens, the loop gets the blocks and, with *_events_enabled, the
// PROCESS_LOG pieces (captured text included, as supervisord sends it).
type captureReader struct {
	r    io.Reader
	pt   *pipeTap
	scan *events.Capture
	buf  []byte // holds out, reused from read to read
	out  []byte // output the copier has not taken yet
	err  error  // r's error, returned once out is taken
}

func (c *captureReader) Read(b []byte) (int, error) {
	// A read may bring nothing for the log (a chunk that is all block):
	// read on rather than return 0 bytes with no error.
	for len(c.out) == 0 {
		if c.err != nil {
			return 0, c.err
		}
		n, err := c.r.Read(b)
		pieces := c.scan.Feed(b[:n])
		if err != nil {
			pieces = append(pieces, c.scan.End()...)
			c.err = err
		}
		c.route(pieces)
	}
	n := copy(b, c.out)
	c.out = c.out[n:]
	return n, nil
}

// route sends each piece where it goes. The output for the copier is
// copied: the pieces share the read buffer, which Read hands back to the
// copier.
func (c *captureReader) route(pieces []events.Piece) {
	c.buf = c.buf[:0]
	for _, pc := range pieces {
		switch pc.Kind {
		case events.Output:
			c.buf = append(c.buf, pc.Data...)
			fallthrough
		case events.Captured:
			if c.pt.t.kind == tapLog {
				c.pt.push(tapLog, bytes.Clone(pc.Data))
			}
		case events.Communication:
			c.pt.push(tapComm, pc.Data)
		}
	}
	c.out = c.buf
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

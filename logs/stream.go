package logs

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// ErrClosed is returned by Flush on a stream that was closed.
var ErrClosed = errors.New("stream closed")

// ColorMode says when a prefix is coloured.
type ColorMode int

const (
	ColorAuto   ColorMode = iota // colour when the stream is a terminal
	ColorAlways                  // always colour
	ColorNever                   // never colour
)

// StreamOptions configure a container stream.
type StreamOptions struct {
	// Name is the stream's channel name, "stdout" or "stderr". A program
	// channel of the other name gets it in its prefix ("web(stderr) | ").
	Name string
	// Prefix puts "<name> | " before each line (supinit's log_prefix).
	// Off, the bytes pass through unchanged.
	Prefix bool
	// Color colours the prefix per program.
	Color ColorMode
	// QueueLen bounds the writes waiting for the writer goroutine
	// (each at most about 64 KiB); 0 means 64.
	QueueLen int
}

const (
	defaultQueueLen = 64
	// coalesceBytes caps how much the writer joins into one write(2):
	// several programs' whole lines in one call cost one syscall.
	coalesceBytes = 64 << 10
)

// item is one entry of a stream's queue: whole lines to write, or a flush
// marker whose done channel the writer closes when it reaches it.
type item struct {
	buf  *[]byte
	done chan struct{}
}

// Stream is one container stream (supinit's fd 1 or fd 2). Each Write
// reaches the file in one write(2), done by the stream's own goroutine, so
// a stuck reader blocks only the callers of this stream.
type Stream struct {
	out     io.Writer
	name    string
	prefix  bool
	color   bool
	labels  *palette
	queue   chan item
	closed  chan struct{}
	once    sync.Once
	pending atomic.Int64 // bytes accepted and not yet written
	dropped atomic.Int64 // bytes refused after Close, lost to write errors, or abandoned by Close
	pool    sync.Pool    // *[]byte buffers recycled between the copiers and the writer

	errMu sync.Mutex
	err   error // the first write error
}

// NewStream starts the writer of one container stream writing to f.
func NewStream(f *os.File, opts StreamOptions) *Stream {
	return newStream(f, opts, isTerminal(f), newPalette())
}

func newStream(out io.Writer, opts StreamOptions, terminal bool, labels *palette) *Stream {
	n := opts.QueueLen
	if n <= 0 {
		n = defaultQueueLen
	}
	s := &Stream{
		out:    out,
		name:   opts.Name,
		prefix: opts.Prefix,
		color:  opts.Color == ColorAlways || (opts.Color == ColorAuto && terminal),
		labels: labels,
		queue:  make(chan item, n),
		closed: make(chan struct{}),
	}
	s.pool.New = func() any { b := make([]byte, 0, 4096); return &b }
	go s.run()
	return s
}

// Write writes p, which should hold whole lines, in one write(2). It
// blocks while the stream's queue is full and returns an error only after
// Close. p is copied.
func (s *Stream) Write(p []byte) (int, error) {
	b := s.getBuf()
	*b = append(*b, p...)
	if !s.send(b, true) {
		return 0, ErrClosed
	}
	return len(p), nil
}

// Dropped reports the bytes this stream has lost: refused after Close,
// failed writes, and those Close gave up on.
func (s *Stream) Dropped() int64 { return s.dropped.Load() }

// Err returns the first write error, if any.
func (s *Stream) Err() error {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	return s.err
}

// Flush waits until everything accepted before the call is written, or
// ctx is done.
func (s *Stream) Flush(ctx context.Context) error {
	done := make(chan struct{})
	select {
	case s.queue <- item{done: done}:
	case <-s.closed:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-done:
		return nil
	case <-s.closed:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close flushes the stream until ctx is done, then stops it: later writes
// are dropped. It returns the bytes it gave up on (0 after a complete
// flush) and ctx's error if it gave up. A writer stuck in write(2) stays
// stuck, but holds nothing anyone else needs, and os.Exit ends it.
func (s *Stream) Close(ctx context.Context) (int64, error) {
	err := s.Flush(ctx)
	if errors.Is(err, ErrClosed) {
		return 0, nil
	}
	s.once.Do(func() { close(s.closed) })
	lost := s.pending.Load()
	s.dropped.Add(lost)
	return lost, err
}

func (s *Stream) getBuf() *[]byte {
	b := s.pool.Get().(*[]byte)
	*b = (*b)[:0]
	return b
}

func (s *Stream) putBuf(b *[]byte) {
	// Keep the pool from pinning the odd huge buffer.
	if cap(*b) <= 2*coalesceBytes {
		s.pool.Put(b)
	}
}

// send queues b for the writer. With wait it blocks while the queue is
// full (lossless); without, it drops b when the queue is full (supinit's
// own log must never wait for a stalled stream). It reports whether b was
// queued.
func (s *Stream) send(b *[]byte, wait bool) bool {
	n := int64(len(*b))
	select {
	case <-s.closed:
		s.dropped.Add(n)
		return false
	default:
	}
	s.pending.Add(n)
	if wait {
		select {
		case s.queue <- item{buf: b}:
			return true
		case <-s.closed:
		}
	} else {
		select {
		case s.queue <- item{buf: b}:
			return true
		default:
		}
	}
	s.pending.Add(-n)
	s.dropped.Add(n)
	return false
}

// run is the stream's writer: it joins what is queued (up to
// coalesceBytes) into one write(2).
func (s *Stream) run() {
	var scratch []byte
	batch := make([]*[]byte, 0, 16)
	for {
		var first item
		select {
		case first = <-s.queue:
		case <-s.closed:
			return
		}
		var marker chan struct{}
		if first.done != nil {
			marker = first.done
		} else {
			batch = append(batch, first.buf)
			marker = s.gather(&batch)
		}
		scratch = s.writeBatch(batch, scratch)
		clear(batch)
		batch = batch[:0]
		if marker != nil {
			close(marker)
		}
	}
}

// gather adds queued items to batch without waiting, until the queue is
// empty, the batch is big enough, or a flush marker comes (returned).
func (s *Stream) gather(batch *[]*[]byte) chan struct{} {
	total := len(*(*batch)[0])
	for total < coalesceBytes {
		select {
		case it := <-s.queue:
			if it.done != nil {
				return it.done
			}
			*batch = append(*batch, it.buf)
			total += len(*it.buf)
		default:
			return nil
		}
	}
	return nil
}

func (s *Stream) writeBatch(batch []*[]byte, scratch []byte) []byte {
	if len(batch) == 0 {
		return scratch
	}
	data := *batch[0]
	if len(batch) > 1 {
		scratch = scratch[:0]
		for _, b := range batch {
			scratch = append(scratch, *b...)
		}
		data = scratch
	}
	if _, err := s.out.Write(data); err != nil {
		select {
		case <-s.closed: // Close counted these bytes already
		default:
			s.dropped.Add(int64(len(data)))
		}
		s.errMu.Lock()
		if s.err == nil {
			s.err = err
		}
		s.errMu.Unlock()
	}
	s.pending.Add(-int64(len(data)))
	for _, b := range batch {
		s.putBuf(b)
	}
	if cap(scratch) > 2*coalesceBytes {
		scratch = nil
	}
	return scratch
}

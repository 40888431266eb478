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
// marker whose done channel the writer closes when it reaches it. A buffer
// handed over by a copier goes back to that copier's pool, others to the
// stream's own.
type item struct {
	buf  *[]byte
	pool *bufPool
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
	small   *bufPool     // buffers of copies, recycled between their writers and this stream

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
		small:  newBufPool(smallBufSize),
	}
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

func (s *Stream) getBuf() *[]byte { return s.small.get() }

func (s *Stream) putBuf(it item) {
	if it.pool != nil {
		it.pool.put(it.buf)
	} else {
		s.small.put(it.buf)
	}
}

// send queues b, a buffer of getBuf, for the writer (see queueBuf).
func (s *Stream) send(b *[]byte, wait bool) bool { return s.queueBuf(item{buf: b}, wait) }

// queueBuf queues it for the writer, which then owns its buffer. With
// wait it blocks while the queue is full (lossless); without, it drops it
// when the queue is full (supinit's own log must never wait for a stalled
// stream). It reports whether it was queued.
func (s *Stream) queueBuf(it item, wait bool) bool {
	n := int64(len(*it.buf))
	select {
	case <-s.closed:
		s.dropped.Add(n)
		return false
	default:
	}
	s.pending.Add(n)
	if wait {
		select {
		case s.queue <- it:
			return true
		case <-s.closed:
		}
	} else {
		select {
		case s.queue <- it:
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
	batch := make([]item, 0, 16)
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
			batch = append(batch, first)
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
func (s *Stream) gather(batch *[]item) chan struct{} {
	total := len(*(*batch)[0].buf)
	for total < coalesceBytes {
		select {
		case it := <-s.queue:
			if it.done != nil {
				return it.done
			}
			*batch = append(*batch, it)
			total += len(*it.buf)
		default:
			return nil
		}
	}
	return nil
}

func (s *Stream) writeBatch(batch []item, scratch []byte) []byte {
	if len(batch) == 0 {
		return scratch
	}
	data := *batch[0].buf
	if len(batch) > 1 {
		scratch = scratch[:0]
		for _, it := range batch {
			scratch = append(scratch, *it.buf...)
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
	for _, it := range batch {
		s.putBuf(it)
	}
	if cap(scratch) > 2*coalesceBytes {
		scratch = nil
	}
	return scratch
}

package logs

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// ErrClosed is returned by Write and Flush on a stream that was closed.
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
	// coalesceBytes caps how much the writer joins into one writev(2):
	// several programs' whole lines in one call cost one system call.
	coalesceBytes = 64 << 10
	// logLaneLen bounds the lines of supinit's own log waiting for a
	// stream.
	logLaneLen = 64
	// logWait is the longest a line of supinit's own log waits for room
	// on a stream (see Stream.sendLog).
	logWait = 100 * time.Millisecond
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

// Stream is one container stream (supinit's fd 1 or fd 2). Its own
// goroutine writes what is queued, each line whole, so a stuck reader
// blocks only the callers of this stream.
type Stream struct {
	out    *output // shared with the other stream when both are one file
	name   string
	prefix bool
	color  bool
	labels *palette
	// queue carries the programs' output and flush markers, in order;
	// logLane carries supinit's own log, which the writer takes first.
	queue   chan item
	logLane chan item
	closed  chan struct{}
	once    sync.Once
	pending atomic.Int64 // bytes accepted and not yet written
	dropped atomic.Int64 // bytes lost to write errors, given up by Close, or refused after it
	failed  atomic.Int64 // the part of dropped that write errors lost
	// logDropped counts the lines of supinit's log the stream did not
	// take and no notice has reported yet (see logOut).
	logDropped atomic.Int64
	small      *bufPool   // buffers of copies, recycled between their writers and this stream
	bufs       [][]byte   // the writer's batch, as writev(2) takes it
	errMu      sync.Mutex // guards err
	err        error      // the first write error
}

func newStream(out *output, opts StreamOptions, terminal bool, labels *palette) *Stream {
	n := opts.QueueLen
	if n <= 0 {
		n = defaultQueueLen
	}
	s := &Stream{
		out:     out,
		name:    opts.Name,
		prefix:  opts.Prefix,
		color:   opts.Color == ColorAlways || (opts.Color == ColorAuto && terminal),
		labels:  labels,
		queue:   make(chan item, n),
		logLane: make(chan item, logLaneLen),
		closed:  make(chan struct{}),
		small:   newBufPool(smallBufSize),
	}
	go s.run()
	return s
}

// Write writes p, which should hold whole lines, in one write(2). It
// blocks while the stream's queue is full and returns an error only after
// Close. p is copied.
func (s *Stream) Write(p []byte) (int, error) {
	b := s.small.get()
	*b = append(*b, p...)
	if !s.send(item{buf: b}) {
		return 0, ErrClosed
	}
	return len(p), nil
}

// Dropped reports the bytes of output this stream has lost: to write
// errors, given up by Close, and refused after Close.
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
// are dropped. It returns the bytes it gave up on: 0 after a complete
// flush, or when there was nothing to flush. A writer stuck in write(2)
// stays stuck, but holds nothing anyone else needs (except the file,
// which is stuck anyway), and os.Exit ends it.
func (s *Stream) Close(ctx context.Context) int64 {
	if s.pending.Load() > 0 {
		_ = s.Flush(ctx) // what it could not write is still pending below
	}
	var lost int64
	s.once.Do(func() {
		close(s.closed)
		lost = s.pending.Load()
		s.dropped.Add(lost)
	})
	return lost
}

// losses describes what the stream lost, one error per kind, for the
// report at exit: gaveUp is what Close gave up on, budget how long it
// tried ("within 1s").
func (s *Stream) losses(gaveUp int64, budget string) []error {
	var errs []error
	if failed := s.failed.Load(); failed > 0 {
		errs = append(errs, fmt.Errorf("lost %d bytes of output to %s: %w", failed, s.name, s.Err()))
	}
	if gaveUp > 0 {
		errs = append(errs, fmt.Errorf("dropped %d bytes of output at exit: %s did not take them %s", gaveUp, s.name, budget))
	}
	if n := s.logDropped.Load(); n > 0 {
		errs = append(errs, errors.New(logDroppedText(n, s.name)))
	}
	return errs
}

// logDroppedText says that n lines of supinit's log did not reach stream.
func logDroppedText(n int64, stream string) string {
	if n == 1 {
		return fmt.Sprintf("1 line of supinit's log was dropped (%s did not take it)", stream)
	}
	return fmt.Sprintf("%d lines of supinit's log were dropped (%s did not take them)", n, stream)
}

func (s *Stream) putBuf(it item) {
	if it.pool != nil {
		it.pool.put(it.buf)
	} else {
		s.small.put(it.buf)
	}
}

// send queues it for the writer, which then owns its buffer. It blocks
// while the queue is full (output is lossless) and fails only after
// Close, dropping it.
func (s *Stream) send(it item) bool {
	n := int64(len(*it.buf))
	select {
	case <-s.closed:
		s.dropped.Add(n)
		return false
	default:
	}
	s.pending.Add(n)
	select {
	case s.queue <- it:
		return true
	case <-s.closed:
		s.pending.Add(-n)
		s.dropped.Add(n)
		return false
	}
}

// sendLog queues b, a buffer of s.small holding lines of supinit's own
// log, on the log lane, which the writer empties before each batch of
// program output: a reader that is merely slow gets supinit's lines
// promptly even while programs keep the queue full. When the lane is full
// it waits at most wait and then drops b, since supinit's log must not
// hold up the supervision loop behind a stalled reader. It reports
// whether b was queued; counting what was dropped is the caller's.
func (s *Stream) sendLog(b *[]byte, wait time.Duration) bool {
	it := item{buf: b}
	n := int64(len(*b))
	select {
	case <-s.closed:
		return false
	default:
	}
	s.pending.Add(n)
	select {
	case s.logLane <- it:
		return true
	default:
	}
	if wait > 0 {
		timer := time.NewTimer(wait)
		defer timer.Stop()
		select {
		case s.logLane <- it:
			return true
		case <-timer.C:
		case <-s.closed:
		}
	}
	s.pending.Add(-n)
	s.small.put(b)
	return false
}

// run is the stream's writer: it joins what is waiting, supinit's own
// log first, into one writev(2).
func (s *Stream) run() {
	batch := make([]item, 0, 16)
	for {
		var first item
		select {
		case first = <-s.logLane:
		default:
			select {
			case first = <-s.logLane:
			case first = <-s.queue:
			case <-s.closed:
				return
			}
		}
		marker := first.done
		if marker == nil {
			batch = append(batch, first)
			marker = s.gather(&batch)
			batch = s.writeBatch(batch)
		}
		if marker != nil {
			s.flushed(marker, batch)
		}
	}
}

// gather adds waiting items to batch without blocking, the log lane's
// first, until nothing waits, the batch is full, or a flush marker comes
// (returned).
func (s *Stream) gather(batch *[]item) chan struct{} {
	total := 0
	for _, it := range *batch {
		total += len(*it.buf)
	}
	for total < coalesceBytes && len(*batch) < maxIovecs {
		var it item
		select {
		case it = <-s.logLane:
		default:
			select {
			case it = <-s.logLane:
			case it = <-s.queue:
			default:
				return nil
			}
		}
		if it.done != nil {
			return it.done
		}
		*batch = append(*batch, it)
		total += len(*it.buf)
	}
	return nil
}

// flushed closes a flush marker taken from the queue, after writing the
// lines of supinit's log queued before it: they took the other lane.
// batch is an empty batch to use.
func (s *Stream) flushed(marker chan struct{}, batch []item) {
	for {
		select {
		case it := <-s.logLane:
			batch = append(batch, it)
			if len(batch) < maxIovecs {
				continue
			}
		default:
		}
		if len(batch) == 0 {
			close(marker)
			return
		}
		batch = s.writeBatch(batch)
	}
}

// writeBatch writes the batch's buffers in one go and recycles them. It
// returns the batch emptied, for reuse.
func (s *Stream) writeBatch(batch []item) []item {
	s.bufs = s.bufs[:0]
	for _, it := range batch {
		s.bufs = append(s.bufs, *it.buf)
	}
	size := int64(iovLen(s.bufs))
	s.out.mu.Lock()
	n, err := s.out.write(s.bufs)
	s.out.mu.Unlock()
	if err != nil {
		select {
		case <-s.closed: // Close counted these bytes already
		default:
			s.dropped.Add(size - n)
			s.failed.Add(size - n)
		}
		s.errMu.Lock()
		if s.err == nil {
			s.err = err
		}
		s.errMu.Unlock()
	}
	s.pending.Add(-size)
	for _, it := range batch {
		s.putBuf(it)
	}
	clear(s.bufs)
	clear(batch)
	return batch[:0]
}

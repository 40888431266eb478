package logs

import (
	"bytes"
	"errors"
	"io"
	"os"
	"sync"
	"syscall"
	"time"
)

// Copy reads r (one spawn's pipe) until EOF, cutting the bytes into lines
// for the channel's sinks, and flushes a partial last line before it
// returns. Run it in its own goroutine; several Copy calls on one channel
// (an old pipe still held open by an orphan, and the new one) keep their
// partial lines apart. It returns the read error, nil at EOF or when r is
// closed.
func (c *Channel) Copy(r io.Reader) error {
	cp := &copier{c: c}
	var err error
	if rc := rawConn(r); rc != nil {
		err = cp.copyRaw(r.(*os.File), rc)
	} else {
		err = cp.copyPlain(r)
	}
	cp.flush()
	cp.release()
	if errors.Is(err, io.EOF) || errors.Is(err, os.ErrClosed) {
		return nil
	}
	return err
}

// rawConn returns the raw connection of r when r is an *os.File.
func rawConn(r io.Reader) syscall.RawConn {
	f, ok := r.(*os.File)
	if !ok {
		return nil
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return nil
	}
	return rc
}

// copyRaw reads a file through the poller: it takes a read buffer when
// the file is readable and gives it back when the file has nothing more,
// so an idle pipe holds no buffer (os.File.Read would need one while it
// waits).
func (cp *copier) copyRaw(f *os.File, rc syscall.RawConn) error {
	var n int
	var rerr error
	read := func(fd uintptr) bool {
		p := cp.space()
		for {
			n, rerr = syscall.Read(int(fd), p)
			if rerr != syscall.EINTR {
				break
			}
		}
		if rerr == syscall.EAGAIN {
			cp.release()
			return false // wait until readable
		}
		return true
	}
	for {
		if err := rc.Read(read); err != nil {
			// The poller fails only when f is closed (nobody sets a
			// deadline on a pipe); a plain Read names that error the os way.
			if _, ferr := f.Read(nil); ferr != nil {
				return ferr
			}
			return err
		}
		switch {
		case rerr != nil:
			return os.NewSyscallError("read", rerr)
		case n == 0:
			return io.EOF
		}
		cp.consume(n)
	}
}

// copyPlain reads any other reader, which keeps its buffer while it waits.
func (cp *copier) copyPlain(r io.Reader) error {
	for {
		n, err := r.Read(cp.space())
		if n > 0 {
			cp.consume(n)
		}
		if err != nil {
			return err
		}
	}
}

// copier is the line state of one Copy.
type copier struct {
	c *Channel
	// buf and off belong to the Copy goroutine: the read buffer, held
	// while bytes keep coming (nil otherwise), and where the last read
	// went in it, behind room for the partial line.
	buf *[]byte
	off int
	// mu serialises consume and the idle flush, so that the bytes of one
	// pipe reach every sink in order.
	mu      sync.Mutex
	pending []byte    // a partial line, at most MaxLine bytes
	last    time.Time // when the last bytes arrived
	timer   *time.Timer
	armed   bool
}

// space returns where the next read goes: the read buffer behind room for
// the partial line, taking a buffer from the pool if the copier has none
// (or one too small for a long partial line).
func (cp *copier) space() []byte {
	cp.mu.Lock()
	cp.off = len(cp.pending)
	cp.mu.Unlock()
	need := cp.off + readSize
	if cp.buf != nil && cap(*cp.buf) < need {
		cp.release()
	}
	if cp.buf == nil {
		cp.buf = cp.c.reads.get()
		if cap(*cp.buf) < need {
			cp.release()
			b := make([]byte, 0, need)
			cp.buf = &b
		}
	}
	return (*cp.buf)[cp.off:cap(*cp.buf)]
}

// release gives the read buffer back to the pool.
func (cp *copier) release() {
	if cp.buf != nil {
		cp.c.reads.put(cp.buf)
		cp.buf = nil
	}
}

// consume passes the n bytes read at cp.off on as whole lines, with the
// partial line before them, and keeps the new partial line.
func (cp *copier) consume(n int) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	buf := *cp.buf
	data := buf[cp.off : cp.off+n]
	if len(cp.pending) > 0 {
		// The partial line is still the one space made room for (the
		// idle flush may only have emptied it): copy it in front of the
		// read, so whole lines are contiguous at the cost of one line.
		data = buf[:cp.off+n]
		copy(data, cp.pending)
	}
	// The last segment waits until the partial line is saved: it may then
	// hand the buffer itself to a stream.
	var last []byte
	rest := splitLines(data, cp.c.maxLine, func(seg []byte) {
		if last != nil {
			cp.c.emit(last)
		}
		last = seg
	})
	if len(rest) == 0 && cap(cp.pending) > smallBufSize {
		cp.pending = nil // a long partial line was emitted: keep no big buffer
	}
	cp.pending = append(cp.pending[:0], rest...)
	if last != nil && cp.c.emitFrom(last, cp.buf) {
		cp.buf = nil // the stream owns it now
	}
	if len(cp.pending) == 0 {
		return
	}
	cp.last = time.Now()
	if !cp.armed {
		cp.armed = true
		if cp.timer == nil {
			cp.timer = time.AfterFunc(cp.c.idle, cp.idleFlush)
		} else {
			cp.timer.Reset(cp.c.idle)
		}
	}
}

// idleFlush writes the partial line once no byte came for the idle time,
// so a prompt without a newline shows. A timer that fired early (more
// bytes came since it was armed) re-arms for the rest of the idle time.
func (cp *copier) idleFlush() {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	cp.armed = false
	if len(cp.pending) == 0 {
		return
	}
	if wait := cp.c.idle - time.Since(cp.last); wait > 0 {
		cp.armed = true
		cp.timer.Reset(wait)
		return
	}
	cp.c.emit(cp.pending)
	cp.pending = cp.pending[:0]
}

// flush writes the partial line at EOF.
func (cp *copier) flush() {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if cp.timer != nil {
		cp.timer.Stop()
	}
	cp.armed = false
	if len(cp.pending) > 0 {
		cp.c.emit(cp.pending)
		cp.pending = nil
	}
}

// splitLines passes buf to emit as runs of whole lines, cutting a line
// longer than maxLine (newline not counted) into pieces of maxLine bytes.
// It returns the unterminated rest, at most maxLine bytes.
//
// It looks for newlines from the end of windows of maxLine+1 bytes: every
// line that ends within a window is short enough, so a run of short lines
// costs one backward scan per window instead of one scan per line.
func splitLines(buf []byte, maxLine int, emit func([]byte)) []byte {
	start, pos := 0, 0 // start of the run of whole lines not yet emitted; start of the current line
	for len(buf)-pos > maxLine {
		if i := bytes.LastIndexByte(buf[pos:pos+maxLine+1], '\n'); i >= 0 {
			pos += i + 1
			continue
		}
		// No newline within maxLine+1 bytes: the line at pos is too long.
		if pos > start {
			emit(buf[start:pos])
		}
		emit(buf[pos : pos+maxLine])
		pos += maxLine
		start = pos
	}
	if i := bytes.LastIndexByte(buf[pos:], '\n'); i >= 0 {
		pos += i + 1
	}
	if pos > start {
		emit(buf[start:pos])
	}
	return buf[pos:]
}

package logs

import (
	"bytes"
	"errors"
	"io"
	"os"
	"sync"
	"time"
)

// readSize is how much Copy asks for per read, like supervisord's 128 KiB
// order of magnitude; a line longer than a read is joined across reads.
const readSize = 64 << 10

// Copy reads r (one spawn's pipe) until EOF, cutting the bytes into lines
// for the channel's sinks, and flushes a partial last line before it
// returns. Run it in its own goroutine; several Copy calls on one channel
// (an old pipe still held open by an orphan, and the new one) keep their
// partial lines apart. It returns the read error, nil at EOF.
func (c *Channel) Copy(r io.Reader) error {
	cp := &copier{c: c}
	buf := make([]byte, readSize)
	var err error
	for {
		var n int
		n, err = r.Read(buf)
		if n > 0 {
			cp.consume(buf[:n])
		}
		if err != nil {
			break
		}
	}
	cp.flush()
	if errors.Is(err, io.EOF) || errors.Is(err, os.ErrClosed) {
		return nil
	}
	return err
}

// copier is the line state of one Copy.
type copier struct {
	c *Channel
	// mu serialises consume and the idle flush, so that the bytes of one
	// pipe reach every sink in order.
	mu      sync.Mutex
	pending []byte    // a partial line, shorter than MaxLine
	last    time.Time // when the last bytes arrived
	timer   *time.Timer
	armed   bool
}

func (cp *copier) consume(data []byte) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	buf := data
	if len(cp.pending) > 0 {
		cp.pending = append(cp.pending, data...)
		buf = cp.pending
	}
	rest := splitLines(buf, cp.c.maxLine, cp.c.emit)
	if len(cp.pending) > 0 {
		// rest is a suffix of cp.pending: copy handles the overlap.
		cp.pending = cp.pending[:copy(cp.pending, rest)]
	} else {
		cp.pending = append(cp.pending, rest...)
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
func splitLines(buf []byte, maxLine int, emit func([]byte)) []byte {
	start, pos := 0, 0 // start of the run of whole lines not yet emitted; scan position
	for {
		i := bytes.IndexByte(buf[pos:], '\n')
		if i < 0 {
			break
		}
		if i > maxLine {
			if pos > start {
				emit(buf[start:pos])
			}
			for i > maxLine {
				emit(buf[pos : pos+maxLine])
				pos += maxLine
				i -= maxLine
			}
			start = pos
		}
		pos += i + 1
	}
	if pos > start {
		emit(buf[start:pos])
	}
	for len(buf)-pos > maxLine {
		emit(buf[pos : pos+maxLine])
		pos += maxLine
	}
	return buf[pos:]
}

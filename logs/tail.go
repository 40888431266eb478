package logs

import (
	"fmt"
	"sync"
)

// ring keeps the last bytes written to a channel without a file, with the
// offsets a file would have: total counts every byte since the last reset,
// and the ring holds the range [total-held, total). The buffer grows with
// the bytes until it first wraps, so a quiet program's tail costs what it
// holds, not size.
type ring struct {
	buf   []byte // byte at offset o is at buf[o%size]; shorter than size until the first wrap
	size  int
	held  int
	total int64
}

func newRing(size int) *ring { return &ring{size: size} }

func (r *ring) write(p []byte) {
	n := r.size
	if len(r.buf) < n {
		// Not wrapped yet, so the bytes since the reset are buf itself.
		if want := len(r.buf) + len(p); want > cap(r.buf) {
			// Double, but never past size: the ring's full size is all
			// it will ever need.
			grown := make([]byte, len(r.buf), min(n, max(want, 2*cap(r.buf), 512)))
			copy(grown, r.buf)
			r.buf = grown
		}
		if len(r.buf)+len(p) <= n {
			r.buf = append(r.buf, p...)
			r.total, r.held = int64(len(r.buf)), len(r.buf)
			return
		}
		r.buf = r.buf[:n]
	}
	if len(p) >= n {
		r.total += int64(len(p) - n)
		p = p[len(p)-n:]
	}
	at := int(r.total % int64(n))
	k := copy(r.buf[at:], p)
	copy(r.buf, p[k:])
	r.total += int64(len(p))
	r.held = min(r.held+len(p), n)
}

// readAt returns the held bytes of [off, off+length): bytes already
// pushed out of the ring are gone, as if the file began later.
func (r *ring) readAt(off, length int64) []byte {
	lo := max(off, r.total-int64(r.held))
	hi := min(off+length, r.total)
	if hi <= lo {
		return []byte{}
	}
	out := make([]byte, 0, hi-lo)
	n := int64(r.size)
	for lo < hi {
		at := lo % n
		end := min(n, at+hi-lo)
		out = append(out, r.buf[at:end]...)
		lo += end - at
	}
	return out
}

// reset empties the ring and lets its memory go.
func (r *ring) reset() { r.buf, r.held, r.total = nil, 0, 0 }

// followBuffer bounds what a follower may fall behind, in deliveries.
const followBuffer = 256

// follower is one reader of new output (a /logtail stream).
type follower struct {
	ch      chan []byte
	dropped int64 // bytes not delivered since the last delivery
	once    sync.Once
}

// deliver never blocks: a follower too slow to keep up loses bytes, and
// the next delivery tells it how many.
func (f *follower) deliver(p []byte) {
	msg := p
	if f.dropped > 0 {
		msg = fmt.Appendf(nil, "\n==> supinit: %d bytes dropped, reader too slow <==\n%s", f.dropped, p)
	}
	select {
	case f.ch <- msg:
		f.dropped = 0
	default:
		f.dropped += int64(len(p))
	}
}

// FollowBacklog is how much old output a follower gets first: the last
// 1024 bytes, as supervisord's /logtail starts with.
const FollowBacklog = 1024

// Follow subscribes to the channel's output, for /logtail and tail -f.
// The first delivery is always the backlog, the last FollowBacklog bytes
// of the file, else of the tail buffer (possibly empty); then every later
// write, with no gap and no overlap. It never blocks the copier: a reader
// too slow loses bytes and then receives a "==> supinit: N bytes dropped"
// marker. cancel ends the subscription and closes the channel, as Close
// does.
func (c *Channel) Follow() (updates <-chan []byte, cancel func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	backlog := []byte{}
	if src, err := c.sourceLocked(); err == nil {
		if b, err := readRange(src, -FollowBacklog, 0); err == nil {
			backlog = b
		}
		if f, ok := src.(fileSource); ok {
			f.f.Close()
		}
	}
	f := &follower{ch: make(chan []byte, followBuffer)}
	f.ch <- backlog
	c.subs[f] = struct{}{}
	cancel = func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.unsubscribe(f)
	}
	return f.ch, cancel
}

func (c *Channel) unsubscribe(f *follower) {
	delete(c.subs, f)
	f.once.Do(func() { close(f.ch) })
}

package logs

import "sync"

const (
	// readSize is the least room Copy gives one read: a pipe holds 64 KiB,
	// so one read can drain it.
	readSize = 64 << 10
	// readBufSize is the capacity of a pooled read buffer: a read plus room
	// in front for the partial line the previous read left, so that the
	// whole lines of a read end up contiguous without copying the read.
	readBufSize = readSize + 4<<10
	// smallBufSize is the starting capacity of the buffers that carry
	// copies (prefixed lines, supinit's own log) to a stream.
	smallBufSize = 4 << 10
)

// bufPool recycles byte buffers of one capacity class. It holds *[]byte
// so that Put does not allocate. An idle supinit keeps no buffer per pipe:
// buffers live here between bursts, and the GC empties the pool when they
// stay unused.
type bufPool struct {
	pool sync.Pool
	size int // capacity of a new buffer; get never returns less
}

func newBufPool(size int) *bufPool {
	p := &bufPool{size: size}
	p.pool.New = func() any {
		b := make([]byte, 0, size)
		return &b
	}
	return p
}

// get returns an empty buffer with a capacity of at least p.size.
func (p *bufPool) get() *[]byte {
	b := p.pool.Get().(*[]byte)
	*b = (*b)[:0]
	return b
}

// put recycles b, unless it is smaller than the class (it would break
// get's promise) or more than twice as big (the odd huge buffer must not
// stay pinned).
func (p *bufPool) put(b *[]byte) {
	if c := cap(*b); c >= p.size && c <= 2*max(p.size, coalesceBytes) {
		p.pool.Put(b)
	}
}

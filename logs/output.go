package logs

import (
	"io"
	"os"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// maxIovecs is IOV_MAX on Linux: the most buffers one writev(2) takes.
const maxIovecs = 1024

// output is the file behind a container stream. Its mutex is held across
// every write to the file, and when supinit's fd 1 and fd 2 are the same
// file (a terminal with `docker run -t`, `2>&1`, journald's socket) both
// streams share one output: a write to a pipe of more than PIPE_BUF bytes
// is not atomic, so two streams writing at once would tear each other's
// lines.
type output struct {
	mu      sync.Mutex
	w       io.Writer
	name    string          // for errors
	rc      syscall.RawConn // w's, when w is an *os.File: a batch goes out in one writev(2)
	scratch []byte          // joins a batch for a w that is not a file (tests)
}

func newOutput(w io.Writer) *output {
	o := &output{w: w, name: "output"}
	if f, ok := w.(*os.File); ok {
		o.name = f.Name()
		if rc, err := f.SyscallConn(); err == nil {
			o.rc = rc
		}
	}
	return o
}

// sameFile reports whether a and b are one file, so that writes to them
// land in one pipe, socket, terminal or file: the same device and inode.
func sameFile(a, b *os.File) bool {
	sa, err1 := a.Stat()
	sb, err2 := b.Stat()
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// write writes bufs in order with as few system calls as the file allows:
// one writev(2) normally; a partial write (a signal, a socket's full
// buffer) is continued at once, so nothing of this output comes in
// between. It returns the bytes written. o.mu must be held.
func (o *output) write(bufs [][]byte) (int64, error) {
	if o.rc == nil {
		return o.writeJoined(bufs)
	}
	var total int64
	for len(bufs) > 0 {
		iov := bufs[:min(len(bufs), maxIovecs)]
		var n int
		var errno error
		err := o.rc.Write(func(fd uintptr) bool {
			for {
				if len(iov) == 1 {
					n, errno = unix.Write(int(fd), iov[0])
				} else {
					n, errno = unix.Writev(int(fd), iov)
				}
				if errno != unix.EINTR {
					break
				}
			}
			// EAGAIN on a non-blocking file: wait until it is writable.
			return errno != unix.EAGAIN
		})
		if err == nil {
			err = errno
		}
		if err != nil {
			return total, &os.PathError{Op: "write", Path: o.name, Err: err}
		}
		if n == 0 && iovLen(iov) > 0 {
			return total, &os.PathError{Op: "write", Path: o.name, Err: io.ErrShortWrite}
		}
		total += int64(n)
		bufs = advance(bufs, n)
	}
	return total, nil
}

// writeJoined writes bufs in one Write call (io.Writer has no writev).
func (o *output) writeJoined(bufs [][]byte) (int64, error) {
	data := bufs[0]
	if len(bufs) > 1 {
		o.scratch = o.scratch[:0]
		for _, b := range bufs {
			o.scratch = append(o.scratch, b...)
		}
		data = o.scratch
		if cap(o.scratch) > 2*coalesceBytes {
			o.scratch = nil // the odd huge batch must not stay pinned
		}
	}
	n, err := o.w.Write(data)
	if err == nil && n < len(data) {
		err = io.ErrShortWrite
	}
	return int64(n), err
}

// advance drops the first n bytes of bufs (whose own slice it reuses).
func advance(bufs [][]byte, n int) [][]byte {
	for len(bufs) > 0 && n >= len(bufs[0]) {
		n -= len(bufs[0])
		bufs = bufs[1:]
	}
	if len(bufs) > 0 {
		bufs[0] = bufs[0][n:]
	}
	return bufs
}

func iovLen(bufs [][]byte) int {
	n := 0
	for _, b := range bufs {
		n += len(b)
	}
	return n
}

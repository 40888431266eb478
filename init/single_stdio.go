package supervisor

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// singleStdio is the command's fds 0, 1, 2 in single mode: supinit's own
// stdin, and for stdout and stderr either the given *os.File or a pipe
// whose output is copied to the given writer.
type singleStdio struct {
	fds        [3]uintptr
	childEnds  []*os.File // pipe write ends, ours to close after the fork
	parentEnds []*os.File // pipe read ends, closed when copied (or given up)
	copying    sync.WaitGroup
}

func openSingleStdio(stdout, stderr io.Writer) (*singleStdio, error) {
	s := &singleStdio{fds: [3]uintptr{os.Stdin.Fd()}}
	for i, w := range []io.Writer{stdout, stderr} {
		if f, ok := w.(*os.File); ok {
			s.fds[i+1] = f.Fd()
			continue
		}
		r, pw, err := os.Pipe()
		if err != nil {
			s.closeChildEnds()
			s.wait(0)
			return nil, fmt.Errorf("cannot make a pipe for the command's output: %w", err)
		}
		s.fds[i+1] = pw.Fd()
		s.childEnds = append(s.childEnds, pw)
		s.parentEnds = append(s.parentEnds, r)
		s.copying.Go(func() { _, _ = io.Copy(w, r) })
	}
	return s, nil
}

func (s *singleStdio) files() []uintptr { return s.fds[:] }

func (s *singleStdio) closeChildEnds() {
	for _, f := range s.childEnds {
		f.Close()
	}
}

// wait waits up to timeout for the copies to reach EOF (every holder of
// the pipes gone), then closes the read ends.
func (s *singleStdio) wait(timeout time.Duration) {
	done := make(chan struct{})
	go func() {
		s.copying.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(timeout):
	}
	for _, f := range s.parentEnds {
		f.Close()
	}
	<-done
}

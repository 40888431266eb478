package main

import (
	"bytes"
	"io"
	"os"
	"sync"
	"time"
)

// watchSpec says what to wait for on an init's stdout: a number of marker
// lines (programs announcing they are up) or of newlines (log lines
// relayed). Zero fields are not waited for.
type watchSpec struct {
	marker    string
	wantMarks int64
	wantLines int64
	// onFirstByte runs in the reader when the first byte arrives, with the
	// writing process's pid, e.g. to sample the init's CPU time at the
	// start of a throughput run.
	onFirstByte func(pid int)
}

// outputWatch drains a pipe to the end, counting, so that the writer is
// never blocked by the harness, and notes when the wanted counts are reached.
type outputWatch struct {
	r     *os.File
	spec  watchSpec
	done  chan struct{} // closed when the wanted counts are reached
	ended chan struct{} // closed at the end of the output

	mu      sync.Mutex
	first   time.Time // first byte read
	reached time.Time // the read that completed the wanted counts
	bytes   int64
	lines   int64
	marks   int64
}

func newOutputWatch(r *os.File, spec watchSpec) *outputWatch {
	return &outputWatch{r: r, spec: spec, done: make(chan struct{}), ended: make(chan struct{})}
}

// run reads until EOF; pid is passed to onFirstByte.
func (w *outputWatch) run(pid int) {
	defer close(w.ended)
	buf := make([]byte, 256<<10)
	marks := markerCounter{marker: []byte(w.spec.marker)}
	started := false
	for {
		n, err := w.r.Read(buf)
		if n > 0 {
			now := time.Now()
			chunk := buf[:n]
			if !started && w.spec.onFirstByte != nil {
				w.spec.onFirstByte(pid)
			}
			started = true
			w.add(now, int64(n), int64(bytes.Count(chunk, []byte{'\n'})), marks.feed(chunk))
		}
		if err != nil {
			if err != io.EOF {
				progress("warning: reading output: %v", err)
			}
			return
		}
	}
}

// markerCounter counts a marker in a stream that arrives in chunks.
type markerCounter struct {
	marker []byte
	// carry holds the end of the previous chunk so that a marker split
	// across two chunks is counted. It is shorter than the marker, so it
	// never holds a whole one that was counted already (the markers used
	// end with their only newline, so they cannot overlap themselves).
	carry []byte
}

// feed returns how many markers end in chunk.
func (m *markerCounter) feed(chunk []byte) int64 {
	if len(m.marker) == 0 {
		return 0
	}
	joined := append(m.carry, chunk...)
	n := bytes.Count(joined, m.marker)
	keep := min(len(m.marker)-1, len(joined))
	m.carry = append([]byte(nil), joined[len(joined)-keep:]...)
	return int64(n)
}

func (w *outputWatch) add(now time.Time, n, lines, marks int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.bytes == 0 {
		w.first = now
	}
	w.bytes += n
	w.lines += lines
	w.marks += marks
	if w.reached.IsZero() && w.marks >= w.spec.wantMarks && w.lines >= w.spec.wantLines {
		w.reached = now
		close(w.done)
	}
}

// wait returns when the wanted counts were reached, or false at the end of
// the output or after timeout.
func (w *outputWatch) wait(timeout time.Duration) (time.Time, bool) {
	select {
	case <-w.done:
	case <-w.ended:
	case <-time.After(timeout):
	}
	return w.reachedAt()
}

// reachedAt returns when the wanted counts were reached, if they were.
func (w *outputWatch) reachedAt() (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.reached, !w.reached.IsZero()
}

// counts returns the first-byte time and the totals so far.
func (w *outputWatch) counts() (first time.Time, n, lines, marks int64) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.first, w.bytes, w.lines, w.marks
}

func (w *outputWatch) close() { w.r.Close() }

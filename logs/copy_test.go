package logs

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCopyPipes: programs write through real pipes (Copy's polled path,
// where a read buffer may be handed to the stream) in writes that split
// lines anywhere: every line arrives whole and in order, with and without
// a prefix, and lines longer than MaxLine arrive cut into whole pieces.
func TestCopyPipes(t *testing.T) {
	const writers, count, maxLine = 4, 5000, 4000
	for _, prefix := range []bool{false, true} {
		t.Run(fmt.Sprintf("prefix=%v", prefix), func(t *testing.T) {
			mux, out, _ := testMux(StreamOptions{Prefix: prefix}, false)
			var wg sync.WaitGroup
			for w := range writers {
				c := mustOpen(t, ChannelOptions{Name: fmt.Sprintf("w%d", w), Channel: "stdout", File: "/dev/stdout", Mux: mux, MaxLine: maxLine})
				r, pw, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				wg.Go(func() {
					defer r.Close()
					if err := c.Copy(r); err != nil {
						t.Error(err)
					}
				})
				wg.Go(func() {
					defer pw.Close()
					data := writerLines(w, count)
					if !prefix {
						data = alphabetLines(w, count)
					}
					for i := 0; len(data) > 0; i++ {
						n := min(len(data), []int{1, 700, 65536, 13, 9000}[i%5])
						if _, err := pw.Write(data[:n]); err != nil {
							t.Error(err)
							return
						}
						data = data[n:]
					}
				})
			}
			wg.Wait()
			closeMux(t, mux)
			if prefix {
				checkLines(t, out.bytes(), writers, count, maxLine)
			} else {
				checkBare(t, out.bytes(), writers, count, maxLine)
			}
		})
	}
}

// alphabetLines is writerLines written in an alphabet of writer w's own
// (20 printable bytes that no other writer uses), so that unprefixed
// output can be told apart byte by byte.
func alphabetLines(w, count int) []byte {
	base := byte('!' + 20*w)
	var b bytes.Buffer
	for _, c := range writerLines(w, count) {
		switch {
		case c == '\n':
			b.WriteByte(c)
		case c >= '0' && c <= '9':
			b.WriteByte(base + c - '0')
		case c == ' ':
			b.WriteByte(base + 10)
		case c == 'w':
			b.WriteByte(base + 11)
		default: // the payload letter
			b.WriteByte(base + 12)
		}
	}
	return b.Bytes()
}

// checkBare checks unprefixed output of alphabetLines: each writer's bytes,
// picked out by alphabet, are exactly what it wrote, and output switches
// from one writer to another only at the end of a line or of a MaxLine
// piece of a long line (pieces carry no newline, so another program's
// line may come between them).
func checkBare(t *testing.T, got []byte, writers, count, maxLine int) {
	t.Helper()
	mine := make([][]byte, writers)
	lineLen := make([]int, writers) // bytes of the current line so far
	cur := -1
	for i, c := range got {
		w := cur // a newline belongs to the byte before it
		if c != '\n' {
			w = int(c-'!') / 20
		}
		if w < 0 || w >= writers {
			t.Fatalf("byte %d: %q is no writer's", i, c)
		}
		if cur >= 0 && w != cur && lineLen[cur] != 0 && lineLen[cur]%maxLine != 0 {
			t.Fatalf("byte %d: writer %d's line torn by writer %d after %d bytes", i, cur, w, lineLen[cur])
		}
		cur = w
		mine[w] = append(mine[w], c)
		if c == '\n' {
			lineLen[w] = 0
		} else {
			lineLen[w]++
		}
	}
	for w := range writers {
		if want := alphabetLines(w, count); !bytes.Equal(mine[w], want) {
			t.Errorf("writer %d: %d bytes arrived, want the %d it wrote, in order", w, len(mine[w]), len(want))
		}
	}
}

// checkLines checks that the prefixed lines of writerLines arrived whole
// (a line longer than maxLine as pieces of maxLine bytes, each ending a
// line) and in order.
func checkLines(t *testing.T, got []byte, writers, count, maxLine int) {
	t.Helper()
	var want [][]string // each writer's expected output lines
	for w := range writers {
		var lines []string
		for seq := range count {
			line := fmt.Sprintf("w%d %d %s", w, seq, payload(w, seq))
			for len(line) > maxLine {
				lines = append(lines, line[:maxLine])
				line = line[maxLine:]
			}
			lines = append(lines, line)
		}
		want = append(want, lines)
	}
	next := make([]int, writers)
	sc := bufio.NewScanner(bytes.NewReader(got))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		label, line, ok := strings.Cut(sc.Text(), " | ")
		if !ok {
			t.Fatalf("no prefix: %.40q", sc.Text())
		}
		w, _ := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(label), "w"))
		if w < 0 || w >= writers || next[w] >= len(want[w]) || line != want[w][next[w]] {
			t.Fatalf("unexpected line %.60q (writer %d)", line, w)
		}
		next[w]++
	}
	for w, n := range next {
		if n != len(want[w]) {
			t.Errorf("writer %d: %d lines arrived, want %d", w, n, len(want[w]))
		}
	}
}

// TestCopyPipeEnds: over a real pipe, a prompt shows after the idle time,
// the partial last line is flushed at EOF, and closing the pipe ends Copy
// without an error after flushing what it had.
func TestCopyPipeEnds(t *testing.T) {
	tests := []struct {
		name  string
		close func(r, w *os.File)
	}{
		{"writer closes", func(_, w *os.File) { w.Close() }},
		{"reader closed", func(r, w *os.File) { r.Close(); w.Close() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux, out, _ := testMux(StreamOptions{}, false)
			c := mustOpen(t, ChannelOptions{Name: "p", Channel: "stdout", File: "/dev/stdout", Mux: mux, IdleFlush: 20 * time.Millisecond})
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- c.Copy(r) }()
			w.Write([]byte("line\npassword: "))
			out.waitFor(t, "the prompt", func(b []byte) bool { return string(b) == "line\npassword: " })
			w.Write([]byte("ok\nno newline"))
			out.waitFor(t, "the answer", func(b []byte) bool { return strings.HasSuffix(string(b), "ok\n") })
			tt.close(r, w)
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Copy = %v, want nil", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Copy did not end")
			}
			closeMux(t, mux)
			if got := string(out.bytes()); got != "line\npassword: ok\nno newline" {
				t.Errorf("got %q", got)
			}
		})
	}
}

// TestIdlePipesHoldNoBuffers: a pipe that has said its line and gone
// quiet keeps no read buffer, so an init with many idle programs stays
// small (a 64 KiB buffer per pipe would be 6.4 MiB here).
func TestIdlePipesHoldNoBuffers(t *testing.T) {
	const pipes = 100
	mux, out, _ := testMux(StreamOptions{}, false)
	var ws []*os.File
	var wg sync.WaitGroup
	t.Cleanup(func() {
		for _, w := range ws {
			w.Close()
		}
		wg.Wait()
	})
	before := heapInUse()
	for i := range pipes {
		c := mustOpen(t, ChannelOptions{Name: fmt.Sprint("p", i), Channel: "stdout", File: "/dev/stdout", Mux: mux})
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		ws = append(ws, w)
		wg.Go(func() {
			defer r.Close()
			c.Copy(r)
		})
		w.Write([]byte("up\n"))
	}
	out.waitFor(t, "every line", func(b []byte) bool { return bytes.Count(b, []byte("up\n")) == pipes })
	if grew := heapInUse() - before; grew > pipes*8<<10 {
		t.Errorf("the heap grew by %d KiB for %d idle pipes", grew>>10, pipes)
	}
}

// heapInUse is the live heap after the pools are emptied.
func heapInUse() int64 {
	runtime.GC()
	runtime.GC() // a pool's victim cache lasts one more cycle
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestRingGrows: the tail buffer starts empty, grows with what it holds,
// never beyond its size, keeps the same bytes across the first wrap, and
// lets its memory go when cleared.
func TestRingGrows(t *testing.T) {
	const size = 1000
	r := newRing(size)
	if cap(r.buf) != 0 {
		t.Fatalf("a new ring holds %d bytes", cap(r.buf))
	}
	var all []byte
	for i, n := range []int{1, 10, 600, 388, 1, 1, 5, 999, 1000, 2500, 3} {
		p := bytes.Repeat([]byte{byte('a' + i)}, n)
		r.write(p)
		all = append(all, p...)
		held := all[max(0, len(all)-size):]
		if got := r.readAt(0, int64(len(all))); !bytes.Equal(got, held) {
			t.Fatalf("after writing %d bytes: ring holds %q, want %q", n, got, held)
		}
		if cap(r.buf) > size {
			t.Fatalf("after writing %d bytes: ring has %d bytes, more than its size", n, cap(r.buf))
		}
		if r.total != int64(len(all)) {
			t.Fatalf("total %d, want %d", r.total, len(all))
		}
	}
	r.reset()
	if r.buf != nil || r.total != 0 || len(r.readAt(0, 10)) != 0 {
		t.Error("reset kept bytes")
	}
}

package logs

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// payload is the deterministic body of line seq of writer w; a few lines
// are long so that they span reads.
func payload(w, seq int) string {
	n := (seq*7 + w*13) % 120
	if seq%997 == 0 {
		n = 3000 + seq%5000
	}
	return strings.Repeat(string(rune('a'+w)), n)
}

func writerLines(w, count int) []byte {
	var b bytes.Buffer
	for seq := range count {
		fmt.Fprintf(&b, "w%d %d %s\n", w, seq, payload(w, seq))
	}
	return b.Bytes()
}

// TestManyWritersOneStream: 8 programs write 100 000 lines each, read in
// odd-sized chunks, to one stream: every line arrives whole, in one
// write, and each program's lines in order. With a prefix, fewer lines
// keep the run short under -race.
func TestManyWritersOneStream(t *testing.T) {
	const writers = 8
	for prefix, count := range map[bool]int{false: 100_000, true: 20_000} {
		t.Run(fmt.Sprintf("prefix=%v", prefix), func(t *testing.T) {
			mux, out, _ := testMux(StreamOptions{Prefix: prefix}, false)
			var wg sync.WaitGroup
			for w := range writers {
				c := mustOpen(t, ChannelOptions{Name: fmt.Sprintf("w%d", w), Channel: "stdout", File: "/dev/stdout", Mux: mux, TailBytes: -1})
				r := &chunkReader{data: writerLines(w, count), sizes: []int{1, 4096, 17, 65536, 333, 8000 + w}}
				wg.Go(func() {
					if err := c.Copy(r); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			closeMux(t, mux)

			next := make([]int, writers)
			for _, wr := range out.writes {
				if wr[len(wr)-1] != '\n' {
					t.Fatalf("a write does not end a line: ...%q", wr[max(0, len(wr)-40):])
				}
			}
			sc := bufio.NewScanner(bytes.NewReader(out.bytes()))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				line := sc.Text()
				if prefix {
					label, rest, ok := strings.Cut(line, " | ")
					if !ok {
						t.Fatalf("no prefix: %q", line)
					}
					line = rest
					if !strings.HasPrefix(line, strings.TrimSpace(label)+" ") {
						t.Fatalf("prefix %q on a line of another program: %q", label, line[:20])
					}
				}
				f := strings.SplitN(line, " ", 3)
				if len(f) != 3 {
					t.Fatalf("torn line %q", line)
				}
				w, _ := strconv.Atoi(strings.TrimPrefix(f[0], "w"))
				seq, _ := strconv.Atoi(f[1])
				if seq != next[w] || f[2] != payload(w, seq) {
					t.Fatalf("writer %d: got line %d (%d bytes), want line %d", w, seq, len(f[2]), next[w])
				}
				next[w]++
			}
			for w, n := range next {
				if n != count {
					t.Errorf("writer %d: %d lines arrived, want %d", w, n, count)
				}
			}
		})
	}
}

// TestBinaryPassesUnchanged: without a prefix, any bytes reach the stream,
// the file and the tail exactly as written.
func TestBinaryPassesUnchanged(t *testing.T) {
	data := make([]byte, 300_000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rng.UintN(256))
	}
	mux, out, _ := testMux(StreamOptions{}, false)
	stream := mustOpen(t, ChannelOptions{Name: "bin", Channel: "stdout", File: "/dev/stdout", Mux: mux, TailBytes: len(data)})
	file := mustOpen(t, ChannelOptions{Name: "bin", Channel: "stdout", File: t.TempDir() + "/bin.log"})
	for _, c := range []*Channel{stream, file} {
		if err := c.Copy(&chunkReader{data: data, sizes: []int{1000, 7, 65536}}); err != nil {
			t.Fatal(err)
		}
	}
	closeMux(t, mux)
	if !bytes.Equal(out.bytes(), data) {
		t.Error("stream bytes differ from the input")
	}
	for name, c := range map[string]*Channel{"tail": stream, "file": file} {
		got, err := c.ReadFile(0, 0)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s: bytes differ from the input (%v)", name, err)
		}
	}
}

func TestSplitLines(t *testing.T) {
	tests := []struct {
		in       string
		max      int
		emitted  []string
		leftover string
	}{
		{"", 8, nil, ""},
		{"a\nb\n", 8, []string{"a\nb\n"}, ""},
		{"a\nb", 8, []string{"a\n"}, "b"},
		{"partial", 8, nil, "partial"},
		{"12345678\n", 8, []string{"12345678\n"}, ""},
		{"123456789\n", 8, []string{"12345678", "9\n"}, ""},
		{"x\n1234567890123456789\ny\n", 8, []string{"x\n", "12345678", "90123456", "789\ny\n"}, ""},
		{"1234567890", 8, []string{"12345678"}, "90"},
		{"12345678", 8, nil, "12345678"},
	}
	for _, tt := range tests {
		var got []string
		rest := splitLines([]byte(tt.in), tt.max, func(p []byte) { got = append(got, string(p)) })
		if fmt.Sprint(got) != fmt.Sprint(tt.emitted) || string(rest) != tt.leftover {
			t.Errorf("splitLines(%q, %d) = %q, %q; want %q, %q", tt.in, tt.max, got, rest, tt.emitted, tt.leftover)
		}
	}
}

// TestLongAndPartialLines: pieces of a long line are written whole; with
// a prefix each ends in a newline, without one the bytes are unchanged;
// the last partial line is flushed at EOF.
func TestLongAndPartialLines(t *testing.T) {
	in := "short\n" + strings.Repeat("x", 20) + "\nend-without-newline"
	tests := []struct {
		prefix bool
		want   string
	}{
		{false, in},
		{true, "p | short\np | xxxxxxxx\np | xxxxxxxx\np | xxxx\np | end-with\np | out-newl\np | ine\n"},
	}
	for _, tt := range tests {
		mux, out, _ := testMux(StreamOptions{Prefix: tt.prefix}, false)
		c := mustOpen(t, ChannelOptions{Name: "p", Channel: "stdout", File: "/dev/stdout", Mux: mux, MaxLine: 8})
		if err := c.Copy(&chunkReader{data: []byte(in), sizes: []int{5}}); err != nil {
			t.Fatal(err)
		}
		closeMux(t, mux)
		if got := string(out.bytes()); got != tt.want {
			t.Errorf("prefix=%v: got %q, want %q", tt.prefix, got, tt.want)
		}
	}
}

// TestIdleFlush: a prompt without a newline shows after the idle time
// while the pipe stays open.
func TestIdleFlush(t *testing.T) {
	mux, out, _ := testMux(StreamOptions{}, false)
	c := mustOpen(t, ChannelOptions{Name: "p", Channel: "stdout", File: "/dev/stdout", Mux: mux, IdleFlush: 20 * 1e6})
	pr, pw := io.Pipe()
	done := make(chan error)
	go func() { done <- c.Copy(pr) }()
	pw.Write([]byte("line\npassword: "))
	out.waitFor(t, "the prompt", func(b []byte) bool { return string(b) == "line\npassword: " })
	pw.Write([]byte("ok\n"))
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	closeMux(t, mux)
	if got := string(out.bytes()); got != "line\npassword: ok\n" {
		t.Errorf("got %q", got)
	}
}

// TestPrefixAndColour: labels line up on the widest name registered so
// far, a stderr channel on stdout says so, and colour comes only on a
// terminal (or when forced).
func TestPrefixAndColour(t *testing.T) {
	plain := "web | hello\nweb         | again\nworker      | hi\nweb(stderr) | oops\n"
	colour := "\x1b[36mweb |\x1b[0m hello\n\x1b[36mweb         |\x1b[0m again\n" +
		"\x1b[33mworker      |\x1b[0m hi\n\x1b[32mweb(stderr) |\x1b[0m oops\n"
	tests := []struct {
		terminal bool
		mode     ColorMode
		want     string
	}{
		{false, ColorAuto, plain},
		{false, ColorNever, plain},
		{true, ColorNever, plain},
		{true, ColorAuto, colour},
		{false, ColorAlways, colour},
	}
	for _, tt := range tests {
		mux, out, _ := testMux(StreamOptions{Prefix: true, Color: tt.mode}, tt.terminal)
		web := mustOpen(t, ChannelOptions{Name: "web", Channel: "stdout", File: "/dev/stdout", Mux: mux})
		web.Copy(strings.NewReader("hello\n")) // before the others widen the labels
		mux.Stdout.Flush(t.Context())
		worker := mustOpen(t, ChannelOptions{Name: "worker", Channel: "stdout", File: "/dev/fd/1", Mux: mux})
		webErr := mustOpen(t, ChannelOptions{Name: "web", Channel: "stderr", File: "/proc/self/fd/1", Mux: mux})
		for c, line := range map[*Channel]string{web: "again\n", worker: "hi\n", webErr: "oops\n"} {
			c.Copy(strings.NewReader(line))
			mux.Stdout.Flush(t.Context())
		}
		closeMux(t, mux)
		got := string(out.bytes())
		// The map loop runs in any order: compare line sets after the first.
		gotLines, wantLines := strings.SplitAfter(got, "\n"), strings.SplitAfter(tt.want, "\n")
		slices.Sort(gotLines[1:])
		slices.Sort(wantLines[1:])
		if !slices.Equal(gotLines, wantLines) {
			t.Errorf("terminal=%v mode=%v: got %q, want %q", tt.terminal, tt.mode, got, tt.want)
		}
	}
}

// TestSameFileDoesNotTear: when supinit's stdout and stderr are one pipe
// (`2>&1`, or both opened on it, as journald's socket or a terminal),
// lines written to both streams arrive whole, even lines far longer than
// PIPE_BUF read by a slow reader.
func TestSameFileDoesNotTear(t *testing.T) {
	const lines, lineLen = 60, 20_000
	tests := []struct {
		name   string
		stderr func(w *os.File) (*os.File, error)
	}{
		{"2>&1", func(w *os.File) (*os.File, error) {
			fd, err := unix.Dup(int(w.Fd()))
			return os.NewFile(uintptr(fd), "stderr"), err
		}},
		{"opened twice", func(w *os.File) (*os.File, error) {
			return os.OpenFile(fmt.Sprintf("/proc/self/fd/%d", w.Fd()), os.O_WRONLY, 0)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			stderr, err := tt.stderr(w)
			if err != nil {
				t.Fatal(err)
			}
			defer stderr.Close()
			mux := NewMux(w, stderr, StreamOptions{})
			var wg sync.WaitGroup
			for i, path := range []string{"/dev/stdout", "/dev/stderr"} {
				c := mustOpen(t, ChannelOptions{Name: path, Channel: "stdout", File: path, Mux: mux, TailBytes: -1})
				pr, pw, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				wg.Go(func() {
					defer pr.Close()
					c.Copy(pr)
				})
				wg.Go(func() {
					defer pw.Close()
					line := append(bytes.Repeat([]byte{byte('a' + i)}, lineLen), '\n')
					for range lines {
						pw.Write(line)
					}
				})
			}
			got := make(chan []byte)
			go func() {
				var all []byte
				b := make([]byte, 1000)
				for {
					n, err := r.Read(b)
					all = append(all, b[:n]...)
					if err != nil {
						got <- all
						return
					}
					time.Sleep(20 * time.Microsecond) // slow, so writes block part-way
				}
			}()
			wg.Wait()
			closeMux(t, mux)
			w.Close()
			stderr.Close()
			out := <-got
			count := map[byte]int{}
			for i, l := range bytes.SplitAfter(out, []byte("\n")) {
				if len(l) == 0 {
					continue
				}
				if len(l) != lineLen+1 || bytes.Count(l, l[:1]) != lineLen {
					t.Fatalf("line %d is torn: %d bytes, %q...%q", i, len(l), l[:min(len(l), 20)], l[max(0, len(l)-20):])
				}
				count[l[0]]++
			}
			if count['a'] != lines || count['b'] != lines {
				t.Errorf("lines arrived: %v, want %d of each", count, lines)
			}
		})
	}
}

// TestSameFile: streams share a writer exactly when fd 1 and fd 2 are one
// file.
func TestSameFile(t *testing.T) {
	r1, w1, _ := os.Pipe()
	r2, w2, _ := os.Pipe()
	defer r1.Close()
	defer r2.Close()
	defer w1.Close()
	defer w2.Close()
	fd, _ := unix.Dup(int(w1.Fd()))
	dup := os.NewFile(uintptr(fd), "dup")
	defer dup.Close()
	dir := t.TempDir()
	f1, _ := os.Create(dir + "/a")
	f2, _ := os.OpenFile(dir+"/a", os.O_WRONLY|os.O_APPEND, 0)
	g, _ := os.Create(dir + "/b")
	defer f1.Close()
	defer f2.Close()
	defer g.Close()
	tests := []struct {
		name string
		a, b *os.File
		want bool
	}{
		{"one file", w1, w1, true},
		{"dup of a pipe", w1, dup, true},
		{"two ends of one pipe", r1, w1, true},
		{"two pipes", w1, w2, false},
		{"one file opened twice", f1, f2, true},
		{"two files", f1, g, false},
	}
	for _, tt := range tests {
		if got := sameFile(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: sameFile = %v, want %v", tt.name, got, tt.want)
		}
	}
}

package supervisor

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestTapReaderSeesEveryChunk(t *testing.T) {
	q := newTapQueue()
	pt := &pipeTap{q: q, t: tap{kind: tapLog, spawn: 7}}
	src := pt.reader(strings.NewReader("hello world"))
	buf := make([]byte, 4)
	var read bytes.Buffer
	for {
		n, err := src.Read(buf)
		read.Write(buf[:n])
		// The copier reuses its buffer: what the tap got must not change.
		clear(buf)
		if err == io.EOF {
			break
		}
	}
	pt.end()
	select {
	case <-q.wake:
	default:
		t.Fatal("the queue was not woken")
	}
	var got []string
	items := q.take()
	for _, it := range items[:len(items)-1] {
		if it.spawn != 7 || it.kind != tapLog {
			t.Fatalf("chunk %+v", it)
		}
		got = append(got, string(it.data))
	}
	if last := items[len(items)-1]; last.kind != tapEOF || last.spawn != 7 {
		t.Fatalf("last item %+v, want the EOF", last)
	}
	if strings.Join(got, "") != "hello world" || read.String() != "hello world" {
		t.Fatalf("tapped %q, read %q", got, read.String())
	}
	if len(q.take()) != 0 {
		t.Fatal("take left items behind")
	}
}

func TestStdinWriter(t *testing.T) {
	tests := []struct {
		name       string
		breakIt    func(r, w *os.File) // what happens to the pipe before the write
		wantFailed bool
	}{
		{"reader gone is a failure", func(r, w *os.File) { r.Close() }, true},
		{"closed by us is not", func(r, w *os.File) { w.Close() }, false},
		{"delivered", func(r, w *os.File) {}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			defer w.Close()
			tc.breakIt(r, w)
			failed := make(chan struct{}, 1)
			wr := startStdinWriter(w, func() { failed <- struct{}{} })
			defer wr.stop()
			wr.send([]byte("event\n"))
			if tc.wantFailed {
				select {
				case <-failed:
				case <-time.After(5 * time.Second):
					t.Fatal("the failure was not reported")
				}
				return
			}
			if tc.name == "delivered" {
				got := make([]byte, 6)
				if _, err := io.ReadFull(r, got); err != nil || string(got) != "event\n" {
					t.Fatalf("read %q, %v", got, err)
				}
			}
			wr.stop()
			select {
			case <-wr.done:
			case <-time.After(5 * time.Second):
				t.Fatal("the writer did not end")
			}
			if len(failed) != 0 {
				t.Fatal("a failure was reported")
			}
		})
	}
}

// chunks is a reader that returns one chunk per Read, as a pipe returns
// what each write put in it.
type chunks []string

func (c *chunks) Read(b []byte) (int, error) {
	if len(*c) == 0 {
		return 0, io.EOF
	}
	n := copy(b, (*c)[0])
	(*c)[0] = (*c)[0][n:]
	if (*c)[0] == "" {
		*c = (*c)[1:]
	}
	return n, nil
}

// In capture mode the copier (the log) never sees a block or its tokens,
// a token cut across reads included; the loop gets each block, and with
// *_events_enabled each piece of output, captured text too.
func TestCaptureReader(t *testing.T) {
	out := chunks{"before <!--XSUPERVISOR:BEG", "IN-->secret", " data<!--XSUPERVISOR:END--> after\n", "<!--XSUPERVISOR:BEGIN-->", "<!--XSUPERVISOR:END-->"}
	for _, eventsEnabled := range []bool{false, true} {
		q := newTapQueue()
		pt := &pipeTap{q: q, t: tap{spawn: 3}, capture: 1 << 20}
		if eventsEnabled {
			pt.t.kind = tapLog
		}
		src := slices.Clone(out)
		logged, err := io.ReadAll(pt.reader(&src))
		if err != nil || string(logged) != "before  after\n" {
			t.Fatalf("events %v: the log got %q, %v", eventsEnabled, logged, err)
		}
		var got []string
		for _, it := range q.take() {
			got = append(got, fmt.Sprintf("%d:%s", it.kind, it.data))
		}
		want := []string{fmt.Sprintf("%d:secret data", tapComm), fmt.Sprintf("%d:", tapComm)}
		if eventsEnabled {
			want = []string{
				fmt.Sprintf("%d:before ", tapLog), fmt.Sprintf("%d:secret", tapLog), fmt.Sprintf("%d: data", tapLog),
				fmt.Sprintf("%d:secret data", tapComm), fmt.Sprintf("%d: after\n", tapLog), fmt.Sprintf("%d:", tapComm),
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("events %v: taps %q, want %q", eventsEnabled, got, want)
		}
	}
}

package supervisor

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func TestTapReaderSeesEveryChunk(t *testing.T) {
	q := newTapQueue()
	pt := &pipeTap{q: q, t: tap{spawn: 7}}
	src := &tapReader{r: strings.NewReader("hello world"), fn: pt.chunk}
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
		if it.spawn != 7 || it.eof {
			t.Fatalf("chunk %+v", it)
		}
		got = append(got, string(it.data))
	}
	if last := items[len(items)-1]; !last.eof || last.spawn != 7 {
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

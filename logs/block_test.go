package logs

import (
	"bufio"
	"context"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBlockedStdout: nobody reads supinit's stdout. A program writing to
// it blocks (lossless), but a program on stderr, the stuck program's tail
// buffer and its readers go on, and Close gives up at its deadline and
// says how much it dropped.
func TestBlockedStdout(t *testing.T) {
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer outR.Close() // never read until the end
	errR, errW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer errR.Close()
	mux := NewMux(outW, errW, StreamOptions{})

	noisy := mustOpen(t, ChannelOptions{Name: "noisy", Channel: "stdout", File: "/dev/stdout", Mux: mux})
	quiet := mustOpen(t, ChannelOptions{Name: "quiet", Channel: "stderr", File: "/dev/stderr", Mux: mux})

	// noisy writes far more than the pipe and the queue hold.
	pr, pw := io.Pipe()
	copied := make(chan error)
	go func() { copied <- noisy.Copy(pr) }()
	line := strings.Repeat("n", 1023) + "\n"
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		for range 64 * 1024 {
			if _, err := pw.Write([]byte(line)); err != nil {
				return
			}
		}
	}()
	select {
	case <-wrote:
		t.Fatal("64 MiB went into a pipe nobody reads: the writer did not block")
	case <-time.After(200 * time.Millisecond):
	}

	// stderr still flows.
	go quiet.Copy(strings.NewReader("still here\n"))
	got := make(chan string, 10)
	go func() {
		r := bufio.NewReader(errR)
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				close(got)
				return
			}
			got <- l
		}
	}()
	select {
	case l := <-got:
		if l != "still here\n" {
			t.Errorf("stderr got %q", l)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a blocked stdout blocked stderr")
	}

	// The stuck channel's tail can still be read.
	readDone := make(chan struct{})
	go func() {
		noisy.TailFile(0, 1600)
		close(readDone)
	}()
	select {
	case <-readDone:
	case <-time.After(5 * time.Second):
		t.Fatal("reading the tail of a blocked channel blocked")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = mux.Close(ctx)
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Close took %v with a 300ms deadline", took)
	}
	lost := mux.Stdout.Dropped()
	if err == nil || lost <= 0 {
		t.Errorf("Close = %v, stdout dropped %d bytes; want bytes lost", err, lost)
	}
	// One line on stderr says so, and nothing about stderr, which had
	// nothing left to flush.
	errW.Close()
	var report []string
	for l := range got {
		report = append(report, l)
	}
	want := regexp.MustCompile(`^supinit: dropped (\d+) bytes of output at exit: stdout did not take them within 300ms\n$`)
	if len(report) != 1 || !want.MatchString(report[0]) {
		t.Fatalf("stderr after Close: %q, want one line matching %s", report, want)
	}
	// Copiers still running after Close have their bytes refused too,
	// counted in Dropped only.
	if n, _ := strconv.ParseInt(want.FindStringSubmatch(report[0])[1], 10, 64); n <= 0 || n > lost {
		t.Errorf("Close said it dropped %d bytes; Dropped says %d", n, lost)
	}
	// After Close the copier no longer waits: it drains its pipe and ends.
	pw.CloseWithError(io.EOF)
	select {
	case <-copied:
	case <-time.After(5 * time.Second):
		t.Fatal("Copy still blocked after Close")
	}
}

// TestSlowStreamLosesNothing: a reader that is merely slow gets every
// byte.
func TestSlowStreamLosesNothing(t *testing.T) {
	outR, outW, _ := os.Pipe()
	defer outR.Close()
	mux := NewMux(outW, os.Stderr, StreamOptions{QueueLen: 2})
	c := mustOpen(t, ChannelOptions{Name: "a", Channel: "stdout", File: "/dev/stdout", Mux: mux, TailBytes: -1})
	var want strings.Builder
	for i := range 20000 {
		want.WriteString(strings.Repeat("z", i%50) + "\n")
	}
	received := make(chan string)
	go func() {
		var b strings.Builder
		buf := make([]byte, 512)
		for {
			n, err := outR.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				received <- b.String()
				return
			}
			time.Sleep(50 * time.Microsecond) // a slow reader, on purpose
		}
	}()
	c.Copy(strings.NewReader(want.String()))
	closeMux(t, mux)
	outW.Close()
	if got := <-received; got != want.String() {
		t.Errorf("received %d bytes, want %d", len(got), want.Len())
	}
}

func TestIsContainerStream(t *testing.T) {
	dir := t.TempDir()
	link := dir + "/access.log"
	os.Symlink("/dev/stdout", link)
	rel := dir + "/rel.log"
	os.Symlink("access.log", rel)
	plain := dir + "/plain.log"
	os.WriteFile(plain, nil, 0o644)
	tests := []struct {
		path string
		fd   int
		ok   bool
	}{
		{"/dev/stdout", 1, true},
		{"/dev/stderr", 2, true},
		{"/dev/fd/1", 1, true},
		{"/dev/fd/2", 2, true},
		{"/proc/self/fd/1", 1, true},
		{"/proc/self/fd/2", 2, true},
		{"/proc/1/fd/1", 1, true},
		{"/proc/1/fd/2", 2, true},
		{"/dev//stdout", 1, true},
		{link, 1, true},
		{rel, 1, true},
		{"/dev/fd/3", 0, false},
		{"/dev/null", 0, false},
		{plain, 0, false},
		{dir + "/missing.log", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		if fd, ok := IsContainerStream(tt.path); fd != tt.fd || ok != tt.ok {
			t.Errorf("IsContainerStream(%q) = %d, %v; want %d, %v", tt.path, fd, ok, tt.fd, tt.ok)
		}
	}
}

func TestIsTerminal(t *testing.T) {
	r, w, _ := os.Pipe()
	defer r.Close()
	defer w.Close()
	if isTerminal(w) {
		t.Error("a pipe is a terminal")
	}
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no /dev/ptmx to test a terminal: %v", err)
		}
		t.Skipf("SKIPPED: no /dev/ptmx to test a terminal: %v", err)
	}
	defer ptmx.Close()
	if !isTerminal(ptmx) {
		t.Error("a pty is not a terminal")
	}
}

func TestContainerPathNeedsMux(t *testing.T) {
	if _, err := OpenChannel(ChannelOptions{Name: "a", Channel: "stdout", File: "/dev/stdout"}); err == nil {
		t.Error("a container path without a Mux opened")
	}
}

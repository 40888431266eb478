package control

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCtlAuthInterop: a server with a {SHA} password, asked with no
// credentials, good ones and bad ones.
func TestCtlAuthInterop(t *testing.T) {
	real := haveRealCtl(t)
	// sha1("test")
	_, conf := testServer(t, newFake(), "bob", "{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3")
	cases := []struct {
		args []string
		want string
		code int
	}{
		{[]string{"status"}, "Server requires authentication\n", 1},
		{[]string{"-u", "bob", "-p", "wrong", "version"}, "Server requires authentication\n", 1},
		{[]string{"-u", "bob", "-p", "test", "version"}, "4.2.5\n", 0},
		{[]string{"-u", "bob", "-p", "test", "status", "sleeper"}, "sleeper                          RUNNING   pid 200, uptime 0:00:10\n", 0},
	}
	for _, tc := range cases {
		check := func(kind, got string, code int) {
			if got = normalize(got); got != tc.want || code != tc.code {
				t.Errorf("%s %v: got (exit %d) %q, want (exit %d) %q", kind, tc.args, code, got, tc.code, tc.want)
			}
		}
		if real {
			got, code := runReal(t, conf, "", tc.args...)
			check("supervisorctl", got, code)
		}
		got, code := runGo(t, conf, "", tc.args...)
		check("Ctl", got, code)
	}
}

// TestCtlNoServer: the messages and exit statuses for a server that is
// not there (a missing socket file, a refused port).
func TestCtlNoServer(t *testing.T) {
	real := haveRealCtl(t)
	dir := shortDir(t)
	sock := "unix://" + filepath.Join(dir, "gone.sock")
	conf := writeCtlConf(t, dir, sock)
	refused := "http://127.0.0.1:1"
	cases := []struct {
		args []string
		want string
		code int
	}{
		{[]string{"status"}, sock + " no such file\n", 4},
		{[]string{"version"}, sock + " no such file\n", 7},
		{[]string{"shutdown"}, "ERROR: " + sock + " no such file (already shut down?)\n", 1},
		{[]string{"avail"}, "error: <class 'FileNotFoundError'>, [Errno 2] No such file or directory\n", 1},
		{[]string{"-s", refused, "status"}, refused + " refused connection\n", 4},
		{[]string{"-s", refused, "pid"}, refused + " refused connection\n", 4},
		{[]string{"-s", refused, "shutdown"}, "ERROR: " + refused + " refused connection (already shut down?)\n", 1},
	}
	for _, tc := range cases {
		check := func(kind, got string, code int) {
			if got = normalize(got); got != tc.want || code != tc.code {
				t.Errorf("%s %v: got (exit %d) %q, want (exit %d) %q", kind, tc.args, code, got, tc.code, tc.want)
			}
		}
		if real {
			got, code := runReal(t, conf, "", tc.args...)
			check("supervisorctl", got, code)
		}
		got, code := runGo(t, conf, "", tc.args...)
		check("Ctl", got, code)
	}
}

// waitFor reads lines from r until one contains want, or fails after a
// deadline.
func waitFor(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("stream ended before %q", want)
			}
			if strings.Contains(l, want) {
				return
			}
		case <-deadline:
			t.Fatalf("no %q within 10s", want)
		}
	}
}

func linesOf(r io.Reader) <-chan string {
	ch := make(chan string, 100)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	return ch
}

// TestTailFollow: tail -f gets the log so far, then new lines as they are
// written, until Ctrl-C.
func TestTailFollow(t *testing.T) {
	f := newFake()
	sleeper, _ := f.lookup("sleeper")
	_, conf := testServer(t, f, "", "")

	if haveRealCtl(t) {
		cmd := exec.Command(realCtl, "-c", conf, "tail", "-f", "sleeper")
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := linesOf(out)
		waitFor(t, lines, "==> Press Ctrl-C to exit <==")
		waitFor(t, lines, "hello")
		sleeper.stdout.write([]byte("from real\n"))
		waitFor(t, lines, "from real")
		cmd.Process.Signal(syscall.SIGINT)
		if err := cmd.Wait(); err != nil {
			t.Errorf("supervisorctl tail -f after Ctrl-C: %v (want exit 0)", err)
		}
	}

	pr, pw := io.Pipe()
	ctx, interrupt := context.WithCancel(context.Background())
	env := ctlEnv{stdin: strings.NewReader(""), stdout: pw, stderr: os.Stderr, progname: "x", argv0: "x",
		interrupt: func() (context.Context, func()) { return ctx, func() {} }}
	done := make(chan int, 1)
	go func() { done <- runCtl([]string{"-c", conf, "tail", "-f", "sleeper"}, env); pw.Close() }()
	lines := linesOf(pr)
	waitFor(t, lines, "==> Press Ctrl-C to exit <==")
	waitFor(t, lines, "hello")
	sleeper.stdout.write([]byte("from ctl\n"))
	waitFor(t, lines, "from ctl")
	interrupt()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("Ctl tail -f exit %d, want 0", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Ctl tail -f did not end on Ctrl-C")
	}
}

// TestTailFollowEndsWhenServerCloses: supervisorctl's tail -f ends only
// when the server closes the connection, so Close must do that.
func TestTailFollowEndsWhenServerCloses(t *testing.T) {
	if !haveRealCtl(t) {
		return
	}
	srv, conf := testServer(t, newFake(), "", "")
	cmd := exec.Command(realCtl, "-c", conf, "tail", "-f", "sleeper")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := linesOf(out)
	waitFor(t, lines, "hello")
	srv.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("tail -f after server close: %v", err)
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("supervisorctl tail -f still running after the server closed")
	}
}

package supervisor

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/program"
)

// stdinHost is a fakeHost whose spawns get a real stdin pipe; the test
// holds the read end, the program's side.
type stdinHost struct {
	*fakeHost
	mu     sync.Mutex
	stdins map[string]*os.File
}

func (h *stdinHost) spawn(p *config.Program) (*program.Process, error) {
	pr, err := h.fakeHost.spawn(p)
	if err != nil {
		return nil, err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	pr.Stdin = w
	h.mu.Lock()
	h.stdins[p.Name] = r
	h.mu.Unlock()
	return pr, nil
}

func (h *stdinHost) stdin(name string) *os.File {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.stdins[name]
}

// sendStdin is SendProcessStdin that fails the test instead of hanging.
func sendStdin(t *testing.T, r *fakeRun, ctx context.Context, name string, data []byte) error {
	t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- r.s.SendProcessStdin(ctx, name, data) }()
	select {
	case err := <-errc:
		return err
	case <-time.After(stdinWait + 5*time.Second):
		t.Fatalf("SendProcessStdin(%s, %d bytes) hangs", name, len(data))
		return nil
	}
}

// TestSendProcessStdin: data reaches a program that reads; a program that
// does not read gets FAILED after a bounded wait, or as soon as the
// request ends; a program that exited is NOT_RUNNING.
func TestSendProcessStdin(t *testing.T) {
	h := &stdinHost{fakeHost: &fakeHost{}, stdins: map[string]*os.File{}}
	r := startFakeHost(t, h.fakeHost, h, makeConfig(t.TempDir(), unitProgram("reader", 1), unitProgram("deaf", 1)))
	r.sync()
	t.Cleanup(func() {
		for _, f := range h.stdins {
			f.Close()
		}
	})

	if err := sendStdin(t, r, context.Background(), "reader", []byte("hello\n")); err != nil {
		t.Fatalf("write to a reader: %v", err)
	}
	got := make([]byte, 6)
	if _, err := io.ReadFull(h.stdin("reader"), got); err != nil || string(got) != "hello\n" {
		t.Fatalf("the program read %q, %v", got, err)
	}

	big := make([]byte, 200000) // more than a pipe holds
	start := time.Now()
	err := sendStdin(t, r, context.Background(), "deaf", big)
	if faultCode(err) != program.FaultFailed || !strings.Contains(err.Error(), "of 200000 bytes written") {
		t.Fatalf("write to a program that does not read: %v, want FAILED", err)
	}
	if waited := time.Since(start); waited < stdinWait/2 || waited > stdinWait+2*time.Second {
		t.Errorf("gave up after %v, want about %v", waited, stdinWait)
	}

	// The pipe is full now: a request that ends stops waiting at once.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start = time.Now()
	if err := sendStdin(t, r, ctx, "deaf", big); faultCode(err) != program.FaultFailed {
		t.Fatalf("write ended by its request: %v, want FAILED", err)
	}
	if waited := time.Since(start); waited > stdinWait/2 {
		t.Errorf("a cancelled request still waited %v", waited)
	}

	r.exit(t, "reader", 0)
	if err := sendStdin(t, r, context.Background(), "reader", []byte("x")); faultCode(err) != program.FaultNotRunning {
		t.Errorf("write to an exited program: %v, want NOT_RUNNING", err)
	}
}

// TestProcessLogNoFile: a channel whose config keeps no log (NONE, or
// stderr redirected to stdout) is NO_FILE with no detail, as supervisord
// answers; a log file that could not be opened still shows the output
// kept in memory.
func TestProcessLogNoFile(t *testing.T) {
	dir := t.TempDir()
	redir := unitProgram("redir", 1, func(p *config.Program) {
		p.RedirectStderr = true
		p.Stdout.Logfile = filepath.Join(dir, "redir.log")
	})
	lost := unitProgram("lost", 1, func(p *config.Program) {
		p.Stdout.Logfile = filepath.Join(dir, "no-such-dir", "lost.log")
	})
	r := startFake(t, nil, unitProgram("nolog", 1), redir, lost)
	for _, tc := range []struct{ name, channel string }{{"nolog", "stdout"}, {"nolog", "stderr"}, {"redir", "stderr"}} {
		_, err := r.s.ProcessLog(tc.name, tc.channel)
		var f *program.Fault
		if !errors.As(err, &f) || f.Error() != "NO_FILE" {
			t.Errorf("ProcessLog(%s, %s): %v, want NO_FILE", tc.name, tc.channel, err)
		}
	}
	for _, name := range []string{"redir", "lost"} {
		if _, err := r.s.ProcessLog(name, "stdout"); err != nil {
			t.Errorf("ProcessLog(%s, stdout): %v", name, err)
		}
	}
}

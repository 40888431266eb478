package supervisor

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"testing"
	"time"
)

// helperEnv switches the test binary into a helper program run by the
// single-mode tests (a print_signals like dumb-init's).
const helperEnv = "SUPINIT_SINGLE_HELPER"

// TestSingleHelper is not a test: run with helperEnv=signals it prints
// "ready PID", then the number of every signal it receives, one a line,
// until it is killed.
func TestSingleHelper(t *testing.T) {
	if os.Getenv(helperEnv) != "signals" {
		t.Skip("helper process for the single-mode tests")
	}
	c := make(chan os.Signal, 128)
	signal.Notify(c, singleSignals()...)
	fmt.Printf("ready %d\n", os.Getpid())
	for s := range c {
		fmt.Printf("%d\n", s.(syscall.Signal))
	}
}

// helperArgv runs TestSingleHelper in signals mode, through env(1) so
// that supinit's environment stays as it is.
func helperArgv() []string {
	return []string{"/usr/bin/env", helperEnv + "=signals", os.Args[0], "-test.run=^TestSingleHelper$"}
}

// singleRun is a RunSingle in progress, its stdout on a pipe.
type singleRun struct {
	out  *bufio.Reader
	done chan int
	logs chan string // supinit's own messages
}

// startSingle runs RunSingle in the background with stdout on a pipe
// and stderr to the test log.
func startSingle(t *testing.T, opts SingleOptions, argv ...string) *singleRun {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	opts.Stdout = w
	opts.Stderr = testWriter{t}
	run := &singleRun{out: bufio.NewReader(r), done: make(chan int, 1), logs: make(chan string, 100)}
	opts.Logf = func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		t.Logf("supinit: %s", msg)
		select {
		case run.logs <- msg:
		default:
		}
	}
	go func() {
		run.done <- opts.Run(argv)
		w.Close()
	}()
	if err := r.SetReadDeadline(time.Now().Add(20 * time.Second)); err != nil {
		t.Fatal(err)
	}
	return run
}

// line reads the command's next output line.
func (run *singleRun) line(t *testing.T) string {
	t.Helper()
	s, err := run.out.ReadString('\n')
	if err != nil {
		t.Fatalf("reading the command's output: %v (got %q)", err, s)
	}
	return s[:len(s)-1]
}

// wait returns RunSingle's result, failing the test after timeout.
func (run *singleRun) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case code := <-run.done:
		return code
	case <-time.After(timeout):
		t.Fatalf("RunSingle did not return within %v", timeout)
		return -1
	}
}

// rest reads what is left of the output after RunSingle returned.
func (run *singleRun) rest(t *testing.T) string {
	t.Helper()
	b, err := io.ReadAll(run.out)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Logf("stderr: %s", p)
	return len(p), nil
}

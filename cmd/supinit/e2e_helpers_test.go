package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/supinit/supinit/internal/pid1test"
)

// The end-to-end tests run the built supinit binary as PID 1 of a new PID
// namespace with its stdout and stderr on pipes (or sockets), as `docker
// run` starts a container's init. The namespace needs its own /proc, as a
// container has (supinit walks /proc to find leftover descendants, and on
// the host's /proc "descendants of pid 1" is the whole machine), so the
// test binary is started as PID 1 first: TestE2EExecAsPID1 mounts /proc
// and then execs supinit, which stays PID 1.

const (
	// e2eExecEnv carries supinit's argv, as JSON, to TestE2EExecAsPID1.
	e2eExecEnv = "SUPINIT_E2E_EXEC"
	// e2eUnavailable is the exit code of TestE2EExecAsPID1 when it cannot
	// mount /proc; its message starts with e2eUnavailableMsg.
	e2eUnavailable    = 77
	e2eUnavailableMsg = "e2e-pid1: cannot prepare the namespace: "
)

// TestE2EExecAsPID1 is not a test of its own: started by startSupinit as
// PID 1 of a new namespace, it mounts the namespace's /proc and execs
// supinit. It writes nothing before the exec, so supinit's output is all
// there is on the pipes.
func TestE2EExecAsPID1(t *testing.T) {
	spec := os.Getenv(e2eExecEnv)
	if spec == "" {
		return // a helper, not a test: nothing to do in a normal run
	}
	var argv []string
	if err := json.Unmarshal([]byte(spec), &argv); err != nil || len(argv) == 0 {
		fmt.Fprintf(os.Stderr, "e2e-pid1: bad %s: %q\n", e2eExecEnv, spec)
		os.Exit(2)
	}
	// As pid1test.Enter does, but reporting through the exit code: a
	// skip would print to the pipes the test reads.
	if err := syscall.Mount("none", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		fmt.Fprintf(os.Stderr, "%smake mounts private: %v\n", e2eUnavailableMsg, err)
		os.Exit(e2eUnavailable)
	}
	if err := syscall.Mount("proc", "/proc", "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		fmt.Fprintf(os.Stderr, "%smount /proc: %v\n", e2eUnavailableMsg, err)
		os.Exit(e2eUnavailable)
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, e2eExecEnv+"=") {
			env = append(env, kv)
		}
	}
	err := syscall.Exec(argv[0], argv, env)
	fmt.Fprintf(os.Stderr, "e2e-pid1: cannot exec %s: %v\n", argv[0], err)
	os.Exit(2)
}

var (
	writerOnce sync.Once
	writerPath string
	writerErr  error
)

// writer builds testdata/output/writer once per test run (see its doc).
func writer(t *testing.T) string {
	t.Helper()
	dir := filepath.Dir(binary(t)) // removed by TestMain
	writerOnce.Do(func() {
		writerPath = filepath.Join(dir, "writer")
		cmd := exec.Command("go", "build", "-o", writerPath, "./testdata/output/writer")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			writerErr = &buildError{err, out}
		}
	})
	if writerErr != nil {
		t.Fatalf("cannot build the writer: %v", writerErr)
	}
	return writerPath
}

// supinitPID1 is one supinit running as PID 1.
type supinitPID1 struct {
	t              *testing.T
	cmd            *exec.Cmd
	Stdout, Stderr *capture // nil for a stream the test passed in
	done           chan struct{}
	code           int
}

// e2eStreams are the files supinit gets as fd 1 and 2 (a pipe's or a
// socket's end). Nil means a pipe read at full speed into a capture.
type e2eStreams struct{ stdout, stderr *os.File }

// startSupinit starts supinit with args as PID 1 of a new PID namespace,
// in dir. It is killed, with its namespace, when the test ends.
func startSupinit(t *testing.T, dir string, streams e2eStreams, args ...string) *supinitPID1 {
	t.Helper()
	s := startPID1(t, dir, streams, append([]string{binary(t)}, args...))
	s.waitExec()
	return s
}

// startPID1 starts argv as PID 1 of a new PID namespace, in dir, and
// collects its exit code; it is killed, with its namespace, when the test
// ends. The caller waits for it to have started.
func startPID1(t *testing.T, dir string, streams e2eStreams, argv []string) *supinitPID1 {
	t.Helper()
	argvJSON, _ := json.Marshal(argv)
	cmd := exec.Command(os.Args[0], "-test.run=^TestE2EExecAsPID1$")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), e2eExecEnv+"="+string(argvJSON))
	s := &supinitPID1{t: t, cmd: cmd, done: make(chan struct{})}
	var ours []*os.File // the ends supinit holds, closed here once it started
	stream := func(f *os.File, c **capture) *os.File {
		if f != nil {
			return f
		}
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		*c = newCapture()
		go (*c).readFrom(r, 64<<10, nil)
		ours = append(ours, w)
		return w
	}
	closeOurs := func() {
		for _, f := range ours {
			f.Close()
		}
	}
	t.Cleanup(closeOurs) // also when Start ends the test
	cmd.Stdout = stream(streams.stdout, &s.Stdout)
	cmd.Stderr = stream(streams.stderr, &s.Stderr)
	pid1test.Start(t, cmd)
	closeOurs()
	go func() {
		_ = cmd.Wait()
		ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		s.code = ws.ExitStatus()
		if ws.Signaled() {
			s.code = 128 + int(ws.Signal())
		}
		close(s.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // the whole namespace goes with its PID 1
		<-s.done
	})
	return s
}

// waitExec waits until the test binary has become supinit, or ends the
// test when the namespace could not be prepared.
func (s *supinitPID1) waitExec() {
	s.t.Helper()
	exe := "/proc/" + strconv.Itoa(s.cmd.Process.Pid) + "/exe"
	execd := func() bool {
		target, _ := os.Readlink(exe)
		return target == binary(s.t)
	}
	exited := func() bool {
		select {
		case <-s.done:
			return true
		default:
			return false
		}
	}
	if !pid1test.Eventually(10*time.Second, func() bool { return execd() || exited() }) {
		s.t.Fatalf("supinit was not started as PID 1 within 10s%s", s.output())
	}
	if execd() {
		return
	}
	if s.code == e2eUnavailable && s.Stderr != nil && s.Stderr.waitFor(time.Second, func(b []byte, _ bool) bool {
		return bytes.Contains(b, []byte(e2eUnavailableMsg))
	}) {
		pid1test.Unavailable(s.t, "%s", s.Stderr.String())
	}
	s.t.Fatalf("the PID-1 helper exited with %d before supinit started%s", s.code, s.output())
}

// signal sends sig to supinit.
func (s *supinitPID1) signal(sig syscall.Signal) {
	s.t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatalf("cannot send %v to supinit: %v", sig, err)
	}
}

// wait waits for supinit to exit and returns its exit code and how long
// it took; it fails the test after the timeout.
func (s *supinitPID1) wait(timeout time.Duration) (int, time.Duration) {
	s.t.Helper()
	start := time.Now()
	select {
	case <-s.done:
	case <-time.After(timeout):
		s.t.Fatalf("supinit did not exit within %v%s", timeout, s.output())
	}
	return s.code, time.Since(start)
}

// stop sends SIGTERM and expects supinit to exit with 0 within timeout
// and its captured streams to end.
func (s *supinitPID1) stop(timeout time.Duration) {
	s.t.Helper()
	s.signal(syscall.SIGTERM)
	if code, _ := s.wait(timeout); code != 0 {
		s.t.Fatalf("supinit exited with %d after SIGTERM, want 0%s", code, s.output())
	}
	for _, c := range []*capture{s.Stdout, s.Stderr} {
		if c != nil {
			c.waitEOF(s.t, "a stream", 5*time.Second)
		}
	}
}

// waitProcess waits until a process named comm runs below supinit.
func (s *supinitPID1) waitProcess(comm string, timeout time.Duration) {
	s.t.Helper()
	if !pid1test.Eventually(timeout, func() bool {
		procs, _ := pid1test.Descendants(s.cmd.Process.Pid)
		for _, p := range procs {
			if p.Comm == comm {
				return true
			}
		}
		return false
	}) {
		s.t.Fatalf("no process %q below supinit within %v%s", comm, timeout, s.output())
	}
}

// output is supinit's captured stderr for a failure message.
func (s *supinitPID1) output() string {
	if s.Stderr == nil {
		return ""
	}
	return "\nsupinit's stderr:\n" + tail(s.Stderr.Bytes())
}

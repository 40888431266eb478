// Package pid1test runs tests as PID 1 of a new PID namespace, the way a
// container runtime starts its init, without Docker.
//
// Run (or Start) runs any command, typically the built supinit binary, as
// PID 1 of a new PID namespace with its output on pipes, the way
// `docker run` starts it; Zombies then checks from outside.
//
// RunTest re-executes the current test binary so that only the calling
// test runs again, inside the namespace. That copy sees IsChild true,
// calls Enter (which mounts the namespace's own /proc) and does the PID-1
// work itself:
//
//	func TestX(t *testing.T) {
//		if !pid1test.IsChild() {
//			pid1test.RunTest(t, 30*time.Second)
//			return
//		}
//		pid1test.Enter(t)
//		// ... runs as PID 1
//	}
//
// The parent side waits for its command with exec.Cmd.Wait: do not use it
// while a reaper.Reaper is running in the same process, or the reaper will
// steal that status.
package pid1test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// childEnv marks a test binary re-executed by RunTest.
const childEnv = "SUPINIT_PID1TEST_CHILD"

// IsChild reports whether this process is a test binary re-executed by
// RunTest, i.e. whether it should run the PID-1 half of the test.
func IsChild() bool { return os.Getenv(childEnv) == "1" }

// Unavailable ends a test that cannot get what it needs (root, a
// namespace): a failure when the environment variable CI is set, a loud
// skip otherwise.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") != "" {
		t.Fatalf("CI is set and this test cannot run: %s", msg)
	}
	t.Skipf("SKIPPED, NOT TESTED: %s (set CI=1 to make this a failure)", msg)
}

// RequireRoot ends the test through Unavailable unless it runs as root.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		Unavailable(t, "needs root (euid is %d)", os.Geteuid())
	}
}

// Prepare sets cmd up to start as PID 1 of a new PID namespace (and a
// new mount namespace, so the process may mount its own /proc). When not
// root it adds a user namespace mapping the caller to root.
func Prepare(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	sys := cmd.SysProcAttr
	sys.Cloneflags |= syscall.CLONE_NEWPID | syscall.CLONE_NEWNS
	if os.Geteuid() != 0 {
		sys.Cloneflags |= syscall.CLONE_NEWUSER
		sys.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
		sys.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
	}
}

// Start prepares and starts cmd as PID 1 of a new PID namespace. When the
// namespace cannot be created it ends the test through Unavailable.
func Start(t testing.TB, cmd *exec.Cmd) {
	t.Helper()
	Prepare(cmd)
	err := cmd.Start()
	if err == nil {
		return
	}
	for _, e := range []error{syscall.EPERM, syscall.EINVAL, syscall.ENOSPC, syscall.EUSERS} {
		if errors.Is(err, e) {
			Unavailable(t, "cannot create a PID namespace: %v", err)
		}
	}
	t.Fatalf("cannot start %s: %v", cmd.Path, err)
}

// Result is what a command run by Run left behind.
type Result struct {
	Stdout, Stderr string
	// ExitCode is the exit code, or 128+N when killed by signal N.
	ExitCode int
	// TimedOut is true when Run killed the command at its deadline.
	TimedOut bool
}

// Run starts cmd as PID 1 of a new PID namespace with stdout and stderr
// on pipes, and waits for it. At the timeout it SIGKILLs it, which ends
// the whole namespace, and reports TimedOut.
func Run(t testing.TB, cmd *exec.Cmd, timeout time.Duration) Result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// Killing the namespace's PID 1 kills everything holding the pipes,
	// but don't hang if something outside the namespace inherited them.
	cmd.WaitDelay = 5 * time.Second
	Start(t, cmd)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var res Result
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		res.TimedOut = true
		_ = cmd.Process.Kill()
		<-done
	}
	res.Stdout, res.Stderr = stdout.String(), stderr.String()
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		res.ExitCode = 128 + int(ws.Signal())
	} else {
		res.ExitCode = ws.ExitStatus()
	}
	return res
}

// RunTest re-executes the test binary to run only the calling test (t's
// full name, subtests included) as PID 1 of a new PID namespace, with
// env added to the environment. The child's failure, with its output,
// fails t; a skip in the child skips t.
func RunTest(t *testing.T, timeout time.Duration, env ...string) {
	t.Helper()
	var pattern []string
	for _, part := range strings.Split(t.Name(), "/") {
		pattern = append(pattern, "^"+regexp.QuoteMeta(part)+"$")
	}
	cmd := exec.Command(os.Args[0], "-test.run="+strings.Join(pattern, "/"), "-test.v")
	cmd.Env = append(append(os.Environ(), childEnv+"=1"), env...)
	res := Run(t, cmd, timeout)
	out := res.Stdout + res.Stderr
	switch {
	case res.TimedOut:
		t.Fatalf("the test as PID 1 timed out after %v; its output:\n%s", timeout, out)
	case res.ExitCode != 0:
		t.Fatalf("the test as PID 1 failed (exit code %d); its output:\n%s", res.ExitCode, out)
	case strings.Contains(out, "--- SKIP: "+t.Name()):
		t.Skipf("the test as PID 1 was skipped; its output:\n%s", out)
	case !strings.Contains(out, "--- PASS: "+t.Name()):
		t.Fatalf("the test did not run as PID 1; its output:\n%s", out)
	}
	t.Logf("the test as PID 1 passed; its output:\n%s", out)
}

// Enter is the first call of the PID-1 half of a test run by RunTest: it
// checks that this process is PID 1 and mounts the namespace's own /proc
// (after making every mount private, so nothing leaks to the host).
func Enter(t testing.TB) {
	t.Helper()
	if pid := os.Getpid(); pid != 1 {
		t.Fatalf("pid1test.Enter: this process is pid %d, not 1", pid)
	}
	if err := syscall.Mount("none", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, ""); err != nil {
		Unavailable(t, "cannot make mounts private in the new namespace: %v", err)
	}
	if err := syscall.Mount("proc", "/proc", "proc", syscall.MS_NOSUID|syscall.MS_NODEV|syscall.MS_NOEXEC, ""); err != nil {
		Unavailable(t, "cannot mount /proc in the new namespace: %v", err)
	}
}

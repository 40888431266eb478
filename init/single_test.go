package supervisor

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/supinit/supinit/internal/pid1test"
)

// TestSingle runs the single-mode suite in this process, which makes
// itself a child subreaper.
func TestSingle(t *testing.T) {
	if pid1test.IsChild() {
		t.Skip("runs outside the namespace")
	}
	singleSuite(t)
}

// TestSingleAsPID1 runs the same suite as PID 1 of a new PID namespace,
// as `docker run` starts an init.
func TestSingleAsPID1(t *testing.T) {
	if !pid1test.IsChild() {
		pid1test.RunTest(t, 50*time.Second)
		return
	}
	pid1test.Enter(t)
	singleSuite(t)
}

func singleSuite(t *testing.T) {
	t.Run("exit codes pass through", testSingleExitCodes)
	t.Run("killed by a signal", testSingleKilled)
	t.Run("cannot start", testSingleCannotStart)
	t.Run("argv and output", testSingleArgv)
	t.Run("signals are forwarded", testSingleForwarding)
	t.Run("TERM reaches the whole group", testSingleGroupTerm)
	t.Run("orphans are reaped", testSingleOrphans)
	t.Run("leftovers get SIGTERM before supinit exits", testSingleLeftoversTerm)
	t.Run("leftovers ignoring TERM get SIGKILL after the grace", testSingleLeftoversKill)
	t.Run("a second TERM cuts the grace short", testSingleSecondTerm)
}

func testSingleExitCodes(t *testing.T) {
	for code := range 256 {
		got := SingleOptions{Stdout: io.Discard, Stderr: io.Discard}.Run([]string{"sh", "-c", "exit " + strconv.Itoa(code)})
		if got != code {
			t.Errorf("exit %d: RunSingle returned %d", code, got)
		}
	}
}

func testSingleKilled(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGTERM, syscall.SIGKILL, syscall.SIGUSR1} {
		script := fmt.Sprintf("kill -%d $$", sig)
		if got := RunSingle([]string{"sh", "-c", script}, io.Discard, io.Discard); got != 128+int(sig) {
			t.Errorf("killed by %v: %d, want %d", sig, got, 128+int(sig))
		}
	}
}

func testSingleCannotStart(t *testing.T) {
	plain := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(plain, []byte("echo hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		argv []string
		want int
	}{
		{[]string{"/nonexistent"}, 127},
		{[]string{"no-such-command-supinit"}, 127},
		{[]string{"/etc"}, 126},
		{[]string{plain}, 126},
		{nil, 1},
	}
	for _, tt := range tests {
		var stderr strings.Builder
		if got := RunSingle(tt.argv, io.Discard, &stderr); got != tt.want {
			t.Errorf("%q: %d, want %d", tt.argv, got, tt.want)
		}
		if stderr.Len() == 0 {
			t.Errorf("%q: nothing said on stderr", tt.argv)
		}
	}
}

func testSingleArgv(t *testing.T) {
	run := startSingle(t, SingleOptions{}, "sh", "-c", `echo "$0|$1|$2"; echo err >&2`, "a b", "c", "")
	if got := run.line(t); got != "a b|c|" {
		t.Errorf("argv seen as %q", got)
	}
	if code := run.wait(t, 10*time.Second); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

// forwardable is every signal a child must receive: 1..31 but KILL and
// STOP (uncatchable), CHLD, URG and PROF (Go's), TTIN and TTOU
// (swallowed), and the real-time signals from 35 (Go keeps 32-34).
func forwardable() []syscall.Signal {
	var out []syscall.Signal
	for n := syscall.Signal(1); n <= 64; n++ {
		switch n {
		case syscall.SIGKILL, syscall.SIGSTOP, syscall.SIGCHLD, syscall.SIGURG, syscall.SIGPROF,
			syscall.SIGTTIN, syscall.SIGTTOU, 32, 33, 34:
			continue
		}
		out = append(out, n)
	}
	return out
}

func testSingleForwarding(t *testing.T) {
	run := startSingle(t, SingleOptions{}, helperArgv()...)
	ready := strings.Fields(run.line(t))
	if len(ready) != 2 || ready[0] != "ready" {
		t.Fatalf("helper said %q", ready)
	}
	helper, _ := strconv.Atoi(ready[1])
	defer func() {
		_ = syscall.Kill(helper, syscall.SIGKILL)
		if code := run.wait(t, 10*time.Second); code != 137 {
			t.Errorf("exit code %d after the helper was SIGKILLed, want 137", code)
		}
	}()
	for _, sig := range forwardable() {
		if err := syscall.Kill(os.Getpid(), sig); err != nil {
			t.Fatal(err)
		}
		if got := run.line(t); got != strconv.Itoa(int(sig)) {
			t.Errorf("sent %d (%v), the child got %s", sig, sig, got)
		}
	}
	// TTIN and TTOU are swallowed: the next line is USR1's.
	for _, sig := range []syscall.Signal{syscall.SIGTTIN, syscall.SIGTTOU, syscall.SIGUSR1} {
		if err := syscall.Kill(os.Getpid(), sig); err != nil {
			t.Fatal(err)
		}
	}
	if got := run.line(t); got != strconv.Itoa(int(syscall.SIGUSR1)) {
		t.Errorf("after TTIN, TTOU, USR1 the child got %s first", got)
	}
}

func testSingleGroupTerm(t *testing.T) {
	// The trap waits for both sleeps: it ends soon only if SIGTERM
	// reached them too, i.e. the whole process group.
	run := startSingle(t, SingleOptions{Grace: time.Minute}, "sh", "-c",
		`sleep 30 & sleep 30 & trap 'wait; exit 7' TERM; echo ready; wait`)
	run.line(t)
	start := time.Now()
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := run.wait(t, 20*time.Second); code != 7 {
		t.Errorf("exit code %d, want 7", code)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v: the sleeps did not get SIGTERM", d)
	}
}

func testSingleOrphans(t *testing.T) {
	stop := filepath.Join(t.TempDir(), "stop")
	run := startSingle(t, SingleOptions{}, "sh", "-c",
		`for i in $(seq 100); do (sleep 0.1 &); done; echo spawned; while [ ! -e "$1" ]; do sleep 0.02; done`, "sh", stop)
	run.line(t)
	// While the command runs, its 100 orphans end and must be reaped:
	// only the command and its own short sleep may remain below us, and
	// no zombie may be ours to reap. (The sleep may be a zombie for a
	// moment: the command reaps it, not us.)
	unreaped := func() (descendants, zombies int) {
		d, _ := pid1test.Descendants(os.Getpid())
		for _, p := range d {
			if p.State == 'Z' && p.PPid == os.Getpid() {
				zombies++
			}
		}
		return len(d), zombies
	}
	if !pid1test.Eventually(10*time.Second, func() bool { d, z := unreaped(); return d <= 2 && z == 0 }) {
		d, z := unreaped()
		t.Errorf("orphans not reaped: %d descendants, %d zombies of ours", d, z)
	}
	if err := os.WriteFile(stop, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if code := run.wait(t, 10*time.Second); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

func testSingleLeftoversTerm(t *testing.T) {
	dir := t.TempDir()
	ready, got := filepath.Join(dir, "ready"), filepath.Join(dir, "got")
	// A background process that records SIGTERM, left behind when the
	// command exits 3 (once the trap is set).
	script := `(trap 'echo TERM > "$2"; exit 0' TERM; touch "$1"; while :; do sleep 0.02; done) &
while [ ! -e "$1" ]; do sleep 0.02; done; exit 3`
	start := time.Now()
	run := startSingle(t, SingleOptions{Grace: time.Minute}, "sh", "-c", script, "sh", ready, got)
	if code := run.wait(t, 20*time.Second); code != 3 {
		t.Errorf("exit code %d, want 3", code)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v: supinit waited for the grace, not for the process", d)
	}
	if b, err := os.ReadFile(got); err != nil || string(b) != "TERM\n" {
		t.Errorf("the leftover process did not handle SIGTERM before supinit returned (%q, %v)", b, err)
	}
	if d, _ := pid1test.Descendants(os.Getpid()); len(d) != 0 {
		t.Errorf("descendants left: %v", d)
	}
}

func testSingleLeftoversKill(t *testing.T) {
	ready := filepath.Join(t.TempDir(), "ready")
	script := `(trap '' TERM; touch "$1"; while :; do sleep 0.02; done) &
while [ ! -e "$1" ]; do sleep 0.02; done; exit 4`
	grace := 300 * time.Millisecond
	start := time.Now()
	run := startSingle(t, SingleOptions{Grace: grace}, "sh", "-c", script, "sh", ready)
	if code := run.wait(t, 20*time.Second); code != 4 {
		t.Errorf("exit code %d, want 4 (the command's, not the killed leftover's)", code)
	}
	if d := time.Since(start); d < grace {
		t.Errorf("returned after %v, before the grace of %v", d, grace)
	}
	if d, _ := pid1test.Descendants(os.Getpid()); len(d) != 0 {
		t.Errorf("descendants left: %v", d)
	}
}

func testSingleSecondTerm(t *testing.T) {
	ready := filepath.Join(t.TempDir(), "ready")
	script := `(trap '' TERM; touch "$1"; while :; do sleep 0.02; done) &
while [ ! -e "$1" ]; do sleep 0.02; done; exit 5`
	run := startSingle(t, SingleOptions{Grace: time.Minute}, "sh", "-c", script, "sh", ready)
	// supinit says when it sends SIGTERM to what the command left: from
	// then on it is in its grace period.
	for msg := ""; !strings.Contains(msg, "SIGTERM"); {
		select {
		case msg = <-run.logs:
		case <-time.After(10 * time.Second):
			t.Fatal("supinit did not start the grace period")
		}
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := run.wait(t, 10*time.Second); code != 5 {
		t.Errorf("exit code %d, want 5", code)
	}
}

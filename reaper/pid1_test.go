package reaper

import (
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/supinit/supinit/internal/pid1test"
)

// fatalSignals are 44 signals whose default action ends a process
// without a core dump (so its wait status is the bare signal number).
// With the 256 exit codes they give 300 distinct wait statuses.
var fatalSignals = func() []syscall.Signal {
	sigs := []syscall.Signal{
		syscall.SIGHUP, syscall.SIGINT, syscall.SIGKILL, syscall.SIGUSR1,
		syscall.SIGUSR2, syscall.SIGPIPE, syscall.SIGALRM, syscall.SIGTERM,
		syscall.SIGSTKFLT, syscall.SIGVTALRM, syscall.SIGPROF, syscall.SIGIO,
		syscall.SIGPWR,
	}
	// The real-time signals but 32 and 33, which the C library of sh
	// handles itself.
	for n := syscall.Signal(34); n <= 64; n++ {
		sigs = append(sigs, n)
	}
	return sigs
}()

// TestManyExitsAtOnceAsPID1: 300 children exit at the same moment, each
// with its own wait status (every exit code, then killed by each of 44
// signals), and each leaving an orphaned grandchild. As PID 1 the reaper
// must give every pid its own status, reap the 300 orphans, and leave no
// zombie in the namespace.
func TestManyExitsAtOnceAsPID1(t *testing.T) {
	if !pid1test.IsChild() {
		pid1test.RunTest(t, 60*time.Second)
		return
	}
	pid1test.Enter(t)
	r, orphans := newReaper(t)

	// Every child blocks reading this pipe; closing the write end lets
	// all of them go at once.
	gate, release, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	const codes = 256
	n := codes + len(fatalSignals)
	want := make(map[int]syscall.WaitStatus, n)
	for i := range n {
		// The grandchild outlives its parent by a little, so it is an
		// orphan by the time it exits.
		script := fmt.Sprintf("read x; sleep 0.2 & exit %d", i)
		status := syscall.WaitStatus(i << 8)
		if i >= codes {
			sig := fatalSignals[i-codes]
			script = fmt.Sprintf("read x; sleep 0.2 & kill -%d $$", sig)
			status = syscall.WaitStatus(sig)
		}
		pid, err := r.Start(func() (int, error) { return forkSh(script, gate) })
		if err != nil {
			t.Fatalf("cannot start child %d: %v", i, err)
		}
		want[pid] = status
	}
	gate.Close()
	release.Close()

	for pid, ws := range collect(t, r, n, 30*time.Second) {
		status, ok := want[pid]
		if !ok {
			t.Errorf("exit of unknown pid %d", pid)
		} else if ws != status {
			t.Errorf("pid %d: %s, want %s", pid, Describe(ws), Describe(status))
		}
	}
	for i := range n {
		select {
		case <-orphans.seen:
		case <-time.After(20 * time.Second):
			t.Fatalf("only %d of %d orphans were reaped", i, n)
		}
	}
	if !pid1test.Eventually(5*time.Second, func() bool { return !r.ChildrenLeft() }) {
		t.Error("children are left after every exit was reaped")
	}
	zombies, err := pid1test.Zombies(1)
	if err != nil {
		t.Fatal(err)
	}
	if len(zombies) != 0 {
		t.Errorf("%d zombies left, first: %v", len(zombies), zombies[0])
	}
}

// TestSignalDescendantsAsPID1 checks the kill(-1) path: it reaches every
// process of the namespace, including those not below a registered pid.
func TestSignalDescendantsAsPID1(t *testing.T) {
	if !pid1test.IsChild() {
		pid1test.RunTest(t, 30*time.Second)
		return
	}
	pid1test.Enter(t)
	r, orphans := newReaper(t)
	// Two sleeps in their own sessions, orphaned at once.
	startSh(t, r, "setsid sleep 30 & setsid sleep 30 & exit 0")
	collect(t, r, 1, 10*time.Second)
	if !pid1test.Eventually(10*time.Second, func() bool {
		d, _ := pid1test.Descendants(1)
		return len(d) == 2
	}) {
		t.Fatal("the two orphaned sleeps are not there")
	}
	if err := SignalDescendants(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		select {
		case <-orphans.seen:
		case <-time.After(10 * time.Second):
			t.Fatal("the orphans did not end after SIGTERM")
		}
	}
	if r.ChildrenLeft() {
		t.Error("children left after SignalDescendants")
	}
}

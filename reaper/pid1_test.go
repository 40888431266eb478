package reaper

import (
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/supinit/supinit/internal/pid1test"
)

// TestManyExitsAtOnceAsPID1: 300 children exit at the same moment with
// distinct codes, each leaving an orphaned grandchild. As PID 1 the
// reaper must give 300 correct statuses, reap the 300 orphans, and leave
// no zombie in the namespace.
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
	const n = 300
	want := make(map[int]int, n)
	for i := range n {
		code := i % 256
		// The grandchild outlives its parent by a little, so it is an
		// orphan by the time it exits.
		script := fmt.Sprintf("read x; sleep 0.2 & exit %d", code)
		pid, err := r.Start(func() (int, error) { return forkSh(script, gate) })
		if err != nil {
			t.Fatalf("cannot start child %d: %v", i, err)
		}
		want[pid] = code
	}
	gate.Close()
	release.Close()

	for pid, ws := range collect(t, r, n, 30*time.Second) {
		code, ok := want[pid]
		if !ok {
			t.Errorf("exit of unknown pid %d", pid)
		} else if ExitCode(ws) != code {
			t.Errorf("pid %d: %s, want exit status %d", pid, Describe(ws), code)
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

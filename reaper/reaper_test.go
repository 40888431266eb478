package reaper

import (
	"os"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/supinit/supinit/internal/pid1test"
)

// newReaper starts a Reaper stopped at the end of the test, and counts
// the orphans it reaps.
func newReaper(t *testing.T) (*Reaper, *orphanLog) {
	t.Helper()
	log := &orphanLog{seen: make(chan int, 4096)}
	r := New(Options{OnOrphan: log.add})
	t.Cleanup(r.Stop)
	return r, log
}

type orphanLog struct{ seen chan int }

func (o *orphanLog) add(pid int, _ syscall.WaitStatus) {
	select {
	case o.seen <- pid:
	default:
	}
}

// forkSh starts sh -c script; its stdin is r when given.
func forkSh(script string, stdin *os.File) (int, error) {
	files := []uintptr{^uintptr(0), 2, 2}
	if stdin != nil {
		files[0] = stdin.Fd()
	}
	return syscall.ForkExec("/bin/sh", []string{"sh", "-c", script}, &syscall.ProcAttr{
		Env:   []string{"PATH=/usr/bin:/bin"},
		Files: files,
	})
}

func startSh(t *testing.T, r *Reaper, script string) int {
	t.Helper()
	pid, err := r.Start(func() (int, error) { return forkSh(script, nil) })
	if err != nil {
		t.Fatalf("cannot start sh: %v", err)
	}
	return pid
}

// collect reads exits until every pid in want has been seen.
func collect(t *testing.T, r *Reaper, want int, timeout time.Duration) map[int]syscall.WaitStatus {
	t.Helper()
	got := make(map[int]syscall.WaitStatus)
	deadline := time.After(timeout)
	for len(got) < want {
		select {
		case e := <-r.Exits():
			if _, dup := got[e.Pid]; dup {
				t.Errorf("pid %d delivered twice", e.Pid)
			}
			got[e.Pid] = e.Status
		case <-deadline:
			t.Fatalf("only %d of %d exits arrived within %v", len(got), want, timeout)
		}
	}
	return got
}

func TestExitCodeAndDescribe(t *testing.T) {
	tests := []struct {
		ws   syscall.WaitStatus
		code int
		text string
	}{
		{0, 0, "exit status 0"},
		{3 << 8, 3, "exit status 3"},
		{255 << 8, 255, "exit status 255"},
		{syscall.WaitStatus(syscall.SIGTERM), 143, "terminated by SIGTERM"},
		{syscall.WaitStatus(syscall.SIGKILL), 137, "terminated by SIGKILL"},
		{syscall.WaitStatus(syscall.SIGSEGV) | 0x80, 139, "terminated by SIGSEGV (core dumped)"},
	}
	for _, tt := range tests {
		if got := ExitCode(tt.ws); got != tt.code {
			t.Errorf("ExitCode(%#x) = %d, want %d", uint32(tt.ws), got, tt.code)
		}
		if got := Describe(tt.ws); got != tt.text {
			t.Errorf("Describe(%#x) = %q, want %q", uint32(tt.ws), got, tt.text)
		}
	}
}

func TestStatusesOfRealChildren(t *testing.T) {
	r, _ := newReaper(t)
	tests := []struct {
		script string
		code   int
	}{
		{"exit 0", 0},
		{"exit 1", 1},
		{"exit 42", 42},
		{"exit 255", 255},
		{"kill -TERM $$", 143},
		{"kill -KILL $$", 137},
	}
	want := make(map[int]int)
	for _, tt := range tests {
		want[startSh(t, r, tt.script)] = tt.code
	}
	for pid, ws := range collect(t, r, len(tests), 10*time.Second) {
		if got := ExitCode(ws); got != want[pid] {
			t.Errorf("pid %d: exit code %d, want %d", pid, got, want[pid])
		}
	}
	if n := r.Registered(); n != 0 {
		t.Errorf("Registered() = %d after every exit, want 0", n)
	}
}

func TestFailedSpawnIsNotRegistered(t *testing.T) {
	r, _ := newReaper(t)
	_, err := r.Start(func() (int, error) {
		return syscall.ForkExec("/nonexistent/cmd", []string{"x"}, &syscall.ProcAttr{})
	})
	if err == nil {
		t.Fatal("Start of a missing command succeeded")
	}
	if n := r.Registered(); n != 0 {
		t.Errorf("Registered() = %d, want 0", n)
	}
}

func TestUnregisteredChildIsReportedAsOrphan(t *testing.T) {
	r, orphans := newReaper(t)
	// Forked outside Start: not registered, so an orphan to the reaper.
	pid, err := forkSh("exit 0", nil)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-orphans.seen:
		if got != pid {
			t.Errorf("orphan pid %d, want %d", got, pid)
		}
	case e := <-r.Exits():
		t.Fatalf("unregistered pid %d was delivered as an exit", e.Pid)
	case <-time.After(10 * time.Second):
		t.Fatal("the unregistered child was not reaped")
	}
}

func TestChildrenLeft(t *testing.T) {
	r, _ := newReaper(t)
	if r.ChildrenLeft() {
		t.Fatal("ChildrenLeft() = true before any child was started")
	}
	pid := startSh(t, r, "exec sleep 30")
	if !r.ChildrenLeft() {
		t.Fatal("ChildrenLeft() = false with a running child")
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	collect(t, r, 1, 10*time.Second)
	if r.ChildrenLeft() {
		t.Error("ChildrenLeft() = true after the only child was reaped")
	}
}

// TestInstantExitsAreNeverLost starts `true` 1,000 times from several
// goroutines; every exit must come back with its status.
func TestInstantExitsAreNeverLost(t *testing.T) {
	r, orphans := newReaper(t)
	const workers, each = 4, 250
	var mu sync.Mutex
	pids := make(map[int]bool)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range each {
				pid, err := r.Start(func() (int, error) {
					return syscall.ForkExec("/bin/true", []string{"true"}, &syscall.ProcAttr{})
				})
				if err != nil {
					t.Errorf("cannot start true: %v", err)
					return
				}
				mu.Lock()
				pids[pid] = true
				mu.Unlock()
			}
		})
	}
	got := collect(t, r, workers*each, 30*time.Second)
	wg.Wait()
	for pid, ws := range got {
		if !pids[pid] {
			t.Errorf("exit of pid %d that Start did not return", pid)
		}
		if ExitCode(ws) != 0 {
			t.Errorf("pid %d: %s, want exit status 0", pid, Describe(ws))
		}
	}
	if len(orphans.seen) != 0 {
		t.Errorf("%d registered children were reported as orphans", len(orphans.seen))
	}
}

func TestSignalDescendantsAsSubreaper(t *testing.T) {
	if _, err := Subreaper(); err != nil {
		pid1test.Unavailable(t, "%v", err)
	}
	r, orphans := newReaper(t)
	pid := startSh(t, r, "sleep 30 & sleep 30 & wait")
	if !pid1test.Eventually(10*time.Second, func() bool {
		d, _ := pid1test.Descendants(os.Getpid())
		return len(d) == 3
	}) {
		t.Fatal("sh did not start its two sleeps")
	}
	if err := SignalDescendants(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if got := collect(t, r, 1, 10*time.Second)[pid]; ExitCode(got) != 143 {
		t.Errorf("sh: %s, want terminated by SIGTERM", Describe(got))
	}
	// The two sleeps, orphaned, come back to us as a subreaper.
	for range 2 {
		select {
		case <-orphans.seen:
		case <-time.After(10 * time.Second):
			t.Fatal("the sleeps were not reaped")
		}
	}
	if r.ChildrenLeft() {
		t.Error("children left after SIGTERM to every descendant")
	}
}

func TestSubreaperReportsPID1(t *testing.T) {
	became, err := Subreaper()
	if err != nil {
		t.Fatal(err)
	}
	if want := os.Getpid() != 1; became != want {
		t.Errorf("Subreaper() = %v as pid %d, want %v", became, os.Getpid(), want)
	}
	if !became {
		return
	}
	// The kernel confirms it.
	var v int32
	if err := unix.Prctl(unix.PR_GET_CHILD_SUBREAPER, uintptr(unsafe.Pointer(&v)), 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	if v != 1 {
		t.Errorf("PR_GET_CHILD_SUBREAPER = %d, want 1", v)
	}
}

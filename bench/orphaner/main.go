// Command orphaner makes short-lived orphans for the bench harness's reaping
// case. It double-forks -n times: each child forks a grandchild and exits at
// once, so the grandchild is re-parented to the nearest subreaper, the init
// under test, which must reap it. The orphaner then waits until the init has
// no children left but the orphaner itself, and exits 0; if zombies remain
// after -timeout it prints how many and exits 2.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

func main() {
	n := flag.Int("n", 10000, "orphans to make")
	timeout := flag.Duration("timeout", 30*time.Second, "how long to wait for the init to reap them")
	flag.Parse()

	if err := run(*n, *timeout); err != nil {
		fmt.Fprintf(os.Stderr, "orphaner: %v\n", err)
		os.Exit(2)
	}
}

func run(n int, timeout time.Duration) error {
	if err := checkSubreaper(); err != nil {
		return err
	}
	r, w, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("cannot make pipe: %w", err)
	}
	// The signal mask is per thread: keep the one that forks.
	runtime.LockOSThread()
	for range n {
		pid, err := doubleFork()
		if err != nil {
			return fmt.Errorf("cannot fork: %w", err)
		}
		if err := waitChild(pid); err != nil {
			return err
		}
	}
	// Every grandchild inherited w: EOF means every one of them has exited
	// (it may still be a zombie the init has not reaped yet).
	w.Close()
	if _, err := io.Copy(io.Discard, r); err != nil {
		return fmt.Errorf("cannot read pipe: %w", err)
	}
	deadline := time.Now().Add(timeout)
	for {
		left, err := initChildren()
		if err != nil {
			return err
		}
		if left == 0 {
			fmt.Printf("orphans=%d left=0\n", n)
			return nil
		}
		if time.Now().After(deadline) {
			fmt.Printf("orphans=%d left=%d\n", n, left)
			return fmt.Errorf("%d children of the init not reaped after %v", left, timeout)
		}
		time.Sleep(time.Millisecond)
	}
}

// checkSubreaper makes one orphan that lives a while and checks that it was
// re-parented to our parent: if the init is not a subreaper, the orphans go
// elsewhere and "none left" would prove nothing.
func checkSubreaper() error {
	out, err := exec.Command("sh", "-c", "sleep 10 >/dev/null 2>&1 & echo $!").Output()
	if err != nil {
		return fmt.Errorf("cannot make a test orphan: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		return fmt.Errorf("cannot parse test orphan pid %q: %w", out, err)
	}
	// The init reaps it once killed.
	defer syscall.Kill(pid, syscall.SIGKILL)
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return fmt.Errorf("cannot read test orphan: %w", err)
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	parent := "unknown"
	if len(f) > 1 {
		parent = f[1]
	}
	if parent != strconv.Itoa(os.Getppid()) {
		return fmt.Errorf("an orphan went to pid %s, not to the init (pid %d): is it a subreaper?", parent, os.Getppid())
	}
	return nil
}

// doubleFork forks a child that forks a grandchild; both exit at once.
// It returns the child's pid. All signals are blocked around the fork so no
// Go signal handler ever runs in the copies, which are not real Go programs.
func doubleFork() (int, error) {
	all, old := ^uint64(0), uint64(0)
	if err := sigprocmask(&all, &old); err != nil {
		return 0, err
	}
	pid, errno := forkTwice()
	if err := sigprocmask(&old, nil); err != nil {
		return 0, err
	}
	if errno != 0 {
		return 0, errno
	}
	return int(pid), nil
}

// forkTwice must not grow its stack (nosplit) and may only make raw system
// calls after the fork: the child is a copy of one thread of a Go program
// whose runtime is not safe to use there.
//
//go:nosplit
func forkTwice() (uintptr, syscall.Errno) {
	pid, _, errno := syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
	if errno != 0 || pid != 0 {
		return pid, errno
	}
	gpid, _, _ := syscall.RawSyscall6(syscall.SYS_CLONE, uintptr(syscall.SIGCHLD), 0, 0, 0, 0, 0)
	if gpid == 0 {
		// The grandchild yields once so that its parent usually exits first
		// and it really is an orphan, not a zombie handed over.
		syscall.RawSyscall(syscall.SYS_SCHED_YIELD, 0, 0, 0)
	}
	syscall.RawSyscall(syscall.SYS_EXIT_GROUP, 0, 0, 0)
	return 0, 0 // not reached
}

func sigprocmask(set, old *uint64) error {
	_, _, errno := syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, sigSetmask,
		uintptr(unsafe.Pointer(set)), uintptr(unsafe.Pointer(old)), 8, 0, 0)
	if errno != 0 {
		return fmt.Errorf("cannot set signal mask: %w", errno)
	}
	return nil
}

func waitChild(pid int) error {
	for {
		var ws syscall.WaitStatus
		_, err := syscall.Wait4(pid, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("cannot wait for child %d: %w", pid, err)
		}
		return nil
	}
}

// initChildren counts the processes whose parent is our parent (the init),
// other than ourselves: the orphans it has not reaped yet.
func initChildren() (int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, fmt.Errorf("cannot list /proc: %w", err)
	}
	ppid, self := os.Getppid(), os.Getpid()
	left := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone meanwhile
		}
		// Fields after the command, which may hold spaces: state ppid ...
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 1 && f[1] == strconv.Itoa(ppid) {
			left++
		}
	}
	return left, nil
}

// sigSetmask is SIG_SETMASK of rt_sigprocmask(2), which package syscall
// does not export.
const sigSetmask = 2

package reaper

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Subreaper makes supinit a child subreaper when it is not PID 1, so the
// orphans of its programs are re-parented to it instead of to the real
// init. It reports whether it did so (false when supinit is PID 1), so the
// caller can warn once that supinit is not the container's init.
func Subreaper() (bool, error) {
	if os.Getpid() == 1 {
		return false, nil
	}
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return false, fmt.Errorf("cannot become a child subreaper: %w", err)
	}
	return true, nil
}

// ExitCode is the shell's view of a wait status: the exit code, or 128+N
// for a process killed by signal N.
func ExitCode(ws syscall.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// Describe words a wait status as supervisord logs it: "exit status 3",
// "terminated by SIGTERM", "terminated by SIGSEGV (core dumped)".
func Describe(ws syscall.WaitStatus) string {
	if !ws.Signaled() {
		return "exit status " + strconv.Itoa(ws.ExitStatus())
	}
	name := unix.SignalName(ws.Signal())
	if name == "" {
		name = "signal " + strconv.Itoa(int(ws.Signal()))
	}
	if ws.CoreDump() {
		return "terminated by " + name + " (core dumped)"
	}
	return "terminated by " + name
}

// ChildrenLeft reports whether this process still has any child, running
// or zombie, registered or not.
//
// It asks the kernel with waitid(P_ALL, WEXITED|WNOHANG|WNOWAIT): WNOWAIT
// only peeks, so it never steals a status from the wait loop, and ECHILD
// means there is no child at all. That needs no /proc (children files
// depend on CONFIG_PROC_CHILDREN) and no bookkeeping of orphans, which
// arrive unannounced. Since orphans are re-parented to us (PID 1 or
// subreaper), no child left means no descendant left.
func (r *Reaper) ChildrenLeft() bool {
	for {
		var info unix.Siginfo
		err := unix.Waitid(unix.P_ALL, 0, &info, unix.WEXITED|unix.WNOHANG|unix.WNOWAIT, nil)
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		return !errors.Is(err, syscall.ECHILD)
	}
}

// SignalDescendants sends sig to every process below this one. As PID 1
// that is kill(-1, sig), which reaches every other process of the PID
// namespace. Otherwise the descendants are found through /proc's parent
// links; a pid that ends and is reused between the scan and the kill is a
// risk only for grandchildren, since our own children stay until reaped.
// Processes already gone are not an error.
func SignalDescendants(sig syscall.Signal) error {
	if os.Getpid() == 1 {
		err := syscall.Kill(-1, sig)
		if errors.Is(err, syscall.ESRCH) {
			return nil
		}
		return err
	}
	pids, err := descendants(os.Getpid())
	if err != nil {
		return err
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("cannot signal pid %d: %w", pid, err)
		}
	}
	return nil
}

// descendants lists the pids below root, from /proc.
func descendants(root int) ([]int, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("cannot list processes: %w", err)
	}
	children := make(map[int][]int)
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		ppid, ok := parentOf(pid)
		if ok {
			children[ppid] = append(children[ppid], pid)
		}
	}
	var out []int
	todo := []int{root}
	for len(todo) > 0 {
		p := todo[0]
		todo = todo[1:]
		out = append(out, children[p]...)
		todo = append(todo, children[p]...)
	}
	return out, nil
}

// parentOf reads the parent pid from /proc/<pid>/stat. The command name
// in parentheses may hold spaces and ')' so fields are counted after the
// last ')'.
func parentOf(pid int) (int, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false // the process ended meanwhile
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:]) // state, ppid, ...
	if len(f) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(f[1])
	return ppid, err == nil
}

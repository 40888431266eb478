package program

import (
	"strconv"
	"syscall"
	"time"

	"github.com/supinit/supinit/config"
	"golang.org/x/sys/unix"
)

// BackoffDelay is the wait before retry n (n ≥ 1) of a failed start:
// supervisord waits 1 s, 2 s, 3 s, ...
func BackoffDelay(n int) time.Duration { return time.Duration(n) * time.Second }

// RestartAfterExit is supervisord's autorestart rule for a process that
// exited after reaching RUNNING with status es (-1 for a signal).
func RestartAfterExit(policy config.Autorestart, exitcodes []int, es int) bool {
	switch policy {
	case config.AutorestartTrue:
		return true
	case config.AutorestartUnexpected:
		return !containsInt(exitcodes, es)
	}
	return false
}

// DecodeWaitStatus is supervisord's decode_wait_status: the exit status
// (the code, or -1 when killed by a signal) and the words for logs, such
// as "exit status 3" or "terminated by SIGSEGV (core dumped)".
func DecodeWaitStatus(ws syscall.WaitStatus) (int, string) {
	if !ws.Signaled() {
		return ws.ExitStatus(), "exit status " + strconv.Itoa(ws.ExitStatus())
	}
	msg := "terminated by " + SignalName(ws.Signal())
	if ws.CoreDump() {
		msg += " (core dumped)"
	}
	return -1, msg
}

// ContainerCode is the shell's view of a wait status: the exit code, or
// 128+N when killed by signal N.
func ContainerCode(ws syscall.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// SignalName is supervisord's signame: "SIGTERM", or "signal N" for a
// number without a name.
func SignalName(sig syscall.Signal) string {
	if name := unix.SignalName(sig); name != "" {
		return name
	}
	return "signal " + strconv.Itoa(int(sig))
}

// formatSeconds writes a duration the way supervisord's config holds
// startsecs: "1", "0", or "1.5" for a fraction.
func formatSeconds(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

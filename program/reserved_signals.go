//go:build linux && (amd64 || arm64)

package program

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// GuardReservedSignals keeps signals 32 and 34 from killing supinit. Call
// it first thing in main.
//
// Signals 32, 33 and 34 are reserved by the C libraries for their
// threads (glibc's SIGCANCEL and SIGSETXID, musl's SIGSYNCCALL), and Go's
// runtime, which uses 33 itself, never installs a handler for 32 and 34
// nor delivers them to signal.Notify. Left at SIG_DFL, one sent to
// supinit kills it outright (a shell reports 160 or 162) when it is not
// PID 1, leaving its programs running. (The kernel never delivers a
// signal at SIG_DFL to a namespace's PID 1, SIGKILL and SIGSTOP from
// outside the namespace aside.)
//
// SIG_IGN would keep supinit alive but is inherited across exec, so
// every program would start with 32 and 34 ignored, and ForkExec has no
// way to reset them in the child. A handler is not inherited: exec puts
// a handled signal back to SIG_DFL. So supinit gives both a handler that
// does nothing (in assembly: Go code cannot run as a raw signal handler),
// and its programs start with the default as they should. (Only on amd64
// and arm64, which have the handler; elsewhere 32 and 34 still end a
// supinit that is not PID 1.)
func GuardReservedSignals() {
	for _, sig := range []int{32, 34} {
		discardIfDefault(sig)
	}
}

// kernelSigaction is struct sigaction as rt_sigaction(2) takes it on
// amd64 and arm64.
type kernelSigaction struct {
	handler  uintptr
	flags    uint64
	restorer uintptr
	mask     uint64
}

const (
	sigDfl    = 0
	saOnstack = 0x08000000 // run on the thread's signal stack, as Go's handlers do
	saRestart = 0x10000000 // restart interrupted system calls
)

// discardIfDefault gives sig the do-nothing handler when it is at
// SIG_DFL. Anything else is left alone: an ignore inherited from the
// container runtime, or the C library's handler in a cgo build.
func discardIfDefault(sig int) {
	var old kernelSigaction
	if rtSigaction(sig, nil, &old) != nil || old.handler != sigDfl {
		return
	}
	act := discardAction()
	// On failure (an emulator that rejects it, say) the signal keeps its
	// default, which is what supinit had without this.
	_ = rtSigaction(sig, &act, nil)
}

func rtSigaction(sig int, act, old *kernelSigaction) error {
	_, _, errno := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig),
		uintptr(unsafe.Pointer(act)), uintptr(unsafe.Pointer(old)), unsafe.Sizeof(old.mask), 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

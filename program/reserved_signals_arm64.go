//go:build linux

package program

// discardHandler is in reserved_signals_arm64.s.
func discardHandlerAddr() uintptr

// On arm64 the kernel returns from a handler through the vDSO's
// rt_sigreturn trampoline, as it does for Go's own handlers: no
// sa_restorer.
func discardAction() kernelSigaction {
	return kernelSigaction{handler: discardHandlerAddr(), flags: saOnstack | saRestart}
}

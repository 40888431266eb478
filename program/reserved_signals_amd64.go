//go:build linux

package program

// discardHandler and sigreturn are in reserved_signals_amd64.s.
func discardHandlerAddr() uintptr
func sigreturnAddr() uintptr

// saRestorer says sa_restorer is set: the x86-64 kernel needs the
// address of code that calls rt_sigreturn to return from a handler.
const saRestorer = 0x04000000

func discardAction() kernelSigaction {
	return kernelSigaction{
		handler:  discardHandlerAddr(),
		flags:    saOnstack | saRestart | saRestorer,
		restorer: sigreturnAddr(),
	}
}

//go:build linux

#include "textflag.h"

// discardHandler is a signal handler that returns at once (see
// reserved_signals.go). It touches no register and no memory.
TEXT discardHandler<>(SB),NOSPLIT|NOFRAME,$0-0
	RET

// sigreturn ends a handler: the kernel returns to it when discardHandler
// returns, and it restores the interrupted thread.
TEXT sigreturn<>(SB),NOSPLIT|NOFRAME,$0-0
	MOVQ	$15, AX // SYS_rt_sigreturn
	SYSCALL
	INT	$3 // not reached

// func discardHandlerAddr() uintptr
TEXT ·discardHandlerAddr(SB),NOSPLIT,$0-8
	MOVQ	$discardHandler<>(SB), AX
	MOVQ	AX, ret+0(FP)
	RET

// func sigreturnAddr() uintptr
TEXT ·sigreturnAddr(SB),NOSPLIT,$0-8
	MOVQ	$sigreturn<>(SB), AX
	MOVQ	AX, ret+0(FP)
	RET

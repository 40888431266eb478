//go:build linux

#include "textflag.h"

// discardHandler is a signal handler that returns at once (see
// reserved_signals.go). It touches no register and no memory.
TEXT discardHandler<>(SB),NOSPLIT|NOFRAME,$0-0
	RET

// func discardHandlerAddr() uintptr
TEXT ·discardHandlerAddr(SB),NOSPLIT,$0-8
	MOVD	$discardHandler<>(SB), R0
	MOVD	R0, ret+0(FP)
	RET

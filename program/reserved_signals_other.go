//go:build !(linux && (amd64 || arm64))

package program

// GuardReservedSignals does nothing here: only amd64 and arm64 have the
// do-nothing handler (see reserved_signals.go).
func GuardReservedSignals() {}

package logs

// Reader is the read side of one log (a program's stdout or stderr
// channel, or supinit's main log), as the control server uses it for
// supervisorctl's read, tail, tail -f and clear. Channel and MainLog both
// implement it. (This interface is a contract with package control: keep
// its method set stable.)
type Reader interface {
	// ReadFile has supervisord's readFile semantics: offset < 0 reads the
	// last -offset bytes (length must be 0); otherwise length bytes from
	// offset (0 = to the end).
	ReadFile(offset, length int64) ([]byte, error)
	// TailFile has supervisord's tailFile semantics and returns the data,
	// the log's current size, and whether it overflowed.
	TailFile(offset, length int64) ([]byte, int64, bool, error)
	// Follow returns recent bytes and then new ones as they arrive; the
	// func ends the subscription. A slow follower loses data, never the
	// writer's time.
	Follow() (<-chan []byte, func())
	// Clear empties the log.
	Clear() error
}

// Both read sides implement Reader.
var (
	_ Reader = (*Channel)(nil)
	_ Reader = (*MainLog)(nil)
)

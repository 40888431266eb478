package events

// ActionKind says what the loop must do for an Action.
type ActionKind int

const (
	// ActionWrite: write Data to the stdin of listener Process in Pool,
	// without blocking the loop (queue it if the pipe is full). If the
	// write fails, call Pool.OnWriteError.
	ActionWrite ActionKind = iota + 1
	// ActionLog: log Msg at Level in supinit's own log.
	ActionLog
	// ActionRestart: listener Process in Pool broke the protocol and gets
	// no more events; stop it if it still runs and start it again,
	// whatever its autorestart says (the loop backs off, and gives up on
	// one that keeps breaking it: see Pool.Results). Its queued events
	// are kept.
	ActionRestart
	// ActionPrint: write Data to supinit's stdout. A result handler that
	// relays output (supervisor_stdout's) produced it.
	ActionPrint
)

// Level is the severity of an ActionLog.
type Level int

const (
	LevelDebug Level = iota + 1
	LevelWarn
	LevelError
)

// Action is one thing the loop must do. Pool and Process name the
// listener concerned (Process is empty for pool-wide logs).
type Action struct {
	Kind    ActionKind
	Pool    string
	Process string
	Data    []byte // ActionWrite, ActionPrint
	Level   Level  // ActionLog
	Msg     string // ActionLog
}

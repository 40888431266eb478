package program

import (
	"syscall"
	"time"
)

// EventKind says what happened to a Machine.
type EventKind int

const (
	// EventStart asks for a spawn (autostart, autorestart, an RPC start).
	EventStart EventKind = iota + 1
	// EventStop is an administrative stop (supervisord's stop()).
	EventStop
	// EventGiveUp is the stop the shutdown sequence sends
	// (supervisord's stop_all): like EventStop, but BACKOFF → FATAL.
	EventGiveUp
	// EventKill asks for SIGKILL now (a second shutdown request).
	EventKill
	// EventHalt says the supervisor is shutting down: from now on the
	// machine never spawns by itself (no autorestart, no retry).
	EventHalt
	// EventSignal asks to send Signal to the process (signalProcess).
	EventSignal
	// EventSpawned reports the result of ActionSpawn: Pid runs.
	EventSpawned
	// EventSpawnFailed reports a failed ActionSpawn: Err is the spawnerr
	// text, Code the container exit code (127, 126 or 1).
	EventSpawnFailed
	// EventExited reports the reaped exit of the process: Status, and At,
	// when it was reaped.
	EventExited
	// EventKillFailed reports that an ActionKill failed with an error
	// other than ESRCH (supervisord then goes UNKNOWN).
	EventKillFailed
	// EventTimer reports that the timer of an ActionSetTimer elapsed.
	EventTimer
	// EventAbandon is the supervisor giving up on a stopped process for
	// a reason the machine cannot see (an event listener that keeps
	// breaking the protocol): FATAL, with Err as its spawn error.
	EventAbandon
)

// Event is one input of Handle. Build it with the functions below.
type Event struct {
	Kind   EventKind
	Pid    int
	Err    string
	Code   int
	Status syscall.WaitStatus
	Signal syscall.Signal
	Timer  TimerKind
	Gen    uint64
	At     time.Time
}

// Start is EventStart.
func Start() Event { return Event{Kind: EventStart} }

// Stop is EventStop.
func Stop() Event { return Event{Kind: EventStop} }

// GiveUp is EventGiveUp.
func GiveUp() Event { return Event{Kind: EventGiveUp} }

// Kill is EventKill.
func Kill() Event { return Event{Kind: EventKill} }

// Halt is EventHalt.
func Halt() Event { return Event{Kind: EventHalt} }

// Signal is EventSignal.
func Signal(sig syscall.Signal) Event { return Event{Kind: EventSignal, Signal: sig} }

// Spawned is EventSpawned.
func Spawned(pid int) Event { return Event{Kind: EventSpawned, Pid: pid} }

// SpawnFailed is EventSpawnFailed.
func SpawnFailed(msg string, code int) Event {
	return Event{Kind: EventSpawnFailed, Err: msg, Code: code}
}

// Reaped is EventExited: the process was reaped with status at time at.
// startsecs is judged by at, not by when the event is handled: an exit
// that waited in a queue past the deadline was still a failed start.
func Reaped(status syscall.WaitStatus, at time.Time) Event {
	return Event{Kind: EventExited, Status: status, At: at}
}

// KillFailed is EventKillFailed.
func KillFailed(msg string) Event { return Event{Kind: EventKillFailed, Err: msg} }

// Abandon is EventAbandon: why is what `supervisorctl status` shows.
func Abandon(why string) Event { return Event{Kind: EventAbandon, Err: why} }

// TimerFired is EventTimer for the timer armed with kind and gen.
func TimerFired(kind TimerKind, gen uint64) Event {
	return Event{Kind: EventTimer, Timer: kind, Gen: gen}
}

// TimerKind names the one timer a state may arm.
type TimerKind int

const (
	// TimerStartsecs elapses at laststart+startsecs: STARTING → RUNNING.
	TimerStartsecs TimerKind = iota + 1
	// TimerBackoff elapses when the next retry is due: BACKOFF → STARTING.
	TimerBackoff
	// TimerStopwait elapses stopwaitsecs after the stop signal: SIGKILL.
	TimerStopwait
)

func (k TimerKind) String() string {
	switch k {
	case TimerStartsecs:
		return "startsecs"
	case TimerBackoff:
		return "backoff"
	case TimerStopwait:
		return "stopwaitsecs"
	}
	return "timer?"
}

// ActionKind says what the caller of Handle must do.
type ActionKind int

const (
	// ActionSpawn: spawn the process, then report EventSpawned or
	// EventSpawnFailed.
	ActionSpawn ActionKind = iota + 1
	// ActionKill: send Signal to Pid, or to its process group when Group.
	ActionKill
	// ActionSetTimer: arrange for TimerFired(Timer, Gen) at At. Any timer
	// armed before is stale from now on and may be cancelled.
	ActionSetTimer
	// ActionLog: log Msg at Level.
	ActionLog
	// ActionStateChanged: the state went From → To. Pid is the process's
	// pid at the change (still set for the STOPPED, EXITED or BACKOFF of
	// its exit, 0 when it has none), Tries the backoff count (after the
	// increment, for BACKOFF) and, for EXITED, Expected whether the exit
	// code was in exitcodes: what a PROCESS_STATE event shows.
	ActionStateChanged
	// ActionEnded: the process has stopped on its own and nothing will
	// restart it (FATAL, or EXITED with no autorestart). Code is the
	// container exit code a critical program ends supinit with; Msg says
	// why.
	ActionEnded
)

// Action is one output of Handle.
type Action struct {
	Kind ActionKind

	Pid    int
	Signal syscall.Signal
	Group  bool

	Timer TimerKind
	At    time.Time
	Gen   uint64

	Level Level
	Msg   string

	From, To State
	Tries    int
	Expected bool

	Code int
}

// Level is the level of an ActionLog, in supervisord's names.
type Level int

const (
	LevelDebug Level = iota
	LevelInfo
	LevelWarn
	LevelError
	LevelCritical
)

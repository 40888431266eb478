package program

import "fmt"

// State is a process state, numbered as supervisord numbers them (they go
// over the wire to supervisorctl).
type State int

const (
	Stopped  State = 0
	Starting State = 10
	Running  State = 20
	Backoff  State = 30
	Stopping State = 40
	Exited   State = 100
	Fatal    State = 200
	Unknown  State = 1000
)

func (s State) String() string {
	switch s {
	case Stopped:
		return "STOPPED"
	case Starting:
		return "STARTING"
	case Running:
		return "RUNNING"
	case Backoff:
		return "BACKOFF"
	case Stopping:
		return "STOPPING"
	case Exited:
		return "EXITED"
	case Fatal:
		return "FATAL"
	}
	return "UNKNOWN"
}

// IsStopped is supervisord's STOPPED_STATES.
func (s State) IsStopped() bool {
	return s == Stopped || s == Exited || s == Fatal || s == Unknown
}

// IsRunning is supervisord's RUNNING_STATES.
func (s State) IsRunning() bool {
	return s == Running || s == Backoff || s == Starting
}

// IsSignallable is supervisord's SIGNALLABLE_STATES.
func (s State) IsSignallable() bool {
	return s == Running || s == Starting || s == Stopping
}

// Info is a snapshot of one process, shaped like supervisord's
// getProcessInfo struct. Times are Unix seconds, 0 for never.
type Info struct {
	Name          string
	Group         string
	Start         int64
	Stop          int64
	Now           int64
	State         State
	SpawnErr      string
	ExitStatus    int // 0 if none; -1 if killed by a signal (as supervisord)
	StdoutLogfile string
	StderrLogfile string
	Pid           int
	Description   string
}

// Fault codes of supervisord's XML-RPC interface. The supervisor returns
// *Fault errors; the control server puts them on the wire unchanged.
const (
	FaultUnknownMethod        = 1
	FaultIncorrectParameters  = 2
	FaultBadArguments         = 3
	FaultSignatureUnsupported = 4
	FaultShutdownState        = 6
	FaultBadName              = 10
	FaultBadSignal            = 11
	FaultNoFile               = 20
	FaultNotExecutable        = 21
	FaultFailed               = 30
	FaultAbnormalTermination  = 40
	FaultSpawnError           = 50
	FaultAlreadyStarted       = 60
	FaultNotRunning           = 70
	FaultSuccess              = 80
	FaultAlreadyAdded         = 90
	FaultStillRunning         = 91
	FaultCantReread           = 92
)

var faultNames = map[int]string{
	FaultUnknownMethod: "UNKNOWN_METHOD", FaultIncorrectParameters: "INCORRECT_PARAMETERS",
	FaultBadArguments: "BAD_ARGUMENTS", FaultSignatureUnsupported: "SIGNATURE_UNSUPPORTED",
	FaultShutdownState: "SHUTDOWN_STATE", FaultBadName: "BAD_NAME", FaultBadSignal: "BAD_SIGNAL",
	FaultNoFile: "NO_FILE", FaultNotExecutable: "NOT_EXECUTABLE", FaultFailed: "FAILED",
	FaultAbnormalTermination: "ABNORMAL_TERMINATION", FaultSpawnError: "SPAWN_ERROR",
	FaultAlreadyStarted: "ALREADY_STARTED", FaultNotRunning: "NOT_RUNNING", FaultSuccess: "SUCCESS",
	FaultAlreadyAdded: "ALREADY_ADDED", FaultStillRunning: "STILL_RUNNING", FaultCantReread: "CANT_REREAD",
}

// Fault is an error with a supervisord fault code. Its Error text is
// supervisord's faultString: "NAME" or "NAME: detail".
type Fault struct {
	Code   int
	Detail string
}

// NewFault makes a *Fault; detail may be "".
func NewFault(code int, detail string) *Fault { return &Fault{Code: code, Detail: detail} }

func (f *Fault) Error() string {
	name, ok := faultNames[f.Code]
	if !ok {
		name = fmt.Sprintf("FAULT_%d", f.Code)
	}
	if f.Detail == "" {
		return name
	}
	return name + ": " + f.Detail
}

// Result is one entry of the result arrays of supervisord's group and
// all-process calls: Status is FaultSuccess or a fault code, Description
// "OK" or the fault string.
type Result struct {
	Name        string
	Group       string
	Status      int
	Description string
}

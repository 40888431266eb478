package control

import (
	"context"
	"syscall"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/logs"
	"github.com/supinit/supinit/program"
)

// Backend is everything the XML-RPC server needs from the supervisor. The
// supervisor answers each call from its event loop (no shared mutable
// state); this package never touches supervision state directly.
//
// Errors are *program.Fault values carrying supervisord's fault codes;
// any other error is reported as FAILED. Every method returns
// FaultShutdownState while the supervisor is shutting down or restarting,
// as supervisord's _update does.
//
// Calls with wait=true block until the outcome supervisord would wait for
// (RUNNING or failed; STOPPED) or until ctx is done.
type Backend interface {
	Identification() string
	PID() int
	// State is the supervisor's state: 1 RUNNING, 0 RESTARTING,
	// -1 SHUTDOWN (2 FATAL is never reported: supinit exits instead).
	State() (code int, name string)
	Shutdown() error
	Restart() error

	// ReloadConfig rereads the config and reports the difference by
	// group name without applying it (supervisord's reloadConfig).
	ReloadConfig() (added, changed, removed []string, err error)
	AddProcessGroup(name string) error
	RemoveProcessGroup(name string) error
	// ActiveConfig is the config the running groups came from (after the
	// last reread) and which of its group names are in use.
	ActiveConfig() (*config.Config, map[string]bool)

	ProcessInfo(namespec string) (program.Info, error)
	AllProcessInfo() ([]program.Info, error)

	StartProcess(ctx context.Context, namespec string, wait bool) error
	StartProcessGroup(ctx context.Context, group string, wait bool) ([]program.Result, error)
	StartAllProcesses(ctx context.Context, wait bool) ([]program.Result, error)
	StopProcess(ctx context.Context, namespec string, wait bool) error
	StopProcessGroup(ctx context.Context, group string, wait bool) ([]program.Result, error)
	StopAllProcesses(ctx context.Context, wait bool) ([]program.Result, error)
	SignalProcess(namespec string, sig syscall.Signal) error
	SignalProcessGroup(group string, sig syscall.Signal) ([]program.Result, error)
	SignalAllProcesses(sig syscall.Signal) ([]program.Result, error)
	// SendProcessStdin writes to a process's stdin; it gives up (FAILED)
	// when the program does not read, after a bounded wait or when ctx
	// ends, and leaves nothing running behind it.
	SendProcessStdin(ctx context.Context, namespec string, data []byte) error
	SendRemoteCommEvent(typ, data string) error

	// ProcessLog is one output channel ("stdout" or "stderr") of a
	// process, for read/tail/clear and /logtail.
	ProcessLog(namespec, channel string) (logs.Reader, error)
	// MainLog is supinit's own log, for readLog/clearLog and /mainlogtail.
	MainLog() logs.Reader
}

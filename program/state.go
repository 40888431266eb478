package program

import (
	"fmt"
	"syscall"
	"time"

	"github.com/supinit/supinit/config"
)

// Machine is supervisord's process state machine for one process, as
// pure transitions: Handle takes an event and the time, changes the
// machine and returns the actions the caller must carry out (spawn,
// signal, arm a timer, log). It does no I/O and reads no clock, so a test
// drives it with a fake one.
//
// It is not safe for concurrent use: one goroutine (the supervisor's event
// loop) owns every Machine.
type Machine struct {
	prog *config.Program

	state State
	// gen counts state changes. A timer carries the gen it was armed in,
	// so a timer that fires after the state moved on is recognised as
	// stale and ignored.
	gen uint64

	pid       int
	laststart time.Time // zero: never started
	laststop  time.Time
	backoff   int  // failed starts in a row (supervisord's backoff)
	killing   bool // a stop signal was sent; the next exit is STOPPED
	halted    bool // the supervisor is shutting down: no automatic spawns
	spawnErr  string
	// exitStatus is supervisord's exitstatus: the exit code, -1 when
	// killed by a signal; hasExit false is Python's None.
	exitStatus int
	hasExit    bool
	// lastCode is the container exit code of the last failed attempt,
	// for a critical program that ends FATAL.
	lastCode int
}

// NewMachine returns the machine of one process in STOPPED, never
// started.
func NewMachine(prog *config.Program) *Machine {
	return &Machine{prog: prog, state: Stopped}
}

// Program is the config the machine runs.
func (m *Machine) Program() *config.Program { return m.prog }

// State is the current state.
func (m *Machine) State() State { return m.state }

// Pid is the running process's pid, 0 when there is none.
func (m *Machine) Pid() int { return m.pid }

// Gen is the current timer generation (see TimerFired).
func (m *Machine) Gen() uint64 { return m.gen }

// EverStarted reports whether the process was ever spawned; supervisord
// autostarts only a process that never was.
func (m *Machine) EverStarted() bool { return !m.laststart.IsZero() }

// SpawnErr is the last spawn error text ("" for none).
func (m *Machine) SpawnErr() string { return m.spawnErr }

// Handle applies ev at time now and returns what the caller must do, in
// order. Events that make no sense in the current state (a stale timer,
// an exit when nothing runs, a stop of a stopped process) return nil.
func (m *Machine) Handle(ev Event, now time.Time) []Action {
	var out []Action
	switch ev.Kind {
	case EventStart:
		out = m.start(now)
	case EventStop:
		out = m.stop(now)
	case EventGiveUp:
		out = m.stopAll(now)
	case EventKill:
		out = m.forceKill(now)
	case EventHalt:
		m.halted = true
	case EventSignal:
		if m.pid != 0 && m.state.IsSignallable() {
			out = []Action{killAction(m.pid, ev.Signal, false)}
		}
	case EventSpawned:
		out = m.spawned(ev.Pid, now)
	case EventSpawnFailed:
		out = m.spawnFailed(ev.Err, ev.Code, now)
	case EventExited:
		out = m.exited(ev.Status, ev.At, now)
	case EventKillFailed:
		out = m.killFailed(ev.Err)
	case EventTimer:
		out = m.timer(ev.Timer, ev.Gen, now)
	case EventAbandon:
		out = m.abandon(ev.Err)
	}
	return out
}

// setState changes the state and starts a new timer generation.
func (m *Machine) setState(to State) Action {
	from := m.state
	m.state = to
	m.gen++
	return Action{Kind: ActionStateChanged, From: from, To: to, Pid: m.pid, Tries: m.backoff}
}

func (m *Machine) logf(level Level, format string, args ...any) Action {
	return Action{Kind: ActionLog, Level: level, Msg: fmt.Sprintf(format, args...)}
}

func (m *Machine) setTimer(kind TimerKind, at time.Time) Action {
	return Action{Kind: ActionSetTimer, Timer: kind, At: at, Gen: m.gen}
}

// start is supervisord's spawn(): allowed from STOPPED, EXITED, FATAL and
// BACKOFF. The caller spawns and reports Spawned or SpawnFailed.
func (m *Machine) start(now time.Time) []Action {
	switch m.state {
	case Stopped, Exited, Fatal, Backoff:
	default:
		return nil
	}
	m.laststart = now
	m.killing = false
	m.spawnErr = ""
	m.hasExit = false
	m.exitStatus = 0
	return []Action{m.setState(Starting), {Kind: ActionSpawn}}
}

func (m *Machine) spawned(pid int, now time.Time) []Action {
	if m.state != Starting || m.pid != 0 {
		return nil
	}
	m.pid = pid
	out := []Action{m.logf(LevelInfo, "spawned: '%s' with pid %d", m.prog.Name, pid)}
	if m.prog.Startsecs <= 0 {
		// supervisord would show STARTING until its next loop pass; with
		// startsecs=0 the process has already "stayed up" long enough.
		return append(out, m.enterRunning()...)
	}
	return append(out, m.setTimer(TimerStartsecs, m.laststart.Add(m.prog.Startsecs)))
}

func (m *Machine) enterRunning() []Action {
	m.backoff = 0
	return []Action{
		m.setState(Running),
		m.logf(LevelInfo, "success: %s entered RUNNING state, process has stayed up for > than %s seconds (startsecs)",
			m.prog.Name, formatSeconds(m.prog.Startsecs)),
	}
}

func (m *Machine) spawnFailed(msg string, code int, now time.Time) []Action {
	if m.state != Starting || m.pid != 0 {
		return nil
	}
	m.spawnErr = msg
	m.lastCode = code
	out := []Action{m.logf(LevelInfo, "spawnerr: %s", msg)}
	return append(out, m.enterBackoff(now)...)
}

// enterBackoff counts a failed start and either arms the retry timer or,
// with the retries used up, gives up (BACKOFF → FATAL at once, where
// supervisord does it on its next loop pass).
func (m *Machine) enterBackoff(now time.Time) []Action {
	m.backoff++
	out := []Action{m.setState(Backoff)}
	if m.backoff > m.prog.Startretries {
		return append(out, m.giveUp()...)
	}
	return append(out, m.setTimer(TimerBackoff, now.Add(BackoffDelay(m.backoff))))
}

// giveUp is BACKOFF → FATAL after too many retries.
func (m *Machine) giveUp() []Action {
	m.backoff = 0
	code := m.lastCode
	if code == 0 {
		code = 1 // FATAL is a failure even if the last attempt exited 0
	}
	return []Action{
		m.setState(Fatal),
		m.logf(LevelInfo, "gave up: %s entered FATAL state, too many start retries too quickly", m.prog.Name),
		{Kind: ActionEnded, Code: code, Msg: fmt.Sprintf("%s entered FATAL state (%s)", m.prog.Name, m.spawnErr)},
	}
}

// abandon is FATAL for a process that is not running and that the
// supervisor will not start again by itself; a start by hand is allowed,
// as from any FATAL.
func (m *Machine) abandon(why string) []Action {
	switch m.state {
	case Stopped, Exited, Backoff:
	default:
		return nil
	}
	m.backoff = 0
	m.spawnErr = why
	return []Action{
		m.setState(Fatal),
		{Kind: ActionEnded, Code: 1, Msg: fmt.Sprintf("%s entered FATAL state (%s)", m.prog.Name, why)},
	}
}

// exited handles the exit of the process, reaped at time at and handled
// now (later, when it waited in a queue).
func (m *Machine) exited(ws syscall.WaitStatus, at, now time.Time) []Action {
	if m.pid == 0 {
		return nil
	}
	es, how := DecodeWaitStatus(ws)
	// The pid is cleared when the exit has been handled: the state
	// changes it causes still report it, as supervisord's finish does.
	defer func() { m.pid = 0 }()
	m.laststop = at
	expected := containsInt(m.prog.Exitcodes, es)
	switch {
	case m.killing:
		m.killing = false
		m.hasExit, m.exitStatus = true, es
		level := LevelWarn
		if expected {
			level = LevelInfo
		}
		return []Action{m.setState(Stopped), m.logf(level, "stopped: %s (%s)", m.prog.Name, how)}
	case m.state == Starting && at.Sub(m.laststart) < m.prog.Startsecs:
		// It did not stay up for startsecs: a failed start, even with an
		// expected exit code.
		m.hasExit = false
		m.spawnErr = "Exited too quickly (process log may have details)"
		m.lastCode = ContainerCode(ws)
		out := []Action{m.logf(LevelWarn, "exited: %s (%s; not expected)", m.prog.Name, how)}
		return append(out, m.enterBackoff(now)...)
	}
	var out []Action
	if m.state == Starting {
		// It stayed up startsecs but the exit beat the timer's event.
		out = append(out, m.enterRunning()...)
	}
	m.backoff = 0
	m.hasExit, m.exitStatus = true, es
	if expected {
		out = append(out, m.logf(LevelInfo, "exited: %s (%s; expected)", m.prog.Name, how))
	} else {
		m.spawnErr = fmt.Sprintf("Bad exit code %d", es)
		out = append(out, m.logf(LevelWarn, "exited: %s (%s; not expected)", m.prog.Name, how))
	}
	wasUnknown := m.state == Unknown
	exitedAct := m.setState(Exited)
	exitedAct.Expected = expected
	out = append(out, exitedAct)
	if wasUnknown || !RestartAfterExit(m.prog.Autorestart, m.prog.Exitcodes, es) {
		return append(out, Action{Kind: ActionEnded, Code: ContainerCode(ws),
			Msg: fmt.Sprintf("%s exited (%s) and will not be restarted", m.prog.Name, how)})
	}
	if m.halted {
		return out
	}
	// EXITED → STARTING has no delay and no backoff in supervisord; the
	// new start has no pid yet.
	m.pid = 0
	return append(out, m.start(now)...)
}

// stop is supervisord's stop(): an administrative stop.
func (m *Machine) stop(now time.Time) []Action {
	switch m.state {
	case Backoff:
		// The retries could take long; a stop ends them at once. The
		// backoff count is kept, as supervisord keeps it.
		return []Action{m.logf(LevelDebug, "Attempted to kill %s, which is in BACKOFF state.", m.prog.Name), m.setState(Stopped)}
	case Running, Starting:
		return m.sendStop(now)
	}
	return nil
}

// stopAll is supervisord's ProcessGroup.stop_all() used at shutdown:
// like stop, except that BACKOFF gives up (→ FATAL).
func (m *Machine) stopAll(now time.Time) []Action {
	if m.state == Backoff {
		m.backoff = 0
		return []Action{m.setState(Fatal)}
	}
	return m.stop(now)
}

func (m *Machine) sendStop(now time.Time) []Action {
	m.killing = true
	out := []Action{m.setState(Stopping)}
	as := ""
	if m.prog.Stopasgroup {
		as = "process group "
	}
	out = append(out,
		m.logf(LevelDebug, "killing %s (pid %d) %swith signal %s", m.prog.Name, m.pid, as, SignalName(m.prog.Stopsignal)),
		killAction(m.pid, m.prog.Stopsignal, m.prog.Stopasgroup),
		m.setTimer(TimerStopwait, now.Add(m.prog.Stopwaitsecs)))
	return out
}

// forceKill sends SIGKILL now (a second shutdown request).
func (m *Machine) forceKill(now time.Time) []Action {
	switch m.state {
	case Backoff:
		return m.stopAll(now)
	case Running, Starting, Stopping, Unknown:
		if m.pid == 0 {
			return nil
		}
		var out []Action
		if m.state != Stopping {
			m.killing = true
			out = append(out, m.setState(Stopping))
		}
		return append(out,
			m.logf(LevelWarn, "killing '%s' (%d) with SIGKILL", m.prog.Name, m.pid),
			killAction(m.pid, syscall.SIGKILL, m.prog.Killasgroup))
	}
	return nil
}

func (m *Machine) killFailed(msg string) []Action {
	if m.pid == 0 {
		return nil
	}
	m.killing = false
	return []Action{
		m.logf(LevelCritical, "unable to signal %s (pid %d), exiting: %s", m.prog.Name, m.pid, msg),
		m.setState(Unknown),
	}
}

// timer handles a timer armed in generation gen. Only the timer of the
// current generation and state counts: any other elapsed in a state that
// has since been left.
func (m *Machine) timer(kind TimerKind, gen uint64, now time.Time) []Action {
	if gen != m.gen {
		return nil
	}
	switch {
	case kind == TimerStartsecs && m.state == Starting:
		// The timer fires at laststart+startsecs or later. supervisord
		// wants now-laststart > startsecs; at exact equality we count the
		// process as up, which matches its finish(): an exit at exactly
		// startsecs is not "too quickly" either.
		return m.enterRunning()
	case kind == TimerBackoff && m.state == Backoff:
		if m.halted {
			return nil // no spawns during shutdown; stopAll gives up later
		}
		return m.start(now)
	case kind == TimerStopwait && m.state == Stopping && m.pid != 0:
		// One SIGKILL; a process that survives it stays STOPPING, as in
		// supervisord (which repeats the kill every stopwaitsecs).
		return []Action{
			m.logf(LevelWarn, "killing '%s' (%d) with SIGKILL", m.prog.Name, m.pid),
			killAction(m.pid, syscall.SIGKILL, m.prog.Killasgroup),
		}
	}
	return nil
}

func killAction(pid int, sig syscall.Signal, group bool) Action {
	return Action{Kind: ActionKill, Pid: pid, Signal: sig, Group: group}
}

func containsInt(list []int, v int) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

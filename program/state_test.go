package program

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/supinit/supinit/config"
)

var t0 = time.Date(2024, 11, 25, 3, 59, 0, 0, time.UTC)

func testProgram(edit func(p *config.Program)) *config.Program {
	p := &config.Program{
		Name: "x", Group: "x", Autostart: true,
		Autorestart: config.AutorestartUnexpected, Startsecs: time.Second, Startretries: 3,
		Exitcodes: []int{0}, Stopsignal: syscall.SIGTERM, Stopwaitsecs: 10 * time.Second,
	}
	if edit != nil {
		edit(p)
	}
	return p
}

func exitCode(n int) syscall.WaitStatus            { return syscall.WaitStatus(n << 8) }
func killedBy(s syscall.Signal) syscall.WaitStatus { return syscall.WaitStatus(s) }

// fire and fireStale are placeholders the runner turns into TimerFired
// with the gen of the latest, or of the first, timer of that kind.
func fire(k TimerKind) Event      { return Event{Kind: EventTimer, Timer: k} }
func fireStale(k TimerKind) Event { return Event{Kind: EventTimer, Timer: k, Gen: ^uint64(0)} }

// reaped is Reaped with no reap time: handle gives it the time it is
// handled at, an exit handled as soon as it was reaped.
func reaped(ws syscall.WaitStatus) Event { return Reaped(ws, time.Time{}) }

// handle is m.Handle at now, with the reap time of a reaped placeholder
// filled in.
func handle(m *Machine, ev Event, now time.Time) []Action {
	if ev.Kind == EventExited && ev.At.IsZero() {
		ev.At = now
	}
	return m.Handle(ev, now)
}

type step struct {
	at   time.Duration // since t0
	ev   Event
	want string // summary of the actions, see summarize
}

// summarize writes actions compactly: state changes as FROM>TO, "spawn",
// "kill TERM" (or "kill -TERM" for the group), "timer KIND @OFFSET",
// "ended CODE". Log actions are left out: tests check behaviour.
func summarize(acts []Action) string {
	var parts []string
	for _, a := range acts {
		switch a.Kind {
		case ActionStateChanged:
			parts = append(parts, a.From.String()+">"+a.To.String())
		case ActionSpawn:
			parts = append(parts, "spawn")
		case ActionKill:
			g := ""
			if a.Group {
				g = "-"
			}
			parts = append(parts, fmt.Sprintf("kill %s%s", g, strings.TrimPrefix(SignalName(a.Signal), "SIG")))
		case ActionSetTimer:
			parts = append(parts, fmt.Sprintf("timer %s @%s", a.Timer, a.At.Sub(t0)))
		case ActionEnded:
			parts = append(parts, fmt.Sprintf("ended %d", a.Code))
		}
	}
	return strings.Join(parts, "; ")
}

// run plays steps on a machine and checks each step's actions.
func run(t *testing.T, m *Machine, steps []step) {
	t.Helper()
	first := map[TimerKind]uint64{}
	latest := map[TimerKind]uint64{}
	for i, s := range steps {
		ev := s.ev
		if ev.Kind == EventTimer {
			switch ev.Gen {
			case 0:
				ev.Gen = latest[ev.Timer]
			case ^uint64(0):
				ev.Gen = first[ev.Timer]
			}
		}
		acts := handle(m, ev, t0.Add(s.at))
		for _, a := range acts {
			if a.Kind == ActionSetTimer {
				if _, ok := first[a.Timer]; !ok {
					first[a.Timer] = a.Gen
				}
				latest[a.Timer] = a.Gen
			}
		}
		if got := summarize(acts); got != s.want {
			t.Fatalf("step %d (event %d at %v): actions\n got: %q\nwant: %q", i, s.ev.Kind, s.at, got, s.want)
		}
	}
}

const sec = time.Second

func TestMachineTransitions(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(p *config.Program)
		steps     []step
		wantState State
	}{
		{"start reaches RUNNING at laststart+startsecs", nil, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{sec, fire(TimerStartsecs), "STARTING>RUNNING"},
		}, Running},
		{"startsecs=0 is RUNNING at spawn", func(p *config.Program) { p.Startsecs = 0 }, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "STARTING>RUNNING"},
		}, Running},
		{"exit before startsecs is BACKOFF even with an expected code", nil, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{999 * time.Millisecond, reaped(exitCode(0)), "STARTING>BACKOFF; timer backoff @1.999s"},
			{sec, fireStale(TimerStartsecs), ""},
		}, Backoff},
		{"an exit reaped before startsecs but handled after it is BACKOFF", nil, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{1500 * time.Millisecond, Reaped(exitCode(0), t0.Add(999*time.Millisecond)), "STARTING>BACKOFF; timer backoff @2.5s"},
		}, Backoff},
		{"an exit reaped after startsecs but before its timer's event is RUNNING, then EXITED", nil, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{1500 * time.Millisecond, Reaped(exitCode(0), t0.Add(1200*time.Millisecond)), "STARTING>RUNNING; RUNNING>EXITED; ended 0"},
		}, Exited},
		{"exit at exactly startsecs is not too quickly", nil, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{sec, reaped(exitCode(0)), "STARTING>RUNNING; RUNNING>EXITED; ended 0"},
		}, Exited},
		{"backoff delays 1s 2s 3s then FATAL after startretries+1 attempts", nil, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{0, reaped(exitCode(3)), "STARTING>BACKOFF; timer backoff @1s"},
			{sec, fire(TimerBackoff), "BACKOFF>STARTING; spawn"},
			{sec, Spawned(11), "timer startsecs @2s"},
			{sec, reaped(exitCode(3)), "STARTING>BACKOFF; timer backoff @3s"},
			{3 * sec, fire(TimerBackoff), "BACKOFF>STARTING; spawn"},
			{3 * sec, Spawned(12), "timer startsecs @4s"},
			{3 * sec, reaped(exitCode(3)), "STARTING>BACKOFF; timer backoff @6s"},
			{6 * sec, fire(TimerBackoff), "BACKOFF>STARTING; spawn"},
			{6 * sec, Spawned(13), "timer startsecs @7s"},
			{6 * sec, reaped(exitCode(3)), "STARTING>BACKOFF; BACKOFF>FATAL; ended 3"},
		}, Fatal},
		{"abandon a stopped process: FATAL, started again by hand", nil, []step{
			{0, Abandon("too broken"), "STOPPED>FATAL; ended 1"},
			{0, Abandon("again"), ""},
			{sec, Start(), "FATAL>STARTING; spawn"},
			{sec, Abandon("not while it runs"), ""},
		}, Starting},
		{"startretries=0 is one attempt", func(p *config.Program) { p.Startretries = 0 }, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{0, reaped(killedBy(syscall.SIGSEGV)), "STARTING>BACKOFF; BACKOFF>FATAL; ended 139"},
		}, Fatal},
		{"FATAL after an exit 0 ends with code 1", func(p *config.Program) { p.Startretries = 0 }, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{0, reaped(exitCode(0)), "STARTING>BACKOFF; BACKOFF>FATAL; ended 1"},
		}, Fatal},
		{"spawn errors back off and end with the spawn code", func(p *config.Program) { p.Startretries = 1 }, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, SpawnFailed("can't find command 'nope'", 127), "STARTING>BACKOFF; timer backoff @1s"},
			{sec, fire(TimerBackoff), "BACKOFF>STARTING; spawn"},
			{sec, SpawnFailed("can't find command 'nope'", 127), "STARTING>BACKOFF; BACKOFF>FATAL; ended 127"},
		}, Fatal},
		{"a success resets the backoff count", func(p *config.Program) { p.Startretries = 1 }, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, SpawnFailed("boom", 1), "STARTING>BACKOFF; timer backoff @1s"},
			{sec, fire(TimerBackoff), "BACKOFF>STARTING; spawn"},
			{sec, Spawned(10), "timer startsecs @2s"},
			{2 * sec, fire(TimerStartsecs), "STARTING>RUNNING"},
			{5 * sec, reaped(exitCode(2)), "RUNNING>EXITED; EXITED>STARTING; spawn"},
			{5 * sec, SpawnFailed("boom", 1), "STARTING>BACKOFF; timer backoff @6s"},
		}, Backoff},
		{"autorestart=unexpected restarts a bad code at once", nil, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{sec, fire(TimerStartsecs), "STARTING>RUNNING"},
			{5 * sec, reaped(exitCode(1)), "RUNNING>EXITED; EXITED>STARTING; spawn"},
		}, Starting},
		{"autorestart=unexpected restarts a signal death (status -1)", nil, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{sec, fire(TimerStartsecs), "STARTING>RUNNING"},
			{5 * sec, reaped(killedBy(syscall.SIGKILL)), "RUNNING>EXITED; EXITED>STARTING; spawn"},
		}, Starting},
		{"autorestart=unexpected keeps an expected exit", func(p *config.Program) { p.Exitcodes = []int{0, 2} }, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{sec, fire(TimerStartsecs), "STARTING>RUNNING"},
			{5 * sec, reaped(exitCode(2)), "RUNNING>EXITED; ended 2"},
		}, Exited},
		{"autorestart=true restarts an expected exit", func(p *config.Program) { p.Autorestart = config.AutorestartTrue }, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{sec, fire(TimerStartsecs), "STARTING>RUNNING"},
			{5 * sec, reaped(exitCode(0)), "RUNNING>EXITED; EXITED>STARTING; spawn"},
		}, Starting},
		{"autorestart=false stays EXITED on a bad code", func(p *config.Program) { p.Autorestart = config.AutorestartFalse }, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{sec, fire(TimerStartsecs), "STARTING>RUNNING"},
			{5 * sec, reaped(killedBy(syscall.SIGTERM)), "RUNNING>EXITED; ended 143"},
		}, Exited},
		{"stop sends stopsignal then SIGKILL after stopwaitsecs", nil, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{sec, fire(TimerStartsecs), "STARTING>RUNNING"},
			{2 * sec, Stop(), "RUNNING>STOPPING; kill TERM; timer stopwaitsecs @12s"},
			{2 * sec, Stop(), ""},
			{12 * sec, fire(TimerStopwait), "kill KILL"},
			{12 * sec, reaped(killedBy(syscall.SIGKILL)), "STOPPING>STOPPED"},
			{13 * sec, fireStale(TimerStopwait), ""},
		}, Stopped},
		{"stopasgroup and killasgroup signal the group", func(p *config.Program) {
			p.Stopasgroup, p.Killasgroup, p.Stopsignal = true, true, syscall.SIGINT
		}, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{0, Stop(), "STARTING>STOPPING; kill -INT; timer stopwaitsecs @10s"},
			{10 * sec, fire(TimerStopwait), "kill -KILL"},
			{10 * sec, reaped(killedBy(syscall.SIGKILL)), "STOPPING>STOPPED"},
		}, Stopped},
		{"a stopped process is not restarted and a late startsecs timer is stale", nil, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{0, Stop(), "STARTING>STOPPING; kill TERM; timer stopwaitsecs @10s"},
			{sec, fire(TimerStartsecs), ""},
			{sec, reaped(exitCode(1)), "STOPPING>STOPPED"},
		}, Stopped},
		{"stop from BACKOFF is STOPPED without a signal", nil, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, SpawnFailed("boom", 1), "STARTING>BACKOFF; timer backoff @1s"},
			{0, Stop(), "BACKOFF>STOPPED"},
			{sec, fireStale(TimerBackoff), ""},
		}, Stopped},
		{"stop keeps the backoff count (supervisord quirk)", func(p *config.Program) { p.Startretries = 1 }, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, SpawnFailed("boom", 1), "STARTING>BACKOFF; timer backoff @1s"},
			{0, Stop(), "BACKOFF>STOPPED"},
			{5 * sec, Start(), "STOPPED>STARTING; spawn"},
			{5 * sec, SpawnFailed("boom", 1), "STARTING>BACKOFF; BACKOFF>FATAL; ended 1"},
		}, Fatal},
		{"give-up at shutdown: BACKOFF goes FATAL", nil, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, SpawnFailed("boom", 1), "STARTING>BACKOFF; timer backoff @1s"},
			{0, Halt(), ""},
			{sec, fire(TimerBackoff), ""},
			{2 * sec, GiveUp(), "BACKOFF>FATAL"},
		}, Fatal},
		{"give-up at shutdown stops a RUNNING process", nil, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{sec, fire(TimerStartsecs), "STARTING>RUNNING"},
			{sec, GiveUp(), "RUNNING>STOPPING; kill TERM; timer stopwaitsecs @11s"},
		}, Stopping},
		{"halted: no autorestart after an exit", func(p *config.Program) { p.Autorestart = config.AutorestartTrue }, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{sec, fire(TimerStartsecs), "STARTING>RUNNING"},
			{sec, Halt(), ""},
			{2 * sec, reaped(exitCode(1)), "RUNNING>EXITED"},
		}, Exited},
		{"kill while stopping sends SIGKILL now", nil, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{0, Stop(), "STARTING>STOPPING; kill TERM; timer stopwaitsecs @10s"},
			{sec, Kill(), "kill KILL"},
			{sec, reaped(killedBy(syscall.SIGKILL)), "STOPPING>STOPPED"},
		}, Stopped},
		{"kill of a running process goes STOPPING with SIGKILL", func(p *config.Program) { p.Killasgroup = true }, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{0, Kill(), "STARTING>STOPPING; kill -KILL"},
			{0, reaped(killedBy(syscall.SIGKILL)), "STOPPING>STOPPED"},
		}, Stopped},
		{"a failed kill is UNKNOWN; its exit is EXITED and final", nil, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{0, Stop(), "STARTING>STOPPING; kill TERM; timer stopwaitsecs @10s"},
			{0, KillFailed("operation not permitted"), "STOPPING>UNKNOWN"},
			{10 * sec, fire(TimerStopwait), ""},
			{20 * sec, reaped(exitCode(0)), "UNKNOWN>EXITED; ended 0"},
		}, Exited},
		{"signal goes to the pid only in signallable states", nil, []step{
			{0, Signal(syscall.SIGHUP), ""},
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Spawned(10), "timer startsecs @1s"},
			{0, Signal(syscall.SIGHUP), "kill HUP"},
		}, Starting},
		{"start is refused while running or stopping", nil, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, Start(), ""},
			{0, Spawned(10), "timer startsecs @1s"},
			{sec, fire(TimerStartsecs), "STARTING>RUNNING"},
			{sec, Start(), ""},
			{sec, Stop(), "RUNNING>STOPPING; kill TERM; timer stopwaitsecs @11s"},
			{sec, Start(), ""},
		}, Stopping},
		{"start from FATAL and EXITED is allowed", func(p *config.Program) { p.Startretries = 0; p.Autorestart = config.AutorestartFalse }, []step{
			{0, Start(), "STOPPED>STARTING; spawn"},
			{0, SpawnFailed("boom", 1), "STARTING>BACKOFF; BACKOFF>FATAL; ended 1"},
			{sec, Start(), "FATAL>STARTING; spawn"},
			{sec, Spawned(10), "timer startsecs @2s"},
			{2 * sec, fire(TimerStartsecs), "STARTING>RUNNING"},
			{3 * sec, reaped(exitCode(0)), "RUNNING>EXITED; ended 0"},
			{4 * sec, Start(), "EXITED>STARTING; spawn"},
		}, Starting},
		{"an exit with no process running is ignored", nil, []step{
			{0, reaped(exitCode(0)), ""},
			{0, Spawned(3), ""},
			{0, Stop(), ""},
		}, Stopped},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMachine(testProgram(tc.edit))
			run(t, m, tc.steps)
			if m.State() != tc.wantState {
				t.Fatalf("final state %v, want %v", m.State(), tc.wantState)
			}
		})
	}
}

func TestMachineLogTexts(t *testing.T) {
	m := NewMachine(testProgram(func(p *config.Program) { p.Name = "web"; p.Startretries = 0 }))
	var logs []string
	do := func(ev Event, at time.Duration) {
		for _, a := range handle(m, ev, t0.Add(at)) {
			if a.Kind == ActionLog {
				logs = append(logs, a.Msg)
			}
		}
	}
	do(Start(), 0)
	do(Spawned(42), 0)
	do(TimerFired(TimerStartsecs, m.Gen()), sec)
	do(reaped(exitCode(1)), 2*sec)
	do(Spawned(43), 2*sec)
	do(Stop(), 3*sec)
	do(reaped(killedBy(syscall.SIGTERM)), 3*sec)
	do(Start(), 4*sec)
	do(SpawnFailed("can't find command 'web'", 127), 4*sec)
	want := []string{
		"spawned: 'web' with pid 42",
		"success: web entered RUNNING state, process has stayed up for > than 1 seconds (startsecs)",
		"exited: web (exit status 1; not expected)",
		"spawned: 'web' with pid 43",
		"killing web (pid 43) with signal SIGTERM",
		"stopped: web (terminated by SIGTERM)",
		"spawnerr: can't find command 'web'",
		"gave up: web entered FATAL state, too many start retries too quickly",
	}
	if strings.Join(logs, "\n") != strings.Join(want, "\n") {
		t.Fatalf("logs:\n%s\nwant:\n%s", strings.Join(logs, "\n"), strings.Join(want, "\n"))
	}
}

func TestMachineInfo(t *testing.T) {
	m := NewMachine(testProgram(func(p *config.Program) { p.Startretries = 0 }))
	if got := m.Info(t0).Description; got != "Not started" {
		t.Fatalf("description before start = %q", got)
	}
	m.Handle(Start(), t0)
	m.Handle(Spawned(7), t0)
	m.Handle(Reaped(exitCode(0), t0), t0)
	info := m.Info(t0.Add(sec))
	if info.State != Fatal || info.SpawnErr != "Exited too quickly (process log may have details)" ||
		info.Description != info.SpawnErr || info.ExitStatus != 0 || info.Pid != 0 {
		t.Fatalf("info after a too-quick exit = %+v", info)
	}
	m.Handle(Start(), t0.Add(10*sec))
	m.Handle(Spawned(8), t0.Add(10*sec))
	m.Handle(TimerFired(TimerStartsecs, m.Gen()), t0.Add(11*sec))
	info = m.Info(t0.Add(3723 * sec))
	if info.Description != "pid 8, uptime 1:01:53" || info.Start != t0.Add(10*sec).Unix() {
		t.Fatalf("running info = %+v", info)
	}
	// Reaped a second before it is handled: the stop time is the reap's.
	m.Handle(Reaped(killedBy(syscall.SIGKILL), t0.Add(3999*sec)), t0.Add(4000*sec))
	info = m.Info(t0.Add(4001 * sec))
	if info.State != Starting || info.ExitStatus != 0 || info.Stop != t0.Add(3999*sec).Unix() {
		t.Fatalf("restarted info = %+v", info)
	}
}

func TestDescribe(t *testing.T) {
	loc := time.FixedZone("X", 0)
	stop := time.Date(2024, 11, 25, 3, 59, 30, 0, loc).Unix()
	tests := []struct {
		info Info
		want string
	}{
		{Info{State: Running, Pid: 5, Start: 100, Now: 105}, "pid 5, uptime 0:00:05"},
		{Info{State: Running, Pid: 5, Start: 100, Now: 100 + 93784}, "pid 5, uptime 1 day, 2:03:04"},
		{Info{State: Running, Pid: 5, Start: 100, Now: 100 + 2*86400}, "pid 5, uptime 2 days, 0:00:00"},
		{Info{State: Running, Pid: 5, Start: 100, Now: 50}, "pid 5, uptime 0:00:00"},
		{Info{State: Backoff, Name: "web", SpawnErr: "Exited too quickly (process log may have details)"}, "Exited too quickly (process log may have details)"},
		{Info{State: Fatal, Name: "web"}, `unknown error (try "tail web")`},
		{Info{State: Stopped}, "Not started"},
		{Info{State: Exited, Start: 1, Stop: stop}, "Nov 25 03:59 AM"},
		{Info{State: Stopped, Start: 1, Stop: stop + 12*3600}, "Nov 25 03:59 PM"},
		{Info{State: Starting}, ""},
		{Info{State: Stopping}, ""},
		{Info{State: Unknown}, ""},
	}
	for _, tc := range tests {
		if got := Describe(tc.info, loc); got != tc.want {
			t.Errorf("Describe(%+v) = %q, want %q", tc.info, got, tc.want)
		}
	}
}

func TestRules(t *testing.T) {
	for n, want := range map[int]time.Duration{1: sec, 2: 2 * sec, 3: 3 * sec} {
		if got := BackoffDelay(n); got != want {
			t.Errorf("BackoffDelay(%d) = %v", n, got)
		}
	}
	restart := []struct {
		policy config.Autorestart
		es     int
		want   bool
	}{
		{config.AutorestartTrue, 0, true},
		{config.AutorestartFalse, 1, false},
		{config.AutorestartUnexpected, 0, false},
		{config.AutorestartUnexpected, 1, true},
		{config.AutorestartUnexpected, -1, true},
	}
	for _, tc := range restart {
		if got := RestartAfterExit(tc.policy, []int{0}, tc.es); got != tc.want {
			t.Errorf("RestartAfterExit(%s, [0], %d) = %v", tc.policy, tc.es, got)
		}
	}
	codes := []struct {
		ws       syscall.WaitStatus
		es, code int
		msg      string
	}{
		{exitCode(0), 0, 0, "exit status 0"},
		{exitCode(3), 3, 3, "exit status 3"},
		{killedBy(syscall.SIGTERM), -1, 143, "terminated by SIGTERM"},
		{killedBy(syscall.SIGSEGV) | 0x80, -1, 139, "terminated by SIGSEGV (core dumped)"},
	}
	for _, tc := range codes {
		es, msg := DecodeWaitStatus(tc.ws)
		if es != tc.es || msg != tc.msg || ContainerCode(tc.ws) != tc.code {
			t.Errorf("%#x: got %d %q %d", int(tc.ws), es, msg, ContainerCode(tc.ws))
		}
	}
}

// stateChanges writes the state changes of acts as PROCESS_STATE events
// show them: "FROM>TO pid:N tries:N expected:B".
func stateChanges(acts []Action) []string {
	var out []string
	for _, a := range acts {
		if a.Kind == ActionStateChanged {
			out = append(out, fmt.Sprintf("%s>%s pid:%d tries:%d expected:%t", a.From, a.To, a.Pid, a.Tries, a.Expected))
		}
	}
	return out
}

// The state changes carry what a PROCESS_STATE event shows: the pid at
// the change (kept for the changes an exit causes), the backoff count,
// and whether an exit was expected.
func TestMachineStateChangeDetails(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(p *config.Program)
		steps []Event
		at    []time.Duration
		want  []string
	}{
		{"run, exit expected, no restart", func(p *config.Program) { p.Autorestart = config.AutorestartFalse },
			[]Event{Start(), Spawned(10), fire(TimerStartsecs), reaped(exitCode(0))},
			[]time.Duration{0, 0, sec, 2 * sec},
			[]string{
				"STOPPED>STARTING pid:0 tries:0 expected:false",
				"STARTING>RUNNING pid:10 tries:0 expected:false",
				"RUNNING>EXITED pid:10 tries:0 expected:true",
			}},
		{"unexpected exit restarts with no pid", func(p *config.Program) { p.Startsecs = 0 },
			[]Event{Start(), Spawned(10), reaped(exitCode(2))},
			[]time.Duration{0, 0, sec},
			[]string{
				"STOPPED>STARTING pid:0 tries:0 expected:false",
				"STARTING>RUNNING pid:10 tries:0 expected:false",
				"RUNNING>EXITED pid:10 tries:0 expected:false",
				"EXITED>STARTING pid:0 tries:0 expected:false",
			}},
		{"backoff counts tries, FATAL at the end", func(p *config.Program) { p.Startretries = 1 },
			[]Event{Start(), Spawned(10), reaped(exitCode(1)), fire(TimerBackoff), Spawned(11), reaped(exitCode(1))},
			[]time.Duration{0, 0, 0, sec, sec, sec},
			[]string{
				"STOPPED>STARTING pid:0 tries:0 expected:false",
				"STARTING>BACKOFF pid:10 tries:1 expected:false",
				"BACKOFF>STARTING pid:0 tries:1 expected:false",
				"STARTING>BACKOFF pid:11 tries:2 expected:false",
				"BACKOFF>FATAL pid:11 tries:0 expected:false",
			}},
		{"a stop reports the pid in STOPPING and STOPPED", func(p *config.Program) { p.Startsecs = 0 },
			[]Event{Start(), Spawned(10), Stop(), reaped(killedBy(syscall.SIGTERM))},
			[]time.Duration{0, 0, sec, sec},
			[]string{
				"STOPPED>STARTING pid:0 tries:0 expected:false",
				"STARTING>RUNNING pid:10 tries:0 expected:false",
				"RUNNING>STOPPING pid:10 tries:0 expected:false",
				"STOPPING>STOPPED pid:10 tries:0 expected:false",
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := NewMachine(testProgram(tc.edit))
			var got []string
			for i, ev := range tc.steps {
				if ev.Kind == EventTimer {
					ev.Gen = m.Gen()
				}
				got = append(got, stateChanges(handle(m, ev, t0.Add(tc.at[i])))...)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Fatalf("state changes\n got: %q\nwant: %q", got, tc.want)
			}
			if m.Pid() != 0 && m.State().IsStopped() {
				t.Fatalf("pid %d kept in %s", m.Pid(), m.State())
			}
		})
	}
}

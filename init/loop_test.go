package supervisor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/program"
	"github.com/supinit/supinit/reaper"
)

// fakeHost records what the loop does; no process is started.
type fakeHost struct {
	mu      sync.Mutex
	nextPid int
	fail    map[string]bool // program names whose spawn fails (not found)
	spawned []string
	pidName map[int]string
	kills   []string // "name SIG" or "name -SIG" for a group
	left    bool     // childrenLeft's answer
}

func (h *fakeHost) spawn(p *config.Program) (*program.Process, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fail[p.Name] {
		return nil, &program.SpawnError{Kind: program.SpawnErrNotFound, Msg: "can't find command 'x'"}
	}
	h.nextPid++
	h.spawned = append(h.spawned, p.Name)
	h.pidName[h.nextPid+100] = p.Name
	return &program.Process{Pid: h.nextPid + 100}, nil
}

func (h *fakeHost) kill(pid int, sig syscall.Signal, group bool) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	g := ""
	if group {
		g = "-"
	}
	h.kills = append(h.kills, fmt.Sprintf("%s %s%s", h.pidName[pid], g, program.SignalName(sig)))
	return nil
}

func (h *fakeHost) signalDescendants(sig syscall.Signal) error { return nil }
func (h *fakeHost) childrenLeft() bool                         { return h.left }

func (h *fakeHost) pidOf(name string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	for pid, n := range h.pidName {
		if n == name {
			return pid
		}
	}
	return 0
}

func (h *fakeHost) takeKills() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	k := h.kills
	h.kills = nil
	slices.Sort(k)
	return k
}

// fakeRun is a loop on a fake host, running in a goroutine.
type fakeRun struct {
	s     *Supervisor
	h     *fakeHost
	exits chan reaper.Exit
	code  chan int
}

func unitProgram(name string, prio int, edits ...func(p *config.Program)) *config.Program {
	return shProgram(name, "true", append([]func(p *config.Program){func(p *config.Program) {
		p.Priority, p.GroupPriority = prio, prio
		p.Stdout.Logfile, p.Stderr.Logfile = config.LogNone, config.LogNone
	}}, edits...)...)
}

func startFake(t *testing.T, h *fakeHost, progs ...*config.Program) *fakeRun {
	t.Helper()
	if h == nil {
		h = &fakeHost{}
	}
	return startFakeHost(t, h, h, makeConfig(t.TempDir(), progs...))
}

// startFakeHost runs cfg on the loop with host, which records its pids in
// h.
func startFakeHost(t *testing.T, h *fakeHost, host host, cfg *config.Config) *fakeRun {
	t.Helper()
	h.pidName = map[int]string{}
	exits := make(chan reaper.Exit)
	s := &Supervisor{
		log: zerolog.Nop(), host: host, now: time.Now,
		groups: map[string]*group{}, pids: map[int]*proc{}, swaps: map[string]*swap{},
		calls: make(chan func()), exits: exits, sigs: make(chan os.Signal, 8),
		poke: make(chan struct{}, 1), quit: make(chan struct{}), taps: newTapQueue(),
	}
	s.setConfig(cfg)
	s.newBus(cfg)
	for _, g := range cfg.Groups {
		s.addGroup(cfg, g)
	}
	s.mood.Store(moodRunning)
	r := &fakeRun{s: s, h: h, exits: exits, code: make(chan int, 1)}
	go func() {
		s.onLoopStart()
		r.code <- s.loop()
	}()
	t.Cleanup(func() {
		select {
		case <-s.quit:
		default:
			h.left = false
			s.sigs <- syscall.SIGTERM
			s.sigs <- syscall.SIGTERM // force
		}
	})
	return r
}

// onLoopStart is Run's start of the programs, for the fake runs.
func (s *Supervisor) onLoopStart() {
	s.autostart(s.sortedGroups())
	s.settle()
}

// exit reports that the process of name exited with status ws.
func (r *fakeRun) exit(t *testing.T, name string, ws syscall.WaitStatus) {
	t.Helper()
	pid := r.h.pidOf(name)
	r.h.mu.Lock()
	delete(r.h.pidName, pid)
	r.h.mu.Unlock()
	select {
	case r.exits <- reaper.Exit{Pid: pid, Status: ws, Time: time.Now()}:
	case <-time.After(5 * time.Second):
		t.Fatalf("the loop does not take the exit of %s", name)
	}
}

func (r *fakeRun) state(t *testing.T, namespec string) program.State {
	t.Helper()
	info, err := r.s.ProcessInfo(namespec)
	if err != nil {
		t.Fatalf("ProcessInfo(%s): %v", namespec, err)
	}
	return info.State
}

func (r *fakeRun) sync() { r.s.onLoop(func() {}) }

// signal hands sig to the loop and returns once it is handled (sending
// on r.s.sigs and then calling sync races: the loop may take the sync
// first).
func (r *fakeRun) signal(sig syscall.Signal) { r.s.onLoop(func() { r.s.onSignal(sig) }) }

func TestStartOrder(t *testing.T) {
	h := &fakeHost{}
	r := startFake(t, h,
		unitProgram("a", 5), unitProgram("b", 1),
		unitProgram("c_0", 1, func(p *config.Program) { p.Group = "c" }),
		unitProgram("c_1", 1, func(p *config.Program) { p.Group = "c" }),
		unitProgram("off", 0, func(p *config.Program) { p.Autostart = false }),
	)
	r.sync()
	if want := []string{"b", "c_0", "c_1", "a"}; !reflect.DeepEqual(h.spawned, want) {
		t.Fatalf("spawn order %v, want %v", h.spawned, want)
	}
}

func TestShutdownLevels(t *testing.T) {
	h := &fakeHost{}
	r := startFake(t, h, unitProgram("low", 1), unitProgram("mid1", 5), unitProgram("mid2", 5),
		unitProgram("high", 9, func(p *config.Program) { p.Stopasgroup, p.Stopsignal = true, syscall.SIGINT }))
	r.sync()
	r.s.sigs <- syscall.SIGTERM
	r.sync()
	steps := []struct {
		exit  []string
		kills []string
	}{
		{nil, []string{"high -SIGINT"}},
		{[]string{"high"}, []string{"mid1 SIGTERM", "mid2 SIGTERM"}},
		{[]string{"mid1"}, nil}, // the level waits for all of it
		{[]string{"mid2"}, []string{"low SIGTERM"}},
	}
	for i, st := range steps {
		for _, name := range st.exit {
			r.exit(t, name, syscall.WaitStatus(syscall.SIGTERM))
		}
		r.sync()
		if got := h.takeKills(); !reflect.DeepEqual(got, st.kills) {
			t.Fatalf("step %d: kills %v, want %v", i, got, st.kills)
		}
	}
	r.exit(t, "low", 0)
	select {
	case code := <-r.code:
		if code != 0 {
			t.Fatalf("exit code %d, want 0", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the loop did not end after the last program stopped")
	}
}

func TestCriticalExitCode(t *testing.T) {
	tests := []struct {
		name string
		ws   syscall.WaitStatus
		edit func(p *config.Program)
		want int
	}{
		{"exit code", syscall.WaitStatus(5 << 8), nil, 5},
		{"signal", syscall.WaitStatus(syscall.SIGKILL), nil, 137},
		{"expected exit 0", 0, nil, 0},
		{"restarted: not the end", syscall.WaitStatus(1 << 8), func(p *config.Program) { p.Autorestart = config.AutorestartTrue }, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := &fakeHost{}
			r := startFake(t, h, unitProgram("side", 1), unitProgram("app", 2, func(p *config.Program) {
				p.Critical, p.Autorestart = true, config.AutorestartFalse
				if tc.edit != nil {
					tc.edit(p)
				}
			}))
			r.sync()
			r.exit(t, "app", tc.ws)
			r.sync()
			if tc.want < 0 {
				if st := r.state(t, "app"); st != program.Running {
					t.Fatalf("app is %v, want RUNNING again", st)
				}
				return
			}
			if got := h.takeKills(); !reflect.DeepEqual(got, []string{"side SIGTERM"}) {
				t.Fatalf("kills %v, want side's stop signal", got)
			}
			r.exit(t, "side", syscall.WaitStatus(syscall.SIGTERM))
			if code := <-r.code; code != tc.want {
				t.Fatalf("exit code %d, want %d", code, tc.want)
			}
		})
	}
}

func faultCode(err error) int {
	var f *program.Fault
	if errors.As(err, &f) {
		return f.Code
	}
	if err == nil {
		return 0
	}
	return -1
}

func TestBackendFaults(t *testing.T) {
	h := &fakeHost{fail: map[string]bool{"broken": true}}
	r := startFake(t, h,
		unitProgram("web", 1),
		unitProgram("idle", 1, func(p *config.Program) { p.Autostart = false }),
		unitProgram("broken", 1, func(p *config.Program) { p.Startretries = 5 }),
		unitProgram("multi_00", 1, func(p *config.Program) { p.Group = "multi"; p.Autostart = false }),
		unitProgram("multi_01", 1, func(p *config.Program) { p.Group = "multi"; p.Autostart = false }),
		unitProgram("nocmd", 1, func(p *config.Program) { p.Autostart = false; p.Argv = []string{"/nonexistent"} }),
	)
	ctx := context.Background()
	s := r.s
	checks := []struct {
		name string
		err  error
		want int
	}{
		{"unknown name", s.StartProcess(ctx, "nope", false), program.FaultBadName},
		{"bare group name", func() error { _, err := s.ProcessInfo("multi"); return err }(), program.FaultBadName},
		{"group:process", func() error { _, err := s.ProcessInfo("multi:multi_00"); return err }(), 0},
		{"start running", s.StartProcess(ctx, "web", true), program.FaultAlreadyStarted},
		{"start BACKOFF", s.StartProcess(ctx, "broken", true), program.FaultAlreadyStarted},
		{"start missing command", s.StartProcess(ctx, "nocmd", true), program.FaultNoFile},
		{"stop stopped", s.StopProcess(ctx, "idle", true), program.FaultNotRunning},
		{"signal stopped", s.SignalProcess("idle", syscall.SIGHUP), program.FaultNotRunning},
		{"start and wait", s.StartProcess(ctx, "idle", true), 0},
		{"remove running group", s.RemoveProcessGroup("web"), program.FaultStillRunning},
		{"add active group", s.AddProcessGroup("web"), program.FaultAlreadyAdded},
		{"add unknown group", s.AddProcessGroup("nope"), program.FaultBadName},
		{"stop BACKOFF", s.StopProcess(ctx, "broken", true), 0},
		{"remove stopped group", s.RemoveProcessGroup("broken"), 0},
		{"add it again", s.AddProcessGroup("broken"), 0},
	}
	for _, c := range checks {
		if got := faultCode(c.err); got != c.want {
			t.Errorf("%s: %v (code %d), want code %d", c.name, c.err, got, c.want)
		}
	}
	res, err := s.StartProcessGroup(ctx, "multi", true)
	if err != nil || len(res) != 2 || res[0].Name != "multi_00" || res[0].Status != program.FaultSuccess || res[0].Description != "OK" {
		t.Fatalf("StartProcessGroup(multi) = %+v, %v", res, err)
	}
	res, err = s.StopAllProcesses(ctx, false)
	var names []string
	for _, x := range res {
		names = append(names, x.Name)
	}
	// broken is in BACKOFF again after its re-add: a running state too.
	// Re-added, it comes after the other groups of its priority, as in
	// supervisord.
	if want := []string{"idle", "multi_00", "multi_01", "web", "broken"}; err != nil || !reflect.DeepEqual(names, want) {
		t.Fatalf("StopAllProcesses = %+v, %v; want results for %v", res, err, want)
	}
	s.sigs <- syscall.SIGTERM
	r.sync()
	if got := faultCode(s.StartProcess(ctx, "web", false)); got != program.FaultShutdownState {
		t.Fatalf("during shutdown: code %d, want SHUTDOWN_STATE", got)
	}
	if code, name := s.State(); code != moodShutdown || name != "SHUTDOWN" {
		t.Fatalf("State() = %d %s during shutdown", code, name)
	}
}

func TestStartWaitOutcome(t *testing.T) {
	h := &fakeHost{}
	r := startFake(t, h, unitProgram("slow", 1, func(p *config.Program) {
		p.Autostart, p.Startsecs, p.Startretries = false, time.Hour, 0
	}))
	errc := make(chan error, 1)
	go func() { errc <- r.s.StartProcess(context.Background(), "slow", true) }()
	// It waits for RUNNING; an exit before startsecs is SPAWN_ERROR
	// (exited too quickly).
	deadline := time.Now().Add(5 * time.Second)
	for h.pidOf("slow") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("slow was never spawned")
		}
		r.sync()
	}
	select {
	case err := <-errc:
		t.Fatalf("StartProcess answered %v before the outcome was known", err)
	default:
	}
	r.exit(t, "slow", syscall.WaitStatus(1<<8))
	if got := faultCode(<-errc); got != program.FaultSpawnError {
		t.Fatalf("code %d, want SPAWN_ERROR", got)
	}
}

func TestDiffGroups(t *testing.T) {
	a, b, c := unitProgram("a", 1), unitProgram("b", 1), unitProgram("c", 1)
	b2 := unitProgram("b", 1, func(p *config.Program) { p.Argv = []string{"/bin/sh", "-c", "v2"} })
	// a's section moved down the file: its section, its options and its
	// group all start on other lines.
	a.OptPos = map[string]config.Position{"command": {File: "x", Line: 2}}
	aMoved := unitProgram("a", 1, func(p *config.Program) {
		p.Pos = config.Position{File: "x", Line: 40}
		p.OptPos = map[string]config.Position{"command": {File: "x", Line: 41}}
	})
	d := unitProgram("d", 1)
	old := makeConfig("", a, b, c)
	var active []groupSnapshot
	for _, g := range old.Groups {
		active = append(active, groupSnapshot{g, groupPrograms(old, g)})
	}
	moved := makeConfig("", aMoved, b2, d)
	findGroup(moved, "a").Pos = config.Position{File: "x", Line: 40}
	added, changed, removed := diffGroups(active, moved, "")
	if !reflect.DeepEqual(added, []string{"d"}) || !reflect.DeepEqual(changed, []string{"b"}) || !reflect.DeepEqual(removed, []string{"c"}) {
		t.Fatalf("diff: added %v changed %v removed %v", added, changed, removed)
	}
	if a.OptPos["command"].Line != 2 {
		t.Errorf("the comparison changed the config it compared: %v", a.OptPos)
	}
	_, _, removed = diffGroups(active, makeConfig("", a, b), "c")
	if len(removed) != 0 {
		t.Fatalf("a skipped group was reported removed: %v", removed)
	}
}

// TestPositionFieldsExported: sameGroup can clear only exported fields,
// so a position kept in an unexported field would make every shifted
// line a change again.
func TestPositionFieldsExported(t *testing.T) {
	var check func(typ reflect.Type, path string)
	check = func(typ reflect.Type, path string) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			switch {
			case holdsPositions(f.Type) && !f.IsExported():
				t.Errorf("%s.%s holds positions but is unexported", path, f.Name)
			case f.Type.Kind() == reflect.Struct:
				check(f.Type, path+"."+f.Name)
			}
		}
	}
	check(reflect.TypeFor[config.Program](), "Program")
	check(reflect.TypeFor[config.Group](), "Group")
}

func TestWithMain(t *testing.T) {
	cfg := makeConfig("", unitProgram("web", 50), unitProgram("zz", 7))
	got, err := WithMain(cfg, []string{"app", "--flag"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Programs) != 2 {
		t.Fatal("WithMain changed its input")
	}
	var main *config.Program
	for _, p := range got.Programs {
		if p.Name == MainName {
			main = p
		}
	}
	if main == nil || !main.Critical || main.Autorestart != config.AutorestartFalse || main.Startsecs != 0 ||
		main.GroupPriority <= 50 || !reflect.DeepEqual(main.Exitcodes, []int{0}) || main.Stdout.Logfile != "/dev/stdout" {
		t.Fatalf("main program = %+v", main)
	}
	if last := got.Groups[len(got.Groups)-1]; last.Name != MainName {
		t.Fatalf("the main group is not last in start order: %v", last.Name)
	}
	if _, err := WithMain(got, []string{"x"}); err == nil {
		t.Fatal("a second main was accepted")
	}
}

func TestRestartStopsAndStartsAgain(t *testing.T) {
	h := &fakeHost{}
	r := startFake(t, h, unitProgram("a", 1), unitProgram("b", 2))
	r.sync()
	if err := r.s.Restart(); err != nil {
		t.Fatal(err)
	}
	r.sync()
	if got := h.takeKills(); !reflect.DeepEqual(got, []string{"b SIGTERM"}) {
		t.Fatalf("kills %v: a restart stops the highest priority first", got)
	}
	// A SIGHUP while restarting is ignored.
	r.s.sigs <- syscall.SIGHUP
	r.exit(t, "b", syscall.WaitStatus(syscall.SIGTERM))
	r.sync()
	r.exit(t, "a", syscall.WaitStatus(syscall.SIGTERM))
	r.sync()
	if want := []string{"a", "b", "a", "b"}; !reflect.DeepEqual(h.spawned, want) {
		t.Fatalf("spawns %v, want %v", h.spawned, want)
	}
	if code, _ := r.s.State(); code != moodRunning {
		t.Fatalf("state %d after the restart, want RUNNING", code)
	}
}

// An idle supinit must not wake up: once every program is RUNNING, no
// timer is armed.
func TestIdleHasNoTimers(t *testing.T) {
	r := startFake(t, nil, unitProgram("a", 1, func(p *config.Program) { p.Startsecs = 10 * time.Millisecond }),
		unitProgram("b", 1))
	deadline := time.Now().Add(5 * time.Second)
	for r.state(t, "a") != program.Running {
		if time.Now().After(deadline) {
			t.Fatal("a never reached RUNNING")
		}
		r.sync()
	}
	armed := 0
	r.s.onLoop(func() {
		r.s.eachProc(func(p *proc) {
			if p.timer != nil {
				armed++
			}
		})
	})
	r.s.onLoop(func() {
		if r.s.tick != nil {
			armed++
		}
	})
	if armed != 0 {
		t.Fatalf("%d timers armed while idle", armed)
	}
}

package control

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/logs"
	"github.com/supinit/supinit/program"
)

// fakeNow is the fake supervisor's clock: every RUNNING process has been
// up for ten seconds.
const fakeNow = 1700000000

// fakeBackend is a small in-memory supervisor with supervisord's rules for
// names, states and faults. Tests build one with newFake, change what they
// need, and serve it. A test of the real supervisor can swap it for the
// real Backend: nothing else in the tests knows it is fake.
type fakeBackend struct {
	mu      sync.Mutex
	state   int
	procs   []*fakeProc
	extra   map[string]bool // groups known to add/remove besides the processes' own
	removed map[string]bool // groups that have been removed
	main    *fakeLog
	reload  struct {
		added, changed, removed []string
		err                     error
	}
	// gate, when set, holds StartProcess(wait=true) of "slow" until
	// closed (or the caller gives up).
	gate    chan struct{}
	signals []string
	remote  []string // "type|data" of each REMOTE_COMMUNICATION event
}

type fakeProc struct {
	info      program.Info
	stdout    *fakeLog
	stderr    *fakeLog
	spawnErr  int // a fault code StartProcess answers with
	autostart bool
}

func newFake() *fakeBackend {
	running := func(group, name string, pid int) *fakeProc {
		return &fakeProc{autostart: true, info: program.Info{Group: group, Name: name, State: program.Running, Pid: pid, Start: fakeNow - 10, Now: fakeNow}}
	}
	sleeper := running("sleeper", "sleeper", 200)
	sleeper.stdout = &fakeLog{data: []byte("hello\n")}
	sleeper.stderr = &fakeLog{data: []byte("err\n")}
	return &fakeBackend{
		state: 1,
		procs: []*fakeProc{
			{autostart: true, info: program.Info{Group: "exiter", Name: "exiter", State: program.Exited, Start: fakeNow - 100, Stop: fakeNow - 50, Now: fakeNow}},
			{info: program.Info{Group: "manual", Name: "manual", State: program.Stopped, Now: fakeNow}},
			running("multi", "multi_00", 101),
			running("multi", "multi_01", 102),
			{autostart: true, spawnErr: program.FaultSpawnError, info: program.Info{Group: "quick", Name: "quick", State: program.Fatal,
				SpawnErr: "Exited too quickly (process log may have details)", Start: fakeNow - 20, Stop: fakeNow - 19, Now: fakeNow}},
			sleeper,
		},
		extra:   map[string]bool{},
		removed: map[string]bool{},
		main:    &fakeLog{data: []byte("2023-11-14 22:13:20,000 INFO supervisord started\n")},
	}
}

// lookup resolves a namespec as supervisord's _getGroupAndProcess does.
func (f *fakeBackend) lookup(name string) (*fakeProc, error) {
	group, proc := splitNamespec(name)
	if proc == "" {
		return nil, program.NewFault(program.FaultBadName, name)
	}
	for _, p := range f.procs {
		if p.info.Group == group && p.info.Name == proc && !f.removed[group] {
			return p, nil
		}
	}
	return nil, program.NewFault(program.FaultBadName, name)
}

func (f *fakeBackend) group(name string) ([]*fakeProc, error) {
	var out []*fakeProc
	for _, p := range f.procs {
		if p.info.Group == name && !f.removed[name] {
			out = append(out, p)
		}
	}
	if len(out) == 0 && !f.extra[name] {
		return nil, program.NewFault(program.FaultBadName, name)
	}
	return out, nil
}

func (f *fakeBackend) live() []*fakeProc {
	var out []*fakeProc
	for _, p := range f.procs {
		if !f.removed[p.info.Group] {
			out = append(out, p)
		}
	}
	return out
}

func (f *fakeBackend) check() error {
	if f.state < 1 {
		return program.NewFault(program.FaultShutdownState, "")
	}
	return nil
}

func (f *fakeBackend) Identification() string { return "supervisor" }
func (f *fakeBackend) PID() int               { return 4242 }

func (f *fakeBackend) State() (int, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state, map[int]string{1: "RUNNING", 0: "RESTARTING", -1: "SHUTDOWN"}[f.state]
}

func (f *fakeBackend) Shutdown() error { return f.setState(-1) }
func (f *fakeBackend) Restart() error  { return f.setState(0) }

func (f *fakeBackend) setState(s int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(); err != nil {
		return err
	}
	f.state = s
	return nil
}

func (f *fakeBackend) ReloadConfig() ([]string, []string, []string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reload.added, f.reload.changed, f.reload.removed, f.reload.err
}

func (f *fakeBackend) AddProcessGroup(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := f.group(name); err == nil {
		return program.NewFault(program.FaultAlreadyAdded, name)
	}
	if !f.removed[name] && !contains(f.reload.added, name) {
		return program.NewFault(program.FaultBadName, name)
	}
	delete(f.removed, name)
	f.extra[name] = true
	return nil
}

func (f *fakeBackend) RemoveProcessGroup(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	procs, err := f.group(name)
	if err != nil {
		return err
	}
	for _, p := range procs {
		if !p.info.State.IsStopped() {
			return program.NewFault(program.FaultStillRunning, name)
		}
	}
	f.removed[name] = true
	delete(f.extra, name)
	return nil
}

func (f *fakeBackend) ActiveConfig() (*config.Config, map[string]bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cfg := &config.Config{}
	inUse := map[string]bool{}
	seen := map[string]bool{}
	for _, p := range f.procs {
		cfg.Programs = append(cfg.Programs, &config.Program{Kind: config.KindProgram, Group: p.info.Group, Name: p.info.Name,
			ProgramName: p.info.Group, Command: "/bin/" + p.info.Name, Priority: 999, GroupPriority: 999, Autostart: p.autostart,
			Autorestart: config.AutorestartUnexpected, Startsecs: time.Second, Startretries: 3, Exitcodes: []int{0},
			Stopsignal: syscall.SIGTERM, Stopwaitsecs: 10 * time.Second, Serverurl: "AUTO",
			Stdout: config.LogConfig{Logfile: config.LogAuto, Maxbytes: 50 << 20, Backups: 10},
			Stderr: config.LogConfig{Logfile: config.LogNone}})
		if !seen[p.info.Group] {
			seen[p.info.Group] = true
			cfg.Groups = append(cfg.Groups, &config.Group{Name: p.info.Group, Kind: config.KindProgram, Priority: 999})
		}
		inUse[p.info.Group] = !f.removed[p.info.Group]
	}
	return cfg, inUse
}

func (f *fakeBackend) ProcessInfo(name string) (program.Info, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(); err != nil {
		return program.Info{}, err
	}
	p, err := f.lookup(name)
	if err != nil {
		return program.Info{}, err
	}
	return p.info, nil
}

func (f *fakeBackend) AllProcessInfo() ([]program.Info, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(); err != nil {
		return nil, err
	}
	var out []program.Info
	for _, p := range f.live() {
		out = append(out, p.info)
	}
	// Priority order, not lexical: the server must sort.
	sort.Slice(out, func(i, j int) bool { return out[i].Name > out[j].Name })
	return out, nil
}

func (f *fakeBackend) StartProcess(ctx context.Context, name string, wait bool) error {
	f.mu.Lock()
	gate := f.gate
	f.mu.Unlock()
	if name == "slow" && wait && gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p, err := f.lookup(name)
	if err != nil {
		return err
	}
	return f.start(p)
}

func (f *fakeBackend) start(p *fakeProc) error {
	if p.info.State.IsRunning() {
		return program.NewFault(program.FaultAlreadyStarted, makeNamespec(p.info.Group, p.info.Name))
	}
	if p.spawnErr != 0 {
		return program.NewFault(p.spawnErr, makeNamespec(p.info.Group, p.info.Name))
	}
	p.info.State, p.info.Pid, p.info.Start = program.Running, 300, fakeNow-10
	return nil
}

func (f *fakeBackend) stop(p *fakeProc) error {
	if !p.info.State.IsRunning() {
		return program.NewFault(program.FaultNotRunning, makeNamespec(p.info.Group, p.info.Name))
	}
	p.info.State, p.info.Pid, p.info.Stop = program.Stopped, 0, fakeNow-5
	return nil
}

// each runs op on every process of procs that pred selects, collecting
// supervisord's result structs.
func each(procs []*fakeProc, pred func(*fakeProc) bool, op func(*fakeProc) error) []program.Result {
	res := []program.Result{}
	for _, p := range procs {
		if !pred(p) {
			continue
		}
		r := program.Result{Name: p.info.Name, Group: p.info.Group, Status: program.FaultSuccess, Description: "OK"}
		if err := op(p); err != nil {
			r.Status, r.Description = err.(*program.Fault).Code, err.Error()
		}
		res = append(res, r)
	}
	return res
}

func (f *fakeBackend) groupOp(name string, pred func(*fakeProc) bool, op func(*fakeProc) error) ([]program.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(); err != nil {
		return nil, err
	}
	var procs []*fakeProc
	if name == "" {
		procs = f.live()
	} else {
		var err error
		if procs, err = f.group(name); err != nil {
			return nil, err
		}
	}
	return each(procs, pred, op), nil
}

func notRunning(p *fakeProc) bool  { return !p.info.State.IsRunning() }
func isRunning(p *fakeProc) bool   { return p.info.State.IsRunning() }
func signallable(p *fakeProc) bool { return p.info.State.IsSignallable() }

func (f *fakeBackend) StartProcessGroup(_ context.Context, g string, _ bool) ([]program.Result, error) {
	return f.groupOp(g, notRunning, f.start)
}
func (f *fakeBackend) StartAllProcesses(_ context.Context, _ bool) ([]program.Result, error) {
	return f.groupOp("", notRunning, f.start)
}
func (f *fakeBackend) StopProcessGroup(_ context.Context, g string, _ bool) ([]program.Result, error) {
	return f.groupOp(g, isRunning, f.stop)
}
func (f *fakeBackend) StopAllProcesses(_ context.Context, _ bool) ([]program.Result, error) {
	return f.groupOp("", isRunning, f.stop)
}

func (f *fakeBackend) StopProcess(_ context.Context, name string, _ bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, err := f.lookup(name)
	if err != nil {
		return err
	}
	return f.stop(p)
}

func (f *fakeBackend) signal(sig syscall.Signal) func(*fakeProc) error {
	return func(p *fakeProc) error {
		if !p.info.State.IsSignallable() {
			return program.NewFault(program.FaultNotRunning, makeNamespec(p.info.Group, p.info.Name))
		}
		f.signals = append(f.signals, makeNamespec(p.info.Group, p.info.Name)+":"+sig.String())
		return nil
	}
}

func (f *fakeBackend) SignalProcess(name string, sig syscall.Signal) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, err := f.lookup(name)
	if err != nil {
		return err
	}
	return f.signal(sig)(p)
}
func (f *fakeBackend) SignalProcessGroup(g string, sig syscall.Signal) ([]program.Result, error) {
	return f.groupOp(g, signallable, f.signal(sig))
}
func (f *fakeBackend) SignalAllProcesses(sig syscall.Signal) ([]program.Result, error) {
	return f.groupOp("", signallable, f.signal(sig))
}

func (f *fakeBackend) SendProcessStdin(_ context.Context, name string, data []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	p, err := f.lookup(name)
	if err != nil {
		return err
	}
	if p.info.Pid == 0 {
		return program.NewFault(program.FaultNotRunning, name)
	}
	if p.stdout != nil {
		p.stdout.write(data)
	}
	return nil
}

func (f *fakeBackend) SendRemoteCommEvent(typ, data string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.remote = append(f.remote, typ+"|"+data)
	return nil
}

func (f *fakeBackend) ProcessLog(name, channel string) (logs.Reader, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.check(); err != nil {
		return nil, err
	}
	p, err := f.lookup(name)
	if err != nil {
		return nil, err
	}
	l := p.stdout
	if channel == "stderr" {
		l = p.stderr
	}
	if l == nil {
		return nil, program.NewFault(program.FaultNoFile, "")
	}
	return l, nil
}

func (f *fakeBackend) MainLog() logs.Reader { return f.main }

func contains(l []string, s string) bool {
	for _, e := range l {
		if e == s {
			return true
		}
	}
	return false
}

// fakeLog is an in-memory logs.Reader.
type fakeLog struct {
	mu   sync.Mutex
	data []byte
	subs []chan []byte
	// path and missing play a log file deleted behind the server's back.
	path    string
	missing bool
}

func (l *fakeLog) Path() string { return l.path }

func (l *fakeLog) write(b []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.data = append(l.data, b...)
	for _, ch := range l.subs {
		select {
		case ch <- append([]byte(nil), b...):
		default: // a slow follower loses data
		}
	}
}

func (l *fakeLog) ReadFile(offset, length int64) ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.missing {
		return nil, fmt.Errorf("%s: %w", l.path, logs.ErrNoFile)
	}
	size := int64(len(l.data))
	if offset < 0 {
		offset = max(size+offset, 0)
		return append([]byte(nil), l.data[offset:]...), nil
	}
	end := size
	if length > 0 {
		end = min(offset+length, size)
	}
	offset = min(offset, size)
	return append([]byte(nil), l.data[offset:end]...), nil
}

func (l *fakeLog) TailFile(offset, length int64) ([]byte, int64, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.missing {
		return nil, 0, false, fmt.Errorf("%s: %w", l.path, logs.ErrNoFile)
	}
	size := int64(len(l.data))
	overflow := false
	if size > offset+length {
		overflow, offset = true, size-1
	}
	if offset+length > size {
		if offset > size-1 {
			length = 0
		}
		offset = size - length
	}
	offset, length = max(offset, 0), max(length, 0)
	end := min(offset+length, size)
	return append([]byte(nil), l.data[offset:end]...), size, overflow, nil
}

func (l *fakeLog) Follow() (<-chan []byte, func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	ch := make(chan []byte, 64)
	ch <- append([]byte(nil), l.data...)
	l.subs = append(l.subs, ch)
	return ch, func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		for i, c := range l.subs {
			if c == ch {
				l.subs = append(l.subs[:i], l.subs[i+1:]...)
				return
			}
		}
	}
}

func (l *fakeLog) Clear() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.data = nil
	return nil
}

package supervisor

import (
	"errors"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rs/zerolog"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/events"
	"github.com/supinit/supinit/logs"
	"github.com/supinit/supinit/program"
	"github.com/supinit/supinit/reaper"
)

// Supervisor states, numbered as supervisord's getState reports them.
const (
	moodRunning    = 1
	moodRestarting = 0
	moodShutdown   = -1
)

// host is what the loop does to the world outside it. The real one forks
// through the reaper; the loop's unit tests use a fake.
type host interface {
	spawn(p *config.Program) (*program.Process, error)
	kill(pid int, sig syscall.Signal, group bool) error
	signalDescendants(sig syscall.Signal) error
	childrenLeft() bool
}

// proc is one supervised process: its state machine, its log channels
// and what belongs to its current spawn.
type proc struct {
	m      *program.Machine
	cfg    *config.Program
	group  *group
	timer  *time.Timer
	stdout *logs.Channel
	stderr *logs.Channel // nil with redirect_stderr
	stdin  *os.File      // the write end of the stdin pipe while it runs
	gone   bool          // removed from the config: ignore its late events
	lis    *listener     // nil unless it belongs to an [eventlistener:x] pool
	drain  drain         // its exit waits for the pipes the loop reads
}

// group is one active process group, its processes in supervisord's
// order.
type group struct {
	cfg   *config.Group
	procs []*proc
	added uint64 // when it became active, for the order of equal priorities
}

// Supervisor runs the programs of a config. Create it with Run; it
// implements control.Backend for the XML-RPC server.
type Supervisor struct {
	opts    Options
	log     zerolog.Logger
	mainLog *logs.MainLog
	mux     *logs.Mux
	host    host
	now     func() time.Time

	// Owned by the loop goroutine.
	parsed  *config.Config // the last config read (reloadConfig's view)
	groups  map[string]*group
	nadded  uint64 // groups made active so far: the next group.added
	pids    map[int]*proc
	waiters []func() bool
	shut    *shutdown
	swaps   map[string]*swap
	code    int  // the exit code
	done    bool // the loop is to end
	ending  []func()
	bus     *events.Bus
	tick    *time.Timer // the next TICK event, only while a pool wants one
	tickAt  time.Time
	relay   *relay // result-handler output to stdout, started on first use

	// The loop's inputs.
	calls chan func()
	exits <-chan reaper.Exit
	sigs  chan os.Signal
	poke  chan struct{} // an orphan was reaped
	taps  *tapQueue     // listener protocol and PROCESS_LOG chunks
	quit  chan struct{} // closed when the loop has ended

	mood    atomic.Int32
	active  atomic.Pointer[config.Config]
	copiers sync.WaitGroup
}

// post hands fn to the loop; it gives up when the loop has ended.
func (s *Supervisor) post(fn func()) bool {
	select {
	case s.calls <- fn:
		return true
	case <-s.quit:
		return false
	}
}

// loop is the event loop: it runs until the shutdown sequence is done and
// returns the exit code.
func (s *Supervisor) loop() int {
	defer close(s.quit)
	defer s.stopTick()
	for !s.done {
		s.armTick()
		select {
		case fn := <-s.calls:
			fn()
		case e := <-s.exits:
			s.onExit(e)
		case sig := <-s.sigs:
			s.onSignal(sig.(syscall.Signal))
		case <-s.poke:
		case <-s.taps.wake:
			s.drainTaps()
		}
		s.settle()
	}
	return s.code
}

// settle runs after every event: it answers the waiting requests whose
// outcome is now known and moves reloads and the shutdown on.
func (s *Supervisor) settle() {
	for {
		progress := s.finishSwaps()
		s.checkWaiters()
		if s.shut != nil {
			progress = s.advanceShutdown() || progress
		}
		if !progress {
			return
		}
	}
}

// checkWaiters calls every waiter; those that return true are done.
func (s *Supervisor) checkWaiters() {
	kept := s.waiters[:0]
	for _, w := range s.waiters {
		if !w() {
			kept = append(kept, w)
		}
	}
	clear(s.waiters[len(kept):])
	s.waiters = kept
}

func (s *Supervisor) onExit(e reaper.Exit) {
	p, ok := s.pids[e.Pid]
	if !ok {
		return
	}
	delete(s.pids, e.Pid)
	if p.stdin != nil {
		p.stdin.Close()
		p.stdin = nil
	}
	if s.holdExit(p, e) {
		return
	}
	s.reaped(p, e)
}

// reaped reports p's exit to its pool, if it is a listener (after the
// last of its output), and to its machine, with the time it was reaped.
func (s *Supervisor) reaped(p *proc, e reaper.Exit) {
	if p.lis != nil && !p.gone {
		if p.lis.writer != nil {
			p.lis.writer.stop()
			p.lis.writer = nil
		}
		s.do(p.lis.pool.OnExit(p.cfg.Name))
	}
	s.handle(p, program.Reaped(e.Status, e.Time))
}

// handle feeds ev to p's machine and carries out what it asks for.
func (s *Supervisor) handle(p *proc, ev program.Event) {
	if p.gone {
		return
	}
	s.apply(p, p.m.Handle(ev, s.now()))
	if p.lis != nil && p.lis.restart {
		s.restartListener(p)
	}
}

func (s *Supervisor) apply(p *proc, acts []program.Action) {
	for _, a := range acts {
		switch a.Kind {
		case program.ActionSpawn:
			s.spawn(p)
		case program.ActionKill:
			if err := s.host.kill(a.Pid, a.Signal, a.Group); err != nil {
				s.handle(p, program.KillFailed(err.Error()))
			}
		case program.ActionSetTimer:
			s.setTimer(p, a.Timer, a.At, a.Gen)
		case program.ActionLog:
			s.logAt(a.Level).Msg(a.Msg)
		case program.ActionStateChanged:
			// The old state's timer is stale now; stop it so an idle
			// supinit has no timer left to wake it.
			if p.timer != nil {
				p.timer.Stop()
				p.timer = nil
			}
			s.log.Debug().Str("program", p.cfg.Namespec()).Msgf("%s: %s -> %s", p.cfg.Name, a.From, a.To)
			s.publishState(p, a)
		case program.ActionEnded:
			if p.cfg.Critical {
				s.criticalEnded(p, a.Code, a.Msg)
			}
		}
	}
}

// spawn starts p's process and reports the outcome to its machine.
func (s *Supervisor) spawn(p *proc) {
	pr, err := s.host.spawn(p.cfg)
	if err != nil {
		msg, code := err.Error(), 1
		var se *program.SpawnError
		if errors.As(err, &se) {
			code = se.ExitCode()
		}
		s.handle(p, program.SpawnFailed(msg, code))
		return
	}
	s.pids[pr.Pid] = p
	p.stdin = pr.Stdin
	p.drain.begin()
	if p.lis != nil {
		s.spawnedListener(p, pr)
	} else {
		s.copy(p.stdout, pr.Stdout, s.logTap(p, pr.Pid, events.Stdout))
	}
	s.copy(p.stderr, pr.Stderr, s.logTap(p, pr.Pid, events.Stderr))
	s.handle(p, program.Spawned(pr.Pid))
}

// copy runs one pipe's copier. A process is STOPPED when it is reaped,
// not when its pipes close: an orphan may hold them open much longer.
// tp, when not nil, taps the pipe (pipeTap.reader: the chunks read, the
// blocks of capture mode cut out of the log) and its EOF, and the exit of
// the spawn waits for that EOF (see drain).
func (s *Supervisor) copy(ch *logs.Channel, r *os.File, tp *pipeTap) {
	if r == nil {
		return
	}
	var src io.Reader = r
	if tp != nil {
		tp.t.p.drain.open++
		src = tp.reader(r)
	}
	s.copiers.Add(1)
	go func() {
		defer s.copiers.Done()
		defer r.Close()
		if ch == nil {
			_, _ = io.Copy(io.Discard, src)
		} else {
			_ = ch.Copy(src)
		}
		if tp != nil {
			tp.end()
		}
	}()
}

// setTimer arms p's one timer; it posts the timer event to the loop.
func (s *Supervisor) setTimer(p *proc, kind program.TimerKind, at time.Time, gen uint64) {
	if p.timer != nil {
		p.timer.Stop()
	}
	p.timer = time.AfterFunc(at.Sub(s.now()), func() {
		s.post(func() { s.timerFired(p, kind, gen) })
	})
}

// timerFired hands p's timer to its machine, after the exits the reaper
// has ready: when a startsecs deadline and an exit from before it come
// together, the exit decides (a failed start), whichever the loop picked
// first. While p's exit is held for its output, p is gone and its timers
// wait for that exit too (a stopwaitsecs SIGKILL must not hit a reused
// pid).
func (s *Supervisor) timerFired(p *proc, kind program.TimerKind, gen uint64) {
ready:
	for {
		select {
		case e := <-s.exits:
			s.onExit(e)
		default:
			break ready
		}
	}
	if p.drain.held != nil {
		return
	}
	s.handle(p, program.TimerFired(kind, gen))
}

func (s *Supervisor) logAt(level program.Level) *zerolog.Event {
	switch level {
	case program.LevelDebug:
		return s.log.Debug()
	case program.LevelWarn:
		return s.log.Warn()
	case program.LevelError:
		return s.log.Error()
	case program.LevelCritical:
		return logs.Crit(&s.log)
	}
	return s.log.Info()
}

// criticalEnded ends supinit when a critical program is over: FATAL, or
// EXITED with no restart. A stop asked for by supervisorctl never gets
// here (STOPPED is not an end), so `supervisorctl stop` of a critical
// program does not end the container.
func (s *Supervisor) criticalEnded(p *proc, code int, why string) {
	if s.shut != nil {
		return
	}
	s.log.Error().Str("program", p.cfg.Namespec()).Int("exit_code", code).
		Msgf("critical program %s: %s; shutting down with exit code %d", p.cfg.Name, why, code)
	s.startShutdown(code, false)
}

// eachProc calls fn for every active process in start order: groups by
// priority then activation order, processes in group order.
func (s *Supervisor) eachProc(fn func(p *proc)) {
	for _, g := range s.sortedGroups() {
		for _, p := range g.procs {
			fn(p)
		}
	}
}

package supervisor

import (
	"testing"
	"time"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/program"
	"github.com/supinit/supinit/reaper"
)

// startsecsRun is a loop on a fake host and a fake clock with one
// program, "app", started at the clock's start with startsecs=1h. Its
// exits go through a buffered channel, so the test can have one ready
// while the loop is busy.
type startsecsRun struct {
	*fakeRun
	start time.Time
	clock time.Time // the loop's now; touched on the loop only
	exits chan reaper.Exit
}

func startStartsecsRun(t *testing.T) *startsecsRun {
	t.Helper()
	h := &fakeHost{}
	r := &startsecsRun{
		fakeRun: startFake(t, h, unitProgram("app", 1, func(p *config.Program) {
			p.Autostart, p.Startsecs = false, time.Hour
		})),
		start: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		exits: make(chan reaper.Exit, 1),
	}
	r.s.onLoop(func() {
		r.clock = r.start
		r.s.now = func() time.Time { return r.clock }
		r.s.exits = r.exits
		r.s.handle(r.proc(), program.Start())
	})
	if r.state(t, "app") != program.Starting {
		t.Fatalf("app is %v after its start, want STARTING", r.state(t, "app"))
	}
	return r
}

// proc is app's proc; call it on the loop.
func (r *startsecsRun) proc() *proc { return r.s.groups["app"].procs[0] }

// exitAt is app's exit 0, reaped at start+reapedAfter.
func (r *startsecsRun) exitAt(reapedAfter time.Duration) reaper.Exit {
	return reaper.Exit{Pid: r.h.pidOf("app"), Time: r.start.Add(reapedAfter)}
}

// TestExitJudgedByReapTime: an exit reaped 1 min after the start but
// handled 2 h after it (the loop was busy, the clock moved on) is a
// failed start, BACKOFF: startsecs counts to the reap, not to the
// handling.
func TestExitJudgedByReapTime(t *testing.T) {
	r := startStartsecsRun(t)
	exit := r.exitAt(time.Minute)
	r.s.onLoop(func() {
		r.clock = r.start.Add(2 * time.Hour)
		r.exits <- exit
	})
	r.sync()
	if st := r.state(t, "app"); st != program.Backoff {
		t.Fatalf("app is %v after an exit 1 min into a 1 h startsecs, want BACKOFF", st)
	}
}

// TestReadyExitBeatsStartsecsTimer: when the startsecs timer's event is
// handled while an exit from before the deadline is already waiting, the
// exit goes first and the start failed (BACKOFF), instead of RUNNING
// then EXITED, whichever of the two the loop's select happens to pick.
func TestReadyExitBeatsStartsecsTimer(t *testing.T) {
	r := startStartsecsRun(t)
	exit := r.exitAt(time.Hour - time.Millisecond)
	r.s.onLoop(func() {
		p := r.proc()
		r.clock = r.start.Add(time.Hour)
		r.exits <- exit
		// What the startsecs timer posts to the loop when it fires.
		r.s.timerFired(p, program.TimerStartsecs, p.m.Gen())
	})
	r.sync()
	if st := r.state(t, "app"); st != program.Backoff {
		t.Fatalf("app is %v, want BACKOFF: it exited 1 ms before startsecs", st)
	}
}

// TestHeldExitBeatsStartsecsTimer: an exit held until the program's
// tapped output ends (see drain) is still the exit: the startsecs timer
// that fires meanwhile is not a success, and the start failed.
func TestHeldExitBeatsStartsecsTimer(t *testing.T) {
	r := startStartsecsRun(t)
	exit := r.exitAt(time.Hour - time.Millisecond)
	r.s.onLoop(func() {
		r.proc().drain.open = 1 // as copy counts a tapped pipe not at EOF
		r.exits <- exit
	})
	r.s.onLoop(func() {
		p := r.proc()
		if p.drain.held == nil {
			t.Error("the exit was not held for the open pipe")
		}
		r.clock = r.start.Add(time.Hour)
		r.s.timerFired(p, program.TimerStartsecs, p.m.Gen())
		r.s.pipeEnded(p, p.drain.spawn)
	})
	if st := r.state(t, "app"); st != program.Backoff {
		t.Fatalf("app is %v, want BACKOFF: it exited 1 ms before startsecs", st)
	}
}

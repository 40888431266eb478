package supervisor

import (
	"time"

	"github.com/supinit/supinit/reaper"
)

// drainWait bounds how long an exit is held for the EOF of the pipes the
// loop reads (see drain): a grandchild holding a pipe open must not keep
// a listener from being restarted or a program from being STOPPED.
const drainWait = time.Second

// drain holds a process's exit until the pipes whose chunks the loop
// needs (a listener's stdout, channels with *_events_enabled or capture
// mode) are read to the end, as supervisord drains a process's pipes
// before it handles its exit: a RESULT a listener wrote just before dying
// still counts, and a program's last words come as PROCESS_LOG or
// PROCESS_COMMUNICATION before its STOPPED or EXITED.
type drain struct {
	// spawn counts the spawns: taps and write errors carry the spawn they
	// belong to, so a former instance's late ones are recognised.
	spawn uint64
	open  int          // tapped pipes of this spawn not at EOF yet
	held  *reaper.Exit // the exit, held until open is 0
	timer *time.Timer  // ends the hold after drainWait
}

// begin starts the accounting of a new spawn.
func (d *drain) begin() {
	d.stop()
	d.spawn++
	d.open, d.held = 0, nil
}

func (d *drain) stop() {
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
}

// holdExit keeps p's exit while tapped pipes are open and reports
// whether it did.
func (s *Supervisor) holdExit(p *proc, e reaper.Exit) bool {
	d := &p.drain
	if d.open == 0 {
		return false
	}
	d.held = &e
	spawn := d.spawn
	d.timer = time.AfterFunc(drainWait, func() {
		s.post(func() {
			if d.spawn == spawn && d.held != nil {
				s.log.Debug().Str("program", p.cfg.Namespec()).
					Msgf("%s: its output is still open after it exited; not waiting for it", p.cfg.Name)
				s.releaseExit(p)
			}
		})
	})
	return true
}

// pipeEnded counts the EOF of one tapped pipe of spawn.
func (s *Supervisor) pipeEnded(p *proc, spawn uint64) {
	d := &p.drain
	if spawn != d.spawn {
		return
	}
	d.open--
	if d.open == 0 && d.held != nil {
		s.releaseExit(p)
	}
}

func (s *Supervisor) releaseExit(p *proc) {
	e := *p.drain.held
	p.drain.held = nil
	p.drain.stop()
	s.reaped(p, e)
}

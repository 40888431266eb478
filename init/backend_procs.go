package supervisor

import (
	"context"
	"errors"
	"os"
	"syscall"
	"time"

	"github.com/supinit/supinit/program"
)

// pending is the outcome of one process's start or stop: known now, or
// later through a waiter on the loop.
type pending struct {
	p   *proc
	res chan error // capacity 1
	now bool       // known when the call was made, not deferred
}

func done(p *proc, err error) pending {
	r := pending{p: p, res: make(chan error, 1), now: true}
	r.res <- err
	return r
}

// pollEvery is how often many looks for deferred outcomes. supervisord
// polls its deferred "all" calls every 50 ms; outcomes that become known
// between two polls are reported together, in process order.
const pollEvery = 50 * time.Millisecond

// wait waits for the outcome, or ctx, or the end of the loop.
func (s *Supervisor) wait(ctx context.Context, pd pending) error {
	select {
	case err := <-pd.res:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-s.quit:
		select {
		case err := <-pd.res:
			return err
		default:
			return shutdownFault()
		}
	}
}

// await registers check as a waiter unless it is satisfied already, and
// reports whether it did (the outcome is deferred). A cancelled ctx ends
// the waiter.
func (s *Supervisor) await(ctx context.Context, check func() bool) bool {
	w := func() bool { return ctx.Err() != nil || check() }
	if w() {
		return false
	}
	s.waiters = append(s.waiters, w)
	return true
}

// execFault is startProcess's look at the command before it spawns:
// NO_FILE for a missing command, NOT_EXECUTABLE for one that cannot run.
func (s *Supervisor) execFault(p *proc) error {
	if len(p.cfg.Argv) == 0 {
		return program.NewFault(program.FaultNotExecutable, "command is empty")
	}
	path := p.cfg.Environment["PATH"]
	if path == "" {
		path = s.parsed.Supervisord.Environment["PATH"]
	}
	if path == "" {
		path = os.Getenv("PATH")
	}
	_, err := program.LookPath(p.cfg.Argv[0], path)
	var se *program.SpawnError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se) && se.Kind == program.SpawnErrNotFound:
		return program.NewFault(program.FaultNoFile, se.Msg)
	}
	return program.NewFault(program.FaultNotExecutable, err.Error())
}

// startOne is startProcess for one process, on the loop, in supervisord's
// order of checks.
func (s *Supervisor) startOne(ctx context.Context, p *proc, wait bool) pending {
	name := p.cfg.Namespec()
	if err := s.execFault(p); err != nil {
		return done(p, err)
	}
	switch st := p.m.State(); {
	case st.IsRunning():
		return done(p, program.NewFault(program.FaultAlreadyStarted, name))
	case st == program.Unknown:
		return done(p, program.NewFault(program.FaultFailed, name+" is in an unknown state"))
	}
	s.handle(p, program.Start())
	if p.m.SpawnErr() != "" {
		return done(p, program.NewFault(program.FaultSpawnError, name))
	}
	if !wait {
		return done(p, nil)
	}
	r := pending{p: p, res: make(chan error, 1)}
	r.now = !s.await(ctx, func() bool {
		switch {
		case p.m.SpawnErr() != "":
			r.res <- program.NewFault(program.FaultSpawnError, name)
		case p.m.State() == program.Running:
			r.res <- nil
		case p.m.State() != program.Starting:
			r.res <- program.NewFault(program.FaultAbnormalTermination, name)
		default:
			return false
		}
		return true
	})
	return r
}

// stopOne is stopProcess for one process, on the loop.
func (s *Supervisor) stopOne(ctx context.Context, p *proc, wait bool) pending {
	name := p.cfg.Namespec()
	if !p.m.State().IsRunning() {
		return done(p, program.NewFault(program.FaultNotRunning, name))
	}
	s.handle(p, program.Stop())
	if p.m.State() == program.Unknown {
		return done(p, program.NewFault(program.FaultFailed, "unable to signal "+name))
	}
	if !wait {
		return done(p, nil)
	}
	r := pending{p: p, res: make(chan error, 1)}
	r.now = !s.await(ctx, func() bool {
		if !p.m.State().IsStopped() {
			return false
		}
		r.res <- nil
		return true
	})
	return r
}

// signalOne is signalProcess for one process, on the loop: to the pid,
// not the group, as supervisord does.
func (s *Supervisor) signalOne(p *proc, sig syscall.Signal) pending {
	name := p.cfg.Namespec()
	if !p.m.State().IsSignallable() {
		return done(p, program.NewFault(program.FaultNotRunning, name))
	}
	s.handle(p, program.Signal(sig))
	if p.m.State() == program.Unknown {
		return done(p, program.NewFault(program.FaultFailed, "unable to signal "+name))
	}
	return done(p, nil)
}

// one runs op on the process namespec names and waits for its outcome.
func (s *Supervisor) one(ctx context.Context, namespec string, op func(p *proc) pending) error {
	var pd pending
	err := s.call(func() error {
		p, err := s.resolveProc(namespec)
		if err != nil {
			return err
		}
		pd = op(p)
		return nil
	})
	if err != nil {
		return err
	}
	return s.wait(ctx, pd)
}

// many runs op on the processes that pick selects from (on the loop) and
// collects their results in supervisord's order: first the outcomes known
// at once (errors, starts without waiting), in process order, then the
// deferred ones as they become known, a poll round at a time, each round
// in process order. So a program that fails at once is reported before
// the ones that take startsecs to be RUNNING, as supervisord does.
func (s *Supervisor) many(ctx context.Context, pick func() ([]*proc, error), want func(p *proc) bool, op func(p *proc) pending) ([]program.Result, error) {
	var pds []pending
	err := s.call(func() error {
		procs, err := pick()
		if err != nil {
			return err
		}
		for _, p := range procs {
			if want(p) {
				pds = append(pds, op(p))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]program.Result, 0, len(pds))
	add := func(pd pending, err error) error {
		r := program.Result{Name: pd.p.cfg.Name, Group: pd.p.cfg.Group, Status: program.FaultSuccess, Description: "OK"}
		if err != nil {
			var f *program.Fault
			if !errors.As(err, &f) {
				return err // ctx ended
			}
			r.Status, r.Description = f.Code, f.Error()
		}
		out = append(out, r)
		return nil
	}
	var deferred []pending
	for _, pd := range pds {
		if !pd.now {
			deferred = append(deferred, pd)
		} else if err := add(pd, <-pd.res); err != nil {
			return out, err
		}
	}
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for len(deferred) > 0 {
		select {
		case <-tick.C:
		case <-ctx.Done():
			return out, ctx.Err()
		case <-s.quit:
			// No more rounds: what is left is known now or never.
			for _, pd := range deferred {
				if err := add(pd, s.wait(ctx, pd)); err != nil {
					return out, err
				}
			}
			return out, nil
		}
		left := deferred[:0]
		for _, pd := range deferred {
			select {
			case err := <-pd.res:
				if err := add(pd, err); err != nil {
					return out, err
				}
			default:
				left = append(left, pd)
			}
		}
		deferred = left
	}
	return out, nil
}

func (s *Supervisor) groupProcs(name string) func() ([]*proc, error) {
	return func() ([]*proc, error) {
		g, err := s.lookupGroup(name)
		if err != nil {
			return nil, err
		}
		return g.procs, nil
	}
}

func (s *Supervisor) allProcs() ([]*proc, error) {
	var out []*proc
	s.eachProc(func(p *proc) { out = append(out, p) })
	return out, nil
}

func notRunning(p *proc) bool  { return !p.m.State().IsRunning() }
func isRunning(p *proc) bool   { return p.m.State().IsRunning() }
func signallable(p *proc) bool { return p.m.State().IsSignallable() }

// StartProcess is startProcess.
func (s *Supervisor) StartProcess(ctx context.Context, namespec string, wait bool) error {
	return s.one(ctx, namespec, func(p *proc) pending { return s.startOne(ctx, p, wait) })
}

// StartProcessGroup starts every process of the group that is not
// running, all at once.
func (s *Supervisor) StartProcessGroup(ctx context.Context, name string, wait bool) ([]program.Result, error) {
	return s.many(ctx, s.groupProcs(name), notRunning, func(p *proc) pending { return s.startOne(ctx, p, wait) })
}

// StartAllProcesses starts every process that is not running.
func (s *Supervisor) StartAllProcesses(ctx context.Context, wait bool) ([]program.Result, error) {
	return s.many(ctx, s.allProcs, notRunning, func(p *proc) pending { return s.startOne(ctx, p, wait) })
}

// StopProcess is stopProcess.
func (s *Supervisor) StopProcess(ctx context.Context, namespec string, wait bool) error {
	return s.one(ctx, namespec, func(p *proc) pending { return s.stopOne(ctx, p, wait) })
}

// StopProcessGroup stops every running process of the group at once.
func (s *Supervisor) StopProcessGroup(ctx context.Context, name string, wait bool) ([]program.Result, error) {
	return s.many(ctx, s.groupProcs(name), isRunning, func(p *proc) pending { return s.stopOne(ctx, p, wait) })
}

// StopAllProcesses stops every running process at once.
func (s *Supervisor) StopAllProcesses(ctx context.Context, wait bool) ([]program.Result, error) {
	return s.many(ctx, s.allProcs, isRunning, func(p *proc) pending { return s.stopOne(ctx, p, wait) })
}

// SignalProcess is signalProcess.
func (s *Supervisor) SignalProcess(namespec string, sig syscall.Signal) error {
	return s.one(context.Background(), namespec, func(p *proc) pending { return s.signalOne(p, sig) })
}

// SignalProcessGroup signals every signallable process of the group.
func (s *Supervisor) SignalProcessGroup(name string, sig syscall.Signal) ([]program.Result, error) {
	return s.many(context.Background(), s.groupProcs(name), signallable, func(p *proc) pending { return s.signalOne(p, sig) })
}

// SignalAllProcesses signals every signallable process.
func (s *Supervisor) SignalAllProcesses(sig syscall.Signal) ([]program.Result, error) {
	return s.many(context.Background(), s.allProcs, signallable, func(p *proc) pending { return s.signalOne(p, sig) })
}

// Package reaper is the only caller of wait4 in supinit. It reaps every
// child (the programs supinit started and the orphans the kernel hands to
// PID 1 or to a child subreaper), gives the exit statuses of registered
// pids back in reaping order, and reports the orphans it reaped.
//
// Nothing else in the process may wait for children: a second waiter
// (exec.Cmd.Wait, os.Process.Wait) would race the wait4(-1) loop and lose
// statuses. Start processes with syscall.ForkExec inside Reaper.Start,
// and run one Reaper per process: two would steal each other's children.
package reaper

import (
	"errors"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// Exit is the end of a registered child.
type Exit struct {
	Pid    int
	Status syscall.WaitStatus
	Time   time.Time // when it was reaped
}

// Options configures a Reaper.
type Options struct {
	// OnOrphan, when set, is called for every reaped pid that was not
	// registered with Start (an orphan re-parented to us, or a child
	// something else forked). It runs on the wait loop's goroutine and
	// must not block.
	OnOrphan func(pid int, status syscall.WaitStatus)
}

// Reaper owns wait4 for the whole process.
type Reaper struct {
	onOrphan func(pid int, status syscall.WaitStatus)

	// mu is held around every wait4 call together with the lookup in
	// pids, and by Start around spawn + registration.
	mu   sync.Mutex
	pids map[int]struct{}

	// queue holds exits not yet taken by the consumer; it is unbounded so
	// the wait loop never waits for the consumer.
	qmu   sync.Mutex
	queue []Exit
	qwake chan struct{} // capacity 1: "the queue grew"

	exits chan Exit
	sigs  chan os.Signal
	stop  chan struct{}
	done  sync.WaitGroup
	once  sync.Once
}

// New starts a Reaper: it subscribes to SIGCHLD and runs the wait loop
// and the delivery of exits until Stop.
func New(opts Options) *Reaper {
	r := &Reaper{
		onOrphan: opts.OnOrphan,
		pids:     make(map[int]struct{}),
		qwake:    make(chan struct{}, 1),
		exits:    make(chan Exit),
		// One pending wake-up is enough because every wake-up drains
		// all exited children; a little more slack costs nothing.
		sigs: make(chan os.Signal, 16),
		stop: make(chan struct{}),
	}
	signal.Notify(r.sigs, syscall.SIGCHLD)
	r.done.Add(2)
	go r.waitLoop()
	go r.deliver()
	return r
}

// Start runs spawn, which must fork a child and return its pid, and
// registers that pid so its exit is delivered on Exits. spawn's error is
// returned as is; a child whose spawn failed is not registered.
//
// spawn runs with the lock the wait loop holds around each wait4 and
// lookup. This is the subtle line of the package:
//   - a child that exits at once cannot be reaped before its pid is
//     registered, so its status is never mistaken for an orphan's;
//   - syscall.ForkExec reaps by itself, with wait4(pid), a child whose
//     exec failed; holding the lock keeps our wait4(-1) from stealing
//     that status from it.
func (r *Reaper) Start(spawn func() (pid int, err error)) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	pid, err := spawn()
	if err != nil {
		return pid, err
	}
	r.pids[pid] = struct{}{}
	return pid, nil
}

// Exits delivers the exits of registered pids in reaping order. It is
// closed after Stop.
func (r *Reaper) Exits() <-chan Exit { return r.exits }

// Registered is the number of registered pids not yet reaped.
func (r *Reaper) Registered() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pids)
}

// Stop ends the wait loop and the delivery of exits, then closes Exits.
// Exits not yet taken are dropped. Stop may be called more than once.
func (r *Reaper) Stop() {
	r.once.Do(func() {
		signal.Stop(r.sigs)
		close(r.stop)
		r.done.Wait()
		close(r.exits)
	})
}

func (r *Reaper) waitLoop() {
	defer r.done.Done()
	// A child that exited before Notify took effect sent its SIGCHLD to
	// nobody: drain once now, or it would wait for the next exit.
	r.reapAll()
	for {
		select {
		case <-r.stop:
			return
		case <-r.sigs:
			// SIGCHLD coalesces: one signal may stand for many exits.
			r.reapAll()
		}
	}
}

// reapAll reaps every exited child until none is left to reap.
func (r *Reaper) reapAll() {
	for {
		pid, status, known, err := r.reapOne()
		if errors.Is(err, syscall.EINTR) {
			continue
		}
		if err != nil || pid <= 0 {
			// ECHILD (no children at all) or 0 (none exited yet).
			return
		}
		if known {
			r.enqueue(Exit{Pid: pid, Status: status, Time: time.Now()})
		} else if r.onOrphan != nil {
			r.onOrphan(pid, status)
		}
	}
}

func (r *Reaper) reapOne() (pid int, status syscall.WaitStatus, known bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	pid, err = syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
	if err != nil || pid <= 0 {
		return pid, status, false, err
	}
	if _, known = r.pids[pid]; known {
		delete(r.pids, pid)
	}
	return pid, status, known, nil
}

func (r *Reaper) enqueue(e Exit) {
	r.qmu.Lock()
	r.queue = append(r.queue, e)
	r.qmu.Unlock()
	select {
	case r.qwake <- struct{}{}:
	default: // a wake-up is already pending
	}
}

// deliver moves exits from the queue to the Exits channel, at the
// consumer's pace.
func (r *Reaper) deliver() {
	defer r.done.Done()
	for {
		r.qmu.Lock()
		batch := r.queue
		r.queue = nil
		r.qmu.Unlock()
		for _, e := range batch {
			select {
			case r.exits <- e:
			case <-r.stop:
				return
			}
		}
		select {
		case <-r.qwake:
		case <-r.stop:
			return
		}
	}
}

package supervisor

import (
	"time"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/events"
	"github.com/supinit/supinit/logs"
	"github.com/supinit/supinit/program"
)

// The [eventlistener:x] pools: the loop owns the listener processes and
// tells the events.Bus what happens to them; the bus answers with actions
// (write an event to a listener, log, restart a listener, print).

const (
	// listenerFlushWait bounds how long the shutdown lets the listeners
	// take the events still queued for them (the programs' STOPPING and
	// STOPPED, SUPERVISOR_STATE_CHANGE_STOPPING) before stopping them.
	listenerFlushWait = 3 * time.Second
	// listenerIdleWait ends that wait early when no listener of the
	// level wrote anything for so long: one that does not answer is not
	// waited for the whole listenerFlushWait. (Long enough for a
	// listener that does some work per event, short enough not to be
	// felt in a `docker stop`.)
	listenerIdleWait = 500 * time.Millisecond
	// listenerSignalWindow is how long after an event was sent to a
	// listener a repeated SIGTERM during the shutdown is taken as that
	// listener's reaction rather than a second request (see onSignal).
	listenerSignalWindow = time.Second
	// listenerMaxBackoff caps the wait before a listener that keeps
	// breaking the protocol is started again.
	listenerMaxBackoff = 60 * time.Second
)

// listener is what a proc of a listener pool has beyond a program's.
type listener struct {
	pool   *events.Pool
	writer *stdinWriter // the current spawn's stdin

	lastSent   time.Time // when an event was last written to it
	lastOutput time.Time // when it last wrote on its stdout

	// A listener that breaks the protocol is stopped and started again
	// after a backoff; past startretries breaks in a row it is FATAL.
	restart      bool      // the pool asked for a restart not yet done
	restartSpawn uint64    // the spawn that broke the protocol
	restartAt    time.Time // the restart is not due before
	restartTimer *time.Timer
	breaks       int    // breaks in a row, with no RESULT between them
	results      uint64 // the pool's Results count at the last break
}

// listenerBackoff is the wait before restarting a listener that broke the
// protocol breaks times in a row: 1 s, 2 s, 4 s, … at most
// listenerMaxBackoff.
func listenerBackoff(breaks int) time.Duration {
	d := time.Second
	for i := 1; i < breaks && d < listenerMaxBackoff; i++ {
		d *= 2
	}
	return min(d, listenerMaxBackoff)
}

// newBus starts the events of a (re)started supervisor; the pools come
// with their groups. A restart keeps the serial going, as supervisord's.
func (s *Supervisor) newBus(cfg *config.Config) {
	if s.bus != nil {
		s.bus = s.bus.Restart(cfg.Supervisord.Identifier)
		return
	}
	s.bus = events.NewBus(cfg.Supervisord.Identifier)
}

// publish sends ev to the pools that subscribe to it.
func (s *Supervisor) publish(ev events.Event) {
	s.do(s.bus.Publish(ev))
}

// addPool makes the pool of a listener group being added.
func (s *Supervisor) addPool(g *group) {
	if g.cfg.Kind != config.KindEventListener || len(g.procs) == 0 {
		return
	}
	first := g.procs[0].cfg
	names := make([]string, len(g.procs))
	for i, p := range g.procs {
		names[i] = p.cfg.Name
	}
	pool, err := s.bus.AddPool(events.PoolConfig{
		Name: g.cfg.Name, Events: first.Events, BufferSize: first.BufferSize,
		ResultHandler: first.ResultHandler, Processes: names,
	})
	if err != nil {
		s.log.Error().Err(err).Msgf("[eventlistener:%s] gets no events", g.cfg.Name)
		return
	}
	if !events.KnownResultHandler(first.ResultHandler) {
		s.log.Warn().Msgf("[eventlistener:%s] result_handler %s cannot be run by supinit: every result is taken as accepted",
			g.cfg.Name, first.ResultHandler)
	}
	for _, p := range g.procs {
		p.lis = &listener{pool: pool}
	}
}

// removeGroupEvents forgets what a group being removed has in the event
// machinery: its pool, if it is a listener group, and its timers.
func (s *Supervisor) removeGroupEvents(g *group) {
	for _, p := range g.procs {
		p.drain.stop()
		if p.lis == nil {
			continue
		}
		if p.lis.restartTimer != nil {
			p.lis.restartTimer.Stop()
			p.lis.restartTimer = nil
		}
		if p.lis.writer != nil {
			p.lis.writer.stop()
			p.lis.writer = nil
		}
	}
	s.bus.RemovePool(g.cfg.Name)
}

// stdoutLog is the stdout log config of pc. A listener's stdout is the
// protocol, which never goes to the container's streams.
func (s *Supervisor) stdoutLog(pc *config.Program) config.LogConfig {
	lc := pc.Stdout
	if _, ok := logs.IsContainerStream(lc.Logfile); ok && pc.Kind == config.KindEventListener {
		s.log.Warn().Str("program", pc.Namespec()).
			Msgf("%s is an event listener: its stdout (the protocol) is not written to %s", pc.Name, lc.Logfile)
		lc.Logfile = config.LogNone
	}
	return lc
}

// spawnedListener wires a new spawn of listener p: its stdin writer, its
// stdout copier feeding the protocol to the loop.
func (s *Supervisor) spawnedListener(p *proc, pr *program.Process) {
	l := p.lis
	spawn := p.drain.spawn
	if l.writer != nil {
		l.writer.stop()
		l.writer = nil
	}
	if pr.Stdin != nil {
		l.writer = startStdinWriter(pr.Stdin, func() {
			s.post(func() { s.listenerWriteFailed(p, spawn) })
		})
	}
	s.copy(p.stdout, pr.Stdout, &pipeTap{q: s.taps, t: tap{p: p, kind: tapProtocol, spawn: spawn}})
	s.do(l.pool.OnSpawn(p.cfg.Name))
}

// drainTaps handles what the copiers saw since the last time.
func (s *Supervisor) drainTaps() {
	for _, t := range s.taps.take() {
		p := t.p
		switch {
		case p.gone:
		case t.kind == tapEOF:
			s.pipeEnded(p, t.spawn)
		case t.kind == tapLog:
			s.publishLog(p, t.pid, t.ch, t.data)
		case t.kind == tapComm:
			s.publishComm(p, t.pid, t.ch, t.data)
		case t.spawn != p.drain.spawn:
			// A former instance's output, read after its exit was handled.
		default:
			p.lis.lastOutput = s.now()
			s.do(p.lis.pool.OnOutput(p.cfg.Name, t.data))
		}
	}
}

// logTap returns the tap of a program channel that has *_events_enabled
// or *_capture_maxbytes, else nil.
func (s *Supervisor) logTap(p *proc, pid int, ch events.Channel) *pipeTap {
	lc := p.cfg.Stdout
	if ch == events.Stderr {
		lc = p.cfg.Stderr
	}
	if !lc.EventsEnabled && lc.CaptureMaxbytes <= 0 {
		return nil
	}
	pt := &pipeTap{q: s.taps, t: tap{p: p, spawn: p.drain.spawn, pid: pid, ch: ch}, capture: lc.CaptureMaxbytes}
	if lc.EventsEnabled {
		pt.t.kind = tapLog
	}
	return pt
}

// publishLog publishes one chunk of output as PROCESS_LOG_STDOUT/STDERR,
// ANSI escapes stripped when the config says so, as supervisord does
// before it logs or notifies.
func (s *Supervisor) publishLog(p *proc, pid int, ch events.Channel, data []byte) {
	name := events.TypeProcessLogStdout
	if ch == events.Stderr {
		name = events.TypeProcessLogStderr
	}
	if !s.bus.Wants(name) {
		return
	}
	if s.parsed.Supervisord.StripAnsi {
		data = logs.StripANSI(data)
	}
	if len(data) > 0 {
		s.publish(events.ProcessLog(events.Process{Name: p.cfg.Name, Group: p.cfg.Group, PID: pid}, ch, data))
	}
}

// publishComm publishes a block a program wrote between the capture
// tokens as PROCESS_COMMUNICATION_STDOUT/STDERR, ANSI escapes stripped
// when the config says so, as supervisord strips what it captures.
func (s *Supervisor) publishComm(p *proc, pid int, ch events.Channel, data []byte) {
	s.log.Debug().Str("program", p.cfg.Namespec()).Msgf("'%s' %s emitted a comm event", p.cfg.Name, ch)
	name := events.TypeProcessCommunicationStdout
	if ch == events.Stderr {
		name = events.TypeProcessCommunicationStderr
	}
	if !s.bus.Wants(name) {
		return
	}
	if s.parsed.Supervisord.StripAnsi {
		data = logs.StripANSI(data)
	}
	s.publish(events.ProcessCommunication(events.Process{Name: p.cfg.Name, Group: p.cfg.Group, PID: pid}, ch, data))
}

// publishState publishes a state change of p (listeners' too) and tells
// a listener's pool when it may get events.
func (s *Supervisor) publishState(p *proc, a program.Action) {
	if p.lis != nil && a.From == program.Running {
		// Before the event, so that its own STOPPING is not sent to it.
		p.lis.pool.OnLeftRunning(p.cfg.Name)
	}
	s.publish(events.ProcessState(events.StateChange{
		Process: events.Process{Name: p.cfg.Name, Group: p.cfg.Group, PID: a.Pid},
		From:    a.From.String(), To: a.To.String(), Tries: a.Tries, Expected: a.Expected,
	}))
	if p.lis != nil && a.To == program.Running {
		s.do(p.lis.pool.OnRunning(p.cfg.Name))
	}
}

func (s *Supervisor) listenerWriteFailed(p *proc, spawn uint64) {
	if !p.gone && p.drain.spawn == spawn {
		s.do(p.lis.pool.OnWriteError(p.cfg.Name))
	}
}

// listenerMayHaveSignalled reports whether a signal arriving now may be a
// listener's reaction to an event: some listener is handling one, or was
// sent one less than listenerSignalWindow ago.
func (s *Supervisor) listenerMayHaveSignalled() bool {
	now := s.now()
	found := false
	s.eachProc(func(p *proc) {
		if p.lis == nil || found {
			return
		}
		// BUSY lasts from the event's write to the listener's RESULT
		// or exit.
		busy := p.lis.pool.State(p.cfg.Name) == events.Busy
		found = busy || (!p.lis.lastSent.IsZero() && now.Sub(p.lis.lastSent) < listenerSignalWindow)
	})
	return found
}

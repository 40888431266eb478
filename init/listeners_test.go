package supervisor

import (
	"bufio"
	"context"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/events"
	"github.com/supinit/supinit/program"
)

// pipeHost is a fakeHost whose spawns get real stdin and stdout pipes, so
// a test can play the listener's side of the protocol.
type pipeHost struct {
	*fakeHost
	next chan *fakeListener // every spawn, in order
}

func newPipeHost() *pipeHost {
	return &pipeHost{fakeHost: &fakeHost{}, next: make(chan *fakeListener, 4)}
}

// fakeListener is the child's side of one spawn.
type fakeListener struct {
	events chan envelope // what supinit writes, read as it comes
	stdout *os.File      // what the "listener" writes
}

// envelope is one event as a listener reads it.
type envelope struct {
	h       map[string]string
	payload string
}

func (h *pipeHost) spawn(p *config.Program) (*program.Process, error) {
	pr, err := h.fakeHost.spawn(p)
	if err != nil {
		return nil, err
	}
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	pr.Stdin, pr.Stdout = inW, outR
	l := &fakeListener{events: make(chan envelope, 16), stdout: outW}
	go l.read(bufio.NewReader(inR))
	h.next <- l
	return pr, nil
}

// read reads the events written to the listener until its stdin closes.
func (l *fakeListener) read(in *bufio.Reader) {
	defer close(l.events)
	for {
		line, err := in.ReadString('\n')
		if err != nil {
			return
		}
		h := map[string]string{}
		for _, f := range strings.Fields(line) {
			k, v, _ := strings.Cut(f, ":")
			h[k] = v
		}
		n, _ := strconv.Atoi(h["len"])
		b := make([]byte, n)
		if _, err := io.ReadFull(in, b); err != nil {
			return
		}
		l.events <- envelope{h, string(b)}
	}
}

func (l *fakeListener) write(t *testing.T, s string) {
	t.Helper()
	if _, err := io.WriteString(l.stdout, s); err != nil {
		t.Fatal(err)
	}
}

// event returns the next event written to the listener (with a
// deadline): its header fields and payload.
func (l *fakeListener) event(t *testing.T) (map[string]string, string) {
	t.Helper()
	select {
	case e, ok := <-l.events:
		if !ok {
			t.Fatal("the listener's stdin was closed before an event came")
		}
		return e.h, e.payload
	case <-time.After(5 * time.Second):
		t.Fatal("no event came to the listener")
	}
	return nil, ""
}

// noEvent fails if an event is written to the listener within d.
func (l *fakeListener) noEvent(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case e, ok := <-l.events:
		if ok {
			t.Fatalf("the listener was sent %v %q", e.h, e.payload)
		}
	case <-time.After(d):
	}
}

func nextSpawn(t *testing.T, h *pipeHost) *fakeListener {
	t.Helper()
	select {
	case l := <-h.next:
		return l
	case <-time.After(5 * time.Second):
		t.Fatal("the listener was not spawned")
	}
	return nil
}

// unitListener is an [eventlistener:name] pool of one process for the
// fake runs, subscribed to evs, RUNNING as soon as it is spawned.
func unitListener(name string, evs []string, edits ...func(p *config.Program)) *config.Program {
	return unitProgram(name, -1, append([]func(p *config.Program){func(p *config.Program) {
		p.Kind, p.Autorestart = config.KindEventListener, config.AutorestartTrue
		p.Events, p.BufferSize = evs, 10
	}}, edits...)...)
}

// waitFor syncs with the loop until cond holds, failing after a deadline.
func (r *fakeRun) waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		r.sync()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// fakeClock is the loop's clock, moved by the test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// useFakeClock gives the loop of r a clock that moves only by hand.
// (Timers still run on the real one: a test calls what they would.)
func useFakeClock(r *fakeRun) *fakeClock {
	c := &fakeClock{t: time.Now()}
	r.s.onLoop(func() { r.s.now = c.now })
	return c
}

// A RESULT a listener writes just before it dies counts even when its
// exit reaches the loop before the output does: the exit waits for the
// EOF of its stdout.
func TestListenerResultBeforeExitCounts(t *testing.T) {
	h := newPipeHost()
	lis := unitProgram("lis", -1, func(p *config.Program) {
		p.Kind, p.Autorestart = config.KindEventListener, config.AutorestartTrue
		p.Events, p.BufferSize = []string{"REMOTE_COMMUNICATION"}, 10
	})
	cfg := withListeners(makeConfig(t.TempDir()), lis)
	r := startFakeHost(t, h.fakeHost, h, cfg)
	first := nextSpawn(t, h)
	first.write(t, "READY\n")
	if err := r.s.SendRemoteCommEvent("test", "one"); err != nil {
		t.Fatal(err)
	}
	if hd, payload := first.event(t); hd["eventname"] != "REMOTE_COMMUNICATION" || payload != "type:test\none" {
		t.Fatalf("first event %v %q", hd, payload)
	}
	// The exit first, then the RESULT and the EOF.
	r.exit(t, "lis", syscall.WaitStatus(1<<8))
	first.write(t, "RESULT 2\nOK")
	first.stdout.Close()

	second := nextSpawn(t, h)
	second.write(t, "READY\n")
	if err := r.s.SendRemoteCommEvent("test", "two"); err != nil {
		t.Fatal(err)
	}
	if _, payload := second.event(t); payload != "type:test\ntwo" {
		t.Fatalf("the restarted listener got %q first; the event answered OK was sent again", payload)
	}
}

// A listener that breaks the protocol is stopped and started again, and
// gets the event it held.
func TestListenerProtocolViolationRestarts(t *testing.T) {
	h := newPipeHost()
	lis := unitProgram("lis", -1, func(p *config.Program) {
		p.Kind, p.Autorestart = config.KindEventListener, config.AutorestartFalse
		p.Events, p.BufferSize = []string{"REMOTE_COMMUNICATION"}, 10
	})
	r := startFakeHost(t, h.fakeHost, h, withListeners(makeConfig(t.TempDir()), lis))
	first := nextSpawn(t, h)
	first.write(t, "READY\n")
	if err := r.s.SendRemoteCommEvent("test", "one"); err != nil {
		t.Fatal(err)
	}
	hd, _ := first.event(t)
	first.write(t, "garbage\n")
	deadline := time.Now().Add(5 * time.Second)
	for len(h.takeKills()) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the broken listener was not stopped")
		}
		r.sync()
	}
	r.exit(t, "lis", syscall.WaitStatus(syscall.SIGTERM))
	first.stdout.Close()
	second := nextSpawn(t, h)
	second.write(t, "READY\n")
	if hd2, payload := second.event(t); hd2["serial"] != hd["serial"] || payload != "type:test\none" {
		t.Fatalf("the restarted listener got serial %s %q; want serial %s again", hd2["serial"], payload, hd["serial"])
	}
}

// A pool subscribed to a TICK arms one timer, at the end of the current
// timeslice; without one no timer is armed (TestIdleHasNoTimers).
func TestTickTimerOnlyForSubscribers(t *testing.T) {
	h := newPipeHost()
	lis := unitProgram("ticker", -1, func(p *config.Program) {
		p.Kind, p.Events, p.BufferSize = config.KindEventListener, []string{"TICK_60"}, 10
	})
	r := startFakeHost(t, h.fakeHost, h, withListeners(makeConfig(t.TempDir()), lis))
	nextSpawn(t, h)
	var armed bool
	var at time.Time
	r.s.onLoop(func() { armed, at = r.s.tick != nil, r.s.tickAt })
	if !armed || at.Unix()%60 != 0 || time.Until(at) > 60*time.Second {
		t.Fatalf("tick timer armed %v for %v; want one at the next minute", armed, at)
	}
}

// listenerDue runs what the restart timer of listener name would run, for
// tests on a fake clock.
func (r *fakeRun) listenerDue(name string) {
	r.s.onLoop(func() {
		if p := r.s.listenerProc(name, name); p != nil && p.lis.restart {
			r.s.restartListener(p)
		}
	})
}

// A listener that keeps breaking the protocol is started again after 1 s,
// 2 s, 4 s… of backoff; a RESULT in between starts the count again; past
// startretries breaks in a row it is left FATAL, and a start by hand
// gives it a fresh count.
func TestBrokenListenerBacksOffThenGoesFatal(t *testing.T) {
	h := newPipeHost()
	lis := unitListener("lis", []string{"REMOTE_COMMUNICATION"}, func(p *config.Program) { p.Startretries = 3 })
	r := startFakeHost(t, h.fakeHost, h, withListeners(makeConfig(t.TempDir()), lis))
	clock := useFakeClock(r)
	// breakIt makes l write a banner where READY belongs; supinit stops
	// it, and it exits.
	breakIt := func(l *fakeListener, banner string) {
		t.Helper()
		l.write(t, banner)
		r.waitFor(t, "the broken listener is stopped", func() bool { return slices.Contains(h.takeKills(), "lis SIGTERM") })
		r.exit(t, "lis", syscall.WaitStatus(syscall.SIGTERM))
		l.stdout.Close()
		r.waitFor(t, "the listener has stopped", func() bool { return r.state(t, "lis").IsStopped() })
	}
	// restartsAfter checks that the restart comes exactly d after the break.
	restartsAfter := func(d time.Duration) *fakeListener {
		t.Helper()
		clock.advance(d - time.Millisecond)
		r.listenerDue("lis")
		select {
		case <-h.next:
			t.Fatalf("restarted before %v", d)
		default:
		}
		clock.advance(time.Millisecond)
		r.listenerDue("lis")
		return nextSpawn(t, h)
	}

	l := nextSpawn(t, h)
	breakIt(l, "listener starting\n")
	l = restartsAfter(time.Second)
	// This one works for a while: its RESULT resets the count.
	l.write(t, "READY\n")
	if err := r.s.SendRemoteCommEvent("t", "one"); err != nil {
		t.Fatal(err)
	}
	l.event(t)
	l.write(t, "RESULT 2\nOK")
	breakIt(l, "garbage\n")
	l = restartsAfter(time.Second)
	for _, d := range []time.Duration{2 * time.Second, 4 * time.Second} {
		breakIt(l, "listener starting\n")
		l = restartsAfter(d)
	}
	breakIt(l, "listener starting\n")
	if st := r.state(t, "lis"); st != program.Fatal {
		t.Fatalf("after startretries+1 breaks in a row the listener is %v, want FATAL", st)
	}
	info, _ := r.s.ProcessInfo("lis")
	if info.Description != "Broke the eventlistener protocol 4 times in a row" {
		t.Fatalf("status shows %q", info.Description)
	}
	clock.advance(time.Hour)
	r.listenerDue("lis")
	select {
	case <-h.next:
		t.Fatal("a FATAL listener was started again")
	default:
	}

	if err := r.s.StartProcess(context.Background(), "lis", false); err != nil {
		t.Fatal(err)
	}
	l = nextSpawn(t, h)
	breakIt(l, "listener starting\n")
	restartsAfter(time.Second)
}

func TestListenerBackoff(t *testing.T) {
	var got []time.Duration
	for n := 1; n <= 9; n++ {
		got = append(got, listenerBackoff(n))
	}
	want := []time.Duration{1, 2, 4, 8, 16, 32, 60, 60, 60}
	for i := range want {
		want[i] *= time.Second
	}
	if !slices.Equal(got, want) {
		t.Fatalf("backoffs %v, want %v", got, want)
	}
}

// A listener being stopped is sent no more events (not even its own
// STOPPING); it gets them when it runs again.
func TestStoppingListenerGetsNoEvents(t *testing.T) {
	h := newPipeHost()
	lis := unitListener("lis", []string{"PROCESS_STATE_STOPPING", "REMOTE_COMMUNICATION"}, func(p *config.Program) {
		p.Autorestart = config.AutorestartFalse
	})
	r := startFakeHost(t, h.fakeHost, h, withListeners(makeConfig(t.TempDir()), lis))
	first := nextSpawn(t, h)
	first.write(t, "READY\n")
	if err := r.s.StopProcess(context.Background(), "lis", false); err != nil {
		t.Fatal(err)
	}
	if err := r.s.SendRemoteCommEvent("t", "while stopping"); err != nil {
		t.Fatal(err)
	}
	first.noEvent(t, 200*time.Millisecond)
	r.exit(t, "lis", syscall.WaitStatus(syscall.SIGTERM))
	first.stdout.Close()
	r.waitFor(t, "the listener is STOPPED", func() bool { return r.state(t, "lis") == program.Stopped })
	if err := r.s.StartProcess(context.Background(), "lis", false); err != nil {
		t.Fatal(err)
	}
	second := nextSpawn(t, h)
	second.write(t, "READY\n")
	if hd, _ := second.event(t); hd["eventname"] != "PROCESS_STATE_STOPPING" {
		t.Fatalf("first event after the restart: %v, want the STOPPING kept for it", hd)
	}
}

// After `supervisorctl reload` the serial goes on where it was; the new
// pools count from 0.
func TestReloadKeepsTheSerial(t *testing.T) {
	h := newPipeHost()
	lis := unitListener("lis", []string{"PROCESS_GROUP_ADDED"})
	r := startFakeHost(t, h.fakeHost, h, withListeners(makeConfig(t.TempDir(), unitProgram("a", 1)), lis))
	first := nextSpawn(t, h)
	nextSpawn(t, h) // a
	first.write(t, "READY\n")
	var serials []string
	for range 2 { // its own group's and a's
		hd, _ := first.event(t)
		serials = append(serials, hd["serial"]+"/"+hd["poolserial"])
		first.write(t, "RESULT 2\nOKREADY\n")
	}
	if err := r.s.Restart(); err != nil {
		t.Fatal(err)
	}
	r.waitFor(t, "a is stopped", func() bool { return slices.Contains(h.takeKills(), "a SIGTERM") })
	r.exit(t, "a", syscall.WaitStatus(syscall.SIGTERM))
	r.waitFor(t, "the listener is stopped", func() bool { return slices.Contains(h.takeKills(), "lis SIGTERM") })
	r.exit(t, "lis", syscall.WaitStatus(syscall.SIGTERM))
	first.stdout.Close()
	second := nextSpawn(t, h)
	nextSpawn(t, h) // a
	second.write(t, "READY\n")
	for range 2 {
		hd, _ := second.event(t)
		serials = append(serials, hd["serial"]+"/"+hd["poolserial"])
		second.write(t, "RESULT 2\nOKREADY\n")
	}
	if want := []string{"0/0", "1/1", "2/0", "3/1"}; !slices.Equal(serials, want) {
		t.Fatalf("serial/poolserial %v, want %v", serials, want)
	}
}

// answerAll plays a listener that answers OK to each event and returns
// each as "NAME payload", until it has n.
func answerAll(t *testing.T, l *fakeListener, n int) []string {
	t.Helper()
	var got []string
	for range n {
		hd, payload := l.event(t)
		got = append(got, strings.TrimSpace(hd["eventname"]+" "+payload))
		l.write(t, "RESULT 2\nOKREADY\n")
	}
	return got
}

// An update that changes a listener group (its buffer_size) replaces its
// pool: PROCESS_GROUP_REMOVED then _ADDED, and the new pool's serials
// start at 0. Removing the group removes its pool.
func TestListenerGroupUpdateAndRemove(t *testing.T) {
	h := newPipeHost()
	watch := unitListener("watch", []string{"PROCESS_GROUP"})
	pair := unitListener("pair", []string{"PROCESS_GROUP_ADDED"}, func(p *config.Program) { p.Priority, p.GroupPriority = 0, 0 })
	cfg := withListeners(makeConfig(t.TempDir()), watch, pair)
	r := startFakeHost(t, h.fakeHost, h, cfg)
	w, pl := nextSpawn(t, h), nextSpawn(t, h)
	w.write(t, "READY\n")
	pl.write(t, "READY\n")
	answerAll(t, w, 2) // the two groups added at start
	answerAll(t, pl, 1)
	var oldPool *events.Pool
	r.s.onLoop(func() { oldPool = r.s.bus.Pool("pair") })

	bigger := *pair
	bigger.BufferSize = 20
	r.s.onLoop(func() { r.s.applyConfig(withListeners(makeConfig(t.TempDir()), watch, &bigger)) })
	r.waitFor(t, "pair is stopped", func() bool { return slices.Contains(h.takeKills(), "pair SIGTERM") })
	r.exit(t, "pair", syscall.WaitStatus(syscall.SIGTERM))
	pl.stdout.Close()
	if got, want := answerAll(t, w, 2), []string{"PROCESS_GROUP_REMOVED groupname:pair", "PROCESS_GROUP_ADDED groupname:pair"}; !slices.Equal(got, want) {
		t.Fatalf("watch got %q, want %q", got, want)
	}
	pl = nextSpawn(t, h)
	pl.write(t, "READY\n")
	if hd, payload := pl.event(t); hd["poolserial"] != "0" || payload != "groupname:pair\n" {
		t.Fatalf("the new pair got %v %q; want its own group's ADDED as poolserial 0", hd, payload)
	}
	r.s.onLoop(func() {
		if p := r.s.bus.Pool("pair"); p == oldPool || p == nil {
			t.Error("the pool of the updated group was not replaced")
		}
	})

	r.s.onLoop(func() { r.s.applyConfig(withListeners(makeConfig(t.TempDir()), watch)) })
	r.waitFor(t, "pair is stopped", func() bool { return slices.Contains(h.takeKills(), "pair SIGTERM") })
	r.exit(t, "pair", syscall.WaitStatus(syscall.SIGTERM))
	pl.stdout.Close()
	if got, want := answerAll(t, w, 1), []string{"PROCESS_GROUP_REMOVED groupname:pair"}; !slices.Equal(got, want) {
		t.Fatalf("watch got %q, want %q", got, want)
	}
	r.s.onLoop(func() {
		if r.s.bus.Pool("pair") != nil {
			t.Error("the removed group's pool is still there")
		}
	})
}

// A second signal during the shutdown kills everything, unless it may be
// a listener's reaction to an event: SIGQUIT never escalates, SIGTERM
// not while a listener handles an event or within a second of one.
func TestRepeatedSignalDuringShutdown(t *testing.T) {
	tests := []struct {
		name     string
		listener string        // "idle", "busy" or "answered"
		ago      time.Duration // "answered": how long before the signal
		sig      syscall.Signal
		kill     bool
	}{
		{"QUIT never escalates", "idle", 0, syscall.SIGQUIT, false},
		{"TERM with quiet listeners", "idle", 0, syscall.SIGTERM, true},
		{"TERM while a listener is busy", "busy", 0, syscall.SIGTERM, false},
		{"TERM just after an event", "answered", 500 * time.Millisecond, syscall.SIGTERM, false},
		{"TERM long after an event", "answered", 1500 * time.Millisecond, syscall.SIGTERM, true},
		{"INT always escalates", "busy", 0, syscall.SIGINT, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newPipeHost()
			lis := unitListener("lis", []string{"REMOTE_COMMUNICATION"})
			r := startFakeHost(t, h.fakeHost, h, withListeners(makeConfig(t.TempDir(), unitProgram("a", 1)), lis))
			clock := useFakeClock(r)
			l := nextSpawn(t, h)
			nextSpawn(t, h) // a
			l.write(t, "READY\n")
			if tc.listener != "idle" {
				if err := r.s.SendRemoteCommEvent("t", "x"); err != nil {
					t.Fatal(err)
				}
				l.event(t)
			}
			if tc.listener == "answered" {
				l.write(t, "RESULT 2\nOKREADY\n")
				r.waitFor(t, "the answer is read", func() bool {
					var st events.ListenerState
					r.s.onLoop(func() { st = r.s.bus.Pool("lis").State("lis") })
					return st == events.Ready
				})
			}
			r.s.sigs <- syscall.SIGTERM
			r.waitFor(t, "a is stopped", func() bool { return slices.Contains(h.takeKills(), "a SIGTERM") })
			clock.advance(tc.ago)
			r.signal(tc.sig)
			if killed := slices.Contains(h.takeKills(), "a SIGKILL"); killed != tc.kill {
				t.Fatalf("SIGKILL sent: %v, want %v", killed, tc.kill)
			}
		})
	}
}

// The shutdown waits for its listeners to take their last events only
// while they answer: one that has sat on an event since before the
// shutdown is not waited for at all, one that stops answering is waited
// for listenerIdleWait, not listenerFlushWait.
func TestShutdownDoesNotWaitForASilentListener(t *testing.T) {
	tests := []struct {
		name      string
		events    []string
		sendEarly bool // an event before the shutdown, never answered
		min, max  time.Duration
	}{
		{"busy since before the shutdown", []string{"REMOTE_COMMUNICATION"}, true, 0, 300 * time.Millisecond},
		{"silent on an event of the shutdown", []string{"PROCESS_STATE_STOPPED"}, false, listenerIdleWait - 50*time.Millisecond, 2 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newPipeHost()
			lis := unitListener("lis", tc.events)
			r := startFakeHost(t, h.fakeHost, h, withListeners(makeConfig(t.TempDir(), unitProgram("a", 1)), lis))
			l := nextSpawn(t, h)
			nextSpawn(t, h) // a
			l.write(t, "READY\n")
			if tc.sendEarly {
				if err := r.s.SendRemoteCommEvent("t", "x"); err != nil {
					t.Fatal(err)
				}
				l.event(t)
			}
			r.s.sigs <- syscall.SIGTERM
			r.waitFor(t, "a is stopped", func() bool { return slices.Contains(h.takeKills(), "a SIGTERM") })
			start := time.Now()
			r.exit(t, "a", syscall.WaitStatus(syscall.SIGTERM))
			r.waitFor(t, "the listener is stopped", func() bool { return slices.Contains(h.takeKills(), "lis SIGTERM") })
			if took := time.Since(start); took < tc.min || took > tc.max {
				t.Fatalf("the listener was stopped %v after the last program; want %v to %v", took, tc.min, tc.max)
			}
		})
	}
}

// syncBuffer is a log sink the loop writes and the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.WriteString(string(p))
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// While a level waits for its listeners nothing says it waits for them
// to die: the repeat of the level before is stopped with that level, and
// the level's own "waiting for" comes once its stop requests are sent.
func TestNoWaitingLogWhileListenersTakeEvents(t *testing.T) {
	h := newPipeHost()
	lis := unitListener("lis", []string{"PROCESS_STATE_STOPPED"})
	r := startFakeHost(t, h.fakeHost, h, withListeners(makeConfig(t.TempDir(), unitProgram("a", 1)), lis))
	logged := &syncBuffer{}
	r.s.onLoop(func() { r.s.log = zerolog.New(logged) })
	l := nextSpawn(t, h)
	nextSpawn(t, h) // a
	l.write(t, "READY\n")
	r.s.sigs <- syscall.SIGTERM
	r.waitFor(t, "a is stopped", func() bool { return slices.Contains(h.takeKills(), "a SIGTERM") })
	r.exit(t, "a", syscall.WaitStatus(syscall.SIGTERM))
	l.event(t) // a's STOPPED: the level of lis now waits for its answer
	r.s.onLoop(func() {
		if r.s.shut.logTick != nil {
			t.Error("the repeat of the finished level's log is still armed")
		}
		r.s.logWaiting() // as that repeat would
	})
	r.waitFor(t, "the listener is stopped", func() bool { return slices.Contains(h.takeKills(), "lis SIGTERM") })
	if n := strings.Count(logged.String(), "waiting for lis to die"); n != 1 {
		t.Fatalf("%d times \"waiting for lis to die\", want 1:\n%s", n, logged.String())
	}
}

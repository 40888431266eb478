package supervisor

import (
	"bufio"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/program"
)

// pipeHost is a fakeHost whose spawns get real stdin and stdout pipes, so
// a test can play the listener's side of the protocol.
type pipeHost struct {
	*fakeHost
	mu     sync.Mutex
	spawns map[string][]*fakeListener
	next   chan *fakeListener // every spawn, in order
}

// fakeListener is the child's side of one spawn.
type fakeListener struct {
	stdin  *bufio.Reader // what supinit writes
	stdout *os.File      // what the "listener" writes
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
	l := &fakeListener{stdin: bufio.NewReader(inR), stdout: outW}
	h.next <- l
	return pr, nil
}

func (l *fakeListener) write(t *testing.T, s string) {
	t.Helper()
	if _, err := io.WriteString(l.stdout, s); err != nil {
		t.Fatal(err)
	}
}

// event reads one envelope (with a deadline) and returns its header
// fields and payload.
func (l *fakeListener) event(t *testing.T) (map[string]string, string) {
	t.Helper()
	type envelope struct {
		h       map[string]string
		payload string
		err     error
	}
	got := make(chan envelope, 1)
	go func() {
		line, err := l.stdin.ReadString('\n')
		if err != nil {
			got <- envelope{err: err}
			return
		}
		h := map[string]string{}
		for _, f := range strings.Fields(line) {
			k, v, _ := strings.Cut(f, ":")
			h[k] = v
		}
		n, _ := strconv.Atoi(h["len"])
		b := make([]byte, n)
		_, err = io.ReadFull(l.stdin, b)
		got <- envelope{h, string(b), err}
	}()
	select {
	case e := <-got:
		if e.err != nil {
			t.Fatalf("cannot read an event: %v", e.err)
		}
		return e.h, e.payload
	case <-time.After(5 * time.Second):
		t.Fatal("no event came to the listener")
	}
	return nil, ""
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

// A RESULT a listener writes just before it dies counts even when its
// exit reaches the loop before the output does: the exit waits for the
// EOF of its stdout.
func TestListenerResultBeforeExitCounts(t *testing.T) {
	h := &pipeHost{fakeHost: &fakeHost{}, next: make(chan *fakeListener, 4)}
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
	h := &pipeHost{fakeHost: &fakeHost{}, next: make(chan *fakeListener, 4)}
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
	h := &pipeHost{fakeHost: &fakeHost{}, next: make(chan *fakeListener, 4)}
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

package events

import (
	"reflect"
	"strings"
	"testing"
)

func eq(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", what, got, want)
	}
}

func TestPoolDeliversInOrderOnlyWhenRunningAndReady(t *testing.T) {
	b := NewBus("supervisor")
	p := mustPool(t, b, PoolConfig{Name: "p", Events: []string{"PROCESS_STATE"}, BufferSize: 10, Processes: []string{"l0"}})
	web := Process{Name: "web", Group: "web", PID: 7}
	var got []string
	got = append(got, summary(p.OnSpawn("l0"))...)
	got = append(got, summary(b.Publish(ProcessState(StateChange{Process: web, From: "STOPPED", To: "STARTING"})))...)
	got = append(got, summary(b.Publish(ProcessState(StateChange{Process: web, From: "STARTING", To: "RUNNING"})))...)
	got = append(got, summary(b.Publish(Tick(5, 5)))...) // not subscribed
	got = append(got, summary(p.OnOutput("l0", []byte("READY\n")))...)
	eq(t, "before RUNNING", got, nil)
	if p.State("l0") != Ready || p.Queued() != 2 {
		t.Fatalf("state %s queued %d, want READY 2", p.State("l0"), p.Queued())
	}

	acts := p.OnRunning("l0")
	eq(t, "at RUNNING", summary(acts), []string{"write l0 serial:0 pool:p poolserial:0 eventname:PROCESS_STATE_STARTING"})
	wantFirst := "ver:3.0 server:supervisor serial:0 pool:p poolserial:0 eventname:PROCESS_STATE_STARTING len:56\n" +
		"processname:web groupname:web from_state:STOPPED tries:0"
	if string(acts[0].Data) != wantFirst || acts[0].Pool != "p" {
		t.Errorf("first write %q to pool %q, want %q", acts[0].Data, acts[0].Pool, wantFirst)
	}
	eq(t, "after OK", summary(p.OnOutput("l0", []byte("RESULT 2\nOKREADY\n"))),
		[]string{"write l0 serial:1 pool:p poolserial:1 eventname:PROCESS_STATE_RUNNING"})
	eq(t, "after second OK", summary(p.OnOutput("l0", []byte("RESULT 2\nOKREADY\n"))), nil)
	eq(t, "published while READY", summary(b.Publish(ProcessState(StateChange{Process: web, From: "RUNNING", To: "FATAL"}))),
		[]string{"write l0 serial:2 pool:p poolserial:2 eventname:PROCESS_STATE_FATAL"})
}

func TestFailIsRedeliveredFirst(t *testing.T) {
	b := NewBus("s")
	p := mustPool(t, b, PoolConfig{Name: "p", Events: []string{"TICK"}, BufferSize: 10, Processes: []string{"l0"}})
	readyListeners(p)
	var got []string
	for n := range int64(3) {
		got = append(got, summary(b.Publish(tickEvent(n)))...)
	}
	got = append(got, summary(p.OnOutput("l0", []byte("RESULT 4\nFAIL")))...)
	got = append(got, summary(p.OnOutput("l0", []byte("READY\n")))...)
	got = append(got, summary(p.OnOutput("l0", []byte("RESULT 2\nok")))...) // anything but OK rejects
	got = append(got, summary(p.OnOutput("l0", []byte("READY\n")))...)
	got = append(got, summary(p.OnOutput("l0", []byte("RESULT 2\nOKREADY\n")))...)
	eq(t, "actions", got, []string{
		"write l0 serial:0 pool:p poolserial:0 eventname:TICK_5",
		"warn l0: event was rejected",
		"write l0 serial:0 pool:p poolserial:0 eventname:TICK_5",
		"warn l0: event was rejected",
		"write l0 serial:0 pool:p poolserial:0 eventname:TICK_5",
		"write l0 serial:1 pool:p poolserial:1 eventname:TICK_5",
	})
	if p.Queued() != 1 {
		t.Errorf("queued %d, want 1", p.Queued())
	}
}

func TestFullBufferDropsOldest(t *testing.T) {
	b := NewBus("s")
	p := mustPool(t, b, PoolConfig{Name: "slow", Events: []string{"TICK_5"}, BufferSize: 3, Processes: []string{"l0"}})
	readyListeners(p)
	var got []string
	for n := range int64(6) { // 0 goes to the listener, 1..5 wait in 3 places
		got = append(got, summary(b.Publish(tickEvent(n)))...)
	}
	eq(t, "publishing", got, []string{
		"write l0 serial:0 pool:slow poolserial:0 eventname:TICK_5",
		"error pool slow event buffer overflowed, discarding event 1",
		"error pool slow event buffer overflowed, discarding event 2",
	})
	got = nil
	for range 4 {
		got = append(got, writesOnly(summary(p.OnOutput("l0", []byte("RESULT 2\nOKREADY\n"))))...)
	}
	eq(t, "draining", got, []string{
		"write l0 serial:3 pool:slow poolserial:3 eventname:TICK_5",
		"write l0 serial:4 pool:slow poolserial:4 eventname:TICK_5",
		"write l0 serial:5 pool:slow poolserial:5 eventname:TICK_5",
	})
}

// As supervisord's _acceptEvent: taking an event back into a full buffer
// still drops the oldest queued one.
func TestRejectIntoFullBuffer(t *testing.T) {
	b := NewBus("s")
	p := mustPool(t, b, PoolConfig{Name: "p", Events: []string{"TICK_5"}, BufferSize: 2, Processes: []string{"l0"}})
	readyListeners(p)
	for n := range int64(3) {
		b.Publish(tickEvent(n))
	}
	got := summary(p.OnOutput("l0", []byte("RESULT 4\nFAIL")))
	got = append(got, summary(p.OnOutput("l0", []byte("READY\n")))...)
	got = append(got, writesOnly(summary(p.OnOutput("l0", []byte("RESULT 2\nOKREADY\n"))))...)
	eq(t, "actions", got, []string{
		"warn l0: event was rejected",
		"error pool p event buffer overflowed, discarding event 1",
		"write l0 serial:0 pool:p poolserial:0 eventname:TICK_5",
		"write l0 serial:2 pool:p poolserial:2 eventname:TICK_5",
	})
}

func TestListenerDeathKeepsEvents(t *testing.T) {
	b := NewBus("s")
	p := mustPool(t, b, PoolConfig{Name: "p", Events: []string{"TICK_5"}, BufferSize: 10, Processes: []string{"l0"}})
	readyListeners(p)
	for n := range int64(3) {
		b.Publish(tickEvent(n))
	}
	p.OnOutput("l0", []byte("RESULT 2\n")) // dies half-way through its answer
	eq(t, "exit", summary(p.OnExit("l0")), nil)
	if p.Queued() != 3 {
		t.Fatalf("queued %d after the exit, want 3", p.Queued())
	}
	eq(t, "output after exit", summary(p.OnOutput("l0", []byte("OK"))), nil)
	got := writesOnly(summary(readyListeners(p)))
	for range 3 {
		got = append(got, writesOnly(summary(p.OnOutput("l0", []byte("RESULT 2\nOKREADY\n"))))...)
	}
	eq(t, "after restart", got, []string{
		"write l0 serial:0 pool:p poolserial:0 eventname:TICK_5",
		"write l0 serial:1 pool:p poolserial:1 eventname:TICK_5",
		"write l0 serial:2 pool:p poolserial:2 eventname:TICK_5",
	})
}

func TestGarbageRestartsListener(t *testing.T) {
	tests := []struct {
		name    string
		busy    bool   // the listener holds an event when it misbehaves
		garbage string // what it writes then
	}{
		{"bad result line", true, "RESULT x\n"},
		{"no RESULT", true, "done\n"},
		{"banner before READY", false, "Starting listener v1\n"},
		{"newline after OK", false, "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBus("s")
			p := mustPool(t, b, PoolConfig{Name: "p", Events: []string{"TICK_5"}, BufferSize: 10, Processes: []string{"l0"}})
			p.OnSpawn("l0")
			p.OnRunning("l0")
			if tt.busy {
				p.OnOutput("l0", []byte("READY\n"))
			}
			b.Publish(tickEvent(0))
			b.Publish(tickEvent(1))
			acts := summary(p.OnOutput("l0", []byte(tt.garbage)))
			if len(acts) != 2 || !strings.HasPrefix(acts[0], "warn l0: ") || acts[1] != "restart l0" {
				t.Fatalf("garbage gave %q, want a warning and a restart", acts)
			}
			if p.State("l0") != Unknown || p.Queued() != 2 {
				t.Fatalf("state %s queued %d, want UNKNOWN and both events kept", p.State("l0"), p.Queued())
			}
			eq(t, "output while UNKNOWN", summary(p.OnOutput("l0", []byte("READY\n"))), nil)
			eq(t, "exit", summary(p.OnExit("l0")), nil)
			got := writesOnly(summary(readyListeners(p)))
			got = append(got, writesOnly(summary(p.OnOutput("l0", []byte("RESULT 2\nOKREADY\n"))))...)
			eq(t, "after restart", got, []string{
				"write l0 serial:0 pool:p poolserial:0 eventname:TICK_5",
				"write l0 serial:1 pool:p poolserial:1 eventname:TICK_5",
			})
		})
	}
}

func TestWriteErrorRestartsAndKeepsEvent(t *testing.T) {
	b := NewBus("s")
	p := mustPool(t, b, PoolConfig{Name: "p", Events: []string{"TICK_5"}, BufferSize: 10, Processes: []string{"l0", "l1"}})
	readyListeners(p)
	b.Publish(tickEvent(0)) // to l0
	got := summary(p.OnWriteError("l0"))
	eq(t, "write error", got, []string{
		"warn l0: cannot write an event to its stdin; it will be restarted",
		"restart l0",
		"write l1 serial:0 pool:p poolserial:0 eventname:TICK_5",
	})
	eq(t, "second write error", summary(p.OnWriteError("l0")), nil)
}

func TestPoolSpreadsOverListenersInOrder(t *testing.T) {
	b := NewBus("s")
	p := mustPool(t, b, PoolConfig{Name: "p", Events: []string{"EVENT"}, BufferSize: 10, Processes: []string{"l0", "l1"}})
	readyListeners(p)
	var got []string
	for n := range int64(3) {
		got = append(got, summary(b.Publish(tickEvent(n)))...)
	}
	got = append(got, summary(p.OnOutput("l1", []byte("RESULT 2\nOKREADY\n")))...)
	eq(t, "writes", got, []string{
		"write l0 serial:0 pool:p poolserial:0 eventname:TICK_5",
		"write l1 serial:1 pool:p poolserial:1 eventname:TICK_5",
		"write l1 serial:2 pool:p poolserial:2 eventname:TICK_5",
	})
}

// A listener being stopped gets no new events; the one it holds is still
// its own to answer.
func TestNoEventsAfterLeavingRunning(t *testing.T) {
	b := NewBus("s")
	p := mustPool(t, b, PoolConfig{Name: "p", Events: []string{"TICK_5"}, BufferSize: 10, Processes: []string{"l0"}})
	readyListeners(p)
	eq(t, "while RUNNING", summary(b.Publish(tickEvent(0))), []string{"write l0 serial:0 pool:p poolserial:0 eventname:TICK_5"})
	p.OnLeftRunning("l0")
	eq(t, "after leaving RUNNING", summary(b.Publish(tickEvent(1))), nil)
	eq(t, "its answer", summary(p.OnOutput("l0", []byte("RESULT 2\nOKREADY\n"))), nil)
	if p.Queued() != 1 || p.Results("l0") != 1 {
		t.Fatalf("queued %d results %d; want the new event kept and one result counted", p.Queued(), p.Results("l0"))
	}
	eq(t, "started again", summary(append(p.OnExit("l0"), readyListeners(p)...)),
		[]string{"write l0 serial:1 pool:p poolserial:1 eventname:TICK_5"})
}

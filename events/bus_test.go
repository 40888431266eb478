package events

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestSerialsAcrossPools(t *testing.T) {
	b := NewBus("id")
	a := mustPool(t, b, PoolConfig{Name: "a", Events: []string{"PROCESS_GROUP"}, BufferSize: 10, Processes: []string{"a0"}})
	c := mustPool(t, b, PoolConfig{Name: "c", Events: []string{"PROCESS_GROUP_ADDED", "TICK_5"}, BufferSize: 10, Processes: []string{"c0"}})
	readyListeners(a)
	readyListeners(c)
	var got []string
	got = append(got, summary(b.Publish(ProcessGroupAdded("g")))...)
	got = append(got, summary(b.Publish(RemoteCommunication("t", "nobody wants this")))...)
	got = append(got, summary(c.OnOutput("c0", []byte("RESULT 2\nOKREADY\n")))...)
	got = append(got, summary(b.Publish(Tick(5, 10)))...)
	got = append(got, summary(a.OnOutput("a0", []byte("RESULT 2\nOKREADY\n")))...)
	got = append(got, summary(b.Publish(ProcessGroupRemoved("g")))...)
	eq(t, "writes", got, []string{
		"write a0 serial:0 pool:a poolserial:0 eventname:PROCESS_GROUP_ADDED",
		"write c0 serial:0 pool:c poolserial:0 eventname:PROCESS_GROUP_ADDED",
		"write c0 serial:1 pool:c poolserial:1 eventname:TICK_5",
		"write a0 serial:2 pool:a poolserial:1 eventname:PROCESS_GROUP_REMOVED",
	})
	if !b.Wants("TICK_5") || b.Wants("TICK_60") || !b.Wants("PROCESS_GROUP_REMOVED") || b.Wants("PROCESS_LOG_STDOUT") {
		t.Error("Wants disagrees with the subscriptions")
	}
}

func TestAddPoolErrors(t *testing.T) {
	good := PoolConfig{Name: "p", Events: []string{"TICK"}, BufferSize: 1, Processes: []string{"l0"}}
	tests := []struct {
		name   string
		change func(*PoolConfig)
	}{
		{"no name", func(c *PoolConfig) { c.Name = "" }},
		{"buffer size 0", func(c *PoolConfig) { c.BufferSize = 0 }},
		{"no events", func(c *PoolConfig) { c.Events = nil }},
		{"unknown event", func(c *PoolConfig) { c.Events = []string{"NOPE"} }},
		{"no processes", func(c *PoolConfig) { c.Processes = nil }},
		{"duplicate process", func(c *PoolConfig) { c.Processes = []string{"a", "a"} }},
	}
	for _, tt := range tests {
		cfg := good
		cfg.Events, cfg.Processes = slices.Clone(good.Events), slices.Clone(good.Processes)
		tt.change(&cfg)
		if _, err := NewBus("s").AddPool(cfg); err == nil {
			t.Errorf("%s: AddPool accepted %+v", tt.name, cfg)
		}
	}
	b := NewBus("s")
	mustPool(t, b, good)
	if _, err := b.AddPool(good); !errors.Is(err, ErrPoolExists) {
		t.Errorf("second AddPool: %v, want ErrPoolExists", err)
	}
	if !b.RemovePool("p") || b.RemovePool("p") || b.Pool("p") != nil {
		t.Error("RemovePool did not remove exactly once")
	}
	if acts := b.Publish(Tick(5, 0)); acts != nil {
		t.Errorf("a removed pool still got %v", summary(acts))
	}
}

// A restarted supervisor's bus goes on with the serials, as supervisord's
// global serial does; the new pools count from 0 again.
func TestRestartKeepsTheSerial(t *testing.T) {
	cfg := PoolConfig{Name: "p", Events: []string{"PROCESS_GROUP"}, BufferSize: 10, Processes: []string{"l0"}}
	b := NewBus("id")
	readyListeners(mustPool(t, b, cfg))
	delivered(b.Pool("p"), b.Publish(ProcessGroupAdded("a")))
	delivered(b.Pool("p"), b.Publish(ProcessGroupAdded("b")))

	nb := b.Restart("id2")
	if nb.Pool("p") != nil {
		t.Fatal("the restarted bus kept a pool")
	}
	readyListeners(mustPool(t, nb, cfg))
	acts := nb.Publish(ProcessGroupAdded("a"))
	eq(t, "writes", summary(acts), []string{"write l0 serial:2 pool:p poolserial:0 eventname:PROCESS_GROUP_ADDED"})
	if got := string(acts[0].Data); !strings.HasPrefix(got, "ver:3.0 server:id2 ") {
		t.Fatalf("envelope %q; want the new identifier", got)
	}
}

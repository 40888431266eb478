package events

import (
	"strconv"
	"testing"
	"time"
)

func at(sec int64) time.Time { return time.Unix(sec, 500_000_000) }

func TestNoTickTimerWithoutSubscribers(t *testing.T) {
	b := NewBus("s")
	if _, ok := b.NextTick(at(1000)); ok {
		t.Error("a bus without pools wants a tick timer")
	}
	mustPool(t, b, PoolConfig{Name: "p", Events: []string{"PROCESS_STATE", "PROCESS_LOG"}, BufferSize: 1, Processes: []string{"l0"}})
	if _, ok := b.NextTick(at(1000)); ok {
		t.Error("a bus without TICK subscribers wants a tick timer")
	}
	if acts := b.Tick(at(5000)); acts != nil {
		t.Errorf("Tick without subscribers gave %v", summary(acts))
	}
}

func TestTicks(t *testing.T) {
	type step struct {
		tick int64    // call Tick at this second (0: don't)
		want []string // the TICK events sent, as "NAME payload"
		next int64    // then NextTick must say this second
	}
	tests := []struct {
		name   string
		events []string
		start  int64 // the first NextTick
		first  int64 // what it must say
		steps  []step
	}{
		{"tick 60 only", []string{"TICK_60"}, 1000, 1020, []step{
			{1019, nil, 1020},
			{1020, []string{"TICK_60 when:1020"}, 1080},
			{1080, []string{"TICK_60 when:1080"}, 1140},
		}},
		{"all ticks, simultaneous rollover in supervisord's order", []string{"TICK"}, 3597, 3600, []step{
			{3600, []string{"TICK_5 when:3600", "TICK_60 when:3600", "TICK_3600 when:3600"}, 3605},
			{3604, nil, 3605},
			{3605, []string{"TICK_5 when:3605"}, 3610},
		}},
		{"missed slices give one tick", []string{"TICK_5"}, 100, 105, []step{
			{131, []string{"TICK_5 when:130"}, 135},
		}},
		{"EVENT subscribes to ticks", []string{"EVENT"}, 0, 5, []step{
			{5, []string{"TICK_5 when:5"}, 10},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBus("s")
			p := mustPool(t, b, PoolConfig{Name: "p", Events: tt.events, BufferSize: 100, Processes: []string{"l0"}})
			readyListeners(p)
			next, ok := b.NextTick(at(tt.start))
			if !ok || next.Unix() != tt.first {
				t.Fatalf("first NextTick = %v %v, want %d", next.Unix(), ok, tt.first)
			}
			for _, s := range tt.steps {
				eq(t, "tick at "+strconv.FormatInt(s.tick, 10), delivered(p, b.Tick(at(s.tick))), s.want)
				if next, ok := b.NextTick(at(s.tick)); !ok || next.Unix() != s.next {
					t.Errorf("NextTick after %d = %d %v, want %d", s.tick, next.Unix(), ok, s.next)
				}
			}
		})
	}
}

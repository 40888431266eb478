package supervisor

import (
	"context"
	"reflect"
	"syscall"
	"testing"
	"time"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/program"
)

func resultNames(res []program.Result) []string {
	var names []string
	for _, r := range res {
		names = append(names, r.Name)
	}
	return names
}

// TestGroupOrderAfterAdd: a group activated again comes after the others
// of its priority, as in supervisord, whose runtime groups keep insertion
// order among equal priorities.
func TestGroupOrderAfterAdd(t *testing.T) {
	off := func(p *config.Program) { p.Autostart = false }
	r := startFake(t, nil, unitProgram("a", 5, off), unitProgram("b", 5, off), unitProgram("c", 5, off), unitProgram("zero", 0, off))
	if err := r.s.RemoveProcessGroup("a"); err != nil {
		t.Fatal(err)
	}
	if err := r.s.AddProcessGroup("a"); err != nil {
		t.Fatal(err)
	}
	res, err := r.s.StartAllProcesses(context.Background(), false)
	if want := []string{"zero", "b", "c", "a"}; err != nil || !reflect.DeepEqual(resultNames(res), want) {
		t.Fatalf("StartAllProcesses order %v, %v; want %v", resultNames(res), err, want)
	}
}

// TestAggregateResultOrder: start all reports the outcomes known at once
// first, in process order, then the deferred ones as they become known:
// d, which exits at once, before a, which takes startsecs to be RUNNING.
func TestAggregateResultOrder(t *testing.T) {
	h := &fakeHost{fail: map[string]bool{"b_fail": true}}
	r := startFake(t, h,
		unitProgram("a_slow", 1, func(p *config.Program) { p.Autostart, p.Startsecs = false, time.Second }),
		unitProgram("b_fail", 1, func(p *config.Program) { p.Autostart, p.Startretries = false, 0 }),
		unitProgram("c_quick", 1, func(p *config.Program) { p.Autostart, p.Startsecs = false, 0 }),
		unitProgram("d_dies", 1, func(p *config.Program) { p.Autostart, p.Startsecs, p.Startretries = false, time.Hour, 0 }),
	)
	type answer struct {
		res []program.Result
		err error
	}
	done := make(chan answer, 1)
	go func() {
		res, err := r.s.StartAllProcesses(context.Background(), true)
		done <- answer{res, err}
	}()
	deadline := time.Now().Add(5 * time.Second)
	for h.pidOf("d_dies") == 0 {
		if time.Now().After(deadline) {
			t.Fatal("d_dies was never spawned")
		}
		r.sync()
	}
	r.exit(t, "d_dies", syscall.WaitStatus(1<<8))
	var a answer
	select {
	case a = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("StartAllProcesses did not answer")
	}
	got := map[string]int{}
	for _, x := range a.res {
		got[x.Name] = x.Status
	}
	want := []string{"b_fail", "c_quick", "d_dies", "a_slow"}
	if a.err != nil || !reflect.DeepEqual(resultNames(a.res), want) {
		t.Fatalf("StartAllProcesses order %v, %v; want %v", resultNames(a.res), a.err, want)
	}
	if got["b_fail"] != program.FaultSpawnError || got["c_quick"] != program.FaultSuccess ||
		got["d_dies"] != program.FaultSpawnError || got["a_slow"] != program.FaultSuccess {
		t.Fatalf("StartAllProcesses statuses %v", got)
	}
}

package supervisor

import (
	"math"
	"reflect"
	"syscall"
	"testing"
	"time"

	"github.com/supinit/supinit/config"
)

// TestMainStaysLastAfterReload: the main command of `-c FILE -- CMD`
// starts after every program and stops first, also after a SIGHUP
// reload adds programs with priorities above any the config had (one so
// large that subtracting priorities would overflow).
func TestMainStaysLastAfterReload(t *testing.T) {
	argv := []string{"app"}
	cfg, err := WithMain(makeConfig("", unitProgram("neg", -5), unitProgram("side", 999)), argv)
	if err != nil {
		t.Fatal(err)
	}
	reread := makeConfig("", unitProgram("neg", -5), unitProgram("side", 999),
		unitProgram("late", 2000), unitProgram("last", math.MaxInt))
	h := &fakeHost{}
	r := startFakeHost(t, h, h, cfg)
	// What Run has from the command line: the main command and a config
	// to reread.
	r.s.onLoop(func() {
		r.s.opts = Options{Main: argv, ConfigPath: "supervisord.conf",
			Load: func(string, config.LoadOptions) (*config.Config, error) { return reread, nil }}
	})
	if want := []string{"neg", "side", "main"}; !reflect.DeepEqual(h.spawned, want) {
		t.Fatalf("start order %v, want %v", h.spawned, want)
	}
	r.s.sigs <- syscall.SIGHUP
	deadline := time.Now().Add(5 * time.Second)
	for h.pidOf("late") == 0 || h.pidOf("last") == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the programs the reload added were not started: %v", h.spawned)
		}
		r.sync()
	}

	// The signal and a sync may reach the loop in either order: wait for
	// the first stop signal.
	r.s.sigs <- syscall.SIGTERM
	deadline = time.Now().Add(5 * time.Second)
	var kills []string
	for len(kills) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("SIGTERM stopped nothing")
		}
		r.sync()
		kills = h.takeKills()
	}
	if want := []string{"main SIGTERM"}; !reflect.DeepEqual(kills, want) {
		t.Fatalf("SIGTERM: kills %v, want %v", kills, want)
	}
	// An exit is taken by the loop before r.exit returns, so the sync
	// after it sees what the exit caused.
	for _, st := range []struct{ exit, kill string }{
		{"main", "last SIGTERM"},
		{"last", "late SIGTERM"},
		{"late", "side SIGTERM"},
		{"side", "neg SIGTERM"},
	} {
		r.exit(t, st.exit, syscall.WaitStatus(syscall.SIGTERM))
		r.sync()
		if got := h.takeKills(); !reflect.DeepEqual(got, []string{st.kill}) {
			t.Fatalf("after the exit of %s: kills %v, want [%s]", st.exit, got, st.kill)
		}
	}
	r.exit(t, "neg", syscall.WaitStatus(syscall.SIGTERM))
	select {
	case code := <-r.code:
		if code != 0 {
			t.Fatalf("exit code %d after SIGTERM, want 0", code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the loop did not end after the last program stopped")
	}
}

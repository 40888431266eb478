package supervisor

import (
	"slices"
	"syscall"
	"testing"

	"github.com/supinit/supinit/config"
)

// TestFirstSignalDuringOtherShutdown: a shutdown that a critical program
// began is not a request of the user's, so the first SIGTERM during it
// (docker stop arriving then) keeps the stop graceful; only a second one
// kills everything.
func TestFirstSignalDuringOtherShutdown(t *testing.T) {
	h := &fakeHost{}
	r := startFake(t, h,
		unitProgram("app", 1, func(p *config.Program) {
			p.Critical, p.Autorestart = true, config.AutorestartFalse
		}),
		unitProgram("db", 1),
	)
	r.sync()
	r.exit(t, "app", 3<<8) // exit status 3, not restarted: critical
	r.waitFor(t, "db is asked to stop", func() bool { return slices.Contains(h.takeKills(), "db SIGTERM") })

	r.signal(syscall.SIGTERM)
	if kills := h.takeKills(); slices.Contains(kills, "db SIGKILL") {
		t.Fatalf("the first SIGTERM during a critical shutdown sent %v; want a graceful stop", kills)
	}
	r.signal(syscall.SIGTERM)
	if kills := h.takeKills(); !slices.Contains(kills, "db SIGKILL") {
		t.Fatalf("the second SIGTERM sent %v; want db SIGKILL", kills)
	}
}

// TestMainIsALevelOfItsOwn: a config group with main's priority does not
// stop together with main.
func TestMainIsALevelOfItsOwn(t *testing.T) {
	mk := func(name string, prio int) *group {
		return &group{cfg: &config.Group{Name: name, Priority: prio}, procs: []*proc{{cfg: &config.Program{Name: name}}}}
	}
	main, twin := mk(MainName, mainPriority), mk("twin", mainPriority)
	levels := shutdownLevels([]*group{twin, main}, func(g *group) bool { return g == main })
	if len(levels) != 2 || levels[0][0].cfg.Name != MainName {
		t.Fatalf("levels %v; want main alone first, then twin", levelNames(levels))
	}
}

func levelNames(levels [][]*proc) [][]string {
	var out [][]string
	for _, l := range levels {
		var names []string
		for _, p := range l {
			names = append(names, p.cfg.Name)
		}
		out = append(out, names)
	}
	return out
}

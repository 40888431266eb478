package supervisor

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/supinit/supinit/config"
)

// politeScript waits for SIGTERM, says so and exits 0. `wait` (not a
// foreground sleep) lets the trap run at once.
const politeScript = `trap 'echo "got TERM"; kill $!; exit 0' TERM; echo up; sleep 1000 & wait`

func TestPID1ShutdownOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	cfg := makeConfig(dir,
		shProgram("web", politeScript),
		shProgram("db", politeScript, func(p *config.Program) { p.Priority, p.GroupPriority = 10, 10 }),
		// An orphan for the reaper: the shell's child outlives it.
		shProgram("orphaner", `sh -c 'sleep 0.2' & echo up; exit 0`, func(p *config.Program) {
			p.Autorestart = config.AutorestartFalse
		}),
	)
	cfg.Supervisord.Loglevel = "debug"
	c := startContainer(t, cfg)
	c.waitLines(`\| up$`, 3, 10*time.Second)
	c.waitLine(`reaped unknown pid \d+`, 10*time.Second)
	c.signal(syscall.SIGTERM)
	if code := c.wait(15 * time.Second); code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0", code)
	}
	c.waitLine(`received SIGTERM indicating exit request`, time.Second)
	// Both got their stop signal and their last words reached stdout.
	c.waitLine(`^web +\| got TERM$`, time.Second)
	c.waitLine(`^db +\| got TERM$`, time.Second)
	// db has the lower priority: it is sent its signal only once web has
	// stopped. supinit's own log tells the order; the programs' "got
	// TERM" lines come through pipes of their own, read concurrently.
	lines := c.snapshot()
	webStopped := indexOf(lines, "supinit", "stopped: web (exit status 0)")
	dbKilled := indexOf(lines, "supinit", "killing db (pid")
	if webStopped < 0 || dbKilled < webStopped {
		t.Fatalf("stop order: web stopped at line %d, db signalled at line %d; want web first", webStopped, dbKilled)
	}
}

// indexOf is the index of the first line that starts with prefix and
// contains s, or -1.
func indexOf(lines []string, prefix, s string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) && strings.Contains(l, s) {
			return i
		}
	}
	return -1
}

// once is a program that is not restarted and not retried.
func once(p *config.Program) { p.Autorestart, p.Startretries = config.AutorestartFalse, 0 }

func TestPID1CriticalExitCodes(t *testing.T) {
	dir := t.TempDir()
	noExec := filepath.Join(dir, "noexec")
	// The sidecar creates ready once its TERM trap is set; the first case
	// waits for it, to check that the sidecar is stopped gracefully.
	ready := filepath.Join(dir, "ready")
	if err := os.WriteFile(noExec, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		prog *config.Program
		want int
	}{
		{"exit code", shProgram("app", "while [ ! -e "+ready+" ]; do sleep 0.01; done; exit 3", once), 3},
		{"killed by a signal", shProgram("app", "kill -USR1 $$", once), 128 + 10},
		{"command not found", shProgram("app", "", once, func(p *config.Program) { p.Argv = []string{"/nonexistent/cmd"} }), 127},
		{"not executable", shProgram("app", "", once, func(p *config.Program) { p.Argv = []string{noExec} }), 126},
		{"crash loop to FATAL", shProgram("app", "echo up; exit 4", func(p *config.Program) {
			p.Startsecs, p.Startretries, p.Autorestart = time.Second, 1, config.AutorestartTrue
		}), 4},
		{"FATAL after exit 0", shProgram("app", "exit 0", func(p *config.Program) {
			p.Startsecs, p.Startretries = time.Second, 0
		}), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.prog.Critical = true
			os.Remove(ready)
			side := shProgram("side", `trap 'echo "got TERM"; kill $!; exit 0' TERM; touch `+ready+`; sleep 1000 & wait`)
			c := startContainer(t, makeConfig(t.TempDir(), tc.prog, side))
			if code := c.wait(15 * time.Second); code != tc.want {
				t.Fatalf("exit code %d, want %d", code, tc.want)
			}
			c.waitLine(`critical program app`, time.Second)
			if tc.want == 3 {
				c.waitLine(`^side +\| got TERM$`, time.Second)
			}
		})
	}
}

func TestPID1MainCommand(t *testing.T) {
	dir := t.TempDir()
	ready := filepath.Join(dir, "ready")
	side := shProgram("side", `trap 'echo "got TERM"; kill $!; exit 0' TERM; touch `+ready+`; sleep 1000 & wait`)
	c := startContainer(t, makeConfig(dir, side),
		e2eMainEnv+"=while [ ! -e "+ready+" ]; do sleep 0.01; done; echo main running; exit 7")
	if code := c.wait(15 * time.Second); code != 7 {
		t.Fatalf("exit code %d, want the main command's 7", code)
	}
	c.waitLine(`^main +\| main running$`, time.Second)
	c.waitLine(`^side +\| got TERM$`, time.Second)
}

// TestPID1DockerStopTiming: 50 programs that each take 300 ms to stop
// stop together, so SIGTERM to exit is about 300 ms, not 15 s.
func TestPID1DockerStopTiming(t *testing.T) {
	const n = 50
	var progs []*config.Program
	for i := range n {
		progs = append(progs, shProgram(fmt.Sprintf("p%02d", i),
			`trap 'kill $!; sleep 0.3; exit 0' TERM; echo up; sleep 1000 & wait`))
	}
	c := startContainer(t, makeConfig(t.TempDir(), progs...))
	c.waitLines(`\| up$`, n, 20*time.Second)
	start := time.Now()
	c.signal(syscall.SIGTERM)
	if code := c.wait(15 * time.Second); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	if took := time.Since(start); took > 1500*time.Millisecond {
		t.Fatalf("SIGTERM to exit took %v with %d programs of 300 ms each; want about the slowest one's", took, n)
	}
}

func TestPID1StopwaitsecsThenKill(t *testing.T) {
	deaf := shProgram("deaf", `trap '' TERM; echo up; exec sleep 1000`, func(p *config.Program) {
		p.Stopwaitsecs = time.Second
	})
	c := startContainer(t, makeConfig(t.TempDir(), deaf))
	c.waitLine(`\| up$`, 10*time.Second)
	start := time.Now()
	c.signal(syscall.SIGTERM)
	if code := c.wait(10 * time.Second); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	took := time.Since(start)
	c.waitLine(`killing 'deaf' \(\d+\) with SIGKILL`, time.Second)
	c.waitLine(`stopped: deaf \(terminated by SIGKILL\)`, time.Second)
	if took < time.Second || took > 4*time.Second {
		t.Fatalf("stop took %v; want stopwaitsecs (1s) and little more", took)
	}
}

func TestPID1SecondSIGTERMKills(t *testing.T) {
	deaf := shProgram("deaf", `trap '' TERM; echo up; exec sleep 1000`, func(p *config.Program) {
		p.Stopwaitsecs = 60 * time.Second
	})
	c := startContainer(t, makeConfig(t.TempDir(), deaf))
	c.waitLine(`\| up$`, 10*time.Second)
	c.signal(syscall.SIGTERM)
	c.waitLine(`waiting for deaf to die`, 5*time.Second)
	start := time.Now()
	c.signal(syscall.SIGTERM)
	if code := c.wait(10 * time.Second); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("the second SIGTERM took %v to end everything", took)
	}
}

// A grandchild that ignores SIGTERM and holds the program's stdout open
// must not stall the shutdown: the program is STOPPED when reaped, and
// the leftovers get SIGKILL after the grace.
func TestPID1GrandchildHoldingPipe(t *testing.T) {
	// The grandchild says "up" only once it ignores SIGTERM, so the test
	// cannot signal it before its trap is in place.
	prog := shProgram("leaky", `(trap '' TERM; echo up; exec sleep 1000) & trap 'exit 0' TERM; sleep 1000 & wait`)
	c := startContainer(t, makeConfig(t.TempDir(), prog), e2eGraceEnv+"=300ms")
	c.waitLine(`\| up$`, 10*time.Second)
	start := time.Now()
	c.signal(syscall.SIGTERM)
	if code := c.wait(10 * time.Second); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("shutdown took %v with a grandchild holding the pipe", took)
	}
	c.waitLine(`killing them with SIGKILL`, time.Second)
}

func TestPID1ReloadOnSIGHUP(t *testing.T) {
	dir := t.TempDir()
	say := func(word string) string {
		return `trap 'echo "` + word + ` got TERM"; kill $!; exit 0' TERM; echo "` + word + `"; sleep 1000 & wait`
	}
	keep, change, drop := shProgram("keep", say("keep v1")), shProgram("change", say("change v1")), shProgram("drop", say("drop v1"))
	c := startContainer(t, makeConfig(dir, keep, change, drop))
	c.waitLines(` v1$`, 3, 10*time.Second)
	keepPid := c.waitLine(`spawned: 'keep' with pid \d+`, time.Second)

	// A broken config is logged, and nothing changes.
	if err := os.WriteFile(c.cfgPath, []byte("{broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	c.signal(syscall.SIGHUP)
	c.waitLine(`cannot reload the config`, 5*time.Second)

	writeJSON(t, c.cfgPath, makeConfig(dir, keep, shProgram("change", say("change v2")), shProgram("add", say("add v1"))))
	c.signal(syscall.SIGHUP)
	c.waitLine(`^change +\| change v2$`, 10*time.Second)
	c.waitLine(`^add +\| add v1$`, 10*time.Second)
	c.waitLine(`^drop +\| drop v1 got TERM$`, 10*time.Second)
	c.waitLine(`^change +\| change v1 got TERM$`, time.Second)
	c.waitLine(`removed process group drop`, 5*time.Second)
	if n := c.count(regexp.MustCompile(`spawned: 'keep'`)); n != 1 {
		t.Fatalf("keep was spawned %d times; the unchanged program must keep its process (%s)", n, keepPid)
	}
	if n := c.count(regexp.MustCompile(`keep v1 got TERM`)); n != 0 {
		t.Fatal("the unchanged program was stopped by the reload")
	}
	c.signal(syscall.SIGTERM)
	if code := c.wait(10 * time.Second); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
}

// TestPID1ManyShortPrograms races many quick exits against a long-lived
// program: every program exits 1 (unexpected: restarted) until its own
// counter reaches runs, then 0 (expected: stays EXITED). A lost or wrong
// status would leave a program RUNNING forever or stop it early.
func TestPID1ManyShortPrograms(t *testing.T) {
	// The 10,000 runs (about 50 s with -race on 2 cores); -short
	// runs 2,000.
	progs, runs := 50, 200
	if testing.Short() {
		progs, runs = 40, 50
	}
	dir := t.TempDir()
	var list []*config.Program
	for i := range progs {
		name := fmt.Sprintf("s%02d", i)
		counter := filepath.Join(dir, name+".count")
		if err := os.WriteFile(counter, []byte("0\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		script := fmt.Sprintf(`read n < %[1]s; n=$((n+1)); echo $n > %[1]s; echo "tick $n"; [ $n -ge %[2]d ] && exit 0; exit 1`, counter, runs)
		list = append(list, shProgram(name, script, func(p *config.Program) {
			p.Startretries = 0
		}))
	}
	list = append(list, shProgram("long", politeScript))
	c := startContainer(t, makeConfig(dir, list...))
	c.waitLines(`exited: s\d\d \(exit status 0; expected\)`, progs, 50*time.Second)
	for i := range progs {
		name := fmt.Sprintf("s%02d", i)
		ticks := c.count(regexp.MustCompile(`^` + name + ` +\| tick \d+$`))
		spawns := c.count(regexp.MustCompile(`spawned: '` + name + `' with pid`))
		b, _ := os.ReadFile(filepath.Join(dir, name+".count"))
		final, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		if ticks != runs || spawns != runs || final != runs {
			t.Fatalf("%s: %d output lines, %d spawns, counter %d; want %d of each", name, ticks, spawns, final, runs)
		}
	}
	if n := c.count(regexp.MustCompile(`gave up|FATAL`)); n != 0 {
		t.Fatalf("%d programs went FATAL", n)
	}
	c.signal(syscall.SIGTERM)
	if code := c.wait(10 * time.Second); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	c.waitLine(`^long +\| got TERM$`, time.Second)
}

package main

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// interopConf is the config both daemons run in TestInterop. sleeper
// ignores HUP and USR1 so that `signal` leaves it running; writer prints
// fixed lines for tail; crasher goes BACKOFF → FATAL after one retry (a
// low startretries keeps supervisord's 1+2+3 s backoff short).
const interopConf = `[unix_http_server]
file=@DIR@/s.sock

[supervisord]
logfile=@DIR@/supervisord.log
pidfile=@DIR@/supervisord.pid
childlogdir=@DIR@
nodaemon=true

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://@DIR@/s.sock

[program:sleeper]
command=/bin/sh -c 'trap "" HUP USR1; exec /bin/sleep 1000'
priority=10

[program:multi]
command=/bin/sleep 1000
process_name=%(program_name)s_%(process_num)02d
numprocs=2

[program:crasher]
command=/bin/false
startretries=1

[program:manual]
command=/bin/sleep 1000
autostart=false

[program:a]
command=/bin/sleep 1000

[program:b]
command=/bin/sleep 1000

[group:grp]
programs=a,b

[program:writer]
command=/bin/sh -c 'echo out-line-1; echo out-line-2; echo err-line-1 >&2; exec /bin/sleep 1000'

[program:quiet]
command=/bin/sh -c 'echo unseen; exec /bin/sleep 1000'
stdout_logfile=NONE
stderr_logfile=NONE
`

// exiterConf is in the first config only: reread must see it disappear.
const exiterConf = `
[program:exiter]
command=/bin/true
autorestart=false
startsecs=0
`

// newprogConf is added by the edit before reread, which also removes
// exiterConf, changes multi's command and puts a comment line above every
// section: the programs below it move down a line without changing.
const newprogConf = `
[program:newprog]
command=/bin/sleep 1000
`

// interopStartStates is what every scenario waits for before its first
// command.
func interopStartStates() map[string]string {
	return map[string]string{
		"sleeper": "RUNNING", "multi:multi_00": "RUNNING", "multi:multi_01": "RUNNING",
		"exiter": "EXITED", "crasher": "FATAL", "manual": "STOPPED",
		"grp:a": "RUNNING", "grp:b": "RUNNING", "writer": "RUNNING", "quiet": "RUNNING",
	}
}

// interopAfterUpdate is the state the edited config settles into.
func interopAfterUpdate() map[string]string {
	return map[string]string{
		"sleeper": "RUNNING", "multi:multi_00": "RUNNING", "multi:multi_01": "RUNNING",
		"newprog": "RUNNING", "crasher": "FATAL", "manual": "RUNNING",
		"grp:a": "RUNNING", "grp:b": "RUNNING", "writer": "RUNNING", "quiet": "RUNNING",
	}
}

// interopStep is one supervisorctl command line of the scenario.
type interopStep struct {
	args []string
	// before runs first: edit the config, wait for states.
	before func(t *testing.T, s *interopScenario)
	// codeOnly compares the exit status and that there is output, not
	// the output itself (maintail: the two daemons log differently).
	codeOnly bool
	// keep, when set, is what of the output is compared.
	keep func(out string) string
	// anyOrder compares the lines as a set. A start or stop of several
	// processes reports each outcome when it is known, polled every
	// 50 ms: processes that finish in the same few milliseconds may fall
	// into different rounds, on supervisord as on supinit.
	anyOrder bool
}

// interopScenario is one run of the steps: a daemon and a client.
type interopScenario struct {
	dir, conf string
	daemon    *interopDaemon
	ctl       ctlClient // runs the steps
	poll      ctlClient // polls states between steps
}

// waitForStates is a step's before: wait until the processes are in
// their states.
func waitForStates(states map[string]string) func(*testing.T, *interopScenario) {
	return func(t *testing.T, s *interopScenario) { waitStates(t, s.poll, s.conf, states) }
}

// interopSteps is the scenario every daemon and client runs, in order.
func interopSteps() []interopStep {
	return []interopStep{
		{args: []string{"status"}},
		{args: []string{"status", "sleeper", "grp:a", "manual"}},
		{args: []string{"status", "grp:*"}},
		{args: []string{"status", "multi:*"}},
		{args: []string{"status", "nosuch"}},
		{args: []string{"status", "sleeper", "nosuch"}},
		{args: []string{"start", "manual"}},
		{args: []string{"start", "manual"}},
		{args: []string{"start", "nosuch"}},
		{args: []string{"start", "nog:*"}},
		{args: []string{"stop", "grp:*"}, anyOrder: true},
		{args: []string{"status", "grp:*"}},
		{args: []string{"start", "grp:*"}, anyOrder: true},
		{args: []string{"stop", "sleeper"}},
		{args: []string{"stop", "sleeper"}},
		{args: []string{"start", "sleeper"}},
		{args: []string{"restart", "sleeper"}},
		{args: []string{"restart", "multi:*"}, anyOrder: true},
		{args: []string{"signal", "HUP", "sleeper"}},
		{args: []string{"signal", "0", "sleeper"}},
		{args: []string{"signal", "USR1", "nosuch"}},
		{args: []string{"signal", "HUP", "crasher"}},
		{args: []string{"signal", "BOGUS", "sleeper"}},
		{args: []string{"status", "sleeper"}},
		{args: []string{"pid"}},
		{args: []string{"pid", "sleeper"}},
		{args: []string{"pid", "crasher"}},
		{args: []string{"pid", "nosuch"}},
		{args: []string{"pid", "all"}},
		{args: []string{"tail", "writer"}},
		{args: []string{"tail", "-100", "writer", "stderr"}},
		{args: []string{"tail", "-5", "writer"}},
		{args: []string{"tail", "nosuch"}},
		{args: []string{"tail", "writer", "bad"}},
		{args: []string{"tail", "quiet"}},
		{args: []string{"tail", "quiet", "stderr"}},
		{args: []string{"tail", "-f", "quiet"}},
		{args: []string{"maintail"}, codeOnly: true},
		{args: []string{"maintail", "-100"}, codeOnly: true},
		{args: []string{"maintail", "-1000000"}, keep: programEvents},
		{args: []string{"clear", "writer"}},
		{args: []string{"tail", "writer"}},
		{args: []string{"clear", "nosuch"}},
		{args: []string{"avail"}},
		{args: []string{"status"}},
		{args: []string{"reread"}, before: func(t *testing.T, s *interopScenario) {
			edited := strings.Replace(interopConf, "/bin/sleep 1000\nprocess_name", "/bin/sleep 999\nprocess_name", 1)
			writeConf(t, s.dir, "supervisord.conf", "; edited by the interop test\n"+edited+newprogConf)
		}},
		{args: []string{"avail"}},
		{args: []string{"update"}},
		{args: []string{"status"}, before: waitForStates(interopAfterUpdate())},
		{args: []string{"reread"}},
		{args: []string{"remove", "sleeper"}},
		{args: []string{"stop", "manual"}},
		{args: []string{"remove", "manual"}},
		{args: []string{"avail"}},
		{args: []string{"add", "manual"}},
		{args: []string{"add", "manual"}},
		{args: []string{"add", "nosuch"}},
		{args: []string{"stop", "all"}, anyOrder: true},
		{args: []string{"status"}},
		{args: []string{"start", "all"}, anyOrder: true},
		{args: []string{"restart", "all"}, anyOrder: true},
		{args: []string{"reload"}},
		{args: []string{"status"}, before: waitForStates(map[string]string{
			"sleeper": "RUNNING", "multi:multi_00": "RUNNING", "multi:multi_01": "RUNNING",
			"newprog": "RUNNING", "crasher": "FATAL", "manual": "STOPPED",
			"grp:a": "RUNNING", "grp:b": "RUNNING", "writer": "RUNNING", "quiet": "RUNNING",
		})},
		{args: []string{"version"}},
		{args: []string{"shutdown"}},
		{args: []string{"status"}, before: func(t *testing.T, s *interopScenario) {
			if !s.daemon.waitExit(15 * time.Second) {
				t.Fatalf("%s still running 15 s after shutdown", s.daemon.name)
			}
		}},
	}
}

// stepResult is what one step printed.
type stepResult struct {
	out  string
	code int
}

// runScenario starts a daemon with interopConf in a fresh dir, runs every
// step with ctl and returns the normalised results.
func runScenario(t *testing.T, daemonName string, ctl ctlClient) []stepResult {
	dir := interopDir(t)
	s := &interopScenario{dir: dir, ctl: ctl, poll: goClient(t)}
	s.conf = writeConf(t, dir, "supervisord.conf", interopConf+exiterConf)
	s.daemon = startDaemon(t, daemonName, s.conf)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s output:\n%s", daemonName, s.daemon.output)
		}
	})
	waitStates(t, s.poll, s.conf, interopStartStates())
	var results []stepResult
	for _, st := range interopSteps() {
		if st.before != nil {
			st.before(t, s)
		}
		out, code := ctl.run(t, s.conf, st.args...)
		if st.codeOnly {
			if strings.TrimSpace(out) == "" {
				t.Errorf("%s against %s: %v printed nothing", ctl.name, daemonName, st.args)
			}
			out = "(not compared)"
		}
		if st.keep != nil {
			out = st.keep(out)
		}
		if st.anyOrder {
			lines := strings.SplitAfter(out, "\n")
			slices.Sort(lines)
			out = strings.Join(lines, "")
		}
		results = append(results, stepResult{normalizeOutput(out, dir), code})
	}
	return results
}

// programEventRE is a line of the main log about a program's life: the
// lines both daemons write the same way.
var (
	programEventRE = regexp.MustCompile(`(?m)^\S+ \S+ [A-Z]{4} ((spawned|success|exited|gave up|stopped): .*)$`)
	spawnedPidRE   = regexp.MustCompile(`with pid \d+`)
)

// programEvents keeps the program events of a main log, without times
// and pids, sorted: the order of events that happen in the same instant
// differs between the daemons (supervisord notices exits on its next
// poll). With startsecs=0 supinit logs RUNNING as the process spawns,
// supervisord on its next pass, which a program that exits at once never
// lives to see: those lines are left out.
func programEvents(out string) string {
	var events []string
	for _, m := range programEventRE.FindAllStringSubmatch(out, -1) {
		if strings.HasSuffix(m[1], "> than 0 seconds (startsecs)") {
			continue
		}
		events = append(events, spawnedPidRE.ReplaceAllString(m[1], "with pid PID"))
	}
	slices.Sort(events)
	return strings.Join(events, "\n") + "\n"
}

// TestInterop runs the same supervisorctl session three ways, each with
// its own daemon, at the same time: the real supervisorctl against the
// real supervisord 4.2.5 (the reference), the real supervisorctl against
// supinit, and `supinit ctl` against supinit. Every step must print the
// same and exit the same.
func TestInterop(t *testing.T) {
	if testing.Short() {
		t.Skip("the interop suite starts daemons")
	}
	if !needReal(t, realSupervisord) || !needReal(t, realCtl) {
		return
	}
	runs := []interopRun{
		{"supervisorctl-vs-supervisord", "supervisord", realClient()},
		{"supervisorctl-vs-supinit", "supinit", realClient()},
		{"supinit-ctl-vs-supinit", "supinit", goClient(t)},
	}
	results := make([][]stepResult, len(runs))
	t.Run("run", func(t *testing.T) {
		for i, r := range runs {
			t.Run(r.name, func(t *testing.T) {
				t.Parallel()
				results[i] = runScenario(t, r.daemon, r.ctl)
			})
		}
	})
	if t.Failed() {
		return
	}
	want := results[0]
	for i, st := range interopSteps() {
		if testing.Verbose() {
			t.Logf("supervisord: %s → exit %d %q", strings.Join(st.args, " "), want[i].code, want[i].out)
		}
		for j, r := range runs[1:] {
			if got := results[j+1][i]; got != want[i] {
				t.Errorf("%s %s:\nsupinit     (exit %d) %q\nsupervisord (exit %d) %q",
					r.ctl.name, strings.Join(st.args, " "), got.code, got.out, want[i].code, want[i].out)
			}
		}
	}
}

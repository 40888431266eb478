package main

import (
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
`

// exiterConf is in the first config only: reread must see it disappear.
const exiterConf = `
[program:exiter]
command=/bin/true
autorestart=false
startsecs=0
`

// interopConf2 is the edited config for reread/update: exiter removed,
// multi changed, newprog added.
const interopConf2 = `
[program:newprog]
command=/bin/sleep 1000
`

// startStates is what every scenario waits for before its first command.
var startStates = map[string]string{
	"sleeper": "RUNNING", "multi:multi_00": "RUNNING", "multi:multi_01": "RUNNING",
	"exiter": "EXITED", "crasher": "FATAL", "manual": "STOPPED",
	"grp:a": "RUNNING", "grp:b": "RUNNING", "writer": "RUNNING",
}

// afterUpdate is the state the edited config settles into.
var afterUpdate = map[string]string{
	"sleeper": "RUNNING", "multi:multi_00": "RUNNING", "multi:multi_01": "RUNNING",
	"newprog": "RUNNING", "crasher": "FATAL", "manual": "RUNNING",
	"grp:a": "RUNNING", "grp:b": "RUNNING", "writer": "RUNNING",
}

// step is one supervisorctl command line of the scenario.
type step struct {
	args []string
	// before runs first: edit the config, wait for states.
	before func(t *testing.T, s *scenario)
	// codeOnly compares the exit status and that there is output, not
	// the output itself (maintail: the two daemons log differently).
	codeOnly bool
}

// scenario is one run of the steps: a daemon and a client.
type scenario struct {
	dir, conf string
	daemon    *daemon
	ctl       client // runs the steps
	poll      client // polls states between steps
}

func waitFor(states map[string]string) func(*testing.T, *scenario) {
	return func(t *testing.T, s *scenario) { waitStates(t, s.poll, s.conf, states) }
}

// steps is the scenario every daemon and client runs, in order.
func steps() []step {
	return []step{
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
		{args: []string{"stop", "grp:*"}},
		{args: []string{"status", "grp:*"}},
		{args: []string{"start", "grp:*"}},
		{args: []string{"stop", "sleeper"}},
		{args: []string{"stop", "sleeper"}},
		{args: []string{"start", "sleeper"}},
		{args: []string{"restart", "sleeper"}},
		{args: []string{"restart", "multi:*"}},
		{args: []string{"signal", "HUP", "sleeper"}},
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
		{args: []string{"maintail"}, codeOnly: true},
		{args: []string{"maintail", "-100"}, codeOnly: true},
		{args: []string{"clear", "writer"}},
		{args: []string{"tail", "writer"}},
		{args: []string{"clear", "nosuch"}},
		{args: []string{"avail"}},
		{args: []string{"status"}},
		{args: []string{"reread"}, before: func(t *testing.T, s *scenario) {
			writeConf(t, s.dir, "supervisord.conf", strings.Replace(interopConf, "/bin/sleep 1000\nprocess_name", "/bin/sleep 999\nprocess_name", 1)+interopConf2)
		}},
		{args: []string{"avail"}},
		{args: []string{"update"}},
		{args: []string{"status"}, before: waitFor(afterUpdate)},
		{args: []string{"reread"}},
		{args: []string{"remove", "sleeper"}},
		{args: []string{"stop", "manual"}},
		{args: []string{"remove", "manual"}},
		{args: []string{"avail"}},
		{args: []string{"add", "manual"}},
		{args: []string{"add", "manual"}},
		{args: []string{"add", "nosuch"}},
		{args: []string{"stop", "all"}},
		{args: []string{"status"}},
		{args: []string{"start", "all"}},
		{args: []string{"reload"}},
		{args: []string{"status"}, before: waitFor(map[string]string{
			"sleeper": "RUNNING", "multi:multi_00": "RUNNING", "multi:multi_01": "RUNNING",
			"newprog": "RUNNING", "crasher": "FATAL", "manual": "STOPPED",
			"grp:a": "RUNNING", "grp:b": "RUNNING", "writer": "RUNNING",
		})},
		{args: []string{"version"}},
		{args: []string{"shutdown"}},
		{args: []string{"status"}, before: func(t *testing.T, s *scenario) {
			if !s.daemon.waitExit(15 * time.Second) {
				t.Fatalf("%s still running 15 s after shutdown", s.daemon.name)
			}
		}},
	}
}

// result is what one step printed.
type result struct {
	out  string
	code int
}

// runScenario starts a daemon with interopConf in a fresh dir, runs every
// step with ctl and returns the normalised results.
func runScenario(t *testing.T, daemonName string, ctl client) []result {
	dir := interopDir(t)
	s := &scenario{dir: dir, ctl: ctl, poll: goClient(t)}
	s.conf = writeConf(t, dir, "supervisord.conf", interopConf+exiterConf)
	if daemonName == "supervisord" {
		s.daemon = startDaemon(t, daemonName, realSupervisord, "-n", "-c", s.conf)
	} else {
		s.daemon = startDaemon(t, daemonName, binary(t), "-c", s.conf)
	}
	waitStates(t, s.poll, s.conf, startStates)
	var results []result
	for _, st := range steps() {
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
		results = append(results, result{normalizeOutput(out, dir), code})
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s output:\n%s", daemonName, s.daemon.output)
		}
	})
	return results
}

// TestInterop runs the same supervisorctl session three ways: the real
// supervisorctl against the real supervisord 4.2.5 (the reference), the
// real supervisorctl against supinit, and `supinit ctl` against supinit;
// every step must print the same and exit the same.
func TestInterop(t *testing.T) {
	if testing.Short() {
		t.Skip("the interop suite starts daemons")
	}
	if !needReal(t, realSupervisord) || !needReal(t, realCtl) {
		return
	}
	want := runScenario(t, "supervisord", realClient())
	runs := []struct {
		name string
		ctl  client
	}{
		{"supervisorctl-vs-supinit", realClient()},
		{"supinit-ctl-vs-supinit", goClient(t)},
	}
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			got := runScenario(t, "supinit", r.ctl)
			for i, st := range steps() {
				if got[i] != want[i] {
					t.Errorf("%s %s:\nsupinit     (exit %d) %q\nsupervisord (exit %d) %q",
						r.ctl.name, strings.Join(st.args, " "), got[i].code, got[i].out, want[i].code, want[i].out)
				}
			}
		})
	}
}

package supervisor

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/events"
	"github.com/supinit/supinit/internal/pid1test"
)

// The [eventlistener:x] end-to-end tests: real Python listeners, written
// as the corpus's are, under a supervisor running as PID 1.

// python3 is the interpreter the listeners need.
func python3(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/python3"); err == nil {
		return "/usr/bin/python3"
	}
	path, err := exec.LookPath("python3")
	if err != nil {
		pid1test.Unavailable(t, "the event listener tests need python3 (/usr/bin/python3 or on PATH)")
	}
	return path
}

// testdataListener is the absolute path of a listener of events/testdata.
func testdataListener(t *testing.T, name string) string {
	t.Helper()
	path, err := filepath.Abs(filepath.Join("..", "events", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// listenerProgram is an [eventlistener:name] pool of one process running
// argv, subscribed to evs. Its stdout is set to /dev/stdout on purpose:
// the protocol must still never reach the container's stdout.
func listenerProgram(name string, argv []string, evs []string, edits ...func(p *config.Program)) *config.Program {
	p := shProgram(name, strings.Join(argv, " "), func(p *config.Program) {
		p.Kind, p.Section = config.KindEventListener, "eventlistener:"+name
		p.Argv = argv
		p.Priority, p.GroupPriority = -1, -1
		p.Autorestart = config.AutorestartTrue
		p.Events, p.BufferSize = evs, 10
		p.ResultHandler = events.DefaultResultHandler
	})
	for _, e := range edits {
		e(p)
	}
	return p
}

// withListeners adds listener pools to cfg as the loaders do: in
// EventListeners, with groups of kind eventlistener, groups sorted by
// (priority, name).
func withListeners(cfg *config.Config, listeners ...*config.Program) *config.Config {
	for _, l := range listeners {
		cfg.EventListeners = append(cfg.EventListeners, l)
		cfg.Groups = append(cfg.Groups, &config.Group{
			Name: l.Group, Kind: config.KindEventListener, Priority: l.GroupPriority, Processes: []string{l.Name},
		})
	}
	slices.SortStableFunc(cfg.Groups, func(a, b *config.Group) int {
		if a.Priority != b.Priority {
			return a.Priority - b.Priority
		}
		return strings.Compare(a.Name, b.Name)
	})
	return cfg
}

// received is one event as a listener recorded it.
type received struct {
	Headers map[string]string `json:"headers"`
	Payload string            `json:"payload"`
	Result  string            `json:"result"`
}

// pidField matches a real pid in a payload.
var pidField = regexp.MustCompile(`pid:[1-9][0-9]*`)

// key is the event name and its payload, real pids written pid:*.
func (r received) key() string {
	return strings.TrimSpace(r.Headers["eventname"] + " " + pidField.ReplaceAllString(r.Payload, "pid:*"))
}

func (r received) serial(t *testing.T, field string) int {
	t.Helper()
	n, err := strconv.Atoi(r.Headers[field])
	if err != nil {
		t.Fatalf("event %v: bad %s: %v", r.Headers, field, err)
	}
	return n
}

// readReceived reads the JSON lines a listener wrote to path.
func readReceived(t *testing.T, path string) []received {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []received
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var r received
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			// The last line may be half written.
			break
		}
		out = append(out, r)
	}
	return out
}

// waitReceived waits until the listener recorded at least n events
// matching keep (all when keep is nil) and returns those.
func waitReceived(t *testing.T, path string, n int, timeout time.Duration, keep func(received) bool) []received {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		var got []received
		for _, r := range readReceived(t, path) {
			if keep == nil || keep(r) {
				got = append(got, r)
			}
		}
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %d events in %s; got %d: %v", timeout, n, path, len(got), keys(got))
		}
		<-tick.C
	}
}

func keys(rs []received) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.key()
	}
	return out
}

// noProtocolOnStdout fails when the listener protocol leaked onto the
// container's streams.
func noProtocolOnStdout(t *testing.T, c *container) {
	t.Helper()
	if n := c.count(regexp.MustCompile(`READY|RESULT \d|ver:3\.0`)); n != 0 {
		t.Fatalf("%d lines of the listener protocol reached the container's streams", n)
	}
}

func TestPID1ListenerReceivesEventsInOrder(t *testing.T) {
	py := python3(t)
	dir := t.TempDir()
	statesOut, ticksOut := filepath.Join(dir, "states.jsonl"), filepath.Join(dir, "ticks.jsonl")
	marker := filepath.Join(dir, "ran-once")
	// app runs, exits 3 (unexpected: restarted at once), then runs until
	// it is stopped.
	app := shProgram("app", `if [ -e `+marker+` ]; then `+politeScript+`; else touch `+marker+`; echo first; exit 3; fi`)
	states := listenerProgram("states", []string{py, testdataListener(t, "log_listener.py"), statesOut},
		[]string{"PROCESS_STATE", "SUPERVISOR_STATE_CHANGE", "PROCESS_GROUP"},
		func(p *config.Program) { p.Startsecs, p.BufferSize = time.Second, 50 })
	ticks := listenerProgram("ticks", []string{py, testdataListener(t, "log_listener.py"), ticksOut}, []string{"TICK_5"})
	c := startContainer(t, withListeners(makeConfig(dir, app), states, ticks))

	c.waitLine(`^app +\| up$`, 10*time.Second)
	isListener := func(r received) bool {
		name := r.Payload
		return strings.Contains(name, "processname:states ") || strings.Contains(name, "processname:ticks ")
	}
	notListener := func(r received) bool { return !isListener(r) }
	waitReceived(t, statesOut, 9, 10*time.Second, notListener)
	tick := waitReceived(t, ticksOut, 1, 10*time.Second, nil)[0]
	if when, err := strconv.ParseInt(strings.TrimPrefix(tick.Payload, "when:"), 10, 64); tick.Headers["eventname"] != "TICK_5" || err != nil || when%5 != 0 {
		t.Fatalf("tick event %v %q; want TICK_5 with when: a multiple of 5", tick.Headers, tick.Payload)
	}

	c.signal(syscall.SIGTERM)
	if code := c.wait(15 * time.Second); code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0", code)
	}
	all := readReceived(t, statesOut)
	var got []string
	for _, r := range all {
		if notListener(r) {
			got = append(got, r.key())
		}
	}
	want := []string{
		"PROCESS_GROUP_ADDED groupname:states",
		"PROCESS_GROUP_ADDED groupname:ticks",
		"PROCESS_GROUP_ADDED groupname:app",
		"SUPERVISOR_STATE_CHANGE_RUNNING",
		"PROCESS_STATE_STARTING processname:app groupname:app from_state:STOPPED tries:0",
		"PROCESS_STATE_RUNNING processname:app groupname:app from_state:STARTING pid:*",
		"PROCESS_STATE_EXITED processname:app groupname:app from_state:RUNNING expected:0 pid:*",
		"PROCESS_STATE_STARTING processname:app groupname:app from_state:EXITED tries:0",
		"PROCESS_STATE_RUNNING processname:app groupname:app from_state:STARTING pid:*",
		// The shutdown: the listeners stop last and still get these.
		"SUPERVISOR_STATE_CHANGE_STOPPING",
		"PROCESS_STATE_STOPPING processname:app groupname:app from_state:RUNNING pid:*",
		"PROCESS_STATE_STOPPED processname:app groupname:app from_state:STOPPING pid:*",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("events received:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The listeners' own state changes come too, in order.
	var own []string
	for _, r := range all {
		if strings.Contains(r.Payload, "processname:states ") {
			own = append(own, r.key())
		}
	}
	if len(own) < 2 || own[0] != "PROCESS_STATE_STARTING processname:states groupname:states from_state:STOPPED tries:0" ||
		own[1] != "PROCESS_STATE_RUNNING processname:states groupname:states from_state:STARTING pid:*" {
		t.Fatalf("the listener's own events: %q", own)
	}
	// The envelope: supervisord's header, serials in order, no pool serial
	// missing (nothing was dropped), len the payload's length.
	for i, r := range all {
		h := r.Headers
		if h["ver"] != "3.0" || h["server"] != "supervisor" || h["pool"] != "states" || h["len"] != strconv.Itoa(len(r.Payload)) {
			t.Fatalf("event %d header %v (payload %q)", i, h, r.Payload)
		}
		if r.serial(t, "poolserial") != i {
			t.Fatalf("event %d has poolserial %s", i, h["poolserial"])
		}
		if i > 0 && r.serial(t, "serial") <= all[i-1].serial(t, "serial") {
			t.Fatalf("serials out of order: %s after %s", h["serial"], all[i-1].Headers["serial"])
		}
	}
	noProtocolOnStdout(t, c)
}

func TestPID1FatalListenerStopsSupinit(t *testing.T) {
	py := python3(t)
	for _, sig := range []string{"SIGTERM", "SIGQUIT"} {
		t.Run(sig, func(t *testing.T) {
			dir := t.TempDir()
			argv := []string{py, testdataListener(t, "fatal_kill.py")}
			if sig == "SIGQUIT" {
				argv = append(argv, "QUIT")
			}
			crash := shProgram("crash", "echo up; exit 4", func(p *config.Program) {
				p.Startsecs, p.Startretries, p.Autorestart = time.Second, 1, config.AutorestartTrue
			})
			side := shProgram("side", politeScript)
			fatal := listenerProgram("fatal", argv, []string{"PROCESS_STATE"})
			c := startContainer(t, withListeners(makeConfig(dir, crash, side), fatal))
			if code := c.wait(20 * time.Second); code != 0 {
				t.Fatalf("exit code %d, want 0 (a clean shutdown)", code)
			}
			c.waitLine(`gave up: crash entered FATAL state`, time.Second)
			c.waitLine(`received `+sig+` indicating exit request`, time.Second)
			c.waitLine(`^side +\| got TERM$`, time.Second)
			c.waitLine(`stopped: side \(exit status 0\)`, time.Second)
			c.waitLine(`stopped: fatal \(`, time.Second)
			noProtocolOnStdout(t, c)
		})
	}
}

func TestPID1ListenerFailIsRedelivered(t *testing.T) {
	py := python3(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "fail.jsonl")
	failing := listenerProgram("failing", []string{py, testdataListener(t, "fail_once.py"), out},
		[]string{"PROCESS_STATE_RUNNING"})
	c := startContainer(t, withListeners(makeConfig(dir, shProgram("a", politeScript), shProgram("b", politeScript)), failing))
	// failing's own RUNNING, a's and b's: each twice.
	got := waitReceived(t, out, 6, 10*time.Second, nil)
	c.signal(syscall.SIGTERM)
	if code := c.wait(15 * time.Second); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	got = readReceived(t, out)
	if len(got) != 6 {
		t.Fatalf("%d deliveries, want 6: %v", len(got), keys(got))
	}
	var names []string
	for i := 0; i < len(got); i += 2 {
		first, again := got[i], got[i+1]
		if first.Result != "FAIL" || again.Result != "OK" || first.Headers["serial"] != again.Headers["serial"] ||
			first.Headers["poolserial"] != again.Headers["poolserial"] || first.Payload != again.Payload {
			t.Fatalf("deliveries %d and %d: %+v then %+v; want the same event, FAIL then OK", i, i+1, first, again)
		}
		names = append(names, strings.Fields(first.Payload)[0])
	}
	if want := []string{"processname:failing", "processname:a", "processname:b"}; !slices.Equal(names, want) {
		t.Fatalf("events for %v, want %v", names, want)
	}
	c.waitLine(`event was rejected`, time.Second)
}

// slowListener records each event, then takes its time to answer.
const slowListener = `
import json, sys, time
out = open(sys.argv[1], "a")
while True:
    sys.stdout.write("READY\n"); sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        break
    headers = dict([x.split(":", 1) for x in line.split()])
    payload = sys.stdin.read(int(headers["len"]))
    out.write(json.dumps({"headers": headers, "payload": payload}) + "\n"); out.flush()
    time.sleep(0.3)
    sys.stdout.write("RESULT 2\nOK"); sys.stdout.flush()
`

func TestPID1ListenerBufferOverflow(t *testing.T) {
	py := python3(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "slow.jsonl")
	script := filepath.Join(dir, "slow.py")
	if err := os.WriteFile(script, []byte(slowListener), 0o644); err != nil {
		t.Fatal(err)
	}
	// Six programs reach RUNNING in one burst at start-up, before the
	// listener can have written READY: with its own RUNNING that is seven
	// events (serials 0..6) for a buffer of two.
	var progs []*config.Program
	for i := range 6 {
		progs = append(progs, shProgram(fmt.Sprintf("p%d", i), politeScript))
	}
	slow := listenerProgram("slow", []string{py, script, out}, []string{"PROCESS_STATE_RUNNING"}, func(p *config.Program) {
		p.Startsecs, p.BufferSize = 0, 2
	})
	c := startContainer(t, withListeners(makeConfig(dir, progs...), slow))
	got := waitReceived(t, out, 2, 10*time.Second, nil)
	drops := c.waitLines(`pool slow event buffer overflowed, discarding event \d+`, 5, 5*time.Second)
	c.signal(syscall.SIGTERM)
	if code := c.wait(15 * time.Second); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	got = readReceived(t, out)
	if k := keys(got); len(got) != 2 || got[0].Headers["serial"] != "5" || got[1].Headers["serial"] != "6" ||
		!strings.HasPrefix(k[0], "PROCESS_STATE_RUNNING processname:p4 ") || !strings.HasPrefix(k[1], "PROCESS_STATE_RUNNING processname:p5 ") {
		t.Fatalf("the listener got %v (serials %v); want the two newest, p4's and p5's RUNNING (5 and 6)", k, serials(got))
	}
	for i, line := range drops {
		if !strings.Contains(line, fmt.Sprintf("discarding event %d ", i)) && !strings.HasSuffix(line, fmt.Sprintf("discarding event %d", i)) {
			t.Fatalf("drop %d: %q; want the oldest dropped first", i, line)
		}
	}
	if n := c.count(regexp.MustCompile(`event buffer overflowed`)); n != 5 {
		t.Fatalf("%d overflow warnings, want 5", n)
	}
}

func serials(rs []received) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Headers["serial"]
	}
	return out
}

// brokenListener breaks on its first run (argv[3] says how: "garbage"
// writes something that is not the protocol and stays up, "die" exits 1
// without answering) after recording the event it was sent; from the
// second run on it answers OK. Each record names the run.
const brokenListener = `
import json, os, sys, time
out, marker, mode = sys.argv[1], sys.argv[2], sys.argv[3]
first = not os.path.exists(marker)
open(marker, "a").close()
log = open(out, "a")
while True:
    sys.stdout.write("READY\n"); sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        break
    headers = dict([x.split(":", 1) for x in line.split()])
    payload = sys.stdin.read(int(headers["len"]))
    log.write(json.dumps({"headers": headers, "payload": payload, "result": "first" if first else "again"}) + "\n"); log.flush()
    if first and mode == "die":
        sys.exit(1)
    if first:
        sys.stdout.write("this is not the protocol\n"); sys.stdout.flush()
        sys.stdin.read()
        break
    sys.stdout.write("RESULT 2\nOK"); sys.stdout.flush()
`

func TestPID1BrokenListenerRestartsWithoutLoss(t *testing.T) {
	py := python3(t)
	for _, mode := range []string{"garbage", "die"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			out, script := filepath.Join(dir, "broken.jsonl"), filepath.Join(dir, "broken.py")
			if err := os.WriteFile(script, []byte(brokenListener), 0o644); err != nil {
				t.Fatal(err)
			}
			var progs []*config.Program
			for _, name := range []string{"a", "b", "c"} {
				progs = append(progs, shProgram(name, "echo up; exit 0", once))
			}
			broken := listenerProgram("broken", []string{py, script, out, filepath.Join(dir, "marker"), mode},
				[]string{"PROCESS_STATE_EXITED"}, func(p *config.Program) { p.Startsecs = 0 })
			c := startContainer(t, withListeners(makeConfig(dir, progs...), broken))
			// The listener's own EXITED (mode "die") is not counted.
			programs := func(r received) bool { return !strings.Contains(r.Payload, "processname:broken ") }
			waitReceived(t, out, 4, 10*time.Second, programs)
			c.signal(syscall.SIGTERM)
			if code := c.wait(15 * time.Second); code != 0 {
				t.Fatalf("exit code %d, want 0", code)
			}
			var got []received
			for _, r := range readReceived(t, out) {
				if programs(r) {
					got = append(got, r)
				}
			}
			// The event the first run held goes to the second run first, then
			// the ones queued meanwhile: none is lost, none is repeated.
			var runs, again []string
			for _, r := range got {
				runs = append(runs, r.Result)
				if r.Result == "again" {
					again = append(again, strings.Fields(r.Payload)[0])
				}
			}
			slices.Sort(again)
			if !slices.Equal(runs, []string{"first", "again", "again", "again"}) ||
				!slices.Equal(again, []string{"processname:a", "processname:b", "processname:c"}) {
				t.Fatalf("deliveries %v to runs %v; want the first run's event again, then the others, each once", keys(got), runs)
			}
			if got[0].Headers["serial"] != got[1].Headers["serial"] {
				t.Fatalf("the second run first got serial %s; the first run held %s", got[1].Headers["serial"], got[0].Headers["serial"])
			}
			if mode == "garbage" {
				c.waitLine(`broke the eventlistener protocol`, time.Second)
				c.waitLine(`restarting event listener broken`, time.Second)
			}
			noProtocolOnStdout(t, c)
		})
	}
}

// stdoutRelay is supervisor_stdout's listener: it answers each
// PROCESS_LOG event with its payload, and the result handler prints it.
const stdoutRelay = `
import sys
while True:
    sys.stdout.write("READY\n"); sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        break
    headers = dict([x.split(":") for x in line.split()])
    data = sys.stdin.read(int(headers["len"]))
    sys.stdout.write("RESULT %s\n%s" % (len(data), data)); sys.stdout.flush()
`

func TestPID1StdoutRelayListener(t *testing.T) {
	py := python3(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "relay.py")
	if err := os.WriteFile(script, []byte(stdoutRelay), 0o644); err != nil {
		t.Fatal(err)
	}
	// talker's output goes nowhere but to the events: the relay is what
	// shows it, as in the corpus's supervisor_stdout configs.
	talker := shProgram("talker", `echo "hello 1"; echo "hello 2" >&2; `+politeScript, func(p *config.Program) {
		p.Stdout = config.LogConfig{Logfile: config.LogNone, EventsEnabled: true}
		p.Stderr = config.LogConfig{Logfile: config.LogNone, EventsEnabled: true}
	})
	relay := listenerProgram("stdout", []string{py, script}, []string{"PROCESS_LOG"}, func(p *config.Program) {
		p.ResultHandler = events.RelayResultHandler
	})
	c := startContainer(t, withListeners(makeConfig(dir, talker), relay))
	c.waitLine(`^talker stdout \| hello 1$`, 10*time.Second)
	c.waitLine(`^talker stderr \| hello 2$`, 10*time.Second)
	c.waitLine(`^talker stdout \| up$`, 10*time.Second)
	c.signal(syscall.SIGTERM)
	if code := c.wait(15 * time.Second); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	c.waitLine(`^talker stdout \| got TERM$`, time.Second)
	if n := c.count(regexp.MustCompile(`^talker +\|`)); n != 0 {
		t.Fatalf("%d lines of talker reached stdout other than through the relay", n)
	}
}

// Capture mode: a block between the XSUPERVISOR tokens (the begin token
// cut across two writes here, the log's lines whole) leaves the program's output and reaches the
// listeners as PROCESS_COMMUNICATION, with supervisord's payload.
func TestPID1ProcessCommunication(t *testing.T) {
	py := python3(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "comm.jsonl")
	comm := shProgram("comm", `printf 'before\n<!--XSUPER'; sleep 0.3; `+
		`printf 'VISOR:BEGIN-->secret data<!--XSUPERVISOR:END-->after\n'; `+
		`printf 'err <!--XSUPERVISOR:BEGIN-->errcomm<!--XSUPERVISOR:END-->\n' >&2; `+politeScript,
		func(p *config.Program) { p.Stdout.CaptureMaxbytes, p.Stderr.CaptureMaxbytes = 1<<20, 1<<20 })
	lis := listenerProgram("comms", []string{py, testdataListener(t, "log_listener.py"), out}, []string{"PROCESS_COMMUNICATION"})
	c := startContainer(t, withListeners(makeConfig(dir, comm), lis))
	got := keys(waitReceived(t, out, 2, 10*time.Second, nil))
	c.waitLine(`^comm +\| before$`, 5*time.Second)
	c.waitLine(`^comm +\| after$`, 5*time.Second)
	c.waitLine(`^comm +\| err $`, 5*time.Second)
	c.signal(syscall.SIGTERM)
	if code := c.wait(15 * time.Second); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	// The two pipes are read apart: their order is not the program's.
	slices.Sort(got)
	want := []string{
		"PROCESS_COMMUNICATION_STDERR processname:comm groupname:comm pid:*\nerrcomm",
		"PROCESS_COMMUNICATION_STDOUT processname:comm groupname:comm pid:*\nsecret data",
	}
	if !slices.Equal(got, want) {
		t.Fatalf("the listener got %q, want %q", got, want)
	}
	if n := c.count(regexp.MustCompile(`XSUPERVISOR|secret|errcomm`)); n != 0 {
		t.Fatalf("%d lines of the container's output show a block or its tokens", n)
	}
}

// stopSupervisor is the corpus's stop-supervisor.sh (116.conf, 117.conf):
// on every event it signals supervisord (kill -3) and never answers.
const stopSupervisor = `printf "READY\n"; while read line; do echo "Processing Event: $line" >&2; kill -%s $(cat "%s"); done`

// That listener gets a STOPPED event as soon as the shutdown stops the
// first program, and signals supinit again: that must not turn a graceful
// `docker stop` into SIGKILL for the programs still stopping.
func TestPID1StopSupervisorListenerKeepsShutdownGraceful(t *testing.T) {
	for _, sig := range []string{"3", "15"} {
		t.Run("kill -"+sig, func(t *testing.T) {
			dir := t.TempDir()
			pidfile := filepath.Join(dir, "supervisord.pid")
			db := shProgram("db", `trap 'echo "db: got TERM"; sleep 2; echo "db: clean exit"; exit 0' TERM; `+
				`echo "db up"; while :; do sleep 0.1; done`, func(p *config.Program) { p.Priority, p.GroupPriority = 10, 10 })
			app := shProgram("app", politeScript)
			processes := listenerProgram("processes", []string{"/bin/sh", "-c", fmt.Sprintf(stopSupervisor, sig, pidfile)},
				[]string{"PROCESS_STATE_STOPPED", "PROCESS_STATE_EXITED", "PROCESS_STATE_FATAL"})
			cfg := withListeners(makeConfig(dir, db, app), processes)
			cfg.Supervisord.Pidfile = pidfile
			c := startContainer(t, cfg)
			c.waitLine(`^db +\| db up$`, 10*time.Second)
			c.waitLine(`^app +\| up$`, 10*time.Second)
			c.signal(syscall.SIGTERM)
			if code := c.wait(15 * time.Second); code != 0 {
				t.Fatalf("exit code %d, want 0", code)
			}
			c.waitLine(`received SIG(QUIT|TERM) during shutdown: already shutting down`, time.Second)
			c.waitLine(`^db +\| db: clean exit$`, time.Second)
			c.waitLine(`stopped: db \(exit status 0\)`, time.Second)
			if n := c.count(regexp.MustCompile(`SIGKILL`)); n != 0 {
				t.Fatalf("%d lines mention SIGKILL; the shutdown was escalated", n)
			}
		})
	}
}

// A listener that takes its events but never answers (noanswer.sh of the
// audit) does not hold the shutdown for long, and the shutdown says once
// that it waits for it.
func TestPID1SilentListenerShutdownIsQuick(t *testing.T) {
	dir := t.TempDir()
	app := shProgram("app", politeScript)
	noanswer := listenerProgram("noanswer", []string{"/bin/sh", "-c", `printf "READY\n"; while read line; do :; done`},
		[]string{"PROCESS_STATE_STOPPED", "PROCESS_STATE_EXITED", "PROCESS_STATE_FATAL"})
	c := startContainer(t, withListeners(makeConfig(dir, app), noanswer))
	c.waitLine(`^app +\| up$`, 10*time.Second)
	c.waitLine(`success: noanswer entered RUNNING state`, 10*time.Second)
	start := time.Now()
	c.signal(syscall.SIGTERM)
	if code := c.wait(15 * time.Second); code != 0 {
		t.Fatalf("exit code %d, want 0", code)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("the shutdown took %v; a silent listener must not hold it for %v", took, listenerFlushWait)
	}
	if n := c.count(regexp.MustCompile(`waiting for noanswer to die`)); n != 1 {
		t.Fatalf("%d lines say the shutdown waits for noanswer, want 1", n)
	}
}

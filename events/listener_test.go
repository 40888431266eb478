package events

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// These tests drive the Python listeners in testdata through a Pool, with
// the test playing the supervisor loop: it writes what the pool says to
// the listener's stdin and feeds the pool what the listener writes back.

// live is one running listener process.
type live struct {
	stdin  io.WriteCloser
	out    chan []byte   // chunks of its stdout; closed at EOF
	exited chan struct{} // closed once it exited and err, stderr are set
	err    error
	stderr string
}

func python(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3 is needed to run the testdata listeners: %v", err)
		}
		t.Skipf("SKIPPING: python3 not found, the testdata listeners cannot run: %v", err)
	}
	return py
}

func startLive(t *testing.T, args ...string) *live {
	t.Helper()
	cmd := exec.Command(python(t), args...)
	// The listeners read len characters in text mode: make that UTF-8
	// whatever the locale of the machine running the tests.
	cmd.Env = append(os.Environ(), "PYTHONIOENCODING=utf-8")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := new(strings.Builder)
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	l := &live{stdin: stdin, out: make(chan []byte), exited: make(chan struct{})}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := stdout.Read(buf)
			if n > 0 {
				l.out <- append([]byte(nil), buf[:n]...)
			}
			if err != nil {
				break
			}
		}
		close(l.out)
		// Wait only after the last read of the pipe, as os/exec requires.
		l.err = cmd.Wait()
		l.stderr = stderr.String()
		close(l.exited)
	}()
	t.Cleanup(func() {
		stdin.Close()
		for range l.out { // drain so the reader ends
		}
		<-l.exited
		if t.Failed() {
			t.Logf("listener stderr:\n%s", l.stderr)
		}
	})
	return l
}

// serve carries out acts for listener proc of p and feeds p its output
// until done() holds, failing the test after a deadline.
func (l *live) serve(t *testing.T, p *Pool, proc string, acts []Action, done func() bool) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		for _, a := range acts {
			switch a.Kind {
			case ActionWrite:
				if _, err := l.stdin.Write(a.Data); err != nil {
					t.Fatalf("cannot write to the listener: %v", err)
				}
			case ActionRestart:
				t.Fatalf("the listener broke the protocol: %v", summary(acts))
			}
		}
		if done() {
			return
		}
		select {
		case data, ok := <-l.out:
			if !ok {
				t.Fatal("the listener closed its stdout")
			}
			acts = p.OnOutput(proc, data)
		case <-deadline:
			t.Fatalf("timed out: listener %s, %d queued", p.State(proc), p.Queued())
		}
	}
}

// record is one line a testdata listener logs.
type record struct {
	Headers map[string]string `json:"headers"`
	Payload string            `json:"payload"`
	Result  string            `json:"result"`
}

func readRecords(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var r record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("bad record %q: %v", sc.Text(), err)
		}
		h := r.Headers
		line := strings.Join([]string{h["ver"], h["server"], h["serial"], h["pool"], h["poolserial"], h["eventname"], r.Payload}, " ")
		if r.Result != "" {
			line += " -> " + r.Result
		}
		out = append(out, line)
	}
	return out
}

// idle is true once the listener answered everything and waits again.
func idle(p *Pool, proc string) func() bool {
	return func() bool { return p.Queued() == 0 && p.State(proc) == Ready }
}

func TestLogListenerGetsEveryEventInOrder(t *testing.T) {
	file := filepath.Join(t.TempDir(), "events.jsonl")
	l := startLive(t, "testdata/log_listener.py", file)
	b := NewBus("supinit")
	p := mustPool(t, b, PoolConfig{Name: "logger", Events: []string{"PROCESS_STATE", "PROCESS_LOG", "SUPERVISOR_STATE_CHANGE"},
		BufferSize: 10, Processes: []string{"logger"}})
	web := Process{Name: "web", Group: "web", PID: 42}
	acts := p.OnSpawn("logger")
	acts = append(acts, p.OnRunning("logger")...)
	for _, ev := range []Event{
		SupervisorRunning(),
		ProcessState(StateChange{Process: web, From: "STOPPED", To: "STARTING"}),
		ProcessGroupAdded("web"), // not subscribed
		ProcessState(StateChange{Process: web, From: "STARTING", To: "RUNNING"}),
		ProcessLog(web, Stdout, []byte("h\u00e9llo \u2603\nsecond line\n")),
		ProcessLog(web, Stderr, []byte("\xff")),
	} {
		acts = append(acts, b.Publish(ev)...)
	}
	l.serve(t, p, "logger", acts, idle(p, "logger"))
	want := []string{
		"3.0 supinit 0 logger 0 SUPERVISOR_STATE_CHANGE_RUNNING ",
		"3.0 supinit 1 logger 1 PROCESS_STATE_STARTING processname:web groupname:web from_state:STOPPED tries:0",
		"3.0 supinit 2 logger 2 PROCESS_STATE_RUNNING processname:web groupname:web from_state:STARTING pid:42",
		"3.0 supinit 3 logger 3 PROCESS_LOG_STDOUT processname:web groupname:web pid:42 channel:stdout\nh\u00e9llo \u2603\nsecond line\n",
		"3.0 supinit 4 logger 4 PROCESS_LOG_STDERR processname:web groupname:web pid:42 channel:stderr\nUndecodable: b'\\xff'",
	}
	if got := readRecords(t, file); !reflect.DeepEqual(got, want) {
		t.Errorf("the listener recorded\n%q\nwant\n%q", got, want)
	}
}

func TestFailOnceListenerGetsEachEventAgain(t *testing.T) {
	file := filepath.Join(t.TempDir(), "events.jsonl")
	l := startLive(t, "testdata/fail_once.py", file)
	b := NewBus("supervisor")
	p := mustPool(t, b, PoolConfig{Name: "picky", Events: []string{"TICK_60"}, BufferSize: 10, Processes: []string{"picky"}})
	acts := p.OnSpawn("picky")
	acts = append(acts, p.OnRunning("picky")...)
	acts = append(acts, b.Publish(Tick(60, 60))...)
	acts = append(acts, b.Publish(Tick(60, 120))...)
	l.serve(t, p, "picky", acts, idle(p, "picky"))
	want := []string{
		"3.0 supervisor 0 picky 0 TICK_60 when:60 -> FAIL",
		"3.0 supervisor 0 picky 0 TICK_60 when:60 -> OK",
		"3.0 supervisor 1 picky 1 TICK_60 when:120 -> FAIL",
		"3.0 supervisor 1 picky 1 TICK_60 when:120 -> OK",
	}
	if got := readRecords(t, file); !reflect.DeepEqual(got, want) {
		t.Errorf("the listener recorded\n%q\nwant\n%q", got, want)
	}
}

// fakeSupervisor is the fatal listener's parent: when the listener
// signals it, it reports the signal on stderr, kills the listener (as a
// supervisor shutting down would stop it) and exits.
const fakeSupervisor = `
import os, signal, subprocess, sys
def stop(sig, frame):
    sys.stderr.write("supervisor got %s\\n" % signal.Signals(sig).name)
    sys.stderr.flush()
    child.kill()
    os._exit(0)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGQUIT, stop)
child = subprocess.Popen([sys.executable] + sys.argv[1:])
child.wait()
sys.exit("the listener exited before it signalled")
`

func TestFatalListenerSignalsItsParent(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "supervisor got SIGTERM"},
		{[]string{"QUIT"}, "supervisor got SIGQUIT"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			l := startLive(t, append([]string{"-c", fakeSupervisor, "testdata/fatal_kill.py"}, tt.args...)...)
			b := NewBus("supervisor")
			p := mustPool(t, b, PoolConfig{Name: "fatal", Events: []string{"PROCESS_STATE"}, BufferSize: 10, Processes: []string{"fatal"}})
			web := Process{Name: "web", Group: "web"}
			acts := p.OnSpawn("fatal")
			acts = append(acts, p.OnRunning("fatal")...)
			acts = append(acts, b.Publish(ProcessState(StateChange{Process: web, From: "STARTING", To: "BACKOFF", Tries: 1}))...)
			l.serve(t, p, "fatal", acts, idle(p, "fatal"))
			select {
			case <-l.exited:
				t.Fatalf("the listener stopped its parent on BACKOFF: %s", l.stderr)
			default:
			}

			acts = b.Publish(ProcessState(StateChange{Process: web, From: "BACKOFF", To: "FATAL"}))
			l.serve(t, p, "fatal", acts, func() bool { return p.State("fatal") == Busy })
			deadline := time.After(20 * time.Second)
			out := l.out
			for stop := false; !stop; {
				select {
				case _, ok := <-out: // its answer, if it got one out before it was killed
					if !ok {
						out = nil
					}
				case <-l.exited:
					stop = true
				case <-deadline:
					t.Fatal("the listener did not stop its parent")
				}
			}
			if l.err != nil || !strings.Contains(l.stderr, tt.want) {
				t.Errorf("parent ended with %v, stderr %q; want %q", l.err, l.stderr, tt.want)
			}
		})
	}
}

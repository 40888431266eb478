package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/supinit/supinit/internal/pid1test"
)

// End-to-end tests of a container stream whose reader stalls or is slow
// (docker's log driver blocked, a slow `docker logs -f` pipe).

// TestE2EBlockedStdout: supinit's stdout is a pipe nobody reads, filled
// up. supinit still reaps, restarts, answers signals and supervisorctl,
// and copies stderr, and SIGTERM still ends it within stopwaitsecs plus
// its flush bounds, also when the program stuck on stdout ignores SIGTERM
// (it gets SIGKILL after stopwaitsecs) and when supinit's own log goes to
// that stdout. At exit it says on stderr, once, what stdout did not take.
func TestE2EBlockedStdout(t *testing.T) {
	const stopwait = 2 * time.Second
	tests := []struct {
		name, supervisord, flood string
		logOnStderr              bool
	}{
		{"log on stderr", e2eLogOnStderr, "/usr/bin/yes flooding-the-stdout-of-supinit", true},
		{"log on the blocked stdout, flood ignores SIGTERM",
			"[supervisord]\nlogfile=/dev/stdout\nlogfile_maxbytes=0\n",
			`/bin/sh -c 'trap "" TERM; exec yes flooding-the-stdout-of-supinit'`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			conf := writeFile(t, dir, "supervisord.conf", tt.supervisord+`
[unix_http_server]
file=`+dir+`/s.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://`+dir+`/s.sock

[program:flood]
command=`+tt.flood+`
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
stopwaitsecs=2

[program:ticker]
command=`+writer(t)+` tick 20ms err
stdout_logfile=NONE
stderr_logfile=/dev/stderr
stderr_logfile_maxbytes=0
stopwaitsecs=2

[program:churn]
command=/bin/sh -c 'echo churn $$ >&2; sleep 0.1'
startsecs=0
autorestart=true
stopwaitsecs=2
stderr_logfile=/dev/stderr
stderr_logfile_maxbytes=0
`)
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close() // held open and never read: writes to it block
			s := startSupinit(t, dir, e2eStreams{stdout: w}, "-c", "supervisord.conf")
			w.Close()

			full := func() bool {
				queued, err1 := unix.IoctlGetInt(int(r.Fd()), unix.TIOCINQ) // FIONREAD
				size, err2 := unix.FcntlInt(r.Fd(), unix.F_GETPIPE_SZ, 0)
				// Within a page of full: the last write that fitted need
				// not have filled it to the byte.
				return err1 == nil && err2 == nil && queued > size-4096
			}
			if !pid1test.Eventually(10*time.Second, full) {
				t.Fatalf("supinit's stdout pipe never filled up%s", s.output())
			}
			mark := len(s.Stderr.Bytes())
			after := func(want string, n int) func([]byte, bool) bool {
				return func(b []byte, _ bool) bool { return bytes.Count(b[mark:], []byte(want)) >= n }
			}
			if !s.Stderr.waitFor(5*time.Second, after("tick ", 10)) {
				t.Errorf("stderr stopped flowing while stdout is blocked%s", s.output())
			}
			if !s.Stderr.waitFor(5*time.Second, after("churn ", 3)) {
				t.Errorf("supinit stopped reaping and restarting while stdout is blocked%s", s.output())
			}
			if !tt.logOnStderr {
				// Each restart logs three lines: enough of them to
				// overflow the log's lane on the blocked stdout.
				if !s.Stderr.waitFor(10*time.Second, after("churn ", 30)) {
					t.Errorf("supinit stopped restarting while its log is blocked%s", s.output())
				}
			}
			if tt.logOnStderr {
				s.signal(unix.SIGUSR2)
				if !s.Stderr.waitFor(5*time.Second, after("received SIGUSR2", 1)) {
					t.Errorf("supinit did not answer SIGUSR2 while stdout is blocked%s", s.output())
				}
			}
			start := time.Now()
			out, code := goClient(t).run(t, conf, "status")
			if states := parseStatus(out); states["flood"] == "" || states["ticker"] == "" || code > 3 {
				t.Errorf("supinit ctl status while stdout is blocked: exit %d, %q%s", code, out, s.output())
			} else {
				t.Logf("supinit ctl status answered in %v while stdout is blocked", time.Since(start).Round(time.Millisecond))
			}
			if !pid1test.Eventually(2*time.Second, func() bool {
				z, err := pid1test.Zombies(s.cmd.Process.Pid)
				return err == nil && len(z) == 0
			}) {
				z, _ := pid1test.Zombies(s.cmd.Process.Pid)
				t.Errorf("zombies stay while stdout is blocked: %v", z)
			}

			s.signal(unix.SIGTERM)
			limit := stopwait + 5*time.Second // + the 2 s output flush bound and slack
			code, took := s.wait(limit)
			t.Logf("supinit exited with %d %v after SIGTERM, stdout still blocked", code, took.Round(time.Millisecond))
			if code != 0 {
				t.Errorf("exit code %d after SIGTERM, want 0%s", code, s.output())
			}
			s.Stderr.waitEOF(t, "stderr", 5*time.Second)
			// One line per loss, each saying what was lost: nothing about
			// stderr, which flowed.
			var report []string
			for _, l := range strings.Split(s.Stderr.String(), "\n") {
				if strings.HasPrefix(l, "supinit: ") || strings.Contains(l, "context deadline") {
					report = append(report, l)
				}
			}
			want := []*regexp.Regexp{regexp.MustCompile(`^supinit: dropped \d+ bytes of output at exit: stdout did not take them within 1s$`)}
			if !tt.logOnStderr {
				want = append(want, regexp.MustCompile(`^supinit: \d+ lines of supinit's log were dropped \(stdout did not take them\)$`))
			}
			if len(report) != len(want) {
				t.Fatalf("stderr says at exit %q, want %d lines matching %v", report, len(want), want)
			}
			for i, re := range want {
				if !re.MatchString(report[i]) {
					t.Errorf("stderr says at exit %q, want %v", report[i], re)
				}
			}
		})
	}
}

// TestE2ESlowStdout: a reader of stdout that is merely slow loses
// nothing, neither a program's output nor a line of supinit's own log
// (echoed there from its log file, busy with a program that restarts all
// the time); stderr, read at full speed, is not held back meanwhile.
func TestE2ESlowStdout(t *testing.T) {
	dir := t.TempDir()
	const lines = 20000 // about 1.5 MB
	writeFile(t, dir, "supervisord.conf", "[supervisord]\nlogfile="+dir+"/supinit.log\n"+`
[program:slow]
command=`+writer(t)+` lines slow 20000
autorestart=false
startsecs=0
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0

[program:fast]
command=`+writer(t)+` lines fast 20000
autorestart=false
startsecs=0
stdout_logfile=/dev/stderr
stdout_logfile_maxbytes=0

[program:churn]
command=/bin/sleep 0.05
autorestart=true
startsecs=0
`)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	slow := newCapture()
	// 4 KiB every 5 ms is at most 0.8 MB/s, far below what the writers
	// produce: stdout stays full for about 2 s, while stderr is done in
	// a fraction of that.
	go slow.readFrom(r, 4<<10, func() { time.Sleep(5 * time.Millisecond) })
	s := startSupinit(t, dir, e2eStreams{stdout: w}, "-c", "supervisord.conf")
	w.Close()

	// The END line is the program's last, but lines of supinit's log
	// may follow it: look for it near the end.
	hasEnd := func(id string) func([]byte, bool) bool {
		return func(b []byte, _ bool) bool {
			return bytes.Contains(b[max(0, len(b)-64<<10):], []byte(id+" END 20000\n"))
		}
	}
	if !s.Stderr.waitFor(20*time.Second, hasEnd("fast")) {
		t.Fatalf("stderr did not get all of fast's lines%s", s.output())
	}
	if hasEnd("slow")(slow.Bytes(), false) {
		t.Errorf("stderr was complete only after the slow reader of stdout had read everything: stdout held stderr back")
	}
	if !slow.waitFor(30*time.Second, hasEnd("slow")) {
		t.Fatalf("stdout did not get all of slow's lines:\n%s", tail(slow.Bytes()))
	}
	s.stop(10 * time.Second)
	slow.waitEOF(t, "stdout", 5*time.Second)
	program, log := splitMainLog(slow.Bytes())
	checkNumbered(t, program, []string{"slow"}, lines, false)
	checkNumbered(t, s.Stderr.Bytes(), []string{"fast"}, lines, false)
	file, err := os.ReadFile(dir + "/supinit.log")
	if err != nil {
		t.Fatal(err)
	}
	if want := bytes.SplitAfter(file, []byte("\n")); !bytes.Equal(log, file) {
		got := bytes.SplitAfter(log, []byte("\n"))
		i := 0
		for i < len(got) && i < len(want) && bytes.Equal(got[i], want[i]) {
			i++
		}
		t.Errorf("stdout has %d lines of supinit's log, the log file %d; the first that differs is %q", len(got), len(want), want[min(i, len(want)-1)])
	}
}

// mainLogLine is how a line of supinit's own log starts.
var mainLogLine = regexp.MustCompile(`^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]{4} `)

// splitMainLog parts a stream into the programs' lines and supinit's own.
func splitMainLog(b []byte) (program, log []byte) {
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		if mainLogLine.Match(line) {
			log = append(log, line...)
		} else {
			program = append(program, line...)
		}
	}
	return program, log
}

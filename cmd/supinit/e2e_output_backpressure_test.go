package main

import (
	"bytes"
	"os"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/supinit/supinit/internal/pid1test"
)

// End-to-end tests of a container stream whose reader stalls or is slow
// (docker's log driver blocked, a slow `docker logs -f` pipe).

// TestE2EBlockedStdout: supinit's stdout is a pipe nobody reads, filled
// up. supinit still reaps, restarts, answers signals and copies stderr,
// and SIGTERM still ends it within stopwaitsecs plus its flush bound,
// also when the program stuck on stdout ignores SIGTERM (it gets SIGKILL
// after stopwaitsecs) and when supinit's own log goes to that stdout.
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
			writeFile(t, dir, "supervisord.conf", tt.supervisord+`
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
			if tt.logOnStderr {
				s.signal(unix.SIGUSR2)
				if !s.Stderr.waitFor(5*time.Second, after("received SIGUSR2", 1)) {
					t.Errorf("supinit did not answer SIGUSR2 while stdout is blocked%s", s.output())
				}
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
		})
	}
}

// TestE2ESlowStdout: a reader of stdout that is merely slow loses
// nothing; stderr, read at full speed, is not held back meanwhile.
func TestE2ESlowStdout(t *testing.T) {
	dir := t.TempDir()
	const lines = 20000 // about 1.5 MB
	writeFile(t, dir, "supervisord.conf", e2eQuiet(dir)+`
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

	endsWith := func(s string) func([]byte, bool) bool {
		return func(b []byte, _ bool) bool { return bytes.HasSuffix(b, []byte(s)) }
	}
	if !s.Stderr.waitFor(20*time.Second, endsWith("fast END 20000\n")) {
		t.Fatalf("stderr did not get all of fast's lines%s", s.output())
	}
	if bytes.HasSuffix(slow.Bytes(), []byte("slow END 20000\n")) {
		t.Errorf("stderr was complete only after the slow reader of stdout had read everything: stdout held stderr back")
	}
	if !slow.waitFor(30*time.Second, endsWith("slow END 20000\n")) {
		t.Fatalf("stdout did not get all of slow's lines:\n%s", tail(slow.Bytes()))
	}
	s.stop(10 * time.Second)
	slow.waitEOF(t, "stdout", 5*time.Second)
	checkNumbered(t, slow.Bytes(), []string{"slow"}, lines, false)
	checkNumbered(t, s.Stderr.Bytes(), []string{"fast"}, lines, false)
}

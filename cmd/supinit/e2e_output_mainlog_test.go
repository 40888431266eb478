package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/supinit/supinit/internal/pid1test"
)

// TestE2EMainLog: supinit's own log with logfile=/dev/stdout lands on
// stdout once (not echoed twice); a log file is echoed to stdout unless
// silent; loglevel filters it; --log-format json makes it JSON lines.
func TestE2EMainLog(t *testing.T) {
	tests := []struct {
		name, level string
		logfile     string // "" is /dev/stdout; else a file in the test's folder
		silent      bool
		json        bool
		once, not   []string // on stdout: exactly once, never
	}{
		{"info", "info", "", false, false, []string{" INFO supinit started with pid 1\n", " WARN received SIGTERM"}, []string{" DEBG "}},
		{"warn", "warn", "", false, false, []string{" WARN received SIGTERM indicating exit request\n"}, []string{" INFO "}},
		{"debug", "debug", "", false, false, []string{" INFO supinit started with pid 1\n", " DEBG sleeper: STOPPED -> STARTING"}, nil},
		{"json", "info", "", false, true, []string{`"message":"supinit started with pid 1"`}, []string{`"level":"debug"`}},
		{"file echoed", "info", "supinit.log", false, false, []string{" INFO supinit started with pid 1\n"}, nil},
		{"file silent", "info", "supinit.log", true, false, nil, []string{"supinit started"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			logfile := "/dev/stdout"
			if tt.logfile != "" {
				logfile = filepath.Join(dir, tt.logfile)
			}
			writeFile(t, dir, "supervisord.conf", fmt.Sprintf("[supervisord]\nlogfile=%s\nlogfile_maxbytes=0\nsilent=%v\nloglevel=%s\n",
				logfile, tt.silent, tt.level)+`

[program:sleeper]
command=/bin/sleep 600
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
`)
			args := []string{"-c", "supervisord.conf"}
			if tt.json {
				args = append(args, "--log-format=json")
			}
			s := startSupinit(t, dir, e2eStreams{}, args...)
			s.waitProcess("sleep", 5*time.Second)
			s.stop(10 * time.Second)
			out := s.Stdout.String()
			for _, w := range tt.once {
				if n := strings.Count(out, w); n != 1 {
					t.Errorf("stdout has %q %d times, want once", w, n)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(out, n) {
					t.Errorf("stdout has %q", n)
				}
			}
			if strings.Contains(s.Stderr.String(), "supinit started") {
				t.Errorf("supinit's log is on stderr too:\n%s", s.Stderr.String())
			}
			if tt.logfile != "" && !fileHas(logfile, " INFO supinit started with pid 1\n") {
				t.Errorf("%s lacks supinit's log", tt.logfile)
			}
			if tt.json {
				for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
					var ev struct{ Time, Level, Message string }
					if err := json.Unmarshal([]byte(line), &ev); err != nil || ev.Time == "" || ev.Level == "" || ev.Message == "" {
						t.Errorf("not a JSON log line with time, level and message: %q (%v)", line, err)
					}
				}
			}
			if t.Failed() {
				t.Logf("stdout:\n%s", out)
			}
		})
	}
}

// TestE2EMainLogRotation: supinit's own log file rotates at
// logfile_maxbytes and keeps logfile_backups old files.
func TestE2EMainLogRotation(t *testing.T) {
	const maxBytes, backups = 2000, 2
	dir := t.TempDir()
	logfile := filepath.Join(dir, "supinit.log")
	writeFile(t, dir, "supervisord.conf", fmt.Sprintf("[supervisord]\nlogfile=%s\nlogfile_maxbytes=%d\nlogfile_backups=%d\nsilent=true\n",
		logfile, maxBytes, backups)+`
[program:churn]
command=/bin/sleep 0.02
autorestart=true
startsecs=0
`)
	s := startSupinit(t, dir, e2eStreams{}, "-c", "supervisord.conf")
	// Two rotations at least: a first backup has become the second.
	if !pid1test.Eventually(20*time.Second, func() bool {
		_, err := os.Stat(logfile + ".2")
		return err == nil
	}) {
		t.Fatalf("%s.2 never appeared", logfile)
	}
	s.stop(10 * time.Second)
	if _, err := os.Stat(logfile + ".3"); err == nil {
		t.Errorf("%s.3 exists: more than %d backups kept", logfile, backups)
	}
	for _, p := range []string{logfile + ".1", logfile + ".2"} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// A file is rotated by the write that reaches maxbytes: it ends
		// with that whole line.
		last := b[bytes.LastIndexByte(b[:len(b)-1], '\n')+1:]
		if len(b) < maxBytes || len(b)-len(last) >= maxBytes || !mainLogLine.Match(last) {
			t.Errorf("%s: %d bytes, last line %q; want it rotated by the line that reached %d bytes", p, len(b), last, maxBytes)
		}
	}
}

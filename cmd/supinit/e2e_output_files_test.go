package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/supinit/supinit/internal/pid1test"
)

// End-to-end tests of the programs' log files, with supinit as PID 1.

// TestE2ELogFiles: a log file rotates at maxbytes into name.1, name.2 …
// keeping backups of them, or is truncated with backups=0; NONE keeps output off every stream and file;
// redirect_stderr puts both pipes into the stdout log, in order.
func TestE2ELogFiles(t *testing.T) {
	dir := t.TempDir()
	const lines, maxBytes, backups = 3000, 20000, 3
	writeFile(t, dir, "supervisord.conf", e2eLogOnStderr+fmt.Sprintf(`childlogdir=%[1]s

[program:rot]
command=%[2]s lines rot %[3]d
autorestart=false
startsecs=0
stdout_logfile=%[1]s/rot.log
stdout_logfile_maxbytes=%[4]d
stdout_logfile_backups=%[5]d

[program:trunc]
command=%[2]s lines trunc %[3]d
autorestart=false
startsecs=0
stdout_logfile=%[1]s/trunc.log
stdout_logfile_maxbytes=%[4]d
stdout_logfile_backups=0

[program:none]
command=/bin/sh -c 'echo none-out; echo none-err >&2'
autorestart=false
startsecs=0
stdout_logfile=NONE
stderr_logfile=NONE

[program:redir]
command=/bin/sh -c 'echo o1; echo e1 >&2; echo o2; echo e2 >&2'
autorestart=false
startsecs=0
redirect_stderr=true
stdout_logfile=%[1]s/redir.log
`, dir, writer(t), lines, maxBytes, backups))
	s := startSupinit(t, dir, e2eStreams{}, "-c", "supervisord.conf")
	waitExited(t, s, 20*time.Second, "rot", "trunc", "none", "redir")
	s.stop(10 * time.Second)

	// Rotation: rot.log.3 … rot.log.1, rot.log hold, in this order, the
	// last lines the program wrote, each file at least maxbytes but the
	// current one; no rot.log.4.
	var all []byte
	for i := backups; i >= 0; i-- {
		name := filepath.Join(dir, "rot.log")
		if i > 0 {
			name += "." + strconv.Itoa(i)
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatalf("cannot read a rotated log: %v", err)
		}
		if i > 0 && len(b) < maxBytes {
			t.Errorf("%s is %d bytes, less than maxbytes %d: rotated too early", name, len(b), maxBytes)
		}
		if len(b) > 0 && b[len(b)-1] != '\n' {
			t.Errorf("%s does not end with a whole line", name)
		}
		all = append(all, b...)
	}
	if _, err := os.Stat(filepath.Join(dir, "rot.log.4")); err == nil {
		t.Errorf("rot.log.4 exists: stdout_logfile_backups=%d not honoured", backups)
	}
	checkNumberedTail(t, all, "rot", lines)

	// backups=0: truncated in place, no trunc.log.1. The program wrote
	// ten times maxbytes, so less than maxbytes left shows truncation;
	// empty is right too, when the last write reached maxbytes.
	if m, _ := filepath.Glob(filepath.Join(dir, "trunc.log.*")); len(m) > 0 {
		t.Errorf("stdout_logfile_backups=0 made backups: %v", m)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "trunc.log")); err != nil || len(b) >= maxBytes {
		t.Errorf("trunc.log: %d bytes (%v), want less than maxbytes %d after truncation", len(b), err, maxBytes)
	} else if len(b) > 0 {
		checkNumberedTail(t, b, "trunc", lines)
	}

	// NONE: nowhere.
	for _, c := range []*capture{s.Stdout, s.Stderr} {
		if bytes.Contains(c.Bytes(), []byte("none-")) {
			t.Errorf("output of a NONE log reached a container stream:\n%s", c.Bytes())
		}
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "none*")); len(m) > 0 {
		t.Errorf("NONE made files: %v", m)
	}

	// redirect_stderr: one pipe, so the order is the program's.
	if b, _ := os.ReadFile(filepath.Join(dir, "redir.log")); string(b) != "o1\ne1\no2\ne2\n" {
		t.Errorf("redir.log = %q, want stdout and stderr in order", b)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "redir-stderr*")); len(m) > 0 {
		t.Errorf("redirect_stderr made a stderr log: %v", m)
	}
}

// checkNumberedTail checks that b is the end of `writer lines id n`'s
// output: consecutive whole lines, in order, up to the END line.
func checkNumberedTail(t *testing.T, b []byte, id string, n int) {
	t.Helper()
	first := bytes.IndexByte(b, '\n') + 1
	f := bytes.Fields(b[:first])
	if len(f) < 2 || string(f[0]) != id {
		t.Fatalf("the rotated logs start with %.100q, not a line of %s", b[:first], id)
	}
	seq, err := strconv.Atoi(string(f[1]))
	if err != nil {
		t.Fatalf("the rotated logs start with %.100q", b[:first])
	}
	// checkNumbered wants the whole output: put back the lines rotated away.
	var head []byte
	for i := range seq {
		head = fmt.Appendf(head, "%s %d %s\n", id, i, e2ePattern[i%26:i%26+e2eLineLen(i)])
	}
	checkNumbered(t, append(head, b...), []string{id}, n, false)
}

// TestE2EAutoLogs: AUTO logs go to childlogdir as
// <proc>-<channel>---<identifier>-XXXXXXXX.log; the next start deletes
// the old ones of that identifier, unless nocleanup.
func TestE2EAutoLogs(t *testing.T) {
	dir := t.TempDir()
	logDir := filepath.Join(dir, "childlogs")
	if err := os.Mkdir(logDir, 0o755); err != nil {
		t.Fatal(err)
	}
	stale := []string{filepath.Join(logDir, "old-stdout---e2eid-abcdefgh.log"), filepath.Join(logDir, "old-stdout---e2eid-abcdefgh.log.1")}
	foreign := []string{filepath.Join(logDir, "other-stdout---otherid-abcdefgh.log"), filepath.Join(logDir, "notes.txt")}
	for _, p := range append(foreign, stale...) {
		writeFile(t, logDir, filepath.Base(p), "x\n")
	}
	autoName := regexp.MustCompile(`^auto-(stdout|stderr)---e2eid-[a-z0-9_]{8}\.log$`)
	run := func(nocleanup bool) map[string]string {
		writeFile(t, dir, "supervisord.conf", e2eLogOnStderr+fmt.Sprintf(`childlogdir=%s
identifier=e2eid
nocleanup=%v

[program:auto]
command=/bin/sh -c 'echo auto-out; echo auto-err >&2'
autorestart=false
startsecs=0
stdout_logfile=AUTO
stderr_logfile=AUTO
`, logDir, nocleanup))
		s := startSupinit(t, dir, e2eStreams{}, "-c", "supervisord.conf")
		waitExited(t, s, 10*time.Second, "auto")
		s.stop(10 * time.Second)
		files := map[string]string{}
		entries, _ := os.ReadDir(logDir)
		for _, e := range entries {
			b, _ := os.ReadFile(filepath.Join(logDir, e.Name()))
			files[e.Name()] = string(b)
		}
		return files
	}
	countAuto := func(files map[string]string) (n int) {
		want := map[string]string{"stdout": "auto-out\n", "stderr": "auto-err\n"}
		for name, text := range files {
			if m := autoName.FindStringSubmatch(name); m != nil {
				n++
				if text != want[m[1]] {
					t.Errorf("%s holds %q, want %q", name, text, want[m[1]])
				}
			}
		}
		return n
	}

	first := run(false)
	for _, p := range stale {
		if _, ok := first[filepath.Base(p)]; ok {
			t.Errorf("%s, an old AUTO log of this identifier, was not cleaned at start", filepath.Base(p))
		}
	}
	for _, p := range foreign {
		if _, ok := first[filepath.Base(p)]; !ok {
			t.Errorf("%s was deleted: not an AUTO log of this identifier", filepath.Base(p))
		}
	}
	if n := countAuto(first); n != 2 {
		t.Errorf("after the first start: %d AUTO logs, want 2 (stdout, stderr): %v", n, keys(first))
	}
	second := run(true)
	if n := countAuto(second); n != 4 {
		t.Errorf("with nocleanup: %d AUTO logs, want the first start's 2 and 2 new: %v", n, keys(second))
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestE2EReopenOnSIGUSR2: logrotate renames the logs away and sends
// SIGUSR2; supinit reopens them, so new lines go to new files at the
// original paths (a program's log and supinit's own), and no program
// line is lost between the two.
func TestE2EReopenOnSIGUSR2(t *testing.T) {
	dir := t.TempDir()
	path, mainLog := filepath.Join(dir, "tick.log"), filepath.Join(dir, "supinit.log")
	writeFile(t, dir, "supervisord.conf", e2eQuiet(dir)+`
[program:tick]
command=`+writer(t)+` tick 20ms
stdout_logfile=`+path+`
`)
	s := startSupinit(t, dir, e2eStreams{}, "-c", "supervisord.conf")
	if !pid1test.Eventually(5*time.Second, func() bool { return fileHas(path, "tick 3\n") }) {
		t.Fatalf("tick.log never held tick 3%s", s.output())
	}
	for _, p := range []string{path, mainLog} {
		if err := os.Rename(p, p+".old"); err != nil {
			t.Fatal(err)
		}
	}
	s.signal(syscall.SIGUSR2)
	if !pid1test.Eventually(5*time.Second, func() bool { return fileHas(path, "tick") }) {
		t.Fatalf("no new tick.log with ticks after SIGUSR2%s", s.output())
	}
	s.stop(10 * time.Second)
	old, _ := os.ReadFile(path + ".old")
	cur, _ := os.ReadFile(path)
	ticks := strings.Split(strings.TrimSuffix(string(old)+string(cur), "\n"), "\n")
	for i, l := range ticks {
		if l != "tick "+strconv.Itoa(i) {
			t.Fatalf("line %d of tick.log.old + tick.log is %q: a tick was lost or torn\nold: %q\nnew: %q", i, l, old, cur)
		}
	}
	if !fileHas(mainLog, "supinit exiting with code 0") {
		t.Errorf("supinit's own log was not reopened at %s by SIGUSR2", mainLog)
	}
	if !fileHas(mainLog+".old", "supinit started") {
		t.Errorf("supinit's log written before SIGUSR2 is not in the renamed file")
	}
}

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The real supervisor 4.2.5 (Debian package "supervisor"), the reference
// the interop suite compares supinit against.
const (
	realSupervisord = "/usr/bin/supervisord"
	realCtl         = "/usr/bin/supervisorctl"
)

// needReal reports whether the real tool at path is installed. Without it
// the test is skipped loudly, and fails when CI is set.
func needReal(t *testing.T, path string) bool {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		return true
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing and CI is set: install the Debian supervisor package", path)
	}
	t.Logf("SKIPPING the half of this test that needs %s: it is not installed (apt-get install supervisor)", path)
	return false
}

// interopDir makes a temp dir with a short path: a unix socket path must
// fit in 108 bytes, and t.TempDir() names can be long.
func interopDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "si")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// syncBuffer collects a daemon's output, written by exec's copier
// goroutines while a failing test may read it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// interopDaemon is a supervisord or supinit under test.
type interopDaemon struct {
	name   string
	cmd    *exec.Cmd
	output *syncBuffer
	exited chan struct{}
}

// startInteropDaemon starts argv as a child in its own process group and, when
// we are root, in its own PID namespace: the kernel then kills every
// program it started when it dies, so nothing can outlive the test even
// if the daemon misbehaves. t.Cleanup stops it.
func startInteropDaemon(t *testing.T, name string, argv ...string) *interopDaemon {
	t.Helper()
	d := &interopDaemon{name: name, cmd: exec.Command(argv[0], argv[1:]...), output: &syncBuffer{}, exited: make(chan struct{})}
	d.cmd.Stdout, d.cmd.Stderr = d.output, d.output
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if os.Geteuid() == 0 {
		d.cmd.SysProcAttr.Cloneflags = syscall.CLONE_NEWPID
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatalf("cannot start %s: %v", name, err)
	}
	go func() {
		d.cmd.Wait()
		close(d.exited)
	}()
	t.Cleanup(func() { d.stop(t) })
	return d
}

// interopRun is one way of running a comparison: a client against a
// daemon ("supervisord", the real one, or "supinit").
type interopRun struct {
	name, daemon string
	ctl          ctlClient
}

// startDaemon starts the real supervisord ("supervisord") or supinit
// with the config file conf.
func startDaemon(t *testing.T, daemon, conf string) *interopDaemon {
	t.Helper()
	if daemon == "supervisord" {
		return startInteropDaemon(t, daemon, realSupervisord, "-n", "-c", conf)
	}
	return startInteropDaemon(t, daemon, binary(t), "-c", conf)
}

// stop ends the daemon: SIGTERM, then SIGKILL to its process group if it
// has not exited within 15 s.
func (d *interopDaemon) stop(t *testing.T) {
	t.Helper()
	if d.running() {
		syscall.Kill(d.cmd.Process.Pid, syscall.SIGTERM)
	}
	if !d.waitExit(15 * time.Second) {
		t.Errorf("%s did not exit 15 s after SIGTERM; killing it\noutput:\n%s", d.name, d.output)
		syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
		<-d.exited
	}
}

func (d *interopDaemon) running() bool {
	select {
	case <-d.exited:
		return false
	default:
		return true
	}
}

// waitExit reports whether the daemon exited within timeout.
func (d *interopDaemon) waitExit(timeout time.Duration) bool {
	select {
	case <-d.exited:
		return true
	case <-time.After(timeout):
		return false
	}
}

// ctlClient is a supervisorctl: the real one, or `supinit ctl`.
type ctlClient struct {
	name string
	argv []string
}

func realClient() ctlClient { return ctlClient{"supervisorctl", []string{realCtl}} }

func goClient(t *testing.T) ctlClient { return ctlClient{"supinit ctl", []string{binary(t), "ctl"}} }

// run runs one command line against the server named in conf and returns
// its combined output and exit status. A client that hangs fails the test.
func (c ctlClient) run(t *testing.T, conf string, args ...string) (string, int) {
	t.Helper()
	out, code, err := c.exec(conf, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out, code
}

// exec is run for other goroutines than the test's: it returns what
// run's test would fail on.
func (c ctlClient) exec(conf string, args ...string) (string, int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	argv := append(append(append([]string{}, c.argv...), "-c", conf), args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return "", 0, fmt.Errorf("%s %v hung for 20 s; output so far:\n%s", c.name, args, out)
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(out), ee.ExitCode(), nil
	}
	if err != nil {
		return "", 0, fmt.Errorf("cannot run %s %v: %w", c.name, args, err)
	}
	return string(out), 0, nil
}

// statusLine is one row of the status table: name, state, description.
var statusLine = regexp.MustCompile(`^(\S+)\s+([A-Z]+)\s*(.*)$`)

// parseStatus maps each process name in a status table to its state.
func parseStatus(out string) map[string]string {
	states := map[string]string{}
	for _, l := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if m := statusLine.FindStringSubmatch(l); m != nil {
			states[m[1]] = m[2]
		}
	}
	return states
}

// waitStates polls status until every named process is in its wanted
// state, and fails the test after a deadline.
func waitStates(t *testing.T, c ctlClient, conf string, want map[string]string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, _ := c.run(t, conf, "status")
		got := parseStatus(out)
		ok := true
		for name, state := range want {
			if got[name] != state {
				ok = false
			}
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("processes did not reach %v within 20 s; status:\n%s", want, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Volatile parts of supervisorctl output, replaced before comparing.
var (
	pidRE     = regexp.MustCompile(`pid \d+, uptime \d+:\d\d:\d\d`)
	dateRE    = regexp.MustCompile(`[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M`)
	bareNumRE = regexp.MustCompile(`(?m)^[1-9]\d*$`)
	autoLogRE = regexp.MustCompile(`---supervisor-[A-Za-z0-9_]+\.log`)
	// supervisorctl 4.2.5 retries a command once after a 401 and prints
	// a second error line, with the Python source position, for the
	// retry; supinit ctl deliberately prints only the first message.
	retry401RE = regexp.MustCompile(`(?m)^error: <class 'xmlrpc.client.ProtocolError'>, <ProtocolError for 127.0.0.1/RPC2: 401 Unauthorized>.*\n`)
)

// normalizeOutput replaces pids, uptimes, stop dates, the temp dir and
// the random suffix of AUTO log names, which differ from run to run, and
// drops supervisorctl's second 401 line.
func normalizeOutput(out, dir string) string {
	out = retry401RE.ReplaceAllString(out, "")
	out = strings.ReplaceAll(out, dir, "TMP")
	out = pidRE.ReplaceAllString(out, "pid PID, uptime UPTIME")
	out = dateRE.ReplaceAllString(out, "DATE")
	out = bareNumRE.ReplaceAllString(out, "PID")
	return autoLogRE.ReplaceAllString(out, "---supervisor-RANDOM.log")
}

// writeConf writes text into dir/name, with @DIR@ replaced by dir.
func writeConf(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(text, "@DIR@", dir)), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

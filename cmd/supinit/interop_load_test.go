package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// serverConf is the head of the configs below: a unix socket server,
// with @AUTH@ replaced by its username/password lines.
const serverConf = `[unix_http_server]
file=@DIR@/s.sock
@AUTH@
[supervisord]
logfile=@DIR@/supervisord.log
pidfile=@DIR@/supervisord.pid
childlogdir=@DIR@

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://@DIR@/s.sock
`

// startInteropSupinit starts supinit with conf text in a fresh dir and
// returns the dir, the config path and the daemon.
func startInteropSupinit(t *testing.T, text string) (string, string, *interopDaemon) {
	t.Helper()
	dir := interopDir(t)
	conf := writeConf(t, dir, "supervisord.conf", text)
	return dir, conf, startDaemon(t, "supinit", conf)
}

// ctlClients is the real supervisorctl (when installed) and `supinit ctl`.
func ctlClients(t *testing.T) []ctlClient {
	if needReal(t, realCtl) {
		return []ctlClient{realClient(), goClient(t)}
	}
	return []ctlClient{goClient(t)}
}

// TestInteropAuth: a unix server with a password, asked with no, wrong
// and right credentials, by both clients, against both daemons.
func TestInteropAuth(t *testing.T) {
	if testing.Short() {
		t.Skip("the interop suite starts daemons")
	}
	text := strings.Replace(serverConf, "@AUTH@", "username=bob\npassword=s3cret\n", 1) + "\n[program:sleeper]\ncommand=/bin/sleep 1000\n"
	cases := []struct {
		args []string
		want string
		code int
	}{
		{[]string{"status"}, "Server requires authentication\n", 1},
		{[]string{"-u", "bob", "-p", "wrong", "status"}, "Server requires authentication\n", 1},
		{[]string{"-u", "eve", "-p", "s3cret", "version"}, "Server requires authentication\n", 1},
		{[]string{"-u", "bob", "-p", "s3cret", "version"}, "4.2.5\n", 0},
		{[]string{"-u", "bob", "-p", "s3cret", "status"}, "sleeper                          RUNNING   pid PID, uptime UPTIME\n", 0},
	}
	daemons := []string{"supinit"}
	if needReal(t, realSupervisord) {
		daemons = append(daemons, "supervisord")
	}
	for _, name := range daemons {
		dir := interopDir(t)
		conf := writeConf(t, dir, "supervisord.conf", text)
		argv := []string{binary(t), "-c", conf}
		if name == "supervisord" {
			argv = []string{realSupervisord, "-n", "-c", conf}
		}
		startInteropDaemon(t, name, argv...)
		authed := goClient(t)
		authed.argv = append(authed.argv, "-u", "bob", "-p", "s3cret")
		waitStates(t, authed, conf, map[string]string{"sleeper": "RUNNING"})
		for _, c := range ctlClients(t) {
			if name == "supervisord" && c.name != "supervisorctl" {
				continue // the reference is the real pair
			}
			for _, tc := range cases {
				out, code := c.run(t, conf, tc.args...)
				if out = normalizeOutput(out, dir); out != tc.want || code != tc.code {
					t.Errorf("%s against %s %v: got (exit %d) %q, want (exit %d) %q", c.name, name, tc.args, code, out, tc.code, tc.want)
				}
			}
		}
	}
}

// crashLoopConf has programs that exit at once and are restarted at once
// (startsecs=0: each run counts as started, so there is no backoff).
func crashLoopConf() string {
	text := strings.Replace(serverConf, "@AUTH@", "", 1) + "\n[program:steady]\ncommand=/bin/sleep 1000\n"
	for i := range 4 {
		text += fmt.Sprintf("\n[program:crash%d]\ncommand=/bin/false\nautorestart=true\nstartsecs=0\n", i)
	}
	return text
}

// knownStates are the states a status row may show.
const knownStates = " STOPPED STARTING RUNNING BACKOFF STOPPING EXITED FATAL UNKNOWN "

// checkTable reports what is wrong with a status table of crashLoopConf.
func checkTable(out string, code int) error {
	if code != 0 && code != 3 {
		return fmt.Errorf("exit status %d", code)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 5 {
		return fmt.Errorf("%d rows, want 5", len(lines))
	}
	for i, l := range lines {
		m := statusLine.FindStringSubmatch(l)
		want := "steady"
		if i < 4 {
			want = fmt.Sprintf("crash%d", i)
		}
		if m == nil || m[1] != want || !strings.Contains(knownStates, " "+m[2]+" ") {
			return fmt.Errorf("row %d is not a status row of %s: %q", i, want, l)
		}
	}
	return nil
}

// TestInteropConcurrentCrashLoop: many clients at once ask for status
// while programs crash and restart as fast as they can; every answer is a
// whole table, no client hangs, and supinit keeps running.
func TestInteropConcurrentCrashLoop(t *testing.T) {
	if testing.Short() {
		t.Skip("the interop suite starts daemons")
	}
	dir, conf, d := startInteropSupinit(t, crashLoopConf())
	waitStates(t, goClient(t), conf, map[string]string{"steady": "RUNNING"})
	cs := ctlClients(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8*20*len(cs))
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				for _, c := range cs {
					out, code, err := c.exec(conf, "status")
					if err != nil {
						errs <- err
						continue
					}
					if err := checkTable(normalizeOutput(out, dir), code); err != nil {
						errs <- fmt.Errorf("%s status: %w\n%s", c.name, err, out)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if !d.running() {
		t.Fatalf("supinit exited during the crash loop; output:\n%s", d.output)
	}
	if out, code := goClient(t).run(t, conf, "status", "steady"); code != 0 {
		t.Errorf("after the storm, status steady: exit %d\n%s", code, out)
	}
	// The programs did crash-loop meanwhile: crash0 was spawned often.
	if n := strings.Count(d.output.String(), "spawned: 'crash0'"); n < 5 {
		t.Errorf("crash0 was spawned %d times, want a crash loop", n)
	}
}

// tailConf has a program that prints a line each time the test creates
// the file "go" in its dir: a line written only after the tail started.
const tailConf = `
[program:writer]
command=/bin/sh -c 'echo ready; while :; do if [ -e @DIR@/go ]; then rm -f @DIR@/go; echo after-the-tail-began; fi; sleep 0.05; done'
`

// TestInteropTailFollow: `tail -f` shows the lines written after it
// started and ends on SIGINT, printing what the real supervisorctl prints
// against the real supervisord, and exiting the same.
func TestInteropTailFollow(t *testing.T) {
	if testing.Short() {
		t.Skip("the interop suite starts daemons")
	}
	var runs []interopRun
	real := needReal(t, realSupervisord) && needReal(t, realCtl)
	if real {
		runs = append(runs, interopRun{"supervisorctl-vs-supervisord", "supervisord", realClient()},
			interopRun{"supervisorctl-vs-supinit", "supinit", realClient()})
	}
	runs = append(runs, interopRun{"supinit-ctl-vs-supinit", "supinit", goClient(t)})
	results := make([]stepResult, len(runs))
	for i, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			dir := interopDir(t)
			conf := writeConf(t, dir, "supervisord.conf", strings.Replace(serverConf, "@AUTH@", "", 1)+tailConf)
			startDaemon(t, r.daemon, conf)
			waitStates(t, goClient(t), conf, map[string]string{"writer": "RUNNING"})
			results[i] = followTail(t, r.ctl, dir, conf)
		})
	}
	if t.Failed() || !real {
		return
	}
	want := results[0] // the real supervisorctl against the real supervisord
	for i, r := range runs[1:] {
		if got := results[i+1]; got != want {
			t.Errorf("%s: tail -f printed %q and exited %d; supervisord's printed %q and exited %d",
				r.name, got.out, got.code, want.out, want.code)
		}
	}
}

// followTail runs `tail -f writer`, waits for the line the writer prints
// after the tail has shown its first output, then interrupts the ctlClient
// and returns what it printed and its exit status.
func followTail(t *testing.T, c ctlClient, dir, conf string) stepResult {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	argv := append(append([]string{}, c.argv...), "-c", conf, "tail", "-f", "writer")
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		io.Copy(io.Discard, stdout)
	}()
	var seen []string
	await := func(want string) {
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("%s tail -f ended before %q; it printed %q", c.name, want, seen)
				}
				seen = append(seen, l)
				if strings.Contains(l, want) {
					return
				}
			case <-ctx.Done():
				t.Fatalf("%s tail -f did not print %q within 20 s; it printed %q", c.name, want, seen)
			}
		}
	}
	await("ready")
	if err := os.WriteFile(filepath.Join(dir, "go"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	await("after-the-tail-began")
	cmd.Process.Signal(syscall.SIGINT)
	for l := range lines {
		seen = append(seen, l)
	}
	err = cmd.Wait()
	if ctx.Err() != nil {
		t.Fatalf("%s tail -f did not end on SIGINT: %v", c.name, err)
	}
	// The newline supervisorctl prints on Ctrl-C is left out: it prints
	// it only when the interrupt lands in its wait loop, not in a read.
	return stepResult{strings.TrimRight(strings.Join(seen, "\n"), "\n"), cmd.ProcessState.ExitCode()}
}

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/supinit/supinit/internal/pid1test"
)

// End-to-end tests of the PID-1 core through the command line: the built
// binary as PID 1 of a new PID namespace (startSupinit), in single-command
// mode, with a main command, and in supervisor mode with an INI file; and,
// for the signals only a process that is not PID 1 receives, below a
// shell that is.

// e2eTimeout bounds every wait of these tests.
const e2eTimeout = 10 * time.Second

// pid1Header is a [supervisord] section with supinit's log on stderr
// only, at debug level (the terminal signals are logged at debug).
const pid1Header = "[supervisord]\nlogfile=/dev/stderr\nlogfile_maxbytes=0\nsilent=true\nloglevel=debug\n"

// sleeper returns the path of a link to sleep called name in dir: a
// program started through it shows name as its command name, so the test
// can tell the programs apart from outside the namespace.
func sleeper(t *testing.T, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.Symlink("/bin/sleep", path); err != nil {
		t.Fatal(err)
	}
	return path
}

// sleepPrograms is INI [program] sections running `sleep 1000` under each
// name, with the priority given after a colon ("web:10").
func sleepPrograms(t *testing.T, dir string, specs ...string) string {
	t.Helper()
	var b strings.Builder
	for _, spec := range specs {
		name, prio, _ := strings.Cut(spec, ":")
		if _, err := os.Lstat(filepath.Join(dir, name)); err != nil {
			sleeper(t, dir, name)
		}
		fmt.Fprintf(&b, "[program:%s]\ncommand=%s 1000\n", name, filepath.Join(dir, name))
		if prio != "" {
			fmt.Fprintf(&b, "priority=%s\n", prio)
		}
	}
	return b.String()
}

// pidOf is the host pid of the process called comm below supinit, or 0.
func (s *supinitPID1) pidOf(comm string) int {
	procs, _ := pid1test.Descendants(s.cmd.Process.Pid)
	for _, p := range procs {
		if p.Comm == comm {
			return p.Pid
		}
	}
	return 0
}

// waitGone waits until no process called comm runs below supinit.
func (s *supinitPID1) waitGone(comm string) {
	s.t.Helper()
	if !pid1test.Eventually(e2eTimeout, func() bool { return s.pidOf(comm) == 0 }) {
		s.t.Fatalf("%q still runs below supinit after %v%s", comm, e2eTimeout, s.output())
	}
}

// logOrder fails the test unless each of lines appears in supinit's log
// (stderr), in that order.
func (s *supinitPID1) logOrder(lines ...string) {
	s.t.Helper()
	log := s.Stderr.String()
	at := -1
	for _, l := range lines {
		i := strings.Index(log, l)
		if i < 0 || i < at {
			s.t.Fatalf("supinit's log does not have %q in order %q%s", l, lines, s.output())
		}
		at = i
	}
}

// TestE2ESingleExitCodes: `supinit -- CMD` exits with CMD's exit code,
// 128+N when CMD is killed by signal N, 127 when CMD is not found and 126
// when it cannot be executed.
func TestE2ESingleExitCodes(t *testing.T) {
	dir := t.TempDir()
	notExec := writeFile(t, dir, "not-executable", "#!/bin/sh\n")
	tests := []struct {
		name string
		argv []string
		want int
	}{
		{"exit 0", []string{"sh", "-c", "exit 0"}, 0},
		{"exit 1", []string{"sh", "-c", "exit 1"}, 1},
		{"exit 42", []string{"sh", "-c", "exit 42"}, 42},
		{"exit 127", []string{"sh", "-c", "exit 127"}, 127},
		{"exit 255", []string{"sh", "-c", "exit 255"}, 255},
		{"killed by SIGUSR1", []string{"sh", "-c", "kill -USR1 $$"}, 128 + 10},
		{"killed by SIGKILL", []string{"sh", "-c", "kill -KILL $$"}, 128 + 9},
		{"not found", []string{"/nonexistent/command"}, 127},
		{"not executable", []string{notExec}, 126},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runSupinit(t, dir, append([]string{"--"}, tc.argv...)...)
			if res.ExitCode != tc.want {
				t.Fatalf("supinit -- %q exited with %d, want %d; stderr:\n%s", tc.argv, res.ExitCode, tc.want, res.Stderr)
			}
		})
	}
}

// runSupinit runs supinit with args as PID 1 of a new PID namespace until
// it exits. (startSupinit is for a supinit that runs until stopped: it
// waits to see the exec, which a command that ends at once may beat.)
func runSupinit(t *testing.T, dir string, args ...string) pid1test.Result {
	t.Helper()
	argv, _ := json.Marshal(append([]string{binary(t)}, args...))
	cmd := exec.Command(os.Args[0], "-test.run=^TestE2EExecAsPID1$")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), e2eExecEnv+"="+string(argv))
	res := pid1test.Run(t, cmd, e2eTimeout)
	switch {
	case res.TimedOut:
		t.Fatalf("supinit %q did not exit within %v; stderr:\n%s", args, e2eTimeout, res.Stderr)
	case res.ExitCode == e2eUnavailable && strings.HasPrefix(res.Stderr, e2eUnavailableMsg):
		pid1test.Unavailable(t, "%s", res.Stderr)
	}
	return res
}

// TestE2ESingleForwardsSignal: a signal sent to supinit reaches the
// command, whose trap decides the exit code.
func TestE2ESingleForwardsSignal(t *testing.T) {
	s := startSupinit(t, t.TempDir(), e2eStreams{},
		"--", "sh", "-c", `trap "exit 42" USR1; echo ready; while :; do sleep 0.1; done`)
	s.Stdout.waitContains(t, "the command's output", "ready\n", e2eTimeout)
	s.signal(syscall.SIGUSR1)
	if code, _ := s.wait(e2eTimeout); code != 42 {
		t.Fatalf("supinit exited with %d after SIGUSR1, want the trap's 42%s", code, s.output())
	}
}

// TestE2EMainCommand: `supinit -c FILE -- CMD` exits with CMD's code when
// CMD ends, after stopping the config's programs; on SIGTERM it stops CMD
// first, then the others, and exits 0.
func TestE2EMainCommand(t *testing.T) {
	t.Run("CMD's exit code", func(t *testing.T) {
		dir := t.TempDir()
		conf := writeFile(t, dir, "supervisord.conf", pid1Header+sleepPrograms(t, dir, "side"))
		s := startSupinit(t, dir, e2eStreams{}, "-c", conf, "--", "sh", "-c", "sleep 0.2; exit 3")
		if code, _ := s.wait(e2eTimeout); code != 3 {
			t.Fatalf("supinit exited with %d, want main's 3%s", code, s.output())
		}
		s.logOrder("spawned: 'side'", "spawned: 'main'", "exited: main (exit status 3", "stopped: side")
	})
	t.Run("SIGTERM stops main first", func(t *testing.T) {
		dir := t.TempDir()
		conf := writeFile(t, dir, "supervisord.conf", pid1Header+sleepPrograms(t, dir, "side:5000", "low:1"))
		s := startSupinit(t, dir, e2eStreams{}, "-c", conf, "--", sleeper(t, dir, "app"), "1000")
		s.waitProcess("app", e2eTimeout)
		s.logOrder("spawned: 'low'", "spawned: 'side'", "spawned: 'main'")
		s.stop(e2eTimeout)
		s.logOrder("stopped: main", "stopped: side", "stopped: low")
	})
}

// TestE2EShutdownSignals: SIGINT and SIGQUIT, like SIGTERM, stop the
// programs by priority, highest first, and end supinit with 0.
func TestE2EShutdownSignals(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGQUIT} {
		t.Run(unix.SignalName(sig), func(t *testing.T) {
			dir := t.TempDir()
			conf := writeFile(t, dir, "supervisord.conf", pid1Header+sleepPrograms(t, dir, "lo:1", "hi:2"))
			s := startSupinit(t, dir, e2eStreams{}, "-c", conf)
			s.waitProcess("lo", e2eTimeout)
			s.waitProcess("hi", e2eTimeout)
			s.signal(sig)
			if code, _ := s.wait(e2eTimeout); code != 0 {
				t.Fatalf("supinit exited with %d after %v, want 0%s", code, sig, s.output())
			}
			s.logOrder("stopped: hi", "stopped: lo", "supinit exiting with code 0")
		})
	}
}

// TestE2EIgnoredSignals: in supervisor mode the other signals are logged
// and ignored; the synchronous ones (SIGSEGV...) sent with kill do not
// crash supinit, and 34 does not kill it. SIGTERM still ends it with 0.
func TestE2EIgnoredSignals(t *testing.T) {
	dir := t.TempDir()
	conf := writeFile(t, dir, "supervisord.conf", pid1Header+sleepPrograms(t, dir, "app"))
	s := startSupinit(t, dir, e2eStreams{}, "-c", conf)
	s.waitProcess("app", e2eTimeout)
	pid := s.pidOf("app")
	for _, sig := range []syscall.Signal{
		syscall.SIGUSR1, syscall.SIGALRM, syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU,
		syscall.SIGSEGV, syscall.SIGBUS, syscall.SIGFPE, syscall.SIGILL, syscall.SIGTRAP,
	} {
		s.signal(sig)
		s.Stderr.waitContains(t, "supinit's log", "received "+unix.SignalName(sig)+": ignored", e2eTimeout)
	}
	// 34 is never logged; as PID 1 the kernel drops it unless supinit
	// has a handler. Either way the TERM after it must find supinit.
	s.signal(34)
	if s.pidOf("app") != pid {
		t.Fatalf("app was restarted while supinit ignored signals%s", s.output())
	}
	s.stop(e2eTimeout)
}

// TestE2EReservedSignalsNotPID1: 32 and 34, which Go's runtime leaves at
// their default action, do not kill supinit when it is not PID 1 (there
// the kernel would deliver them), in supervisor mode and in single mode.
func TestE2EReservedSignalsNotPID1(t *testing.T) {
	t.Run("supervisor", func(t *testing.T) {
		dir := t.TempDir()
		conf := writeFile(t, dir, "supervisord.conf", pid1Header+sleepPrograms(t, dir, "app"))
		s := startBelowShell(t, dir, "-c", conf)
		s.Stderr.waitContains(t, "supinit's log", "spawned: 'app'", e2eTimeout)
		s.sendAll(32, 34, syscall.SIGTERM)
		if code, _ := s.wait(e2eTimeout); code != 0 {
			t.Fatalf("supinit exited with %d after 32, 34 and SIGTERM, want 0%s", code, s.output())
		}
	})
	t.Run("single", func(t *testing.T) {
		s := startBelowShell(t, t.TempDir(), "--", "sh", "-c", "echo ready; exec sleep 1000")
		s.Stdout.waitContains(t, "the command's output", "ready\n", e2eTimeout)
		s.sendAll(32, 34, syscall.SIGTERM)
		// SIGTERM reaches sleep, which dies of it: 128+15.
		if code, _ := s.wait(e2eTimeout); code != 143 {
			t.Fatalf("supinit exited with %d after 32, 34 and SIGTERM, want the command's 143%s", code, s.output())
		}
	})
}

// TestE2EReloadOnSIGHUP: SIGHUP applies a changed INI file (a program
// added starts, one removed stops, an unchanged one keeps running with
// its pid) and keeps everything as it is when the file is broken.
func TestE2EReloadOnSIGHUP(t *testing.T) {
	dir := t.TempDir()
	conf := writeFile(t, dir, "supervisord.conf", pid1Header+sleepPrograms(t, dir, "keep", "gone"))
	s := startSupinit(t, dir, e2eStreams{}, "-c", conf)
	s.waitProcess("keep", e2eTimeout)
	s.waitProcess("gone", e2eTimeout)
	keep := s.pidOf("keep")

	writeFile(t, dir, "supervisord.conf", pid1Header+sleepPrograms(t, dir, "keep", "added"))
	s.signal(syscall.SIGHUP)
	s.waitProcess("added", e2eTimeout)
	s.waitGone("gone")
	added := s.pidOf("added")
	if got := s.pidOf("keep"); got != keep {
		t.Fatalf("keep's pid went from %d to %d: an unchanged program was restarted%s", keep, got, s.output())
	}

	writeFile(t, dir, "supervisord.conf", "command=x\n"+pid1Header)
	s.signal(syscall.SIGHUP)
	s.Stderr.waitContains(t, "supinit's log", "cannot reload the config", e2eTimeout)
	if s.pidOf("keep") != keep || s.pidOf("added") != added {
		t.Fatalf("a broken config changed the running programs%s", s.output())
	}
	s.stop(e2eTimeout)
}

// belowShell is supinit started by sh, the PID 1 of a new PID namespace:
// supinit is not PID 1 (it becomes a subreaper), and whatever it leaves
// behind dies with the namespace when the test ends.
type belowShell struct {
	*supinitPID1
	supinit int // supinit's host pid
}

// startBelowShell starts `supinit args` below sh as PID 1; the exit code
// is supinit's as sh reports it (128+N when it was killed by signal N).
func startBelowShell(t *testing.T, dir string, args ...string) *belowShell {
	t.Helper()
	argv := append([]string{"/bin/sh", "-c", `"$@"; exit $?`, "sh", binary(t)}, args...)
	s := startPID1(t, dir, e2eStreams{}, argv)
	b := &belowShell{supinitPID1: s}
	if !pid1test.Eventually(e2eTimeout, func() bool { b.supinit = s.pidOf("supinit"); return b.supinit != 0 }) {
		if s.code == e2eUnavailable && strings.Contains(s.Stderr.String(), e2eUnavailableMsg) {
			pid1test.Unavailable(t, "%s", s.Stderr.String())
		}
		t.Fatalf("supinit did not start below sh within %v%s", e2eTimeout, s.output())
	}
	return b
}

// sendAll sends sigs to supinit, in order.
func (b *belowShell) sendAll(sigs ...syscall.Signal) {
	b.t.Helper()
	for _, sig := range sigs {
		if err := syscall.Kill(b.supinit, sig); err != nil {
			b.t.Fatalf("cannot send %v to supinit: %v", sig, err)
		}
	}
}

package program

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/internal/pid1test"
	"github.com/supinit/supinit/reaper"
)

func TestSpawnOutputAndExitCode(t *testing.T) {
	out, errOut, code := spawnOutput(t, shProgram("echo out; echo err >&2; exit 3"), SpawnOptions{})
	if out != "out\n" || errOut != "err\n" || code != 3 {
		t.Errorf("got stdout %q stderr %q code %d; want \"out\\n\" \"err\\n\" 3", out, errOut, code)
	}
}

func TestSpawnRedirectStderr(t *testing.T) {
	p := shProgram("echo out; echo err >&2")
	p.RedirectStderr = true
	r := newTestReaper(t)
	proc, err := Spawn(r, p, SpawnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if proc.Stderr != nil {
		t.Error("Stderr pipe given with redirect_stderr")
	}
	if got := readAll(t, proc.Stdout); got != "out\nerr\n" {
		t.Errorf("stdout = %q, want both lines", got)
	}
	proc.Stdout.Close()
	waitExit(t, r, proc.Pid)
}

func TestSpawnEnvironment(t *testing.T) {
	p := shProgram(`echo "$SUPERVISOR_ENABLED $SUPERVISOR_PROCESS_NAME $SUPERVISOR_GROUP_NAME $SUPERVISOR_SERVER_URL $FROM_ENVIRON $FROM_GLOBAL $FROM_PROGRAM"`)
	p.Name, p.Group = "worker_1", "workers"
	p.Environment = map[string]string{"FROM_PROGRAM": "p", "FROM_GLOBAL": "overridden"}
	out, _, _ := spawnOutput(t, p, SpawnOptions{
		Environ:   []string{"PATH=/usr/bin:/bin", "FROM_ENVIRON=e"},
		GlobalEnv: map[string]string{"FROM_GLOBAL": "g"},
		ServerURL: "unix:///run/s.sock",
	})
	if want := "1 worker_1 workers unix:///run/s.sock e overridden p\n"; out != want {
		t.Errorf("child saw %q, want %q", out, want)
	}
}

func TestSpawnUsesProgramPATH(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "hello-tool"), []byte("#!/bin/sh\necho found\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := &config.Program{Name: "x", Group: "x", Argv: []string{"hello-tool"},
		Environment: map[string]string{"PATH": dir + ":/usr/bin:/bin"}}
	out, _, code := spawnOutput(t, p, SpawnOptions{Environ: []string{"PATH=/usr/bin:/bin"}})
	if out != "found\n" || code != 0 {
		t.Errorf("got %q code %d", out, code)
	}
}

func TestSpawnDirectory(t *testing.T) {
	dir := t.TempDir()
	p := shProgram("pwd")
	p.Directory = &dir
	if out, _, _ := spawnOutput(t, p, SpawnOptions{}); out != dir+"\n" {
		t.Errorf("pwd = %q, want %q", out, dir)
	}
}

func TestSpawnUmask(t *testing.T) {
	before := statusField(t, os.Getpid(), "Umask")
	for _, mask := range []int{0o077, 0o002, 0, 0o077, 0o077, 0o077, 0o077, 0o077} {
		p := shProgram("umask")
		p.Umask = &mask
		out, _, _ := spawnOutput(t, p, SpawnOptions{})
		if got, want := strings.TrimSpace(out), "0"+strconv.FormatInt(int64(mask), 8); strings.TrimLeft(got, "0") != strings.TrimLeft(want, "0") {
			t.Errorf("umask %03o: child printed %q", mask, got)
		}
	}
	// The program's umask must not have touched supinit's: not the main
	// thread's, which /proc shows, nor the one files are created with.
	if after := statusField(t, os.Getpid(), "Umask"); after != before {
		t.Errorf("supinit's umask went from %s to %s", before, after)
	}
	f := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(f, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(f)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := strconv.ParseUint(before, 8, 32)
	if got := st.Mode().Perm(); got != 0o666&^os.FileMode(want) {
		t.Errorf("a file created after the spawns has mode %03o, want %03o", got, 0o666&^os.FileMode(want))
	}
}

func TestSpawnProcessGroupStdinAndFds(t *testing.T) {
	// A file we hold open must not reach the child, even without
	// close-on-exec, as an fd inherited from whoever started supinit.
	held, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if _, err := unix.FcntlInt(held.Fd(), unix.F_SETFD, 0); err != nil {
		t.Fatal(err)
	}

	r := newTestReaper(t)
	proc, err := Spawn(r, &config.Program{Name: "x", Group: "x", Argv: []string{"sleep", "30"}}, SpawnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer proc.Stdout.Close()
	defer proc.Stderr.Close()
	defer func() {
		_ = SendSignal(proc.Pid, syscall.SIGKILL, false)
		waitExit(t, r, proc.Pid)
	}()

	if p, ok := pid1test.ReadProc(proc.Pid); !ok || p.Pgid != proc.Pid {
		t.Errorf("child pgid %d, want its own group %d", p.Pgid, proc.Pid)
	}
	fdDir := "/proc/" + strconv.Itoa(proc.Pid) + "/fd"
	entries, err := os.ReadDir(fdDir)
	if err != nil {
		t.Fatal(err)
	}
	var fds []string
	for _, e := range entries {
		fds = append(fds, e.Name())
	}
	if !slices.Equal(fds, []string{"0", "1", "2"}) {
		t.Errorf("child fds %v, want only 0 1 2", fds)
	}
	if target, _ := os.Readlink(fdDir + "/0"); target != os.DevNull {
		t.Errorf("stdin is %q, want %s", target, os.DevNull)
	}
}

func TestSpawnStdinPipe(t *testing.T) {
	r := newTestReaper(t)
	proc, err := Spawn(r, shProgram("read line; echo got $line"), SpawnOptions{StdinPipe: true})
	if err != nil {
		t.Fatal(err)
	}
	if proc.Stdin == nil {
		t.Fatal("no stdin pipe")
	}
	if _, err := proc.Stdin.WriteString("hello\n"); err != nil {
		t.Fatal(err)
	}
	proc.Stdin.Close()
	if got := readAll(t, proc.Stdout); got != "got hello\n" {
		t.Errorf("stdout = %q", got)
	}
	proc.Stdout.Close()
	proc.Stderr.Close()
	waitExit(t, r, proc.Pid)
}

func TestSpawnErrors(t *testing.T) {
	missingDir := "/nonexistent/dir"
	notDir := "/etc/hostname"
	badUser := "no-such-user-supinit"
	tests := []struct {
		name   string
		argv   []string
		dir    *string
		user   *string
		kind   SpawnErrorKind
		msg    string
		code   int
		prefix bool
	}{
		{name: "not found", argv: []string{"/nonexistent/cmd"}, kind: SpawnErrNotFound, msg: "can't find command '/nonexistent/cmd'", code: 127},
		{name: "not found on PATH", argv: []string{"no-such-cmd-supinit"}, kind: SpawnErrNotFound, msg: "can't find command 'no-such-cmd-supinit'", code: 127},
		{name: "directory", argv: []string{"/etc"}, kind: SpawnErrNotExecutable, msg: "command at '/etc' is a directory", code: 126},
		{name: "empty", argv: nil, kind: SpawnErrOther, msg: "command is empty", code: 1},
		{name: "missing directory", argv: []string{"true"}, dir: &missingDir, kind: SpawnErrOther, msg: "couldn't chdir to /nonexistent/dir: ENOENT", code: 1},
		{name: "directory is a file", argv: []string{"true"}, dir: &notDir, kind: SpawnErrOther, msg: "couldn't chdir to /etc/hostname: ENOTDIR", code: 1},
		{name: "unknown user", argv: []string{"true"}, user: &badUser, kind: SpawnErrOther, msg: "couldn't setuid to no-such-user-supinit: ", code: 1, prefix: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newTestReaper(t)
			p := &config.Program{Name: "x", Group: "x", Argv: tt.argv, Directory: tt.dir, User: tt.user}
			proc, err := Spawn(r, p, SpawnOptions{})
			if err == nil {
				t.Fatalf("Spawn succeeded with pid %d", proc.Pid)
			}
			var se *SpawnError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *SpawnError", err)
			}
			msgOK := se.Msg == tt.msg || (tt.prefix && strings.HasPrefix(se.Msg, tt.msg))
			if se.Kind != tt.kind || !msgOK || se.ExitCode() != tt.code {
				t.Errorf("got kind %d %q code %d; want kind %d %q code %d", se.Kind, se.Msg, se.ExitCode(), tt.kind, tt.msg, tt.code)
			}
			if n := r.Registered(); n != 0 {
				t.Errorf("%d pids registered after a failed spawn", n)
			}
		})
	}
}

func TestExecErrorKinds(t *testing.T) {
	tests := []struct {
		err  error
		kind SpawnErrorKind
		msg  string
	}{
		{syscall.ENOENT, SpawnErrNotFound, "couldn't exec /x: ENOENT"},
		{syscall.EACCES, SpawnErrNoPermission, "no permission to run command '/x'"},
		{syscall.ENOEXEC, SpawnErrNotExecutable, "couldn't exec /x: ENOEXEC"},
		{syscall.E2BIG, SpawnErrOther, "couldn't exec /x: E2BIG"},
	}
	for _, tt := range tests {
		se := ExecError("/x", tt.err)
		if se.Kind != tt.kind || se.Msg != tt.msg || !errors.Is(se, tt.err) {
			t.Errorf("ExecError(%v) = kind %d %q", tt.err, se.Kind, se.Msg)
		}
	}
}

func TestSpawnExecFailureAfterChecks(t *testing.T) {
	// A script without #! passes the checks but the kernel refuses it.
	script := filepath.Join(t.TempDir(), "noshebang")
	if err := os.WriteFile(script, []byte{0x7f, 'E', 'L', 'F', 0, 0}, 0o755); err != nil {
		t.Fatal(err)
	}
	r := newTestReaper(t)
	_, err := Spawn(r, &config.Program{Name: "x", Group: "x", Argv: []string{script}}, SpawnOptions{})
	var se *SpawnError
	if !errors.As(err, &se) || se.ExitCode() == 0 {
		t.Fatalf("Spawn of a broken binary: %v", err)
	}
	if !r.ChildrenLeft() {
		return
	}
	t.Error("a child is left after a failed exec")
}

func TestSendSignalToGroup(t *testing.T) {
	r := newTestReaper(t)
	proc, err := Spawn(r, shProgram("sleep 30 & sleep 30 & echo ready; wait"), SpawnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer proc.Stderr.Close()
	buf := make([]byte, 6)
	if err := proc.Stdout.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := proc.Stdout.Read(buf); err != nil {
		t.Fatal(err)
	}
	if err := SendSignal(proc.Pid, syscall.SIGTERM, true); err != nil {
		t.Fatal(err)
	}
	if got := reaper.ExitCode(waitExit(t, r, proc.Pid)); got != 143 {
		t.Errorf("sh exit code %d, want 143", got)
	}
	// EOF on stdout means both sleeps, which share it, are gone too.
	readAll(t, proc.Stdout)
	proc.Stdout.Close()

	if err := SendSignal(proc.Pid, syscall.SIGTERM, true); err != nil {
		t.Errorf("signal to a gone group: %v, want nil (ESRCH ignored)", err)
	}
	for _, pid := range []int{0, -1} {
		if err := SendSignal(pid, syscall.SIGTERM, false); err == nil {
			t.Errorf("SendSignal(%d) succeeded", pid)
		}
	}
}

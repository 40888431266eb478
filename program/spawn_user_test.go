package program

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/supinit/supinit/internal/pid1test"
)

// TestSpawnAsUser runs as PID 1 of a new namespace whose /etc/passwd and
// /etc/group are test files bind-mounted over the real ones, so it can
// check supplementary groups, setgid, setuid and the login variables
// without touching the host's files.
func TestSpawnAsUser(t *testing.T) {
	pid1test.RequireRoot(t)
	if !pid1test.IsChild() {
		pid1test.RunTest(t, 30*time.Second)
		return
	}
	pid1test.Enter(t)
	dir := t.TempDir()
	bindOver(t, "/etc/passwd", dir,
		"root:x:0:0:root:/root:/bin/bash\n"+
			"svc:x:4242:4243:service:/home/svc:/bin/dash\n")
	bindOver(t, "/etc/group", dir,
		"root:x:0:\n"+
			"svcmain:x:4243:\n"+
			"extra1:x:5000:svc\n"+
			"extra2:x:5001:root,svc\n"+
			"unrelated:x:5002:root\n")
	// t.TempDir's parents are closed to other users.
	home, err := os.MkdirTemp("/tmp", "supinit-home-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(home)
	if err := os.Chmod(home, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, user := range []string{"svc", "4242"} {
		t.Run(user, func(t *testing.T) {
			p := shProgram(`echo "$HOME $USER $LOGNAME $SHELL"; sleep 30`)
			p.User = &user
			p.Directory = &home
			r := newTestReaper(t)
			proc, err := Spawn(r, p, SpawnOptions{Environ: []string{"PATH=/usr/bin:/bin", "HOME=/root", "USER=root"}})
			if err != nil {
				t.Fatal(err)
			}
			defer proc.Stdout.Close()
			defer proc.Stderr.Close()
			buf := make([]byte, 100)
			_ = proc.Stdout.SetReadDeadline(time.Now().Add(10 * time.Second))
			n, err := proc.Stdout.Read(buf)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := string(buf[:n]), "/home/svc svc svc /bin/dash\n"; got != want {
				t.Errorf("login variables %q, want %q", got, want)
			}
			checks := map[string]string{"Uid": "4242 4242 4242 4242", "Gid": "4243 4243 4243 4243", "Groups": "4243 5000 5001"}
			for field, want := range checks {
				if got := statusField(t, proc.Pid, field); got != want {
					t.Errorf("%s: %q, want %q", field, got, want)
				}
			}
			_ = SendSignal(proc.Pid, syscall.SIGKILL, true)
			waitExit(t, r, proc.Pid)
		})
	}

	t.Run("directory closed to the user", func(t *testing.T) {
		// Open itself, below a parent closed to svc.
		closed := filepath.Join(t.TempDir(), "open")
		if err := os.Mkdir(closed, 0o755); err != nil {
			t.Fatal(err)
		}
		user := "svc"
		p := shProgram("true")
		p.User, p.Directory = &user, &closed
		_, err := Spawn(newTestReaper(t), p, SpawnOptions{})
		var se *SpawnError
		if !errors.As(err, &se) || se.Msg != "couldn't chdir to "+closed+": EACCES" {
			t.Errorf("Spawn: %v, want couldn't chdir ... EACCES", err)
		}
	})
}

// bindOver bind-mounts a file holding content over target; the mount
// lives in this test's private mount namespace only.
func bindOver(t *testing.T, target, dir, content string) {
	t.Helper()
	src := filepath.Join(dir, strings.ReplaceAll(target, "/", "_"))
	if err := os.WriteFile(src, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount(src, target, "", syscall.MS_BIND, ""); err != nil {
		pid1test.Unavailable(t, "cannot bind-mount over %s: %v", target, err)
	}
}

func TestSpawnAsNobody(t *testing.T) {
	pid1test.RequireRoot(t)
	user := "nobody"
	p := shProgram(`id -u; id -g`)
	p.User = &user
	out, _, code := spawnOutput(t, p, SpawnOptions{})
	acct, err := lookupAccount("nobody")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%d\n%d\n", acct.uid, acct.gid)
	if out != want || code != 0 {
		t.Errorf("id printed %q (code %d), want %q", out, code, want)
	}
}

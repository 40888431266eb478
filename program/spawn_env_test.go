package program

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/supinit/supinit/config"
)

func TestBuildEnv(t *testing.T) {
	prog := func(env map[string]string, serverurl string) *config.Program {
		return &config.Program{Name: "web_01", Group: "web", Environment: env, Serverurl: serverurl}
	}
	nobody := &account{name: "nobody", home: "/nonexistent", shell: "/usr/sbin/nologin"}
	tests := []struct {
		name      string
		environ   []string
		global    map[string]string
		prog      *config.Program
		serverURL string
		acct      *account
		want      []string // entries that must be there
		absent    []string // names that must not be there
	}{
		{
			name:    "inherited plus supervisor variables",
			environ: []string{"PATH=/usr/bin", "TERM=xterm"},
			prog:    prog(nil, "AUTO"),
			want: []string{"PATH=/usr/bin", "TERM=xterm", "SUPERVISOR_ENABLED=1",
				"SUPERVISOR_PROCESS_NAME=web_01", "SUPERVISOR_GROUP_NAME=web"},
			absent: []string{"SUPERVISOR_SERVER_URL", "HOME"},
		},
		{
			name:      "server url from supinit",
			prog:      prog(nil, "AUTO"),
			serverURL: "unix:///run/supervisor.sock",
			want:      []string{"SUPERVISOR_SERVER_URL=unix:///run/supervisor.sock"},
		},
		{
			name:      "program serverurl wins",
			prog:      prog(nil, "http://127.0.0.1:9001"),
			serverURL: "unix:///run/supervisor.sock",
			want:      []string{"SUPERVISOR_SERVER_URL=http://127.0.0.1:9001"},
		},
		{
			name:      "empty program serverurl: no variable",
			prog:      prog(nil, ""),
			serverURL: "unix:///run/supervisor.sock",
			absent:    []string{"SUPERVISOR_SERVER_URL"},
		},
		{
			name:    "program beats global beats inherited",
			environ: []string{"A=inherited", "B=inherited", "C=inherited"},
			global:  map[string]string{"B": "global", "C": "global"},
			prog:    prog(map[string]string{"C": "program"}, "AUTO"),
			want:    []string{"A=inherited", "B=global", "C=program"},
		},
		{
			name:    "later duplicate in environ wins",
			environ: []string{"X=1", "X=2", "=weird", "noequals"},
			prog:    prog(nil, "AUTO"),
			want:    []string{"X=2"},
			absent:  []string{"noequals"},
		},
		{
			name:    "user sets HOME USER LOGNAME SHELL",
			environ: []string{"HOME=/root", "USER=root"},
			prog:    prog(nil, "AUTO"),
			acct:    nobody,
			want:    []string{"HOME=/nonexistent", "USER=nobody", "LOGNAME=nobody", "SHELL=/usr/sbin/nologin"},
		},
		{
			name:   "explicit environment beats user",
			global: map[string]string{"SHELL": "/bin/sh"},
			prog:   prog(map[string]string{"HOME": "/srv"}, "AUTO"),
			acct:   nobody,
			want:   []string{"HOME=/srv", "SHELL=/bin/sh", "USER=nobody"},
		},
		{
			name: "program may override supervisor variables",
			prog: prog(map[string]string{"SUPERVISOR_ENABLED": "0"}, "AUTO"),
			want: []string{"SUPERVISOR_ENABLED=0"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := buildEnv(tt.environ, tt.global, tt.prog, tt.serverURL, tt.acct)
			if !slices.IsSorted(got) {
				t.Errorf("not sorted: %q", got)
			}
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("missing %q in %q", w, got)
				}
			}
			for _, name := range tt.absent {
				for _, kv := range got {
					if kv == name || strings.HasPrefix(kv, name+"=") {
						t.Errorf("unexpected %q", kv)
					}
				}
			}
			seen := map[string]bool{}
			for _, kv := range got {
				k, _, _ := strings.Cut(kv, "=")
				if seen[k] {
					t.Errorf("duplicate %s", k)
				}
				seen[k] = true
			}
		})
	}
}

func TestSearchPath(t *testing.T) {
	tests := []struct {
		env  []string
		want string
	}{
		{[]string{"A=1", "PATH=/opt/bin:/bin"}, "/opt/bin:/bin"},
		{[]string{"A=1"}, DefaultPath},
		{[]string{"PATH="}, DefaultPath},
	}
	for _, tt := range tests {
		if got := searchPath(tt.env); got != tt.want {
			t.Errorf("searchPath(%q) = %q, want %q", tt.env, got, tt.want)
		}
	}
}

func TestLookPath(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	first, second := filepath.Join(dir, "first"), filepath.Join(dir, "second")
	for _, d := range []string{first, second} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	exe := write("exe", 0o755)
	plain := write("plain", 0o644)
	write("first/tool", 0o644) // found first, though not executable
	write("second/tool", 0o755)
	write("second/good", 0o755)
	path := first + ":" + second

	tests := []struct {
		name, arg0, path string
		want             string // resolved path, when no error
		kind             SpawnErrorKind
		msg              string
		code             int
	}{
		{name: "absolute", arg0: exe, want: exe},
		{name: "searched", arg0: "good", path: path, want: filepath.Join(second, "good")},
		{name: "default path", arg0: "sh", want: "/bin/sh"},
		{name: "missing name", arg0: "no-such-cmd", path: path, kind: SpawnErrNotFound,
			msg: "can't find command 'no-such-cmd'", code: 127},
		{name: "missing path", arg0: "/nonexistent/cmd", kind: SpawnErrNotFound,
			msg: "can't find command '/nonexistent/cmd'", code: 127},
		{name: "directory", arg0: "/etc", kind: SpawnErrNotExecutable,
			msg: "command at '/etc' is a directory", code: 126},
		{name: "no x bit", arg0: plain, kind: SpawnErrNotExecutable,
			msg: "command at '" + plain + "' is not executable", code: 126},
		{name: "first match wins even when not executable", arg0: "tool", path: path,
			kind: SpawnErrNotExecutable, msg: "command at '" + filepath.Join(first, "tool") + "' is not executable", code: 126},
		{name: "empty", arg0: "", kind: SpawnErrOther, msg: "command is empty", code: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LookPath(tt.arg0, tt.path)
			if tt.kind == 0 {
				if err != nil || got != tt.want {
					t.Fatalf("LookPath = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			var se *SpawnError
			if !errors.As(err, &se) {
				t.Fatalf("LookPath = %q, %v; want a *SpawnError", got, err)
			}
			if se.Kind != tt.kind || se.Msg != tt.msg || se.ExitCode() != tt.code {
				t.Errorf("got kind %d %q code %d; want kind %d %q code %d",
					se.Kind, se.Msg, se.ExitCode(), tt.kind, tt.msg, tt.code)
			}
		})
	}
}

func TestPyRepr(t *testing.T) {
	tests := map[string]string{
		"/bin/x":  `'/bin/x'`,
		"it's":    `"it's"`,
		`a'b"c`:   `'a\'b"c'`,
		`back\sl`: `'back\\sl'`,
	}
	for in, want := range tests {
		if got := pyRepr(in); got != want {
			t.Errorf("pyRepr(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestCredential(t *testing.T) {
	acct := &account{name: "svc", uid: 4242, gid: 4242, groups: []uint32{4242, 5000}}
	cred, err := acct.credential()
	if os.Geteuid() != 0 {
		if err == nil {
			t.Errorf("credential as non-root for another user: no error")
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if cred.Uid != 4242 || cred.Gid != 4242 || !slices.Equal(cred.Groups, []uint32{4242, 5000}) || cred.NoSetGroups {
		t.Errorf("credential = %+v", cred)
	}
}

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds supinit once per test run, with a stamped version.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "supinit-test-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "supinit")
		out, err := exec.Command("go", "build", "-ldflags", "-X main.version=1.2.3-test", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = &buildError{err, out}
		}
	})
	if buildErr != nil {
		t.Fatalf("cannot build supinit: %v", buildErr)
	}
	return binPath
}

type buildError struct {
	err error
	out []byte
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + string(e.out) }

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// run runs the binary in dir and returns stdout, stderr and exit status.
func run(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if exitErr, ok := err.(*exec.ExitError); ok {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodINI = `[supervisord]
nodaemon=true

[program:web]
command=/bin/sleep 100
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
`

func TestCLI(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.conf", goodINI)
	bad := writeFile(t, dir, "bad.conf", "[supervisord]\n\n[program:web]\ncommand=/bin/true\nautostart=maybe\n")
	badTOML := writeFile(t, dir, "bad.toml", "[program.web]\ncommand = \"x\"\nautostrat = true\n")
	warn := writeFile(t, dir, "warn.conf", goodINI+"autostrat=true\n")
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string // substrings
		stderr   []string
		noStdout bool
	}{
		{"version", []string{"version"}, 0, []string{"supinit 1.2.3-test\n"}, nil, false},
		{"--version", []string{"--version"}, 0, []string{"supinit 1.2.3-test"}, nil, false},
		{"help", []string{"help"}, 0, []string{"run", "check", "convert", "ctl", "version", "help", "supervisord", "supervisorctl", "supinit [-c FILE] [-- CMD ARGS...]"}, nil, false},
		{"-h", []string{"-h"}, 0, []string{"Usage:"}, nil, false},
		{"unknown command", []string{"frobnicate"}, 2, nil, []string{`supinit: unknown command "frobnicate"`, "help"}, true},
		{"bad flag", []string{"check", "--nope"}, 2, nil, []string{"supinit: check:", "-nope"}, true},
		{"check good", []string{"check", "-c", good}, 0, nil, nil, true},
		{"check bad", []string{"check", "-c", bad}, 2, nil, []string{"supinit: " + bad + ":5: [program:web] autostart: not a valid boolean"}, true},
		{"check bad toml", []string{"check", "-c", badTOML}, 2, nil, []string{"supinit: " + badTOML + ":3: [program.web] autostrat: unknown option", `did you mean "autostart"?`}, true},
		{"check warns", []string{"check", "-c", warn}, 0, nil, []string{"warning: " + warn + ":8: [program:web] autostrat:"}, true},
		{"check missing", []string{"check", "-c", filepath.Join(dir, "nope.conf")}, 2, nil, []string{"supinit: ", "nope.conf"}, true},
		{"check json", []string{"check", "--portable", "--json", "-c", good}, 0, []string{`"programs": [`, `"name": "web"`}, nil, false},
		{"check FILE", []string{"check", bad}, 2, nil, []string{"supinit: " + bad + ":5:"}, true},
		{"check FILE good", []string{"check", good}, 0, nil, nil, true},
		{"check FILE --json", []string{"check", good, "--json"}, 0, []string{`"name": "web"`}, nil, false},
		{"check --json FILE", []string{"check", "--json", good}, 0, []string{`"name": "web"`}, nil, false},
		{"check -- FILE", []string{"check", "--json", "--", good}, 0, []string{`"name": "web"`}, nil, false},
		{"check two files", []string{"check", good, bad}, 2, nil, []string{"supinit: check takes one config file"}, true},
		{"check FILE and -c", []string{"check", "-c", good, bad}, 2, nil, []string{"supinit: check takes one config file"}, true},
		{"check FILE then -c", []string{"check", bad, "-c", good}, 2, nil, []string{"supinit: check takes one config file"}, true},
		{"check FILE bad flag", []string{"check", good, "--nope"}, 2, nil, []string{"supinit: check:", "-nope"}, true},
		{"convert FILE -c", []string{"convert", good, "-c", good}, 2, nil, []string{"supinit: convert takes one config file"}, true},
		{"convert", []string{"convert", good}, 0, []string{"# supinit native TOML form of " + good, "[program.web]", `command = ["/bin/sleep", "100"]`}, nil, false},
		{"convert -c", []string{"convert", "-c", good}, 0, []string{"[program.web]"}, nil, false},
		{"convert bad", []string{"convert", bad}, 2, nil, []string{"autostart"}, true},
		{"convert nothing", []string{"convert"}, 2, nil, []string{"supinit: convert needs a config file"}, true},
		{"run bad config", []string{"-c", bad}, 2, nil, []string{"supinit: " + bad + ":5: [program:web] autostart"}, true},
		{"run bad flag", []string{"-c", good, "--frob"}, 2, nil, []string{"Error: option --frob not recognized", "For help, use"}, true},
		{"run positional", []string{"-c", good, "extra"}, 2, nil, []string{"positional arguments are not supported"}, true},
		{"run help", []string{"run", "-h"}, 0, []string{"--prefix", "-c/--configuration"}, nil, false},
		{"run no config", []string{"run", "-c", filepath.Join(dir, "nope.conf")}, 2, nil, []string{"nope.conf"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := run(t, dir, tt.args...)
			if code != tt.code {
				t.Errorf("exit status %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			if tt.noStdout && stdout != "" {
				t.Errorf("unexpected stdout:\n%s", stdout)
			}
		})
	}
}

// TestConvertOutputChecksTheSame converts an INI config and checks that
// `check --json` prints the same model for both files, and the same
// warning about a command that cannot be split.
func TestConvertOutputChecksTheSame(t *testing.T) {
	dir := t.TempDir()
	ini := writeFile(t, dir, "supervisord.conf", goodINI+`
[program:worker]
command=worker --id %(process_num)d --ratio 50%%
process_name=worker-%(process_num)d
numprocs=2
autorestart=unexpected
environment=MODE="fast"

[program:cut]
command=bash -c "a ; b"
process_name=%(ENV_HOME)s
`)
	toml, stderr, code := run(t, dir, "convert", ini)
	if code != 0 {
		t.Fatalf("convert: %d %s", code, stderr)
	}
	converted := writeFile(t, dir, "supinit.toml", toml)
	want, stderr1, code1 := run(t, dir, "check", "--portable", "--json", "-c", ini)
	got, stderr, code2 := run(t, dir, "check", "--portable", "--json", "-c", converted)
	if code1 != 0 || code2 != 0 {
		t.Fatalf("check: %d, %d: %s", code1, code2, stderr)
	}
	const warning = "command: the command cannot be split into words (no closing quotation)"
	if !strings.Contains(stderr1, warning) || !strings.Contains(stderr, warning) {
		t.Errorf("both checks should warn %q\nINI: %s\nTOML: %s", warning, stderr1, stderr)
	}
	var a, b any
	if json.Unmarshal([]byte(want), &a) != nil || json.Unmarshal([]byte(got), &b) != nil || want != got {
		t.Errorf("check --json differs\nINI:\n%s\nTOML (%s):\n%s", want, toml, got)
	}
}

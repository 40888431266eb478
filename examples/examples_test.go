// Package examples_test checks the example configs and Dockerfile.example
// with the supinit binary, as a user would: every example must load
// without a warning, the webapp's INI and TOML forms must be the same
// model, and `supinit convert` must not change what an example means.
package examples_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// supinitBin is the binary TestMain builds once for every test.
var supinitBin string

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

// runTests builds supinit into a temporary folder, runs the tests and
// removes the folder; a helper so the deferred removal runs before
// os.Exit.
func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "supinit-examples-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "cannot make a folder for the binary: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	supinitBin = filepath.Join(dir, "supinit")
	// The tests may run with cgo on (for -race); the binary under test is
	// the static one that ships.
	build := exec.Command("go", "build", "-o", supinitBin, "github.com/supinit/supinit/cmd/supinit")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "cannot build supinit: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// result is what one run of the binary printed and its exit status.
type result struct {
	stdout, stderr string
	code           int
}

// supinit runs the binary with args in this folder.
func supinit(t *testing.T, args ...string) result {
	t.Helper()
	cmd := exec.Command(supinitBin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil && cmd.ProcessState == nil {
		t.Fatalf("cannot run supinit %s: %v", strings.Join(args, " "), err)
	}
	return result{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

// checkJSON returns the effective model of file, as `check --json
// --portable` prints it, and fails the test unless the file is valid.
func checkJSON(t *testing.T, file string) []byte {
	t.Helper()
	r := supinit(t, "check", "--json", "--portable", "-c", file)
	if r.code != 0 {
		t.Fatalf("supinit check --json %s: exit %d, want 0\n%s", file, r.code, r.stderr)
	}
	return []byte(r.stdout)
}

// exampleConfigs lists every *.conf and *.toml under this folder.
func exampleConfigs(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := filepath.Ext(path); !d.IsDir() && (ext == ".conf" || ext == ".toml") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("cannot list the examples: %v", err)
	}
	return files
}

func TestExamplesAreClean(t *testing.T) {
	files := exampleConfigs(t)
	// A walk that found nothing would pass every check below.
	for _, want := range []string{"demo/supervisord.conf", "sshd-nginx/supervisord.conf",
		"redis/supervisord.conf", "webapp/supervisord.conf", "webapp/supinit.toml"} {
		if !slices.Contains(files, filepath.FromSlash(want)) {
			t.Errorf("example %s not found; found %v", want, files)
		}
	}
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			r := supinit(t, "check", "--portable", "-c", file)
			if r.code != 0 || r.stderr != "" {
				t.Errorf("supinit check --portable %s: exit %d, stderr %q; want exit 0 and no warnings", file, r.code, r.stderr)
			}
		})
	}
}

func TestWebappINIAndTOMLAgree(t *testing.T) {
	ini := decode(t, checkJSON(t, "webapp/supervisord.conf"))
	toml := decode(t, checkJSON(t, "webapp/supinit.toml"))
	if !reflect.DeepEqual(ini, toml) {
		t.Errorf("webapp/supervisord.conf and webapp/supinit.toml describe different models:\nINI:  %v\nTOML: %v", ini, toml)
	}
}

func TestConvertKeepsTheModel(t *testing.T) {
	for _, file := range exampleConfigs(t) {
		if filepath.Ext(file) != ".conf" {
			continue
		}
		t.Run(file, func(t *testing.T) {
			r := supinit(t, "convert", file)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("supinit convert %s: exit %d, stderr %q", file, r.code, r.stderr)
			}
			converted := filepath.Join(t.TempDir(), "supinit.toml")
			if err := os.WriteFile(converted, []byte(r.stdout), 0o644); err != nil {
				t.Fatal(err)
			}
			want := decode(t, checkJSON(t, file))
			if got := decode(t, checkJSON(t, converted)); !reflect.DeepEqual(got, want) {
				t.Errorf("the converted TOML is a different model:\nINI:  %v\nTOML: %v\n%s", want, got, r.stdout)
			}
		})
	}
}

// program is the part of a `check --json` program the README promises.
type program struct {
	Group    string   `json:"group"`
	Name     string   `json:"name"`
	Argv     []string `json:"argv"`
	Critical bool     `json:"critical"`
}

// TestExampleModels checks what examples/README.md says of each example:
// its processes, and which of them is critical.
func TestExampleModels(t *testing.T) {
	tests := []struct {
		file     string
		names    []string // group:name, sorted
		critical []string
	}{
		{"sshd-nginx/supervisord.conf", []string{"nginx:nginx", "sshd:sshd"}, []string{"nginx"}},
		{"redis/supervisord.conf", []string{"redis:redis-6376", "redis:redis-6377", "redis:redis-6378", "redis:redis-6379"}, nil},
		{"webapp/supervisord.conf", []string{"app:beat", "app:web", "app:worker-0", "app:worker-1"}, []string{"web"}},
		{"webapp/supinit.toml", []string{"app:beat", "app:web", "app:worker-0", "app:worker-1"}, []string{"web"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var model struct{ Programs []program }
			if err := json.Unmarshal(checkJSON(t, tt.file), &model); err != nil {
				t.Fatalf("cannot decode check --json: %v", err)
			}
			var names, critical []string
			for _, p := range model.Programs {
				names = append(names, p.Group+":"+p.Name)
				if p.Critical {
					critical = append(critical, p.Name)
				}
			}
			slices.Sort(names)
			if !slices.Equal(names, tt.names) {
				t.Errorf("processes %v, want %v", names, tt.names)
			}
			if !slices.Equal(critical, tt.critical) {
				t.Errorf("critical %v, want %v", critical, tt.critical)
			}
		})
	}
}

// TestRedisPorts checks that each redis process listens on the port its
// name says.
func TestRedisPorts(t *testing.T) {
	var model struct{ Programs []program }
	if err := json.Unmarshal(checkJSON(t, "redis/supervisord.conf"), &model); err != nil {
		t.Fatalf("cannot decode check --json: %v", err)
	}
	for _, p := range model.Programs {
		i := slices.Index(p.Argv, "--port")
		if i < 0 || i+1 >= len(p.Argv) || "redis-"+p.Argv[i+1] != p.Name {
			t.Errorf("%s runs %q: want --port matching its name", p.Name, p.Argv)
		}
	}
}

// decode turns a `check --json` document into plain values to compare.
func decode(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("cannot decode check --json: %v\n%s", err, data)
	}
	return doc
}

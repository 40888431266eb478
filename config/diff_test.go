package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/supinit/supinit/internal/pid1test"
)

const realPython = "/usr/bin/python3"

// needSupervisor skips (loudly) or, when CI is set, fails when the real
// supervisord's Python package is not importable.
func needSupervisor(t *testing.T) {
	t.Helper()
	if err := exec.Command(realPython, "-c", "import supervisor.options").Run(); err != nil {
		pid1test.Unavailable(t, "%s cannot import supervisor (apt-get install supervisor): %v", realPython, err)
	}
}

// diffEnv is the environment both parsers see.
func diffEnv() []string {
	return append(os.Environ(), "DIFF_HOME=/root", "DIFF_NAME=n1", "DIFF_BOOL=true")
}

// runReal runs testdata/supervisord_json.py on file.
func runReal(t *testing.T, file string) (map[string]any, error) {
	t.Helper()
	cmd := exec.Command(realPython, filepath.Join("testdata", "supervisord_json.py"), file)
	cmd.Env = diffEnv()
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	runErr := cmd.Run()
	var doc map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%s: cannot decode the script's output (%v): %s %s", file, err, out.String(), stderr.String())
	}
	if msg, ok := doc["error"]; ok {
		return nil, fmt.Errorf("%v", msg)
	}
	if runErr != nil {
		t.Fatalf("%s: script failed: %v %s", file, runErr, stderr.String())
	}
	return doc, nil
}

// shape is the Config's `check --json` document decoded into plain maps,
// so it compares with the script's output.
func shape(t *testing.T, c *Config) map[string]any {
	t.Helper()
	data, err := c.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// diffValues lists every path where a and b differ.
func diffValues(path string, a, b any, out *[]string) {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			*out = append(*out, fmt.Sprintf("%s: supinit %v, supervisord %v", path, a, b))
			return
		}
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		for k := range keys {
			diffValues(path+"."+k, x[k], y[k], out)
		}
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			*out = append(*out, fmt.Sprintf("%s: supinit %v, supervisord %v", path, a, b))
			return
		}
		for i := range x {
			diffValues(fmt.Sprintf("%s[%d]", path, i), x[i], y[i], out)
		}
	default:
		if !reflect.DeepEqual(a, b) {
			*out = append(*out, fmt.Sprintf("%s: supinit %#v, supervisord %#v", path, a, b))
		}
	}
}

func TestDifferentialAgainstSupervisord(t *testing.T) {
	needSupervisor(t)
	files, err := filepath.Glob(filepath.Join("testdata", "diff", "*.conf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/diff configs: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			want, realErr := runReal(t, file)
			cfg, err := Load(file, LoadOptions{Environ: diffEnv()})
			bad := strings.HasPrefix(filepath.Base(file), "bad_")
			switch {
			case bad && realErr == nil:
				t.Fatalf("supervisord accepts %s, which is named bad_", file)
			case !bad && realErr != nil:
				t.Fatalf("supervisord rejects %s: %v", file, realErr)
			case realErr != nil && err == nil:
				t.Fatalf("supervisord rejects (%v), supinit accepts", realErr)
			case realErr == nil && err != nil:
				t.Fatalf("supervisord accepts, supinit rejects: %v", err)
			case realErr != nil:
				if _, ok := err.(*Error); !ok {
					t.Errorf("error is %T, not *Error: %v", err, err)
				}
				t.Logf("both reject.\n  supervisord: %v\n  supinit:     %v", realErr, err)
				return
			}
			var diffs []string
			diffValues("", shape(t, cfg), want, &diffs)
			sort.Strings(diffs)
			for _, d := range diffs {
				t.Error(d)
			}
		})
	}
}

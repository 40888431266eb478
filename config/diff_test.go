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

// diffVars are the variables the differential configs name.
var diffVars = []string{"DIFF_HOME=/root", "DIFF_NAME=n1", "DIFF_BOOL=true"}

// diffEnv is the environment both parsers see.
func diffEnv() []string { return append(os.Environ(), diffVars...) }

// runReal runs testdata/supervisord_json.py on file. It returns the
// script's `check --json` document and, apart, its "extra" object.
func runReal(t *testing.T, file string) (doc, extra map[string]any, err error) {
	t.Helper()
	cmd := exec.Command(realPython, filepath.Join("testdata", "supervisord_json.py"), file)
	cmd.Env = diffEnv()
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	runErr := cmd.Run()
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%s: cannot decode the script's output (%v): %s %s", file, err, out.String(), stderr.String())
	}
	if msg, ok := doc["error"]; ok {
		return nil, nil, fmt.Errorf("%v", msg)
	}
	if runErr != nil {
		t.Fatalf("%s: script failed: %v %s", file, runErr, stderr.String())
	}
	extra, _ = doc["extra"].(map[string]any)
	delete(doc, "extra")
	return doc, extra, nil
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

// sortEvents sorts each listener's events: supervisord keeps them as a
// set (the script prints them sorted), supinit in the order written.
func sortEvents(doc map[string]any) {
	listeners, _ := doc["eventlisteners"].([]any)
	for _, l := range listeners {
		if events, ok := l.(map[string]any)["events"].([]any); ok {
			sort.Slice(events, func(i, j int) bool { return events[i].(string) < events[j].(string) })
		}
	}
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

// documentedDifferences are the differential configs that supervisord
// rejects and supinit accepts, with a warning, on purpose: each with the
// README passage that says so.
var documentedDifferences = map[string]string{
	"differs_result_handler.conf": `README, Event listeners: "Any other handler is logged at start and every result counts as accepted."`,
}

// TestDifferentialAgainstSupervisord loads every testdata/diff/*.conf
// with supinit and with the real supervisord (testdata/supervisord_json.py)
// and compares the `check --json` documents and the "extra" objects
// (diff_extra_test.go). A bad_*.conf must be rejected by both; a
// documentedDifferences one rejected by supervisord only.
func TestDifferentialAgainstSupervisord(t *testing.T) {
	needSupervisor(t)
	files, err := filepath.Glob(filepath.Join("testdata", "diff", "*.conf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/diff configs: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			want, wantExtra, realErr := runReal(t, file)
			cfg, err := Load(file, LoadOptions{Environ: diffEnv()})
			bad := strings.HasPrefix(filepath.Base(file), "bad_")
			why, differs := documentedDifferences[filepath.Base(file)]
			switch {
			case differs:
				if realErr == nil || err != nil || len(cfg.Warnings) == 0 {
					t.Fatalf("expected supervisord to reject and supinit to accept with a warning (%s); supervisord: %v; supinit: %v", why, realErr, err)
				}
				t.Logf("documented difference (%s).\n  supervisord: %v\n  supinit warns: %s", why, realErr, cfg.Warnings[0].Message)
				return
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
			// The contract, then every option it leaves out (diff_extra_test.go).
			got := shape(t, cfg)
			sortEvents(got)
			if wantExtra == nil {
				t.Fatal("the script printed no \"extra\" object")
			}
			var diffs []string
			diffValues("", got, want, &diffs)
			diffValues("extra", extraOf(t, cfg), wantExtra, &diffs)
			sort.Strings(diffs)
			for _, d := range diffs {
				t.Error(d)
			}
		})
	}
}

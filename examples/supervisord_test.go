package examples_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// realPython is the Python that has Debian's supervisor package.
const realPython = "/usr/bin/python3"

// TestRealSupervisordAcceptsINIExamples reads each INI example with the
// real supervisord 4.2.5's parser, through the config package's
// differential-test script: the examples promise that the same file
// works with supervisord.
func TestRealSupervisordAcceptsINIExamples(t *testing.T) {
	if err := exec.Command(realPython, "-c", "import supervisor.options").Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s with the supervisor package is required under CI: %v", realPython, err)
		}
		t.Skipf("SKIPPING: %s cannot import supervisor (apt-get install supervisor): %v", realPython, err)
	}
	script := filepath.Join("..", "config", "testdata", "supervisord_json.py")
	for _, file := range exampleConfigs(t) {
		if filepath.Ext(file) != ".conf" {
			continue
		}
		t.Run(file, func(t *testing.T) {
			out, err := exec.Command(realPython, script, file).Output()
			var doc map[string]any
			if jerr := json.Unmarshal(out, &doc); jerr != nil {
				t.Fatalf("cannot decode the script's output (%v, run error %v): %s", jerr, err, out)
			}
			if msg, ok := doc["error"]; ok {
				t.Fatalf("supervisord rejects %s: %v", file, msg)
			}
			if err != nil {
				t.Fatalf("the script failed: %v", err)
			}
		})
	}
}

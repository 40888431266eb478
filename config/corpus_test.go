package config

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/supinit/supinit/internal/pid1test"
)

// sharedDir finds /work/shared as ../shared from the repository root.
// Without it the test skips loudly, or fails when CI is set.
func sharedDir(t *testing.T) string {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(here), "..", "..", "shared")
	if _, err := os.Stat(filepath.Join(dir, "corpus", "supervisord", "verdicts.tsv")); err != nil {
		pid1test.Unavailable(t, "the shared corpus is not at %s (set up ../shared to run this test): %v", dir, err)
	}
	return dir
}

var envRef = regexp.MustCompile(`%\(ENV_([^)]*)\)`)

// corpusLoad loads one corpus file the way verdicts.tsv was computed:
// Portable, every ENV_ the file names set to 1, and a fragment without a
// [supervisord] section read through a wrapper that includes it.
func corpusLoad(t *testing.T, file string) (*Config, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	environ := []string{"HOME=/root", "PATH=/usr/bin:/bin"}
	for _, m := range envRef.FindAllStringSubmatch(string(data), -1) {
		environ = append(environ, m[1]+"=1")
	}
	opts := LoadOptions{Portable: true, Environ: environ, Hostname: "host"}
	if regexp.MustCompile(`(?m)^\s*\[supervisord\]`).Match(data) {
		return Load(file, opts)
	}
	dir := t.TempDir()
	frag := filepath.Join(dir, "fragment.conf")
	if err := os.WriteFile(frag, data, 0o644); err != nil {
		t.Fatal(err)
	}
	wrapper := filepath.Join(dir, "supervisord.conf")
	if err := os.WriteFile(wrapper, []byte("[supervisord]\n[include]\nfiles="+frag+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return Load(wrapper, opts)
}

func TestCorpusAgreesWithSupervisord(t *testing.T) {
	corpus := filepath.Join(sharedDir(t), "corpus", "supervisord")
	f, err := os.Open(filepath.Join(corpus, "verdicts.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	total, agree := 0, 0
	for first := true; sc.Scan(); first = false {
		cols := strings.Split(sc.Text(), "\t")
		if first || len(cols) < 7 {
			continue
		}
		name, verdict, want := cols[0], cols[5], cols[6]
		total++
		cfg, err := corpusLoad(t, filepath.Join(corpus, "files", name))
		got := "accept"
		if err != nil {
			got = "reject"
			if _, ok := err.(*Error); !ok {
				t.Errorf("%s: error is %T, not *Error: %v", name, err, err)
			}
		}
		if got != verdict {
			t.Errorf("%s: supervisord 4.2.5 says %s (%s), supinit says %s: %v", name, verdict, want, got, err)
			continue
		}
		agree++
		if testing.Verbose() && cfg != nil {
			for _, w := range cfg.Warnings {
				t.Logf("%s: warning: %s", name, w)
			}
		}
		if testing.Verbose() && err != nil {
			t.Logf("%s: rejected: %v", name, err)
		}
	}
	t.Logf("corpus: %d/%d agree with supervisord 4.2.5", agree, total)
	if total == 0 {
		t.Fatal("no corpus entries read")
	}
}

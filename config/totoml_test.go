package config

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// roundTrip converts c to TOML, loads that with opts and checks that
// `check --json` gives the same output for both. It returns the loaded
// TOML config, or nil after a failure.
func roundTrip(t *testing.T, name string, c *Config, opts LoadOptions) *Config {
	t.Helper()
	want, err := c.JSON()
	if err != nil {
		t.Fatal(err)
	}
	text, err := c.TOML()
	if err != nil {
		t.Errorf("%s: TOML: %v", name, err)
		return nil
	}
	file := filepath.Join(t.TempDir(), "converted.toml")
	if err := os.WriteFile(file, text, 0o644); err != nil {
		t.Fatal(err)
	}
	back, err := Load(file, opts)
	if err != nil {
		t.Errorf("%s: the converted TOML does not load: %v\n%s", name, err, text)
		return nil
	}
	got, err := back.JSON()
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("%s: round trip changes the model\nTOML:\n%s\nINI JSON:\n%s\nTOML JSON:\n%s", name, text, want, got)
		return nil
	}
	return back
}

func TestConvertRoundTripTestdata(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.conf"))
	more, _ := filepath.Glob(filepath.Join("testdata", "*", "*.toml"))
	files = append(files, more...)
	if len(files) == 0 {
		t.Fatal("no testdata configs")
	}
	// With the differential configs' variables, every config that
	// supervisord accepts loads and is checked.
	opts := LoadOptions{Portable: true, Environ: append([]string{"HOME=/root", "PATH=/usr/bin:/bin"}, diffVars...), Hostname: "host"}
	n := 0
	for _, file := range files {
		c, err := Load(file, opts)
		if strings.HasPrefix(filepath.Base(file), "bad_") {
			continue // rejected by supervisord (some only off --portable)
		}
		if err != nil {
			t.Errorf("%s: %v", file, err)
			continue
		}
		n++
		roundTrip(t, file, c, opts)
	}
	t.Logf("%d of %d testdata configs round-trip checked", n, len(files))
}

func TestConvertRoundTripCorpus(t *testing.T) {
	corpus := filepath.Join(sharedDir(t), "corpus", "supervisord", "files")
	files, err := filepath.Glob(filepath.Join(corpus, "*.conf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files: %v", err)
	}
	n := 0
	for _, file := range files {
		c, err := corpusLoad(t, file)
		if err != nil {
			continue
		}
		n++
		// The TOML is loaded with the same environment the INI was.
		roundTrip(t, filepath.Base(file), c, LoadOptions{Portable: true, Environ: corpusEnviron(t, file), Hostname: "host"})
	}
	t.Logf("%d corpus configs round-trip checked", n)
}

// TestConvertRoundTripCases: configs supervisord accepts whose TOML form
// needs care. Each round-trips, and a warning of the INI form about the
// command is given by the TOML form too (without the INI form's note on
// comments).
func TestConvertRoundTripCases(t *testing.T) {
	const head = "[supervisord]\n[program:a]\n"
	tests := []struct {
		name, ini string
		warning   string // a part of the command warning both forms give
	}{
		{"quotes unbalanced by a comment", head + "command=bash -c \"a ; b\"\n", "no closing quotation"},
		{"unsplittable with numprocs", head + "command=sh -c 'x %(process_num)d\nnumprocs=2\nprocess_name=a%(process_num)d\n", "no closing quotation"},
		{"trailing backslash", head + "command=run \\\n", "no escaped character"},
		{"empty command", head + "command=\n", "the command is empty"},
		{"process_name from the environment", head + "command=a\nprocess_name=%(ENV_HOME)s\n", ""},
		{"process_name from the environment, numprocs", head + "command=a\nprocess_name=%(ENV_HOME)s_%(process_num)d\nnumprocs=2\n", ""},
		{"process_name with a colon", head + "command=a\nprocess_name=%(ENV_PAIR)s\n", ""},
		{"real-time stop signals", head + "command=a\nstopsignal=RTMIN\n[program:b]\ncommand=b\nstopsignal=64\n", ""},
	}
	opts := LoadOptions{Portable: true, Environ: []string{"HOME=/root", "PAIR=x:y"}, Hostname: "host"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "supervisord.conf")
			if err := os.WriteFile(file, []byte(tt.ini), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := Load(file, opts)
			if err != nil {
				t.Fatal(err)
			}
			back := roundTrip(t, tt.name, c, opts)
			if back == nil {
				return
			}
			commandWarnings := func(c *Config) []string {
				var out []string
				for _, w := range c.Warnings {
					if w.Option == "command" {
						msg, _, _ := strings.Cut(w.Message, "; the line was cut")
						out = append(out, msg)
					}
				}
				return out
			}
			iniW, tomlW := commandWarnings(c), commandWarnings(back)
			if !slices.Equal(iniW, tomlW) || (tt.warning == "") != (len(iniW) == 0) || (len(iniW) > 0 && !strings.Contains(iniW[0], tt.warning)) {
				t.Errorf("command warnings differ or lack %q\nINI:  %q\nTOML: %q", tt.warning, iniW, tomlW)
			}
		})
	}
}

// corpusEnviron is the environment corpusLoad gives a corpus file.
func corpusEnviron(t *testing.T, file string) []string {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	environ := []string{"HOME=/root", "PATH=/usr/bin:/bin"}
	for _, m := range envRef.FindAllStringSubmatch(string(data), -1) {
		environ = append(environ, m[1]+"=1")
	}
	return environ
}

func TestNumTemplate(t *testing.T) {
	tests := []struct {
		values []string
		nums   []int
		want   string
		ok     bool
	}{
		{[]string{"a", "a"}, []int{0, 1}, "a", true},
		{[]string{"100%", "100%"}, []int{0, 1}, "100%%", true},
		{[]string{"web_00", "web_01"}, []int{0, 1}, "web_%(process_num)02d", true},
		{[]string{"r-8", "r-9", "r-10"}, []int{8, 9, 10}, "r-%(process_num)d", true},
		{[]string{"--port 6381 --bind 127.0.0.1", "--port 6382 --bind 127.0.0.1"}, []int{1, 2}, "--port 638%(process_num)d --bind 127.0.0.1", true},
		{[]string{"a1-1", "a2-2"}, []int{1, 2}, "a%(process_num)d-%(process_num)d", true},
		{[]string{"x", "y"}, []int{0, 1}, "", false},
	}
	for _, tt := range tests {
		got, ok := numTemplate(tt.values, tt.nums)
		if got != tt.want || ok != tt.ok {
			t.Errorf("numTemplate(%q, %v) = %q, %v; want %q, %v", tt.values, tt.nums, got, ok, tt.want, tt.ok)
		}
	}
}

func TestShellJoinSplitsBack(t *testing.T) {
	for _, argv := range [][]string{
		{"nginx", "-g", "daemon off;"},
		{"sh", "-c", `echo "it's" $HOME && exit 1`},
		{"a", "", "b c", `\`, "100%"},
	} {
		back, err := splitCommand(shellJoin(argv))
		if err != nil || strings.Join(back, "\x00") != strings.Join(argv, "\x00") {
			t.Errorf("shellJoin(%q) = %q splits to %q, %v", argv, shellJoin(argv), back, err)
		}
	}
	if got := shellJoin([]string{"nginx", "-g", "daemon off;"}); got != "nginx -g 'daemon off;'" {
		t.Errorf("shellJoin = %q", got)
	}
}

func TestConvertHeaderNamesSource(t *testing.T) {
	file := filepath.Join(t.TempDir(), "supervisord.conf")
	ini := "[supervisord]\n[program:web]\ncommand=/bin/web --ratio 100%%\nnumprocs=2\nprocess_name=web-%(process_num)d\n"
	if err := os.WriteFile(file, []byte(ini), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(file, LoadOptions{Portable: true})
	if err != nil {
		t.Fatal(err)
	}
	text, err := c.TOML()
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(text)))
	sc.Scan()
	if !strings.HasPrefix(sc.Text(), "#") || !strings.Contains(sc.Text(), file) {
		t.Errorf("first line %q does not name %s", sc.Text(), file)
	}
	for _, want := range []string{`command = ["/bin/web", "--ratio", "100%%"]`, `process_name = "web-%(process_num)d"`, "numprocs = 2", `stdout_logfile = "AUTO"`} {
		if !strings.Contains(string(text), want) {
			t.Errorf("TOML lacks %s:\n%s", want, text)
		}
	}
	roundTrip(t, file, c, LoadOptions{Portable: true})
}

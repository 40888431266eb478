package config

import (
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/supinit/supinit/internal/pid1test"
)

var expandNames = map[string]any{
	"a": "x", "b": 65, "u": "é\n\x7f\u200b", "q": "it's", "n": -255, "c": 0x1F600, "z": -1,
	"w": `a\b"'`, "process_num": 7, "here": "/etc",
}

// expandCases are format strings whose Python results are pinned below
// and, when the real Python is here, checked against it too.
var expandCases = []struct{ format, want, err string }{
	{"plain", "plain", ""},
	{"%(a)s-%(b)s", "x-65", ""},
	{"%(process_num)02d", "07", ""},
	{"100%%", "100%", ""},
	{"%(here)s/%%(here)s", "/etc/%(here)s", ""},
	{"%(a)r", "'x'", ""},
	{"%(q)r", `"it's"`, ""},
	{"%(u)r", `'é\n\x7f\u200b'`, ""},
	{"%(u)a", `'\xe9\n\x7f\u200b'`, ""},
	{"%(w)r", `'a\\b"\''`, ""},
	{"%(b)05.3d", "00065", ""},
	{"%(b)-05d|", "65   |", ""},
	{"%(b)#5o", "0o101", ""},
	{"%(b)#05x", "0x041", ""},
	{"%(n)#010x", "-0x00000ff", ""},
	{"%(b)010.2f", "0000065.00", ""},
	{"%(a)05r", "  'x'", ""},
	{"%(b)5c", "    A", ""},
	{"%(c)c", "😀", ""},
	{"%(a)c", "x", ""},
	{"%(b)+05d", "+0065", ""},
	{"%(b) d", " 65", ""},
	{"%(b)#X", "0X41", ""},
	{"%(b)ld", "65", ""},
	{"%(b)e", "6.500000e+01", ""},
	{"%(b)g", "65", ""},
	{"%(b)#g", "65.0000", ""},
	{"%(b)#.0f", "65.", ""},
	{"%(b).0e", "6e+01", ""},
	{"%(b)10.3g", "        65", ""},
	{"%(a).1s|%(a)-3s|%(a)3s", "x|x  |  x", ""},
	{"%(n)o %(n)x", "-377 -ff", ""},
	{"%(a(b))s", "", "names ('a(b)')"},
	{"/bin/echo 100%", "", "incomplete format"},
	{"%(a)", "", "incomplete format"},
	{"%(b)5.", "", "incomplete format"},
	{"%(a", "", "incomplete format key"},
	{"%USER%", "", "unsupported format character 'U' (0x55) at index 1"},
	{"%(a)%", "", "unsupported format character '%' (0x25) at index 4"},
	{"%(b)é", "", "unsupported format character '?' (0xe9) at index 4"},
	{"%(b)hhd", "", "unsupported format character 'h' (0x68) at index 5"},
	{"%(nosuch)s", "", "names ('nosuch') which cannot be expanded (available names: a, b, c, here, n, process_num, q, u, w, z)"},
	{"%(a)d", "", "%d format: a real number is required, not str"},
	{"%(a)x", "", "%x format: an integer is required, not str"},
	{"%(a)f", "", "must be real number, not str"},
	{"%(z)c", "", "%c arg not in range(0x110000)"},
	{"%(q)c", "", "%c requires int or char"},
	{"%(a)*d", "", "* wants int"},
	{"%d", "", "%d format: a real number is required, not dict"},
	{"%s %s", "", "not enough arguments for format string"},
}

func TestExpand(t *testing.T) {
	for _, tt := range expandCases {
		got, err := expand(tt.format, expandNames)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("expand(%q): %v", tt.format, err)
		case tt.err == "" && got != tt.want:
			t.Errorf("expand(%q) = %q, want %q", tt.format, got, tt.want)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("expand(%q) = %q, %v; want error %q", tt.format, got, err, tt.err)
		}
		var ee *ExpandError
		if err != nil && !errors.As(err, &ee) {
			t.Errorf("expand(%q): error %T is not *ExpandError", tt.format, err)
		}
	}
}

func TestExpandUnnamedFormatsTheDict(t *testing.T) {
	got, err := expand("date +%s", map[string]any{"b": 1, "a": "x"})
	if err != nil || got != "date +{'a': 'x', 'b': 1}" {
		t.Errorf("got %q, %v", got, err)
	}
}

// TestExpandMatchesPython runs every case through the real Python.
func TestExpandMatchesPython(t *testing.T) {
	if err := exec.Command(realPython, "-c", "1").Run(); err != nil {
		pid1test.Unavailable(t, "%s is not available: %v", realPython, err)
	}
	var formats []string
	for _, tt := range expandCases {
		formats = append(formats, tt.format)
	}
	in, _ := json.Marshal(map[string]any{"names": expandNames, "formats": formats})
	script := `
import json, sys
d = json.loads(sys.stdin.read())
out = []
for f in d["formats"]:
    try:
        out.append([f % d["names"], ""])
    except KeyError as e:
        out.append(["", "names (%s)" % e])
    except Exception as e:
        out.append(["", str(e)])
print(json.dumps(out))`
	cmd := exec.Command(realPython, "-c", script)
	cmd.Stdin = strings.NewReader(string(in))
	raw, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var results [][2]string
	if err := json.Unmarshal(raw, &results); err != nil {
		t.Fatal(err)
	}
	for i, f := range formats {
		got, err := expand(f, expandNames)
		want := results[i]
		if want[1] == "" {
			if err != nil || got != want[0] {
				t.Errorf("%q: supinit %q %v, Python %q", f, got, err, want[0])
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want[1]) {
			t.Errorf("%q: supinit %q %v, Python error %q", f, got, err, want[1])
		}
	}
}

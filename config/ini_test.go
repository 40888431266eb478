package config

import (
	"reflect"
	"strings"
	"testing"
)

func readINI(t *testing.T, text string) (*iniDoc, error) {
	t.Helper()
	d := newINIDoc()
	return d, d.read([]byte(text), "/x/test.conf")
}

// TestINIRules checks each verified example of the reference's §1.
func TestINIRules(t *testing.T) {
	tests := []struct {
		name, text, section, key, want string
		line                           int
	}{
		{"semicolon without space is text", "[s]\npidfile=/x.pid;notacomment\n", "s", "pidfile", "/x.pid;notacomment", 2},
		{"space semicolon comments", "[s]\na=x ;c\n", "s", "a", "x", 2},
		{"tab semicolon comments", "[s]\na=x\t;c\n", "s", "a", "x", 2},
		{"space hash comments", "[s]\nidentifier=abc #c\n", "s", "identifier", "abc", 2},
		{"hash without space is text", "[s]\nh=x#y\n", "s", "h", "x#y", 2},
		{"quotes do not protect", "[s]\ng=\"quoted ; value\"\n", "s", "g", `"quoted`, 2},
		{"first delimiter wins", "[s]\nf : g = h\n", "s", "f", "g = h", 2},
		{"equals inside value", "[s]\ncommand=/x --a=b\n", "s", "command", "/x --a=b", 2},
		{"empty value", "[s]\nc=\n", "s", "c", "", 2},
		{"key case folded", "[s]\nCommand=x\n", "s", "command", "x", 2},
		{"continuation", "[s]\nmulti=line1\n  line2\n\tline3\n\n  # c\n  line4\n", "s", "multi", "line1\nline2\nline3\n\nline4", 2},
		{"trailing empty lines stripped", "[s]\na=1\n  2\n\n\n[t]\n", "s", "a", "1\n2", 2},
		{"indented header is a value", "[s]\na=1\n  [program:x]\n", "s", "a", "1\n[program:x]", 2},
		{"duplicate key last wins", "[s]\na=1\na=2\n", "s", "a", "2", 3},
		{"duplicate sections merge", "[s]\na=1\n[t]\n[s]\nb=2\n", "s", "b", "2", 5},
		{"crlf", "[s]\r\na=1\r\nb=2\r\n", "s", "b", "2", 3},
		{"lone cr ends a line", "[s]\ra=1\rb=2", "s", "b", "2", 3},
		{"utf-8 value", "[s]\na=café ☕\n", "s", "a", "café ☕", 2},
		{"header comment", "[program:z] ; comment\na=1\n", "program:z", "a", "1", 2},
		{"header text after bracket", "[program:w]x\na=1\n", "program:w", "a", "1", 2},
		{"header not trimmed", "[ program:y ]\na=1\n", " program:y ", "a", "1", 2},
		{"header case kept", "[program:Foo]\na=1\n", "program:Foo", "a", "1", 2},
		{"comment line between continuation lines", "[s]\na=1\n# c\n  2\n", "s", "a", "1\n2", 2},
		{"inline comment in continuation", "[s]\na=1\n  2 ; c\n", "s", "a", "1\n2", 2},
		{"later valid comment prefix wins", "[s]\na=x;y ;c #d\n", "s", "a", "x;y ;c", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := readINI(t, tt.text)
			if err != nil {
				t.Fatal(err)
			}
			sec := d.section(tt.section)
			if sec == nil {
				t.Fatalf("no section %q; have %v", tt.section, sectionNames(d))
			}
			v, ok := d.lookup(sec, tt.key)
			if !ok {
				t.Fatalf("no key %q in %v", tt.key, sec.keys)
			}
			if v.value != tt.want || v.pos.Line != tt.line {
				t.Errorf("got %q at line %d, want %q at line %d", v.value, v.pos.Line, tt.want, tt.line)
			}
		})
	}
}

func sectionNames(d *iniDoc) []string {
	var names []string
	for _, s := range d.sections {
		names = append(names, s.name)
	}
	return names
}

func TestINIDefaultShowsEverywhere(t *testing.T) {
	d, err := readINI(t, "[DEFAULT]\nx=1\n[a]\n[b]\nx=2\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := sectionNames(d); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Fatalf("sections %v", got)
	}
	for sec, want := range map[string]string{"a": "1", "b": "2"} {
		v, ok := d.lookup(d.section(sec), "x")
		if !ok || v.value != want {
			t.Errorf("[%s] x = %v, want %s", sec, v, want)
		}
	}
}

func TestINIErrors(t *testing.T) {
	tests := []struct {
		name, text string
		line       int
		msg        string
	}{
		{"no delimiter", "[s]\nfoo\n", 2, "cannot parse line 'foo'"},
		{"empty key", "[s]\n=x\n", 2, "cannot parse line '=x'"},
		{"key before header", "a=1\n[s]\n", 1, "no section headers"},
		{"first of several errors", "[s]\na\nb\n", 2, "'a'"},
		{"empty header", "[]\n", 1, "no section headers"},
		{"invalid utf-8", "[s]\na=\xff\n", 2, "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readINI(t, tt.text)
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("got %T %v, want *Error", err, err)
			}
			if e.Pos.Line != tt.line || e.Pos.File != "/x/test.conf" || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("got %v, want line %d and %q", e, tt.line, tt.msg)
			}
		})
	}
}

func TestExpandHere(t *testing.T) {
	d, err := readINI(t, "[DEFAULT]\nd=%(here)s/d\n[a]\nx=%(here)s/x %%(here)s\n")
	if err != nil {
		t.Fatal(err)
	}
	d.expandHere("/main")
	if err := d.read([]byte("[b]\ny=%(here)s/y\n[a]\nz=%(here)s/z\n"), "/inc/b.conf"); err != nil {
		t.Fatal(err)
	}
	d.expandHere("/inc")
	want := map[string]map[string]string{
		"a": {"x": "/main/x %/main", "d": "/main/d", "z": "/inc/z"},
		"b": {"y": "/inc/y", "d": "/inc/d"},
	}
	for sec, keys := range want {
		for k, w := range keys {
			if v, _ := d.lookup(d.section(sec), k); v == nil || v.value != w {
				t.Errorf("[%s] %s = %v, want %q", sec, k, v, w)
			}
		}
	}
}

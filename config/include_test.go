package config

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func portable(env ...string) LoadOptions {
	return LoadOptions{Portable: true, Environ: append([]string{"HOME=/root"}, env...), Hostname: "box"}
}

func TestIncludeBehaviour(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"main.conf": "[supervisord]\n[include]\nfiles = conf.d/*.conf %(ENV_EXTRA)s/x.ini none/*.conf\n" +
			"[program:a]\ncommand=/bin/a %(here)s\npriority=1\n",
		"conf.d/20-b.conf": "[program:b]\ncommand=/bin/b %(here)s\n[program:a]\npriority=2\n" +
			"[include]\nfiles=../nested/*.conf\n",
		"conf.d/10-c.conf":    "[program:c]\ncommand=/bin/c\n",
		"conf.d/.hidden.conf": "[program:hidden]\ncommand=/bin/h\n",
		"nested/n.conf":       "[program:nested]\ncommand=/bin/n\n",
		"extra/x.ini":         "[program:x]\ncommand=/bin/x\n",
	})
	cfg, err := Load(filepath.Join(dir, "main.conf"), portable("EXTRA="+filepath.Join(dir, "extra")))
	if err != nil {
		t.Fatal(err)
	}
	wantIncluded := []string{
		filepath.Join(dir, "conf.d/10-c.conf"), filepath.Join(dir, "conf.d/20-b.conf"), filepath.Join(dir, "extra/x.ini"),
	}
	if !reflect.DeepEqual(cfg.Included, wantIncluded) {
		t.Errorf("Included = %v, want %v (sorted, no hidden files, no recursion)", cfg.Included, wantIncluded)
	}
	cmds := map[string]string{}
	prio := map[string]int{}
	for _, p := range cfg.Programs {
		cmds[p.Name], prio[p.Name] = p.Command, p.Priority
	}
	if cmds["a"] != "/bin/a "+dir || cmds["b"] != "/bin/b "+filepath.Join(dir, "conf.d") {
		t.Errorf("%%(here)s: a=%q b=%q", cmds["a"], cmds["b"])
	}
	if prio["a"] != 2 {
		t.Errorf("a duplicate key in an included file must win: priority %d", prio["a"])
	}
	if _, ok := cmds["nested"]; ok {
		t.Error("an [include] inside an included file was followed")
	}
	foundWarning := false
	for _, w := range cfg.Warnings {
		if w.Section == "include" && w.Pos.Line == 3 {
			foundWarning = true
		}
	}
	if !foundWarning {
		t.Errorf("no warning for a pattern that matches nothing: %v", cfg.Warnings)
	}
}

func TestIncludeErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"nofiles.conf": "[supervisord]\n[include]\n",
		"bad.conf":     "[supervisord]\n[include]\nfiles=inc/*.conf\n",
		"inc/bad.conf": "[program:x]\ncommand=/bin/x\nnovalue\n",
		"sup.conf":     "[include]\nfiles=inc2/*.conf\n",
		"inc2/s.conf":  "[supervisord]\n[program:y]\ncommand=/bin/y\n",
	})
	_, err := Load(filepath.Join(dir, "nofiles.conf"), portable())
	if e, ok := err.(*Error); !ok || e.Pos.Line != 2 || e.Section != "include" {
		t.Errorf("no files: %v", err)
	}
	_, err = Load(filepath.Join(dir, "bad.conf"), portable())
	if e, ok := err.(*Error); !ok || e.Pos.File != filepath.Join(dir, "inc/bad.conf") || e.Pos.Line != 3 {
		t.Errorf("a syntax error in an included file must name it: %v", err)
	}
	// [supervisord] may come from an included file.
	if _, err := Load(filepath.Join(dir, "sup.conf"), portable()); err != nil {
		t.Errorf("supervisord from an include: %v", err)
	}
}

func TestPyGlob(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a1.conf": "", "a2.conf": "", "b.conf": "", ".h.conf": "", "sub/c.conf": ""})
	tests := map[string][]string{
		"*.conf":     {"a1.conf", "a2.conf", "b.conf"},
		"a?.conf":    {"a1.conf", "a2.conf"},
		"a[!1].conf": {"a2.conf"},
		"[ab]*.conf": {"a1.conf", "a2.conf", "b.conf"},
		".*.conf":    {".h.conf"},
		"*/c.conf":   {"sub/c.conf"},
		"b.conf":     {"b.conf"},
		"nope.conf":  nil,
		"[.conf":     nil,
	}
	for pat, want := range tests {
		got := pyGlob(dir + "/" + pat)
		var rel []string
		for _, g := range got {
			r, _ := filepath.Rel(dir, g)
			rel = append(rel, r)
		}
		sortStrings(rel)
		if !reflect.DeepEqual(rel, want) {
			t.Errorf("glob %q = %v, want %v", pat, rel, want)
		}
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

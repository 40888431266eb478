package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindOrder(t *testing.T) {
	root := t.TempDir()
	argv0 := filepath.Join(root, "bin", "supinit")
	cwd := filepath.Join(root, "work")
	if err := os.MkdirAll(filepath.Join(cwd, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(cwd)
	create := func(p string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("[supervisord]\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := func() string {
		t.Helper()
		p, err := Find(argv0)
		if err != nil {
			return "error: " + err.Error()
		}
		return p
	}
	systemConf := false
	for _, p := range []string{"/etc/supervisord.conf", "/etc/supervisor/supervisord.conf"} {
		if _, err := os.Stat(p); err == nil {
			systemConf = true
		}
	}
	// Without any file, the error lists every place looked at.
	if _, err := Find(argv0); !systemConf && (err == nil || !strings.Contains(err.Error(), "no config file found (looked in: ") ||
		!strings.Contains(err.Error(), "/etc/supervisor/supervisord.conf") || !strings.Contains(err.Error(), "supinit.toml")) {
		t.Fatalf("Find error = %v", err)
	}
	// Each newly created file that comes earlier in the order wins.
	steps := []string{
		filepath.Join(cwd, "etc", "supinit.toml"),
		filepath.Join(cwd, "etc", "supervisord.conf"),
		filepath.Join(cwd, "supervisord.conf"),
		filepath.Join(root, "supervisord.conf"),
		filepath.Join(root, "etc", "supervisord.conf"),
	}
	wants := []string{
		"etc/supinit.toml",
		"etc/supervisord.conf",
		"supervisord.conf",
		filepath.Join(root, "supervisord.conf"),
		filepath.Join(root, "etc", "supervisord.conf"),
	}
	for i, p := range steps {
		create(p)
		if systemConf && i == 0 {
			continue // this machine's /etc supervisord.conf wins over any supinit.toml
		}
		if g := got(); g != wants[i] {
			t.Errorf("after creating %s: Find = %s, want %s", p, g, wants[i])
		}
	}
}

// TestFindThroughPATH: started through $PATH, argv[0] is a bare name, but
// supervisord's sys.argv[0] is the path the shell found, so the search
// starts next to that path (a symlink's own folder, not its target's).
func TestFindThroughPATH(t *testing.T) {
	root := t.TempDir()
	mkfile := func(p string, mode os.FileMode) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("[supervisord]\n"), mode); err != nil {
			t.Fatal(err)
		}
	}
	mkfile(filepath.Join(root, "usr", "bin", "supinit"), 0o755)
	mkfile(filepath.Join(root, "usr", "etc", "supervisord.conf"), 0o644)
	mkfile(filepath.Join(root, "opt", "bin", "real"), 0o755)
	mkfile(filepath.Join(root, "opt", "etc", "supervisord.conf"), 0o644)
	mkfile(filepath.Join(root, "rel", "bin", "supinit"), 0o755)
	mkfile(filepath.Join(root, "rel", "supervisord.conf"), 0o644)
	mkfile(filepath.Join(root, "etc", "supervisord.conf"), 0o644) // ./etc from root
	if err := os.MkdirAll(filepath.Join(root, "link", "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	mkfile(filepath.Join(root, "link", "supervisord.conf"), 0o644)
	if err := os.Symlink(filepath.Join(root, "opt", "bin", "real"), filepath.Join(root, "link", "bin", "supinit")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(root)
	tests := []struct {
		name, path, argv0, want string
	}{
		{"found in PATH", filepath.Join(root, "usr", "bin"), "supinit", filepath.Join(root, "usr", "etc", "supervisord.conf")},
		{"symlink not followed", filepath.Join(root, "link", "bin"), "supinit", filepath.Join(root, "link", "supervisord.conf")},
		{"relative PATH entry", "rel/bin", "supinit", "rel/supervisord.conf"},
		{"not in PATH", filepath.Join(root, "usr", "bin"), "nosuch", "etc/supervisord.conf"},
		{"argv0 with a slash is not looked up", filepath.Join(root, "usr", "bin"), "./supinit", "etc/supervisord.conf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PATH", tt.path)
			got, err := Find(tt.argv0)
			if err != nil || got != tt.want {
				t.Errorf("Find(%q) with PATH=%s = %q, %v; want %q", tt.argv0, tt.path, got, err, tt.want)
			}
		})
	}
}

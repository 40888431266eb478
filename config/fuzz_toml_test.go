package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzTOML loads arbitrary bytes as a .toml config: it must never panic,
// and every error must be an *Error naming the file and a line: the
// decoder's for a syntax error, the table's or option's otherwise.
func FuzzTOML(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "toml", "*.toml"))
	for _, s := range seeds {
		if b, err := os.ReadFile(s); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("[program.x]\ncommand = [\"a\", \"%(process_num)d\"]\nnumprocs = 2\nprocess_name = \"x%(process_num)s\"\n"))
	f.Add([]byte("program = { x = { command = \"x\", environment = { A = \"%%\" } } }\n[group.g]\nprograms = \"x\"\n"))
	f.Add([]byte("[supervisord]\numask = 0o22\n[include]\nfiles = \"nothing/*.toml\"\n"))
	f.Add([]byte("[program.x]\ncommand = \"sh -c 'x\"\numask = 22\n[rpcinterface.r]\n\"supervisor.rpcinterface_factory\" = \"a:b\"\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(dir, "fuzz.toml")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(file, LoadOptions{Portable: true, Environ: []string{"A=1"}, Hostname: "h"})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Pos.File == "" || e.Pos.Line <= 0 {
				t.Fatalf("error %v (%T) is not an *Error with a file and a line", err, err)
			}
			return
		}
		if _, err := c.JSON(); err != nil {
			t.Fatalf("JSON: %v", err)
		}
	})
}

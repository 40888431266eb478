package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckMachine: what supervisord checks on this machine while it reads
// the file, with the option's line and supervisord's text, and nothing of
// it under Portable. The texts were checked against supervisord 4.2.5.
func TestCheckMachine(t *testing.T) {
	tests := []struct {
		name, file, text string
		line             int    // 0: the file loads
		want             string // a part of the error
	}{
		{"user", "supervisord.conf", "[supervisord]\n[program:a]\ncommand=x\nuser=no_such_user_q\n", 4, "[program:a] user: Invalid user name no_such_user_q"},
		{"uid", "supervisord.conf", "[supervisord]\n[program:a]\ncommand=x\nuser=987654\n", 4, "[program:a] user: Invalid user id 987654"},
		{"supervisord user", "supervisord.conf", "[supervisord]\nuser=no_such_user_q\n", 2, "[supervisord] user: Invalid user name no_such_user_q"},
		{"log folder", "supervisord.conf", "[supervisord]\n[program:a]\ncommand=x\nstdout_logfile=/no/such/x.log\n", 4,
			"[program:a] stdout_logfile: The directory named as part of the path /no/such/x.log does not exist"},
		{"childlogdir", "supervisord.conf", "[supervisord]\nchildlogdir=/no/such\n", 2, "[supervisord] childlogdir: /no/such is not an existing directory"},
		{"empty directory", "supervisord.conf", "[supervisord]\ndirectory=\n", 2, `[supervisord] directory: the value is empty, and supervisord rejects it with " is not an existing directory"`},
		{"empty childlogdir", "supervisord.conf", "[supervisord]\nchildlogdir=\n", 2, `[supervisord] childlogdir: the value is empty`},
		{"empty directory in DEFAULT", "supervisord.conf", "[DEFAULT]\ndirectory=\n[supervisord]\n", 2, `[supervisord] directory: the value is empty`},
		{"empty directory, TOML", "supinit.toml", "[supervisord]\ndirectory = \"\"\n", 2, `[supervisord] directory: the value is empty`},
		{"missing directory", "supervisord.conf", "[supervisord]\ndirectory=%(here)s/nope\n", 2, "/nope is not an existing directory"},
		{"existing directory", "supervisord.conf", "[supervisord]\ndirectory=%(here)s\nchildlogdir=%(here)s\n", 0, ""},
		{"no directory", "supervisord.conf", "[supervisord]\n", 0, ""},
		{"log path through a missing folder", "supervisord.conf", "[supervisord]\n[program:a]\ncommand=a\nstdout_logfile=%(here)s/a/../b.log\n", 4,
			"[program:a] stdout_logfile: The directory named as part of the path "},
		{"log path through an existing folder", "supervisord.conf", "[supervisord]\n[program:a]\ncommand=a\nstdout_logfile=%(here)s/sub/../b.log\n", 0, ""},
		{"log file without a folder", "supervisord.conf", "[supervisord]\n[program:a]\ncommand=a\nstderr_logfile=b.log\n", 0, ""},
		{"main log through a missing folder", "supervisord.conf", "[supervisord]\nlogfile=%(here)s/a/../x.log\n", 2, "[supervisord] logfile: The directory named as part of the path "},
		{"pid file through a missing folder, TOML", "supinit.toml", "[supervisord]\npidfile = \"%(here)s/a/../x.pid\"\n", 2, "[supervisord] pidfile: The directory named as part of the path "},
		{"unknown chown user", "supervisord.conf", "[supervisord]\n[unix_http_server]\nfile=/tmp/s.sock\n\nchown=nosuchuser\n", 5,
			"[unix_http_server] chown: Invalid sockchown value nosuchuser"},
		{"unknown chown user, TOML", "supinit.toml", "[unix_http_server]\nfile = \"/tmp/s.sock\"\nchown = \"nosuchuser:root\"\n", 3,
			"[unix_http_server] chown: Invalid sockchown value nosuchuser:root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, tt.file)
			if err := os.WriteFile(file, []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			env := []string{"HOME=/root"}
			if _, err := Load(file, LoadOptions{Portable: true, Environ: env, Hostname: "h"}); err != nil {
				t.Errorf("Portable: %v", err)
			}
			_, err := Load(file, LoadOptions{Environ: env, Hostname: "h"})
			if tt.line == 0 {
				if err != nil {
					t.Errorf("got %v, want no error", err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v, want an *Error", err)
			}
			if e.Pos.Line != tt.line || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v\nwant line %d and %q", err, tt.line, tt.want)
			}
		})
	}
}

func TestPyDirname(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"a/../b.log", "a/.."}, {"b.log", ""}, {"/b.log", "/"}, {"//b", "//"}, {"a//b", "a"},
		{"a/b/", "a/b"}, {"", ""}, {"/", "/"}, {"./x", "."},
	} {
		if got := pyDirname(tt.in); got != tt.want {
			t.Errorf("pyDirname(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

package config

import (
	"errors"
	"strings"
	"testing"
)

func TestApplyOverrides(t *testing.T) {
	opts := LoadOptions{Portable: true}
	tests := []struct {
		name    string
		in      map[string]string
		check   func(s Supervisord) bool
		wantErr string
	}{
		{"loglevel", map[string]string{"loglevel": "DEBUG"}, func(s Supervisord) bool { return s.Loglevel == "debug" }, ""},
		{"flags", map[string]string{"nodaemon": "true", "silent": "true", "nocleanup": "true"},
			func(s Supervisord) bool { return s.Nodaemon && s.Silent && s.Nocleanup }, ""},
		{"sizes", map[string]string{"logfile_maxbytes": "1MB", "logfile_backups": "3"},
			func(s Supervisord) bool { return s.LogfileMaxbytes == 1<<20 && s.LogfileBackups == 3 }, ""},
		{"absolute logfile", map[string]string{"logfile": "/dev/stdout"}, func(s Supervisord) bool { return s.Logfile == "/dev/stdout" }, ""},
		{"relative pidfile", map[string]string{"pidfile": "x.pid"}, func(s Supervisord) bool { return strings.HasSuffix(s.Pidfile, "/x.pid") && s.Pidfile[0] == '/' }, ""},
		{"umask", map[string]string{"umask": "077"}, func(s Supervisord) bool { return s.Umask == 0o77 }, ""},
		{"bad level", map[string]string{"loglevel": "loud"}, nil, "--loglevel"},
		{"bad size", map[string]string{"logfile_maxbytes": "1.5MB"}, nil, "--logfile_maxbytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &Config{}
			err := ApplyOverrides(c, tc.in, opts)
			if tc.wantErr != "" {
				var ce *Error
				if !errors.As(err, &ce) || ce.Option != tc.wantErr || ce.Pos.File != "command line" {
					t.Fatalf("err = %v, want a *Error for %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c.Supervisord) {
				t.Errorf("overrides not applied: %+v", c.Supervisord)
			}
		})
	}
}

package main

import (
	"reflect"
	"testing"
)

func TestParseRunFlags(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		config    string
		overrides map[string]string
		main      []string
		prefix    bool
		format    string
		wantErr   bool
	}{
		{name: "none", args: nil, overrides: map[string]string{}, format: "text"},
		{name: "-c", args: []string{"-c", "a.conf"}, config: "a.conf", overrides: map[string]string{}, format: "text"},
		{name: "attached", args: []string{"-ca.conf"}, config: "a.conf", overrides: map[string]string{}, format: "text"},
		{name: "bundled", args: []string{"-nc", "a.conf"}, config: "a.conf", overrides: map[string]string{"nodaemon": "true"}, format: "text"},
		{name: "long =", args: []string{"--configuration=a.conf", "--loglevel", "debug"}, config: "a.conf",
			overrides: map[string]string{"loglevel": "debug"}, format: "text"},
		{name: "long prefix", args: []string{"--conf", "a.conf", "--logfile", "/dev/stdout"}, config: "a.conf",
			overrides: map[string]string{"logfile": "/dev/stdout"}, format: "text"},
		{name: "ambiguous prefix", args: []string{"--logfile_"}, wantErr: true},
		{name: "main", args: []string{"-c", "a.conf", "--", "sh", "-c", "exit 3"}, config: "a.conf",
			overrides: map[string]string{}, main: []string{"sh", "-c", "exit 3"}, format: "text"},
		{name: "single", args: []string{"--", "sleep", "1"}, overrides: map[string]string{}, main: []string{"sleep", "1"}, format: "text"},
		{name: "ours", args: []string{"--prefix", "--log-format=json"}, overrides: map[string]string{}, prefix: true, format: "json"},
		{name: "bad format", args: []string{"--log-format", "xml"}, wantErr: true},
		{name: "missing value", args: []string{"-c"}, wantErr: true},
		{name: "unknown short", args: []string{"-x"}, wantErr: true},
		{name: "flag with value", args: []string{"--nodaemon=yes"}, wantErr: true},
		{name: "positional", args: []string{"foo"}, wantErr: true},
		{name: "empty main", args: []string{"--"}, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := parseRunFlags(tc.args)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("want an error, got %+v", f)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if f.configFile != tc.config || !reflect.DeepEqual(f.overrides, tc.overrides) ||
				!reflect.DeepEqual(f.main, tc.main) || f.prefix != tc.prefix || f.logFormat != tc.format {
				t.Errorf("got %+v", f)
			}
		})
	}
}

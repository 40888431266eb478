package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzINI loads arbitrary bytes as a supervisord.conf: it must never
// panic, and every error must be an *Error naming a file and a line.
func FuzzINI(f *testing.F) {
	for _, seed := range []string{
		"[supervisord]\n[program:a]\ncommand=/bin/a %(process_num)02d\nnumprocs=2\nprocess_name=%(program_name)s_%(process_num)s\n",
		"[DEFAULT]\nx=1\n[supervisord]\nenvironment=A=\"x,y\",B='q r'\n[group:g]\nprograms=a\n[program:a]\ncommand=a\n",
		"[supervisord]\n[eventlistener:l]\ncommand=x\nevents=TICK_5\n[fcgi-program:f]\ncommand=x\nsocket=tcp://h:1\n",
		"[supervisord]\n[unix_http_server]\nfile=%(here)s/s\n[inet_http_server]\nport=*:9001\n[rpcinterface:x]\nsupervisor.rpcinterface_factory=a:b\n",
		"[s]\na=1\n  b\n\n  # c\n[t]x\nnovalue\n",
		"a=1\n",
		"[supervisord]\r\nlogfile=%(ENV_HOME)s/%%%%.log ;c\r\n",
		"\xef\xbb\xbf[supervisord]\n",
		"[supervisord]\n[program:a]\ncommand=%(x)*d %(\n",
		"[supervisord]\ndirectory=\n[program:a]\ncommand=bash -c \"a ; b\"\nprocess_name=%(ENV_HOME)s\nstdout_logfile=a/../b.log\n",
	} {
		f.Add([]byte(seed))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		file := filepath.Join(dir, "supervisord.conf")
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(file, LoadOptions{Portable: true, Environ: []string{"HOME=/root"}, Hostname: "h"})
		if err == nil {
			return
		}
		var e *Error
		if !errors.As(err, &e) || err != error(e) {
			t.Fatalf("error %T is not a *Error: %v", err, err)
		}
		if e.Pos.File == "" || e.Pos.Line <= 0 {
			t.Fatalf("error without a file and a line: %v", err)
		}
	})
}

package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWarningsBothForms: what loads with a warning, in both forms, and what loads
// without one. Each want is a part of one warning, from its line on.
func TestWarningsBothForms(t *testing.T) {
	const ini, toml = "supervisord.conf", "supinit.toml"
	tests := []struct {
		name, file, text string
		want             []string // nil: no warning at all
	}{
		{"unsplittable command", ini, "[supervisord]\n[program:a]\ncommand=sh -c 'a ; b'\n",
			[]string{":3: [program:a] command: the command cannot be split into words (no closing quotation): the program cannot start: supervisord accepts the file and fails only when it spawns the program; the line was cut at a ' ;' or ' #' comment"}},
		{"unsplittable command, TOML", toml, "[program.a]\ncommand = \"sh -c 'a\"\n",
			[]string{":2: [program.a] command: the command cannot be split into words (no closing quotation): the program cannot start"}},
		{"unsplittable command warns once", toml, "[program.a]\ncommand = \"x '%(process_num)d\"\nnumprocs = 3\nprocess_name = \"a%(process_num)d\"\n",
			[]string{":2: [program.a] command: the command cannot be split"}},
		{"empty command", ini, "[supervisord]\n[program:a]\ncommand=\n", []string{":3: [program:a] command: the command is empty: the program cannot start"}},
		{"empty command, TOML array", toml, "[program.a]\ncommand = []\n", []string{":2: [program.a] command: the command is empty: the program cannot start"}},
		{"empty command, TOML string", toml, "[program.a]\ncommand = \"\"\n", []string{":2: [program.a] command: the command is empty"}},
		{"shell operator, TOML array", toml, "[program.a]\ncommand = [\"app\", \"&&\", \"b\"]\n", []string{`:2: [program.a] command: "&&" is passed to app`}},
		{"decimal umask", toml, "[supervisord]\numask = 22\n",
			[]string{`:2: [supervisord] umask: umask = 22 is the decimal number 22 (octal 026); write umask = 0o022 or umask = "022" if octal 022 is meant`}},
		{"decimal program umask", toml, "[program.a]\ncommand = \"a\"\numask = 2_2\n", []string{":3: [program.a] umask: umask = 2_2 is the decimal number 22"}},
		{"decimal chmod", toml, "[unix_http_server]\nfile = \"/tmp/s\"\nchmod = 700\n", []string{`:3: [unix_http_server] chmod: chmod = 700 is the decimal number 700 (octal 01274); write chmod = 0o700 or chmod = "700"`}},
		{"decimal socket_mode", toml, "[fcgi-program.f]\ncommand = \"f\"\nsocket = \"unix:///tmp/f\"\nsocket_mode = 660\n", []string{":4: [fcgi-program.f] socket_mode: socket_mode = 660 is the decimal"}},
		{"octal umask", toml, "[supervisord]\numask = 0o22\n", nil},
		{"string umask", toml, "[supervisord]\numask = \"022\"\n", nil},
		{"decimal umask that is no octal", toml, "[supervisord]\numask = 18\n", nil},
		{"one-digit umask", toml, "[supervisord]\numask = 7\n", nil},
		{"rpc factory", ini, "[supervisord]\n[rpcinterface:x]\nsupervisor.rpcinterface_factory = my.plugin:make\n",
			[]string{":3: [rpcinterface:x] supervisor.rpcinterface_factory: supervisord imports my.plugin:make at start-up and fails if it cannot; supinit provides only the standard interface (supervisor.rpcinterface:make_main_rpcinterface)"}},
		{"rpc factory, TOML", toml, "[rpcinterface.x]\n\"supervisor.rpcinterface_factory\" = \"my.plugin:make\"\n",
			[]string{":2: [rpcinterface.x] supervisor.rpcinterface_factory: supervisord imports my.plugin:make"}},
		{"standard rpc factory", ini, "[supervisord]\n[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface : make_main_rpcinterface\n", nil},
		{"result handler", ini, "[supervisord]\n[eventlistener:l]\ncommand=l\nevents=TICK_5\nresult_handler=my.mod:handle\n",
			[]string{":5: [eventlistener:l] result_handler: supervisord imports my.mod:handle at start-up and fails if it cannot; supinit cannot run it and takes every result as accepted"}},
		{"result handler, TOML", toml, "[eventlistener.l]\ncommand = \"l\"\nevents = [\"TICK_5\"]\nresult_handler = \"my.mod:handle\"\n",
			[]string{":4: [eventlistener.l] result_handler: supervisord imports my.mod:handle"}},
		{"known result handlers", ini, "[supervisord]\n[eventlistener:l]\ncommand=l\nevents=TICK_5\nresult_handler=supervisor_stdout : event_handler\n" +
			"[eventlistener:m]\ncommand=m\nevents=TICK_5\nresult_handler=supervisor.dispatchers:default_handler\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), tt.file)
			if err := os.WriteFile(file, []byte(tt.text), 0o644); err != nil {
				t.Fatal(err)
			}
			c, err := Load(file, LoadOptions{Portable: true, Environ: []string{"HOME=/root"}, Hostname: "h"})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range c.Warnings {
				got = append(got, w.String())
			}
			if len(got) != len(tt.want) {
				t.Errorf("%d warnings, want %d:\n%s", len(got), len(tt.want), strings.Join(got, "\n"))
			}
			for _, want := range tt.want {
				if !strings.Contains(strings.Join(got, "\n"), want) {
					t.Errorf("no warning %q in:\n%s", want, strings.Join(got, "\n"))
				}
			}
		})
	}
}

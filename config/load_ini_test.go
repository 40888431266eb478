package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// loadText loads text as a supervisord.conf in a temp folder.
func loadText(t *testing.T, text string, opts LoadOptions) (*Config, string, error) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "supervisord.conf")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(file, opts)
	return cfg, dir, err
}

func mustLoad(t *testing.T, text string) (*Config, string) {
	t.Helper()
	cfg, dir, err := loadText(t, text, portable("X=ex", "WEB=env"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg, dir
}

func program(t *testing.T, c *Config, name string) *Program {
	t.Helper()
	for _, p := range append(append([]*Program{}, c.Programs...), c.EventListeners...) {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no process %q", name)
	return nil
}

func TestProgramDefaults(t *testing.T) {
	cfg, _ := mustLoad(t, "[supervisord]\n[program:a]\ncommand=/bin/a -x 'y z'\n")
	p := program(t, cfg, "a")
	if p.Priority != 999 || !p.Autostart || p.Autorestart != AutorestartUnexpected || p.Startsecs != time.Second ||
		p.Startretries != 3 || len(p.Exitcodes) != 1 || p.Stopsignal != 15 || p.Stopwaitsecs != 10*time.Second ||
		p.Stopasgroup || p.Killasgroup || p.User != nil || p.Directory != nil || p.Umask != nil ||
		p.Stdout.Logfile != LogAuto || p.Stdout.Maxbytes != 50<<20 || p.Stdout.Backups != 10 || p.Serverurl != "AUTO" ||
		p.Group != "a" || p.Numprocs != 1 || p.ProcessNum != 0 || p.Critical {
		t.Errorf("defaults: %+v", p)
	}
	if strings.Join(p.Argv, "|") != "/bin/a|-x|y z" {
		t.Errorf("argv %q", p.Argv)
	}
	s := cfg.Supervisord
	if s.Loglevel != "info" || s.Umask != 0o22 || s.Minfds != 1024 || s.Minprocs != 200 || s.Identifier != "supervisor" ||
		!filepath.IsAbs(s.Logfile) || filepath.Base(s.Logfile) != "supervisord.log" || s.Childlogdir != "/tmp" || s.LogfileMaxbytes != 50<<20 {
		t.Errorf("supervisord defaults: %+v", s)
	}
}

func TestExpansionPerOption(t *testing.T) {
	cfg, dir := mustLoad(t, `[supervisord]
environment=GLOBAL=g
[program:web]
command=/bin/web %(process_num)02d %(numprocs)d %(group_name)s %(host_node_name)s %(ENV_X)s %(ENV_GLOBAL)s %(ENV_OWN)s
process_name=%(program_name)s-%(process_num)d
numprocs=2
numprocs_start=3
environment=OWN=o%(process_num)d
directory=/srv/%(process_num)s
stdout_logfile=%(here)s/%(program_name)s-%%%%.log
[group:pool]
programs=web
`)
	p := program(t, cfg, "web-4")
	want := "/bin/web 04 2 pool box ex g o4"
	if p.Command != want || p.Group != "pool" || *p.Directory != "/srv/4" || p.Stdout.Logfile != dir+"/web-%.log" {
		t.Errorf("got command %q group %q dir %q log %q", p.Command, p.Group, *p.Directory, p.Stdout.Logfile)
	}
	if len(cfg.Groups) != 1 || strings.Join(cfg.Groups[0].Processes, ",") != "web-3,web-4" {
		t.Errorf("groups %+v", cfg.Groups[0])
	}
}

func TestSectionErrors(t *testing.T) {
	tests := []struct {
		name, text, section, option string
		line                        int
		msg                         string
	}{
		{"no supervisord", "[program:a]\ncommand=x\n", "", "", 0, "does not include supervisord section"},
		{"no command", "[supervisord]\n[program:a]\npriority=1\n", "program:a", "", 2, "does not specify a command"},
		{"bad bool", "[supervisord]\n[program:a]\ncommand=x\nautostart=maybe\n", "program:a", "autostart", 4, "not a valid boolean"},
		{"bad int", "[supervisord]\n[program:a]\ncommand=x\nstartsecs=1.5\n", "program:a", "startsecs", 4, "invalid literal for int()"},
		{"bad size", "[supervisord]\n[program:a]\ncommand=x\nstdout_logfile_maxbytes=1K\n", "program:a", "stdout_logfile_maxbytes", 4, "byte size"},
		{"bad octal", "[supervisord]\n[program:a]\ncommand=x\numask=089\n", "program:a", "umask", 4, "octal"},
		{"bad signal", "[supervisord]\n[program:a]\ncommand=x\nstopsignal=FOO\n", "program:a", "stopsignal", 4, "not a valid signal name"},
		{"bad autorestart", "[supervisord]\n[program:a]\ncommand=x\nautorestart=sometimes\n", "program:a", "autorestart", 4, "invalid 'autorestart'"},
		{"bad exitcodes", "[supervisord]\n[program:a]\ncommand=x\nexitcodes=0,256\n", "program:a", "exitcodes", 4, "exit codes"},
		{"bad loglevel", "[supervisord]\nloglevel=warning\n", "supervisord", "loglevel", 2, "bad logging level"},
		{"numprocs template", "[supervisord]\n[program:a]\ncommand=x\nnumprocs=2\n", "program:a", "process_name", 2, "%(process_num) must be present"},
		{"stopasgroup", "[supervisord]\n[program:a]\ncommand=x\nstopasgroup=true\nkillasgroup=false\n", "program:a", "killasgroup", 5, "Cannot set stopasgroup=true and killasgroup=false"},
		{"group unknown", "[supervisord]\n[group:g]\nprograms=a\n", "group:g", "programs", 3, "names unknown program or fcgi-program a"},
		{"group ambiguous", "[supervisord]\n[group:g]\nprograms=a\n[program:a]\ncommand=x\n[fcgi-program:a]\ncommand=x\nsocket=tcp://h:1\n", "group:g", "programs", 3, "ambiguous"},
		{"bad name", "[supervisord]\n[program:a/b]\ncommand=x\n", "program:a/b", "", 2, "Invalid name: 'a/b' because of character: '/'"},
		{"listener events", "[supervisord]\n[eventlistener:l]\ncommand=x\n", "eventlistener:l", "events", 2, "requires an \"events\" line"},
		{"listener unknown event", "[supervisord]\n[eventlistener:l]\ncommand=x\nevents=TICK_5,NOPE\n", "eventlistener:l", "events", 4, "Unknown event type NOPE"},
		{"listener buffer", "[supervisord]\n[eventlistener:l]\ncommand=x\nevents=TICK_5\nbuffer_size=0\n", "eventlistener:l", "buffer_size", 5, "invalid buffer_size (0)"},
		{"listener redirect", "[supervisord]\n[eventlistener:l]\ncommand=x\nevents=TICK_5\nredirect_stderr=true\n", "eventlistener:l", "redirect_stderr", 5, "not allowed"},
		{"fcgi no socket", "[supervisord]\n[fcgi-program:f]\ncommand=x\n", "fcgi-program:f", "socket", 2, "requires a \"socket\" line"},
		{"fcgi relative", "[supervisord]\n[fcgi-program:f]\ncommand=x\nsocket=unix://x.sock\n", "fcgi-program:f", "socket", 4, "not an absolute path"},
		{"fcgi tcp mode", "[supervisord]\n[fcgi-program:f]\ncommand=x\nsocket=tcp://h:1\nsocket_mode=0700\n", "fcgi-program:f", "socket", 4, "only be used with a Unix domain socket"},
		{"fcgi bad format", "[supervisord]\n[fcgi-program:f]\ncommand=x\nsocket=udp://h:1\n", "fcgi-program:f", "socket", 4, "Bad socket format"},
		{"fcgi backlog", "[supervisord]\n[fcgi-program:f]\ncommand=x\nsocket=tcp://h:1\nsocket_backlog=0\n", "fcgi-program:f", "socket_backlog", 5, "Invalid socket_backlog"},
		{"unix no file", "[supervisord]\n[unix_http_server]\nchmod=0700\n", "unix_http_server", "", 2, "has no file value"},
		{"unix auth", "[supervisord]\n[unix_http_server]\nfile=/s\npassword=p\n", "unix_http_server", "", 2, "incomplete authentication"},
		{"unix chmod", "[supervisord]\n[unix_http_server]\nfile=/s\nchmod=9\n", "unix_http_server", "chmod", 4, "Invalid chmod value"},
		{"inet no port", "[supervisord]\n[inet_http_server]\nusername=u\npassword=p\n", "inet_http_server", "", 2, "has no port value"},
		{"inet bad port", "[supervisord]\n[inet_http_server]\nport=:70000\n", "inet_http_server", "port", 3, "1..65535"},
		{"inet empty port", "[supervisord]\n[inet_http_server]\nport=host:\n", "inet_http_server", "port", 3, "no port number"},
		{"rpc factory", "[supervisord]\n[rpcinterface:x]\nfoo=1\n", "rpcinterface:x", "", 2, "does not specify a supervisor.rpcinterface_factory"},
		{"rpc extra expanded", "[supervisord]\n[rpcinterface:x]\nsupervisor.rpcinterface_factory=a:b\nfoo=%(nope)s\n", "rpcinterface:x", "foo", 4, "cannot be expanded"},
		{"expansion error", "[supervisord]\n[program:a]\ncommand=/bin/echo 100%\n", "program:a", "command", 3, "incomplete format"},
		{"process_num before loop", "[supervisord]\n[program:a]\ncommand=x\npriority=%(process_num)d\n", "program:a", "priority", 4, "('process_num')"},
		{"own env not in itself", "[supervisord]\n[program:a]\ncommand=x\nenvironment=A=1,B=%(ENV_A)s\n", "program:a", "environment", 4, "('ENV_A')"},
		{"supervisord env twice", "[supervisord]\nenvironment=A=\"100%%\"\n", "supervisord", "environment", 2, "unsupported format character"},
		{"env pairs", "[supervisord]\n[program:a]\ncommand=x\nenvironment=A=x@y\n", "program:a", "environment", 4, "unexpected end of key/value pairs"},
		{"default position", "[DEFAULT]\nautostart=maybe\n[supervisord]\n[program:a]\ncommand=x\n", "program:a", "autostart", 2, "not a valid boolean"},
		{"critical", "[supervisord]\n[program:a]\ncommand=x\ncritical=perhaps\n", "program:a", "critical", 4, "not a valid boolean"},
		{"duplicate process", "[supervisord]\n[group:g]\nprograms=a,b\n[program:a]\ncommand=x\nprocess_name=p\n[program:b]\ncommand=x\nprocess_name=p\n", "program:b", "process_name", 7, "used twice in group"},
		{"duplicate group", "[supervisord]\n[program:x]\ncommand=x\n[eventlistener:x]\ncommand=x\nevents=TICK_5\n", "", "", 0, "also used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := loadText(t, tt.text, portable())
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("got %T %v, want *Error", err, err)
			}
			if e.Pos.File == "" || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("got %v, want %q", e, tt.msg)
			}
			if tt.line > 0 && (e.Pos.Line != tt.line || e.Section != tt.section || e.Option != tt.option) {
				t.Errorf("got line %d [%s] %s, want line %d [%s] %s (%v)", e.Pos.Line, e.Section, e.Option, tt.line, tt.section, tt.option, e)
			}
		})
	}
}

func TestExtensionsAndOrder(t *testing.T) {
	cfg, _ := mustLoad(t, `[supervisord]
log_prefix=true
[program:b]
command=x
critical=true
priority=5
[program:a]
command=x
[eventlistener:l]
command=x
events=tick_60
[fcgi-program:f]
command=x
socket=unix:///run/%(program_name)s.sock
priority=1
`)
	if !cfg.Supervisord.LogPrefix || !program(t, cfg, "b").Critical {
		t.Error("extensions not read")
	}
	var order []string
	for _, g := range cfg.Groups {
		order = append(order, g.Name)
	}
	if strings.Join(order, ",") != "l,f,b,a" {
		t.Errorf("group order %v, want by (priority, name): l(-1) f(1) b(5) a(999)", order)
	}
	l := program(t, cfg, "l")
	if l.Events[0] != "TICK_60" || l.BufferSize != 10 || l.GroupPriority != -1 || l.Priority != 999 {
		t.Errorf("listener %+v", l)
	}
	if f := program(t, cfg, "f"); f.Socket != "unix:///run/f.sock" || f.SocketMode != 0o700 || f.Kind != KindFCGIProgram {
		t.Errorf("fcgi %+v", f)
	}
}

func TestWarnings(t *testing.T) {
	cfg, _ := mustLoad(t, `[DEFAULT]
startretries=5
frobnicate=1
[supervisord]
logfile=/dev/stdout
[program:a]
command=bash -c 'foo ; bar'
stopwaitseconds=5
exitstatus=0
depends_on=b
[program:b]
command=/usr/bin/app && /usr/bin/other
stdout_logfile=/dev/stdout
[program:c]
command=/bin/c
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
[ program:d ]
command=x
`)
	var got []string
	for _, w := range cfg.Warnings {
		got = append(got, w.String())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{
		":3: [DEFAULT] frobnicate: unknown option",
		":5: [supervisord] logfile: /dev/stdout with logfile_maxbytes=52428800",
		":7: [program:a] command: the command cannot be split into words (no closing quotation): the program cannot start",
		"cut at a ' ;'",
		":8: [program:a] stopwaitseconds: unknown option stopwaitseconds, supervisord ignores it (did you mean stopwaitsecs?)",
		":9: [program:a] exitstatus: unknown option exitstatus, supervisord ignores it (did you mean exitcodes?)",
		":10: [program:a] depends_on: unknown option depends_on, supervisord ignores it (supervisord has no dependencies",
		`:12: [program:b] command: "&&" is passed to app`,
		":13: [program:b] stdout_logfile: /dev/stdout with stdout_logfile_maxbytes=52428800: supinit handles this (no rotation), supervisord fails with Illegal seek",
		"[ program:d ]: unknown section, supervisord ignores it (section names are not trimmed",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("missing warning %q in:\n%s", want, all)
		}
	}
	if strings.Count(all, "startretries") != 0 || strings.Count(all, "unknown option frobnicate") != 1 || strings.Contains(all, "[program:c] stdout_logfile") {
		t.Errorf("unexpected warnings:\n%s", all)
	}
}

package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// loadTOMLText writes text to a .toml file in a temporary folder and
// loads it (Portable, a fixed environment and host name).
func loadTOMLText(t *testing.T, text string) (*Config, string, error) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "supinit.toml")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(file, LoadOptions{Portable: true, Environ: []string{"HOME=/root", "STAGE=test"}, Hostname: "box"})
	return c, file, err
}

func findProgram(c *Config, name string) *Program {
	for _, p := range append(append([]*Program{}, c.Programs...), c.EventListeners...) {
		if p.Name == name {
			return p
		}
	}
	return nil
}

func TestTOMLFull(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "toml", "full.toml"), LoadOptions{Portable: true, Environ: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	nginx, php, redis, watch, app := findProgram(c, "nginx"), findProgram(c, "php"), findProgram(c, "redis_80"), findProgram(c, "watch"), findProgram(c, "app")
	if nginx == nil || php == nil || redis == nil || watch == nil || app == nil {
		t.Fatalf("missing processes: %+v", c.Programs)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"format", c.Format, "toml"},
		{"loglevel", c.Supervisord.Loglevel, "debug"},
		{"log_prefix", c.Supervisord.LogPrefix, true},
		{"unix file", c.UnixHTTPServer.File, "/run/supinit.sock"},
		{"unix chmod", c.UnixHTTPServer.Chmod, 0o770},
		{"inet port", c.InetHTTPServer.Port, 9001},
		{"ctl url", c.Supervisorctl.Serverurl, "unix:///run/supinit.sock"},
		{"nginx argv", strings.Join(nginx.Argv, "|"), "nginx|-g|daemon off;"},
		{"nginx command", nginx.Command, "nginx -g 'daemon off;'"},
		{"nginx group", nginx.Group, "web"},
		{"nginx group priority", nginx.GroupPriority, 10},
		{"nginx autorestart", nginx.Autorestart, AutorestartTrue},
		{"nginx critical", nginx.Critical, true},
		{"nginx startsecs", nginx.Startsecs, 1500 * time.Millisecond},
		{"nginx stopsignal", nginx.Stopsignal, syscall.SIGQUIT},
		{"nginx exitcodes", len(nginx.Exitcodes), 2},
		{"nginx stdout default", nginx.Stdout.Logfile, "/dev/stdout"},
		{"nginx stdout maxbytes default", nginx.Stdout.Maxbytes, int64(0)},
		{"nginx stderr default", nginx.Stderr.Logfile, "/dev/stderr"},
		{"php argv", strings.Join(php.Argv, "|"), "php-fpm|--nodaemonize|--fpm-config|/etc/php/fpm.conf"},
		{"php stopwaitsecs", php.Stopwaitsecs, 30 * time.Second},
		{"php umask", *php.Umask, 0o22},
		{"php env from [supervisord]", php.Environment["STAGE"], "prod-php"},
		{"php env %%", php.Environment["RATIO"], "100%"},
		{"redis processes", len(c.Programs), 2 + 4 + 1},
		{"redis command", redis.Command, "redis-server --port 6380"},
		{"redis logfile", redis.Stdout.Logfile, "/var/log/redis-80.log"},
		{"redis maxbytes", redis.Stdout.Maxbytes, int64(10 << 20)},
		{"redis stderr redirected", redis.Stderr.Logfile, LogNone},
		{"redis group priority", redis.GroupPriority, 5},
		{"watch events", strings.Join(watch.Events, ","), "PROCESS_STATE,TICK_60"},
		{"watch buffer", watch.BufferSize, 20},
		{"watch group priority", watch.GroupPriority, -1},
		{"app socket", app.Socket, "tcp://localhost:9000"},
		{"app kind", app.Kind, KindFCGIProgram},
		{"nginx line", nginx.Pos.Line, 19},
		{"nginx critical line", nginx.OptPos["critical"].Line, 22},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func TestTOMLExpansionNames(t *testing.T) {
	c, _, err := loadTOMLText(t, `
[program.x]
command = ["echo", "%(here)s", "%(host_node_name)s", "%(group_name)s", "%(ENV_STAGE)s", "%(numprocs)d"]
`)
	if err != nil {
		t.Fatal(err)
	}
	p := c.Programs[0]
	if p.Argv[1] != filepath.Dir(c.File) || p.Argv[2] != "box" || p.Argv[3] != "x" || p.Argv[4] != "test" || p.Argv[5] != "1" {
		t.Errorf("argv = %q", p.Argv)
	}
}

func TestTOMLNativeAndStringForms(t *testing.T) {
	tests := []struct {
		option, value string
		check         func(*Program) bool
	}{
		{"autostart", `false`, func(p *Program) bool { return !p.Autostart }},
		{"autostart", `"no"`, func(p *Program) bool { return !p.Autostart }},
		{"autorestart", `"unexpected"`, func(p *Program) bool { return p.Autorestart == AutorestartUnexpected }},
		{"autorestart", `false`, func(p *Program) bool { return p.Autorestart == AutorestartFalse }},
		{"startsecs", `2.5`, func(p *Program) bool { return p.Startsecs == 2500*time.Millisecond }},
		{"startsecs", `"2m"`, func(p *Program) bool { return p.Startsecs == 2*time.Minute }},
		{"startsecs", `"7"`, func(p *Program) bool { return p.Startsecs == 7*time.Second }},
		{"stopsignal", `9`, func(p *Program) bool { return p.Stopsignal == syscall.SIGKILL }},
		{"stopsignal", `"usr1"`, func(p *Program) bool { return p.Stopsignal == syscall.SIGUSR1 }},
		{"exitcodes", `"0,2"`, func(p *Program) bool { return len(p.Exitcodes) == 2 && p.Exitcodes[1] == 2 }},
		{"exitcodes", `[]`, func(p *Program) bool { return len(p.Exitcodes) == 0 }},
		{"umask", `0o027`, func(p *Program) bool { return *p.Umask == 0o27 }},
		{"user", `33`, func(p *Program) bool { return *p.User == "33" }},
		{"stdout_logfile_maxbytes", `"1GB"`, func(p *Program) bool { return p.Stdout.Maxbytes == 1<<30 }},
		{"stdout_logfile", `"/var/log/x.log"`, func(p *Program) bool { return p.Stdout.Maxbytes == 50<<20 }},
		{"stdout_logfile", `"syslog"`, func(p *Program) bool { return p.Stdout.Logfile == LogNone && p.Stdout.Syslog }},
		{"stopasgroup", `true`, func(p *Program) bool { return p.Killasgroup }},
	}
	for _, tt := range tests {
		c, _, err := loadTOMLText(t, "[program.x]\ncommand = \"x\"\n"+tt.option+" = "+tt.value+"\n")
		if err != nil {
			t.Errorf("%s = %s: %v", tt.option, tt.value, err)
			continue
		}
		if !tt.check(c.Programs[0]) {
			t.Errorf("%s = %s: got %+v", tt.option, tt.value, c.Programs[0])
		}
	}
}

func TestTOMLErrors(t *testing.T) {
	tests := []struct {
		name, text      string
		line            int
		section, option string
		msg             string
	}{
		{"syntax", "[program.x]\ncommand = \"x\nfoo", 2, "", "", "invalid TOML"},
		{"colon table", "[program:x]\n", 1, "", "", "invalid TOML"},
		{"unknown table", "[programs.x]\ncommand = \"x\"\n", 1, "programs", "", `did you mean [program]?`},
		{"unknown option", "[program.x]\ncommand = \"x\"\nautostrat = true\n", 3, "program.x", "autostrat", `did you mean "autostart"?`},
		{"type", "[program.x]\ncommand = \"x\"\nautostart = \"maybe\"\n", 3, "program.x", "autostart", "not a valid boolean"},
		{"type native", "[program.x]\ncommand = \"x\"\nstartretries = 1.5\n", 3, "program.x", "startretries", "expected an integer, found the float 1.5"},
		{"no command", "[program.x]\nautostart = true\n", 1, "program.x", "", "no command option"},
		{"bad expansion", "[program.x]\ncommand = \"%(nope)s\"\n", 2, "program.x", "command", "nope"},
		{"lone percent", "[program.x]\ncommand = \"100%\"\n", 2, "program.x", "command", "format"},
		{"numprocs", "[program.x]\ncommand = \"x\"\nnumprocs = 2\n", 1, "program.x", "process_name", "%(process_num)"},
		{"killasgroup", "[program.x]\ncommand = \"x\"\nstopasgroup = true\nkillasgroup = false\n", 4, "program.x", "killasgroup", "stopasgroup"},
		{"unknown member", "[group.g]\nprograms = [\"nope\"]\n", 2, "group.g", "programs", "unknown program"},
		{"events", "[eventlistener.e]\ncommand = \"x\"\nevents = [\"NOPE\"]\n", 3, "eventlistener.e", "events", "unknown event type NOPE"},
		{"listener redirect", "[eventlistener.e]\ncommand = \"x\"\nevents = [\"TICK_5\"]\nredirect_stderr = true\n", 4, "eventlistener.e", "redirect_stderr", "listener"},
		{"env type", "[program.x]\ncommand = \"x\"\nenvironment = { A = 1 }\n", 3, "program.x", "environment", "expected a string for A"},
		{"inline table", "program = { x = { comand = \"x\" } }\n", 1, "program.x", "comand", `did you mean "command"?`},
		{"table not a table", "program = 5\n", 1, "program", "", "expected a table"},
		{"auth", "[inet_http_server]\nport = 9001\nusername = \"u\"\n", 1, "inet_http_server", "", "incomplete authentication"},
		{"port", "[inet_http_server]\nport = \"x:0\"\n", 2, "inet_http_server", "port", "port"},
		{"loglevel", "[supervisord]\n\nloglevel = \"warning\"\n", 3, "supervisord", "loglevel", "bad logging level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, file, err := loadTOMLText(t, tt.text)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T), want an *Error", err, err)
			}
			if e.Pos.File != file || e.Pos.Line != tt.line || e.Section != tt.section || e.Option != tt.option || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("got %s (line %d, section %q, option %q)\nwant line %d, section %q, option %q, message with %q",
					e, e.Pos.Line, e.Section, e.Option, tt.line, tt.section, tt.option, tt.msg)
			}
		})
	}
}

func TestTOMLInclude(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	main := write("supinit.toml", "[include]\nfiles = [\"conf.d/*.toml\"]\n[program.a]\ncommand = \"a\"\n")
	write("conf.d/b.toml", "[program.b]\ncommand = \"b %(here)s\"\n")
	c, err := Load(main, LoadOptions{Portable: true})
	if err != nil {
		t.Fatal(err)
	}
	b := findProgram(c, "b")
	if len(c.Included) != 1 || b == nil || b.Argv[1] != filepath.Join(dir, "conf.d") || b.Pos.File != c.Included[0] {
		t.Errorf("included %v, b = %+v", c.Included, b)
	}
	write("conf.d/c.toml", "\n[program.a]\ncommand = \"again\"\n")
	_, err = Load(main, LoadOptions{Portable: true})
	var e *Error
	if !errors.As(err, &e) || e.Pos.Line != 2 || !strings.Contains(e.Msg, "already defined") {
		t.Errorf("duplicate table across files: %v", err)
	}
}

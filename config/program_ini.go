package config

import (
	"sort"
	"strings"
	"time"
)

// processes is supervisord's _processes_from_section: one *Program per
// process of a program-like section, sorted by (priority, name).
//
// The expansion names are one map that grows as supervisord's
// common_expansions does: the options read before the numprocs loop see
// here, program_name, host_node_name and group_name; inside the loop
// process_num, numprocs and the ENV_ names join (and stay for later
// options, which is why directory sees process_num), then the ENV_ names
// of the program's own environment=.
func (l *iniLoader) processes(sec *iniSection, group string, kind Kind) ([]*Program, error) {
	name, err := parseName(afterColon(sec.name))
	if err != nil {
		return nil, l.wrapErr(sec, "", err)
	}
	common := map[string]any{"here": l.here, "program_name": name, "host_node_name": l.host, "group_name": group}
	g := getter{l: l, sec: sec, extra: common}
	t, err := l.processTemplate(g)
	if err != nil {
		return nil, err
	}
	t.Kind, t.Section, t.ProgramName, t.Group = kind, sec.name, name, group
	t.Pos, t.OptPos = sec.pos, l.optPositions(sec)

	var procs []*Program
	for num := t.ProcessNum; num < t.ProcessNum+t.Numprocs; num++ {
		common["process_num"], common["numprocs"] = num, t.Numprocs
		for k, v := range l.env {
			common[k] = v
		}
		p, err := l.process(g, t, num)
		if err != nil {
			return nil, err
		}
		procs = append(procs, p)
	}
	sort.SliceStable(procs, func(i, j int) bool {
		if procs[i].Priority != procs[j].Priority {
			return procs[i].Priority < procs[j].Priority
		}
		return procs[i].Name < procs[j].Name
	})
	return procs, nil
}

// processTemplate reads the options supervisord reads once per section,
// before the numprocs loop, in its order. ProcessNum holds
// numprocs_start; Name holds the process_name template.
func (l *iniLoader) processTemplate(g getter) (*Program, error) {
	t := &Program{}
	var err error
	steps := []func() error{
		func() (err error) { t.Priority, err = conv(g, "priority", "999", parseInt); return },
		func() (err error) { t.Autostart, err = conv(g, "autostart", "true", parseBool); return },
		func() (err error) {
			t.Autorestart, err = conv(g, "autorestart", "unexpected", parseAutorestart)
			return
		},
		func() (err error) { t.Startsecs, err = conv(g, "startsecs", "1", parseSeconds); return },
		func() (err error) { t.Startretries, err = conv(g, "startretries", "3", parseInt); return },
		func() (err error) { t.Stopsignal, err = conv(g, "stopsignal", "TERM", parseSignal); return },
		func() (err error) { t.Stopwaitsecs, err = conv(g, "stopwaitsecs", "10", parseSeconds); return },
		func() (err error) { t.Stopasgroup, err = conv(g, "stopasgroup", "false", parseBool); return },
		func() (err error) {
			def := "false"
			if t.Stopasgroup {
				def = "true"
			}
			t.Killasgroup, err = conv(g, "killasgroup", def, parseBool)
			return
		},
		func() (err error) { t.Exitcodes, err = conv(g, "exitcodes", "0", parseExitcodes); return },
		func() (err error) { t.RedirectStderr, err = conv(g, "redirect_stderr", "false", parseBool); return },
		func() (err error) { t.Numprocs, err = conv(g, "numprocs", "1", parseInt); return },
		func() (err error) { t.ProcessNum, err = conv(g, "numprocs_start", "0", parseInt); return },
		func() (err error) {
			t.Stdout.CaptureMaxbytes, err = conv(g, "stdout_capture_maxbytes", "0", parseByteSize)
			return
		},
		func() (err error) {
			t.Stdout.EventsEnabled, err = conv(g, "stdout_events_enabled", "false", parseBool)
			return
		},
		func() (err error) {
			t.Stderr.CaptureMaxbytes, err = conv(g, "stderr_capture_maxbytes", "0", parseByteSize)
			return
		},
		func() (err error) {
			t.Stderr.EventsEnabled, err = conv(g, "stderr_events_enabled", "false", parseBool)
			return
		},
		func() error {
			// Unset or AUTO is supervisord's own URL; given empty, the
			// program gets no SUPERVISOR_SERVER_URL at all.
			url, ok, err := g.opt("serverurl")
			t.Serverurl = "AUTO"
			if ok && strings.ToUpper(pyStrip(url)) != "AUTO" {
				t.Serverurl = url
			}
			return err
		},
		func() error {
			user, ok, err := g.opt("user")
			if ok {
				t.User = &user
			}
			return err
		},
		func() error {
			v, ok, err := g.opt("umask")
			if err != nil || !ok {
				return err
			}
			mask, err := parseOctal(v)
			if err != nil {
				return l.wrapErr(g.sec, "umask", err)
			}
			t.Umask = &mask
			return nil
		},
		func() error {
			tmpl, _ := g.raw("process_name")
			if _, ok := g.raw("process_name"); !ok {
				tmpl = "%(program_name)s"
			}
			name, err := parseName(tmpl)
			if err != nil {
				return l.wrapErr(g.sec, "process_name", err)
			}
			t.Name, t.nameTemplate = name, name
			return nil
		},
	}
	for _, step := range steps {
		if err = step(); err != nil {
			return nil, err
		}
	}
	// A typo such as numprocs=10000000 would make supinit build millions
	// of processes before it says anything; supervisord has no limit.
	if t.Numprocs > maxNumprocs {
		return nil, l.errAt(g.sec, "numprocs", "numprocs=%d is more than supinit supports (expected at most %d)", t.Numprocs, maxNumprocs)
	}
	if t.Numprocs > 1 && !strings.Contains(t.Name, "%(process_num)") {
		return nil, l.errAt(g.sec, "process_name", "%%(process_num) must be present within process_name when numprocs > 1 (for example process_name=%%(program_name)s_%%(process_num)02d)")
	}
	if t.Stopasgroup && !t.Killasgroup {
		return nil, l.errAt(g.sec, "killasgroup", "Cannot set stopasgroup=true and killasgroup=false")
	}
	if t.Critical, err = conv(g, "critical", "false", parseBool); err != nil {
		return nil, err
	}
	return t, nil
}

// maxNumprocs is the most processes one section may ask for.
const maxNumprocs = 1000

// parseSeconds reads supervisord's integer seconds.
func parseSeconds(s string) (time.Duration, error) {
	n, err := parseInt(s)
	return time.Duration(n) * time.Second, err
}

// process reads the options supervisord reads once per process, inside
// the numprocs loop, and makes the process from the template.
func (l *iniLoader) process(g getter, t *Program, num int) (*Program, error) {
	p := *t
	p.ProcessNum = num
	p.OptPos = t.OptPos
	envText, _ := g.raw("environment")
	envText, err := g.expand("environment", envText)
	if err != nil {
		return nil, err
	}
	if p.Environment, err = parseEnvPairs(envText); err != nil {
		return nil, l.wrapErr(g.sec, "environment", err)
	}
	for k, v := range p.Environment {
		g.extra["ENV_"+k] = v
	}
	if dir, ok, err := g.opt("directory"); err != nil {
		return nil, err
	} else if ok {
		p.Directory = &dir
	}
	for _, ch := range []struct {
		name string
		lc   *LogConfig
	}{{"stdout", &p.Stdout}, {"stderr", &p.Stderr}} {
		if err := l.logChannel(g, ch.name, ch.lc); err != nil {
			return nil, err
		}
	}
	if p.RedirectStderr {
		if p.Stderr.Logfile != LogAuto && p.Stderr.Logfile != LogNone {
			l.warnAt(g.sec, "stderr_logfile", "redirect_stderr=true but stderr_logfile has also been set to a filename, the filename has been ignored")
		}
		p.Stderr.Logfile = LogNone
	}
	command, ok, err := g.opt("command")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, l.errAt(g.sec, "", "program section %s does not specify a command (expected command = /path/to/program args)", g.sec.name)
	}
	p.Command = command
	if p.Name, err = g.expand("process_name", t.Name); err != nil {
		return nil, err
	}
	argv, splitErr := splitCommand(command)
	if splitErr == nil {
		p.Argv = argv
	}
	l.warnCommand(g.sec, argv, splitErr, num == t.ProcessNum)
	return &p, nil
}

// logChannel reads one channel's log options. The logfile is expanded
// twice (once as every value, once more by supervisord's loop), so a
// literal % there is written %%%%.
func (l *iniLoader) logChannel(g getter, ch string, lc *LogConfig) error {
	key := ch + "_logfile"
	lc.Logfile = LogAuto
	if v, ok, err := g.opt(key); err != nil {
		return err
	} else if ok {
		if v, err = g.expand(key, v); err != nil {
			return err
		}
		lc.Logfile = parseLogfileName(v)
		if lc.Logfile != LogAuto && lc.Logfile != LogNone && lc.Logfile != LogSyslog {
			lc.Logfile = expandUser(lc.Logfile, l.opts)
		}
	}
	var err error
	if lc.Backups, err = conv(g, ch+"_logfile_backups", "10", parseInt); err != nil {
		return err
	}
	if lc.Maxbytes, err = conv(g, ch+"_logfile_maxbytes", "50MB", parseByteSize); err != nil {
		return err
	}
	if lc.Syslog, err = conv(g, ch+"_syslog", "false", parseBool); err != nil {
		return err
	}
	if lc.Logfile == LogSyslog {
		// supervisord rewrites the deprecated magic name into
		// <channel>_syslog=true with no log file.
		l.warnAt(g.sec, key, "%s=syslog is deprecated; use %s_syslog=true", key, ch)
		lc.Logfile, lc.Syslog = LogNone, true
	}
	l.warnDeviceLog(g.sec, key, lc.Logfile, lc.Maxbytes)
	return nil
}

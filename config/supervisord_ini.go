package config

import (
	"os"
	"os/user"
	"path/filepath"
	"strings"
)

// supervisordSection reads [supervisord] in supervisord's order (the
// first bad option in that order is the one reported). Every value is
// expanded with here and ENV_; environment= is expanded twice in 4.2.5,
// and its keys become ENV_ names for everything read afterwards.
func (l *iniLoader) supervisordSection() error {
	sec := l.doc.section("supervisord")
	g := getter{l: l, sec: sec, extra: map[string]any{"here": l.here}}
	s := &l.cfg.Supervisord
	s.Pos, s.OptPos = sec.pos, l.optPositions(sec)
	var err error
	if s.Minfds, err = conv(g, "minfds", "1024", parseInt); err != nil {
		return err
	}
	if s.Minprocs, err = conv(g, "minprocs", "200", parseInt); err != nil {
		return err
	}
	if dir, ok, err := g.opt("directory"); err != nil {
		return err
	} else if ok {
		s.Directory = expandUser(dir, l.opts)
	}
	if s.User, _, err = g.opt("user"); err != nil {
		return err
	}
	if s.Umask, err = conv(g, "umask", "022", parseOctal); err != nil {
		return err
	}
	logfile, err := g.str("logfile", "supervisord.log")
	if err != nil {
		return err
	}
	if s.LogfileMaxbytes, err = conv(g, "logfile_maxbytes", "50MB", parseByteSize); err != nil {
		return err
	}
	if s.LogfileBackups, err = conv(g, "logfile_backups", "10", parseInt); err != nil {
		return err
	}
	if s.Loglevel, err = conv(g, "loglevel", "info", parseLogLevel); err != nil {
		return err
	}
	pidfile, err := g.str("pidfile", "supervisord.pid")
	if err != nil {
		return err
	}
	if s.Identifier, err = g.str("identifier", "supervisor"); err != nil {
		return err
	}
	if s.Nodaemon, err = conv(g, "nodaemon", "false", parseBool); err != nil {
		return err
	}
	if s.Silent, err = conv(g, "silent", "false", parseBool); err != nil {
		return err
	}
	tmp := tempDir(l.opts)
	if s.Childlogdir, err = g.str("childlogdir", tmp); err != nil {
		return err
	}
	s.Childlogdir = expandUser(s.Childlogdir, l.opts)
	if s.Nocleanup, err = conv(g, "nocleanup", "false", parseBool); err != nil {
		return err
	}
	if s.StripAnsi, err = conv(g, "strip_ansi", "false", parseBool); err != nil {
		return err
	}
	if err := l.supervisordEnvironment(sec, g); err != nil {
		return err
	}
	if s.LogPrefix, err = conv(g, "log_prefix", "false", parseBool); err != nil {
		return err
	}
	// realize(): both paths are made absolute against the working
	// directory, not against the config file's folder; checkMachine
	// looks at them as written.
	s.logfileAsWritten, s.pidfileAsWritten = expandUser(logfile, l.opts), expandUser(pidfile, l.opts)
	if logfile != "syslog" {
		logfile = normalizePath(logfile, l.opts)
	}
	s.Logfile, s.Pidfile = logfile, normalizePath(pidfile, l.opts)
	l.warnDeviceLog(sec, "logfile", s.Logfile, s.LogfileMaxbytes)
	return nil
}

// supervisordEnvironment parses [supervisord] environment=: 4.2.5
// expands it once as every value, then once more with here,
// host_node_name and ENV_ (so a literal % there cannot be written).
func (l *iniLoader) supervisordEnvironment(sec *iniSection, g getter) error {
	raw, err := g.str("environment", "")
	if err != nil {
		return err
	}
	second := getter{l: l, sec: sec, extra: map[string]any{"here": l.here, "host_node_name": l.host}}
	raw, err = second.expand("environment", raw)
	if err != nil {
		return err
	}
	env, err := parseEnvPairs(raw)
	if err != nil {
		return l.wrapErr(sec, "environment", err)
	}
	l.cfg.Supervisord.Environment = env
	for k, v := range env {
		l.env["ENV_"+k] = v
	}
	return nil
}

// rpcInterfaces reads [rpcinterface:x] sections: the factory is
// required; every other option is expanded (supervisord passes them to
// the factory) so a bad % in one is an error as it is there.
func (l *iniLoader) rpcInterfaces() error {
	const key = "supervisor.rpcinterface_factory"
	for _, sec := range l.doc.sections {
		if !strings.HasPrefix(sec.name, "rpcinterface:") {
			continue
		}
		g := getter{l: l, sec: sec}
		factory, ok, err := g.opt(key)
		if err != nil {
			return err
		}
		if !ok {
			return l.errAt(sec, "", "section [%s] does not specify a %s (expected supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface)", sec.name, key)
		}
		if !entryPoint.MatchString(factory) {
			return l.errAt(sec, key, "%s cannot be resolved within [%s] (expected module:callable)", factory, sec.name)
		}
		if msg := rpcFactoryWarning(factory); msg != "" {
			l.warnAt(sec, key, "%s", msg)
		}
		for _, k := range l.doc.options(sec) {
			if _, _, err := g.opt(k); err != nil {
				return err
			}
		}
		name := strings.TrimPrefix(sec.name, "rpcinterface:")
		l.cfg.RPCInterfaces = append(l.cfg.RPCInterfaces, RPCInterface{Name: name, Factory: entryPointName(factory)})
	}
	return nil
}

// tempDir is Python's tempfile.gettempdir(): $TMPDIR, $TEMP or $TMP
// when it names a folder, else /tmp.
func tempDir(opts LoadOptions) string {
	env := envMap(opts.environ())
	for _, k := range []string{"TMPDIR", "TEMP", "TMP"} {
		if d := env[k]; d != "" {
			if opts.Portable {
				return absClean(d)
			}
			if st, err := os.Stat(d); err == nil && st.IsDir() {
				return absClean(d)
			}
		}
	}
	return "/tmp"
}

func envMap(environ []string) map[string]string {
	m := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

func absClean(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// normalizePath is supervisord's normalize_path: ~ expanded, made
// absolute against the working directory, cleaned.
func normalizePath(p string, opts LoadOptions) string {
	return absClean(expandUser(p, opts))
}

// expandUser is Python's os.path.expanduser: "~" is $HOME (or the
// current user's home), "~name" that user's home; anything else, or an
// unknown user, is unchanged.
func expandUser(p string, opts LoadOptions) string {
	if !strings.HasPrefix(p, "~") {
		return p
	}
	name, rest, _ := strings.Cut(p[1:], "/")
	var home string
	if name == "" {
		home = envMap(opts.environ())["HOME"]
		if _, ok := envMap(opts.environ())["HOME"]; !ok {
			if u, err := user.Current(); err == nil {
				home = u.HomeDir
			} else {
				return p
			}
		}
	} else {
		u, err := user.Lookup(name)
		if err != nil {
			return p
		}
		home = u.HomeDir
	}
	home = strings.TrimRight(home, "/")
	if home == "" {
		home = "/"
	}
	if !strings.Contains(p, "/") {
		return home
	}
	if home == "/" {
		return "/" + rest
	}
	return home + "/" + rest
}

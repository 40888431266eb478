package config

import (
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
)

// tomlSupervisordDefaults are supervisord's defaults for [supervisord],
// the same in both forms. Relative paths are made absolute against the
// working directory, as supervisord does.
func tomlSupervisordDefaults(opts LoadOptions) Supervisord {
	return Supervisord{
		Logfile:         normalizePath("supervisord.log", opts),
		LogfileMaxbytes: 50 << 20,
		LogfileBackups:  10,
		Loglevel:        "info",
		Pidfile:         normalizePath("supervisord.pid", opts),
		Umask:           0o022,
		Minfds:          1024,
		Minprocs:        200,
		Childlogdir:     tempDir(opts),
		Environment:     map[string]string{},
		Identifier:      "supervisor",
	}
}

// supervisord reads [supervisord] (optional in the TOML form) and adds its
// environment to the ENV_X expansions of every table read after it.
func (r *tomlReader) supervisord() (Supervisord, error) {
	sv := tomlSupervisordDefaults(r.opts)
	s := r.single["supervisord"]
	if s == nil {
		return sv, nil
	}
	if err := s.checkKeys(tomlSupervisordOptions); err != nil {
		return sv, err
	}
	v := &tomlValues{s: s, names: r.names(filepath.Dir(s.file.path))}
	sv.Pos, sv.OptPos = s.pos(), s.optPositions()
	// checkMachine looks at the two paths as written, before they are
	// made absolute.
	if v.str(&sv.Logfile, "logfile") && sv.Logfile != "syslog" {
		sv.logfileAsWritten = expandUser(sv.Logfile, r.opts)
		sv.Logfile = normalizePath(sv.Logfile, r.opts)
	}
	v.size(&sv.LogfileMaxbytes, "logfile_maxbytes")
	v.integer(&sv.LogfileBackups, "logfile_backups")
	if v.str(&sv.Loglevel, "loglevel") {
		level, err := parseLogLevel(sv.Loglevel)
		if err != nil {
			v.fail("loglevel", err)
		}
		sv.Loglevel = level
	}
	if v.str(&sv.Pidfile, "pidfile") {
		sv.pidfileAsWritten = expandUser(sv.Pidfile, r.opts)
		sv.Pidfile = normalizePath(sv.Pidfile, r.opts)
	}
	v.octal(&sv.Umask, "umask")
	v.boolean(&sv.Nodaemon, "nodaemon")
	v.boolean(&sv.Silent, "silent")
	v.integer(&sv.Minfds, "minfds")
	v.integer(&sv.Minprocs, "minprocs")
	v.boolean(&sv.Nocleanup, "nocleanup")
	if v.str(&sv.Childlogdir, "childlogdir") {
		sv.Childlogdir = expandUser(sv.Childlogdir, r.opts)
	}
	v.textOrInt(&sv.User, "user", "a user name or a numeric uid")
	if v.str(&sv.Directory, "directory") {
		sv.Directory = expandUser(sv.Directory, r.opts)
	}
	v.boolean(&sv.StripAnsi, "strip_ansi")
	v.environment(&sv.Environment, "environment")
	v.str(&sv.Identifier, "identifier")
	v.boolean(&sv.LogPrefix, "log_prefix")
	for k, val := range sv.Environment {
		r.env["ENV_"+k] = val
	}
	return sv, v.err
}

// textOrInt reads a string, or a TOML integer taken as its decimal text
// (a numeric uid, a port number).
func (v *tomlValues) textOrInt(dst *string, option, want string) bool {
	return scalar(v, dst, option, want, func(x any) (string, bool, error) {
		n, ok := x.(int64)
		return strconv.FormatInt(n, 10), ok, nil
	}, func(s string) (string, error) { return s, nil })
}

// servers reads [unix_http_server], [inet_http_server] and
// [supervisorctl].
func (r *tomlReader) servers(c *Config) error {
	if s := r.single["unix_http_server"]; s != nil {
		if err := s.checkKeys(tomlUnixHTTPServerOptions); err != nil {
			return err
		}
		u := &UnixHTTPServer{Chmod: 0o700, Pos: s.pos(), OptPos: s.optPositions()}
		v := &tomlValues{s: s, names: r.names(filepath.Dir(s.file.path))}
		if !v.str(&u.File, "file") && v.err == nil {
			return s.errorf("", nil, "no file option (expected file = the socket path)")
		}
		u.File = normalizePath(pyStrip(u.File), r.opts)
		v.octal(&u.Chmod, "chmod")
		if v.str(&u.Chown, "chown") && checkUserGroupSyntax(u.Chown) != nil {
			return s.errorf("chown", nil, "invalid chown value %q (expected user or user:group)", u.Chown)
		}
		if err := v.credentials(&u.Username, &u.Password); err != nil {
			return err
		}
		c.UnixHTTPServer = u
	}
	if s := r.single["inet_http_server"]; s != nil {
		if err := s.checkKeys(tomlInetHTTPServerOptions); err != nil {
			return err
		}
		in := &InetHTTPServer{Pos: s.pos()}
		v := &tomlValues{s: s, names: r.names(filepath.Dir(s.file.path))}
		var port string
		if !v.textOrInt(&port, "port", `a port number or "host:port"`) && v.err == nil {
			return s.errorf("", nil, "no port option (expected port = 9001 or \"host:port\")")
		}
		if v.err == nil {
			host, n, err := parseInetAddress(port)
			if err != nil {
				v.fail("port", err)
			}
			in.Host, in.Port = host, n
		}
		if err := v.credentials(&in.Username, &in.Password); err != nil {
			return err
		}
		c.InetHTTPServer = in
	}
	if s := r.single["supervisorctl"]; s != nil {
		if err := s.checkKeys(tomlSupervisorctlOptions); err != nil {
			return err
		}
		ctl := &Supervisorctl{Serverurl: "http://localhost:9001", Prompt: "supervisor"}
		v := &tomlValues{s: s, names: r.names(filepath.Dir(s.file.path))}
		v.str(&ctl.Serverurl, "serverurl")
		v.str(&ctl.Username, "username")
		v.str(&ctl.Password, "password")
		v.str(&ctl.Prompt, "prompt")
		v.str(&ctl.HistoryFile, "history_file")
		if v.err != nil {
			return v.err
		}
		if path, ok := strings.CutPrefix(ctl.Serverurl, "unix://"); ok {
			ctl.Serverurl = "unix://" + normalizePath(path, r.opts)
		} else if u, err := url.Parse(ctl.Serverurl); err != nil || u.Scheme == "" || (u.Host == "" && u.Path == "") {
			return s.errorf("serverurl", err, "%q is not a URL (expected unix:///path or http://host:port)", ctl.Serverurl)
		}
		if ctl.HistoryFile != "" {
			ctl.HistoryFile = normalizePath(ctl.HistoryFile, r.opts)
		}
		c.Supervisorctl = ctl
	}
	return nil
}

// credentials reads username and password, which come both or neither.
func (v *tomlValues) credentials(user, password *string) error {
	hasUser := v.str(user, "username")
	hasPassword := v.str(password, "password")
	if v.err == nil && hasUser != hasPassword {
		return v.s.errorf("", nil, "incomplete authentication: give both username and password, or neither")
	}
	return v.err
}

// rpcInterface reads [rpcinterface.x]. supinit always serves the
// supervisor namespace; the table is kept so `check` can report it.
func (r *tomlReader) rpcInterface(s *tomlSection) (RPCInterface, error) {
	if err := s.checkKeys(tomlRPCInterfaceOptions); err != nil {
		return RPCInterface{}, err
	}
	rpc := RPCInterface{Name: s.key[1]}
	v := &tomlValues{s: s, names: r.names(filepath.Dir(s.file.path))}
	if !v.str(&rpc.Factory, rpcFactoryKey) && v.err == nil {
		return rpc, s.errorf("", nil, "no %q option", rpcFactoryKey)
	}
	if v.err == nil && !entryPoint.MatchString(rpc.Factory) {
		return rpc, s.errorf(rpcFactoryKey, nil, "%s cannot be resolved (expected module:callable)", rpc.Factory)
	}
	if v.err != nil {
		return rpc, v.err
	}
	if msg := rpcFactoryWarning(rpc.Factory); msg != "" {
		s.warnf(rpcFactoryKey, "%s", msg)
	}
	rpc.Factory = entryPointName(rpc.Factory)
	return rpc, nil
}

package config

import (
	"fmt"
	"net/url"
	"strings"
)

// httpServers reads [inet_http_server*] then [unix_http_server*] sections
// (matched by prefix, as supervisord does). Their values get ENV_ only;
// the unix file also gets here.
func (l *iniLoader) httpServers() error {
	for _, sec := range l.doc.sections {
		if !strings.HasPrefix(sec.name, "inet_http_server") {
			continue
		}
		g := getter{l: l, sec: sec}
		user, pass, err := l.serverAuth(sec, g)
		if err != nil {
			return err
		}
		port, ok, err := g.opt("port")
		if err != nil {
			return err
		}
		if !ok {
			return l.errAt(sec, "", "section [%s] has no port value (expected port = host:port or port)", sec.name)
		}
		host, n, err := parseInetAddress(port)
		if err != nil {
			return l.wrapErr(sec, "port", err)
		}
		if l.cfg.InetHTTPServer != nil {
			l.warnAt(sec, "", "a second inet HTTP server; supinit serves only the first ([%s])", "inet_http_server")
			continue
		}
		l.cfg.InetHTTPServer = &InetHTTPServer{Host: host, Port: n, Username: user, Password: pass, Pos: sec.pos}
	}
	for _, sec := range l.doc.sections {
		if !strings.HasPrefix(sec.name, "unix_http_server") {
			continue
		}
		g := getter{l: l, sec: sec}
		withHere := getter{l: l, sec: sec, extra: map[string]any{"here": l.here}}
		file, ok, err := withHere.opt("file")
		if err != nil {
			return err
		}
		if !ok {
			return l.errAt(sec, "", "section [%s] has no file value (expected file = the socket path)", sec.name)
		}
		user, pass, err := l.serverAuth(sec, g)
		if err != nil {
			return err
		}
		srv := &UnixHTTPServer{File: normalizePath(pyStrip(file), l.opts), Chmod: 0o700, Username: user, Password: pass, Pos: sec.pos, OptPos: l.optPositions(sec)}
		if chown, ok, err := g.opt("chown"); err != nil {
			return err
		} else if ok {
			if err := checkUserGroupSyntax(chown); err != nil {
				return l.errAt(sec, "chown", "Invalid sockchown value %s (expected user or user:group)", chown)
			}
			srv.Chown = chown
		}
		if chmod, ok, err := g.opt("chmod"); err != nil {
			return err
		} else if ok {
			if srv.Chmod, err = parseOctal(chmod); err != nil {
				return l.errAt(sec, "chmod", "Invalid chmod value %s (expected an octal mode such as 0700)", chmod)
			}
		}
		if l.cfg.UnixHTTPServer != nil {
			l.warnAt(sec, "", "a second unix HTTP server; supinit serves only the first")
			continue
		}
		l.cfg.UnixHTTPServer = srv
	}
	return nil
}

// serverAuth reads username and password: both or neither.
func (l *iniLoader) serverAuth(sec *iniSection, g getter) (user, pass string, err error) {
	user, hasUser, err := g.opt("username")
	if err != nil {
		return "", "", err
	}
	pass, hasPass, err := g.opt("password")
	if err != nil {
		return "", "", err
	}
	if hasUser != hasPass {
		return "", "", l.errAt(sec, "", "Section [%s] contains incomplete authentication: If a username or a password is specified, both the username and password must be specified", sec.name)
	}
	return user, pass, nil
}

// checkUserGroupSyntax accepts "user" or "user:group"; whether they exist
// is finish's machine-dependent check.
func checkUserGroupSyntax(s string) error {
	u, _, _ := strings.Cut(s, ":")
	if u == "" {
		return fmt.Errorf("empty user name")
	}
	return nil
}

// supervisorctlSection reads [supervisorctl] as supervisorctl does: from
// the main file alone, with ENV_ names of the environment only (not
// [supervisord] environment=). supervisord itself never reads this
// section, so nothing here may reject the file: problems become warnings
// (supervisorctl would stop on them).
func (l *iniLoader) supervisorctlSection() error {
	ctlView := *l // the same loader, reading supervisorctl's file and names
	ctlView.doc, ctlView.env = l.ctl.doc, l.ctl.env
	l = &ctlView
	sec := l.doc.section("supervisorctl")
	if sec == nil {
		return nil
	}
	ctl := &Supervisorctl{Serverurl: "http://localhost:9001", Prompt: "supervisor"}
	read := func(key string, here bool, dst *string) {
		g := getter{l: l, sec: sec}
		if here {
			g.extra = map[string]any{"here": l.here}
		}
		v, ok, err := g.opt(key)
		if err != nil {
			l.warnAt(sec, key, "supervisorctl would stop on this: %v", errMsg(err))
			return
		}
		if ok {
			*dst = v
		}
	}
	read("serverurl", true, &ctl.Serverurl)
	read("username", false, &ctl.Username)
	read("password", false, &ctl.Password)
	read("prompt", false, &ctl.Prompt)
	read("history_file", true, &ctl.HistoryFile)
	if strings.HasPrefix(ctl.Serverurl, "unix://") {
		ctl.Serverurl = "unix://" + normalizePath(ctl.Serverurl[len("unix://"):], l.opts)
	} else if u, err := url.Parse(ctl.Serverurl); err != nil || u.Scheme == "" || (u.Host == "" && u.Path == "") {
		l.warnAt(sec, "serverurl", "value %s is not a URL (supervisorctl expects unix:///path or http://host:port)", pyRepr(ctl.Serverurl))
	}
	if ctl.HistoryFile != "" {
		ctl.HistoryFile = normalizePath(ctl.HistoryFile, l.opts)
	}
	l.cfg.Supervisorctl = ctl
	return nil
}

// errMsg is an error's message without the position an *Error adds.
func errMsg(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Msg
	}
	return err.Error()
}

package config

import (
	"fmt"
	"os"
	"os/user"
	"strconv"
	"strings"
)

// checkMachine is the part of finish that looks at this machine, as
// supervisord does while it reads the file: every user= (program,
// [supervisord], fcgi socket_owner, unix_http_server chown) exists
// ("Invalid user name x"), the folder named in every log file path and in
// the pid file exists, and childlogdir and [supervisord] directory, when
// given, are folders (an empty value is not).
func (c *Config) checkMachine() error {
	s := &c.Supervisord
	fail := func(pos Position, section, option, msg string) error {
		return &Error{Pos: pos, Section: section, Option: option, Msg: msg}
	}
	// Directory is "" when unset; OptPos tells an empty value given in
	// the file apart, which supervisord rejects. The order of the checks
	// is supervisord's, so the same problem is reported first.
	folder := func(key, path string) error {
		if _, given := s.OptPos[key]; (given || path != "") && !isDir(path) {
			return fail(optPos(s.OptPos, key, s.Pos), "supervisord", key, notADirectory(path))
		}
		return nil
	}
	if err := folder("directory", s.Directory); err != nil {
		return err
	}
	if s.User != "" {
		if err := lookupUser(s.User); err != nil {
			return fail(optPos(s.OptPos, "user", s.Pos), "supervisord", "user", err.Error())
		}
	}
	for _, f := range []struct{ key, path string }{{"logfile", s.logfileAsWritten}, {"pidfile", s.pidfileAsWritten}} {
		if f.path != "syslog" && !dirOfExists(f.path) {
			return fail(optPos(s.OptPos, f.key, s.Pos), "supervisord", f.key, noFolderOf(f.path))
		}
	}
	if err := folder("childlogdir", s.Childlogdir); err != nil {
		return err
	}
	for _, list := range [][]*Program{c.Programs, c.EventListeners} {
		for _, p := range list {
			if p.User != nil {
				if err := lookupUser(*p.User); err != nil {
					return fail(optPos(p.OptPos, "user", p.Pos), p.Section, "user", err.Error())
				}
			}
			if p.SocketOwner != "" {
				if err := lookupUserGroup(p.SocketOwner); err != nil {
					return fail(optPos(p.OptPos, "socket_owner", p.Pos), p.Section, "socket_owner", "Invalid socket_owner value "+p.SocketOwner+": "+err.Error())
				}
			}
			for _, ch := range []struct {
				key string
				lc  LogConfig
			}{{"stdout_logfile", p.Stdout}, {"stderr_logfile", p.Stderr}} {
				switch ch.lc.Logfile {
				case LogAuto, LogNone, LogSyslog:
					continue
				}
				if !dirOfExists(ch.lc.Logfile) {
					return fail(optPos(p.OptPos, ch.key, p.Pos), p.Section, ch.key, noFolderOf(ch.lc.Logfile))
				}
			}
		}
	}
	if u := c.UnixHTTPServer; u != nil && u.Chown != "" {
		if err := lookupUserGroup(u.Chown); err != nil {
			return fail(optPos(u.OptPos, "chown", u.Pos), "unix_http_server", "chown", "Invalid sockchown value "+u.Chown+": "+err.Error())
		}
	}
	return nil
}

// notADirectory is supervisord's existing_directory error.
func notADirectory(p string) string {
	msg := p + " is not an existing directory"
	if p == "" {
		msg = "the value is empty, and supervisord rejects it with \"" + msg + "\" (remove the option or name a folder)"
	}
	return msg
}

// noFolderOf is supervisord's existing_dirpath error.
func noFolderOf(p string) string {
	return "The directory named as part of the path " + p + " does not exist"
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// dirOfExists is supervisord's existing_dirpath: the folder part of p, as
// Python's os.path.dirname gives it, must exist; a path without one is
// fine.
func dirOfExists(p string) bool {
	dir := pyDirname(p)
	return dir == "" || isDir(dir)
}

// pyDirname is Python's os.path.dirname: everything before the last '/',
// with trailing slashes removed unless it is all slashes. Unlike
// filepath.Dir it does not clean the path: "a/../b.log" gives "a/..",
// which does not exist when a does not.
func pyDirname(p string) string {
	head := p[:strings.LastIndexByte(p, '/')+1]
	if trimmed := strings.TrimRight(head, "/"); trimmed != "" {
		return trimmed
	}
	return head
}

// lookupUser is supervisord's name_to_uid: a number must be a known uid,
// a name a known user.
func lookupUser(name string) error {
	if n, err := pythonInt(name, 10); err == nil {
		if _, err := user.LookupId(strconv.Itoa(n)); err != nil {
			return fmt.Errorf("Invalid user id %s", name)
		}
		return nil
	}
	if _, err := user.Lookup(name); err != nil {
		return fmt.Errorf("Invalid user name %s", name)
	}
	return nil
}

func lookupUserGroup(s string) error {
	u, g, hasGroup := strings.Cut(s, ":")
	if err := lookupUser(u); err != nil {
		return err
	}
	if !hasGroup {
		return nil
	}
	if n, err := pythonInt(g, 10); err == nil {
		if _, err := user.LookupGroupId(strconv.Itoa(n)); err != nil {
			return fmt.Errorf("Invalid group id %s", g)
		}
		return nil
	}
	if _, err := user.LookupGroup(g); err != nil {
		return fmt.Errorf("Invalid group name %s", g)
	}
	return nil
}

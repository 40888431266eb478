package config

import (
	"fmt"
	"sort"
)

// ApplyOverrides sets [supervisord] options from supervisord's command
// line (-l, -e, -j, …), which win over the file. As in supervisord the
// values are parsed with the option's type but not %-expanded; paths are
// made absolute against the working directory. Keys are the option names
// (logfile, loglevel, …); an error names the option as a command-line
// flag.
func ApplyOverrides(c *Config, overrides map[string]string, opts LoadOptions) error {
	keys := make([]string, 0, len(overrides))
	for k := range overrides {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic: the first bad option is always the same one
	s := &c.Supervisord
	for _, key := range keys {
		v := overrides[key]
		var err error
		switch key {
		case "nodaemon":
			s.Nodaemon, err = parseBool(v)
		case "silent":
			s.Silent, err = parseBool(v)
		case "nocleanup":
			s.Nocleanup, err = parseBool(v)
		case "strip_ansi":
			s.StripAnsi, err = parseBool(v)
		case "user":
			s.User = v
		case "umask":
			s.Umask, err = parseOctal(v)
		case "directory":
			s.Directory = expandUser(v, opts)
		case "logfile":
			s.Logfile = v
			if v != "syslog" {
				s.Logfile = normalizePath(expandUser(v, opts), opts)
			}
		case "logfile_maxbytes":
			s.LogfileMaxbytes, err = parseByteSize(v)
		case "logfile_backups":
			s.LogfileBackups, err = parseInt(v)
		case "loglevel":
			s.Loglevel, err = parseLogLevel(v)
		case "pidfile":
			s.Pidfile = normalizePath(expandUser(v, opts), opts)
		case "identifier":
			s.Identifier = v
		case "childlogdir":
			s.Childlogdir = expandUser(v, opts)
		case "minfds":
			s.Minfds, err = parseInt(v)
		case "minprocs":
			s.Minprocs, err = parseInt(v)
		default:
			err = fmt.Errorf("not an option of [supervisord]")
		}
		if err != nil {
			return &Error{Pos: Position{File: "command line"}, Option: "--" + key, Msg: err.Error(), Err: err}
		}
	}
	return nil
}

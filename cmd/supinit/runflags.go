package main

import (
	"fmt"
	"strings"
)

// runFlags are the options of `supinit run` and of the binary called as
// supervisord: supervisord's own (they override the config file, as in
// supervisord) plus supinit's --prefix and --log-format.
type runFlags struct {
	configFile string
	overrides  map[string]string // [supervisord] option name → value from the command line
	prefix     bool
	logFormat  string   // "text" or "json"
	main       []string // the command after "--"
	help       bool
	version    bool
}

// runOption describes one supervisord command-line option.
type runOption struct {
	short, long string
	takesValue  bool
	setting     string // the [supervisord] option it overrides ("" for none)
}

// runOptions mirrors supervisord 4.2.5's ServerOptions (reference §0).
var runOptions = []runOption{
	{"c", "configuration", true, ""},
	{"n", "nodaemon", false, "nodaemon"},
	{"s", "silent", false, "silent"},
	{"u", "user", true, "user"},
	{"m", "umask", true, "umask"},
	{"d", "directory", true, "directory"},
	{"l", "logfile", true, "logfile"},
	{"y", "logfile_maxbytes", true, "logfile_maxbytes"},
	{"z", "logfile_backups", true, "logfile_backups"},
	{"e", "loglevel", true, "loglevel"},
	{"j", "pidfile", true, "pidfile"},
	{"i", "identifier", true, "identifier"},
	{"q", "childlogdir", true, "childlogdir"},
	{"k", "nocleanup", false, "nocleanup"},
	{"a", "minfds", true, "minfds"},
	{"t", "strip_ansi", false, "strip_ansi"},
	{"", "minprocs", true, "minprocs"},
	{"", "profile_options", true, ""},
	{"v", "version", false, ""},
	{"h", "help", false, ""},
	{"", "prefix", false, ""},
	{"", "log-format", true, ""},
}

// parseRunFlags reads args getopt-style, as supervisord does: short
// options may be bundled (-nc FILE) or take their value attached
// (-cFILE); long options take "=value" or the next argument and may be
// abbreviated to any unique prefix. Everything after "--" is the main
// command.
func parseRunFlags(args []string) (*runFlags, error) {
	f := &runFlags{overrides: map[string]string{}, logFormat: "text"}
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() (string, error) {
			if i+1 >= len(args) {
				return "", fmt.Errorf("option %s requires an argument", a)
			}
			i++
			return args[i], nil
		}
		switch {
		case a == "--":
			f.main = args[i+1:]
			if len(f.main) == 0 {
				return nil, fmt.Errorf("-- must be followed by a command")
			}
			return f, nil
		case strings.HasPrefix(a, "--"):
			name, val, hasVal := strings.Cut(a[2:], "=")
			opt, err := longOption(name)
			if err != nil {
				return nil, err
			}
			if opt.takesValue && !hasVal {
				if val, err = next(); err != nil {
					return nil, err
				}
			} else if !opt.takesValue && hasVal {
				return nil, fmt.Errorf("option --%s must not have an argument", opt.long)
			}
			if err := f.set(opt, val); err != nil {
				return nil, err
			}
		case strings.HasPrefix(a, "-") && len(a) > 1:
			for j := 1; j < len(a); j++ {
				opt, ok := shortOption(a[j])
				if !ok {
					return nil, fmt.Errorf("option -%c not recognized", a[j])
				}
				val := ""
				if opt.takesValue {
					if j+1 < len(a) {
						val = a[j+1:]
					} else {
						var err error
						if val, err = next(); err != nil {
							return nil, err
						}
					}
					j = len(a)
				}
				if err := f.set(opt, val); err != nil {
					return nil, err
				}
			}
		default:
			// supervisord: "positional arguments are not supported".
			return nil, fmt.Errorf("positional arguments are not supported: %q (use -- before a command)", a)
		}
	}
	return f, nil
}

func shortOption(c byte) (runOption, bool) {
	for _, o := range runOptions {
		if o.short == string(c) {
			return o, true
		}
	}
	return runOption{}, false
}

// longOption finds a long option by its name or a unique prefix of it.
func longOption(name string) (runOption, error) {
	var found []runOption
	for _, o := range runOptions {
		if o.long == name {
			return o, nil
		}
		if o.long != "" && strings.HasPrefix(o.long, name) {
			found = append(found, o)
		}
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return runOption{}, fmt.Errorf("option --%s not recognized", name)
	}
	return runOption{}, fmt.Errorf("option --%s not a unique prefix", name)
}

func (f *runFlags) set(o runOption, val string) error {
	switch o.long {
	case "configuration":
		f.configFile = val
	case "help":
		f.help = true
	case "version":
		f.version = true
	case "prefix":
		f.prefix = true
	case "log-format":
		if val != "text" && val != "json" {
			return fmt.Errorf("--log-format must be text or json, not %q", val)
		}
		f.logFormat = val
	case "profile_options":
		// Python profiling has no meaning here; accepted so scripts keep working.
	default:
		if !o.takesValue {
			val = "true"
		}
		f.overrides[o.setting] = val
	}
	return nil
}

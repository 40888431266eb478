package control

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ctlOptions are supervisorctl's settings after the command line, the
// config file and the defaults (in that priority).
type ctlOptions struct {
	configFile  string
	interactive bool
	serverURL   string
	username    *string
	password    *string
	prompt      string
	historyFile string
	command     []string
}

const ctlUsage = `%s -- control the programs of a supinit (or supervisord) server.

Usage: %s [options] [action [arguments]]

Options:
-c/--configuration FILENAME -- configuration file path (searches if not given)
-h/--help -- print usage message and exit
-i/--interactive -- start an interactive shell after executing commands
-s/--serverurl URL -- URL on which the server is listening
     (default "http://localhost:9001").
-u/--username USERNAME -- username to use for authentication with server
-p/--password PASSWORD -- password to use for authentication with server
-r/--history-file -- keep a readline history (accepted, not kept)

action [arguments] -- see below

Actions are commands like "tail" or "stop".  If -i is specified or no action is
specified on the command line, a "shell" interpreting actions typed
interactively is started.  Use the action "help" to find out about available
actions.
`

// parseCtlArgs parses like Python's getopt (options stop at the first
// non-option; long options may be abbreviated), then reads the config.
// code >= 0 means Ctl is done (after -h); err is a usage error.
func parseCtlArgs(args []string, env ctlEnv) (*ctlOptions, int, error) {
	o := &ctlOptions{}
	seen := map[string]bool{}
	set := func(opt, key string) error {
		if seen[key] {
			return fmt.Errorf("conflicting command line option %s", pyRepr(opt))
		}
		seen[key] = true
		return nil
	}
	var userFlag, passFlag *string
	i := 0
	for ; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			i++
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			break
		}
		var pairs [][2]string // option, value
		if strings.HasPrefix(a, "--") {
			name, val, hasVal := strings.Cut(a[2:], "=")
			full, err := matchLong(name)
			if err != nil {
				return nil, 0, err
			}
			takes := strings.HasSuffix(full, "=")
			full = strings.TrimSuffix(full, "=")
			switch {
			case takes && !hasVal:
				if i+1 >= len(args) {
					return nil, 0, fmt.Errorf("option --%s requires argument", full)
				}
				i++
				val = args[i]
			case !takes && hasVal:
				return nil, 0, fmt.Errorf("option --%s must not have an argument", full)
			}
			pairs = append(pairs, [2]string{"--" + full, val})
		} else {
			for j := 1; j < len(a); j++ {
				ch := a[j]
				switch ch {
				case 'h', '?', 'i':
					pairs = append(pairs, [2]string{"-" + string(ch), ""})
				case 'c', 's', 'u', 'p', 'r':
					val := a[j+1:]
					if val == "" {
						if i+1 >= len(args) {
							return nil, 0, fmt.Errorf("option -%c requires argument", ch)
						}
						i++
						val = args[i]
					}
					pairs = append(pairs, [2]string{"-" + string(ch), val})
					j = len(a)
				default:
					return nil, 0, fmt.Errorf("option -%c not recognized", ch)
				}
			}
		}
		for _, p := range pairs {
			opt, val := p[0], p[1]
			var err error
			switch opt {
			case "-h", "-?", "--help":
				fmt.Fprint(env.stdout, strings.ReplaceAll(ctlUsage, "%s", env.progname)+"\n")
				return nil, exitOK, nil
			case "-c", "--configuration":
				err = set(opt, "c")
				o.configFile = val
			case "-i", "--interactive":
				err = set(opt, "i")
				o.interactive = true
			case "-s", "--serverurl":
				err = set(opt, "s")
				if err == nil && !looksLikeURL(val) {
					err = fmt.Errorf("invalid value for %s %s: value %s is not a URL", opt, pyRepr(val), pyRepr(val))
				}
				o.serverURL = val
			case "-u", "--username":
				err = set(opt, "u")
				v := val
				userFlag = &v
			case "-p", "--password":
				err = set(opt, "p")
				v := val
				passFlag = &v
			case "-r", "--history_file":
				err = set(opt, "r")
				o.historyFile = val
			}
			if err != nil {
				return nil, 0, err
			}
		}
	}
	o.command = args[i:]
	if len(o.command) == 0 {
		o.interactive = true
	}
	if err := o.readConfig(env); err != nil {
		return nil, 0, err
	}
	if userFlag != nil {
		o.username = userFlag
	}
	if passFlag != nil {
		o.password = passFlag
	}
	return o, -1, nil
}

// readConfig fills in what the command line left unset from the config
// file: the one given with -c, else the first of supervisorctl's search
// paths that exists (no file at all is fine).
func (o *ctlOptions) readConfig(env ctlEnv) error {
	path := o.configFile
	if path == "" {
		here := filepath.Dir(filepath.Dir(env.argv0))
		for _, p := range []string{
			filepath.Join(here, "etc", "supervisord.conf"),
			filepath.Join(here, "supervisord.conf"),
			"supervisord.conf",
			"etc/supervisord.conf",
			"/etc/supervisord.conf",
			"/etc/supervisor/supervisord.conf",
		} {
			if _, err := os.Stat(p); err == nil {
				path = p
				break
			}
		}
	}
	o.prompt = "supervisor"
	cfgURL := ""
	if path != "" {
		cfg, err := readCtlConfig(path, env.environ)
		if err != nil {
			return err
		}
		o.username, o.password, o.prompt = cfg.username, cfg.password, cfg.prompt
		if o.historyFile == "" {
			o.historyFile = cfg.historyFile
		}
		cfgURL = cfg.serverURL
		if cfgURL == "" {
			// supinit's one deviation: a config whose [supervisorctl] names
			// no server reaches the server the same file configures.
			cfgURL = cfg.fallbackURL
		}
	}
	if o.serverURL == "" {
		o.serverURL = cfgURL
	}
	if o.serverURL == "" {
		o.serverURL = defaultServerURL
	}
	return nil
}

// matchLong resolves a long option or an unambiguous prefix of one; a
// trailing "=" on the result means it takes a value.
func matchLong(name string) (string, error) {
	var found []string
	for _, l := range []string{"help", "configuration=", "interactive", "serverurl=", "username=", "password=", "history_file="} {
		bare := strings.TrimSuffix(l, "=")
		if bare == name {
			return l, nil
		}
		if strings.HasPrefix(bare, name) {
			found = append(found, l)
		}
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("option --%s not recognized", name)
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("option --%s not a unique prefix", name)
}

// looksLikeURL is supervisord's url datatype: a scheme and something
// after it.
func looksLikeURL(v string) bool {
	scheme, rest, ok := strings.Cut(v, ":")
	if !ok || scheme == "" || rest == "" {
		return false
	}
	for i, r := range scheme {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		if !letter && (i == 0 || !(r >= '0' && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return false
		}
	}
	return strings.TrimLeft(rest, "/") != "" || strings.HasPrefix(rest, "//")
}

package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/control"
	supervisor "github.com/supinit/supinit/init"
)

const runUsage = `Usage: supinit [run] [options] [-- CMD ARGS...]

Runs as the container's PID 1 (it never daemonizes). With a config it
supervises its programs; with -- CMD it also runs CMD as the critical
program "main" and exits with its code. With -- CMD and no -c, it is a
tini-like init for CMD alone.

Options (supervisord's; they override the config file):
  -c/--configuration FILE   the config file (INI, or TOML when it ends in .toml)
  -n/--nodaemon             accepted; supinit always runs in the foreground
  -s/--silent               do not echo supinit's log to stdout
  -u/--user USER            [supervisord] user
  -m/--umask UMASK          [supervisord] umask (octal)
  -d/--directory DIR        [supervisord] directory
  -l/--logfile FILE         supinit's own log file (/dev/stdout works)
  -y/--logfile_maxbytes N   rotate supinit's log at N bytes (0: never)
  -z/--logfile_backups N    rotated copies to keep
  -e/--loglevel LEVEL       critical, error, warn, info, debug, trace or blather
  -j/--pidfile FILE         pid file
  -i/--identifier STR       identifier (getIdentification, AUTO log names)
  -q/--childlogdir DIR      where AUTO log files go
  -k/--nocleanup            keep old AUTO log files
  -a/--minfds N             [supervisord] minfds
  -t/--strip_ansi           strip ANSI escapes from program output
  --minprocs N              [supervisord] minprocs
supinit's own:
  --prefix                  put "name | " before each program line on the container's streams
  --log-format text|json    supinit's own log format (default: text, as supervisord's)
  -v/--version, -h/--help
`

// runCmd is `supinit run`, the default command, and the binary called as
// supervisord.
func runCmd(args []string, stdout, stderr io.Writer) int {
	f, err := parseRunFlags(args)
	if err != nil {
		// supervisord's usage error format and status.
		fmt.Fprintf(stderr, "Error: %v\nFor help, use %s -h\n", err, progName())
		return 2
	}
	switch {
	case f.help:
		fmt.Fprint(stdout, runUsage)
		return 0
	case f.version:
		fmt.Fprintln(stdout, version)
		return 0
	}

	path := f.configFile
	if path == "" {
		if len(f.main) > 0 {
			// `supinit -- CMD` is single-command mode (tini -g), even when
			// the image happens to have a supervisord.conf: sidecars are
			// asked for with -c FILE -- CMD.
			return supervisor.RunSingle(f.main, os.Stdout, os.Stderr)
		}
		found, err := config.Find(os.Args[0])
		if err != nil {
			fmt.Fprintf(stderr, "supinit: %v\n(give a config with -c FILE, or a command after --)\n", err)
			return 2
		}
		path = found
	}

	load := func(p string, opts config.LoadOptions) (*config.Config, error) {
		cfg, err := config.Load(p, opts)
		if err != nil {
			return nil, err
		}
		if err := config.ApplyOverrides(cfg, f.overrides, opts); err != nil {
			return nil, err
		}
		return cfg, nil
	}
	cfg, err := load(path, config.LoadOptions{})
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			fmt.Fprintf(stderr, "supinit: %v\n", ce)
		} else {
			fmt.Fprintf(stderr, "supinit: cannot load %s: %v\n", path, err)
		}
		return 2
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}

	return supervisor.Run(cfg, supervisor.Options{
		ConfigPath:   path,
		Load:         load,
		Main:         f.main,
		Prefix:       f.prefix,
		LogFormat:    f.logFormat,
		StartControl: startControl(cfg),
	})
}

// startControl returns the hook that serves supervisorctl on the sockets
// cfg configures, with the supervisor as the backend.
func startControl(cfg *config.Config) func(s *supervisor.Supervisor) (func(), error) {
	return func(s *supervisor.Supervisor) (func(), error) {
		srv, err := control.NewServer(cfg, s, control.Options{Logger: s.Logger()})
		if err != nil {
			return nil, err
		}
		go srv.Serve()
		return func() { srv.Close() }, nil
	}
}

// ctlCmd is `supinit ctl`, and the binary called as supervisorctl.
func ctlCmd(args []string, stdout, stderr io.Writer) int {
	return control.Ctl(args, os.Stdin, stdout, stderr)
}

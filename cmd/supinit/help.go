package main

import (
	"fmt"
	"io"
)

const usage = `supinit runs as a container's PID 1 and supervises the programs of a
supervisord.conf (or its native TOML form, supinit.toml).

Usage:
  supinit [-c FILE] [-- CMD ARGS...]   run (the default command)
  supinit run [-c FILE] [-- CMD ARGS...]
                                       supervise the config's programs; with
                                       -- CMD, also run CMD as a program
  supinit check [--portable] [--json] [-c FILE | FILE]
                                       validate the config; exit 0 if valid, 2
                                       if not; --portable skips checks of this
                                       machine (users, folders); --json prints
                                       the effective model
  supinit convert FILE                 print the native TOML form of a config
  supinit ctl [ARGS...]                talk to a running supinit, as supervisorctl
  supinit version                      print the version
  supinit help                         print this help

Without -c, the config is found as supervisord finds it (for example
/etc/supervisord.conf or /etc/supervisor/supervisord.conf), then supinit.toml
in the same places. A name ending in .toml is read as the TOML form.

Called as "supervisord", supinit runs with supervisord's options; called as
"supervisorctl", it is the ctl command.
`

func helpCmd(args []string, stdout, stderr io.Writer) int {
	fmt.Fprint(stdout, usage)
	return 0
}

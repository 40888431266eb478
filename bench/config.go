package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// program is one [program:x] section of a generated config.
type program struct {
	name    string
	command string // shlex-split by the init, as supervisord does
}

// writeConfig writes a supervisord config running programs, each with its
// stdout on the init's stdout, into dir/name and returns its path. The same
// file is given to supinit and to supervisord.
func writeConfig(dir, name string, programs []program) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "[supervisord]\nnodaemon=true\n")
	// silent: supervisord -n would otherwise copy its own log to stdout,
	// which the harness reads as the programs' output.
	fmt.Fprintf(&b, "silent=true\n")
	fmt.Fprintf(&b, "logfile=%s\n", filepath.Join(dir, name+".log"))
	fmt.Fprintf(&b, "pidfile=%s\n", filepath.Join(dir, name+".pid"))
	fmt.Fprintf(&b, "childlogdir=%s\n", dir)
	for _, p := range programs {
		fmt.Fprintf(&b, "\n[program:%s]\ncommand=%s\n", p.name, p.command)
		b.WriteString("startsecs=0\nautorestart=false\n")
		b.WriteString("stdout_logfile=/dev/stdout\nstdout_logfile_maxbytes=0\n")
	}
	path := filepath.Join(dir, name+".conf")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return "", fmt.Errorf("cannot write config: %w", err)
	}
	return path, nil
}

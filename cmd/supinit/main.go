// Command supinit is a container's PID 1: it supervises the programs of a
// supervisord-compatible config. main only picks the sub-command; each
// lives in its own file.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/supinit/supinit/program"
)

// version is stamped by the Makefile: -ldflags "-X main.version=...".
var version = "dev"

// command is one sub-command: it gets its arguments (without its own
// name) and returns the process exit status.
type command func(args []string, stdout, stderr io.Writer) int

// commands maps each sub-command name to its function. The names a user
// may type for help and version are aliases here too.
func commands() map[string]command {
	return map[string]command{
		"run":       runCmd,
		"ctl":       ctlCmd,
		"check":     checkCmd,
		"convert":   convertCmd,
		"version":   versionCmd,
		"--version": versionCmd,
		"-v":        versionCmd,
		"help":      helpCmd,
		"--help":    helpCmd,
		"-h":        helpCmd,
	}
}

func main() {
	program.GuardReservedSignals()
	os.Exit(dispatch(os.Args, os.Stdout, os.Stderr))
}

// dispatch picks the sub-command for argv. With no sub-command, or when
// the first argument is a flag such as -c or "--", supinit runs.
func dispatch(argv []string, stdout, stderr io.Writer) int {
	args := argv[1:]
	// Called through a link named after the tool it replaces.
	switch filepath.Base(argv[0]) {
	case "supervisord":
		return runCmd(args, stdout, stderr)
	case "supervisorctl":
		return ctlCmd(args, stdout, stderr)
	}
	if len(args) == 0 || (strings.HasPrefix(args[0], "-") && commands()[args[0]] == nil) {
		return runCmd(args, stdout, stderr)
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		return usageError(stderr, "unknown command %q", args[0])
	}
	return cmd(args[1:], stdout, stderr)
}

// progName is how supinit was invoked, for messages.
func progName() string { return filepath.Base(os.Args[0]) }

// usageError reports a bad command line: exit status 2, as supervisord.
func usageError(stderr io.Writer, format string, args ...any) int {
	fmt.Fprintf(stderr, "supinit: "+format+"\n", args...)
	fmt.Fprintf(stderr, "Run '%s help' for usage.\n", progName())
	return 2
}

func versionCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		return usageError(stderr, "version takes no arguments")
	}
	fmt.Fprintf(stdout, "supinit %s\n", version)
	return 0
}

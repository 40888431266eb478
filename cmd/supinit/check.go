package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/supinit/supinit/config"
)

// checkCmd validates a config: exit 0 when it loads, 2 when not. Warnings
// go to stderr either way; --json prints the effective model. The file is
// -c FILE or one positional FILE, as for convert.
func checkCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("check", stderr)
	file := fs.String("c", "", "the config `FILE` (default: found as supervisord finds it)")
	fs.StringVar(file, "configuration", "", "the config `FILE`")
	portable := fs.Bool("portable", false, "skip checks that depend on this machine (users, folders)")
	asJSON := fs.Bool("json", false, "print the effective model as JSON")
	files, code, ok := parseFlags(fs, args, stdout, stderr)
	if !ok {
		return code
	}
	switch {
	case len(files) > 1 || (len(files) == 1 && *file != ""):
		return usageError(stderr, "check takes one config file: supinit check [--portable] [--json] [-c] FILE")
	case len(files) == 1:
		*file = files[0]
	}
	cfg, code := load(*file, config.LoadOptions{Portable: *portable}, stderr)
	if cfg == nil {
		return code
	}
	if *asJSON {
		out, err := cfg.JSON()
		if err != nil {
			fmt.Fprintf(stderr, "supinit: cannot render the model as JSON: %v\n", err)
			return 1
		}
		stdout.Write(out)
	}
	return 0
}

// convertCmd prints the native TOML form of a config.
func convertCmd(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("convert", stderr)
	file := fs.String("c", "", "the config `FILE` to convert")
	files, code, ok := parseFlags(fs, args, stdout, stderr)
	if !ok {
		return code
	}
	switch {
	case len(files) > 1 || (len(files) == 1 && *file != ""):
		return usageError(stderr, "convert takes one config file")
	case len(files) == 1:
		*file = files[0]
	case *file == "":
		return usageError(stderr, "convert needs a config file: supinit convert FILE")
	}
	cfg, code := load(*file, config.LoadOptions{Portable: true}, stderr)
	if cfg == nil {
		return code
	}
	out, err := cfg.TOML()
	if err != nil {
		fmt.Fprintf(stderr, "supinit: %s: %v\n", cfg.File, err)
		return 2
	}
	stdout.Write(out)
	return 0
}

// load finds (when file is "") and loads the config, printing its
// warnings. On failure it prints the error and returns a nil Config and
// exit status 2.
func load(file string, opts config.LoadOptions, stderr io.Writer) (*config.Config, int) {
	if file == "" {
		found, err := config.Find(os.Args[0])
		if err != nil {
			fmt.Fprintf(stderr, "supinit: %v\n", err)
			return nil, 2
		}
		file = found
	}
	cfg, err := config.Load(file, opts)
	if err != nil {
		var e *config.Error
		if !errors.As(err, &e) {
			err = fmt.Errorf("%s: %w", file, err)
		}
		fmt.Fprintf(stderr, "supinit: %v\n", err)
		return nil, 2
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	return cfg, 0
}

// newFlagSet makes a flag set whose errors parseFlags reports.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("supinit "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args, flags and positional arguments in any order
// (`check FILE --json` as well as `check --json FILE`); everything after
// "--" is positional. ok is false when the caller should exit with code:
// 0 after -h (the flags are listed on stdout), 2 after a bad flag.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (positional []string, code int, ok bool) {
	for {
		err := fs.Parse(args)
		switch {
		case errors.Is(err, flag.ErrHelp):
			fmt.Fprintf(stdout, "Usage of %s:\n", fs.Name())
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return nil, 0, false
		case err != nil:
			return nil, usageError(stderr, "%s: %v", fs.Name()[len("supinit "):], err), false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, 0, true
		}
		// The flag package stops at the first positional argument, and
		// after a "--", which it consumes.
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(positional, rest...), 0, true
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

package main

import (
	"fmt"
	"os"
)

// Column names of the contenders, as the table shows them.
const (
	supinitName     = "supinit"
	supervisordName = "supervisord 4.2.5"
	tiniName        = "tini"
	catName         = "cat"
)

// contender is one init under test and how to run it.
type contender struct {
	name string
	path string
	// missing is why the binary cannot be run, or nil.
	missing error
	// configArgv runs the programs of an INI config file; nil if the init
	// has no config mode (tini).
	configArgv func(conf string, prefix bool) []string
	// commandArgv runs one command tini-style; nil if the init has no such
	// mode (supervisord).
	commandArgv func(cmd []string) []string
}

func newContenders(o options) (supinit, supervisord, tini contender) {
	supinit = contender{
		name: supinitName, path: o.supinit, missing: checkExecutable(o.supinit),
		configArgv: func(conf string, prefix bool) []string {
			if prefix {
				return []string{o.supinit, "--prefix", "-c", conf}
			}
			return []string{o.supinit, "-c", conf}
		},
		commandArgv: func(cmd []string) []string {
			return append([]string{o.supinit, "--"}, cmd...)
		},
	}
	supervisord = contender{
		name: supervisordName, path: o.supervisord, missing: checkExecutable(o.supervisord),
		configArgv: func(conf string, _ bool) []string {
			return []string{o.supervisord, "-n", "-c", conf}
		},
	}
	tini = contender{
		name: tiniName, path: o.tini, missing: checkExecutable(o.tini),
		commandArgv: func(cmd []string) []string {
			// -s: not being PID 1, tini must register as a subreaper to
			// receive orphans at all.
			return append([]string{o.tini, "-s", "--"}, cmd...)
		},
	}
	return supinit, supervisord, tini
}

func checkExecutable(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("cannot find binary: %w", err)
	}
	if st.IsDir() || st.Mode()&0o111 == 0 {
		return fmt.Errorf("%s is not an executable file", path)
	}
	return nil
}

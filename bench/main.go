// Command bench is `make bench`: it measures supinit side by side with the
// real supervisord 4.2.5 and tini in one run (start-up, shutdown, memory,
// idle wake-ups, log throughput against cat, orphan reaping) and prints a
// markdown table of medians and ratios on stdout; progress goes to stderr.
//
//	go run ./bench -supinit bin/supinit [-quick] [-json FILE]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

type options struct {
	supinit, supervisord, tini string
	reps, idleReps             int
	idle                       time.Duration
	programs, writerMB         int
	orphans                    int
	jsonPath                   string
}

func parseOptions() options {
	var o options
	flag.StringVar(&o.supinit, "supinit", "bin/supinit", "supinit binary under test")
	flag.StringVar(&o.supervisord, "supervisord", "/usr/bin/supervisord", "supervisord 4.2.5 to compare with")
	flag.StringVar(&o.tini, "tini", "/usr/bin/tini", "tini to compare with")
	flag.IntVar(&o.reps, "reps", 5, "repetitions of each case")
	flag.IntVar(&o.idleReps, "idle-reps", 1, "repetitions of the idle measurement")
	flag.DurationVar(&o.idle, "idle", 30*time.Second, "idle window")
	flag.IntVar(&o.programs, "programs", 50, "programs in the start, stop, memory and idle cases")
	flag.IntVar(&o.writerMB, "mb", 64, "million bytes each of the 4 writers writes in the throughput case")
	flag.IntVar(&o.orphans, "orphans", 10000, "orphans to reap")
	flag.StringVar(&o.jsonPath, "json", "", "also save the raw results as JSON to this file")
	quick := flag.Bool("quick", false, "a quick run: 2 repetitions, 5 s idle, 16 MB per writer (explicit flags win)")
	flag.Parse()
	if *quick {
		set := map[string]bool{}
		flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["reps"] {
			o.reps = 2
		}
		if !set["idle"] {
			o.idle = 5 * time.Second
		}
		if !set["mb"] {
			o.writerMB = 16
		}
	}
	o.idleReps = min(o.idleReps, o.reps)
	// The inits run in a work directory of their own: a relative path
	// (make bench gives bin/supinit) must not depend on it.
	for _, p := range []*string{&o.supinit, &o.supervisord, &o.tini} {
		if abs, err := filepath.Abs(*p); err == nil {
			*p = abs
		}
	}
	return o
}

func main() {
	o := parseOptions()
	if o.reps < 1 || o.programs < 1 || o.writerMB < 1 || o.orphans < 1 || o.idle <= 0 {
		fmt.Fprintln(os.Stderr, "bench: -reps, -programs, -mb, -orphans and -idle must be positive")
		os.Exit(2)
	}
	h, err := newHarness(o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		os.Exit(1)
	}
	// The inits run in sessions of their own, out of reach of the
	// terminal's ^C: kill them before leaving.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		sig := <-sigs
		progress("%v: killing the inits under test", sig)
		h.close()
		os.Exit(130)
	}()

	res := h.run()
	h.close()
	printMarkdown(os.Stdout, res)
	if o.jsonPath != "" {
		b, err := json.MarshalIndent(res, "", "  ")
		if err == nil {
			err = os.WriteFile(o.jsonPath, append(b, '\n'), 0o644)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "bench: cannot save JSON: %v\n", err)
			os.Exit(1)
		}
	}
}

// progress reports on stderr, keeping stdout for the table.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

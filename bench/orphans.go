package main

import (
	"fmt"
	"strconv"
	"time"
)

// orphansDone is what bench/orphaner prints when the init has reaped every
// orphan; it exits 2 instead when some are left.
const orphansDone = "left=0\n"

// orphanArgs is the command an init runs in the reaping case.
func orphanArgs(orphaner string, n int) []string {
	return []string{orphaner, "-n", strconv.Itoa(n), "-timeout", "30s"}
}

// reapTime runs the orphaner under an init (single-command mode) and
// returns the time from exec until the init exited, which it does once the
// orphaner saw every orphan reaped.
func reapTime(l *launcher, argv []string, timeout time.Duration) (time.Duration, error) {
	begin := time.Now()
	s, err := l.start(argv, watchSpec{marker: orphansDone, wantMarks: 1})
	if err != nil {
		return 0, err
	}
	defer s.close()
	at, err := s.waitExit(timeout)
	if err != nil {
		return 0, err
	}
	if err := s.exitError(); err != nil {
		return 0, err
	}
	// The init has exited; its output may still be in the pipe.
	if _, ok := s.out.wait(5 * time.Second); !ok {
		return 0, fmt.Errorf("orphaner did not report all orphans reaped")
	}
	return at.Sub(begin), nil
}

package main

import (
	"fmt"
	"time"
)

// idleUsage is what an init did while it had nothing to do: a program that
// only waits for events uses no CPU and is never scheduled; one that polls
// on a ticker wakes up every period.
type idleUsage struct {
	cpu      time.Duration
	switches int64
}

// measureIdle samples the CPU time and the context switches of all threads
// of s's init, d apart, after letting start-up settle.
func measureIdle(s *session, settle, d time.Duration) (idleUsage, error) {
	if err := sleepUnlessExited(s, settle); err != nil {
		return idleUsage{}, err
	}
	st0, err := procStat(s.pid)
	if err != nil {
		return idleUsage{}, s.failed(err)
	}
	cs0, err := contextSwitches(s.pid)
	if err != nil {
		return idleUsage{}, s.failed(err)
	}
	if err := sleepUnlessExited(s, d); err != nil {
		return idleUsage{}, err
	}
	st1, err := procStat(s.pid)
	if err != nil {
		return idleUsage{}, s.failed(err)
	}
	cs1, err := contextSwitches(s.pid)
	if err != nil {
		return idleUsage{}, s.failed(err)
	}
	return idleUsage{cpu: st1.cpu - st0.cpu, switches: cs1 - cs0}, nil
}

// sleepUnlessExited waits d, failing early if the init exits meanwhile.
func sleepUnlessExited(s *session, d time.Duration) error {
	select {
	case <-s.exited:
		return s.failed(fmt.Errorf("exited"))
	case <-time.After(d):
		return nil
	}
}

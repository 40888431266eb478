package main

import (
	"fmt"
	"syscall"
	"time"
)

// stopTime sends SIGTERM to s's init and returns the time until it exited.
// In config mode a graceful shutdown exits 0 and anything else is an error;
// in single-command mode the init passes on the status of its command,
// which SIGTERM killed, so any status is accepted.
func stopTime(s *session, timeout time.Duration, anyStatus bool) (time.Duration, error) {
	begin := time.Now()
	if err := syscall.Kill(s.pid, syscall.SIGTERM); err != nil {
		return 0, s.failed(fmt.Errorf("cannot send SIGTERM: %w", err))
	}
	at, err := s.waitExit(timeout)
	if err != nil {
		return 0, fmt.Errorf("after SIGTERM: %w", err)
	}
	if err := s.exitError(); err != nil && !anyStatus {
		return 0, fmt.Errorf("after SIGTERM: %w", err)
	}
	return at.Sub(begin), nil
}

package main

import (
	"fmt"
	"time"
)

// upMarker is the line each program prints once it runs: counting these on
// the init's stdout tells when all are up without polling supervisorctl.
const upMarker = "bench-up\n"

// upCommand announces itself and then sleeps; sleep dies at once on SIGTERM,
// so the program's own stop time is nil.
const upCommand = `sh -c "echo bench-up; exec sleep 1000"`

// writeFleetConfig writes a config of n programs that announce themselves.
func writeFleetConfig(dir string, n int) (string, error) {
	programs := make([]program, n)
	for i := range programs {
		programs[i] = program{name: fmt.Sprintf("p%03d", i+1), command: upCommand}
	}
	return writeConfig(dir, "fleet", programs)
}

// startUp runs argv and waits until n programs have announced themselves on
// its stdout. It returns the running session and the time from exec to the
// n-th announcement. On error the session is already closed.
func startUp(l *launcher, argv []string, n int, timeout time.Duration) (*session, time.Duration, error) {
	begin := time.Now()
	s, err := l.start(argv, watchSpec{marker: upMarker, wantMarks: int64(n)})
	if err != nil {
		return nil, 0, err
	}
	at, ok := s.waitOutput(timeout)
	if !ok {
		_, _, _, marks := s.out.counts()
		err := s.failed(fmt.Errorf("only %d of %d programs up after %v", marks, n, timeout))
		s.close()
		return nil, 0, err
	}
	return s, at.Sub(begin), nil
}

package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// directName is the column of the floor: the programs started and stopped
// by the harness itself, with no init in between.
const directName = "no init (floor)"

// directFleet starts n copies of upCommand as children of the harness in
// one process group, times them until all announced themselves, then
// SIGTERMs the group and times them until all were reaped: the programs'
// own start and stop times, which no init can beat.
func directFleet(dir string, n int) (start, stop time.Duration, err error) {
	r, w, err := os.Pipe()
	if err != nil {
		return 0, 0, err
	}
	watch := newOutputWatch(r, watchSpec{marker: upMarker, wantMarks: int64(n)})
	defer watch.close()
	var cmds []*exec.Cmd
	pgid := 0
	defer func() {
		if pgid != 0 {
			syscall.Kill(-pgid, syscall.SIGKILL)
		}
		for _, c := range cmds {
			if c.ProcessState == nil {
				c.Wait()
			}
		}
	}()
	begin := time.Now()
	for range n {
		c := exec.Command("sh", "-c", "echo bench-up; exec sleep 1000")
		c.Dir, c.Stdout = dir, w
		// The first becomes the group leader; the others join its group.
		c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pgid: pgid}
		if err := c.Start(); err != nil {
			w.Close()
			return 0, 0, fmt.Errorf("cannot start sh: %w", err)
		}
		cmds = append(cmds, c)
		if pgid == 0 {
			pgid = c.Process.Pid
		}
	}
	w.Close()
	go watch.run(0)
	up, ok := watch.wait(startTimeout)
	if !ok {
		return 0, 0, fmt.Errorf("programs not up after %v", startTimeout)
	}
	stopBegin := time.Now()
	if err := syscall.Kill(-pgid, syscall.SIGTERM); err != nil {
		return 0, 0, fmt.Errorf("cannot send SIGTERM: %w", err)
	}
	for _, c := range cmds {
		c.Wait() // killed by SIGTERM: the error is the expected signal status
	}
	return up.Sub(begin), time.Since(stopBegin), nil
}

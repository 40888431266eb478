package main

import "fmt"

// memory is the init process's resident set size and its peak, in KiB.
type memory struct {
	rssKiB, hwmKiB int64
}

// measureMemory reads VmRSS and VmHWM of pid: for supervisord that is the
// python process itself (the /usr/bin/supervisord script execs python).
func measureMemory(pid int) (memory, error) {
	m, err := procStatus(fmt.Sprintf("/proc/%d/status", pid), "VmRSS", "VmHWM")
	if err != nil {
		return memory{}, fmt.Errorf("cannot read memory: %w", err)
	}
	return memory{rssKiB: m["VmRSS"], hwmKiB: m["VmHWM"]}, nil
}

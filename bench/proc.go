package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// userHZ is the unit of utime and stime in /proc/<pid>/stat: USER_HZ, which
// the kernel fixes at 100 for user space whatever its own tick rate.
const userHZ = 100

// statFields are the fields of /proc/<pid>/stat the harness uses.
type statFields struct {
	state   string
	ppid    int
	session int
	cpu     time.Duration // utime + stime, all threads
}

func procStat(pid int) (statFields, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return statFields{}, err
	}
	return parseStat(string(b))
}

// parseStat parses a /proc/<pid>/stat line. The command name is in
// parentheses and may itself hold spaces and parentheses, so fields are
// counted from the last ')'.
func parseStat(s string) (statFields, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return statFields{}, fmt.Errorf("cannot parse stat %q", s)
	}
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return statFields{}, fmt.Errorf("cannot parse stat %q: too few fields", s)
	}
	var n [4]int
	for j, k := range []int{1, 3, 11, 12} {
		v, err := strconv.Atoi(f[k])
		if err != nil {
			return statFields{}, fmt.Errorf("cannot parse stat field %d: %w", k+3, err)
		}
		n[j] = v
	}
	return statFields{
		state:   f[0],
		ppid:    n[0],
		session: n[1],
		cpu:     time.Duration(n[2]+n[3]) * time.Second / userHZ,
	}, nil
}

// procStatus returns the named numeric fields of /proc/<pid>/status (or of
// a task's status file), without units.
func procStatus(path string, names ...string) (map[string]int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[n] = true
	}
	got := make(map[string]int64, len(names))
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok || !want[key] {
			continue
		}
		num, _, _ := strings.Cut(strings.TrimSpace(val), " ")
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("cannot parse %s in %s: %w", key, path, err)
		}
		got[key] = v
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, ok := got[n]; !ok {
			return nil, fmt.Errorf("no %s in %s", n, path)
		}
	}
	return got, nil
}

// contextSwitches sums voluntary and involuntary context switches over all
// live threads of pid: /proc/<pid>/status counts only the main thread.
func contextSwitches(pid int) (int64, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/status", pid))
	if err != nil || len(tasks) == 0 {
		return 0, fmt.Errorf("cannot list threads of %d", pid)
	}
	var sum int64
	for _, t := range tasks {
		m, err := procStatus(t, "voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")
		if err != nil {
			return 0, err
		}
		sum += m["voluntary_ctxt_switches"] + m["nonvoluntary_ctxt_switches"]
	}
	return sum, nil
}

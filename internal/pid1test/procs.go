package pid1test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Proc is one line of /proc/<pid>/stat, the parts tests look at.
type Proc struct {
	Pid   int
	PPid  int
	Pgid  int
	State byte // R, S, D, Z, T, ...
	Comm  string
}

func (p Proc) String() string {
	return fmt.Sprintf("pid %d (%s) state %c ppid %d pgid %d", p.Pid, p.Comm, p.State, p.PPid, p.Pgid)
}

// ReadProc reads /proc/<pid>/stat; ok is false when the process is gone.
func ReadProc(pid int) (p Proc, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return Proc{}, false
	}
	s := string(b)
	// The command name may hold spaces and ')': it ends at the last ')'.
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return Proc{}, false
	}
	f := strings.Fields(s[end+1:]) // state ppid pgrp ...
	if len(f) < 3 || len(f[0]) != 1 {
		return Proc{}, false
	}
	p = Proc{Pid: pid, State: f[0][0], Comm: s[open+1 : end]}
	p.PPid, _ = strconv.Atoi(f[1])
	p.Pgid, _ = strconv.Atoi(f[2])
	return p, true
}

// Processes lists every process /proc shows.
func Processes() ([]Proc, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("cannot list /proc: %w", err)
	}
	var out []Proc
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if p, ok := ReadProc(pid); ok {
			out = append(out, p)
		}
	}
	return out, nil
}

// Descendants lists the processes below pid (children, grandchildren...).
func Descendants(pid int) ([]Proc, error) {
	all, err := Processes()
	if err != nil {
		return nil, err
	}
	children := make(map[int][]Proc)
	for _, p := range all {
		children[p.PPid] = append(children[p.PPid], p)
	}
	var out []Proc
	todo := []int{pid}
	for len(todo) > 0 {
		for _, c := range children[todo[0]] {
			out = append(out, c)
			todo = append(todo, c.Pid)
		}
		todo = todo[1:]
	}
	return out, nil
}

// Zombies lists the descendants of pid in state Z. Inside a namespace
// whose /proc Enter mounted, Zombies(1) covers the whole namespace.
func Zombies(pid int) ([]Proc, error) {
	desc, err := Descendants(pid)
	if err != nil {
		return nil, err
	}
	var out []Proc
	for _, p := range desc {
		if p.State == 'Z' {
			out = append(out, p)
		}
	}
	return out, nil
}

// Eventually polls cond every 10 ms until it is true or the timeout
// passes, and reports whether it became true.
func Eventually(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

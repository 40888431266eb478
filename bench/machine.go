package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// machine describes where and when the benchmarks ran.
type machine struct {
	CPUs         int    `json:"cpus"`
	Model        string `json:"model"`
	Kernel       string `json:"kernel"`
	Date         string `json:"date"`
	Supervisord  string `json:"supervisord"`
	Tini         string `json:"tini"`
	SupinitBuild string `json:"supinit_build"`
}

func describeMachine(o options, dir string) machine {
	m := machine{
		CPUs:   runtime.NumCPU(),
		Model:  cpuModel(),
		Kernel: "unknown",
		Date:   time.Now().UTC().Format("2006-01-02 15:04 UTC"),
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	m.Supervisord = "supervisord " + version(dir, o.supervisord, "--version")
	m.Tini = version(dir, o.tini, "--version")
	if st, err := os.Stat(o.supinit); err == nil {
		m.SupinitBuild = fmt.Sprintf("%.2f MB", float64(st.Size())/1e6)
	} else {
		m.SupinitBuild = "missing"
	}
	return m
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

// version runs a binary's version flag and returns its first line.
func version(dir, path, flag string) string {
	out, err := runWithTimeout(10*time.Second, dir, path, flag)
	if err != nil {
		return path + " (version unknown)"
	}
	line, _, _ := strings.Cut(strings.TrimSpace(out), "\n")
	return line
}

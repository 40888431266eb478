package main

import (
	"fmt"
	"time"
)

// results is everything one run measured; -json saves it as is.
type results struct {
	Machine  machine  `json:"machine"`
	Settings settings `json:"settings"`
	Rows     []*row   `json:"rows"`
	Flows    []*flow  `json:"throughput"`
}

// settings are the knobs of the run, printed in the header.
type settings struct {
	Reps      int    `json:"reps"`
	IdleReps  int    `json:"idle_reps"`
	Idle      string `json:"idle"`
	Programs  int    `json:"programs"`
	WriterMB  int    `json:"writer_mb"`
	Writers   int    `json:"writers"`
	Orphans   int    `json:"orphans"`
	SupinitAt string `json:"supinit"`
}

// row is one measurement of the main table, where lower is better.
type row struct {
	Key    string           `json:"key"`
	Title  string           `json:"title"`
	Target string           `json:"target,omitempty"`
	Cells  map[string]*cell `json:"cells"`
	digits int
	better string // the ratio's word when supinit is lower: "faster"
	worse  string
	// meets tells whether supinit's median meets Target, given all
	// medians by contender; ok is false when that cannot be told.
	meets func(med map[string]float64) (met, ok bool)
}

// cell returns the contender's cell, making it on first use.
func (r *row) cell(name string) *cell {
	c, ok := r.Cells[name]
	if !ok {
		c = &cell{}
		r.Cells[name] = c
	}
	return c
}

// flow is one pipeline of the log-throughput table, where higher MB/s is
// better.
type flow struct {
	Writes   string `json:"writes"` // how the writers write: flowBlock or flowPerLine
	Name     string `json:"name"`
	MBps     cell   `json:"mb_per_s"`
	CPUPerGB cell   `json:"cpu_s_per_gb"`
	target   bool   // supinit's rows carry the targets
}

func (r *results) row(key string) *row {
	for _, x := range r.Rows {
		if x.Key == key {
			return x
		}
	}
	panic("bench: no row " + key) // a typo in the harness, not a measurement
}

func (r *results) flow(writes, name string) *flow {
	for _, f := range r.Flows {
		if f.Writes == writes && f.Name == name {
			return f
		}
	}
	panic("bench: no throughput row " + writes + " " + name)
}

// How the writers write in the throughput case: 1 MB per write(2), the
// fastest producer, or one write(2) per line, as line-buffered programs do.
const (
	flowBlock   = "1 MB writes"
	flowPerLine = "a write per line"
)

// Names of the throughput pipelines.
const (
	flowCat         = "cat (the limit)"
	flowSupervisord = supervisordName
	flowSupinit     = supinitName
	flowPrefix      = supinitName + " --prefix"
)

func newResults(m machine, s settings, idle time.Duration) *results {
	n := s.Programs
	timeRow := func(key, title string) *row {
		return &row{Key: key, Title: title, digits: 1, better: "faster", worse: "slower"}
	}
	memRow := func(key, title string) *row {
		return &row{Key: key, Title: title, digits: 1, better: "smaller", worse: "larger"}
	}
	cpuRow := func(key, title string) *row {
		return &row{Key: key, Title: title, digits: 0, better: "less", worse: "more"}
	}
	switchRow := func(key, title string) *row {
		return &row{Key: key, Title: title, digits: 0, better: "fewer", worse: "more",
			Target: "0 (no periodic wake-ups)",
			meets: func(med map[string]float64) (bool, bool) {
				v, ok := med[supinitName]
				return v == 0, ok
			}}
	}

	start := timeRow("start", fmt.Sprintf("start: exec → %d programs RUNNING (ms)", n))
	start.Target = "≥ 20× faster than supervisord"
	start.meets = atLeastTimes(supervisordName, 20)
	stop := timeRow("stop", fmt.Sprintf("stop: SIGTERM → exit, %d programs (ms)", n))
	stop.Target = "≤ the programs' own stop time (no init) + 50 ms"
	stop.meets = func(med map[string]float64) (bool, bool) {
		s, ok := med[supinitName]
		return s <= med[directName]+50, ok
	}
	rss := memRow("rss", fmt.Sprintf("RSS (VmRSS) with %d programs (MiB)", n))
	rss.Target = "≤ ⅓ of supervisord"
	rss.meets = atLeastTimes(supervisordName, 3)
	size := memRow("size", "binary size (MB)")
	size.digits = 2
	size.Target = "≤ 8 MB"
	size.meets = atMost(8)

	r := &results{Machine: m, Settings: s}
	r.Rows = []*row{
		start,
		stop,
		rss,
		memRow("hwm", fmt.Sprintf("peak RSS (VmHWM) with %d programs (MiB)", n)),
		cpuRow("idle-cpu", fmt.Sprintf("idle CPU time over %v, %d programs (ms)", idle, n)),
		switchRow("idle-switches", fmt.Sprintf("idle context switches over %v, %d programs", idle, n)),
		memRow("rss1", "RSS (VmRSS), one command (MiB)"),
		cpuRow("idle-cpu1", fmt.Sprintf("idle CPU time over %v, one command (ms)", idle)),
		switchRow("idle-switches1", fmt.Sprintf("idle context switches over %v, one command", idle)),
		timeRow("stop1", "stop: SIGTERM → exit, one command (ms)"),
		timeRow("orphans", fmt.Sprintf("reap %d short-lived orphans: exec → init exit (ms)", s.Orphans)),
		size,
	}
	for _, x := range r.Rows {
		x.Cells = map[string]*cell{}
	}
	for _, writes := range []string{flowBlock, flowPerLine} {
		r.Flows = append(r.Flows,
			&flow{Writes: writes, Name: flowCat},
			&flow{Writes: writes, Name: flowSupervisord},
			&flow{Writes: writes, Name: flowSupinit, target: true},
			&flow{Writes: writes, Name: flowPrefix, target: true})
	}
	return r
}

// atLeastTimes: the other contender's median is at least k times supinit's.
func atLeastTimes(other string, k float64) func(map[string]float64) (bool, bool) {
	return func(med map[string]float64) (bool, bool) {
		s, ok1 := med[supinitName]
		o, ok2 := med[other]
		return o >= k*s, ok1 && ok2
	}
}

// atMost: supinit's median is at most limit.
func atMost(limit float64) func(map[string]float64) (bool, bool) {
	return func(med map[string]float64) (bool, bool) {
		s, ok := med[supinitName]
		return s <= limit, ok
	}
}

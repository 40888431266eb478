package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// writerCount is how many programs write at once in the throughput case.
const writerCount = 4

// flowSample is one throughput run: payload MB/s from the first byte out to
// the last line out, and the relay's CPU seconds per GB of payload.
type flowSample struct {
	mbps     float64
	cpuPerGB float64
}

// flowLoad is the work of one throughput run.
type flowLoad struct {
	writer  string // path of the built bench/writer
	perLine bool   // one write(2) per line instead of per 1 MB
	mb      int    // million bytes per writer
	lines   int64  // lines all writers write together
	timeout time.Duration
}

func (f flowLoad) payload() int64 { return int64(writerCount) * int64(f.mb) * 1e6 }

// writerArgv is the command line of one writer.
func (f flowLoad) writerArgv() []string {
	argv := []string{f.writer, "-mb", strconv.Itoa(f.mb)}
	if f.perLine {
		argv = append(argv, "-per-line")
	}
	return argv
}

func (f flowLoad) sample(first, last time.Time, cpu time.Duration) (flowSample, error) {
	secs := last.Sub(first).Seconds()
	if secs <= 0 {
		return flowSample{}, fmt.Errorf("no time elapsed between first and last byte")
	}
	p := float64(f.payload())
	return flowSample{mbps: p / 1e6 / secs, cpuPerGB: cpu.Seconds() / (p / 1e9)}, nil
}

// writeFlowConfig writes a config of writerCount writer programs.
func writeFlowConfig(dir, name string, f flowLoad) (string, error) {
	programs := make([]program, writerCount)
	for i := range programs {
		programs[i] = program{name: fmt.Sprintf("w%d", i+1), command: strings.Join(f.writerArgv(), " ")}
	}
	return writeConfig(dir, name, programs)
}

// initThroughput runs the writers as programs of an init and reads its
// stdout until every line has come through. The init's CPU time is taken
// from the first byte on, so its start-up is not counted.
func initThroughput(l *launcher, argv []string, f flowLoad) (flowSample, error) {
	var cpu0 time.Duration
	var cpuErr error
	// onFirstByte runs in the reader goroutine before it closes done, so
	// cpu0 and cpuErr are safely read after wait returns.
	spec := watchSpec{wantLines: f.lines, onFirstByte: func(pid int) {
		st, err := procStat(pid)
		cpu0, cpuErr = st.cpu, err
	}}
	s, err := l.start(argv, spec)
	if err != nil {
		return flowSample{}, err
	}
	defer s.close()
	last, ok := s.waitOutput(f.timeout)
	if !ok {
		_, _, lines, _ := s.out.counts()
		return flowSample{}, s.failed(fmt.Errorf("only %d of %d lines after %v", lines, f.lines, f.timeout))
	}
	st, err := procStat(s.pid)
	if err != nil {
		return flowSample{}, s.failed(err)
	}
	if cpuErr != nil {
		return flowSample{}, fmt.Errorf("cannot read CPU time at first byte: %w", cpuErr)
	}
	first, n, _, _ := s.out.counts()
	if n < f.payload() {
		return flowSample{}, fmt.Errorf("only %d of %d bytes came through", n, f.payload())
	}
	return f.sample(first, last, st.cpu-cpu0)
}

// catThroughput is the limit: each writer piped into its own cat, all cats
// writing to one pipe, the same shape as an init relaying four programs.
// The cats' CPU time comes from their rusage.
func catThroughput(dir string, f flowLoad) (flowSample, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return flowSample{}, err
	}
	watch := newOutputWatch(r, watchSpec{wantLines: f.lines})
	defer watch.close()
	var cats, all []*exec.Cmd
	defer func() {
		for _, c := range all {
			if c.ProcessState == nil {
				c.Process.Kill()
				c.Wait()
			}
		}
	}()
	for range writerCount {
		pr, pw, err := os.Pipe()
		if err != nil {
			w.Close()
			return flowSample{}, err
		}
		argv := f.writerArgv()
		wr := exec.Command(argv[0], argv[1:]...)
		wr.Dir, wr.Stdout = dir, pw
		cat := exec.Command("cat")
		cat.Dir, cat.Stdin, cat.Stdout = dir, pr, w
		for _, c := range []*exec.Cmd{wr, cat} {
			if err := c.Start(); err != nil {
				pr.Close()
				pw.Close()
				w.Close()
				return flowSample{}, fmt.Errorf("cannot start %s: %w", c.Path, err)
			}
			all = append(all, c)
		}
		cats = append(cats, cat)
		pr.Close()
		pw.Close()
	}
	w.Close()
	go watch.run(0)
	last, ok := watch.wait(f.timeout)
	if !ok {
		_, _, lines, _ := watch.counts()
		return flowSample{}, fmt.Errorf("only %d of %d lines after %v", lines, f.lines, f.timeout)
	}
	var cpu time.Duration
	for _, c := range all {
		// Every line is through, so the processes are exiting now.
		if err := c.Wait(); err != nil {
			return flowSample{}, fmt.Errorf("%s: %w", c.Path, err)
		}
	}
	for _, c := range cats {
		cpu += c.ProcessState.UserTime() + c.ProcessState.SystemTime()
	}
	first, n, _, _ := watch.counts()
	if n != f.payload() {
		return flowSample{}, fmt.Errorf("%d bytes came through, want %d", n, f.payload())
	}
	return f.sample(first, last, cpu)
}

package main

import (
	"fmt"
	"time"
)

// runFleet starts the fleet config under c, then measures start-up,
// memory, (if idle) the idle window, and shutdown, in that order.
func (h *harness) runFleet(c contender, conf string, rep int, idle bool) {
	keys := []string{"start", "rss", "hwm", "stop"}
	if idle {
		keys = append(keys, "idle-cpu", "idle-switches")
	}
	if c.missing != nil {
		h.failKeys(keys, c.name, c.missing)
		return
	}
	progress("[%d/%d] %s: %d programs", rep+1, h.o.reps, c.name, h.o.programs)
	s, up, err := startUp(h.l, c.configArgv(conf, false), h.o.programs, startTimeout)
	if err != nil {
		h.failKeys(keys, c.name, fmt.Errorf("start: %w", err))
		return
	}
	defer s.close()
	h.record("start", c.name, ms(up), nil)
	progress("    all up after %.1f ms", ms(up))
	h.memory(s, c.name, "rss", "hwm")
	if idle {
		h.idle(s, c.name, "idle-cpu", "idle-switches")
	}
	d, err := stopTime(s, stopTimeout, false)
	h.record("stop", c.name, ms(d), err)
	h.reportStop(d, err)
}

// runDirect measures the floor of the start and stop rows.
func (h *harness) runDirect(rep int) {
	progress("[%d/%d] %d programs without an init", rep+1, h.o.reps, h.o.programs)
	start, stop, err := directFleet(h.dir, h.o.programs)
	h.record("start", directName, ms(start), err)
	h.record("stop", directName, ms(stop), err)
	if err == nil {
		progress("    all up after %.1f ms, all gone %.1f ms after SIGTERM", ms(start), ms(stop))
	}
}

// runSingle runs one command under c tini-style and measures memory, (if
// idle) the idle window, and shutdown.
func (h *harness) runSingle(c contender, rep int, idle bool) {
	keys := []string{"rss1", "stop1"}
	if idle {
		keys = append(keys, "idle-cpu1", "idle-switches1")
	}
	if c.missing != nil {
		h.failKeys(keys, c.name, c.missing)
		return
	}
	progress("[%d/%d] %s: one command", rep+1, h.o.reps, c.name)
	argv := c.commandArgv([]string{"sh", "-c", "echo bench-up; exec sleep 1000"})
	s, _, err := startUp(h.l, argv, 1, startTimeout)
	if err != nil {
		h.failKeys(keys, c.name, fmt.Errorf("start: %w", err))
		return
	}
	defer s.close()
	h.memory(s, c.name, "rss1", "")
	if idle {
		h.idle(s, c.name, "idle-cpu1", "idle-switches1")
	}
	d, err := stopTime(s, stopTimeout, true)
	h.record("stop1", c.name, ms(d), err)
	h.reportStop(d, err)
}

func (h *harness) reportStop(d time.Duration, err error) {
	if err != nil {
		progress("    stop: %v", err)
		return
	}
	progress("    stopped %.1f ms after SIGTERM", ms(d))
}

func (h *harness) memory(s *session, name, rssKey, hwmKey string) {
	m, err := measureMemory(s.pid)
	h.record(rssKey, name, mib(m.rssKiB), err)
	if hwmKey != "" {
		h.record(hwmKey, name, mib(m.hwmKiB), err)
	}
	if err == nil {
		progress("    RSS %.1f MiB (peak %.1f MiB)", mib(m.rssKiB), mib(m.hwmKiB))
	}
}

func (h *harness) idle(s *session, name, cpuKey, switchKey string) {
	progress("    idle for %v", h.o.idle)
	u, err := measureIdle(s, settle, h.o.idle)
	h.record(cpuKey, name, ms(u.cpu), err)
	h.record(switchKey, name, float64(u.switches), err)
	if err == nil {
		progress("    idle: %.0f ms CPU, %d context switches", ms(u.cpu), u.switches)
	}
}

// runFlows runs the four throughput pipelines once each on load, whose
// config for the inits is conf.
func (h *harness) runFlows(writes string, load flowLoad, conf string, rep int) {
	type pipeline struct {
		name string
		c    contender
		run  func() (flowSample, error)
	}
	viaInit := func(c contender, prefix bool) func() (flowSample, error) {
		return func() (flowSample, error) {
			return initThroughput(h.l, c.configArgv(conf, prefix), load)
		}
	}
	for _, p := range []pipeline{
		{flowCat, contender{}, func() (flowSample, error) { return catThroughput(h.dir, load) }},
		{flowSupervisord, h.sd, viaInit(h.sd, false)},
		{flowSupinit, h.supinit, viaInit(h.supinit, false)},
		{flowPrefix, h.supinit, viaInit(h.supinit, true)},
	} {
		f := h.res.flow(writes, p.name)
		if p.c.missing != nil {
			f.MBps.fail(p.c.missing)
			f.CPUPerGB.fail(p.c.missing)
			continue
		}
		progress("[%d/%d] throughput, %s: %s", rep+1, h.o.reps, writes, p.name)
		fs, err := p.run()
		if err != nil {
			f.MBps.fail(err)
			f.CPUPerGB.fail(err)
			progress("    error: %v", err)
			continue
		}
		f.MBps.add(fs.mbps)
		f.CPUPerGB.add(fs.cpuPerGB)
		progress("    %.0f MB/s, %.2f CPU s/GB", fs.mbps, fs.cpuPerGB)
	}
}

func (h *harness) runOrphans(c contender, rep int) {
	if c.missing != nil {
		h.record("orphans", c.name, 0, c.missing)
		return
	}
	progress("[%d/%d] %s: reap %d orphans", rep+1, h.o.reps, c.name, h.o.orphans)
	d, err := reapTime(h.l, c.commandArgv(orphanArgs(h.orphaner, h.o.orphans)), orphanTimeout)
	h.record("orphans", c.name, ms(d), err)
	if err == nil {
		progress("    %.0f ms", ms(d))
	}
}

func (h *harness) failKeys(keys []string, name string, err error) {
	for _, k := range keys {
		h.record(k, name, 0, err)
	}
	progress("    %s: %v", name, err)
}

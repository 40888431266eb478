package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Per-case limits: no case may hang the harness.
const (
	startTimeout  = 30 * time.Second
	stopTimeout   = 60 * time.Second // supervisord stops its groups one by one
	flowTimeout   = 180 * time.Second
	orphanTimeout = 120 * time.Second
	// settle lets start-up work (supervisord's RUNNING transitions, Go's
	// first GC) finish before an idle window opens.
	settle = 2 * time.Second
)

// harness holds what every case needs: the contenders, the built helpers,
// the work directory and the results being filled in.
type harness struct {
	o        options
	dir      string
	l        *launcher
	writer   string
	orphaner string
	flow     flowLoad
	supinit  contender
	sd       contender
	tini     contender
	res      *results
}

func newHarness(o options) (*harness, error) {
	dir, err := os.MkdirTemp("", "supinit-bench-")
	if err != nil {
		return nil, fmt.Errorf("cannot make work directory: %w", err)
	}
	h := &harness{o: o, dir: dir, l: newLauncher(dir)}
	h.supinit, h.sd, h.tini = newContenders(o)
	if err := h.buildHelpers(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	out, err := runWithTimeout(time.Minute, dir, h.writer, "-count", "-mb", strconv.Itoa(o.writerMB))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	perWriter, err := strconv.ParseInt(strings.TrimSpace(out), 10, 64)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("cannot parse writer line count %q: %w", out, err)
	}
	h.flow = flowLoad{writer: h.writer, mb: o.writerMB, lines: writerCount * perWriter, timeout: flowTimeout}
	h.res = newResults(describeMachine(o, dir), settings{
		Reps: o.reps, IdleReps: o.idleReps, Idle: o.idle.String(), Programs: o.programs,
		WriterMB: o.writerMB, Writers: writerCount, Orphans: o.orphans, SupinitAt: o.supinit,
	}, o.idle)
	return h, nil
}

// buildHelpers builds bench/writer and bench/orphaner into the work
// directory; the module root is found with `go env GOMOD`.
func (h *harness) buildHelpers() error {
	gomod, err := runWithTimeout(time.Minute, ".", "go", "env", "GOMOD")
	if err != nil {
		return fmt.Errorf("cannot find the go tool: %w", err)
	}
	gomod = strings.TrimSpace(gomod)
	if gomod == "" || gomod == os.DevNull {
		return fmt.Errorf("cannot find go.mod: run from the supinit repository")
	}
	root := filepath.Dir(gomod)
	h.writer = filepath.Join(h.dir, "writer")
	h.orphaner = filepath.Join(h.dir, "orphaner")
	for _, b := range []struct{ out, pkg string }{{h.writer, "./bench/writer"}, {h.orphaner, "./bench/orphaner"}} {
		cmd := exec.Command("go", "build", "-o", b.out, b.pkg)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("cannot build %s: %w: %s", b.pkg, err, out)
		}
	}
	return nil
}

func (h *harness) close() {
	h.l.killAll()
	os.RemoveAll(h.dir)
}

// run runs every case, repetitions interleaved across contenders so that
// drift of the machine hits all of them alike.
func (h *harness) run() *results {
	fleetConf, err := writeFleetConfig(h.dir, h.o.programs)
	if err != nil {
		h.failAll(err)
		return h.res
	}
	blockLoad, lineLoad := h.flow, h.flow
	lineLoad.perLine = true
	blockConf, err := writeFlowConfig(h.dir, "flow-block", blockLoad)
	if err != nil {
		h.failAll(err)
		return h.res
	}
	lineConf, err := writeFlowConfig(h.dir, "flow-lines", lineLoad)
	if err != nil {
		h.failAll(err)
		return h.res
	}
	for rep := range h.o.reps {
		idle := rep < h.o.idleReps
		h.runDirect(rep)
		for _, c := range []contender{h.supinit, h.sd} {
			h.runFleet(c, fleetConf, rep, idle)
		}
		for _, c := range []contender{h.supinit, h.tini} {
			h.runSingle(c, rep, idle)
		}
		h.runFlows(flowBlock, blockLoad, blockConf, rep)
		h.runFlows(flowPerLine, lineLoad, lineConf, rep)
		for _, c := range []contender{h.supinit, h.tini} {
			h.runOrphans(c, rep)
		}
	}
	h.measureSizes()
	return h.res
}

// failAll records err for supinit in every row: a harness setup failure.
func (h *harness) failAll(err error) {
	for _, r := range h.res.Rows {
		r.cell(supinitName).fail(err)
	}
}

// record stores one sample, or the error that prevented it.
func (h *harness) record(key, name string, v float64, err error) {
	c := h.res.row(key).cell(name)
	if err != nil {
		c.fail(err)
		return
	}
	c.add(v)
}

func (h *harness) measureSizes() {
	for _, c := range []contender{h.supinit, h.tini} {
		st, err := os.Stat(c.path)
		if err != nil {
			h.record("size", c.name, 0, c.missing)
			continue
		}
		h.record("size", c.name, float64(st.Size())/1e6, nil)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func mib(kib int64) float64 { return float64(kib) / 1024 }

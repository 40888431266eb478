package main

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// sampleResults is a run where supinit has every value filled in by the
// test and supervisord and tini have fixed ones.
func sampleResults() *results {
	r := newResults(machine{CPUs: 2, Model: "Test CPU", Kernel: "6.1", Date: "today"},
		settings{Reps: 3, IdleReps: 1, Idle: "30s", Programs: 50, WriterMB: 64, Writers: 4, Orphans: 10000},
		30*time.Second)
	r.row("start").cell(supervisordName).add(1000)
	r.row("rss").cell(supervisordName).add(30)
	r.row("idle-switches").cell(supervisordName).add(31)
	r.row("orphans").cell(tiniName).add(2000)
	for _, writes := range []string{flowBlock, flowPerLine} {
		r.flow(writes, flowCat).MBps.add(1000)
		r.flow(writes, flowSupervisord).MBps.add(100)
	}
	return r
}

func TestTargets(t *testing.T) {
	tests := []struct {
		name     string
		key      string
		supinit  float64
		wantText string
		wantMiss bool
		floor    float64 // the no-init column, if any
	}{
		{"start met", "start", 50, "met", false, 0},
		{"start missed", "start", 51, "**MISSED**", true, 0},
		{"stop met", "stop", 50, "met", false, 0},
		{"stop missed", "stop", 50.1, "**MISSED**", true, 0},
		{"stop met above the floor", "stop", 70, "met", false, 20},
		{"stop missed above the floor", "stop", 70.1, "**MISSED**", true, 20},
		{"rss met at a third", "rss", 10, "met", false, 0},
		{"rss missed", "rss", 10.5, "**MISSED**", true, 0},
		{"no wake-ups", "idle-switches", 0, "met", false, 0},
		{"wake-ups", "idle-switches", 1, "**MISSED**", true, 0},
		{"binary size met", "size", 8, "met", false, 0},
		{"binary size missed", "size", 8.01, "**MISSED**", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := sampleResults().row(tt.key)
			x.cell(supinitName).add(tt.supinit)
			if tt.floor > 0 {
				x.cell(directName).add(tt.floor)
			}
			text, miss := targetText(x)
			if !strings.HasSuffix(text, ": "+tt.wantText) || miss != tt.wantMiss {
				t.Errorf("targetText = %q, %v; want suffix %q, %v", text, miss, tt.wantText, tt.wantMiss)
			}
		})
	}
}

func TestTargetNotMeasured(t *testing.T) {
	x := sampleResults().row("start")
	x.cell(supinitName).fail(errors.New("cannot find binary"))
	text, miss := targetText(x)
	if !strings.HasSuffix(text, ": not measured") || miss {
		t.Errorf("targetText = %q, %v; want not measured, no miss", text, miss)
	}
}

func TestFlowTarget(t *testing.T) {
	tests := []struct {
		name      string
		ok        bool
		mbps      float64
		wantParts []string
		wantMiss  bool
	}{
		{"met", true, 1000, []string{": met"}, false},
		{"below half of cat", true, 499, []string{"below 50% of cat"}, true},
		{"below both", true, 400, []string{"below 50% of cat", "below 10× supervisord"}, true},
		{"not measured", false, 0, []string{"not measured"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// cat 1000 MB/s, supervisord 50 MB/s: 10× supervisord is 500.
			text, miss := flowTarget(tt.ok, tt.mbps, 1000, 50)
			for _, p := range tt.wantParts {
				if !strings.Contains(text, p) {
					t.Errorf("flowTarget = %q, want it to contain %q", text, p)
				}
			}
			if miss != tt.wantMiss {
				t.Errorf("miss = %v, want %v", miss, tt.wantMiss)
			}
		})
	}
}

func TestPrintMarkdown(t *testing.T) {
	r := sampleResults()
	r.row("start").cell(supinitName).add(40)
	r.row("start").cell(supinitName).add(60)
	r.row("start").cell(supinitName).add(50)
	r.row("start").cell(directName).add(30)
	r.row("rss").cell(supinitName).add(15)
	r.row("idle-switches").cell(supinitName).add(0)
	r.row("orphans").cell(supinitName).fail(errors.New("did not exit within 2m0s"))
	r.flow(flowBlock, flowSupinit).MBps.add(900)
	r.flow(flowBlock, flowPrefix).MBps.add(400)

	var b strings.Builder
	printMarkdown(&b, r)
	out := b.String()
	for _, want := range []string{
		"2 × Test CPU, Linux 6.1; today",
		"| start: exec → 50 programs RUNNING (ms) | 50.0 (40.0–60.0) | 1000.0 | — | 30.0 | 20.0× faster than supervisord 4.2.5 | ≥ 20× faster than supervisord: met |",
		"| RSS (VmRSS) with 50 programs (MiB) | 15.0 | 30.0 | — | — | 2.0× smaller than supervisord 4.2.5 | ≤ ⅓ of supervisord: **MISSED** |",
		"| 0 | 31 | — | — | 0 vs 31 (supervisord 4.2.5) | 0 (no periodic wake-ups): met |",
		"n/a (error: did not exit within 2m0s) | — | 2000.0 | — |",
		"| supinit | 1 MB writes | 900 | — | 90% | 9.0× |",
		"| supinit --prefix | 1 MB writes | 400 | — | 40% | 4.0× |",
		"Targets missed: RSS (VmRSS) with 50 programs (MiB); log throughput, supinit, 1 MB writes; log throughput, supinit --prefix, 1 MB writes.",
		"Targets not measured (a value is missing): stop: SIGTERM → exit, 50 programs (ms);",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q; got:\n%s", want, out)
		}
	}
	// Every table line has the same number of columns as its header.
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| measurement") || strings.HasPrefix(line, "| start") {
			if n := strings.Count(strings.ReplaceAll(line, `\|`, ""), "|"); n != 8 {
				t.Errorf("%d pipes in %q, want 8", n, line)
			}
		}
	}
}

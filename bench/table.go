package main

import (
	"fmt"
	"io"
	"strings"
)

// columns are the contenders of the main table, in order.
func columns() []string { return []string{supinitName, supervisordName, tiniName, directName} }

// printMarkdown writes the report: a header naming the machine and the
// settings, the main table, the throughput table and the missed targets.
func printMarkdown(w io.Writer, r *results) {
	m, s := r.Machine, r.Settings
	fmt.Fprintf(w, "## supinit benchmarks\n\n")
	fmt.Fprintf(w, "- machine: %d × %s, Linux %s; %s\n", m.CPUs, m.Model, m.Kernel, m.Date)
	fmt.Fprintf(w, "- contenders: supinit `%s` (%s); %s; %s\n", s.SupinitAt, m.SupinitBuild, m.Supervisord, m.Tini)
	fmt.Fprintf(w, "- median (min–max) of %d runs (idle: %d); %d programs; idle window %s; "+
		"%d writers × %d MB; %d orphans\n\n", s.Reps, s.IdleReps, s.Programs, s.Idle,
		s.Writers, s.WriterMB, s.Orphans)

	cols := columns()
	fmt.Fprintf(w, "| measurement | %s | supinit vs others | target |\n", strings.Join(cols, " | "))
	fmt.Fprintf(w, "|---|%s---|---|\n", strings.Repeat("---:|", len(cols)))
	var missed, unmeasured []string
	for _, x := range r.Rows {
		cells := make([]string, len(cols))
		for i, c := range cols {
			cells[i] = x.Cells[c].format(x.digits)
		}
		target, miss := targetText(x)
		if miss {
			missed = append(missed, x.Title)
		}
		if strings.HasSuffix(target, notMeasured) {
			unmeasured = append(unmeasured, x.Title)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", x.Title, strings.Join(cells, " | "), ratios(x), target)
	}

	fmt.Fprintf(w, "\n| log throughput: %d writers → init → one stdout pipe | writers make | MB/s | CPU s per GB | %% of cat | × supervisord | target |\n", s.Writers)
	fmt.Fprintf(w, "|---|---|---:|---:|---:|---:|---|\n")
	for _, f := range r.Flows {
		cat, _ := r.flow(f.Writes, flowCat).MBps.median()
		sd, _ := r.flow(f.Writes, flowSupervisord).MBps.median()
		mbps, ok := f.MBps.median()
		ofCat, timesSD := "—", "—"
		if ok && cat > 0 && f.Name != flowCat {
			ofCat = fmt.Sprintf("%.0f%%", 100*mbps/cat)
		}
		if ok && sd > 0 && f.Name != flowSupervisord {
			timesSD = fmt.Sprintf("%.1f×", mbps/sd)
		}
		target := ""
		if f.target {
			var miss bool
			target, miss = flowTarget(ok, mbps, cat, sd)
			name := "log throughput, " + f.Name + ", " + f.Writes
			if miss {
				missed = append(missed, name)
			}
			if strings.HasSuffix(target, notMeasured) {
				unmeasured = append(unmeasured, name)
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", f.Name, f.Writes, f.MBps.format(0),
			f.CPUPerGB.format(2), ofCat, timesSD, target)
	}

	fmt.Fprintln(w)
	if len(missed) > 0 {
		fmt.Fprintf(w, "Targets missed: %s.\n", strings.Join(missed, "; "))
	}
	if len(unmeasured) > 0 {
		fmt.Fprintf(w, "Targets not measured (a value is missing): %s.\n", strings.Join(unmeasured, "; "))
	}
	if len(missed) == 0 && len(unmeasured) == 0 {
		fmt.Fprintf(w, "All targets met.\n")
	}
}

// notMeasured ends a target cell whose values are missing.
const notMeasured = ": not measured"

// ratios compares supinit's median with every other contender's.
func ratios(x *row) string {
	s, ok := x.Cells[supinitName].median()
	if !ok {
		return "—"
	}
	var parts []string
	// The floor is context, not a contender.
	for _, c := range []string{supervisordName, tiniName} {
		if o, ok := x.Cells[c].median(); ok {
			parts = append(parts, ratioText(s, o, x.better, x.worse, c))
		}
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, "; ")
}

// targetText says whether supinit meets the row's target; miss is true
// only when it was measured and missed.
func targetText(x *row) (text string, miss bool) {
	if x.Target == "" {
		return "", false
	}
	med := map[string]float64{}
	for name, c := range x.Cells {
		if v, ok := c.median(); ok {
			med[name] = v
		}
	}
	met, ok := x.meets(med)
	switch {
	case !ok:
		return x.Target + notMeasured, false
	case met:
		return x.Target + ": met", false
	default:
		return x.Target + ": **MISSED**", true
	}
}

// flowTarget checks the throughput targets: at least half of cat's rate
// and ten times supervisord's.
func flowTarget(ok bool, mbps, cat, sd float64) (text string, miss bool) {
	const want = "≥ 50% of cat, ≥ 10× supervisord"
	if !ok || cat == 0 || sd == 0 {
		return want + notMeasured, false
	}
	var failed []string
	if mbps < cat/2 {
		failed = append(failed, "below 50% of cat")
	}
	if mbps < 10*sd {
		failed = append(failed, "below 10× supervisord")
	}
	if len(failed) > 0 {
		return want + ": **MISSED** (" + strings.Join(failed, ", ") + ")", true
	}
	return want + ": met", false
}

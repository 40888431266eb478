package main

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// cell is one contender's repetitions of one measurement.
type cell struct {
	Samples []float64 `json:"samples,omitempty"`
	Errors  []string  `json:"errors,omitempty"`
}

func (c *cell) add(v float64) { c.Samples = append(c.Samples, v) }

func (c *cell) fail(err error) { c.Errors = append(c.Errors, err.Error()) }

// median of the samples; ok is false when there are none.
func (c *cell) median() (float64, bool) {
	if c == nil || len(c.Samples) == 0 {
		return 0, false
	}
	return median(c.Samples), true
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func minMax(xs []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		lo, hi = min(lo, x), max(hi, x)
	}
	return lo, hi
}

// format renders the median with the range of the samples, or why there is
// no value: "12.3 (11.8–13.0)", "n/a (error: …)".
func (c *cell) format(digits int) string {
	if c == nil {
		return "—"
	}
	m, ok := c.median()
	if !ok {
		if len(c.Errors) == 0 {
			return "—"
		}
		return "n/a (error: " + oneLine(c.Errors[0]) + ")"
	}
	s := formatNumber(m, digits)
	if len(c.Samples) > 1 {
		lo, hi := minMax(c.Samples)
		// A range that rounds to one number says nothing.
		if l, h := formatNumber(lo, digits), formatNumber(hi, digits); l != h {
			s += " (" + l + "–" + h + ")"
		}
	}
	if len(c.Errors) > 0 {
		s += fmt.Sprintf("; %d of %d runs failed: %s", len(c.Errors),
			len(c.Errors)+len(c.Samples), oneLine(c.Errors[0]))
	}
	return s
}

func formatNumber(v float64, digits int) string {
	return fmt.Sprintf("%.*f", digits, v)
}

// oneLine makes an error message fit in a markdown table cell.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.ReplaceAll(s, "|", "\\|")
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}

// ratioText compares supinit's value with another contender's where lower
// is better (time, memory, wake-ups): "20.3× faster than supervisord",
// "1.2× slower than tini", or "0 vs 31 (supervisord)" when a value is 0.
func ratioText(supinit, other float64, better, worse, name string) string {
	switch {
	case supinit == other:
		return "equal to " + name
	case supinit == 0 || other == 0:
		return fmt.Sprintf("%s vs %s (%s)", trimNumber(supinit), trimNumber(other), name)
	}
	r := other / supinit
	if r >= 1 {
		return fmt.Sprintf("%.1f× %s than %s", r, better, name)
	}
	return fmt.Sprintf("%.1f× %s than %s", 1/r, worse, name)
}

// trimNumber prints whole numbers without decimals.
func trimNumber(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3g", v)
}

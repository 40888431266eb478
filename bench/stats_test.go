package main

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		name string
		in   []float64
		want float64
	}{
		{"one", []float64{7}, 7},
		{"odd unsorted", []float64{5, 1, 3}, 3},
		{"even is the mean of the middle two", []float64{4, 1, 3, 2}, 2.5},
		{"duplicates", []float64{2, 2, 9}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.in)
			if got := median(in); got != tt.want {
				t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
			}
			if !slices.Equal(in, tt.in) {
				t.Errorf("median reordered its input: %v", in)
			}
		})
	}
}

func TestMinMax(t *testing.T) {
	lo, hi := minMax([]float64{3, -1, 8, 2})
	if lo != -1 || hi != 8 {
		t.Errorf("minMax = %v, %v; want -1, 8", lo, hi)
	}
}

func TestCellFormat(t *testing.T) {
	tests := []struct {
		name   string
		c      *cell
		digits int
		want   string
	}{
		{"not applicable", nil, 1, "—"},
		{"empty", &cell{}, 1, "—"},
		{"one sample has no range", &cell{Samples: []float64{12.34}}, 1, "12.3"},
		{"median and range", &cell{Samples: []float64{30, 10, 20}}, 0, "20 (10–30)"},
		{"equal samples have no range", &cell{Samples: []float64{5, 5}}, 0, "5"},
		{"a range that rounds away", &cell{Samples: []float64{30.91, 30.94}}, 1, "30.9"},
		{"only errors", &cell{Errors: []string{"cannot find binary:\n  stat bin/supinit"}}, 1,
			"n/a (error: cannot find binary: stat bin/supinit)"},
		{"pipes are escaped", &cell{Errors: []string{"a | b"}}, 1, `n/a (error: a \| b)`},
		{"some runs failed", &cell{Samples: []float64{1, 3}, Errors: []string{"timeout"}}, 0,
			"2 (1–3); 1 of 3 runs failed: timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.c.format(tt.digits); got != tt.want {
				t.Errorf("format = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCellAddFail(t *testing.T) {
	var c cell
	c.add(2)
	c.fail(errors.New("boom"))
	c.add(4)
	if m, ok := c.median(); !ok || m != 3 {
		t.Errorf("median = %v, %v; want 3, true", m, ok)
	}
	if !slices.Equal(c.Errors, []string{"boom"}) {
		t.Errorf("errors = %v", c.Errors)
	}
}

func TestRatioText(t *testing.T) {
	tests := []struct {
		name           string
		supinit, other float64
		want           string
	}{
		{"supinit lower", 50, 1000, "20.0× faster than X"},
		{"supinit higher", 30, 20, "1.5× slower than X"},
		{"equal", 4, 4, "equal to X"},
		{"supinit zero", 0, 31, "0 vs 31 (X)"},
		{"other zero", 2.5, 0, "2.5 vs 0 (X)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ratioText(tt.supinit, tt.other, "faster", "slower", "X"); got != tt.want {
				t.Errorf("ratioText(%v, %v) = %q, want %q", tt.supinit, tt.other, got, tt.want)
			}
		})
	}
}

func TestParseStat(t *testing.T) {
	// The command name may hold spaces and parentheses.
	line := "4242 (a) (b c) S 17 4242 4200 0 -1 4194560 120 0 0 0 250 37 0 0 20 0 3 0 99 1000 200\n"
	got, err := parseStat(line)
	if err != nil {
		t.Fatal(err)
	}
	want := statFields{state: "S", ppid: 17, session: 4200, cpu: 2870 * time.Millisecond}
	if got != want {
		t.Errorf("parseStat = %+v, want %+v", got, want)
	}
	if _, err := parseStat("4242 (x) S 1 2"); err == nil {
		t.Error("parseStat accepted a short line")
	}
}

func TestMarkerCounter(t *testing.T) {
	tests := []struct {
		name   string
		chunks []string
		want   int64
	}{
		{"whole markers", []string{"bench-up\nbench-up\n", "bench-up\n"}, 3},
		{"split across chunks", []string{"x bench-", "up\nbe", "nch-up", "\n"}, 2},
		{"one byte at a time", []string{"b", "e", "n", "c", "h", "-", "u", "p", "\n"}, 1},
		{"prefixed lines count", []string{"p001 | bench-up\n"}, 1},
		{"near misses do not", []string{"bench-upx\nbench-\nup\n"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := markerCounter{marker: []byte(upMarker)}
			var got int64
			for _, c := range tt.chunks {
				got += m.feed([]byte(c))
			}
			if got != tt.want {
				t.Errorf("counted %d markers, want %d", got, tt.want)
			}
		})
	}
}

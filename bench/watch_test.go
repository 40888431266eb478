package main

import (
	"os"
	"testing"
	"time"
)

func TestOutputWatch(t *testing.T) {
	tests := []struct {
		name      string
		write     []string
		spec      watchSpec
		wantReach bool
		wantLines int64
	}{
		{"marks reached", []string{"bench-up\n", "noise\nbench-up\n"},
			watchSpec{marker: upMarker, wantMarks: 2}, true, 3},
		{"lines reached", []string{"a\nb\n", "c\n"}, watchSpec{wantLines: 3}, true, 3},
		{"output ends first", []string{"bench-up\n"},
			watchSpec{marker: upMarker, wantMarks: 2}, false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			firstPid := make(chan int, 1)
			tt.spec.onFirstByte = func(pid int) { firstPid <- pid }
			watch := newOutputWatch(r, tt.spec)
			defer watch.close()
			go watch.run(42)
			for _, s := range tt.write {
				if _, err := w.WriteString(s); err != nil {
					t.Fatal(err)
				}
			}
			w.Close()
			// The end of output must end the wait long before the timeout.
			begin := time.Now()
			_, reached := watch.wait(10 * time.Second)
			if reached != tt.wantReach {
				t.Errorf("reached = %v, want %v", reached, tt.wantReach)
			}
			if d := time.Since(begin); d > 5*time.Second {
				t.Errorf("wait took %v after the output ended", d)
			}
			<-watch.ended
			if _, _, lines, _ := watch.counts(); lines != tt.wantLines {
				t.Errorf("counted %d lines, want %d", lines, tt.wantLines)
			}
			select {
			case pid := <-firstPid:
				if pid != 42 {
					t.Errorf("onFirstByte got pid %d, want 42", pid)
				}
			default: // run has returned, so onFirstByte must have run
				t.Error("onFirstByte was not called")
			}
		})
	}
}

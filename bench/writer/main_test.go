package main

import (
	"bytes"
	"testing"
)

func TestMakeBlock(t *testing.T) {
	block, lines := makeBlock()
	if len(block) != blockSize {
		t.Fatalf("block is %d bytes, want %d", len(block), blockSize)
	}
	if got := bytes.Count(block, []byte{'\n'}); got != lines {
		t.Errorf("block has %d newlines, makeBlock says %d lines", got, lines)
	}
	if block[len(block)-1] != '\n' {
		t.Error("block does not end on a line boundary")
	}
	lengths := map[int]bool{}
	for _, line := range bytes.SplitAfter(block, []byte{'\n'}) {
		if len(line) == 0 {
			continue
		}
		if len(line) < 20 || len(line) > 239 {
			t.Errorf("line of %d bytes, want 20..239", len(line))
		}
		lengths[len(line)] = true
	}
	if len(lengths) < 100 {
		t.Errorf("only %d distinct line lengths: lengths should vary", len(lengths))
	}
}

package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Checks of what the end-to-end output tests read back.

// inDir is path, relative paths taken in dir.
func inDir(dir, path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}

// withoutWarnings drops the config warnings supinit prints on stderr at
// start ("warning: FILE:LINE: ... maxbytes ... no rotation").
func withoutWarnings(b []byte) []byte {
	var out []byte
	for _, line := range bytes.SplitAfter(b, []byte("\n")) {
		if !bytes.HasPrefix(line, []byte("warning: ")) {
			out = append(out, line...)
		}
	}
	return out
}

// hasAll reports whether every line of lines is in b.
func hasAll(b []byte, lines []string) bool {
	for _, l := range lines {
		if !bytes.Contains(b, []byte(l+"\n")) {
			return false
		}
	}
	return true
}

// checkLinesInOrder checks that out, a stream carrying nothing but whole
// lines, holds exactly the lines of want, each program's in its order.
func checkLinesInOrder(t *testing.T, out []byte, want []string) {
	t.Helper()
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	errs := 0
	nextOf := map[string]int{} // program → index of its next line in want
	byProg := map[string][]string{}
	for _, w := range want {
		p, _, _ := strings.Cut(w, " ")
		byProg[p] = append(byProg[p], w)
	}
	for _, g := range got {
		p, _, _ := strings.Cut(g, " ")
		i := nextOf[p]
		if i >= len(byProg[p]) || byProg[p][i] != g {
			if errs++; errs <= 10 {
				t.Errorf("unexpected line %q (program %q's next line is #%d of %v)", g, p, i, len(byProg[p]))
			}
			continue
		}
		nextOf[p]++
	}
	for p, lines := range byProg {
		if nextOf[p] != len(lines) {
			t.Errorf("%s: %d of %d lines arrived", p, nextOf[p], len(lines))
		}
	}
	if t.Failed() {
		t.Logf("the stream:\n%s", tail(out))
	}
}

// e2ePattern and e2eLineLen must match testdata/output/writer: a payload
// of line seq is e2ePattern[seq%26 : seq%26+e2eLineLen(seq)].
var e2ePattern = func() []byte {
	b := make([]byte, 8192)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return b
}()

func e2eLineLen(seq int) int {
	if seq%997 == 996 {
		return 4000 + seq%4000
	}
	return (seq * 7919) % 121
}

// checkNumbered checks the output of `writer lines ID n` for each id:
// every line intact and in order, then its END line, and nothing else.
// With prefix each line must carry "ID | " (the label may be padded).
// After a bad line it resynchronises, so that each fault is told once.
func checkNumbered(t *testing.T, out []byte, ids []string, n int, prefix bool) {
	t.Helper()
	next := map[string]int{} // id → its next line's number; n is END
	good := map[string]int{} // id → lines that were right
	for _, id := range ids {
		next[id] = 0
	}
	errs := 0
	bad := func(line []byte, format string, args ...any) {
		if errs++; errs <= 10 {
			t.Errorf("line %.200q: %s", line, fmt.Sprintf(format, args...))
		}
	}
	for len(out) > 0 {
		i := bytes.IndexByte(out, '\n')
		if i < 0 {
			bad(out, "no newline at the end of the stream")
			break
		}
		line := out[:i]
		out = out[i+1:]
		var label []byte
		if prefix {
			var ok bool
			if label, line, ok = bytes.Cut(line, []byte(" | ")); !ok {
				bad(line, "no prefix")
				continue
			}
			label = bytes.TrimRight(label, " ")
		}
		id, rest, _ := bytes.Cut(line, []byte(" "))
		seqText, payload, _ := bytes.Cut(rest, []byte(" "))
		want, known := next[string(id)]
		seq, err := strconv.Atoi(string(seqText))
		if string(seqText) == "END" && string(payload) == strconv.Itoa(n) {
			seq, err = n, nil
		}
		switch {
		case !known || err != nil || seq < 0 || seq > n:
			bad(line, "not a line of %v", ids)
			continue
		case prefix && !bytes.Equal(label, id):
			bad(line, "labelled %q", label)
		case want > n:
			bad(line, "after the END line of %s", id)
		case seq != want:
			bad(line, "want %s line %d", id, want)
		case seq < n && !bytes.Equal(payload, e2ePattern[seq%26:seq%26+e2eLineLen(seq)]):
			bad(line, "payload of %s line %d damaged", id, seq)
		default:
			good[string(id)]++
		}
		next[string(id)] = seq + 1
	}
	if errs > 10 {
		t.Errorf("... %d bad lines in all", errs)
	}
	for _, id := range ids {
		if good[id] != n+1 || next[id] != n+1 {
			t.Errorf("%s: %d of %d lines (with END) arrived intact and in order", id, good[id], n+1)
		}
	}
}

// fileHas reports whether the file at path exists and contains s.
func fileHas(path, s string) bool {
	b, err := os.ReadFile(path)
	return err == nil && bytes.Contains(b, []byte(s))
}

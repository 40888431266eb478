package events

import (
	"strings"
	"testing"
)

// capture feeds chunks to a new Capture (then ends it) and returns the
// log (Output pieces joined), the captured text (Captured pieces joined)
// and each block sent.
func capture(maxBytes int64, chunks ...string) (log, captured string, blocks []string) {
	c := NewCapture(maxBytes)
	var pieces []Piece
	for _, ch := range chunks {
		pieces = append(pieces, c.Feed([]byte(ch))...)
	}
	pieces = append(pieces, c.End()...)
	var l, cp strings.Builder
	for _, p := range pieces {
		switch p.Kind {
		case Output:
			l.Write(p.Data)
		case Captured:
			cp.Write(p.Data)
		case Communication:
			blocks = append(blocks, string(p.Data))
		}
	}
	return l.String(), cp.String(), blocks
}

func TestCapture(t *testing.T) {
	tests := []struct {
		name     string
		max      int64
		chunks   []string
		log      string
		captured string
		blocks   []string
	}{
		{"no tokens", 100, []string{"plain\n", "text\n"}, "plain\ntext\n", "", nil},
		{"one block in one read", 100,
			[]string{"before " + CommBegin + "secret data" + CommEnd + " after\n"},
			"before  after\n", "secret data", []string{"secret data"}},
		{"two blocks, each its own", 100,
			[]string{CommBegin + "one" + CommEnd + "x" + CommBegin + "two" + CommEnd},
			"x", "onetwo", []string{"one", "two"}},
		{"empty block", 100, []string{"a" + CommBegin + CommEnd + "b"}, "ab", "", []string{""}},
		{"block over several reads", 100,
			[]string{"log " + CommBegin + "line1\n", "line2\n", "line3" + CommEnd + "\n"},
			"log \n", "line1\nline2\nline3", []string{"line1\nline2\nline3"}},
		{"capped: the newest bytes are kept", 5,
			[]string{CommBegin + "0123", "456789" + CommEnd},
			"", "0123456789", []string{"56789"}},
		{"no end token: dropped, no event", 100, []string{"a" + CommBegin + "half"}, "a", "half", nil},
		{"a token start at EOF is text", 100, []string{"prompt <!--XSUP"}, "prompt <!--XSUP", "", nil},
		{"a token start that turns out to be text", 100, []string{"x <!--", "nope\n"}, "x <!--nope\n", "", nil},
		{"an end token outside a block is text", 100, []string{CommEnd + "\n"}, CommEnd + "\n", "", nil},
		{"a begin token inside a block is data", 100,
			[]string{CommBegin + "a" + CommBegin + "b" + CommEnd},
			"", "a" + CommBegin + "b", []string{"a" + CommBegin + "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log, captured, blocks := capture(tt.max, tt.chunks...)
			if log != tt.log || captured != tt.captured || strings.Join(blocks, "|") != strings.Join(tt.blocks, "|") || len(blocks) != len(tt.blocks) {
				t.Fatalf("log %q captured %q blocks %q; want %q %q %q", log, captured, blocks, tt.log, tt.captured, tt.blocks)
			}
		})
	}
}

// However the reads fall (tokens cut anywhere), the outcome is the same.
func TestCaptureAnySplit(t *testing.T) {
	out := "before " + CommBegin + "secret" + CommEnd + " mid <!-- " + CommBegin + "x" + CommEnd + "after\n"
	wantLog, wantCaptured, wantBlocks := "before  mid <!-- after\n", "secretx", "secret|x"
	for i := 0; i <= len(out); i++ {
		for j := i; j <= len(out); j++ {
			log, captured, blocks := capture(100, out[:i], out[i:j], out[j:])
			if log != wantLog || captured != wantCaptured || strings.Join(blocks, "|") != wantBlocks {
				t.Fatalf("split at %d, %d: log %q captured %q blocks %q", i, j, log, captured, blocks)
			}
		}
	}
}

func TestCaptureHoldsOnlyATokenStart(t *testing.T) {
	c := NewCapture(100)
	pieces := c.Feed([]byte("ok\n<!--XS"))
	if len(pieces) != 1 || pieces[0].Kind != Output || string(pieces[0].Data) != "ok\n" {
		t.Fatalf("pieces %+v; want the text before the possible token at once", pieces)
	}
	// supervisord would hold a chunk this short until more output comes.
	if pieces := c.Feed([]byte("x\n")); len(pieces) != 1 || string(pieces[0].Data) != "<!--XSx\n" {
		t.Fatalf("pieces %+v; want the held bytes with the new ones", pieces)
	}
}

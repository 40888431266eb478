package events

import (
	"reflect"
	"testing"
)

// run feeds a parser what a listener writes, turn by turn: a turn is what
// it writes before it waits for the supervisor again. After each turn that
// leaves it READY, it is sent an event. split cuts each turn into
// one-byte reads, the worst split a pipe can give. run returns a compact
// trace of the replies and the final state.
func run(turns []string, split bool) []string {
	p := newParser()
	var trace []string
	for _, turn := range turns {
		chunks := []string{turn}
		if split {
			chunks = nil
			for i := range len(turn) {
				chunks = append(chunks, turn[i:i+1])
			}
		}
		for _, c := range chunks {
			for _, r := range p.feed([]byte(c)) {
				switch r.kind {
				case replyReady:
					trace = append(trace, "ready")
				case replyResult:
					trace = append(trace, "result:"+string(r.body))
				case replyViolation:
					trace = append(trace, "violation")
				}
			}
		}
		if p.state == Ready {
			p.sent()
		}
	}
	return append(trace, p.state.String())
}

func TestParser(t *testing.T) {
	tests := []struct {
		name  string
		turns []string
		want  []string
	}{
		{"ready", []string{"READY\n"}, []string{"ready", "BUSY"}},
		{"ok cycle", []string{"READY\n", "RESULT 2\nOK"}, []string{"ready", "result:OK", "ACKNOWLEDGED"}},
		{"result and ready in one write", []string{"READY\n", "RESULT 2\nOKREADY\n", "RESULT 4\nFAIL"},
			[]string{"ready", "result:OK", "ready", "result:FAIL", "ACKNOWLEDGED"}},
		{"empty result", []string{"READY\n", "RESULT 0\n"}, []string{"ready", "result:", "ACKNOWLEDGED"}},
		{"body with newlines", []string{"READY\n", "RESULT 7\nab\ncd\ne"}, []string{"ready", "result:ab\ncd\ne", "ACKNOWLEDGED"}},
		{"blanks around length", []string{"READY\n", "RESULT  2 \r\nOK"}, []string{"ready", "result:OK", "ACKNOWLEDGED"}},
		{"partial ready waits", []string{"REA"}, []string{"ACKNOWLEDGED"}},
		{"partial body waits", []string{"READY\n", "RESULT 4\nFA"}, []string{"ready", "BUSY"}},
		{"banner before ready", []string{"hello\nREADY\n"}, []string{"violation", "UNKNOWN"}},
		{"lowercase ready", []string{"ready\n"}, []string{"violation", "UNKNOWN"}},
		{"more after ready", []string{"READY\nRESULT 2\nOK"}, []string{"ready", "violation", "UNKNOWN"}},
		// The corpus warns about this one: a newline after OK arrives
		// while ACKNOWLEDGED.
		{"newline after OK", []string{"READY\n", "RESULT 2\nOK\nREADY\n"}, []string{"ready", "result:OK", "violation", "UNKNOWN"}},
		{"bad length", []string{"READY\n", "RESULT x\nOK"}, []string{"ready", "violation", "UNKNOWN"}},
		{"negative length", []string{"READY\n", "RESULT -1\n"}, []string{"ready", "violation", "UNKNOWN"}},
		{"short result line", []string{"READY\n", "OK\n"}, []string{"ready", "violation", "UNKNOWN"}},
		{"ignored after unknown", []string{"junk!!", "READY\n"}, []string{"violation", "UNKNOWN"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := run(tt.turns, false); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("whole turns: %q, want %q", got, tt.want)
			}
			if got := run(tt.turns, true); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("byte by byte: %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParserWritesWhileReady(t *testing.T) {
	p := newParser()
	if got := p.feed([]byte("READY\n")); len(got) != 1 || got[0].kind != replyReady {
		t.Fatalf("feed(READY) = %v", got)
	}
	// No event was sent: anything now breaks the protocol.
	got := p.feed([]byte("RESULT 2\nOK"))
	if len(got) != 1 || got[0].kind != replyViolation || p.state != Unknown {
		t.Fatalf("feed while READY = %v, state %s", got, p.state)
	}
	if got := p.feed([]byte("READY\n")); got != nil {
		t.Errorf("an Unknown parser answered %v", got)
	}
}

func TestParserLongResultLine(t *testing.T) {
	p := newParser()
	p.feed([]byte("READY\n"))
	p.sent()
	line := make([]byte, maxResultLine+1)
	for i := range line {
		line[i] = 'R'
	}
	got := p.feed(line)
	if len(got) != 1 || got[0].kind != replyViolation {
		t.Fatalf("a %d-byte line without newline gave %v", len(line), got)
	}
}

package events

import (
	"bytes"
	"fmt"
	"strconv"
)

// ListenerState is where one listener process stands in the protocol.
type ListenerState int

const (
	// Acknowledged: the listener was just started or has answered its
	// last event; it is expected to write READY next.
	Acknowledged ListenerState = iota
	// Ready: the listener wrote READY and waits for an event.
	Ready
	// Busy: the listener was sent an event and owes a RESULT.
	Busy
	// Unknown: the listener broke the protocol. It gets no events until
	// it is started again.
	Unknown
)

func (s ListenerState) String() string {
	switch s {
	case Acknowledged:
		return "ACKNOWLEDGED"
	case Ready:
		return "READY"
	case Busy:
		return "BUSY"
	case Unknown:
		return "UNKNOWN"
	}
	return fmt.Sprintf("ListenerState(%d)", int(s))
}

const (
	readyToken  = "READY\n"
	resultToken = "RESULT "
	// maxResultLine bounds the bytes kept while waiting for the newline
	// of "RESULT <len>": a listener that writes a long line without one
	// is broken, and waiting would only grow the buffer.
	maxResultLine = 1024
)

// replyKind is what a complete piece of listener output meant.
type replyKind int

const (
	replyReady     replyKind = iota + 1 // READY\n
	replyResult                         // RESULT <len>\n<body>
	replyViolation                      // anything else
)

type reply struct {
	kind replyKind
	body []byte // replyResult: the result body
	why  string // replyViolation: what was wrong, for the log
}

// parser follows what one listener process writes on its stdout. Data may
// arrive in any split: a token cut across reads waits for the rest.
type parser struct {
	state     ListenerState
	buf       []byte
	resultLen int // length announced by the RESULT line; -1 until it is read
}

func newParser() parser {
	return parser{resultLen: -1}
}

// sent records that an event was written to the listener: READY → BUSY.
func (p *parser) sent() {
	p.state = Busy
}

// feed consumes data and returns what it meant, in order. After a
// violation the parser is Unknown and ignores everything until reset.
func (p *parser) feed(data []byte) []reply {
	if p.state == Unknown {
		return nil
	}
	p.buf = append(p.buf, data...)
	var out []reply
	for len(p.buf) > 0 {
		r, done := p.step()
		if r.kind != 0 {
			out = append(out, r)
		}
		if r.kind == replyViolation {
			p.state, p.buf, p.resultLen = Unknown, nil, -1
			return out
		}
		if !done {
			break // wait for more data
		}
	}
	if len(p.buf) == 0 {
		p.buf = nil // let a large body's array go
	}
	return out
}

// step consumes at most one token from the buffer. done is false when the
// buffer holds only the start of a token.
func (p *parser) step() (r reply, done bool) {
	switch p.state {
	case Acknowledged:
		n := min(len(p.buf), len(readyToken))
		// supervisord waits for six bytes before it judges; failing as
		// soon as the bytes cannot become READY\n ends the same way.
		if string(p.buf[:n]) != readyToken[:n] {
			return violation("expected READY, got %q", clip(p.buf)), true
		}
		if n < len(readyToken) {
			return reply{}, false
		}
		p.buf = p.buf[n:]
		p.state = Ready
		return reply{kind: replyReady}, true
	case Ready:
		return violation("wrote %q while READY, before it was sent an event", clip(p.buf)), true
	case Busy:
		return p.stepResult()
	}
	return reply{}, false
}

// stepResult reads "RESULT <len>\n" and then <len> bytes of body.
func (p *parser) stepResult() (reply, bool) {
	if p.resultLen < 0 {
		nl := bytes.IndexByte(p.buf, '\n')
		if nl < 0 {
			if len(p.buf) > maxResultLine {
				return violation("bad result line: %q", clip(p.buf)), true
			}
			return reply{}, false
		}
		line := p.buf[:nl]
		n, ok := parseResultLine(line)
		if !ok {
			return violation("bad result line: %q", clip(line)), true
		}
		p.buf = p.buf[nl+1:]
		p.resultLen = n
	}
	if len(p.buf) < p.resultLen {
		return reply{}, false
	}
	body := bytes.Clone(p.buf[:p.resultLen])
	p.buf = p.buf[p.resultLen:]
	p.resultLen = -1
	p.state = Acknowledged
	return reply{kind: replyResult, body: body}, true
}

// parseResultLine reads the length of "RESULT <len>". Like supervisord it
// looks only at what follows the first seven bytes and allows the blanks
// Python's int() allows; unlike it, a negative length is an error.
func parseResultLine(line []byte) (int, bool) {
	if len(line) < len(resultToken) {
		return 0, false
	}
	n, err := strconv.Atoi(string(bytes.TrimSpace(line[len(resultToken):])))
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

func violation(format string, args ...any) reply {
	return reply{kind: replyViolation, why: fmt.Sprintf(format, args...)}
}

// clip shortens what a broken listener wrote to a loggable size.
func clip(b []byte) []byte {
	const most = 80
	if len(b) > most {
		return b[:most]
	}
	return b
}

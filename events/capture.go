package events

import (
	"bytes"
	"math"
	"slices"
)

// The tokens a program writes around a PROCESS_COMMUNICATION block.
const (
	CommBegin = "<!--XSUPERVISOR:BEGIN-->"
	CommEnd   = "<!--XSUPERVISOR:END-->"
)

// PieceKind says what a Piece of a channel's output is.
type PieceKind int

const (
	// Output is ordinary output: it goes to the channel's log.
	Output PieceKind = iota + 1
	// Captured is output between the tokens: it is kept out of the log,
	// but supervisord still sends it as PROCESS_LOG, and so do we.
	Captured
	// Communication is a whole block, sent at its end token as a
	// PROCESS_COMMUNICATION event.
	Communication
)

// Piece is one part of a channel's output, in the order it was written.
type Piece struct {
	Kind PieceKind
	Data []byte
}

// Capture is supervisord's capture mode for one output channel with
// *_capture_maxbytes set: it finds the blocks a program writes between
// CommBegin and CommEnd, which leave the log and become events. The
// tokens themselves go nowhere. A token cut across two reads is found:
// the end of a chunk that may be the start of the awaited token is held
// until the next chunk (or the end of the output) tells.
//
// Unlike supervisord, which holds any output no longer than a token
// until more comes (so a short last line such as " after\n" is never
// logged), only such a possible token start is held.
type Capture struct {
	max    int
	inside bool   // between CommBegin and CommEnd
	held   []byte // the end of the output so far that may start a token
	block  []byte // the current block, its newest max bytes
}

// NewCapture starts the capture mode of one channel (one spawn's pipe)
// whose blocks keep at most maxBytes bytes, the newest. maxBytes must be
// above 0.
func NewCapture(maxBytes int64) *Capture {
	return &Capture{max: int(min(maxBytes, int64(math.MaxInt)))}
}

// Feed takes the next chunk of output and returns its pieces in order.
// Output and Captured pieces may share memory with chunk; a
// Communication piece's Data belongs to the caller.
func (c *Capture) Feed(chunk []byte) []Piece {
	data := chunk
	if len(c.held) > 0 {
		data = slices.Concat(c.held, chunk)
		c.held = nil
	}
	var out []Piece
	for len(data) > 0 {
		token := CommBegin
		if c.inside {
			token = CommEnd
		}
		i := bytes.Index(data, []byte(token))
		if i < 0 {
			keep := tokenStartAtEnd(data, token)
			out = c.add(out, data[:len(data)-keep])
			if keep > 0 {
				c.held = bytes.Clone(data[len(data)-keep:])
			}
			break
		}
		out = c.add(out, data[:i])
		data = data[i+len(token):]
		if c.inside {
			// An empty block is still an event, as in supervisord.
			out = append(out, Piece{Kind: Communication, Data: c.block})
			c.block = nil
		}
		c.inside = !c.inside
	}
	return out
}

// End is the end of the output (EOF): a held token start turns out to be
// plain text. A block that never got its end token is dropped without an
// event, as supervisord drops it.
func (c *Capture) End() []Piece {
	out := c.add(nil, c.held)
	c.held, c.block, c.inside = nil, nil, false
	return out
}

// add appends seg as a piece of the current mode, keeping a copy of
// captured bytes in the block.
func (c *Capture) add(out []Piece, seg []byte) []Piece {
	if len(seg) == 0 {
		return out
	}
	if !c.inside {
		return append(out, Piece{Kind: Output, Data: seg})
	}
	c.block = append(c.block, seg...)
	if over := len(c.block) - c.max; over > 0 {
		// supervisord's bound depends on how the reads fell; this one
		// keeps exactly the newest max bytes. (The next appends move
		// them to a new array once the old one is used up.)
		c.block = c.block[over:]
	}
	return append(out, Piece{Kind: Captured, Data: seg})
}

// tokenStartAtEnd is the length of the longest end of data that is a
// proper start of token (0 when none).
func tokenStartAtEnd(data []byte, token string) int {
	for n := min(len(token)-1, len(data)); n > 0; n-- {
		if bytes.HasSuffix(data, []byte(token[:n])) {
			return n
		}
	}
	return 0
}

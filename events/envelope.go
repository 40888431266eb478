package events

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Envelope is what supervisord writes to a listener's stdin for one event:
//
//	ver:3.0 server:<identifier> serial:<serial> pool:<pool> poolserial:<poolSerial> eventname:<NAME> len:<n>\n<payload>
//
// n counts characters, not bytes: supervisord measures the decoded Python
// string, and the listeners written for it read that many characters from
// a text-mode stdin (childutils.listener.wait). For ASCII payloads the two
// agree.
func Envelope(identifier string, serial int64, pool string, poolSerial int64, ev Event) []byte {
	header := fmt.Sprintf("ver:3.0 server:%s serial:%d pool:%s poolserial:%d eventname:%s len:%d\n",
		identifier, serial, pool, poolSerial, ev.Name, utf8.RuneCountInString(ev.Payload))
	return []byte(header + ev.Payload)
}

// pyBytesRepr is Python 3's repr() of a bytes object: b'...' (or b"..."
// when the data holds a single quote and no double quote), with \t \n \r
// \\ and the quote escaped, other bytes outside 0x20..0x7e as \xNN.
func pyBytesRepr(data []byte) string {
	quote := byte('\'')
	if bytes.IndexByte(data, '\'') >= 0 && bytes.IndexByte(data, '"') < 0 {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte('b')
	b.WriteByte(quote)
	for _, c := range data {
		switch {
		case c == quote || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, `\x%02x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

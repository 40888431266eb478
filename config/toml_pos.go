package config

import (
	"strings"

	"github.com/BurntSushi/toml"
)

// keyLine is the line where key is defined in f, or 0 when unknown.
func keyLine(f *tomlFile, key toml.Key) int { return f.lines[key.String()] }

// scanKeys maps every key of a TOML document that BurntSushi/toml has
// already accepted (by toml.Key.String()) to the line where it is first
// defined: a [table] header, a key = value line, a key inside an inline
// table, or the first dotted key that implies a table. literals maps each
// key whose value is a number, boolean or date to that value's text.
//
// BurntSushi/toml keeps key positions private, so this is a small
// scanner of our own. It only has to find keys in a valid document, so
// it skips values without checking them; every loop consumes input, so it
// ends on any input.
func scanKeys(data string) (lines map[string]int, literals map[string]string) {
	sc := &keyScanner{s: data, line: 1, lines: map[string]int{}, literals: map[string]string{}}
	var table toml.Key
	for {
		sc.skipBlank()
		if sc.i >= len(sc.s) {
			return sc.lines, sc.literals
		}
		if sc.s[sc.i] == '[' {
			sc.i++
			if sc.peek('[') { // [[array.of.tables]]
				sc.i++
			}
			table = sc.key()
			sc.record(table)
			sc.skipLine()
			continue
		}
		k := append(table[:len(table):len(table)], sc.key()...)
		sc.record(k)
		sc.value(k)
	}
}

type keyScanner struct {
	s        string
	i        int
	line     int
	lines    map[string]int
	literals map[string]string
}

func (sc *keyScanner) peek(c byte) bool { return sc.i < len(sc.s) && sc.s[sc.i] == c }

// record notes the line of key and of the tables its dotted parts imply.
func (sc *keyScanner) record(key toml.Key) {
	for n := 1; n <= len(key); n++ {
		if k := key[:n].String(); sc.lines[k] == 0 {
			sc.lines[k] = sc.line
		}
	}
}

func (sc *keyScanner) skipSpace() {
	for sc.i < len(sc.s) && (sc.s[sc.i] == ' ' || sc.s[sc.i] == '\t') {
		sc.i++
	}
}

// skipBlank skips spaces, newlines and comments.
func (sc *keyScanner) skipBlank() {
	for sc.i < len(sc.s) {
		switch sc.s[sc.i] {
		case '\n':
			sc.line++
			sc.i++
		case ' ', '\t', '\r':
			sc.i++
		case '#':
			sc.skipLine()
		default:
			return
		}
	}
}

// skipLine moves to the newline that ends the current line.
func (sc *keyScanner) skipLine() {
	for sc.i < len(sc.s) && sc.s[sc.i] != '\n' {
		sc.i++
	}
}

// key reads a dotted key up to (and including) its '=' or closing ']'.
func (sc *keyScanner) key() toml.Key {
	var key toml.Key
	for sc.i < len(sc.s) {
		sc.skipSpace()
		if sc.i >= len(sc.s) {
			break
		}
		switch c := sc.s[sc.i]; c {
		case '=', ']':
			sc.i++
			if c == ']' && sc.peek(']') {
				sc.i++
			}
			return key
		case '.':
			sc.i++
		case '"', '\'':
			key = append(key, sc.quotedKey(c))
		case '\n':
			return key // not valid TOML; stop here
		default:
			start := sc.i
			for sc.i < len(sc.s) && !strings.ContainsRune(" \t.=]\"'\n", rune(sc.s[sc.i])) {
				sc.i++
			}
			key = append(key, sc.s[start:sc.i])
		}
	}
	return key
}

// quotedKey reads a "basic" or 'literal' key and returns its value.
func (sc *keyScanner) quotedKey(q byte) string {
	start := sc.i
	sc.skipString(q, false)
	raw := sc.s[start:sc.i]
	if q == '\'' {
		return strings.TrimSuffix(strings.TrimPrefix(raw, "'"), "'")
	}
	var m map[string]string
	if err := toml.Unmarshal([]byte("k = "+raw), &m); err != nil {
		return raw
	}
	return m["k"]
}

// skipString skips a string that starts at sc.i with quote q, multi-line
// when the value starts with three quotes.
func (sc *keyScanner) skipString(q byte, allowMulti bool) {
	delim := string(q)
	if allowMulti && strings.HasPrefix(sc.s[sc.i:], strings.Repeat(delim, 3)) {
		delim = strings.Repeat(delim, 3)
	}
	sc.i += len(delim)
	for sc.i < len(sc.s) {
		switch {
		case sc.s[sc.i] == '\\' && q == '"':
			sc.i++
			if sc.peek('\n') {
				sc.line++
			}
		case strings.HasPrefix(sc.s[sc.i:], delim):
			sc.i += len(delim)
			// A multi-line string may end with up to two more quotes.
			for n := 0; len(delim) == 3 && n < 2 && sc.peek(q); n++ {
				sc.i++
			}
			return
		case sc.s[sc.i] == '\n':
			sc.line++
		}
		sc.i++
	}
}

// value skips the value of key, recording the keys of inline tables.
// key is nil inside arrays, whose tables have no key of their own.
func (sc *keyScanner) value(key toml.Key) {
	sc.skipSpace()
	if sc.i >= len(sc.s) {
		return
	}
	switch c := sc.s[sc.i]; c {
	case '"', '\'':
		sc.skipString(c, true)
	case '[':
		sc.i++
		for sc.skipBlank(); sc.i < len(sc.s) && !sc.peek(']'); sc.skipBlank() {
			if sc.peek(',') {
				sc.i++
				continue
			}
			sc.value(nil)
		}
		sc.i++
	case '{':
		sc.i++
		for sc.skipBlank(); sc.i < len(sc.s) && !sc.peek('}'); sc.skipBlank() {
			if sc.peek(',') {
				sc.i++
				continue
			}
			inner := sc.key()
			var full toml.Key
			if key != nil {
				full = append(key[:len(key):len(key)], inner...)
				sc.record(full)
			}
			sc.value(full)
		}
		sc.i++
	default: // a number, boolean or date: up to what may follow a value
		start := sc.i
		for sc.i < len(sc.s) && !strings.ContainsRune(",]}#\n", rune(sc.s[sc.i])) {
			sc.i++
		}
		if sc.i == start && !sc.peek('\n') {
			sc.i++ // not valid TOML; move on all the same
		}
		if key != nil {
			sc.literals[key.String()] = strings.TrimSpace(sc.s[start:sc.i])
		}
	}
}

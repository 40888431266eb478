package config

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file is a reader for the INI dialect supervisord 4.2.5 gets from
// Python 3's configparser.RawConfigParser with inline_comment_prefixes
// (";", "#") and strict=False, plus the positions supinit needs for its
// error messages. It follows the line algorithm of configparser._read
// step by step, because the corner cases (comment lines inside values,
// error lines, indented headers) only agree if the steps agree.

// iniValue is one option's value and where its winning occurrence is.
type iniValue struct {
	value string
	pos   Position
	// cut is true when an inline comment was stripped from a line of
	// this value: a quote it left unbalanced is a trap worth a warning.
	cut bool
	// fromDefault is true when expandHere copied a [DEFAULT] value into
	// the section: such keys are not the section's own.
	fromDefault bool

	pieces []string // the lines while the file that set it is read
}

// iniSection is one section after merging every occurrence of its name.
type iniSection struct {
	name string
	pos  Position // the first header with this name
	keys []string // option names in first-seen order
	opts map[string]*iniValue
}

func newINISection(name string, pos Position) *iniSection {
	return &iniSection{name: name, pos: pos, opts: map[string]*iniValue{}}
}

func (s *iniSection) set(key string, v *iniValue) {
	if _, ok := s.opts[key]; !ok {
		s.keys = append(s.keys, key)
	}
	s.opts[key] = v
}

// iniDoc is what configparser holds: sections in first-seen order and
// the [DEFAULT] options that show through in every one of them.
type iniDoc struct {
	sections []*iniSection
	byName   map[string]*iniSection
	defaults *iniSection
}

func newINIDoc() *iniDoc {
	return &iniDoc{byName: map[string]*iniSection{}, defaults: newINISection("DEFAULT", Position{})}
}

// section returns the named section or nil.
func (d *iniDoc) section(name string) *iniSection { return d.byName[name] }

// lookup is configparser's get(): the section's own option, else the
// [DEFAULT] one.
func (d *iniDoc) lookup(s *iniSection, key string) (*iniValue, bool) {
	if v, ok := s.opts[key]; ok {
		return v, true
	}
	v, ok := d.defaults.opts[key]
	return v, ok
}

// options is configparser's options(): own keys, then [DEFAULT] keys.
func (d *iniDoc) options(s *iniSection) []string {
	keys := append([]string(nil), s.keys...)
	for _, k := range d.defaults.keys {
		if _, ok := s.opts[k]; !ok {
			keys = append(keys, k)
		}
	}
	return keys
}

// read parses one file's bytes into the document, merging with what is
// already there. It returns the first problem as an *Error; like
// configparser, values read before a bad line are kept.
func (d *iniDoc) read(data []byte, file string) error {
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n"))
		return &Error{Pos: Position{File: file, Line: line}, Msg: "cannot read file: it is not valid UTF-8"}
	}
	var (
		cur      *iniSection
		curName  string
		optname  string
		hasOpt   bool // optname names an option of this read (configparser's truthy optname)
		indent   = 0
		firstErr error
		touched  []*iniValue
	)
	for i, line := range splitPythonLines(string(data)) {
		lineno := i + 1
		commentStart := inlineCommentStart(line)
		if strings.HasPrefix(pyStrip(line), "#") || strings.HasPrefix(pyStrip(line), ";") {
			commentStart = 0
		}
		text := line
		if commentStart >= 0 {
			text = line[:commentStart]
		}
		value := pyStrip(text)
		if value == "" {
			// An empty line belongs to the value being read, but a
			// comment line does not.
			if commentStart < 0 && cur != nil && hasOpt {
				if v := cur.opts[optname]; v != nil && v.pieces != nil {
					v.pieces = append(v.pieces, "")
				}
			}
			continue
		}
		curIndent := indentOf(line)
		if cur != nil && hasOpt && curIndent > indent {
			if v := cur.opts[optname]; v != nil && v.pieces != nil {
				v.pieces = append(v.pieces, value)
				v.cut = v.cut || commentStart > 0
			}
			continue
		}
		indent = curIndent
		if name, ok := matchHeader(value); ok {
			pos := Position{File: file, Line: lineno}
			switch {
			case d.byName[name] != nil:
				cur = d.byName[name]
			case name == "DEFAULT":
				cur = d.defaults
				if cur.pos.File == "" {
					cur.pos = pos
				}
			default:
				cur = newINISection(name, pos)
				d.sections = append(d.sections, cur)
				d.byName[name] = cur
			}
			curName, hasOpt = name, false
			continue
		}
		if cur == nil {
			return &Error{Pos: Position{File: file, Line: lineno},
				Msg: fmt.Sprintf("file contains no section headers: %s (expected a [section] line first)", pyRepr(line))}
		}
		key, val, ok := splitOption(value)
		if !ok || key == "" {
			if firstErr == nil {
				firstErr = &Error{Pos: Position{File: file, Line: lineno}, Section: curName,
					Msg: fmt.Sprintf("cannot parse line %s (expected key = value, key: value or a [section] header)", pyRepr(strings.TrimRight(line, "\r\n")))}
			}
			if !ok {
				continue
			}
		}
		optname = strings.ToLower(key)
		v := &iniValue{pos: Position{File: file, Line: lineno}, pieces: []string{val}, cut: commentStart > 0}
		cur.set(optname, v)
		touched = append(touched, v)
		hasOpt = optname != ""
	}
	// Join each value's lines once the whole file is read, as
	// configparser does, and drop the trailing empty ones.
	for _, v := range touched {
		if v.pieces != nil {
			v.value = pyRStrip(strings.Join(v.pieces, "\n"))
			v.pieces = nil
		}
	}
	return firstErr
}

// expandHere is supervisord's expand_here: after each file is read, the
// literal text "%(here)s" in every value of every section (including the
// [DEFAULT] values that show through, which get copied into the section)
// becomes the folder of the file just read.
func (d *iniDoc) expandHere(here string) {
	const token = "%(here)s"
	for _, s := range d.sections {
		for _, k := range d.options(s) {
			v, _ := d.lookup(s, k)
			if !strings.Contains(v.value, token) {
				continue
			}
			nv := *v
			nv.value = strings.ReplaceAll(v.value, token, here)
			if _, own := s.opts[k]; !own {
				nv.fromDefault = true
			}
			s.set(k, &nv)
		}
	}
}

// splitPythonLines splits like iterating over a Python text file in
// universal-newline mode: "\n", "\r\n" and a lone "\r" end a line. Each
// line keeps its end.
func splitPythonLines(s string) []string {
	var lines []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\n':
			lines = append(lines, s[start:i+1])
			start = i + 1
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			lines = append(lines, s[start:i+1])
			start = i + 1
		}
	}
	if start < len(s) {
		lines = append(lines, s[start:])
	}
	return lines
}

// inlineCommentStart is the byte index where configparser cuts an
// inline comment, or -1. A ";" or "#" counts when it starts the line or
// follows whitespace, but configparser looks at the n-th occurrence of
// both prefixes together, round by round, and stops at the first round
// with a valid one: in "x;y ;c #d" the first ";" is not valid, the first
// "#" is, so the cut is at "#", not at " ;".
func inlineCommentStart(line string) int {
	last := map[byte]int{';': -1, '#': -1}
	for len(last) > 0 {
		best := -1
		for p, from := range last {
			j := strings.IndexByte(line[from+1:], p)
			if j < 0 {
				delete(last, p)
				continue
			}
			j += from + 1
			last[p] = j
			prev, _ := utf8.DecodeLastRuneInString(line[:j])
			if (j == 0 || pyIsSpace(prev)) && (best < 0 || j < best) {
				best = j
			}
		}
		if best >= 0 {
			return best
		}
	}
	return -1
}

// matchHeader is configparser's SECTCRE.match: "[", then the longest run
// of characters up to the last "]" (at least one), anything after it
// ignored.
func matchHeader(value string) (string, bool) {
	if !strings.HasPrefix(value, "[") {
		return "", false
	}
	end := strings.LastIndexByte(value, ']')
	if end < 2 {
		return "", false
	}
	return value[1:end], true
}

// splitOption is configparser's OPTCRE: the first "=" or ":" splits the
// (already stripped) line into key and value, both stripped.
func splitOption(value string) (key, val string, ok bool) {
	i := strings.IndexAny(value, "=:")
	if i < 0 {
		return "", "", false
	}
	return pyRStrip(value[:i]), pyStrip(value[i+1:]), true
}

// indentOf is the index (in characters) of the first non-space
// character, as configparser's NONSPACECRE gives it.
func indentOf(line string) int {
	n := 0
	for _, r := range line {
		if !pyIsSpace(r) {
			return n
		}
		n++
	}
	return 0
}

// pyIsSpace is Python's str.isspace for one character.
func pyIsSpace(r rune) bool {
	switch r {
	case 0x1c, 0x1d, 0x1e, 0x1f:
		return true
	}
	return unicode.IsSpace(r)
}

func pyStrip(s string) string  { return strings.TrimFunc(s, pyIsSpace) }
func pyRStrip(s string) string { return strings.TrimRightFunc(s, pyIsSpace) }

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// expand is Python's `s % names` with a dict, which is how supervisord
// expands %(name)s in its config values: %(name)s, %(process_num)02d,
// %(x)r, flags, width and precision, and %% for a literal %. Values are
// string or int. The errors say what Python says (incomplete format,
// unsupported format character, names which cannot be expanded with the
// sorted list of the available ones).
//
// One knowing difference: a conversion with no (name), such as the %s of
// `date +%s`, formats the whole dict in Python, in its insertion order;
// here the keys come sorted.
func expand(s string, names map[string]any) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	f := formatter{src: []rune(s), names: names}
	out, err := f.run()
	if err != nil {
		return "", err
	}
	return out, nil
}

// ExpandError is an expansion failure: the format string and why.
type ExpandError struct {
	Format  string
	Missing string   // the name that cannot be expanded, or ""
	Names   []string // the available names, sorted, when Missing is set
	Reason  string   // Python's message otherwise
}

func (e *ExpandError) Error() string {
	if e.Missing != "" {
		return fmt.Sprintf("format string %s contains names (%s) which cannot be expanded (available names: %s)",
			pyRepr(e.Format), pyRepr(e.Missing), strings.Join(e.Names, ", "))
	}
	msg := fmt.Sprintf("format string %s is badly formatted: %s", pyRepr(e.Format), e.Reason)
	if strings.Contains(e.Reason, "format character") || strings.Contains(e.Reason, "incomplete format") {
		msg += " (write %% for a literal %)"
	}
	return msg
}

type formatter struct {
	src      []rune
	names    map[string]any
	i        int
	consumed bool // the single positional argument (the dict) is used
	out      strings.Builder
}

type spec struct {
	minus, plus, space, alt, zero bool
	width, prec                   int // prec -1: none
}

func (f *formatter) fail(reason string) error {
	return &ExpandError{Format: string(f.src), Reason: reason}
}

func (f *formatter) run() (string, error) {
	for f.i < len(f.src) {
		c := f.src[f.i]
		f.i++
		if c != '%' {
			f.out.WriteRune(c)
			continue
		}
		if f.i < len(f.src) && f.src[f.i] == '%' {
			f.out.WriteByte('%')
			f.i++
			continue
		}
		if err := f.conversion(); err != nil {
			return "", err
		}
	}
	return f.out.String(), nil
}

// conversion handles one % directive; f.i is just after the %.
func (f *formatter) conversion() error {
	var arg any
	keyed := false
	if f.i < len(f.src) && f.src[f.i] == '(' {
		depth, start := 1, f.i+1
		f.i++
		for f.i < len(f.src) && depth > 0 {
			switch f.src[f.i] {
			case '(':
				depth++
			case ')':
				depth--
			}
			f.i++
		}
		if depth > 0 {
			return f.fail("incomplete format key")
		}
		key := string(f.src[start : f.i-1])
		v, ok := f.names[key]
		if !ok {
			return &ExpandError{Format: string(f.src), Missing: key, Names: sortedNames(f.names)}
		}
		arg, keyed = v, true
	}
	var sp spec
	sp.prec = -1
flags:
	for f.i < len(f.src) {
		switch f.src[f.i] {
		case '-':
			sp.minus = true
		case '+':
			sp.plus = true
		case ' ':
			sp.space = true
		case '#':
			sp.alt = true
		case '0':
			sp.zero = true
		default:
			break flags
		}
		f.i++
	}
	var err error
	if sp.width, err = f.number(); err != nil {
		return err
	}
	if f.i < len(f.src) && f.src[f.i] == '.' {
		f.i++
		if sp.prec, err = f.number(); err != nil {
			return err
		}
	}
	if f.i < len(f.src) && (f.src[f.i] == 'h' || f.src[f.i] == 'l' || f.src[f.i] == 'L') {
		f.i++
	}
	if f.i >= len(f.src) {
		return f.fail("incomplete format")
	}
	conv := f.src[f.i]
	f.i++
	if !strings.ContainsRune("sradiuoxXeEfFgGc", conv) {
		shown := '?'
		if conv >= 32 && conv <= 126 {
			shown = conv
		}
		return f.fail(fmt.Sprintf("unsupported format character '%c' (0x%x) at index %d", shown, conv, f.i-1))
	}
	if !keyed {
		if f.consumed {
			return f.fail("not enough arguments for format string")
		}
		f.consumed = true
		arg = dictArg(f.names)
	}
	text, err := formatValue(conv, arg, sp)
	if err != nil {
		return f.fail(err.Error())
	}
	f.out.WriteString(text)
	return nil
}

// number reads a width or precision: digits, or "*", which a dict
// argument cannot supply.
func (f *formatter) number() (int, error) {
	if f.i < len(f.src) && f.src[f.i] == '*' {
		return 0, f.fail("* wants int")
	}
	n := 0
	for f.i < len(f.src) && f.src[f.i] >= '0' && f.src[f.i] <= '9' {
		n = n*10 + int(f.src[f.i]-'0')
		if n > maxWidth {
			// Python allows up to 2**31; supinit stops early so a typo
			// cannot make a gigabyte command line.
			return 0, f.fail(fmt.Sprintf("width too big (supinit allows at most %d)", maxWidth))
		}
		f.i++
	}
	return n, nil
}

// maxWidth is the largest width or precision expand accepts.
const maxWidth = 4096

// dictArg stands for the whole names dict used as a positional argument.
type dictArg map[string]any

func (d dictArg) repr() string {
	parts := make([]string, 0, len(d))
	for _, k := range sortedNames(d) {
		parts = append(parts, pyRepr(k)+": "+reprAny(d[k], false))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func sortedNames(m map[string]any) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "str"
	case int:
		return "int"
	case dictArg:
		return "dict"
	}
	return fmt.Sprintf("%T", v)
}

func reprAny(v any, ascii bool) string {
	switch x := v.(type) {
	case string:
		if ascii {
			return pyASCII(x)
		}
		return pyRepr(x)
	case int:
		return strconv.Itoa(x)
	case dictArg:
		return x.repr()
	}
	return fmt.Sprint(v)
}

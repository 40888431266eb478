package config

import (
	"fmt"
	"maps"
	"slices"

	"github.com/BurntSushi/toml"
)

// tomlFile is one parsed TOML config file.
type tomlFile struct {
	path  string
	data  string
	doc   map[string]any
	keys  []toml.Key     // every key, in document order
	lines map[string]int // by toml.Key.String(): the line defining it
	// literals holds, by toml.Key.String(), each number, boolean or date
	// value as written: the decoder gives 22 for both 22 and 0o26.
	literals map[string]string
	// warnings is where the reader of this file collects its warnings.
	warnings *[]Warning
}

// childKeys lists the keys directly under the table at path, in the order
// they first appear in the document.
func (f *tomlFile) childKeys(path toml.Key) []string {
	var names []string
	for _, k := range f.keys {
		if len(k) > len(path) && slices.Equal(k[:len(path)], path) && !slices.Contains(names, k[len(path)]) {
			names = append(names, k[len(path)])
		}
	}
	return names
}

// tomlSection is one table of a TOML config: [supervisord],
// [program.web], [group.x] and so on.
type tomlSection struct {
	file *tomlFile
	key  toml.Key
	vals map[string]any
}

// name is the table's name as TOML writes it, e.g. program.web; errors
// show it in brackets.
func (s *tomlSection) name() string { return s.key.String() }

// pos is where the table is defined.
func (s *tomlSection) pos() Position {
	return Position{File: s.file.path, Line: keyLine(s.file, s.key)}
}

// optPos is where option is set, or the table's position.
func (s *tomlSection) optPos(option string) Position {
	pos := s.pos()
	if line := keyLine(s.file, append(s.key[:len(s.key):len(s.key)], option)); line > 0 {
		pos.Line = line
	}
	return pos
}

// optPositions says where each option of the table is set.
func (s *tomlSection) optPositions() map[string]Position {
	m := map[string]Position{}
	for k := range s.vals {
		m[k] = s.optPos(k)
	}
	return m
}

// literal is the text of option's value when it is a number, boolean or
// date, else "".
func (s *tomlSection) literal(option string) string {
	return s.file.literals[append(s.key[:len(s.key):len(s.key)], option).String()]
}

// errorf makes an *Error about option (or about the whole table when
// option is "") at the option's line.
func (s *tomlSection) errorf(option string, cause error, format string, args ...any) *Error {
	pos := s.pos()
	if option != "" {
		pos = s.optPos(option)
	}
	return &Error{Pos: pos, Section: s.name(), Option: option, Msg: fmt.Sprintf(format, args...), Err: cause}
}

// warnf records a warning about option (or the whole table when option is
// "") at the option's line.
func (s *tomlSection) warnf(option, format string, args ...any) {
	e := s.errorf(option, nil, format, args...)
	*s.file.warnings = append(*s.file.warnings, Warning{Pos: e.Pos, Section: e.Section, Option: option, Message: e.Msg})
}

// checkKeys reports the first key, in document order, that is not one of
// allowed, with a did-you-mean for a near miss.
func (s *tomlSection) checkKeys(allowed []string) error {
	for _, k := range s.file.childKeys(s.key) {
		if slices.Contains(allowed, k) {
			continue
		}
		msg := "unknown option"
		if best := closestName(k, allowed); best != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", best)
		}
		return s.errorf(k, nil, "%s", msg)
	}
	return nil
}

// tomlValues reads the options of one section with one set of %(name)s
// expansions. The first error sticks: later reads do nothing, so a caller
// reads every option and checks err once.
type tomlValues struct {
	s     *tomlSection
	names map[string]any
	err   error
}

// raw returns the value of option when it is set and no error came before.
func (v *tomlValues) raw(option string) (any, bool) {
	if v.err != nil {
		return nil, false
	}
	x, ok := v.s.vals[option]
	return x, ok
}

func (v *tomlValues) fail(option string, cause error) {
	if v.err == nil {
		v.err = v.s.errorf(option, cause, "%s", cause.Error())
	}
}

// setErr records an error about option unless one came before.
func (v *tomlValues) setErr(option, format string, args ...any) {
	if v.err == nil {
		v.err = v.s.errorf(option, nil, format, args...)
	}
}

func (v *tomlValues) typeError(option string, x any, want string) {
	if v.err == nil {
		v.err = v.s.errorf(option, nil, "expected %s, found %s", want, tomlTypeName(x))
	}
}

// expand applies %(name)s expansion to a string value.
func (v *tomlValues) expand(option, s string) (string, bool) {
	out, err := expand(s, v.names)
	if err != nil {
		v.fail(option, err)
		return "", false
	}
	return out, true
}

// text reads a string option, expanded. It reports whether the option
// was set and read without error.
func (v *tomlValues) text(option string) (string, bool) {
	x, ok := v.raw(option)
	if !ok {
		return "", false
	}
	s, isString := x.(string)
	if !isString {
		v.typeError(option, x, "a string")
		return "", false
	}
	return v.expand(option, s)
}

// str stores a string option in dst when it is set.
func (v *tomlValues) str(dst *string, option string) bool {
	s, ok := v.text(option)
	if ok {
		*dst = s
	}
	return ok
}

// list reads an array of strings, or one string that split cuts into
// items; each item is expanded.
func (v *tomlValues) list(dst *[]string, option string, split func(string) []string) bool {
	x, ok := v.raw(option)
	if !ok {
		return false
	}
	var items []string
	switch val := x.(type) {
	case string:
		s, ok := v.expand(option, val)
		if !ok {
			return false
		}
		items = split(s)
	case []any:
		items = []string{}
		for _, e := range val {
			s, isString := e.(string)
			if !isString {
				v.typeError(option, e, "an array of strings")
				return false
			}
			if s, ok = v.expand(option, s); !ok {
				return false
			}
			items = append(items, s)
		}
	default:
		v.typeError(option, x, "an array of strings")
		return false
	}
	*dst = items
	return true
}

// environment reads a table of strings, each value expanded.
func (v *tomlValues) environment(dst *map[string]string, option string) bool {
	x, ok := v.raw(option)
	if !ok {
		return false
	}
	table, isTable := x.(map[string]any)
	if !isTable {
		v.typeError(option, x, `a table of strings such as { HOME = "/root" }`)
		return false
	}
	env := make(map[string]string, len(table))
	for _, k := range slices.Sorted(maps.Keys(table)) {
		s, isString := table[k].(string)
		if !isString {
			v.typeError(option, table[k], fmt.Sprintf("a string for %s", k))
			return false
		}
		if env[k], ok = v.expand(option, s); !ok {
			return false
		}
	}
	*dst = env
	return true
}

// tomlTypeName names the TOML type of a decoded value for error messages.
func tomlTypeName(x any) string {
	switch val := x.(type) {
	case string:
		return fmt.Sprintf("the string %q", val)
	case bool:
		return fmt.Sprintf("the boolean %v", val)
	case int64:
		return fmt.Sprintf("the integer %d", val)
	case float64:
		return fmt.Sprintf("the float %v", val)
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	case []map[string]any:
		return "an array of tables"
	}
	return "a date or time"
}

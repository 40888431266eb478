package config

import (
	"errors"
	"strings"
)

// splitCommand splits a command line the way Python's shlex.split does in
// POSIX mode (what supervisord uses for command=): whitespace separates
// words, single quotes keep everything literally, double quotes keep
// everything but a backslash before " or \, and a backslash outside
// quotes escapes any character. There is no shell: no $VAR, no globs.
func splitCommand(s string) ([]string, error) {
	var (
		args    []string
		word    strings.Builder
		inWord  bool // a word has started (even an empty '' one)
		quote   rune // 0, '\'' or '"'
		escaped bool
	)
	for _, c := range s {
		switch {
		case escaped:
			if quote == '"' && c != '"' && c != '\\' {
				word.WriteRune('\\')
			}
			word.WriteRune(c)
			escaped = false
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				word.WriteRune(c)
			}
		case quote == '"':
			switch c {
			case '"':
				quote = 0
			case '\\':
				escaped = true
			default:
				word.WriteRune(c)
			}
		case c == '\\':
			escaped, inWord = true, true
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			if inWord {
				args = append(args, word.String())
				word.Reset()
				inWord = false
			}
		default:
			word.WriteRune(c)
			inWord = true
		}
	}
	switch {
	case escaped:
		return nil, errors.New("no escaped character")
	case quote != 0:
		return nil, errors.New("no closing quotation")
	}
	if inWord {
		args = append(args, word.String())
	}
	return args, nil
}

package config

import (
	"errors"
	"fmt"
	"strings"
)

// parseEnvPairs reads an environment= value the way supervisord 4.2.5's
// dict_of_key_value_pairs does: Python's shlex.shlex in non-POSIX mode
// with "/.+-():" added to the word characters, tokens taken as
// KEY = VALUE <separator> groups of four (any one token passes as the
// separator, so `A=a b` silently drops b), and quotes stripped from the
// ends of each value. A "#" starts a comment. Keys keep their case.
func parseEnvPairs(s string) (map[string]string, error) {
	tokens, err := shlexTokens(s)
	if err != nil {
		return nil, err
	}
	env := map[string]string{}
	for i := 0; i < len(tokens); i += 4 {
		if i+3 > len(tokens) || tokens[i+1] != "=" {
			return nil, fmt.Errorf("unexpected end of key/value pairs in value %s (expected KEY=VALUE pairs separated by commas; quote values holding other characters than letters, digits and _/.+-():)", pyRepr(s))
		}
		env[tokens[i]] = strings.Trim(tokens[i+2], `'"`)
	}
	return env, nil
}

func isShlexWordChar(r rune) bool {
	return r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		strings.ContainsRune("_/.+-():", r))
}

func isShlexSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\r' || r == '\n' }

// shlexTokens is the token stream of a non-POSIX shlex.shlex: words of
// word characters, quoted strings kept with their quotes (a quote inside
// a word does not open quoting), and any other character as a token of
// its own.
func shlexTokens(s string) ([]string, error) {
	rs := []rune(s)
	var tokens []string
	state := ' ' // ' ', 'a' (in a word), or the open quote
	var tok []rune
	// skipLine returns the index of the '\n' ending a comment, which the
	// loop then steps over, or the index before the end, so the loop
	// still sees the end.
	skipLine := func(i int) int {
		for i < len(rs) && rs[i] != '\n' {
			i++
		}
		if i == len(rs) {
			return i - 1
		}
		return i
	}
	emit := func() {
		tokens = append(tokens, string(tok))
		tok = tok[:0]
	}
	for i := 0; i <= len(rs); i++ {
		eof := i == len(rs)
		var c rune
		if !eof {
			c = rs[i]
		}
		switch state {
		case ' ':
			switch {
			case eof:
			case isShlexSpace(c):
			case c == '#':
				i = skipLine(i)
			case isShlexWordChar(c):
				tok, state = append(tok, c), 'a'
			case c == '\'' || c == '"':
				tok, state = append(tok, c), c
			default:
				tok = append(tok, c)
				emit()
			}
		case 'a':
			switch {
			case eof:
				emit()
			case isShlexSpace(c):
				state = ' '
				emit()
			case c == '#':
				// Non-POSIX shlex skips the rest of the line but stays
				// inside the word, so the next line continues it.
				i = skipLine(i)
			case isShlexWordChar(c) || c == '\'' || c == '"':
				tok = append(tok, c)
			default:
				state = ' '
				emit()
				i-- // the character becomes the next token
			}
		default: // inside quotes
			if eof {
				return nil, errors.New("no closing quotation")
			}
			tok = append(tok, c)
			if c == state {
				state = ' '
				emit()
			}
		}
	}
	return tokens, nil
}

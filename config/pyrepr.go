package config

import (
	"fmt"
	"strings"
	"unicode"
)

// pyRepr is Python's repr() of a str: single quotes unless the text holds
// a single quote and no double quote, backslash escapes for quotes,
// backslashes and characters Python does not print.
func pyRepr(s string) string { return quotePython(s, false) }

// pyASCII is Python's ascii() of a str: repr with every non-ASCII
// character escaped.
func pyASCII(s string) string { return quotePython(s, true) }

func quotePython(s string, ascii bool) string {
	q := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		q = '"'
	}
	var b strings.Builder
	b.WriteByte(q)
	for _, r := range s {
		switch {
		case r == rune(q) || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x7f:
			b.WriteRune(r)
		case ascii || !unicode.IsPrint(r):
			switch {
			case r < 0x100:
				fmt.Fprintf(&b, `\x%02x`, r)
			case r < 0x10000:
				fmt.Fprintf(&b, `\u%04x`, r)
			default:
				fmt.Fprintf(&b, `\U%08x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(q)
	return b.String()
}

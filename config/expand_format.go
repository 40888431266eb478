package config

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The conversions of Python's %-formatting, for expand.

// formatValue applies one conversion to one value.
func formatValue(conv rune, arg any, sp spec) (string, error) {
	switch conv {
	case 's', 'r', 'a':
		var s string
		switch {
		case conv == 's':
			if str, ok := arg.(string); ok {
				s = str
			} else {
				s = reprAny(arg, false)
			}
		default:
			s = reprAny(arg, conv == 'a')
		}
		if sp.prec >= 0 && utf8.RuneCountInString(s) > sp.prec {
			s = string([]rune(s)[:sp.prec])
		}
		return pad(s, sp), nil
	case 'c':
		switch x := arg.(type) {
		case int:
			if x < 0 || x > 0x10ffff {
				return "", fmt.Errorf("%%c arg not in range(0x110000)")
			}
			return pad(string(rune(x)), sp), nil
		case string:
			if utf8.RuneCountInString(x) == 1 {
				return pad(x, sp), nil
			}
		}
		return "", fmt.Errorf("%%c requires int or char")
	case 'd', 'i', 'u':
		n, ok := arg.(int)
		if !ok {
			return "", fmt.Errorf("%%%c format: a real number is required, not %s", conv, typeName(arg))
		}
		return formatInt(n, 10, "", sp), nil
	case 'o', 'x', 'X':
		n, ok := arg.(int)
		if !ok {
			return "", fmt.Errorf("%%%c format: an integer is required, not %s", conv, typeName(arg))
		}
		switch conv {
		case 'o':
			return formatInt(n, 8, "0o", sp), nil
		case 'x':
			return formatInt(n, 16, "0x", sp), nil
		}
		return strings.ToUpper(formatInt(n, 16, "0x", sp)), nil
	}
	n, ok := arg.(int)
	if !ok {
		return "", fmt.Errorf("must be real number, not %s", typeName(arg))
	}
	return formatFloat(float64(n), conv, sp), nil
}

func formatInt(n, base int, altPrefix string, sp spec) string {
	neg := n < 0
	u := uint64(n)
	if neg {
		u = -u
	}
	digits := strconv.FormatUint(u, base)
	if sp.prec > len(digits) {
		digits = strings.Repeat("0", sp.prec-len(digits)) + digits
	}
	prefix := sign(neg, sp)
	if sp.alt {
		prefix += altPrefix
	}
	return padNumber(prefix, digits, sp)
}

func formatFloat(x float64, conv rune, sp spec) string {
	prec := sp.prec
	if prec < 0 {
		prec = 6
	}
	neg := x < 0
	if neg {
		x = -x
	}
	var body string
	switch conv {
	case 'f', 'F':
		body = strconv.FormatFloat(x, 'f', prec, 64)
		if sp.alt && prec == 0 {
			body += "."
		}
	case 'e', 'E':
		body = strconv.FormatFloat(x, 'e', prec, 64)
	default: // g, G
		if prec == 0 {
			prec = 1
		}
		body = strconv.FormatFloat(x, 'g', prec, 64)
		if sp.alt {
			body = altG(x, prec)
		}
	}
	if conv == 'E' || conv == 'F' || conv == 'G' {
		body = strings.ToUpper(body)
	}
	return padNumber(sign(neg, sp), body, sp)
}

// altG is %#g: like %g but trailing zeros are kept.
func altG(x float64, prec int) string {
	e := strconv.FormatFloat(x, 'e', prec-1, 64)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if exp < -4 || exp >= prec {
		return e
	}
	s := strconv.FormatFloat(x, 'f', prec-1-exp, 64)
	if !strings.Contains(s, ".") {
		s += "."
	}
	return s
}

func sign(neg bool, sp spec) string {
	switch {
	case neg:
		return "-"
	case sp.plus:
		return "+"
	case sp.space:
		return " "
	}
	return ""
}

// padNumber pads to the width: zeros go between the sign/prefix and the
// digits, spaces outside.
func padNumber(prefix, digits string, sp spec) string {
	n := len(prefix) + len(digits)
	if n >= sp.width {
		return prefix + digits
	}
	fill := sp.width - n
	switch {
	case sp.minus:
		return prefix + digits + strings.Repeat(" ", fill)
	case sp.zero:
		return prefix + strings.Repeat("0", fill) + digits
	}
	return strings.Repeat(" ", fill) + prefix + digits
}

// pad pads text to the width with spaces (Python ignores the 0 flag for
// text).
func pad(s string, sp spec) string {
	n := utf8.RuneCountInString(s)
	if n >= sp.width {
		return s
	}
	if sp.minus {
		return s + strings.Repeat(" ", sp.width-n)
	}
	return strings.Repeat(" ", sp.width-n) + s
}

package logs

import "bytes"

const esc = 0x1b

// StripANSI returns p without ANSI escape sequences: CSI (ESC [ … final
// byte, colours and cursor moves), OSC (ESC ] … BEL or ESC \), the string
// sequences DCS, SOS, PM and APC (… ESC \), and two-byte escapes such as
// ESC ( B. A sequence cut off by the end of p is dropped. p is returned
// as is when it holds no ESC.
func StripANSI(p []byte) []byte {
	i := bytes.IndexByte(p, esc)
	if i < 0 {
		return p
	}
	out := make([]byte, 0, len(p))
	for i >= 0 {
		out = append(out, p[:i]...)
		p = p[i+escapeLen(p[i:]):]
		i = bytes.IndexByte(p, esc)
	}
	return append(out, p...)
}

// escapeLen is the length of the escape sequence at the start of p (p[0]
// is ESC), or len(p) when it does not end within p.
func escapeLen(p []byte) int {
	if len(p) < 2 {
		return len(p)
	}
	switch p[1] {
	case '[': // CSI: parameter and intermediate bytes, then a final byte
		for j := 2; j < len(p); j++ {
			if p[j] >= 0x40 && p[j] <= 0x7e {
				return j + 1
			}
			if p[j] < 0x20 || p[j] > 0x3f {
				return j // malformed: drop the introducer, keep this byte
			}
		}
		return len(p)
	case ']', 'P', 'X', '^', '_': // string sequences, ended by ST (ESC \) or, for OSC, BEL
		for j := 2; j < len(p); j++ {
			if p[j] == 0x07 && p[1] == ']' {
				return j + 1
			}
			if p[j] == esc && j+1 < len(p) && p[j+1] == '\\' {
				return j + 2
			}
		}
		return len(p)
	}
	j := 1
	for j < len(p) && p[j] >= 0x20 && p[j] <= 0x2f { // intermediates, as in ESC ( B
		j++
	}
	if j < len(p) && p[j] >= 0x30 && p[j] <= 0x7e {
		return j + 1
	}
	return j
}

package control

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// XML-RPC values are plain Go values:
//
//	<int>, <i4>, <i8>    int (the encoder refuses values outside int32, as xmlrpclib does)
//	<boolean>            bool
//	<string>, untyped    string
//	<double>             float64
//	<dateTime.iso8601>   time.Time (UTC, whole seconds)
//	<base64>             []byte
//	<array>              []any
//	<struct>             Struct (member order kept, so replies read like supervisord's)
//	<nil/>, other types  nil, or the element's text as a string (decoding only)

// Struct is an XML-RPC struct with its members in order.
type Struct []Member

// Member is one name/value pair of a Struct.
type Member struct {
	Name  string
	Value any
}

// Get returns the value of the member called name.
func (s Struct) Get(name string) (any, bool) {
	for i := len(s) - 1; i >= 0; i-- { // the last duplicate wins, as in a Python dict
		if s[i].Name == name {
			return s[i].Value, true
		}
	}
	return nil, false
}

// rpcFault is a fault on the wire.
type rpcFault struct {
	Code   int
	String string
}

func (f *rpcFault) Error() string { return fmt.Sprintf("<Fault %d: %s>", f.Code, pyRepr(f.String)) }

const iso8601 = "20060102T15:04:05"

// encodeResponse writes v as a methodResponse the way Python's
// xmlrpclib.dumps(methodresponse=True) writes it.
func encodeResponse(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n")
	if err := encodeValue(&b, v, 0); err != nil {
		return nil, err
	}
	b.WriteString("</param>\n</params>\n</methodResponse>\n")
	return b.Bytes(), nil
}

// encodeFault writes a fault response (supervisord sends it with HTTP 200).
func encodeFault(code int, msg string) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version='1.0'?>\n<methodResponse>\n<fault>\n")
	// A fault struct of an int and a string cannot fail to encode.
	_ = encodeValue(&b, Struct{{"faultCode", code}, {"faultString", msg}}, 0)
	b.WriteString("</fault>\n</methodResponse>\n")
	return b.Bytes()
}

// encodeCall writes a methodCall as xmlrpclib.dumps(params, method) does.
func encodeCall(method string, params []any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("<?xml version='1.0'?>\n<methodCall>\n<methodName>")
	escapeText(&b, method)
	b.WriteString("</methodName>\n<params>\n")
	for _, p := range params {
		b.WriteString("<param>\n")
		if err := encodeValue(&b, p, 0); err != nil {
			return nil, err
		}
		b.WriteString("</param>\n")
	}
	b.WriteString("</params>\n</methodCall>\n")
	return b.Bytes(), nil
}

// maxDepth bounds nesting on both sides, so hostile input cannot make the
// codec recurse without end.
const maxDepth = 64

func encodeValue(b *bytes.Buffer, v any, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("cannot encode value: nested deeper than %d", maxDepth)
	}
	b.WriteString("<value>")
	switch v := v.(type) {
	case int:
		if v < math.MinInt32 || v > math.MaxInt32 {
			return fmt.Errorf("cannot encode int %d: exceeds XML-RPC limits", v)
		}
		fmt.Fprintf(b, "<int>%d</int>", v)
	case bool:
		if v {
			b.WriteString("<boolean>1</boolean>")
		} else {
			b.WriteString("<boolean>0</boolean>")
		}
	case string:
		b.WriteString("<string>")
		escapeText(b, v)
		b.WriteString("</string>")
	case float64:
		b.WriteString("<double>" + pyFloat(v) + "</double>")
	case time.Time:
		b.WriteString("<dateTime.iso8601>" + v.UTC().Format(iso8601) + "</dateTime.iso8601>")
	case []byte:
		b.WriteString("<base64>\n" + base64.StdEncoding.EncodeToString(v) + "\n</base64>")
	case []any:
		b.WriteString("<array><data>\n")
		for _, e := range v {
			if err := encodeValue(b, e, depth+1); err != nil {
				return err
			}
		}
		b.WriteString("</data></array>")
	case []string:
		b.WriteString("<array><data>\n")
		for _, e := range v {
			_ = encodeValue(b, e, depth+1) // strings always encode
		}
		b.WriteString("</data></array>")
	case Struct:
		b.WriteString("<struct>\n")
		for _, m := range v {
			b.WriteString("<member>\n<name>")
			escapeText(b, m.Name)
			b.WriteString("</name>\n")
			if err := encodeValue(b, m.Value, depth+1); err != nil {
				return err
			}
			b.WriteString("</member>\n")
		}
		b.WriteString("</struct>")
	default:
		return fmt.Errorf("cannot encode a value of type %T", v)
	}
	b.WriteString("</value>\n")
	return nil
}

// escapeText escapes what xmlrpclib escapes (&, <, >) plus a carriage
// return, which an XML parser would otherwise turn into a newline. Bytes
// that XML 1.0 cannot carry at all (invalid UTF-8, most control
// characters such as the ESC of colour codes) become U+FFFD: supervisord
// sends them raw, and the client's parser then rejects the whole reply.
func escapeText(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\r':
			b.WriteString("&#13;")
		case !isXMLChar(r):
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
}

// isXMLChar is the XML 1.0 Char production.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// pyFloat formats f as Python's repr does: the shortest digits, positional
// notation for exponents -4..15, and always a ".0" on whole numbers.
func pyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return e
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsRune(s, '.') {
		s += ".0"
	}
	return s
}

// pyRepr quotes s as Python's repr of a str does, for the messages
// supervisorctl prints with %r.
func pyRepr(s string) string {
	quote := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		quote = '"'
	}
	var b strings.Builder
	b.WriteByte(quote)
	for _, r := range s {
		switch {
		case r == '\\' || r == rune(quote):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte(quote)
	return b.String()
}

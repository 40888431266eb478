package control

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDecodeCall(t *testing.T) {
	wrap := func(params string) string {
		return "<?xml version='1.0'?><methodCall><methodName>m.x</methodName><params>" + params + "</params></methodCall>"
	}
	p := func(v string) string { return "<param><value>" + v + "</value></param>" }
	cases := []struct {
		name, in string
		want     []any
		bad      bool
	}{
		{name: "int", in: wrap(p("<int>-1600</int>")), want: []any{-1600}},
		{name: "i4 spaces", in: wrap(p("<i4> 7 </i4>")), want: []any{7}},
		{name: "boolean", in: wrap(p("<boolean>1</boolean>") + p("<boolean>0</boolean>")), want: []any{true, false}},
		{name: "string", in: wrap(p("<string>a &amp; b&#13;</string>")), want: []any{"a & b\r"}},
		{name: "empty string", in: wrap(p("<string></string>") + p("<string/>")), want: []any{"", ""}},
		{name: "untyped is string", in: wrap(p(" raw ")), want: []any{" raw "}},
		{name: "double", in: wrap(p("<double>2.5</double>")), want: []any{2.5}},
		{name: "date", in: wrap(p("<dateTime.iso8601>20200102T03:04:05</dateTime.iso8601>")), want: []any{time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)}},
		{name: "base64", in: wrap(p("<base64>\naGk=\n</base64>")), want: []any{[]byte("hi")}},
		{name: "array", in: wrap(p("<array><data><value><int>1</int></value><value>x</value></data></array>")), want: []any{[]any{1, "x"}}},
		{name: "empty array", in: wrap(p("<array><data></data></array>")), want: []any{[]any{}}},
		{name: "struct", in: wrap(p("<struct><member><name>a</name><value><int>1</int></value></member><member><name>a</name><value>2</value></member></struct>")), want: []any{Struct{{"a", "2"}}}},
		{name: "no params", in: "<methodCall><methodName>m.x</methodName></methodCall>", want: []any{}},
		{name: "bad int", in: wrap(p("<int>x</int>")), bad: true},
		{name: "i8", in: wrap(p("<i8>-99999999999</i8>")), want: []any{-99999999999}},
		// supervisord reads what it does not know as the element's text,
		// or None: the method decides what to make of it.
		{name: "nil", in: wrap(p("<nil/>")), want: []any{nil}},
		{name: "unknown type", in: wrap(p("<foo>1</foo>") + p(`<ex:i8 xmlns:ex="urn:x">7</ex:i8>`)), want: []any{"1", "7"}},
		{name: "unknown type with elements", in: wrap(p("<foo><int>1</int></foo>")), bad: true},
		{name: "two types", in: wrap(p("<int>1</int><int>2</int>")), bad: true},
		{name: "bad base64", in: wrap(p("<base64>!!!</base64>")), bad: true},
		{name: "param without value", in: wrap("<param></param>"), bad: true},
		{name: "not a call", in: "<methodResponse/>", bad: true},
		{name: "truncated", in: "<methodCall><methodName>x", bad: true},
		{name: "two roots", in: "<methodCall/><methodCall/>", bad: true},
		{name: "too deep", in: wrap(p(strings.Repeat("<array><data><value>", 100) + strings.Repeat("</value></data></array>", 100))), bad: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, got, err := decodeCall([]byte(tc.in))
			if tc.bad {
				if err == nil {
					t.Errorf("accepted: %#v", got)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, %v; want %#v", got, err, tc.want)
			}
		})
	}
}

func TestEncode(t *testing.T) {
	cases := []struct {
		v    any
		want string
		bad  bool
	}{
		{v: 1, want: "<value><int>1</int></value>\n"},
		{v: true, want: "<value><boolean>1</boolean></value>\n"},
		{v: "a&<>\r\n", want: "<value><string>a&amp;&lt;&gt;&#13;\n</string></value>\n"},
		{v: "\x1b[31mred\xff", want: "<value><string>\ufffd[31mred\ufffd</string></value>\n"},
		{v: 2.5, want: "<value><double>2.5</double></value>\n"},
		{v: 1.0, want: "<value><double>1.0</double></value>\n"},
		{v: 1e16, want: "<value><double>1e+16</double></value>\n"},
		{v: []byte("hi"), want: "<value><base64>\naGk=\n</base64></value>\n"},
		{v: []any{}, want: "<value><array><data>\n</data></array></value>\n"},
		{v: Struct{{"a", 1}}, want: "<value><struct>\n<member>\n<name>a</name>\n<value><int>1</int></value>\n</member>\n</struct></value>\n"},
		{v: math.MaxInt32 + 1, bad: true},
		{v: struct{}{}, bad: true},
	}
	for _, tc := range cases {
		got, err := encodeResponse(tc.v)
		if tc.bad {
			if err == nil {
				t.Errorf("%#v encoded", tc.v)
			}
			continue
		}
		want := "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n" + tc.want + "</param>\n</params>\n</methodResponse>\n"
		if err != nil || string(got) != want {
			t.Errorf("%#v:\ngot  %q %v\nwant %q", tc.v, got, err, want)
		}
	}
}

func TestPyRepr(t *testing.T) {
	for in, want := range map[string]string{"a": "'a'", "it's": `"it's"`, `a'b"c`: `'a\'b"c'`, "x\n": `'x\n'`} {
		if got := pyRepr(in); got != want {
			t.Errorf("pyRepr(%q) = %s, want %s", in, got, want)
		}
	}
}

// FuzzDecode: the decoder never panics, and whatever it accepts survives
// encode → decode unchanged.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getVersion</methodName>\n<params>\n</params>\n</methodCall>\n"))
	f.Add([]byte("<methodCall><methodName>a.b</methodName><params><param><value><struct><member><name>x</name><value><array><data><value><i4>1</i4></value><value><base64>aGk=</base64></value></data></array></value></member></struct></value></param></params></methodCall>"))
	f.Add([]byte("<methodCall><methodName>a.b</methodName><params><param><value><double>1e300</double></value></param><param><value><dateTime.iso8601>20200102T03:04:05</dateTime.iso8601></value></param></params></methodCall>"))
	f.Add([]byte("<methodCall><params><param><value>&amp;&#13;</value></param></params></methodCall>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		method, params, err := decodeCall(data)
		if err != nil {
			return
		}
		enc, err := encodeCall(method, params)
		if err != nil {
			return // e.g. an int beyond int32, which xmlrpclib refuses too
		}
		method2, params2, err := decodeCall(enc)
		if err != nil {
			t.Fatalf("re-decoding %q: %v", enc, err)
		}
		if method2 != method || !sameValue(params, params2) {
			t.Fatalf("round trip changed the call:\n%q %#v\n%q %#v", method, params, method2, params2)
		}
	})
}

// sameValue is reflect.DeepEqual with NaN equal to itself.
func sameValue(a, b any) bool {
	switch a := a.(type) {
	case float64:
		bf, ok := b.(float64)
		return ok && (a == bf || math.IsNaN(a) && math.IsNaN(bf))
	case []any:
		bl, ok := b.([]any)
		if !ok || len(a) != len(bl) {
			return false
		}
		for i := range a {
			if !sameValue(a[i], bl[i]) {
				return false
			}
		}
		return true
	case Struct:
		bs, ok := b.(Struct)
		if !ok || len(a) != len(bs) {
			return false
		}
		for i := range a {
			if a[i].Name != bs[i].Name || !sameValue(a[i].Value, bs[i].Value) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

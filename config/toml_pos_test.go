package config

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// probeFails is the leaf of decoderLine's probe.
type probeFails struct{}

var errProbe = errors.New("position probe")

func (probeFails) UnmarshalTOML(any) error { return errProbe }

// decoderLine asks BurntSushi/toml itself where key is: it decodes data
// into a struct holding only the path to key, ending in a value that
// always fails, and reads the line from the ParseError. Too slow to use
// for every key, it is the oracle scanKeys is checked against.
func decoderLine(t *testing.T, data string, key toml.Key) int {
	typ := reflect.TypeOf(probeFails{})
	for i := len(key) - 1; i >= 0; i-- {
		if strings.ContainsAny(key[i], ",") || key[i] == "-" || key[i] == "" {
			return -1
		}
		typ = reflect.StructOf([]reflect.StructField{{Name: "F", Type: typ, Tag: reflect.StructTag(`toml:` + strconv.Quote(key[i]))}})
	}
	_, err := toml.Decode(data, reflect.New(typ).Interface())
	var pe toml.ParseError
	if errors.As(err, &pe) && pe.Message == errProbe.Error() && pe.LastKey == key.String() {
		return pe.Position.Line
	}
	return -1
}

func TestKeyLinesAgreeWithDecoder(t *testing.T) {
	docs := []string{
		"a = 1\n[t]\nb = \"x\" # c\n\n[t.u]\nc = [1,\n 2, # ]\n 3]\nd = { e = 1, f = { g = \"}\" } }\n",
		"[program.\"my app\"]\ncommand = '''\nmulti = line\n'''\nenv = \"\"\"\nq = \\\"\"\"\"\n'x.y' = 2\n",
		"[[arr]]\nx = 1\n[[arr]]\ny = 2\n[z]\nw.v = 1\ndate = 1979-05-27 07:32:00Z\n",
		"  [ spaced . key ]  \n\tk\t=\t[\n  { a = 1 },\n  \"]\",\n]\nnext = true\n",
	}
	// Where scanKeys knowingly differs from the decoder, which places a
	// key holding a multi-line string at the string's last line and an
	// array of tables at its last header: scanKeys gives the line the key
	// starts on, which is what a reader looks for.
	knownDifferent := map[string]int{`program."my app".command`: 2, `program."my app".env`: 5, "arr": 1}
	for _, doc := range docs {
		var m map[string]any
		md, err := toml.Decode(doc, &m)
		if err != nil {
			t.Fatalf("test document does not parse: %v\n%s", err, doc)
		}
		lines, _ := scanKeys(doc)
		for _, k := range md.Keys() {
			want := decoderLine(t, doc, k)
			if want < 0 {
				continue // inside an array of tables: no single position
			}
			if line, ok := knownDifferent[k.String()]; ok {
				want = line
			}
			if got := lines[k.String()]; got != want {
				t.Errorf("key %s: scanKeys says line %d, the decoder %d\n%s", k, got, want, doc)
			}
		}
	}
}

func TestScanKeysLiterals(t *testing.T) {
	doc := "[supervisord]\numask = 0o022 # octal\nminfds=22\n[program.x]\nsocket_mode = 0o7_55\nn = { a = 1_000, b = [7] }\nf = -1.5e3\nb = true\ns = \"22\"\n"
	_, literals := scanKeys(doc)
	want := map[string]string{
		"supervisord.umask": "0o022", "supervisord.minfds": "22", "program.x.socket_mode": "0o7_55",
		"program.x.n.a": "1_000", "program.x.f": "-1.5e3", "program.x.b": "true",
	}
	for k, v := range want {
		if literals[k] != v {
			t.Errorf("literal of %s = %q, want %q", k, literals[k], v)
		}
	}
	for _, k := range []string{"program.x.s", "program.x.n.b", "program.x.n"} {
		if v, ok := literals[k]; ok {
			t.Errorf("%s has literal %q; only numbers, booleans and dates have one", k, v)
		}
	}
}

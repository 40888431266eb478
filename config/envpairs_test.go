package config

import (
	"reflect"
	"strings"
	"testing"
)

// TestParseEnvPairs holds every verified example of the reference's §4.
func TestParseEnvPairs(t *testing.T) {
	tests := []struct {
		in   string
		want map[string]string
		err  string
	}{
		{`A="x,y",B='q r'`, map[string]string{"A": "x,y", "B": "q r"}, ""},
		{`A=1;B=2`, map[string]string{"A": "1", "B": "2"}, ""},
		{`A=a b`, map[string]string{"A": "a"}, ""},
		{`A=$HOME`, map[string]string{"A": "$"}, ""},
		{`A=x#y,B=2`, map[string]string{"A": "x"}, ""},
		{"A=x#y\nB=2", nil, "unexpected end"}, // the word goes on after the comment: A=xB = 2
		{`A=""`, map[string]string{"A": ""}, ""},
		{``, map[string]string{}, ""},
		{`PATH=/usr/bin:/bin,LANG=C.UTF-8`, map[string]string{"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}, ""},
		{`A = 1 , B = 2`, map[string]string{"A": "1", "B": "2"}, ""},
		{`A=x"y"`, map[string]string{"A": `x"y`}, ""},
		{`A=x@y`, nil, "unexpected end of key/value pairs"},
		{`A=`, nil, "unexpected end of key/value pairs"},
		{`A=1,,B=2`, nil, "unexpected end of key/value pairs"},
		{`A=a=b`, nil, "unexpected end of key/value pairs"},
		{`A=café`, map[string]string{"A": "caf"}, ""}, // é is a token of its own, eaten as the separator
		{`A="open`, nil, "no closing quotation"},
	}
	for _, tt := range tests {
		got, err := parseEnvPairs(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseEnvPairs(%q) = %v, %v; want error %q", tt.in, got, err, tt.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseEnvPairs(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

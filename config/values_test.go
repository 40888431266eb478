package config

import (
	"slices"
	"strings"
	"syscall"
	"testing"
)

// The expected results below are supervisord 4.2.5's, each checked with
// a one-liner against supervisor.datatypes, e.g.
//
//	/usr/bin/python3 -c "from supervisor import datatypes as d; print(d.byte_size('10 KB'))"
//
// Where supinit's error text is supervisord's, the test checks it; supinit
// adds what was expected after it.

func TestParseBool(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
		err  bool
	}{
		{"true", true, false}, {"True", true, false}, {"TRUE", true, false}, {"yes", true, false}, {"Yes", true, false},
		{"on", true, false}, {"ON", true, false}, {"1", true, false},
		{"false", false, false}, {"FALSE", false, false}, {"no", false, false}, {"NO", false, false},
		{"off", false, false}, {"Off", false, false}, {"0", false, false},
		{"", false, true}, {" true", false, true}, {"t", false, true}, {"y", false, true}, {"2", false, true},
		{"enable", false, true}, {"truee", false, true}, {"01", false, true},
	} {
		got, err := parseBool(tt.in)
		if got != tt.want || (err != nil) != tt.err || (err != nil && !strings.HasPrefix(err.Error(), "not a valid boolean value: "+pyRepr(tt.in))) {
			t.Errorf("parseBool(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestParseByteSize(t *testing.T) {
	const bad = -42 // marks an input supervisord rejects
	for _, tt := range []struct {
		in   string
		want int64
	}{
		{"1024", 1024}, {"0", 0}, {"00012", 12}, {"+7", 7}, {"1_000", 1000},
		{"10KB", 10 << 10}, {"10kb", 10 << 10}, {"10Kb", 10 << 10}, {" 10KB", 10 << 10}, {"10 KB", 10 << 10},
		{"50MB", 50 << 20}, {"50mb", 50 << 20}, {"1GB", 1 << 30}, {"1gb", 1 << 30},
		{"-1", -1}, {"-5KB", -5 << 10}, // negatives pass, as in supervisord
		{"5b", bad}, {"1K", bad}, {"1e3", bad}, {"0x10", bad}, {"1.5MB", bad}, {"", bad}, {"KB", bad},
		{"10KB ", bad}, {"10TB", bad},
	} {
		got, err := parseByteSize(tt.in)
		if tt.want == bad {
			if err == nil || !strings.Contains(err.Error(), "not a valid byte size") {
				t.Errorf("parseByteSize(%q) = %d, %v; want an error", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseByteSize(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestParseOctal(t *testing.T) {
	const bad = -42
	for _, tt := range []struct {
		in   string
		want int
	}{
		{"022", 0o22}, {"0022", 0o22}, {"22", 0o22}, {"0o22", 0o22}, {"0O22", 0o22}, {"777", 0o777},
		{"-7", -7}, {"0o_17", 0o17}, {"7_7", 0o77}, {"022 ", 0o22},
		{"8", bad}, {"08", bad}, {"0x12", bad}, {"", bad}, {"abc", bad},
	} {
		got, err := parseOctal(tt.in)
		if tt.want == bad {
			if err == nil || !strings.HasPrefix(err.Error(), tt.in+" can not be converted to an octal type") {
				t.Errorf("parseOctal(%q) = %d, %v; want an error", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseOctal(%q) = %#o, %v; want %#o", tt.in, got, err, tt.want)
		}
	}
}

func TestParseInt(t *testing.T) {
	const bad = -42
	for _, tt := range []struct {
		in   string
		want int
	}{
		{"5", 5}, {"-5", -5}, {"+5", 5}, {" 5 ", 5}, {"5_0", 50}, {"05", 5},
		{"0x10", bad}, {"1e3", bad}, {"5.0", bad}, {"", bad}, {"_5", bad}, {"1__0", bad},
	} {
		got, err := parseInt(tt.in)
		if tt.want == bad {
			if err == nil || !strings.HasPrefix(err.Error(), "invalid literal for int() with base 10: "+pyRepr(tt.in)) {
				t.Errorf("parseInt(%q) = %d, %v; want an error", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("parseInt(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestParseSignal(t *testing.T) {
	const badNumber, badName = -1, -2
	for _, tt := range []struct {
		in   string
		want syscall.Signal
	}{
		{"TERM", 15}, {"term", 15}, {"SIGTERM", 15}, {"sigterm", 15}, {"SigHup", 1}, {"HUP", 1}, {"usr1", 10},
		{" KILL ", 9}, {"IOT", 6}, {"CLD", 17}, {"POLL", 29}, {"STKFLT", 16}, {"PWR", 30},
		{"RTMIN", 34}, {"rtmax", 64},
		{"9", 9}, {"15", 15}, {"0", 0}, {"31", 31}, {"34", 34}, {"64", 64}, {" 15", 15}, {"+15", 15}, {"1_5", 15},
		// Python's signal module names only 1..31, SIGRTMIN and SIGRTMAX.
		{"32", badNumber}, {"33", badNumber}, {"35", badNumber}, {"63", badNumber}, {"65", badNumber}, {"-1", badNumber},
		{"SIGRTMIN+1", badName}, {"SIGUNUSED", badName}, {"FOO", badName}, {"", badName}, {"0x0f", badName},
	} {
		got, err := parseSignal(tt.in)
		switch tt.want {
		case badNumber, badName:
			kind := map[syscall.Signal]string{badNumber: "is not a valid signal number", badName: "is not a valid signal name"}[tt.want]
			if err == nil || !strings.HasPrefix(err.Error(), "value "+pyRepr(tt.in)+" "+kind) {
				t.Errorf("parseSignal(%q) = %d, %v; want an error %q", tt.in, got, err, kind)
			}
		default:
			if err != nil || got != tt.want {
				t.Errorf("parseSignal(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
			}
		}
	}
}

// TestSignalName: `check --json` names a stopsignal as Python's
// signal.Signals does, without SIG.
func TestSignalName(t *testing.T) {
	for _, tt := range []struct {
		sig  syscall.Signal
		want string
	}{
		{15, "TERM"}, {9, "KILL"}, {6, "ABRT"}, {17, "CHLD"}, {29, "IO"}, {16, "STKFLT"}, {31, "SYS"},
		{34, "RTMIN"}, {64, "RTMAX"}, {0, "0"}, {35, "35"}, {63, "63"},
	} {
		if got := SignalName(tt.sig); got != tt.want {
			t.Errorf("SignalName(%d) = %q, want %q", tt.sig, got, tt.want)
		}
	}
}

func TestParseExitcodes(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []int // nil: rejected
	}{
		{"0", []int{0}}, {"0,2", []int{0, 2}}, {"", []int{}}, {" 1 , 2 ", []int{1, 2}}, {"255", []int{255}},
		{"1_0", []int{10}}, {"2,2", []int{2, 2}},
		{"1,,2", nil}, {"256", nil}, {"-1", nil}, {"a", nil}, {"0,", nil},
	} {
		got, err := parseExitcodes(tt.in)
		if tt.want == nil {
			if err == nil || !strings.HasPrefix(err.Error(), "not a valid list of exit codes: "+pyRepr(tt.in)) {
				t.Errorf("parseExitcodes(%q) = %v, %v; want an error", tt.in, got, err)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tt.want) || got == nil {
			t.Errorf("parseExitcodes(%q) = %#v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseAutorestart(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Autorestart // "": rejected
	}{
		{"true", AutorestartTrue}, {"false", AutorestartFalse}, {"unexpected", AutorestartUnexpected},
		{"UNEXPECTED", AutorestartUnexpected}, {"Unexpected", AutorestartUnexpected},
		{"yes", AutorestartTrue}, {"off", AutorestartFalse}, {"1", AutorestartTrue}, {"0", AutorestartFalse},
		{"maybe", ""}, {"", ""}, {" unexpected", ""},
	} {
		got, err := parseAutorestart(tt.in)
		if got != tt.want || (err != nil) != (tt.want == "") || (err != nil && !strings.HasPrefix(err.Error(), "invalid 'autorestart' value "+pyRepr(tt.in))) {
			t.Errorf("parseAutorestart(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParseLogfileName(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"NONE", LogNone}, {"none", LogNone}, {"None", LogNone}, {"OFF", LogNone}, {"Off", LogNone}, {"off", LogNone},
		{"AUTO", LogAuto}, {"auto", LogAuto}, {"Auto", LogAuto},
		{"SYSLOG", LogSyslog}, {"syslog", LogSyslog}, {"Syslog", LogSyslog},
		// Anything else is a path, as written.
		{"x.log", "x.log"}, {"NULL", "NULL"}, {"/dev/null", "/dev/null"}, {"false", "false"},
	} {
		if got := parseLogfileName(tt.in); got != tt.want {
			t.Errorf("parseLogfileName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

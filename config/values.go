package config

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// The parsers below follow supervisord's datatypes.py: the same accepted
// spellings and, in spirit, the same error texts. Both the INI and the TOML
// loader use them for string values.

// parseBool accepts yes/true/on/1 and no/false/off/0 in any case.
func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "yes", "true", "on", "1":
		return true, nil
	case "no", "false", "off", "0":
		return false, nil
	}
	return false, fmt.Errorf("not a valid boolean value: %s (expected true/false, yes/no, on/off or 1/0)", pyRepr(s))
}

// parseInt is Python's int(s): surrounding whitespace, a sign and single
// underscores between digits are allowed.
func parseInt(s string) (int, error) {
	n, err := pythonInt(s, 10)
	if err != nil {
		return 0, fmt.Errorf("invalid literal for int() with base 10: %s (expected an integer)", pyRepr(s))
	}
	return n, nil
}

// pythonInt parses like Python's int(s, base) for base 8 and 10.
func pythonInt(s string, base int) (int, error) {
	t := strings.TrimSpace(s)
	sign := ""
	if t != "" && (t[0] == '+' || t[0] == '-') {
		sign, t = t[:1], t[1:]
	}
	if base == 8 && len(t) > 2 && t[0] == '0' && (t[1] == 'o' || t[1] == 'O') {
		t = t[2:]
		if strings.HasPrefix(t, "_") { // Python allows 0o_17
			t = t[1:]
		}
	}
	if t == "" || t[0] == '_' || t[len(t)-1] == '_' || strings.Contains(t, "__") {
		return 0, strconv.ErrSyntax
	}
	n, err := strconv.ParseInt(sign+strings.ReplaceAll(t, "_", ""), base, 64)
	if err != nil {
		return 0, err
	}
	return int(n), nil
}

// parseByteSize reads "1024", "10KB", "50MB" or "1GB" (any case). Like
// supervisord, "1K" and "1.5MB" are invalid and negatives pass.
func parseByteSize(s string) (int64, error) {
	v := strings.ToLower(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"kb", 1 << 10}, {"mb", 1 << 20}, {"gb", 1 << 30}} {
		if strings.HasSuffix(v, u.suffix) {
			v, mult = strings.TrimSuffix(v, u.suffix), u.mult
			break
		}
	}
	n, err := pythonInt(v, 10)
	if err != nil {
		return 0, fmt.Errorf("not a valid byte size: %s (expected an integer with an optional KB, MB or GB suffix)", pyRepr(s))
	}
	return int64(n) * mult, nil
}

// parseOctal is Python's int(s, 8): "022", "0022", "22" and "0o22".
func parseOctal(s string) (int, error) {
	n, err := pythonInt(s, 8)
	if err != nil {
		return 0, fmt.Errorf("%s can not be converted to an octal type (expected an octal number such as 022)", s)
	}
	return n, nil
}

// SIGRTMIN and SIGRTMAX as Python's signal module has them on Linux
// (glibc keeps 32 and 33 for itself).
const (
	sigRTMIN syscall.Signal = 34
	sigRTMAX syscall.Signal = 64
)

// signalAliases are the names Python's signal module has beyond the ones
// x/sys knows.
var signalAliases = map[string]syscall.Signal{
	"SIGIOT":   syscall.SIGABRT,
	"SIGCLD":   syscall.SIGCHLD,
	"SIGPOLL":  syscall.SIGIO,
	"SIGRTMIN": sigRTMIN,
	"SIGRTMAX": sigRTMAX,
}

// validSignal reports whether supervisord's signal_number accepts n: the
// values of the names Python's signal module has, which are 0 (SIG_DFL)
// to 31, SIGRTMIN (34) and SIGRTMAX (64) — not 32, 33 or 35..63.
func validSignal(n int) bool {
	return (n >= 0 && n <= 31) || n == int(sigRTMIN) || n == int(sigRTMAX)
}

// parseSignal accepts a signal number, or a name in any case with or
// without the SIG prefix: TERM, sigterm, SIGHUP, usr1.
func parseSignal(s string) (syscall.Signal, error) {
	if n, err := pythonInt(s, 10); err == nil {
		if !validSignal(n) {
			return 0, fmt.Errorf("value %s is not a valid signal number", pyRepr(s))
		}
		return syscall.Signal(n), nil
	}
	name := strings.ToUpper(strings.TrimSpace(s))
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig, ok := signalAliases[name]; ok {
		return sig, nil
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, fmt.Errorf("value %s is not a valid signal name (expected a name such as TERM, INT, QUIT, HUP, KILL, USR1 or a number)", pyRepr(s))
}

// SignalName is the name of sig without the SIG prefix, as `check --json`
// prints it and as Python's signal.Signals names it: "TERM", "KILL",
// "RTMIN" (34) and "RTMAX" (64), which x/sys does not name. Other numbers
// have no name there and print as the number; a stopsignal cannot be one
// of them, since parseSignal accepts only named signals.
func SignalName(sig syscall.Signal) string {
	switch sig {
	case sigRTMIN:
		return "RTMIN"
	case sigRTMAX:
		return "RTMAX"
	}
	if name := unix.SignalName(sig); name != "" {
		return strings.TrimPrefix(name, "SIG")
	}
	return strconv.Itoa(int(sig))
}

// parseExitcodes reads a comma-separated list of codes 0..255. An empty
// value gives an empty list (every exit is then unexpected).
func parseExitcodes(s string) ([]int, error) {
	codes := []int{}
	if s == "" {
		return codes, nil
	}
	for _, f := range strings.Split(s, ",") {
		n, err := pythonInt(f, 10)
		if err != nil || n < 0 || n > 255 {
			return nil, fmt.Errorf("not a valid list of exit codes: %s (expected comma-separated integers from 0 to 255)", pyRepr(s))
		}
		codes = append(codes, n)
	}
	return codes, nil
}

// parseAutorestart reads true/false (any boolean spelling) or unexpected.
func parseAutorestart(s string) (Autorestart, error) {
	v := strings.ToLower(s)
	if v == "unexpected" {
		return AutorestartUnexpected, nil
	}
	if b, err := parseBool(v); err == nil {
		if b {
			return AutorestartTrue, nil
		}
		return AutorestartFalse, nil
	}
	return "", fmt.Errorf("invalid 'autorestart' value %s (expected true, false or unexpected)", pyRepr(s))
}

// parseName checks a process or group name: stripped, it must not contain
// a space, a colon or a slash.
func parseName(s string) (string, error) {
	name := strings.TrimSpace(s)
	for _, c := range []string{" ", ":", "/"} {
		if strings.Contains(name, c) {
			return "", fmt.Errorf("Invalid name: %s because of character: %s (names may not contain a space, ':' or '/')", pyRepr(s), pyRepr(c))
		}
	}
	return name, nil
}

// parseLogLevel accepts supervisord's level names.
func parseLogLevel(s string) (string, error) {
	v := strings.ToLower(s)
	switch v {
	case "critical", "error", "warn", "info", "debug", "trace", "blather":
		return v, nil
	}
	return "", fmt.Errorf("bad logging level name %s (expected critical, error, warn, info, debug, trace or blather)", pyRepr(s))
}

// parseLogfileName maps none/off to LogNone, auto to LogAuto and syslog to
// LogSyslog (any case); anything else is a path, returned as written.
func parseLogfileName(s string) string {
	switch strings.ToLower(s) {
	case "none", "off":
		return LogNone
	case "auto":
		return LogAuto
	case "syslog":
		return LogSyslog
	}
	return s
}

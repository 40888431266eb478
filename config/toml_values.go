package config

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// scalar reads an option that is either a native TOML value handled by
// native, or a string that is expanded and handed to parse (the same
// parser the INI form uses). want names the native form for type errors.
func scalar[T any](v *tomlValues, dst *T, option, want string, native func(any) (T, bool, error), parse func(string) (T, error)) bool {
	x, ok := v.raw(option)
	if !ok {
		return false
	}
	if s, isString := x.(string); isString {
		s, ok := v.expand(option, s)
		if !ok {
			return false
		}
		val, err := parse(s)
		if err != nil {
			v.fail(option, err)
			return false
		}
		*dst = val
		return true
	}
	val, matched, err := native(x)
	switch {
	case !matched:
		v.typeError(option, x, want)
		return false
	case err != nil:
		v.fail(option, err)
		return false
	}
	*dst = val
	return true
}

func (v *tomlValues) boolean(dst *bool, option string) bool {
	return scalar(v, dst, option, "a boolean (true or false)", func(x any) (bool, bool, error) {
		b, ok := x.(bool)
		return b, ok, nil
	}, parseBool)
}

func (v *tomlValues) integer(dst *int, option string) bool {
	return scalar(v, dst, option, "an integer", nativeInt, parseInt)
}

func nativeInt(x any) (int, bool, error) {
	n, ok := x.(int64)
	return int(n), ok, nil
}

// octal reads a umask or a mode: a TOML integer (write 0o022) or an
// octal string ("022"). A plain TOML integer is decimal, so umask = 22
// is 0o026: when its digits read as octal, it was most likely meant as
// octal, and a warning says how to write that.
func (v *tomlValues) octal(dst *int, option string) bool {
	ok := scalar(v, dst, option, `an integer such as 0o022 or an octal string such as "022"`, nativeInt, parseOctal)
	if lit := v.s.literal(option); ok && decimalLooksOctal(lit) {
		digits := fmt.Sprintf("%03s", strings.ReplaceAll(strings.TrimPrefix(lit, "+"), "_", ""))
		v.s.warnf(option, "%s = %s is the decimal number %d (octal %#o); write %s = 0o%s or %s = %q if octal %s is meant",
			option, lit, *dst, *dst, option, digits, option, digits, digits)
	}
	return ok
}

// decimalLooksOctal reports whether a TOML integer literal is decimal, more
// than 7, and made of octal digits only, like 22 or 755.
func decimalLooksOctal(lit string) bool {
	digits := strings.ReplaceAll(strings.TrimPrefix(lit, "+"), "_", "")
	n, err := strconv.Atoi(digits)
	return err == nil && n > 7 && strings.Trim(digits, "01234567") == ""
}

// size reads a byte count: a TOML integer or a string such as "50MB".
func (v *tomlValues) size(dst *int64, option string) bool {
	return scalar(v, dst, option, `a number of bytes or a size such as "50MB"`, func(x any) (int64, bool, error) {
		n, ok := x.(int64)
		return n, ok, nil
	}, parseByteSize)
}

// maxSeconds keeps a duration in seconds from overflowing time.Duration.
const maxSeconds = float64(1<<63-1) / float64(time.Second)

// duration reads a number of seconds (integer or float) or a string: a Go
// duration such as "1.5s" or "2m", or a plain integer of seconds.
func (v *tomlValues) duration(dst *time.Duration, option string) bool {
	return scalar(v, dst, option, `a number of seconds or a duration such as "1.5s"`, func(x any) (time.Duration, bool, error) {
		var f float64
		switch n := x.(type) {
		case int64:
			f = float64(n)
		case float64:
			f = n
		default:
			return 0, false, nil
		}
		if f != f || f > maxSeconds || f < -maxSeconds { // f != f: NaN
			return 0, true, fmt.Errorf("%v is not a usable number of seconds", x)
		}
		return time.Duration(f * float64(time.Second)), true, nil
	}, parseDuration)
}

func parseDuration(s string) (time.Duration, error) {
	if n, err := pythonInt(s, 10); err == nil && float64(n) <= maxSeconds && float64(n) >= -maxSeconds {
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("not a valid duration: %q (expected a number of seconds or a duration such as \"1.5s\" or \"2m\")", s)
	}
	return d, nil
}

// The typed readers below take a native TOML value or, like every option,
// a string in the INI form's spelling.

func (v *tomlValues) autorestart(dst *Autorestart, option string) bool {
	return scalar(v, dst, option, `true, false or "unexpected"`, func(x any) (Autorestart, bool, error) {
		b, ok := x.(bool)
		if b {
			return AutorestartTrue, ok, nil
		}
		return AutorestartFalse, ok, nil
	}, parseAutorestart)
}

// signal reads a signal name ("TERM", "SIGHUP") or number.
func (v *tomlValues) signal(dst *syscall.Signal, option string) bool {
	return scalar(v, dst, option, `a signal name such as "TERM" or a number`, func(x any) (syscall.Signal, bool, error) {
		n, ok := x.(int64)
		if !ok {
			return 0, false, nil
		}
		sig, err := parseSignal(strconv.FormatInt(n, 10))
		return sig, true, err
	}, parseSignal)
}

// exitcodes reads an array of integers or a string such as "0,2".
func (v *tomlValues) exitcodes(dst *[]int, option string) bool {
	return scalar(v, dst, option, "an array of exit codes such as [0, 2]", func(x any) ([]int, bool, error) {
		arr, ok := x.([]any)
		if !ok {
			return nil, false, nil
		}
		codes := []int{}
		for _, e := range arr {
			n, isInt := e.(int64)
			if !isInt || n < 0 || n > 255 {
				return nil, true, fmt.Errorf("not a valid list of exit codes: %s is not an integer from 0 to 255", tomlTypeName(e))
			}
			codes = append(codes, int(n))
		}
		return codes, true, nil
	}, parseExitcodes)
}

// logConfig reads one channel's *_logfile options. def is the TOML form's
// default logfile for the channel.
func (v *tomlValues) logConfig(lc *LogConfig, channel, def string, opts LoadOptions) {
	lc.Logfile = def
	if v.str(&lc.Logfile, channel+"_logfile") {
		lc.Logfile = parseLogfileName(lc.Logfile)
		if lc.Logfile != LogAuto && lc.Logfile != LogNone && lc.Logfile != LogSyslog {
			lc.Logfile = expandUser(lc.Logfile, opts)
		}
	}
	lc.Maxbytes = tomlDefaultMaxbytes(lc.Logfile)
	lc.Backups = 10
	v.size(&lc.Maxbytes, channel+"_logfile_maxbytes")
	v.integer(&lc.Backups, channel+"_logfile_backups")
	v.size(&lc.CaptureMaxbytes, channel+"_capture_maxbytes")
	v.boolean(&lc.EventsEnabled, channel+"_events_enabled")
	v.boolean(&lc.Syslog, channel+"_syslog")
	if lc.Logfile == LogSyslog {
		// supervisord's deprecated spelling of *_syslog=true.
		lc.Logfile, lc.Syslog = LogNone, true
	}
}

// command reads command: a string, shlex-split like the INI form, or an
// array of words, each expanded. For an array, Command is the words
// shell-quoted, so that splitting it gives Argv back. A string that does
// not split is kept with no Argv, as the INI form keeps it, and splitErr
// says why: the caller warns, since supervisord accepts such a file.
func (v *tomlValues) command(p *Program) (set bool, splitErr error) {
	x, ok := v.raw("command")
	if !ok {
		return false, nil
	}
	switch val := x.(type) {
	case string:
		s, ok := v.expand("command", val)
		if !ok {
			return false, nil
		}
		p.Command = s
		p.Argv, splitErr = splitCommand(s)
	case []any:
		argv := make([]string, 0, len(val))
		for _, e := range val {
			s, isString := e.(string)
			if !isString {
				v.typeError("command", e, "a string in the command array")
				return false, nil
			}
			if s, ok = v.expand("command", s); !ok {
				return false, nil
			}
			argv = append(argv, s)
		}
		p.Command, p.Argv = shellJoin(argv), argv
	default:
		v.typeError("command", x, `a string or an array of strings such as ["nginx", "-g", "daemon off;"]`)
		return false, nil
	}
	return true, splitErr
}

// shellJoin quotes each word the way Python's shlex.quote does and joins
// them with spaces.
func shellJoin(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = shellQuote(w)
	}
	return strings.Join(quoted, " ")
}

func shellQuote(w string) string {
	if w == "" {
		return "''"
	}
	safe := strings.IndexFunc(w, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("_@%+=:,./-", c))
	}) < 0
	if safe {
		return w
	}
	// Inside single quotes nothing is special; a quote itself is closed,
	// escaped as "'", and reopened.
	return "'" + strings.ReplaceAll(w, "'", `'"'"'`) + "'"
}

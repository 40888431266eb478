package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// TOML renders c in supinit's native TOML form such that loading the
// result gives the same model (and the same `check --json` output). The
// model is already expanded, so values are written literally, with every
// % doubled for the expansion the TOML loader applies. Options are written
// only where they differ from the TOML form's defaults, except
// stdout_logfile and stderr_logfile, whose defaults differ between the two
// forms and are always written.
func (c *Config) TOML() ([]byte, error) {
	w := &tomlWriter{}
	fmt.Fprintf(&w.b, "# supinit native TOML form of %s, written by `supinit convert`.\n", c.File)
	for _, inc := range c.Included {
		fmt.Fprintf(&w.b, "# Includes %s (merged below).\n", inc)
	}
	if len(c.RPCInterfaces) > 0 {
		w.b.WriteString("# [rpcinterface:x] sections are left out: supinit always serves the supervisor interface.\n")
	}
	w.supervisord(&c.Supervisord)
	w.servers(c)
	if err := w.programs(c); err != nil {
		return nil, err
	}
	if w.err != nil {
		return nil, w.err
	}
	return []byte(w.b.String()), nil
}

// tomlWriter builds the TOML text; the first error sticks.
type tomlWriter struct {
	b   strings.Builder
	err error
}

// table starts [key.parts].
func (w *tomlWriter) table(parts ...string) {
	keys := make([]string, len(parts))
	for i, p := range parts {
		keys[i] = w.key(p)
	}
	fmt.Fprintf(&w.b, "\n[%s]\n", strings.Join(keys, "."))
}

// kv writes key = value, value already in TOML syntax.
func (w *tomlWriter) kv(key, value string) { fmt.Fprintf(&w.b, "%s = %s\n", w.key(key), value) }

func (w *tomlWriter) key(k string) string {
	if k != "" && strings.Trim(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == "" {
		return k
	}
	return w.quote(k)
}

// text renders a value the loader expands: % doubled, then quoted.
func (w *tomlWriter) text(s string) string { return w.quote(escapePercent(s)) }

func escapePercent(s string) string { return strings.ReplaceAll(s, "%", "%%") }

// quote renders s as a TOML basic string.
func (w *tomlWriter) quote(s string) string {
	if !utf8.ValidString(s) && w.err == nil {
		w.err = fmt.Errorf("cannot write %q in TOML: it is not valid UTF-8", s)
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func (w *tomlWriter) texts(items []string) string {
	quoted := make([]string, len(items))
	for i, s := range items {
		quoted[i] = w.text(s)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// env renders an environment table inline, keys sorted.
func (w *tomlWriter) env(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = w.key(k) + " = " + w.text(m[k])
	}
	return "{ " + strings.Join(pairs, ", ") + " }"
}

func octalLiteral(n int) string {
	if n < 0 {
		return strconv.Itoa(n)
	}
	return "0o" + strconv.FormatInt(int64(n), 8)
}

func (w *tomlWriter) supervisord(s *Supervisord) {
	d := tomlSupervisordDefaults(LoadOptions{})
	w.table("supervisord")
	opt := func(differs bool, key, value string) {
		if differs {
			w.kv(key, value)
		}
	}
	opt(s.Logfile != d.Logfile, "logfile", w.text(s.Logfile))
	opt(s.LogfileMaxbytes != d.LogfileMaxbytes, "logfile_maxbytes", strconv.FormatInt(s.LogfileMaxbytes, 10))
	opt(s.LogfileBackups != d.LogfileBackups, "logfile_backups", strconv.Itoa(s.LogfileBackups))
	opt(s.Loglevel != d.Loglevel, "loglevel", w.text(s.Loglevel))
	opt(s.Pidfile != d.Pidfile, "pidfile", w.text(s.Pidfile))
	opt(s.Umask != d.Umask, "umask", octalLiteral(s.Umask))
	opt(s.Nodaemon, "nodaemon", "true")
	opt(s.Silent, "silent", "true")
	opt(s.Minfds != d.Minfds, "minfds", strconv.Itoa(s.Minfds))
	opt(s.Minprocs != d.Minprocs, "minprocs", strconv.Itoa(s.Minprocs))
	opt(s.Nocleanup, "nocleanup", "true")
	opt(s.Childlogdir != d.Childlogdir, "childlogdir", w.text(s.Childlogdir))
	opt(s.User != "", "user", w.text(s.User))
	opt(s.Directory != "", "directory", w.text(s.Directory))
	opt(s.StripAnsi, "strip_ansi", "true")
	opt(len(s.Environment) > 0, "environment", w.env(s.Environment))
	opt(s.Identifier != d.Identifier, "identifier", w.text(s.Identifier))
	opt(s.LogPrefix, "log_prefix", "true")
}

func (w *tomlWriter) servers(c *Config) {
	if u := c.UnixHTTPServer; u != nil {
		w.table("unix_http_server")
		w.kv("file", w.text(u.File))
		if u.Chmod != 0o700 {
			w.kv("chmod", octalLiteral(u.Chmod))
		}
		w.optText("chown", u.Chown)
		w.optText("username", u.Username)
		w.optText("password", u.Password)
	}
	if in := c.InetHTTPServer; in != nil {
		w.table("inet_http_server")
		w.kv("port", w.text(in.Host+":"+strconv.Itoa(in.Port)))
		w.optText("username", in.Username)
		w.optText("password", in.Password)
	}
	if ctl := c.Supervisorctl; ctl != nil {
		w.table("supervisorctl")
		if ctl.Serverurl != "http://localhost:9001" {
			w.kv("serverurl", w.text(ctl.Serverurl))
		}
		w.optText("username", ctl.Username)
		w.optText("password", ctl.Password)
		if ctl.Prompt != "supervisor" {
			w.kv("prompt", w.text(ctl.Prompt))
		}
		w.optText("history_file", ctl.HistoryFile)
	}
}

// optText writes a string option when it is set.
func (w *tomlWriter) optText(key, value string) {
	if value != "" {
		w.kv(key, w.text(value))
	}
}

package config

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
)

// JSON is the effective model as `supinit check --json` prints it: the
// contract tests and tools compare against, so keys and value forms stay
// stable. Keys are supervisord's option names; values are normalised
// (signals by name without SIG, sizes in bytes, durations in seconds).
func (c *Config) JSON() ([]byte, error) {
	out := jsonConfig{
		Supervisord:    jsonSupervisordOf(&c.Supervisord),
		Programs:       []jsonProgram{},
		EventListeners: []jsonListener{},
		Groups:         []jsonGroup{},
	}
	for _, p := range c.Programs {
		out.Programs = append(out.Programs, jsonProgramOf(p))
	}
	for _, p := range c.EventListeners {
		out.EventListeners = append(out.EventListeners, jsonListener{
			jsonProgram: jsonProgramOf(p),
			Events:      orEmpty(p.Events),
			BufferSize:  p.BufferSize,
		})
	}
	for _, g := range c.Groups {
		out.Groups = append(out.Groups, jsonGroup{Name: g.Name, Priority: g.Priority, Programs: orEmpty(g.Processes)})
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // print "a && b" as written, not \u0026
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil { // Encode ends with a newline
		return nil, err
	}
	return b.Bytes(), nil
}

type jsonConfig struct {
	Supervisord    jsonSupervisord `json:"supervisord"`
	Programs       []jsonProgram   `json:"programs"`
	EventListeners []jsonListener  `json:"eventlisteners"`
	Groups         []jsonGroup     `json:"groups"`
}

type jsonSupervisord struct {
	Logfile         string            `json:"logfile"`
	LogfileMaxbytes int64             `json:"logfile_maxbytes"`
	LogfileBackups  int               `json:"logfile_backups"`
	Loglevel        string            `json:"loglevel"`
	Pidfile         string            `json:"pidfile"`
	Umask           int               `json:"umask"`
	Nodaemon        bool              `json:"nodaemon"`
	Silent          bool              `json:"silent"`
	Minfds          int               `json:"minfds"`
	Minprocs        int               `json:"minprocs"`
	Nocleanup       bool              `json:"nocleanup"`
	Childlogdir     string            `json:"childlogdir"`
	User            *string           `json:"user"`
	Directory       *string           `json:"directory"`
	StripAnsi       bool              `json:"strip_ansi"`
	Environment     map[string]string `json:"environment"`
	Identifier      string            `json:"identifier"`
	LogPrefix       bool              `json:"log_prefix"`
}

type jsonProgram struct {
	Group                 string            `json:"group"`
	Name                  string            `json:"name"`
	Command               string            `json:"command"`
	Argv                  []string          `json:"argv"`
	Priority              int               `json:"priority"`
	Autostart             bool              `json:"autostart"`
	Autorestart           Autorestart       `json:"autorestart"`
	Startsecs             jsonSeconds       `json:"startsecs"`
	Startretries          int               `json:"startretries"`
	Exitcodes             []int             `json:"exitcodes"`
	Stopsignal            string            `json:"stopsignal"`
	Stopwaitsecs          jsonSeconds       `json:"stopwaitsecs"`
	Stopasgroup           bool              `json:"stopasgroup"`
	Killasgroup           bool              `json:"killasgroup"`
	User                  *string           `json:"user"`
	Directory             *string           `json:"directory"`
	Umask                 *int              `json:"umask"`
	RedirectStderr        bool              `json:"redirect_stderr"`
	StdoutLogfile         string            `json:"stdout_logfile"`
	StdoutLogfileMaxbytes int64             `json:"stdout_logfile_maxbytes"`
	StdoutLogfileBackups  int               `json:"stdout_logfile_backups"`
	StderrLogfile         string            `json:"stderr_logfile"`
	StderrLogfileMaxbytes int64             `json:"stderr_logfile_maxbytes"`
	StderrLogfileBackups  int               `json:"stderr_logfile_backups"`
	Environment           map[string]string `json:"environment"`
	Critical              bool              `json:"critical"`
}

type jsonListener struct {
	jsonProgram
	Events     []string `json:"events"`
	BufferSize int      `json:"buffer_size"`
}

type jsonGroup struct {
	Name     string   `json:"name"`
	Priority int      `json:"priority"`
	Programs []string `json:"programs"`
}

// jsonSeconds prints a duration as a number of seconds, with a fraction
// only when there is one: 10, 1.5.
type jsonSeconds time.Duration

func (s jsonSeconds) MarshalJSON() ([]byte, error) {
	d := time.Duration(s)
	if d%time.Second == 0 {
		return strconv.AppendInt(nil, int64(d/time.Second), 10), nil
	}
	return strconv.AppendFloat(nil, d.Seconds(), 'f', -1, 64), nil
}

func jsonSupervisordOf(s *Supervisord) jsonSupervisord {
	return jsonSupervisord{
		Logfile: s.Logfile, LogfileMaxbytes: s.LogfileMaxbytes, LogfileBackups: s.LogfileBackups,
		Loglevel: s.Loglevel, Pidfile: s.Pidfile, Umask: s.Umask, Nodaemon: s.Nodaemon,
		Silent: s.Silent, Minfds: s.Minfds, Minprocs: s.Minprocs, Nocleanup: s.Nocleanup,
		Childlogdir: s.Childlogdir, User: nilIfEmpty(s.User), Directory: nilIfEmpty(s.Directory),
		StripAnsi: s.StripAnsi, Environment: orEmptyMap(s.Environment), Identifier: s.Identifier,
		LogPrefix: s.LogPrefix,
	}
}

func jsonProgramOf(p *Program) jsonProgram {
	return jsonProgram{
		Group: p.Group, Name: p.Name, Command: p.Command, Argv: orEmpty(p.Argv),
		Priority: p.Priority, Autostart: p.Autostart, Autorestart: p.Autorestart,
		Startsecs: jsonSeconds(p.Startsecs), Startretries: p.Startretries,
		Exitcodes: orEmpty(p.Exitcodes), Stopsignal: SignalName(p.Stopsignal),
		Stopwaitsecs: jsonSeconds(p.Stopwaitsecs), Stopasgroup: p.Stopasgroup,
		Killasgroup: p.Killasgroup, User: p.User, Directory: p.Directory, Umask: p.Umask,
		RedirectStderr: p.RedirectStderr,
		StdoutLogfile:  p.Stdout.Logfile, StdoutLogfileMaxbytes: p.Stdout.Maxbytes, StdoutLogfileBackups: p.Stdout.Backups,
		StderrLogfile: p.Stderr.Logfile, StderrLogfileMaxbytes: p.Stderr.Maxbytes, StderrLogfileBackups: p.Stderr.Backups,
		Environment: orEmptyMap(p.Environment), Critical: p.Critical,
	}
}

// orEmpty makes a nil slice print as [] rather than null.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func orEmptyMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nilIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

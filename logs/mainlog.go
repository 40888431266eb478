package logs

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// ParseLevel maps supervisord's loglevel names to zerolog levels:
// critical → fatal (log it with Crit, which does not exit), error, warn,
// info, debug, trace; blather, below trace in supervisord, is trace too
// (a lower zerolog level would need a global setting). "" is info.
func ParseLevel(name string) (zerolog.Level, error) {
	switch strings.ToLower(name) {
	case "critical":
		return zerolog.FatalLevel, nil
	case "error":
		return zerolog.ErrorLevel, nil
	case "warn":
		return zerolog.WarnLevel, nil
	case "info", "":
		return zerolog.InfoLevel, nil
	case "debug":
		return zerolog.DebugLevel, nil
	case "trace", "blather":
		return zerolog.TraceLevel, nil
	}
	return zerolog.NoLevel, fmt.Errorf("cannot use log level %q: not one of critical, error, warn, info, debug, trace, blather", name)
}

// Crit starts a CRIT event. zerolog's Fatal would exit the process;
// WithLevel does not.
func Crit(l *zerolog.Logger) *zerolog.Event {
	return l.WithLevel(zerolog.FatalLevel)
}

// LoggerOptions configure supinit's own log. The supervisor converts
// config.Supervisord into this.
type LoggerOptions struct {
	// File is [supervisord] logfile: a path (rotated at MaxBytes, keeping
	// Backups), "syslog", a container stream path (/dev/stdout: written
	// to Mux, never opened or rotated), or "" for none.
	File     string
	MaxBytes int64
	Backups  int
	Level    string // supervisord's name; "" is info
	JSON     bool   // one JSON object per line instead of supervisord's text
	// Echo also writes the log to Mux.Stdout, as supervisord does when
	// nodaemon and not silent; supinit is always in the foreground, so
	// pass !silent. Nothing is written twice when File is stdout already.
	Echo      bool
	Mux       *Mux
	TailBytes int              // the in-memory tail when File is not a file: 0 means DefaultTailBytes
	Now       func() time.Time // the clock; nil is time.Now

	syslogAddr string // tests replace /dev/log
}

// MainLog is where supinit's own log goes; the logger from NewLogger
// writes to it. It answers readLog, clearLog, maintail and /mainlogtail
// like a program's Channel.
type MainLog struct {
	ch   *Channel // the log file or the tail buffer, syslog and the followers
	outs []logOut // the container streams it goes to
	fmt  formatter
	mu   sync.Mutex // keeps the lines in one order on every sink
}

// NewLogger builds supinit's logger and its sinks. Writing a line waits
// for a container stream only briefly (see Stream.sendLog); a stream that
// does not take it loses the line, and is told how many it lost as soon as
// it takes lines again.
func NewLogger(opts LoggerOptions) (zerolog.Logger, *MainLog, error) {
	level, err := ParseLevel(opts.Level)
	if err != nil {
		return zerolog.Nop(), nil, err
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	f := formatter{json: opts.JSON, now: now}
	co := ChannelOptions{
		Name:       "supinit",
		File:       opts.File,
		MaxBytes:   opts.MaxBytes,
		Backups:    opts.Backups,
		TailBytes:  opts.TailBytes,
		Mux:        opts.Mux,
		syslogAddr: opts.syslogAddr,
	}
	if strings.EqualFold(opts.File, "syslog") {
		co.File, co.Syslog = "", true
	}
	if opts.Mux != nil {
		// Problems of the main log itself go to stderr, not into itself.
		co.Log = zerolog.New(newLogOut(opts.Mux.Stderr, f))
	}
	ch, err := OpenChannel(co)
	if err != nil {
		return zerolog.Nop(), nil, fmt.Errorf("cannot open the log: %w", err)
	}
	// The channel keeps the file, the tail, syslog and the followers; the
	// lines reach the container streams through their log lanes.
	m := &MainLog{ch: ch, fmt: f}
	if ch.stream != nil {
		m.outs = append(m.outs, newLogOut(ch.stream, f))
		ch.stream = nil
	}
	if opts.Echo && opts.Mux != nil && (len(m.outs) == 0 || m.outs[0].s != opts.Mux.Stdout) {
		m.outs = append(m.outs, newLogOut(opts.Mux.Stdout, f))
	}
	return zerolog.New(m).Level(level), m, nil
}

// Write formats one zerolog event and writes it to every sink.
func (m *MainLog) Write(event []byte) (int, error) {
	line := m.fmt.format(event)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ch.emit(line)
	for _, o := range m.outs {
		o.writeLine(line)
	}
	return len(event), nil
}

// Path is the log file, the container stream path, or "".
func (m *MainLog) Path() string { return m.ch.Path() }

// Reopen reopens the log file (SIGUSR2).
func (m *MainLog) Reopen() error { return m.ch.Reopen() }

// Clear deletes and reopens the log file, or empties the tail (clearLog).
func (m *MainLog) Clear() error { return m.ch.Clear() }

// ReadFile answers readLog (see Channel.ReadFile).
func (m *MainLog) ReadFile(offset, length int64) ([]byte, error) {
	return m.ch.ReadFile(offset, length)
}

// TailFile has tailFile semantics on the main log (see Channel.TailFile).
func (m *MainLog) TailFile(offset, length int64) ([]byte, int64, bool, error) {
	return m.ch.TailFile(offset, length)
}

// Follow answers /mainlogtail (see Channel.Follow).
func (m *MainLog) Follow() (<-chan []byte, func()) { return m.ch.Follow() }

// Close closes the log file and ends the followers.
func (m *MainLog) Close() error { return m.ch.Close() }

// logOut is one container stream that supinit's own log goes to. Its
// Write takes zerolog events, for a logger of its own.
type logOut struct {
	s     *Stream
	fmt   formatter
	label label // the prefix on a prefixed stream
}

func newLogOut(s *Stream, f formatter) logOut {
	return logOut{s: s, fmt: f, label: s.labels.label("supinit")}
}

func (o logOut) Write(event []byte) (int, error) {
	o.writeLine(o.fmt.format(event))
	return len(event), nil
}

// writeLine puts line, formatted, on the stream's log lane. A line the
// stream does not take is dropped and counted; the first line it takes
// again comes after one that says how many were dropped.
func (o logOut) writeLine(line []byte) {
	if n := o.s.logDropped.Load(); n > 0 {
		// The stream refused the last line: the notice does not wait,
		// so a stalled stream costs the caller logWait once, not at
		// every line.
		if !o.send(o.fmt.format(dropNoticeEvent(n, o.s.name)), 0) {
			o.s.logDropped.Add(1)
			return
		}
		o.s.logDropped.Add(-n)
	}
	if !o.send(line, logWait) {
		o.s.logDropped.Add(1)
	}
}

func (o logOut) send(line []byte, wait time.Duration) bool {
	b := o.s.small.get()
	*b = appendForStream(*b, o.s, o.label, line)
	return o.s.sendLog(b, wait)
}

// dropNoticeEvent is the zerolog event of the warning that n lines of
// supinit's log did not reach stream.
func dropNoticeEvent(n int64, stream string) []byte {
	var ev bytes.Buffer
	l := zerolog.New(&ev)
	l.Warn().Msg(logDroppedText(n, stream))
	return ev.Bytes()
}

package logs

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
)

// Defaults of ChannelOptions.
const (
	DefaultTailBytes = 64 << 10
	DefaultMaxLine   = 64 << 10
	DefaultIdleFlush = 200 * time.Millisecond
)

// ChannelOptions configure one output channel of one process. The
// supervisor converts config.LogConfig into this.
type ChannelOptions struct {
	Name    string // process name: the prefix, the AUTO file name, the syslog tag
	Channel string // "stdout" or "stderr"

	// File is the *_logfile value: "" or NONE/OFF (no file), AUTO (a file
	// in ChildLogDir, see AutoPath), SYSLOG (no file, Syslog on), a
	// container stream path (see IsContainerStream: written to Mux, never
	// opened, never rotated), or a file path (relative to the CWD).
	File        string
	MaxBytes    int64 // rotate at this size; 0 never (ignored for container streams)
	Backups     int   // rotated files kept: name.1 … name.N; 0 truncates instead
	ChildLogDir string
	Identifier  string // [supervisord] identifier, part of AUTO names

	Syslog    bool // also send each line to syslog (/dev/log)
	StripANSI bool // remove ANSI escape sequences before writing anywhere

	TailBytes int           // in-memory tail when there is no file: 0 means DefaultTailBytes, <0 none
	MaxLine   int           // longer lines are cut into pieces: 0 means DefaultMaxLine
	IdleFlush time.Duration // a partial line is written after this idle time: 0 means DefaultIdleFlush

	Mux *Mux           // the container streams; needed when File names one
	Log zerolog.Logger // where warnings go (a file that cannot be written, no syslog); zero value: nowhere

	syslogAddr string // tests replace /dev/log
}

// Channel is one output pipe of one process and where its bytes go. It
// lives as long as the process's configuration: each spawn calls Copy on
// the new pipe, and the file, the tail buffer and the followers carry on.
type Channel struct {
	name      string
	channel   string
	maxLine   int
	idle      time.Duration
	stripANSI bool
	stream    *Stream // the container stream it writes to, or nil
	label     label
	reads     *bufPool // Copy's read buffers

	mu     sync.Mutex // guards the sinks below; never held while waiting on a stream
	path   string     // what Path reports
	file   *rotatingFile
	syslog *syslogWriter
	tail   *ring
	subs   map[*follower]struct{}
	log    zerolog.Logger
	failed bool // a file write error was reported and has not recovered
}

// OpenChannel creates the channel's sinks: it creates an AUTO file, opens
// a log file in append mode, or connects to syslog.
func OpenChannel(opts ChannelOptions) (*Channel, error) {
	c := &Channel{
		name:      opts.Name,
		channel:   opts.Channel,
		maxLine:   orDefault(opts.MaxLine, DefaultMaxLine),
		idle:      opts.IdleFlush,
		stripANSI: opts.StripANSI,
		subs:      map[*follower]struct{}{},
		log:       opts.Log,
	}
	if c.idle <= 0 {
		c.idle = DefaultIdleFlush
	}
	if opts.Mux != nil && opts.Mux.reads != nil {
		c.reads = opts.Mux.reads
	} else {
		c.reads = newBufPool(readBufSize)
	}
	file, syslog := opts.File, opts.Syslog
	switch strings.ToUpper(file) {
	case "", "NONE", "OFF":
		file = ""
	case "SYSLOG":
		file, syslog = "", true
	case "AUTO":
		p, err := AutoPath(opts.ChildLogDir, opts.Name, opts.Channel, opts.Identifier)
		if err != nil {
			return nil, err
		}
		file = p
	}
	if fd, ok := IsContainerStream(file); ok {
		if opts.Mux == nil {
			return nil, fmt.Errorf("cannot write %s log of %s to %s: no container streams", opts.Channel, opts.Name, file)
		}
		c.stream = opts.Mux.Stream(fd)
		c.path = file
		file = ""
	}
	if file != "" {
		f, err := openRotating(file, opts.MaxBytes, opts.Backups)
		if err != nil {
			return nil, err
		}
		c.file, c.path = f, file
	} else if opts.TailBytes >= 0 {
		c.tail = newRing(orDefault(opts.TailBytes, DefaultTailBytes))
	}
	if syslog {
		c.syslog = openSyslog(opts.syslogAddr, opts.Name, c.log)
	}
	c.setLabel()
	return c, nil
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// setLabel names the channel's lines on a prefixed stream; the channel
// name is added when it differs from the stream's ("web(stderr)").
func (c *Channel) setLabel() {
	s := c.stream
	if s == nil {
		return
	}
	text := c.name
	if c.channel != "" && s.name != "" && c.channel != s.name {
		text += "(" + c.channel + ")"
	}
	c.label = s.labels.label(text)
}

// Path is the log file (an AUTO name resolved), the container stream path
// the channel writes to, or "" when it has neither.
func (c *Channel) Path() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.path
}

// Reopen closes and reopens the log file (SIGUSR2), so a file renamed away
// by logrotate is recreated. Without a file it does nothing.
func (c *Channel) Reopen() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.file == nil {
		return nil
	}
	return c.file.reopen()
}

// Clear deletes the log file and reopens it empty (clearProcessLogs), or
// empties the tail buffer. Backups are kept, as supervisord keeps them.
func (c *Channel) Clear() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.file != nil:
		return c.file.remove()
	case c.tail != nil:
		c.tail.reset()
		return nil
	}
	return ErrNoFile
}

// Close closes the file and syslog and ends every follower. A Copy still
// running keeps writing to the container stream and the tail buffer only.
func (c *Channel) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for f := range c.subs {
		c.unsubscribe(f)
	}
	var err error
	if c.file != nil {
		err = c.file.close()
		c.file = nil
	}
	if c.syslog != nil {
		c.syslog.close()
		c.syslog = nil
	}
	return err
}

// emit sends whole lines, or one piece of a line, to every sink.
func (c *Channel) emit(seg []byte) { c.emitFrom(seg, nil) }

// emitFrom is emit for a segment that may start at the start of b, a
// buffer of c.reads. When it does and the channel's stream takes the
// bytes unchanged, the stream gets b itself rather than a copy (the bytes
// of a busy pipe are copied once less): emitFrom reports whether it took
// b, which its caller must then no longer touch.
func (c *Channel) emitFrom(seg []byte, b *[]byte) bool {
	if c.stripANSI {
		seg = StripANSI(seg) // seg itself when it holds no escape
	}
	if len(seg) == 0 {
		return false
	}
	c.mu.Lock()
	c.writeSinks(seg)
	c.mu.Unlock()
	// Outside c.mu: a stalled stream must not block readers of the tail.
	s := c.stream
	switch {
	case s == nil:
		return false
	case b != nil && !s.prefix && &seg[0] == &(*b)[:1][0]:
		*b = (*b)[:len(seg)]
		s.send(item{buf: b, pool: c.reads})
		return true
	}
	// A copy of a whole read (prefixed lines, a piece of a long line) takes
	// a read buffer: the stream's small ones are for a line or two.
	pool := s.small
	if len(seg) > smallBufSize/2 {
		pool = c.reads
	}
	nb := pool.get()
	*nb = appendForStream(*nb, s, c.label, seg)
	s.send(item{buf: nb, pool: pool})
	return false
}

func (c *Channel) writeSinks(seg []byte) {
	if c.file != nil {
		if err := c.file.write(seg); err != nil {
			if !c.failed {
				c.failed = true
				c.log.Error().Err(err).Str("program", c.name).Str("channel", c.channel).
					Msg("cannot write log file; output is lost until it can be written again")
			}
		} else {
			c.failed = false
		}
	}
	if c.tail != nil {
		c.tail.write(seg)
	}
	if c.syslog != nil {
		c.syslog.writeLines(seg)
	}
	if len(c.subs) > 0 {
		cp := bytes.Clone(seg)
		for f := range c.subs {
			f.deliver(cp)
		}
	}
}

// appendForStream renders seg for a container stream: unchanged without a
// prefix; with one, each line gets the label and ends with a newline (a
// cut piece gets one too, so the next program's line starts on its own).
func appendForStream(dst []byte, s *Stream, l label, seg []byte) []byte {
	if !s.prefix {
		return append(dst, seg...)
	}
	var room [64]byte
	prefix := appendLabel(room[:0], s, l)
	// Room for every line at once: appending line by line would grow dst
	// (and copy it) several times per read.
	lines := bytes.Count(seg, []byte{'\n'}) + 1
	dst = slices.Grow(dst, len(seg)+lines*(len(prefix)+1))
	for len(seg) > 0 {
		line := seg
		if i := bytes.IndexByte(seg, '\n'); i >= 0 {
			line = seg[:i+1]
		}
		seg = seg[len(line):]
		dst = append(dst, prefix...)
		dst = append(dst, line...)
		if line[len(line)-1] != '\n' {
			dst = append(dst, '\n')
		}
	}
	return dst
}

// appendLabel appends what goes before each line of l: "web    | ",
// padded to the widest label so far, coloured on a colour stream.
func appendLabel(dst []byte, s *Stream, l label) []byte {
	if s.color {
		dst = append(dst, l.color...)
	}
	dst = append(dst, l.text...)
	for range s.labels.currentWidth() - len(l.text) {
		dst = append(dst, ' ')
	}
	dst = append(dst, " |"...)
	if s.color {
		dst = append(dst, "\x1b[0m"...)
	}
	return append(dst, ' ')
}

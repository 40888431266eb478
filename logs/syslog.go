package logs

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/rs/zerolog"
)

const (
	devLog = "/dev/log"
	// syslogPri is facility user (1), severity info (6): 1*8+6.
	syslogPri = 14
	// syslogTimeout bounds a send to a stalled syslog daemon.
	syslogTimeout = time.Second
)

// syslogRetry is how long an unusable syslog socket is left alone.
const syslogRetry = 10 * time.Second

// syslogWriter sends each line to the local syslog socket as an RFC 3164
// message tagged with the process name. Without a usable socket it warns
// once per outage and drops lines, trying again every syslogRetry. Its
// callers serialise the calls.
type syslogWriter struct {
	addr    string
	tag     string
	conn    net.Conn
	log     zerolog.Logger
	warned  bool
	retryAt time.Time
}

func openSyslog(addr, tag string, log zerolog.Logger) *syslogWriter {
	if addr == "" {
		addr = devLog
	}
	w := &syslogWriter{addr: addr, tag: tag, log: log}
	if _, err := os.Stat(addr); err != nil {
		w.fail(err)
		return w
	}
	w.dial()
	return w
}

func (w *syslogWriter) dial() {
	conn, err := net.Dial("unixgram", w.addr)
	if err != nil {
		w.fail(err)
		return
	}
	w.conn = conn
}

// fail drops the connection, warns once per outage and waits before the
// next try.
func (w *syslogWriter) fail(err error) {
	w.close()
	w.retryAt = time.Now().Add(syslogRetry)
	if w.warned {
		return
	}
	w.warned = true
	w.log.Warn().Err(err).Str("program", w.tag).
		Msgf("cannot log %s to syslog: %s is not usable; its lines are dropped", w.tag, w.addr)
}

// writeLines sends each line of seg as one datagram.
func (w *syslogWriter) writeLines(seg []byte) {
	for len(seg) > 0 {
		line := seg
		if i := bytes.IndexByte(seg, '\n'); i >= 0 {
			line, seg = seg[:i], seg[i+1:]
		} else {
			seg = nil
		}
		if len(line) == 0 {
			continue
		}
		if w.conn == nil {
			if time.Now().Before(w.retryAt) {
				continue
			}
			if w.dial(); w.conn == nil {
				continue
			}
		}
		msg := fmt.Appendf(nil, "<%d>%s %s: %s", syslogPri, time.Now().Format(time.Stamp), w.tag, line)
		if err := w.send(msg); err != nil {
			// syslogd may have restarted: reconnect and try once more.
			w.close()
			if w.dial(); w.conn == nil {
				continue
			}
			if err := w.send(msg); err != nil {
				w.fail(err)
				continue
			}
		}
		w.warned = false
	}
}

func (w *syslogWriter) send(msg []byte) error {
	w.conn.SetWriteDeadline(time.Now().Add(syslogTimeout))
	_, err := w.conn.Write(msg)
	return err
}

func (w *syslogWriter) close() {
	if w.conn != nil {
		w.conn.Close()
		w.conn = nil
	}
}

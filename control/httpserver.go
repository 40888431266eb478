package control

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/textproto"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
)

// The server's own HTTP/1.1, just what supervisorctl needs: net/http
// (with its TLS and HTTP/2) is most of the binary's size otherwise.

// Limits on what one request may make the server read and hold.
const (
	maxHeaderBytes = 64 << 10
	maxHeaders     = 100
	maxBody        = 1 << 20 // an XML-RPC request body
	// lingerTimeout bounds how long a closing connection drains what the
	// client still sends (see httpConn.close).
	lingerTimeout = 500 * time.Millisecond
	// closeWait is how long Close lets requests in flight send their
	// replies.
	closeWait = time.Second
)

// httpDate is the layout of the Date header (RFC 9110 §5.6.7).
const httpDate = "Mon, 02 Jan 2006 15:04:05 GMT"

// request is one HTTP request, its body read.
type request struct {
	method string
	path   string // the target's path, unescaped
	minor  int    // HTTP/1.minor
	header textproto.MIMEHeader
	// contentLength is what Content-Length says; -1 without one, or when
	// a Transfer-Encoding overrides it.
	contentLength int64
	body          []byte
	// complete is false when the body was not read whole (too big,
	// chunked, cut short): where the next request starts is unknown, so
	// the connection closes after the reply.
	complete  bool
	keepAlive bool            // the client asks for the connection to stay open
	ctx       context.Context // ends when the client goes away or the server closes
}

// reply is what a handler answers: a whole body, or a stream.
type reply struct {
	status int
	header []string // "Name: value" lines; respond adds the framing ones
	body   []byte
	close  bool // close the connection after this reply
	// stream, when set, sends the body: each Write goes out at once, as a
	// chunk, and the connection closes when stream returns.
	stream func(ctx context.Context, w io.Writer)
}

type handler func(*request) *reply

// errorReply is medusa's error page, which supervisord sends for every
// HTTP error.
func errorReply(code int) *reply {
	return &reply{status: code, header: []string{"Content-Type: text/html"},
		body: fmt.Appendf(nil, "<head>\n<title>Error response</title>\n</head>\n<body>\n<h1>Error response</h1>\n<p>Error code %d.\n<p>Message: %s.\n</body>", code, statusText(code))}
}

func statusText(code int) string {
	switch code {
	case 200:
		return "OK"
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 404:
		return "Not Found"
	case 411:
		return "Length Required"
	case 413:
		return "Request Entity Too Large"
	case 431:
		return "Request Header Fields Too Large"
	case 500:
		return "Internal Server Error"
	case 505:
		return "HTTP Version Not Supported"
	}
	return "Unknown"
}

// httpConn is one client connection.
type httpConn struct {
	nc net.Conn
	// lim sits under br: it bounds what reading one request head may pull
	// from the connection (beyond what br already holds, up to its size).
	lim io.LimitedReader
	br  *bufio.Reader
	tp  *textproto.Reader
	bw  *bufio.Writer
}

func newHTTPConn(nc net.Conn) *httpConn {
	c := &httpConn{nc: nc, lim: io.LimitedReader{R: nc, N: math.MaxInt64}, bw: bufio.NewWriter(nc)}
	c.br = bufio.NewReader(&c.lim)
	c.tp = textproto.NewReader(c.br)
	return c
}

// serveConn answers the requests of one connection in turn, until the
// client or a reply ends it, or the server closes.
func (s *Server) serveConn(c *httpConn, h handler) {
	defer func() {
		// A bug in a method must not take PID 1 down: log it and drop
		// the connection, as net/http did.
		if v := recover(); v != nil {
			s.opts.Logger.Error().Str("panic", fmt.Sprint(v)).Str("stack", string(debug.Stack())).Msg("control: a request handler panicked")
		}
		s.forget(c)
		c.close()
	}()
	for first := true; ; first = false {
		req, status := s.readRequest(c, first)
		if req == nil {
			if status != 0 {
				c.respond(nil, errorReply(status), s.writeTimeout)
			}
			return
		}
		if !s.setBusy(c, true) || !s.answer(c, req, h) || !s.setBusy(c, false) {
			return
		}
	}
}

// answer writes h's reply to req, and tells whether the connection may
// carry another request. Meanwhile a watch cancels the request's context
// if the client goes away.
func (s *Server) answer(c *httpConn, req *request, h handler) bool {
	ctx, cancel := context.WithCancel(s.base)
	defer cancel()
	req.ctx = ctx
	defer c.watch(cancel)()
	return c.respond(req, h(req), s.writeTimeout)
}

// readRequest reads one request: its head, then a body of a stated
// length up to maxBody. With no request, a status is the error to answer
// before closing; status 0 means the client went away or was too slow,
// and the connection just closes.
func (s *Server) readRequest(c *httpConn, first bool) (*request, int) {
	wait := s.idleTimeout
	if first {
		wait = s.headerTimeout // a new connection owes us a request
	}
	c.nc.SetReadDeadline(time.Now().Add(wait))
	if _, err := c.br.Peek(1); err != nil {
		return nil, 0
	}
	c.nc.SetReadDeadline(time.Now().Add(s.headerTimeout)) // slowloris
	c.lim.N = maxHeaderBytes
	req, status := c.readHead()
	c.lim.N = math.MaxInt64
	if req != nil {
		c.readBody(req, s.bodyTimeout)
	}
	c.nc.SetReadDeadline(time.Time{})
	return req, status
}

func (c *httpConn) readHead() (*request, int) {
	line, err := c.tp.ReadLine()
	for err == nil && line == "" {
		line, err = c.tp.ReadLine() // empty lines before a request are ignored (RFC 9112 §2.2)
	}
	if err != nil {
		return nil, c.headFailure(err)
	}
	req, status := parseRequestLine(line)
	if status != 0 {
		return nil, status
	}
	if req.header, err = c.tp.ReadMIMEHeader(); err != nil {
		return nil, c.headFailure(err)
	}
	if status := req.checkHeader(); status != 0 {
		return nil, status
	}
	return req, 0
}

// headFailure is the status for a head that could not be read: 431 over
// the size limit, 400 when malformed, 0 when the client went away or
// timed out.
func (c *httpConn) headFailure(err error) int {
	var malformed textproto.ProtocolError
	switch {
	case c.lim.N <= 0:
		return 431
	case errors.As(err, &malformed):
		return 400
	}
	return 0
}

// parseRequestLine reads "METHOD target HTTP/1.x".
func parseRequestLine(line string) (*request, int) {
	method, rest, ok1 := strings.Cut(line, " ")
	target, proto, ok2 := strings.Cut(rest, " ")
	if !ok1 || !ok2 || !isToken(method) {
		return nil, 400
	}
	if len(proto) != 8 || !strings.HasPrefix(proto, "HTTP/") || !isDigit(proto[5]) || proto[6] != '.' || !isDigit(proto[7]) {
		return nil, 400
	}
	if proto[5] != '1' {
		return nil, 505
	}
	req := &request{method: method}
	if proto[7] != '0' {
		req.minor = 1 // a later HTTP/1.x is answered as 1.1 (RFC 9110 §6.2)
	}
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return nil, 400
	}
	req.path = u.Path
	return req, 0
}

// checkHeader validates the header and reads what framing and
// connection handling need from it.
func (r *request) checkHeader() int {
	count := 0 // counted once read: maxHeaderBytes already bounds the memory
	for _, v := range r.header {
		count += len(v)
	}
	if count > maxHeaders {
		return 431
	}
	if r.minor == 1 && len(r.header["Host"]) != 1 {
		return 400 // RFC 9112 §3.2
	}
	r.contentLength = -1
	if cl := r.header["Content-Length"]; len(cl) > 0 {
		n, ok := parseLength(cl[0])
		for _, v := range cl[1:] {
			ok = ok && strings.TrimSpace(v) == strings.TrimSpace(cl[0])
		}
		if !ok {
			return 400
		}
		r.contentLength = n
	}
	if len(r.header["Transfer-Encoding"]) > 0 {
		r.contentLength = -1 // the body's length is unknown: never read
	} else {
		r.complete = r.contentLength <= 0
	}
	conn := r.header["Connection"]
	r.keepAlive = !hasToken(conn, "close") && (r.minor == 1 || hasToken(conn, "keep-alive"))
	return 0
}

// readBody reads a body whose length is stated and allowed.
func (c *httpConn) readBody(req *request, timeout time.Duration) {
	n := req.contentLength
	if req.complete || n < 0 || n > maxBody {
		return // no body, one of unknown length (chunked), or one too big
	}
	if req.minor == 1 && strings.EqualFold(req.header.Get("Expect"), "100-continue") {
		c.nc.SetWriteDeadline(time.Now().Add(timeout))
		c.bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
		c.bw.Flush()
	}
	c.nc.SetReadDeadline(time.Now().Add(timeout))
	body, err := io.ReadAll(io.LimitReader(c.br, n))
	req.body, req.complete = body, err == nil && int64(len(body)) == n
}

// watch cancels the request's context when the client goes away while it
// is answered: a deferred call stops waiting, a log stream ends. It only
// peeks, so a pipelined request stays in the buffer for the next round
// (and a full buffer ends the watch). The returned func stops it.
func (c *httpConn) watch(cancel func()) (stop func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for n := c.br.Buffered() + 1; n <= c.br.Size(); n = c.br.Buffered() + 1 {
			if _, err := c.br.Peek(n); err != nil {
				cancel() // or stop's deadline, when cancelling no longer matters
				return
			}
		}
	}()
	return func() {
		c.nc.SetReadDeadline(time.Unix(1, 0))
		<-done
		c.nc.SetReadDeadline(time.Time{})
	}
}

// respond writes rep as the answer to req (nil: a request too broken to
// read) and tells whether the connection may carry another request.
// A reply must reach the client within writeTimeout; a stream has no
// bound, as a client may read a tail -f at its leisure.
func (c *httpConn) respond(req *request, rep *reply, writeTimeout time.Duration) bool {
	minor, head, keep := 1, false, false
	if req != nil {
		minor, head = req.minor, req.method == "HEAD"
		keep = req.keepAlive && req.complete && !rep.close && rep.stream == nil
	}
	if rep.stream == nil {
		c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
	} else {
		c.nc.SetWriteDeadline(time.Time{})
	}
	chunked := rep.stream != nil && minor == 1
	w := c.bw
	fmt.Fprintf(w, "HTTP/1.%d %d %s\r\n", minor, rep.status, statusText(rep.status))
	for _, h := range rep.header {
		w.WriteString(h + "\r\n")
	}
	switch {
	case rep.stream == nil:
		fmt.Fprintf(w, "Content-Length: %d\r\n", len(rep.body))
	case chunked:
		w.WriteString("Transfer-Encoding: chunked\r\n")
	}
	switch {
	case !keep:
		w.WriteString("Connection: close\r\n")
	case minor == 0:
		w.WriteString("Connection: keep-alive\r\n")
	}
	w.WriteString("Date: " + time.Now().UTC().Format(httpDate) + "\r\n\r\n")
	if rep.stream != nil {
		if w.Flush() == nil {
			rep.stream(req.ctx, &streamWriter{w: w, chunked: chunked})
			if chunked {
				w.WriteString("0\r\n\r\n")
			}
			w.Flush()
		}
		return false
	}
	if !head {
		w.Write(rep.body)
	}
	return w.Flush() == nil && keep
}

// streamWriter sends each Write at once: as a chunk over HTTP/1.1, as is
// over HTTP/1.0 (the end of the connection ends the body).
type streamWriter struct {
	w       *bufio.Writer
	chunked bool
}

func (s *streamWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil // an empty chunk would end the body
	}
	if s.chunked {
		fmt.Fprintf(s.w, "%x\r\n", len(p))
	}
	s.w.Write(p)
	if s.chunked {
		s.w.WriteString("\r\n")
	}
	return len(p), s.w.Flush()
}

// close ends the connection gently: what the client still sends is read
// and dropped for a moment, because closing a TCP socket with unread data
// makes the kernel send a reset that can destroy the reply in flight
// (an early 413, say).
func (c *httpConn) close() {
	if cw, ok := c.nc.(interface{ CloseWrite() error }); ok && cw.CloseWrite() == nil {
		c.nc.SetReadDeadline(time.Now().Add(lingerTimeout))
		io.Copy(io.Discard, c.nc)
	}
	c.nc.Close()
}

// parseLength reads a Content-Length value: digits only.
func parseLength(v string) (int64, bool) {
	v = strings.TrimSpace(v)
	if v == "" || strings.TrimLeft(v, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// hasToken reports whether a comma-separated header (Connection) lists
// token, in any case.
func hasToken(values []string, token string) bool {
	for _, v := range values {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// isToken reports whether s is an RFC 9110 token (a method name).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b <= ' ' || b >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, b) >= 0 {
			return false
		}
	}
	return true
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

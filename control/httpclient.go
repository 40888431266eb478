package control

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
)

// The client's side of HTTP/1.1: one request per connection, as
// supinit ctl needs it, against supinit or the real supervisord (whose
// medusa sends XML-RPC replies with a Content-Length and log streams
// chunked).

// httpReply is the head of a reply, and its body.
type httpReply struct {
	status int
	reason string
	header textproto.MIMEHeader
	body   io.Reader
}

// writeRequest sends a request; header holds "Name: value" lines. The
// caller closes the connection after the reply, and it does not say
// "Connection: close", as supervisorctl does not: medusa would then hold
// a log stream back until its end, that is, for ever.
func writeRequest(w io.Writer, method, host, path string, header []string, body []byte) error {
	var b bytes.Buffer
	target := (&url.URL{Path: path}).EscapedPath()
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, target, host)
	for _, h := range header {
		b.WriteString(h + "\r\n")
	}
	if body != nil {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n")
	b.Write(body)
	_, err := w.Write(b.Bytes())
	return err
}

// readReply reads a reply's status line and header; its body reads from
// br as the header frames it.
func readReply(br *bufio.Reader) (*httpReply, error) {
	tp := textproto.NewReader(br)
	line, err := tp.ReadLine()
	if err != nil {
		return nil, err
	}
	proto, rest, _ := strings.Cut(line, " ")
	code, reason, _ := strings.Cut(rest, " ")
	status, err := strconv.Atoi(code)
	if !strings.HasPrefix(proto, "HTTP/1.") || len(code) != 3 || err != nil {
		return nil, fmt.Errorf("malformed HTTP status line %q", line)
	}
	header, err := tp.ReadMIMEHeader()
	if err != nil {
		return nil, err
	}
	rep := &httpReply{status: status, reason: reason, header: header, body: br}
	switch te, cl := header.Get("Transfer-Encoding"), header.Get("Content-Length"); {
	case te != "":
		if !strings.EqualFold(te, "chunked") {
			return nil, fmt.Errorf("unsupported Transfer-Encoding %q", te)
		}
		rep.body = &chunkedReader{br: br}
	case cl != "":
		n, ok := parseLength(cl)
		if !ok {
			return nil, fmt.Errorf("malformed Content-Length %q", cl)
		}
		rep.body = &lengthReader{r: br, left: n}
	}
	// With neither, the body ends when the server closes the connection.
	return rep, nil
}

// lengthReader reads a body of a stated length; a shorter one is an
// error.
type lengthReader struct {
	r    io.Reader
	left int64
}

func (l *lengthReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if err == io.EOF && l.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// chunkedReader decodes a chunked body (RFC 9112 §7.1). A chunk's data is
// returned as soon as it arrives; its closing CRLF is read with the next
// chunk's size.
type chunkedReader struct {
	br      *bufio.Reader
	left    uint64 // bytes left in the current chunk
	started bool
	err     error
}

var errBadChunk = errors.New("malformed chunked body")

func (c *chunkedReader) Read(p []byte) (int, error) {
	if c.err == nil && c.left == 0 {
		c.left, c.err = c.nextChunk()
	}
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.br.Read(p[:min(uint64(len(p)), c.left)])
	c.left -= uint64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	c.err = err
	return n, err
}

// nextChunk ends the chunk before and reads the next one's size; after
// the last chunk (size 0) it skips the trailer and answers io.EOF.
func (c *chunkedReader) nextChunk() (uint64, error) {
	if c.started {
		line, err := c.line()
		if err != nil {
			return 0, err
		}
		if line != "" {
			return 0, errBadChunk
		}
	}
	c.started = true
	line, err := c.line()
	if err != nil {
		return 0, err
	}
	size, _, _ := strings.Cut(line, ";") // chunk extensions are ignored
	n, err := strconv.ParseUint(strings.TrimSpace(size), 16, 63)
	if err != nil {
		return 0, errBadChunk
	}
	if n > 0 {
		return n, nil
	}
	for { // the trailer, up to an empty line
		line, err := c.line()
		if err != nil {
			return 0, err
		}
		if line == "" {
			return 0, io.EOF
		}
	}
}

// line reads one line of the chunk framing, without its CRLF. A line
// longer than the buffer is an error.
func (c *chunkedReader) line() (string, error) {
	b, err := c.br.ReadSlice('\n')
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r"), nil
}

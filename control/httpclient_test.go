package control

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestWriteRequest(t *testing.T) {
	var b bytes.Buffer
	writeRequest(&b, "POST", "localhost", "/RPC2", []string{"Content-Type: text/xml", authHeader("bob", "pw")}, []byte("<x/>"))
	want := "POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nAuthorization: Basic Ym9iOnB3\r\nContent-Length: 4\r\n\r\n<x/>"
	if b.String() != want {
		t.Errorf("POST:\n%q\nwant\n%q", b.String(), want)
	}
	b.Reset()
	writeRequest(&b, "GET", "h:80", "/logtail/g:a b/stdout", nil, nil)
	want = "GET /logtail/g:a%20b/stdout HTTP/1.1\r\nHost: h:80\r\n\r\n"
	if b.String() != want {
		t.Errorf("GET:\n%q\nwant\n%q", b.String(), want)
	}
}

// TestReadReply: replies framed every way a server frames them (medusa
// sends XML-RPC replies with a length and log streams chunked), and
// broken ones.
func TestReadReply(t *testing.T) {
	cases := []struct {
		name, in string
		status   int
		reason   string
		body     string
		err      string // in the head's error, or else the body's
	}{
		{name: "length", in: "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloEXTRA", status: 200, reason: "OK", body: "hello"},
		{name: "chunked", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;ext=1\r\n!\r\n0\r\nTrailer: x\r\n\r\nEXTRA", status: 200, reason: "OK", body: "hello!"},
		{name: "until close", in: "HTTP/1.0 200 OK\r\n\r\nall of it", status: 200, reason: "OK", body: "all of it"},
		{name: "medusa error", in: "HTTP/1.1 404 Not Found\r\nServer: Medusa/1.12\r\nContent-Length: 2\r\n\r\nno", status: 404, reason: "Not Found", body: "no"},
		{name: "no reason", in: "HTTP/1.1 500\r\nContent-Length: 0\r\n\r\n", status: 500, body: ""},
		{name: "short body", in: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", status: 200, reason: "OK", err: "unexpected EOF"},
		{name: "chunk cut short", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", status: 200, reason: "OK", err: "unexpected EOF"},
		{name: "no last chunk", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", status: 200, reason: "OK", err: "unexpected EOF"},
		{name: "bad chunk size", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", status: 200, reason: "OK", err: "malformed chunked body"},
		{name: "no CRLF after chunk", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n\r\n", status: 200, reason: "OK", err: "malformed chunked body"},
		{name: "bad status line", in: "HTTP/1.1 OK\r\n\r\n", err: "malformed HTTP status line"},
		{name: "not HTTP", in: "SSH-2.0-OpenSSH\r\n\r\n", err: "malformed HTTP status line"},
		{name: "bad length", in: "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", err: "malformed Content-Length"},
		{name: "gzip", in: "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", err: "unsupported Transfer-Encoding"},
		{name: "bad header", in: "HTTP/1.1 200 OK\r\nno colon\r\n\r\n", err: "malformed MIME header"},
		{name: "nothing", in: "", err: "EOF"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := readReply(bufio.NewReader(strings.NewReader(tc.in)))
			var body []byte
			if err == nil {
				if rep.status != tc.status || rep.reason != tc.reason {
					t.Errorf("status %d %q, want %d %q", rep.status, rep.reason, tc.status, tc.reason)
				}
				body, err = io.ReadAll(rep.body)
			}
			switch {
			case tc.err == "" && (err != nil || string(body) != tc.body):
				t.Errorf("body %q, %v; want %q", body, err, tc.body)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Errorf("error %v, want one saying %q", err, tc.err)
			}
		})
	}
}

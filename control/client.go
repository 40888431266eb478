package control

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
)

// rpcClient calls a supervisord-compatible server over unix:// or http://
// as supervisorctl's transport does: POST /RPC2, Basic auth when both a
// username and a password are set. Each request has a connection of its
// own.
type rpcClient struct {
	serverURL string
	host      string // the Host header: localhost, or host:port
	user      *string
	pass      *string
	dial      func(ctx context.Context) (net.Conn, error)
}

// protocolError is a non-200 reply (xmlrpclib's ProtocolError).
type protocolError struct {
	url    string
	code   int
	reason string
}

func (e *protocolError) Error() string {
	return fmt.Sprintf("<ProtocolError for %s: %d %s>", e.url, e.code, e.reason)
}

func newRPCClient(serverURL string, user, pass *string) (*rpcClient, error) {
	c := &rpcClient{serverURL: serverURL, user: user, pass: pass}
	network, addr := "unix", ""
	switch {
	case strings.HasPrefix(serverURL, "unix://"):
		addr = serverURL[len("unix://"):]
		// "localhost" as the Host, as supervisorctl sends over unix.
		c.host = "localhost"
	case strings.HasPrefix(serverURL, "http://"):
		u, err := url.Parse(serverURL)
		if err != nil {
			return nil, fmt.Errorf("cannot parse server URL %s: %w", serverURL, err)
		}
		host := u.Host
		if u.Port() == "" {
			host = net.JoinHostPort(u.Hostname(), "80")
		}
		c.host = host
		network, addr = "tcp", host
	default:
		return nil, fmt.Errorf("Unknown protocol for serverurl %s", serverURL)
	}
	c.dial = func(ctx context.Context) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	return c, nil
}

// do sends a request on a new connection and reads the reply's head. The
// body closes the connection, and so does ctx ending (ending a tail -f).
func (c *rpcClient) do(ctx context.Context, method, path string, header []string, body []byte) (*httpReply, io.ReadCloser, error) {
	conn, err := c.dial(ctx)
	if err != nil {
		return nil, nil, err
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	werr := writeRequest(conn, method, c.host, path, header, body)
	// A server may answer before it has read the whole request (413 for
	// an oversized body) and close: its reply is the better error.
	rep, err := readReply(bufio.NewReader(conn))
	if err != nil {
		stop()
		conn.Close()
		if werr != nil {
			return nil, nil, werr
		}
		return nil, nil, err
	}
	return rep, &connBody{Reader: rep.body, conn: conn, stop: stop}, nil
}

// connBody is a reply body that closes its connection.
type connBody struct {
	io.Reader
	conn net.Conn
	stop func() bool
}

func (b *connBody) Close() error {
	b.stop()
	return b.conn.Close()
}

// authHeader is the Authorization header for Basic auth.
func authHeader(user, pass string) string {
	return "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// call makes one XML-RPC call. Errors are *rpcFault, *protocolError, or
// the transport's error (wrapping the errno for a refused or missing
// socket).
func (c *rpcClient) call(method string, params ...any) (any, error) {
	body, err := encodeCall(method, params)
	if err != nil {
		return nil, err
	}
	header := []string{"User-Agent: supinit-ctl", "Content-Type: text/xml", "Accept: text/xml"}
	if c.user != nil && c.pass != nil {
		header = append(header, authHeader(*c.user, *c.pass))
	}
	rep, rc, err := c.do(context.Background(), "POST", "/RPC2", header, body)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if rep.status != 200 {
		// xmlrpclib names the fake host supervisorctl gives ServerProxy.
		return nil, &protocolError{url: "127.0.0.1/RPC2", code: rep.status, reason: rep.reason}
	}
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, err
	}
	return decodeResponse(data)
}

// get opens a streaming GET (for tail -f). A non-200 status is a
// *protocolError.
func (c *rpcClient) get(ctx context.Context, path string) (io.ReadCloser, error) {
	header := []string{"User-Agent: supinit-ctl"}
	if c.user != nil && c.pass != nil && *c.pass != "" {
		header = append(header, authHeader(*c.user, *c.pass))
	}
	rep, rc, err := c.do(ctx, "GET", path, header, nil)
	if err != nil {
		return nil, err
	}
	if rep.status != 200 {
		rc.Close()
		return nil, &protocolError{url: c.serverURL + path, code: rep.status, reason: rep.reason}
	}
	return rc, nil
}

// close is a no-op: no connection outlives its request.
func (c *rpcClient) close() {}

package control

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// rpcClient calls a supervisord-compatible server over unix:// or http://
// as supervisorctl's transport does: POST /RPC2, Basic auth when both a
// username and a password are set. Each request has a connection of its
// own, so the client needs no http.Client: its Transport (connection
// pools, HTTP/2, TLS) would add about 450 KB to the binary.
type rpcClient struct {
	serverURL string
	base      string // http://localhost or http://host:port
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
		c.base = "http://localhost"
	case strings.HasPrefix(serverURL, "http://"):
		u, err := url.Parse(serverURL)
		if err != nil {
			return nil, fmt.Errorf("cannot parse server URL %s: %w", serverURL, err)
		}
		host := u.Host
		if u.Port() == "" {
			host = net.JoinHostPort(u.Hostname(), "80")
		}
		c.base = "http://" + host
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

// do sends req on a new connection and reads the reply's head. The body
// closes the connection, and so does ctx ending (ending a tail -f).
func (c *rpcClient) do(req *http.Request) (*http.Response, error) {
	conn, err := c.dial(req.Context())
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(req.Context(), func() { conn.Close() })
	req.Close = true // one request per connection: "Connection: close"
	resp, err := func() (*http.Response, error) {
		werr := req.Write(conn)
		// A server may answer before it has read the whole request (413
		// for an oversized body) and close: its reply is the better error.
		resp, rerr := http.ReadResponse(bufio.NewReader(conn), req)
		if rerr != nil && werr != nil {
			return nil, werr
		}
		return resp, rerr
	}()
	if err != nil {
		stop()
		conn.Close()
		return nil, err
	}
	resp.Body = &connBody{ReadCloser: resp.Body, conn: conn, stop: stop}
	return resp, nil
}

// connBody is a reply body that closes its connection.
type connBody struct {
	io.ReadCloser
	conn net.Conn
	stop func() bool
}

// Close closes the connection first: the body's Close waits for a Read
// in progress (tail -f ended from another goroutine), which only the
// closed connection ends.
func (b *connBody) Close() error {
	b.stop()
	err := b.conn.Close()
	b.ReadCloser.Close()
	return err
}

// call makes one XML-RPC call. Errors are *rpcFault, *protocolError, or
// the transport's error (wrapping the errno for a refused or missing
// socket).
func (c *rpcClient) call(method string, params ...any) (any, error) {
	body, err := encodeCall(method, params)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, c.base+"/RPC2", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set("Accept", "text/xml")
	req.Header.Set("User-Agent", "supinit-ctl")
	if c.user != nil && c.pass != nil {
		req.SetBasicAuth(*c.user, *c.pass)
	}
	resp, err := c.do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, resp.Body)
		// xmlrpclib names the fake host supervisorctl gives ServerProxy.
		return nil, &protocolError{url: "127.0.0.1/RPC2", code: resp.StatusCode, reason: http.StatusText(resp.StatusCode)}
	}
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return decodeResponse(data)
}

// get opens a streaming GET (for tail -f). A non-200 status is a
// *protocolError.
func (c *rpcClient) get(ctx context.Context, path string) (io.ReadCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, err
	}
	if c.user != nil && c.pass != nil && *c.pass != "" {
		req.SetBasicAuth(*c.user, *c.pass)
	}
	resp, err := c.do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, &protocolError{url: c.serverURL + path, code: resp.StatusCode, reason: http.StatusText(resp.StatusCode)}
	}
	return resp.Body, nil
}

// close is a no-op: no connection outlives its request.
func (c *rpcClient) close() {}

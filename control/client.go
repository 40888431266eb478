package control

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// rpcClient calls a supervisord-compatible server over unix:// or http://
// as supervisorctl's transport does: POST /RPC2, Basic auth when both a
// username and a password are set.
type rpcClient struct {
	serverURL string
	base      string // http://localhost or http://host:port
	user      *string
	pass      *string
	http      *http.Client
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
	tr := &http.Transport{DisableCompression: true, Proxy: nil}
	switch {
	case strings.HasPrefix(serverURL, "unix://"):
		path := serverURL[len("unix://"):]
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		}
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
	default:
		return nil, fmt.Errorf("Unknown protocol for serverurl %s", serverURL)
	}
	c.http = &http.Client{Transport: tr}
	return c, nil
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
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return nil, ue.Err
		}
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
	resp, err := c.http.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return nil, ue.Err
		}
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, &protocolError{url: c.serverURL + path, code: resp.StatusCode, reason: http.StatusText(resp.StatusCode)}
	}
	return resp.Body, nil
}

func (c *rpcClient) close() { c.http.CloseIdleConnections() }

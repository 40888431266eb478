// Package control is supinit's supervisorctl-compatible side: the XML-RPC
// server (POST /RPC2, GET /logtail/..., GET /mainlogtail) on the
// [unix_http_server] and [inet_http_server] sockets, and Ctl, the client
// behind `supinit ctl` and the `supervisorctl` alias.
package control

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/supinit/supinit/config"
)

// SupervisordVersion is what getSupervisorVersion reports by default: the
// supervisord release whose behaviour supinit implements. Clients that
// gate features on the version (signalProcess needs >= 3.2, for example)
// parse it as a number, so supinit's own version string would break them;
// `supinit version` reports supinit's own.
const SupervisordVersion = "4.2.5"

// ErrAddressInUse is returned by NewServer when something already answers
// on a configured socket. Its text is supervisord's.
var ErrAddressInUse = errors.New("Another program is already listening on a port that one of our HTTP servers is configured to use.  Shut this program down first before starting supervisord.")

// Options tune a Server. The zero value is usable.
type Options struct {
	// Logger receives the server's own log lines.
	Logger zerolog.Logger
	// SupervisorVersion overrides SupervisordVersion in
	// getSupervisorVersion.
	SupervisorVersion string
}

// Server answers supervisorctl on every configured socket. It reaches
// supervision state only through its Backend.
type Server struct {
	backend Backend
	opts    Options
	methods map[string]method
	unix    *unixSocket
	inet    net.Listener
	// listeners pairs each socket with its handler (each has its own
	// credentials), in the order unix, inet.
	listeners []listener
	url       string

	// How long a client may keep the server waiting: for the first
	// byte of a connection's first request, and for a whole request head
	// (headerTimeout); for the next request on a kept-alive connection
	// (idleTimeout); for one request body (bodyTimeout, lifted once the
	// body is in, so that nothing bounds how long a deferred call or a
	// log stream may run); to take one reply (writeTimeout).
	headerTimeout, idleTimeout, bodyTimeout, writeTimeout time.Duration

	base context.Context // every request's context; Close cancels it
	stop context.CancelFunc

	mu      sync.Mutex
	conns   map[*httpConn]bool // open connections; true while answering a request
	closing bool
	connWG  sync.WaitGroup // one per open connection

	closeOnce sync.Once
}

type listener struct {
	ln     net.Listener
	handle handler
}

// NewServer binds the sockets cfg configures ([unix_http_server] and
// [inet_http_server]; none is fine) and returns a server ready to Serve. A
// live socket already at the unix path, or a busy port, gives an error
// wrapping ErrAddressInUse; a stale socket file is replaced.
func NewServer(cfg *config.Config, b Backend, opts Options) (*Server, error) {
	s := &Server{backend: b, opts: opts, conns: map[*httpConn]bool{},
		headerTimeout: 10 * time.Second, idleTimeout: 5 * time.Minute, bodyTimeout: 30 * time.Second, writeTimeout: 30 * time.Second}
	s.base, s.stop = context.WithCancel(context.Background())
	if s.opts.SupervisorVersion == "" {
		s.opts.SupervisorVersion = SupervisordVersion
	}
	s.methods = s.methodTable()
	if u := cfg.UnixHTTPServer; u != nil {
		sock, err := listenUnix(u.File, u.Chmod, u.Chown, s.opts.Logger)
		if err != nil {
			return nil, err
		}
		s.unix = sock
		s.url = "unix://" + u.File
		s.listeners = append(s.listeners, listener{sock.ln, s.routes(u.Username, u.Password)})
		if u.Username == "" {
			s.opts.Logger.Warn().Msg("Server 'unix_http_server' running without any HTTP authentication checking")
		}
	}
	if in := cfg.InetHTTPServer; in != nil {
		host := in.Host
		if host == "*" {
			host = ""
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(in.Port)))
		if err != nil {
			s.closeListeners()
			if isAddrInUse(err) {
				return nil, fmt.Errorf("%w (%s)", ErrAddressInUse, err)
			}
			return nil, fmt.Errorf("cannot listen on %s:%d: %w", in.Host, in.Port, err)
		}
		s.inet = ln
		s.listeners = append(s.listeners, listener{ln, s.routes(in.Username, in.Password)})
		if s.url == "" {
			h := in.Host
			if h == "" || h == "*" {
				h = "localhost"
			}
			s.url = "http://" + net.JoinHostPort(h, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
		}
		if in.Username == "" {
			s.opts.Logger.Warn().Msg("Server 'inet_http_server' running without any HTTP authentication checking")
		}
	}
	return s, nil
}

// ServerURL is the URL programs get as SUPERVISOR_SERVER_URL: the unix
// socket when there is one, else http://host:port ("" with no server).
func (s *Server) ServerURL() string { return s.url }

// DefaultServerURL is ServerURL computed from the config alone, as
// supervisord computes its fallback serverurl.
func DefaultServerURL(cfg *config.Config) string {
	if u := cfg.UnixHTTPServer; u != nil {
		return "unix://" + u.File
	}
	if in := cfg.InetHTTPServer; in != nil {
		h := in.Host
		if h == "" || h == "*" {
			h = "localhost"
		}
		return "http://" + net.JoinHostPort(h, strconv.Itoa(in.Port))
	}
	return ""
}

// Serve answers requests until Close. It returns nil after Close.
func (s *Server) Serve() error {
	if len(s.listeners) == 0 {
		<-s.base.Done()
		return nil
	}
	errs := make(chan error, len(s.listeners))
	for _, l := range s.listeners {
		go func() { errs <- s.accept(l) }()
	}
	var first error
	for range s.listeners {
		if err := <-errs; err != nil && first == nil {
			first = err
			s.Close()
		}
	}
	return first
}

// accept serves the connections of one listener until Close.
func (s *Server) accept(l listener) error {
	var backoff time.Duration
	for {
		nc, err := l.ln.Accept()
		if err != nil {
			if s.base.Err() != nil {
				return nil
			}
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			// Out of file descriptors, say: try again later, rather than
			// stop answering for good.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.opts.Logger.Warn().Err(err).Msgf("control: cannot accept a connection; retrying in %v", backoff)
			select {
			case <-time.After(backoff):
			case <-s.base.Done():
			}
			continue
		}
		backoff = 0
		c := newHTTPConn(nc)
		if !s.track(c) {
			nc.Close()
			return nil
		}
		go s.serveConn(c, l.handle)
	}
}

func (s *Server) track(c *httpConn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.conns[c] = false
	s.connWG.Add(1)
	return true
}

func (s *Server) forget(c *httpConn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.connWG.Done()
}

// setBusy marks c as answering a request, or done with it; false means
// the server is closing and c must close.
func (s *Server) setBusy(c *httpConn, busy bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.conns[c] = busy
	return true
}

// Close stops serving and unlinks the unix socket. Log streams and
// deferred calls end (their context is cancelled), idle connections
// close at once, and requests in flight get up to closeWait to send
// their replies before their connections are closed too. It is safe to
// call twice.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.stop()
		s.closeListeners()
		s.mu.Lock()
		s.closing = true
		for c, busy := range s.conns {
			if !busy {
				c.nc.Close()
			}
		}
		s.mu.Unlock()
		done := make(chan struct{})
		go func() { s.connWG.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(closeWait):
			s.mu.Lock()
			for c := range s.conns {
				c.nc.Close() // a client that does not read its reply
			}
			s.mu.Unlock()
		}
	})
	return nil
}

func (s *Server) closeListeners() {
	if s.unix != nil {
		s.unix.close()
	}
	if s.inet != nil {
		s.inet.Close()
	}
}

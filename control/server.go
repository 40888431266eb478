// Package control is supinit's supervisorctl-compatible side: the XML-RPC
// server (POST /RPC2, GET /logtail/..., GET /mainlogtail) on the
// [unix_http_server] and [inet_http_server] sockets, and Ctl, the client
// behind `supinit ctl` and the `supervisorctl` alias.
package control

import (
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
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
	// servers holds one http.Server per listener (each has its own
	// credentials), in the order unix, inet.
	servers []*http.Server
	url     string
	// bodyTimeout bounds reading one request body. It is a per-request
	// read deadline, lifted once the body is in, so that nothing bounds
	// how long a deferred call or a log stream may run.
	bodyTimeout time.Duration

	done      chan struct{} // closed by Close: ends logtail streams
	closeOnce sync.Once
}

// maxBody bounds an XML-RPC request body.
const maxBody = 1 << 20

// NewServer binds the sockets cfg configures ([unix_http_server] and
// [inet_http_server]; none is fine) and returns a server ready to Serve. A
// live socket already at the unix path, or a busy port, gives an error
// wrapping ErrAddressInUse; a stale socket file is replaced.
func NewServer(cfg *config.Config, b Backend, opts Options) (*Server, error) {
	s := &Server{backend: b, opts: opts, done: make(chan struct{}), bodyTimeout: 30 * time.Second}
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
		s.servers = append(s.servers, s.newHTTPServer(u.Username, u.Password))
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
		s.servers = append(s.servers, s.newHTTPServer(in.Username, in.Password))
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

func (s *Server) newHTTPServer(username, password string) *http.Server {
	return &http.Server{
		Handler: s.routes(username, password),
		// No WriteTimeout: deferred calls and log streams legitimately
		// take as long as they take.
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       5 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(s.opts.Logger, "control: ", 0),
	}
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
	var lns []net.Listener
	if s.unix != nil {
		lns = append(lns, s.unix.ln)
	}
	if s.inet != nil {
		lns = append(lns, s.inet)
	}
	if len(lns) == 0 {
		<-s.done
		return nil
	}
	errs := make(chan error, len(lns))
	for i, ln := range lns {
		go func() { errs <- s.servers[i].Serve(ln) }()
	}
	var first error
	for range lns {
		if err := <-errs; err != nil && !errors.Is(err, http.ErrServerClosed) && first == nil {
			first = err
			s.Close()
		}
	}
	return first
}

// Close stops serving, drops open connections (deferred calls and log
// streams end) and unlinks the unix socket. It is safe to call twice.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.done)
		for _, srv := range s.servers {
			if e := srv.Close(); e != nil && err == nil {
				err = e
			}
		}
		s.closeListeners()
	})
	return err
}

func (s *Server) closeListeners() {
	if s.unix != nil {
		s.unix.close()
	}
	if s.inet != nil {
		s.inet.Close()
	}
}

package control

import (
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/supinit/supinit/logs"
)

// routes is what one listener serves. With a username configured, every
// endpoint needs HTTP Basic auth, as in supervisord.
func (s *Server) routes(username, password string) http.Handler {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case strings.HasPrefix(p, "/RPC2"):
			s.serveRPC(w, r)
		case strings.HasPrefix(p, "/logtail/"):
			s.serveLogtail(w, r, strings.TrimPrefix(p, "/logtail/"))
		case p == "/mainlogtail":
			s.serveMainLogtail(w, r)
		default:
			httpError(w, http.StatusNotFound)
		}
	})
	if username == "" {
		return h
	}
	return basicAuth(username, password, h)
}

// basicAuth wraps h in HTTP Basic auth. The stored password may be
// "{SHA}" and the hex SHA-1 of the password. Comparisons are in constant
// time: both sides are hashed first, so even their lengths stay secret.
func basicAuth(username, password string, h http.Handler) http.Handler {
	wantUser := sha1.Sum([]byte(username))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		gotUser := sha1.Sum([]byte(u))
		var match bool
		if hexHash, isSHA := strings.CutPrefix(password, "{SHA}"); isSHA {
			got := sha1.Sum([]byte(p))
			match = subtle.ConstantTimeCompare([]byte(hex.EncodeToString(got[:])), []byte(hexHash)) == 1
		} else {
			got, want := sha1.Sum([]byte(p)), sha1.Sum([]byte(password))
			match = subtle.ConstantTimeCompare(got[:], want[:]) == 1
		}
		userOK := subtle.ConstantTimeCompare(gotUser[:], wantUser[:]) == 1
		if !ok || !userOK || !match {
			w.Header().Set("WWW-Authenticate", `Basic realm="default"`)
			w.Header().Set("Connection", "close")
			httpError(w, http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// httpError answers with medusa's error page. The connection stays open,
// as medusa keeps it: supervisorctl's tail -f client may still be sending
// its stray CRLF, and closing on it would reset the connection before the
// client reads the status.
func httpError(w http.ResponseWriter, code int) {
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(code)
	fmt.Fprintf(w, "<head>\n<title>Error response</title>\n</head>\n<body>\n<h1>Error response</h1>\n<p>Error code %d.\n<p>Message: %s.\n</body>", code, http.StatusText(code))
}

// serveRPC answers one XML-RPC call. Faults go out with HTTP 200; broken
// requests get supervisord's HTTP errors (400, 411) or 413 for a body
// over maxBody.
func (s *Server) serveRPC(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		httpError(w, http.StatusBadRequest)
		return
	}
	if r.Header.Get("Content-Length") == "" {
		httpError(w, http.StatusLengthRequired)
		return
	}
	if r.ContentLength > maxBody {
		httpError(w, http.StatusRequestEntityTooLarge)
		return
	}
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(s.bodyTimeout))
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	rc.SetReadDeadline(time.Time{})
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			httpError(w, http.StatusRequestEntityTooLarge)
		} else {
			httpError(w, http.StatusBadRequest)
		}
		return
	}
	name, params, err := decodeCall(body)
	if err != nil || name == "" {
		s.opts.Logger.Debug().Err(err).Msg("XML-RPC request is invalid")
		httpError(w, http.StatusBadRequest)
		return
	}
	var out []byte
	v, err := s.call(r.Context(), name, params)
	if err != nil {
		f := asFault(err)
		out = encodeFault(f.Code, f.Error())
	} else if out, err = encodeResponse(v); err != nil {
		s.opts.Logger.Error().Err(err).Str("method", name).Msg("cannot encode XML-RPC response")
		httpError(w, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", fmt.Sprint(len(out)))
	w.Write(out)
}

// serveLogtail streams a process log for `supervisorctl tail -f`. rest is
// "name" or "name/channel" (the channel defaults to stdout).
func (s *Server) serveLogtail(w http.ResponseWriter, r *http.Request, rest string) {
	if r.Method != http.MethodGet {
		httpError(w, http.StatusBadRequest)
		return
	}
	name, channel, ok := strings.Cut(rest, "/")
	if !ok {
		channel = "stdout"
	}
	if channel != "stdout" && channel != "stderr" {
		httpError(w, http.StatusNotFound)
		return
	}
	if _, proc := splitNamespec(name); proc == "" {
		httpError(w, http.StatusNotFound)
		return
	}
	reader, err := s.backend.ProcessLog(name, channel)
	if err != nil || reader == nil {
		httpError(w, http.StatusNotFound)
		return
	}
	s.stream(w, r, reader)
}

func (s *Server) serveMainLogtail(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		httpError(w, http.StatusBadRequest)
		return
	}
	reader := s.backend.MainLog()
	if reader == nil {
		httpError(w, http.StatusNotFound)
		return
	}
	s.stream(w, r, reader)
}

// tailStart is how much old output a stream starts with, as supervisord's
// tail_f_producer sends.
const tailStart = 1024

// stream follows a log until the client goes away or the server closes.
// The response is chunked and says Connection: close, because
// supervisorctl's tail -f client stops only when the server closes the
// connection.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, reader logs.Reader) {
	ch, cancel := reader.Follow()
	defer cancel()
	h := w.Header()
	h.Set("Content-Type", "text/plain;charset=utf-8")
	h.Set("X-Accel-Buffering", "no")
	h.Set("Connection", "close")
	w.WriteHeader(http.StatusOK)
	flusher, _ := w.(http.Flusher)
	if flusher != nil {
		flusher.Flush()
	}
	first := true
	for {
		var data []byte
		var open bool
		select {
		case data, open = <-ch:
		case <-r.Context().Done():
			return
		case <-s.done:
			return
		}
		if !open {
			return
		}
		if first && len(data) > tailStart {
			data = data[len(data)-tailStart:] // the backlog Follow hands over first
		}
		first = false
		if _, err := w.Write(data); err != nil {
			return
		}
		if flusher != nil {
			flusher.Flush()
		}
	}
}

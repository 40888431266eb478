package control

import (
	"context"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"io"
	"strings"

	"github.com/supinit/supinit/logs"
)

// routes is what one listener serves. With a username configured, every
// endpoint needs HTTP Basic auth, as in supervisord.
func (s *Server) routes(username, password string) handler {
	h := func(r *request) *reply {
		switch p := r.path; {
		case strings.HasPrefix(p, "/RPC2"):
			return s.serveRPC(r)
		case strings.HasPrefix(p, "/logtail/"):
			return s.serveLogtail(r, strings.TrimPrefix(p, "/logtail/"))
		case p == "/mainlogtail":
			return s.serveMainLogtail(r)
		}
		return errorReply(404)
	}
	if username == "" {
		return h
	}
	return basicAuth(username, password, h)
}

// basicAuth wraps h in HTTP Basic auth. The stored password may be
// "{SHA}" and the hex SHA-1 of the password. Comparisons are in constant
// time: both sides are hashed first, so even their lengths stay secret.
func basicAuth(username, password string, h handler) handler {
	wantUser := sha1.Sum([]byte(username))
	return func(r *request) *reply {
		u, p, ok := basicCredentials(r.header.Get("Authorization"))
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
			rep := errorReply(401)
			rep.header = append(rep.header, `WWW-Authenticate: Basic realm="default"`)
			rep.close = true
			return rep
		}
		return h(r)
	}
}

// basicCredentials reads an "Authorization: Basic base64(user:password)"
// header value.
func basicCredentials(auth string) (user, pass string, ok bool) {
	scheme, enc, _ := strings.Cut(auth, " ")
	if !strings.EqualFold(scheme, "Basic") {
		return "", "", false
	}
	raw, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return "", "", false
	}
	return strings.Cut(string(raw), ":")
}

// serveRPC answers one XML-RPC call. Faults go out with HTTP 200; broken
// requests get supervisord's HTTP errors (400, 411) or 413 for a body
// over maxBody.
func (s *Server) serveRPC(r *request) *reply {
	switch {
	case r.method != "POST":
		return errorReply(400)
	case r.contentLength < 0:
		return errorReply(411)
	case r.contentLength > maxBody:
		return errorReply(413)
	case !r.complete:
		return errorReply(400) // the body was cut short
	}
	name, params, err := decodeCall(r.body)
	if err != nil || name == "" {
		s.opts.Logger.Debug().Err(err).Msg("XML-RPC request is invalid")
		return errorReply(400)
	}
	var out []byte
	v, err := s.call(r.ctx, name, params)
	if err != nil {
		f := asFault(err)
		out = encodeFault(f.Code, f.Error())
	} else if out, err = encodeResponse(v); err != nil {
		s.opts.Logger.Error().Err(err).Str("method", name).Msg("cannot encode XML-RPC response")
		return errorReply(500)
	}
	return &reply{status: 200, header: []string{"Content-Type: text/xml"}, body: out}
}

// serveLogtail streams a process log for `supervisorctl tail -f`. rest is
// "name" or "name/channel" (the channel defaults to stdout).
func (s *Server) serveLogtail(r *request, rest string) *reply {
	if r.method != "GET" {
		return errorReply(400)
	}
	name, channel, ok := strings.Cut(rest, "/")
	if !ok {
		channel = "stdout"
	}
	if channel != "stdout" && channel != "stderr" {
		return errorReply(404)
	}
	if _, proc := splitNamespec(name); proc == "" {
		return errorReply(404)
	}
	reader, err := s.backend.ProcessLog(name, channel)
	if err != nil || reader == nil {
		return errorReply(404)
	}
	return streamReply(reader)
}

func (s *Server) serveMainLogtail(r *request) *reply {
	if r.method != "GET" {
		return errorReply(400)
	}
	reader := s.backend.MainLog()
	if reader == nil {
		return errorReply(404)
	}
	return streamReply(reader)
}

// tailStart is how much old output a stream starts with, as supervisord's
// tail_f_producer sends.
const tailStart = 1024

// streamReply follows a log until the client goes away or the server
// closes. The connection closes after it, because supervisorctl's tail -f
// client stops only when the server closes the connection.
func streamReply(reader logs.Reader) *reply {
	follow := func(ctx context.Context, w io.Writer) {
		ch, cancel := reader.Follow()
		defer cancel()
		first := true
		for {
			var data []byte
			var open bool
			select {
			case data, open = <-ch:
			case <-ctx.Done():
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
		}
	}
	return &reply{status: 200, header: []string{"Content-Type: text/plain;charset=utf-8", "X-Accel-Buffering: no"}, stream: follow}
}

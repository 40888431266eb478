package control

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/supinit/supinit/config"
)

// socketPair is a connected pair of unix stream sockets: real kernel
// buffers, deadlines and half-close, without a listener.
func socketPair(t testing.TB) (client, server *net.UnixConn) {
	t.Helper()
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	conn := func(fd int) *net.UnixConn {
		f := os.NewFile(uintptr(fd), "socketpair")
		defer f.Close()
		c, err := net.FileConn(f)
		if err != nil {
			t.Fatal(err)
		}
		return c.(*net.UnixConn)
	}
	client, server = conn(fds[0]), conn(fds[1])
	t.Cleanup(func() { client.Close(); server.Close() })
	return client, server
}

// bareServer is a Server without sockets, whose connections tests hand
// to serveConn themselves.
func bareServer(t testing.TB) *Server {
	t.Helper()
	srv, err := NewServer(&config.Config{}, newFake(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// serve runs serveConn on the server end of a new socket pair and
// returns the client end, and a channel closed when serveConn returns.
func serve(t testing.TB, srv *Server, h handler) (*net.UnixConn, <-chan struct{}) {
	t.Helper()
	client, server := socketPair(t)
	c := newHTTPConn(server)
	if !srv.track(c) {
		t.Fatal("server closed")
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.serveConn(c, h)
	}()
	return client, done
}

// exchange sends input on one connection, half-closes it, and returns
// all the server wrote until it closed.
func exchange(t testing.TB, srv *Server, h handler, input string) string {
	t.Helper()
	client, done := serve(t, srv, h)
	go func() {
		client.Write([]byte(input)) // may fail once the server gives up
		client.CloseWrite()
	}()
	client.SetReadDeadline(time.Now().Add(10 * time.Second))
	out, err := io.ReadAll(client)
	if err != nil {
		t.Fatalf("reading the replies: %v (got %q)", err, out)
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the connection was not closed")
	}
	return string(out)
}

type parsedReply struct {
	code   int
	header http.Header
	body   string
	close  bool
}

// recording wraps h to note the method of each request it answers, for
// parseReplies.
func recording(h handler) (handler, *[]string) {
	var methods []string
	return func(r *request) *reply {
		methods = append(methods, r.method)
		return h(r)
	}, &methods
}

// parseReplies reads out as a sequence of replies with net/http's
// reader, an independent judge of their framing. methods are those of
// the requests answered, in order (a reply after them answers a request
// too broken to have one).
func parseReplies(out string, methods []string) ([]parsedReply, error) {
	br := bufio.NewReader(strings.NewReader(out))
	var got []parsedReply
	for {
		if _, err := br.Peek(1); err == io.EOF {
			return got, nil
		}
		req := &http.Request{Method: "GET"}
		if len(methods) > 0 {
			req.Method = methods[0]
		}
		resp, err := http.ReadResponse(br, req)
		if err != nil {
			return got, err
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			return got, fmt.Errorf("body of reply %d: %w", len(got)+1, err)
		}
		got = append(got, parsedReply{resp.StatusCode, resp.Header, string(body), resp.Close})
		if resp.StatusCode != 100 && len(methods) > 0 {
			methods = methods[1:]
		}
	}
}

const getPID = "<methodCall><methodName>supervisor.getPID</methodName></methodCall>"

func post(extra, body string) string {
	return fmt.Sprintf("POST /RPC2 HTTP/1.1\r\nHost: x\r\n%sContent-Length: %d\r\n\r\n%s", extra, len(body), body)
}

// get404 is a request any reply closing the connection leaves unanswered.
const get404 = "GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n"

// TestServeConn: requests good and bad, one connection each, and the
// statuses answered; a request after one that must close the connection
// gets no reply.
func TestServeConn(t *testing.T) {
	srv := bareServer(t)
	srv.bodyTimeout = 200 * time.Millisecond
	srv.headerTimeout = 200 * time.Millisecond
	long := strings.Repeat("a", maxHeaderBytes+4096) // the limit, and a full buffer read before it
	var many strings.Builder
	for i := range maxHeaders + 1 {
		fmt.Fprintf(&many, "X-%d: y\r\n", i)
	}
	cases := []struct {
		name, input string
		want        []int
	}{
		{name: "rpc", input: post("", getPID), want: []int{200}},
		{name: "pipelined", input: post("", getPID) + post("", getPID) + get404, want: []int{200, 200, 404}},
		{name: "connection close", input: post("Connection: close\r\n", getPID) + get404, want: []int{200}},
		{name: "close among tokens", input: post("Connection: TE, Close\r\n", getPID) + get404, want: []int{200}},
		{name: "HTTP/1.0 closes", input: fmt.Sprintf("POST /RPC2 HTTP/1.0\r\nContent-Length: %d\r\n\r\n%s", len(getPID), getPID) + get404, want: []int{200}},
		{name: "HTTP/1.0 keep-alive", input: "GET /nothing HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + get404, want: []int{404, 404}},
		{name: "HTTP/1.2 as 1.1", input: "GET /nothing HTTP/1.2\r\nHost: x\r\n\r\n" + get404, want: []int{404, 404}},
		{name: "empty lines first", input: "\r\n\r\n" + get404, want: []int{404}},
		{name: "tail -f client", input: "GET /nothing HTTP/1.1\r\nHost: \r\nAccept-Encoding: chunked\r\nAccept: */*\r\nUser-agent: Supervisor HTTP Client\r\n\r\n\r\n", want: []int{404}},
		{name: "absolute form", input: "GET http://x/RPC2 HTTP/1.1\r\nHost: x\r\n\r\n", want: []int{400}},
		{name: "escaped path", input: "GET /RPC%32 HTTP/1.1\r\nHost: x\r\n\r\n", want: []int{400}},
		{name: "query", input: "GET /RPC2?x=1 HTTP/1.1\r\nHost: x\r\n\r\n", want: []int{400}},
		{name: "HEAD", input: "HEAD /nothing HTTP/1.1\r\nHost: x\r\n\r\n" + get404, want: []int{404, 404}},
		{name: "expect 100-continue", input: post("Expect: 100-continue\r\n", getPID), want: []int{100, 200}},
		{name: "no content length", input: "POST /RPC2 HTTP/1.1\r\nHost: x\r\n\r\n" + get404, want: []int{411, 404}},
		{name: "chunked", input: "POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + get404, want: []int{411}},
		{name: "chunked and length", input: post("Transfer-Encoding: chunked\r\n", getPID) + get404, want: []int{411}},
		{name: "too big", input: fmt.Sprintf("POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", maxBody+1) + get404, want: []int{413}},
		{name: "body cut short", input: "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n<methodCall>", want: []int{400}},
		{name: "same length twice", input: post("Content-Length: 67\r\n", getPID), want: []int{200}},
		{name: "two lengths", input: post("Content-Length: 66\r\n", getPID) + get404, want: []int{400}},
		{name: "negative length", input: "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n" + get404, want: []int{400}},
		{name: "signed length", input: "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\nx" + get404, want: []int{400}},
		{name: "word length", input: "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n" + get404, want: []int{400}},
		{name: "list length", input: "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 1\r\n\r\nx" + get404, want: []int{400}},
		{name: "huge length", input: "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n" + get404, want: []int{400}},
		{name: "malformed request line", input: "HELLO\r\n\r\n" + get404, want: []int{400}},
		{name: "two spaces", input: "GET  /nothing HTTP/1.1\r\nHost: x\r\n\r\n", want: []int{400}},
		{name: "extra field", input: "GET /nothing HTTP/1.1 x\r\nHost: x\r\n\r\n", want: []int{400}},
		{name: "bad method", input: "GE(T /nothing HTTP/1.1\r\nHost: x\r\n\r\n", want: []int{400}},
		{name: "lowercase version", input: "GET /nothing http/1.1\r\nHost: x\r\n\r\n", want: []int{400}},
		{name: "HTTP/2", input: "GET /nothing HTTP/2.0\r\nHost: x\r\n\r\n", want: []int{505}},
		{name: "control byte in target", input: "GET /a\x01b HTTP/1.1\r\nHost: x\r\n\r\n", want: []int{400}},
		{name: "bad escape", input: "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", want: []int{400}},
		{name: "binary", input: "\x00\xff\xfe\r\n\r\n", want: []int{400}},
		{name: "header without colon", input: "GET /nothing HTTP/1.1\r\nHost: x\r\nnocolon\r\n\r\n", want: []int{400}},
		{name: "space before colon", input: "GET /nothing HTTP/1.1\r\nHost : x\r\n\r\n", want: []int{400}},
		{name: "folded first line", input: "GET /nothing HTTP/1.1\r\n Host: x\r\n\r\n", want: []int{400}},
		{name: "no Host", input: "GET /nothing HTTP/1.1\r\n\r\n", want: []int{400}},
		{name: "two Hosts", input: "GET /nothing HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", want: []int{400}},
		{name: "no Host in 1.0", input: "GET /nothing HTTP/1.0\r\n\r\n", want: []int{404}},
		{name: "huge header", input: "GET /nothing HTTP/1.1\r\nHost: x\r\nX: " + long + "\r\n\r\n" + get404, want: []int{431}},
		{name: "huge request line", input: "GET /" + long + " HTTP/1.1\r\nHost: x\r\n\r\n", want: []int{431}},
		{name: "too many headers", input: "GET /nothing HTTP/1.1\r\nHost: x\r\n" + many.String() + "\r\n", want: []int{431}},
		{name: "head cut short", input: "GET /nothing HTTP/1.1\r\nHost: x\r\n", want: nil},
		{name: "empty lines only", input: "\r\n\r\n", want: nil},
		{name: "nothing", input: "", want: nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, methods := recording(srv.routes("", ""))
			out := exchange(t, srv, h, tc.input)
			got, err := parseReplies(out, *methods)
			if err != nil {
				t.Fatalf("malformed replies: %v\n%q", err, out)
			}
			var codes []int
			for _, r := range got {
				codes = append(codes, r.code)
			}
			if fmt.Sprint(codes) != fmt.Sprint(tc.want) {
				t.Errorf("statuses %v, want %v\n%q", codes, tc.want, out)
			}
		})
	}
}

// dateLine is the one part of a reply that changes.
var dateLine = regexp.MustCompile(`Date: [A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\r\n`)

// TestRespond: replies byte for byte.
func TestRespond(t *testing.T) {
	stream := func(_ context.Context, w io.Writer) {
		w.Write([]byte("ab"))
		w.Write(nil)
		w.Write([]byte("cd"))
	}
	req := func(method string, minor int, keepAlive bool) *request {
		return &request{method: method, minor: minor, keepAlive: keepAlive, complete: true, ctx: context.Background()}
	}
	xml := &reply{status: 200, header: []string{"Content-Type: text/xml"}, body: []byte("<x/>")}
	cases := []struct {
		name string
		req  *request
		rep  *reply
		want string
		keep bool
	}{
		{"kept alive", req("POST", 1, true), xml,
			"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 4\r\nDate: D\r\n\r\n<x/>", true},
		{"client closes", req("POST", 1, false), xml,
			"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 4\r\nConnection: close\r\nDate: D\r\n\r\n<x/>", false},
		{"body not read", &request{method: "POST", minor: 1, keepAlive: true}, xml,
			"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 4\r\nConnection: close\r\nDate: D\r\n\r\n<x/>", false},
		{"HTTP/1.0", req("POST", 0, false), xml,
			"HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 4\r\nConnection: close\r\nDate: D\r\n\r\n<x/>", false},
		{"HTTP/1.0 keep-alive", req("POST", 0, true), xml,
			"HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 4\r\nConnection: keep-alive\r\nDate: D\r\n\r\n<x/>", true},
		{"HEAD", req("HEAD", 1, true), xml,
			"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 4\r\nDate: D\r\n\r\n", true},
		{"error page", req("GET", 1, true), errorReply(404),
			"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\nContent-Length: 125\r\nDate: D\r\n\r\n" +
				"<head>\n<title>Error response</title>\n</head>\n<body>\n<h1>Error response</h1>\n<p>Error code 404.\n<p>Message: Not Found.\n</body>", true},
		{"unreadable request", nil, errorReply(431),
			"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/html\r\nContent-Length: 147\r\nConnection: close\r\nDate: D\r\n\r\n" +
				"<head>\n<title>Error response</title>\n</head>\n<body>\n<h1>Error response</h1>\n<p>Error code 431.\n<p>Message: Request Header Fields Too Large.\n</body>", false},
		{"reply closes", req("GET", 1, true), &reply{status: 401, header: []string{"WWW-Authenticate: x"}, close: true},
			"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: x\r\nContent-Length: 0\r\nConnection: close\r\nDate: D\r\n\r\n", false},
		{"stream", req("GET", 1, true), &reply{status: 200, header: []string{"X-Accel-Buffering: no"}, stream: stream},
			"HTTP/1.1 200 OK\r\nX-Accel-Buffering: no\r\nTransfer-Encoding: chunked\r\nConnection: close\r\nDate: D\r\n\r\n2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n", false},
		{"stream over HTTP/1.0", req("GET", 0, true), &reply{status: 200, stream: stream},
			"HTTP/1.0 200 OK\r\nConnection: close\r\nDate: D\r\n\r\nabcd", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client, server := socketPair(t)
			keep := newHTTPConn(server).respond(tc.req, tc.rep, time.Second)
			server.Close()
			out, _ := io.ReadAll(client)
			got := dateLine.ReplaceAllString(string(out), "Date: D\r\n")
			if got != tc.want || keep != tc.keep {
				t.Errorf("got (keep %v)\n%q\nwant (keep %v)\n%q", keep, got, tc.keep, tc.want)
			}
		})
	}
}

// TestSlowClients: a client that sends its head or body too slowly, or
// nothing, or does not read its reply, is dropped: serveConn ends.
func TestSlowClients(t *testing.T) {
	srv := bareServer(t)
	srv.headerTimeout = 200 * time.Millisecond
	srv.bodyTimeout = 200 * time.Millisecond
	srv.writeTimeout = 200 * time.Millisecond
	huge := func(*request) *reply { return &reply{status: 200, body: make([]byte, 32<<20)} }
	cases := []struct {
		name, input string
		h           handler
		want        string // what the client reads, up to the close ("" for nothing)
	}{
		{"silent", "", srv.routes("", ""), ""},
		{"head too slow", "GET /nothing HTTP/1.1\r\nHost: x\r\n", srv.routes("", ""), ""},
		{"body too slow", "POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n<", srv.routes("", ""), "HTTP/1.1 400 Bad Request"},
		{"reply not read", get404, huge, "-"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client, done := serve(t, srv, tc.h)
			client.Write([]byte(tc.input))
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("the slow client was not dropped")
			}
			if tc.want == "-" {
				return // the reply was cut: whatever was read is partial
			}
			client.SetReadDeadline(time.Now().Add(5 * time.Second))
			out, err := io.ReadAll(client)
			if err != nil || !strings.HasPrefix(string(out), tc.want) || (tc.want == "" && len(out) > 0) {
				t.Errorf("read %q, %v; want %q", out, err, tc.want)
			}
		})
	}
}

// TestClientGoesAway: when the client closes, a log stream ends and a
// held deferred call is given up.
func TestClientGoesAway(t *testing.T) {
	f := newFake()
	f.gate = make(chan struct{})
	srv, err := NewServer(&config.Config{}, f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, input := range []string{
		"GET /logtail/sleeper HTTP/1.1\r\nHost: \r\n\r\n\r\n", // and the tail -f client's extra CRLF
		post("", "<methodCall><methodName>supervisor.startProcess</methodName><params><param><value>slow</value></param><param><value><boolean>1</boolean></value></param></params></methodCall>"),
	} {
		client, done := serve(t, srv, srv.routes("", ""))
		client.Write([]byte(input))
		time.Sleep(100 * time.Millisecond) // the request is being answered
		client.Close()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("%q: the connection outlived its client", input)
		}
	}
}

// TestStreamReply: a log stream is chunked, says Connection: close, sends
// the log's last tailStart bytes then new output, and ends (with its last
// chunk) when the server closes.
func TestStreamReply(t *testing.T) {
	f := newFake()
	p, _ := f.lookup("sleeper")
	p.stdout.data = []byte(strings.Repeat("x", 2000) + "end of backlog\n")
	srv, err := NewServer(&config.Config{}, f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	client, done := serve(t, srv, srv.routes("", ""))
	client.Write([]byte("GET /logtail/sleeper HTTP/1.1\r\nHost: x\r\n\r\n"))
	client.SetReadDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(client)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !resp.Close || fmt.Sprint(resp.TransferEncoding) != "[chunked]" ||
		resp.Header.Get("Content-Type") != "text/plain;charset=utf-8" || resp.Header.Get("X-Accel-Buffering") != "no" {
		t.Errorf("stream head: %d close=%v %v %v", resp.StatusCode, resp.Close, resp.TransferEncoding, resp.Header)
	}
	lines := bufio.NewReader(resp.Body)
	first, _ := lines.ReadString('\n')
	if len(first) != tailStart || !strings.HasSuffix(first, "end of backlog\n") {
		t.Errorf("backlog: %d bytes %q", len(first), first[max(len(first)-20, 0):])
	}
	p.stdout.write([]byte("fresh\n"))
	if l, _ := lines.ReadString('\n'); l != "fresh\n" {
		t.Errorf("new output: %q", l)
	}
	srv.Close()
	if rest, err := io.ReadAll(lines); err != nil || len(rest) > 0 {
		t.Errorf("end of the stream: %q, %v (want a clean end)", rest, err)
	}
	<-done
}

// TestClose: Close ends streams and idle connections, lets a request in
// flight send its reply, cuts off a client that does not read its reply
// after closeWait, and Serve returns nil.
func TestClose(t *testing.T) {
	f := newFake()
	f.gate = make(chan struct{})
	dir := shortDir(t)
	cfg := &config.Config{UnixHTTPServer: &config.UnixHTTPServer{File: dir + "/s.sock", Chmod: 0o700}}
	srv, err := NewServer(cfg, f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	routes := srv.listeners[0].handle
	srv.listeners[0].handle = func(r *request) *reply {
		if r.path == "/huge" {
			return &reply{status: 200, body: make([]byte, 32<<20)}
		}
		return routes(r)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()
	dial := func(input string) *bufio.Reader {
		conn, err := net.Dial("unix", dir+"/s.sock")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		conn.Write([]byte(input))
		return bufio.NewReader(conn)
	}
	idle := dial(post("", getPID))
	resp, err := http.ReadResponse(idle, nil)
	if err != nil || resp.StatusCode != 200 || resp.Close {
		t.Fatalf("first reply: %v %v", resp, err)
	}
	io.ReadAll(resp.Body)
	stream := dial("GET /mainlogtail HTTP/1.1\r\nHost: x\r\n\r\n")
	streamResp, err := http.ReadResponse(stream, nil)
	if err != nil {
		t.Fatal(err)
	}
	held := dial(post("", "<methodCall><methodName>supervisor.startProcess</methodName><params><param><value>slow</value></param><param><value><boolean>1</boolean></value></param></params></methodCall>"))
	dial("GET /huge HTTP/1.1\r\nHost: x\r\n\r\n") // never read
	time.Sleep(200 * time.Millisecond)            // every request is in
	start := time.Now()
	srv.Close()
	if d := time.Since(start); d > closeWait+time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := idle.ReadByte(); err != io.EOF {
		t.Errorf("idle connection: %v, want EOF", err)
	}
	if _, err := io.ReadAll(streamResp.Body); err != nil {
		t.Errorf("stream: %v, want a clean end", err)
	}
	resp, err = http.ReadResponse(held, nil)
	if err != nil {
		t.Fatalf("held call: %v, want its reply", err)
	}
	body, _ := io.ReadAll(resp.Body)
	var fault *rpcFault
	if _, err := decodeResponse(body); resp.StatusCode != 200 || !errors.As(err, &fault) {
		t.Errorf("held call: %d %v, want a fault", resp.StatusCode, err)
	}
}

// FuzzServeConn: whatever a client sends, the server never panics or
// hangs, and what it writes is a sequence of well-formed replies.
func FuzzServeConn(f *testing.F) {
	for _, s := range []string{
		post("", getPID),
		post("", getPID) + post("Connection: close\r\n", getPID),
		post("Expect: 100-continue\r\n", getPID),
		"GET /stream HTTP/1.1\r\nHost: \r\nAccept-Encoding: chunked\r\n\r\n\r\n",
		"GET /stream HTTP/1.0\r\n\r\n",
		"HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n" + get404,
		"GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n" + get404,
		"POST /RPC2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
		"POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
		"POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\nshort",
		"GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET / HTTP/9.9\r\n\r\n",
		"\r\n\r\nGET / HTTP/1.1\r\n Host: x\r\n\r\n",
		"GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n",
		"GET /401 HTTP/1.1\r\nHost: x\r\n\r\n" + get404,
	} {
		f.Add([]byte(s))
	}
	srv := bareServer(f)
	srv.headerTimeout = time.Second
	srv.bodyTimeout = time.Second
	routes := srv.routes("", "")
	f.Fuzz(func(t *testing.T, input []byte) {
		h, methods := recording(func(r *request) *reply {
			switch r.path {
			case "/stream":
				return &reply{status: 200, stream: func(ctx context.Context, w io.Writer) {
					w.Write([]byte(r.method))
					w.Write(r.body)
				}}
			case "/401":
				return &reply{status: 401, close: true}
			}
			return routes(r)
		})
		out := exchange(t, srv, h, string(input))
		got, err := parseReplies(out, *methods)
		if err != nil {
			t.Fatalf("malformed replies to %q: %v\n%q", input, err, out)
		}
		for _, r := range got {
			if statusText(r.code) == "Unknown" && r.code != 100 {
				t.Fatalf("status %d to %q", r.code, input)
			}
		}
	})
}

// TestHandlerPanic: a panicking handler costs its connection, not the
// process.
func TestHandlerPanic(t *testing.T) {
	srv := bareServer(t)
	out := exchange(t, srv, func(*request) *reply { panic("bug") }, get404)
	if out != "" {
		t.Errorf("wrote %q", out)
	}
}

package control

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/program"
)

// rawRequest sends a request over the server's socket with net/http's
// own writer and reader (a peer independent of the server's code) and
// returns the HTTP status, body and header.
func rawRequest(t *testing.T, srv *Server, method, path string, body io.Reader, hdr map[string]string) (int, string, http.Header) {
	t.Helper()
	cl, err := newRPCClient(srv.ServerURL(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := cl.dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req, _ := http.NewRequest(method, "http://"+cl.host+path, body)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	req.Close = true
	werr := req.Write(conn)
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		t.Fatalf("%v (writing: %v)", err, werr)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func client(t *testing.T, srv *Server, user, pass *string) *rpcClient {
	t.Helper()
	cl, err := newRPCClient(srv.ServerURL(), user, pass)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.close)
	return cl
}

func TestBadRequests(t *testing.T) {
	srv, _ := testServer(t, newFake(), "", "")
	call := "<?xml version='1.0'?><methodCall><methodName>supervisor.getPID</methodName></methodCall>"
	cases := []struct {
		name, method, body string
		hdr                map[string]string
		chunked            bool
		want               int
	}{
		{name: "GET on RPC2", method: "GET", want: 400},
		{name: "no content length", method: "POST", body: call, chunked: true, want: 411},
		{name: "malformed", method: "POST", body: "<methodCall><methodName>x", want: 400},
		{name: "not xml", method: "POST", body: "hello", want: 400},
		{name: "no method name", method: "POST", body: "<methodCall><params/></methodCall>", want: 400},
		{name: "huge", method: "POST", body: strings.Repeat("x", maxBody+1), want: 413},
		{name: "ok", method: "POST", body: call, want: 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.body != "" {
				body = strings.NewReader(tc.body)
				if tc.chunked {
					body = io.MultiReader(body) // hides the length: sent chunked
				}
			}
			code, _, _ := rawRequest(t, srv, tc.method, "/RPC2", body, tc.hdr)
			if code != tc.want {
				t.Errorf("status %d, want %d", code, tc.want)
			}
		})
	}
}

// TestLooseValueTypes: values of a type supervisord does not know reach
// the method (as their text, or None), which answers with a value or a
// fault as supervisord does: not an HTTP error.
func TestLooseValueTypes(t *testing.T) {
	srv, _ := testServer(t, newFake(), "", "")
	call := func(method string, values ...string) string {
		return "<methodCall><methodName>" + method + "</methodName><params><param><value>" +
			strings.Join(values, "</value></param><param><value>") + "</value></param></params></methodCall>"
	}
	for _, tc := range []struct {
		body string
		want any // a value, or a wantFault
	}{
		{call("supervisor.readLog", "<i8>-8</i8>", "<i8>0</i8>"), "started\n"},
		{call("supervisor.readLog", "<foo>-8</foo>", "<int>0</int>"), "started\n"},
		{call("supervisor.getPID", "<foo>1</foo>"), wantFault(program.FaultIncorrectParameters)},
		{call("supervisor.getProcessInfo", "<foo>1</foo>"), wantFault(program.FaultBadName)},
		{call("supervisor.getProcessInfo", "<nil/>"), wantFault(program.FaultIncorrectParameters)},
		{call("supervisor.readLog", "<nil/>", "<int>0</int>"), wantFault(program.FaultIncorrectParameters)},
		{call("supervisor.sendRemoteCommEvent", "<nil/>", "<foo>x</foo>"), true},
	} {
		code, body, _ := rawRequest(t, srv, "POST", "/RPC2", strings.NewReader(tc.body), nil)
		if code != http.StatusOK {
			t.Errorf("%s: HTTP %d", tc.body, code)
			continue
		}
		got, err := decodeResponse([]byte(body))
		if want, isFault := tc.want.(wantFault); isFault {
			var f *rpcFault
			if !errors.As(err, &f) || f.Code != int(want) {
				t.Errorf("%s: %v, %v; want fault %d", tc.body, got, err, want)
			}
		} else if err != nil || got != tc.want {
			t.Errorf("%s: %#v, %v; want %#v", tc.body, got, err, tc.want)
		}
	}
}

// wantFault marks an expected fault code in a table of results.
type wantFault int

// TestMethods calls methods through the client and checks values and
// fault codes.
func TestMethods(t *testing.T) {
	f := newFake()
	srv, _ := testServer(t, f, "", "")
	cl := client(t, srv, nil, nil)
	info := func(name string) Struct {
		v, err := cl.call("supervisor.getProcessInfo", name)
		if err != nil {
			t.Fatal(err)
		}
		return v.(Struct)
	}
	cases := []struct {
		method string
		params []any
		want   any // a value, or an int fault code
	}{
		{"supervisor.getAPIVersion", nil, "3.0"},
		{"supervisor.getVersion", nil, "3.0"},
		{"supervisor.getSupervisorVersion", nil, "4.2.5"},
		{"supervisor.getIdentification", nil, "supervisor"},
		{"supervisor.getState", nil, Struct{{"statecode", 1}, {"statename", "RUNNING"}}},
		{"supervisor.getPID", nil, 4242},
		{"supervisor.getPID", []any{1}, wantFault(program.FaultIncorrectParameters)},
		{"supervisor.nosuch", nil, wantFault(program.FaultUnknownMethod)},
		{"supervisor._update", nil, wantFault(program.FaultUnknownMethod)},
		{"supervisor.getPID.x", nil, wantFault(program.FaultUnknownMethod)},
		{"getPID", nil, wantFault(program.FaultUnknownMethod)},
		{"nons.getPID", nil, wantFault(program.FaultUnknownMethod)},
		{"supervisor.getProcessInfo", []any{"nosuch"}, wantFault(program.FaultBadName)},
		{"supervisor.getProcessInfo", []any{"multi"}, wantFault(program.FaultBadName)},
		{"supervisor.getProcessInfo", []any{"multi:*"}, wantFault(program.FaultBadName)},
		{"supervisor.getProcessInfo", []any{42}, wantFault(program.FaultIncorrectParameters)},
		{"supervisor.startProcess", []any{"sleeper"}, wantFault(program.FaultAlreadyStarted)},
		{"supervisor.startProcess", []any{"quick", false}, wantFault(program.FaultSpawnError)},
		{"supervisor.startProcess", []any{"nog:*"}, wantFault(program.FaultBadName)},
		{"supervisor.startProcess", []any{}, wantFault(program.FaultIncorrectParameters)},
		{"supervisor.startProcess", []any{"a", true, 3}, wantFault(program.FaultIncorrectParameters)},
		{"supervisor.stopProcess", []any{"manual"}, wantFault(program.FaultNotRunning)},
		{"supervisor.signalProcess", []any{"sleeper", "HUP"}, true},
		{"supervisor.signalProcess", []any{"sleeper", "SIGUSR1"}, true},
		{"supervisor.signalProcess", []any{"sleeper", 15}, true},
		{"supervisor.signalProcess", []any{"sleeper", "15"}, true},
		// Whatever Python's int() takes: 0 (kill -0), floats, spaces, a
		// sign, underscores between digits.
		{"supervisor.signalProcess", []any{"sleeper", 0}, true},
		{"supervisor.signalProcess", []any{"sleeper", "0"}, true},
		{"supervisor.signalProcess", []any{"sleeper", 2.0}, true},
		{"supervisor.signalProcess", []any{"sleeper", -0.5}, true},
		{"supervisor.signalProcess", []any{"sleeper", " +1_0 "}, true},
		{"supervisor.signalProcess", []any{"sleeper", "2.0"}, wantFault(program.FaultBadSignal)},
		{"supervisor.signalProcess", []any{"sleeper", "1__0"}, wantFault(program.FaultBadSignal)},
		{"supervisor.signalProcess", []any{"sleeper", 1e300}, wantFault(program.FaultBadSignal)},
		{"supervisor.signalProcess", []any{"sleeper", math.NaN()}, wantFault(program.FaultBadSignal)},
		{"supervisor.signalProcess", []any{"sleeper", -1}, wantFault(program.FaultBadSignal)},
		{"supervisor.signalProcess", []any{"sleeper", "BOGUS"}, wantFault(program.FaultBadSignal)},
		{"supervisor.signalProcess", []any{"sleeper", 99}, wantFault(program.FaultBadSignal)},
		{"supervisor.signalProcess", []any{"nosuch", "BOGUS"}, wantFault(program.FaultBadName)},
		{"supervisor.signalProcess", []any{"manual", "HUP"}, wantFault(program.FaultNotRunning)},
		{"supervisor.signalProcessGroup", []any{"nog", "HUP"}, wantFault(program.FaultBadName)},
		{"supervisor.readProcessStdoutLog", []any{"sleeper", 0, 0}, "hello\n"},
		{"supervisor.readProcessLog", []any{"sleeper", -2, 0}, "o\n"},
		{"supervisor.readProcessStderrLog", []any{"sleeper", 0, 0}, "err\n"},
		{"supervisor.readProcessStdoutLog", []any{"sleeper", -2, 5}, wantFault(program.FaultBadArguments)},
		{"supervisor.readProcessStdoutLog", []any{"sleeper", 0, -1}, wantFault(program.FaultBadArguments)},
		{"supervisor.readProcessStdoutLog", []any{"manual", 0, 0}, wantFault(program.FaultNoFile)},
		{"supervisor.readProcessStdoutLog", []any{"nosuch", 0, 0}, wantFault(program.FaultBadName)},
		{"supervisor.tailProcessStdoutLog", []any{"sleeper", 0, 3}, []any{"lo\n", 6, true}},
		{"supervisor.tailProcessLog", []any{"sleeper", 100, 3}, []any{"", 6, false}},
		{"supervisor.tailProcessStderrLog", []any{"manual", 0, 3}, []any{"", 0, false}},
		{"supervisor.readLog", []any{-8, 0}, "started\n"},
		{"supervisor.readMainLog", []any{"x", 0}, wantFault(program.FaultIncorrectParameters)},
		{"supervisor.sendProcessStdin", []any{"sleeper", "in\n"}, true},
		{"supervisor.sendProcessStdin", []any{"sleeper", 5}, wantFault(program.FaultIncorrectParameters)},
		{"supervisor.sendProcessStdin", []any{"manual", "x"}, wantFault(program.FaultNotRunning)},
		{"supervisor.sendRemoteCommEvent", []any{"t", "d"}, true},
		{"supervisor.sendRemoteCommEvent", []any{1, 2.5}, true},
		{"supervisor.sendRemoteCommEvent", []any{[]any{"a", true}, Struct{{"x", 1}}}, true},
		{"supervisor.addProcessGroup", []any{"sleeper"}, wantFault(program.FaultAlreadyAdded)},
		{"supervisor.addProcessGroup", []any{"nosuch"}, wantFault(program.FaultBadName)},
		{"supervisor.removeProcessGroup", []any{"sleeper"}, wantFault(program.FaultStillRunning)},
		{"supervisor.reloadConfig", nil, []any{[]any{[]any{}, []any{}, []any{}}}},
		{"supervisor.clearProcessLogs", []any{"nosuch"}, wantFault(program.FaultBadName)},
		{"supervisor.clearProcessLog", []any{"sleeper"}, true},
		{"system.methodHelp", []any{"nosuch"}, wantFault(program.FaultSignatureUnsupported)},
		{"system.methodSignature", []any{"supervisor.startProcess"}, []any{"boolean", "string", "boolean"}},
		{"system.methodSignature", []any{"supervisor.nosuch"}, wantFault(program.FaultSignatureUnsupported)},
		{"system.multicall", []any{[]any{
			Struct{{"methodName", "supervisor.getPID"}},
			Struct{{"methodName", "supervisor.getProcessInfo"}, {"params", []any{"nosuch"}}},
			Struct{{"params", []any{}}},
			Struct{{"methodName", "system.multicall"}, {"params", []any{[]any{}}}},
		}}, []any{4242,
			Struct{{"faultCode", 10}, {"faultString", "BAD_NAME: nosuch"}},
			Struct{{"faultCode", 2}, {"faultString", "INCORRECT_PARAMETERS: No methodName"}},
			Struct{{"faultCode", 2}, {"faultString", "INCORRECT_PARAMETERS: Recursive system.multicall forbidden"}},
		}},
	}
	for _, tc := range cases {
		got, err := cl.call(tc.method, tc.params...)
		if code, isFault := tc.want.(wantFault); isFault {
			var f *rpcFault
			if !errors.As(err, &f) || f.Code != int(code) {
				t.Errorf("%s%v: got %v, %v; want fault %d", tc.method, tc.params, got, err, code)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s%v: got %#v, %v; want %#v", tc.method, tc.params, got, err, tc.want)
		}
	}
	if want := []string{"t|d", "1|2.5", "['a', True]|{'x': 1}"}; !reflect.DeepEqual(f.remote, want) {
		t.Errorf("remote events %q, want %q", f.remote, want)
	}
	if in := info("sleeper"); str(in, "description") != "pid 200, uptime 0:00:10" || str(in, "statename") != "RUNNING" {
		t.Errorf("getProcessInfo(sleeper) = %v", in)
	}
	want := []string{"sleeper:hangup", "sleeper:user defined signal 1", "sleeper:terminated", "sleeper:terminated",
		"sleeper:signal 0", "sleeper:signal 0", "sleeper:interrupt", "sleeper:signal 0", "sleeper:user defined signal 1"}
	if !reflect.DeepEqual(f.signals, want) {
		t.Errorf("signals sent: %q\nwant %q", f.signals, want)
	}
}

// TestLogFaultTexts: the fault strings of the log calls are
// supervisord's: NO_FILE alone for a channel without a log (redirected
// stderr, NONE), NO_FILE and the path for a log file that is gone; the
// tail calls answer those with an empty tail.
func TestLogFaultTexts(t *testing.T) {
	f := newFake()
	f.procs = append(f.procs,
		&fakeProc{info: program.Info{Group: "redir", Name: "redir", State: program.Running, Pid: 300},
			stdout: &fakeLog{data: []byte("both\n")}},
		&fakeProc{info: program.Info{Group: "gone", Name: "gone", State: program.Running, Pid: 301},
			stdout: &fakeLog{path: "/var/log/gone.log", missing: true}})
	srv, _ := testServer(t, f, "", "")
	cl := client(t, srv, nil, nil)
	for _, tc := range []struct {
		method, name string
		want         string
	}{
		{"supervisor.readProcessStderrLog", "redir", "NO_FILE"},
		{"supervisor.readProcessStdoutLog", "gone", "NO_FILE: /var/log/gone.log"},
	} {
		_, err := cl.call(tc.method, tc.name, 0, 0)
		var fault *rpcFault
		if !errors.As(err, &fault) || fault.Code != program.FaultNoFile || fault.String != tc.want {
			t.Errorf("%s(%s): %v, want fault %q", tc.method, tc.name, err, tc.want)
		}
		tail := strings.Replace(tc.method, "read", "tail", 1)
		if v, err := cl.call(tail, tc.name, 0, 10); err != nil || !reflect.DeepEqual(v, []any{"", 0, false}) {
			t.Errorf("%s(%s) = %v, %v; want an empty tail", tail, tc.name, v, err)
		}
	}
}

func TestListMethods(t *testing.T) {
	srv, _ := testServer(t, newFake(), "", "")
	v, err := client(t, srv, nil, nil).call("system.listMethods")
	if err != nil {
		t.Fatal(err)
	}
	var want []any
	for _, m := range strings.Fields(`addProcessGroup clearAllProcessLogs clearLog clearProcessLog clearProcessLogs
		getAPIVersion getAllConfigInfo getAllProcessInfo getIdentification getPID getProcessInfo getState
		getSupervisorVersion getVersion readLog readMainLog readProcessLog readProcessStderrLog
		readProcessStdoutLog reloadConfig removeProcessGroup restart sendProcessStdin sendRemoteCommEvent shutdown
		signalAllProcesses signalProcess signalProcessGroup startAllProcesses startProcess startProcessGroup
		stopAllProcesses stopProcess stopProcessGroup tailProcessLog tailProcessStderrLog tailProcessStdoutLog`) {
		want = append(want, "supervisor."+m)
	}
	want = append(want, "system.listMethods", "system.methodHelp", "system.methodSignature", "system.multicall")
	if !reflect.DeepEqual(v, want) {
		t.Errorf("listMethods:\n got %v\nwant %v", v, want)
	}
}

func TestShutdownStateFaults(t *testing.T) {
	f := newFake()
	f.state = -1
	srv, _ := testServer(t, f, "", "")
	cl := client(t, srv, nil, nil)
	for _, m := range []string{"supervisor.getPID", "supervisor.getAPIVersion", "supervisor.getAllProcessInfo"} {
		if _, err := cl.call(m); err == nil || err.(*rpcFault).Code != program.FaultShutdownState {
			t.Errorf("%s while shutting down: %v, want SHUTDOWN_STATE", m, err)
		}
	}
	if _, err := cl.call("system.listMethods"); err != nil {
		t.Errorf("system.listMethods while shutting down: %v", err)
	}
}

func TestAuth(t *testing.T) {
	s := func(v string) *string { return &v }
	cases := []struct {
		name       string
		stored     string
		user, pass *string
		ok         bool
	}{
		{"plain good", "secret", s("bob"), s("secret"), true},
		{"plain bad", "secret", s("bob"), s("nope"), false},
		{"wrong user", "secret", s("eve"), s("secret"), false},
		{"none sent", "secret", nil, nil, false},
		{"sha good", "{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", s("bob"), s("test"), true},
		{"sha bad", "{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3", s("bob"), s("{SHA}a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := testServer(t, newFake(), "bob", tc.stored)
			_, err := client(t, srv, tc.user, tc.pass).call("supervisor.getPID")
			var pe *protocolError
			switch {
			case tc.ok && err != nil:
				t.Errorf("good credentials refused: %v", err)
			case !tc.ok && (!errors.As(err, &pe) || pe.code != 401):
				t.Errorf("bad credentials: %v, want 401", err)
			}
		})
	}
	// 401 carries supervisord's realm; logtail is guarded too.
	srv, _ := testServer(t, newFake(), "bob", "x")
	code, _, hdr := rawRequest(t, srv, "GET", "/logtail/sleeper", nil, nil)
	if code != 401 || hdr.Get("WWW-Authenticate") != `Basic realm="default"` {
		t.Errorf("unauthenticated logtail: %d %v", code, hdr)
	}
	// A server without auth ignores credentials.
	open, _ := testServer(t, newFake(), "", "")
	if _, err := client(t, open, s("any"), s("thing")).call("supervisor.getPID"); err != nil {
		t.Errorf("open server refused credentials: %v", err)
	}
}

// TestDeferredStartDoesNotBlock: while a start with wait=true is held,
// other clients are answered; the held call completes when released.
func TestDeferredStartDoesNotBlock(t *testing.T) {
	f := newFake()
	f.procs = append(f.procs, &fakeProc{info: program.Info{Group: "slow", Name: "slow", State: program.Stopped}})
	f.gate = make(chan struct{})
	srv, _ := testServer(t, f, "", "")
	held := make(chan error, 1)
	go func() {
		_, err := client(t, srv, nil, nil).call("supervisor.startProcess", "slow", true)
		held <- err
	}()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cl, _ := newRPCClient(srv.ServerURL(), nil, nil)
			defer cl.close()
			if _, err := cl.call("supervisor.getAllProcessInfo"); err != nil {
				t.Errorf("concurrent call: %v", err)
			}
		}()
	}
	wg.Wait()
	select {
	case err := <-held:
		t.Fatalf("held start returned before release: %v", err)
	default:
	}
	close(f.gate)
	select {
	case err := <-held:
		if err != nil {
			t.Errorf("held start: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("held start never returned")
	}
}

func TestLogtail(t *testing.T) {
	f := newFake()
	srv, _ := testServer(t, f, "", "")
	for _, p := range []string{"/logtail/nosuch", "/logtail/manual", "/logtail/sleeper/bogus", "/logtail/multi:*", "/nothing"} {
		if code, _, _ := rawRequest(t, srv, "GET", p, nil, nil); code != 404 {
			t.Errorf("GET %s: %d, want 404", p, code)
		}
	}
	if code, _, _ := rawRequest(t, srv, "POST", "/logtail/sleeper", strings.NewReader("x"), nil); code != 400 {
		t.Errorf("POST logtail: %d, want 400", code)
	}
	cl := client(t, srv, nil, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, tc := range []struct {
		path  string
		first string
		log   *fakeLog
	}{
		{"/logtail/sleeper/stderr", "err", nil},
		{"/mainlogtail", "started", f.main},
	} {
		body, err := cl.get(ctx, tc.path)
		if err != nil {
			t.Fatal(err)
		}
		lines := linesOf(body)
		waitFor(t, lines, tc.first)
		log := tc.log
		if log == nil {
			p, _ := f.lookup("sleeper")
			log = p.stderr
		}
		log.write([]byte("fresh line\n"))
		waitFor(t, lines, "fresh line")
		body.Close()
	}
}

func TestSocketFile(t *testing.T) {
	dir := shortDir(t)
	path := filepath.Join(dir, "s.sock")
	cfg := &config.Config{UnixHTTPServer: &config.UnixHTTPServer{File: path, Chmod: 0o760}}

	// A stale socket (nobody listening) is replaced.
	stale, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	stale.Close()
	var logged bytes.Buffer
	srv, err := NewServer(cfg, newFake(), Options{Logger: zerolog.New(&logged)})
	if err != nil {
		t.Fatalf("stale socket not replaced: %v", err)
	}
	if !strings.Contains(logged.String(), `"level":"warn","message":"Unlinking stale socket `+path+`"`) {
		t.Errorf("the replacement was not logged as supervisord says it: %s", logged.String())
	}
	go srv.Serve()
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o760 || fi.Mode()&os.ModeSocket == 0 {
		t.Errorf("socket mode: %v %v", fi, err)
	}
	if srv.ServerURL() != "unix://"+path || DefaultServerURL(cfg) != srv.ServerURL() {
		t.Errorf("ServerURL %q", srv.ServerURL())
	}

	// A live socket is refused with supervisord's message.
	if _, err := NewServer(cfg, newFake(), Options{}); !errors.Is(err, ErrAddressInUse) {
		t.Errorf("second server on a live socket: %v, want ErrAddressInUse", err)
	}
	// ... and the live one still answers.
	if _, err := client(t, srv, nil, nil).call("supervisor.getPID"); err != nil {
		t.Errorf("first server after refused second: %v", err)
	}
	srv.Close()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket left after Close: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("files left in the socket dir: %v", entries)
	}

	// A regular file in the way is not deleted.
	os.WriteFile(path, []byte("x"), 0o600)
	if _, err := NewServer(cfg, newFake(), Options{}); err == nil {
		t.Error("a regular file at the socket path was replaced")
	}
}

func TestInetServer(t *testing.T) {
	cfg := &config.Config{InetHTTPServer: &config.InetHTTPServer{Host: "127.0.0.1", Port: 0}}
	srv, err := NewServer(cfg, newFake(), Options{SupervisorVersion: "9.9"})
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve()
	defer srv.Close()
	if !strings.HasPrefix(srv.ServerURL(), "http://127.0.0.1:") {
		t.Fatalf("ServerURL %q", srv.ServerURL())
	}
	v, err := client(t, srv, nil, nil).call("supervisor.getSupervisorVersion")
	if err != nil || v != "9.9" {
		t.Errorf("over inet: %v %v", v, err)
	}
	port := srv.inet.Addr().(*net.TCPAddr).Port
	busy := &config.Config{InetHTTPServer: &config.InetHTTPServer{Host: "127.0.0.1", Port: port}}
	if _, err := NewServer(busy, newFake(), Options{}); !errors.Is(err, ErrAddressInUse) {
		t.Errorf("busy port: %v", err)
	}
}

func TestGetAllConfigInfo(t *testing.T) {
	f := newFake()
	// A group in use shows the file its AUTO log got; one that is not
	// keeps "auto".
	f.procs[0].info.StdoutLogfile = "/tmp/x/exiter-stdout---supervisor-abc.log"
	f.procs[1].info.StdoutLogfile = "/tmp/x/manual-stdout---supervisor-def.log"
	f.removed["manual"] = true
	srv, _ := testServer(t, f, "", "")
	v, err := client(t, srv, nil, nil).call("supervisor.getAllConfigInfo")
	if err != nil {
		t.Fatal(err)
	}
	list := v.([]any)
	if len(list) != 6 {
		t.Fatalf("%d entries", len(list))
	}
	first := list[0].(Struct)
	var keys []string
	for _, m := range first {
		keys = append(keys, m.Name)
	}
	want := "autostart directory uid command exitcodes group group_prio inuse killasgroup name process_prio redirect_stderr startretries startsecs stdout_capture_maxbytes stdout_events_enabled stdout_logfile stdout_logfile_backups stdout_logfile_maxbytes stdout_syslog stopsignal stopwaitsecs stderr_capture_maxbytes stderr_events_enabled stderr_logfile stderr_logfile_backups stderr_logfile_maxbytes stderr_syslog serverurl"
	if strings.Join(keys, " ") != want {
		t.Errorf("keys:\n%s\nwant\n%s", strings.Join(keys, " "), want)
	}
	for k, w := range map[string]any{"name": "exiter", "directory": "none", "uid": "none", "stdout_logfile": "/tmp/x/exiter-stdout---supervisor-abc.log",
		"stderr_logfile": "none", "serverurl": "none", "stopsignal": 15, "startsecs": 1, "stdout_logfile_maxbytes": 50 << 20} {
		if got, _ := first.Get(k); !reflect.DeepEqual(got, w) {
			t.Errorf("%s = %#v, want %#v", k, got, w)
		}
	}
	manual := list[1].(Struct)
	if name, _ := manual.Get("name"); name != "manual" {
		t.Fatalf("second entry %v, want manual", name)
	}
	if got, _ := manual.Get("stdout_logfile"); got != "auto" {
		t.Errorf("stdout_logfile of a group not in use = %#v, want auto", got)
	}
}

// TestResponseBytes: replies are laid out as xmlrpclib.dumps lays them out.
func TestResponseBytes(t *testing.T) {
	srv, _ := testServer(t, newFake(), "", "")
	body := "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.nosuch</methodName>\n<params>\n</params>\n</methodCall>\n"
	code, got, hdr := rawRequest(t, srv, "POST", "/RPC2", bytes.NewBufferString(body), map[string]string{"Content-Type": "text/xml"})
	want := "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n<value><int>1</int></value>\n</member>\n<member>\n<name>faultString</name>\n<value><string>UNKNOWN_METHOD</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n"
	if code != 200 || got != want || hdr.Get("Content-Type") != "text/xml" {
		t.Errorf("fault reply %d %q:\n%s", code, hdr.Get("Content-Type"), got)
	}
}

// TestLongRequestsOutliveBodyTimeout: a deferred call and a log stream
// last longer than the request-body timeout without being cut off.
func TestLongRequestsOutliveBodyTimeout(t *testing.T) {
	f := newFake()
	f.procs = append(f.procs, &fakeProc{info: program.Info{Group: "slow", Name: "slow", State: program.Stopped}})
	f.gate = make(chan struct{})
	srv, _ := testServer(t, f, "", "")
	srv.bodyTimeout = 100 * time.Millisecond
	held := make(chan error, 1)
	go func() {
		_, err := client(t, srv, nil, nil).call("supervisor.startProcess", "slow", true)
		held <- err
	}()
	body, err := client(t, srv, nil, nil).get(context.Background(), "/logtail/sleeper")
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	lines := linesOf(body)
	waitFor(t, lines, "hello")
	<-time.After(5 * srv.bodyTimeout) // the point of the test: time passes
	close(f.gate)
	p, _ := f.lookup("sleeper")
	p.stdout.write([]byte("still here\n"))
	waitFor(t, lines, "still here")
	if err := <-held; err != nil {
		t.Errorf("deferred start cut off: %v", err)
	}
}

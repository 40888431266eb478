package control

import (
	"context"
	"errors"
	"net/http"
	"net/textproto"
	"reflect"
	"testing"
	"time"

	"github.com/supinit/supinit/config"
)

// rpcSeeds are request bodies for FuzzServeRPC: a call of each kind of
// method, with good and bad parameters, and broken documents.
var rpcSeeds = []string{
	"<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.getAllProcessInfo</methodName>\n<params>\n</params>\n</methodCall>\n",
	"<methodCall><methodName>supervisor.getProcessInfo</methodName><params><param><value><string>multi:multi_00</string></value></param></params></methodCall>",
	"<methodCall><methodName>supervisor.startProcess</methodName><params><param><value>manual</value></param><param><value><boolean>1</boolean></value></param></params></methodCall>",
	"<methodCall><methodName>supervisor.stopProcessGroup</methodName><params><param><value>multi</value></param><param><value><boolean>0</boolean></value></param></params></methodCall>",
	"<methodCall><methodName>supervisor.signalProcess</methodName><params><param><value>sleeper</value></param><param><value><double>2.0</double></value></param></params></methodCall>",
	"<methodCall><methodName>supervisor.signalAllProcesses</methodName><params><param><value>BOGUS</value></param></params></methodCall>",
	"<methodCall><methodName>supervisor.readProcessStdoutLog</methodName><params><param><value>sleeper</value></param><param><value><i8>-3</i8></value></param><param><value><int>0</int></value></param></params></methodCall>",
	"<methodCall><methodName>supervisor.tailProcessStderrLog</methodName><params><param><value>sleeper</value></param><param><value><int>0</int></value></param><param><value><int>10</int></value></param></params></methodCall>",
	"<methodCall><methodName>supervisor.readLog</methodName><params><param><value><nil/></value></param><param><value><foo>0</foo></value></param></params></methodCall>",
	"<methodCall><methodName>supervisor.sendProcessStdin</methodName><params><param><value>sleeper</value></param><param><value><base64>aGk=</base64></value></param></params></methodCall>",
	"<methodCall><methodName>supervisor.sendRemoteCommEvent</methodName><params><param><value><array><data><value><int>1</int></value></data></array></value></param><param><value><struct><member><name>a</name><value><dateTime.iso8601>20200102T03:04:05</dateTime.iso8601></value></member></struct></value></param></params></methodCall>",
	"<methodCall><methodName>supervisor.getAllConfigInfo</methodName></methodCall>",
	"<methodCall><methodName>supervisor.reloadConfig</methodName></methodCall>",
	"<methodCall><methodName>supervisor.clearAllProcessLogs</methodName></methodCall>",
	"<methodCall><methodName>supervisor.shutdown</methodName></methodCall>",
	"<methodCall><methodName>system.methodSignature</methodName><params><param><value>supervisor.startProcess</value></param></params></methodCall>",
	"<methodCall><methodName>system.multicall</methodName><params><param><value><array><data><value><struct><member><name>methodName</name><value>supervisor.getPID</value></member></struct></value><value><struct><member><name>methodName</name><value>system.multicall</value></member><member><name>params</name><value><array><data></data></array></value></member></struct></value></data></array></value></param></params></methodCall>",
	"<methodCall><methodName>supervisor._update</methodName></methodCall>",
	"<methodCall><methodName>x</methodName><params><param><value><int>99999999999</int></value></param></params></methodCall>",
	"<methodCall><methodName>supervisor.getPID</methodName><params><param><value><array><data><value><array><data></data></array></value></data></array></value></param></params></methodCall>",
	"<methodCall><methodName>supervisor.getPID",
	"<methodResponse/>",
	"",
}

// FuzzServeRPC: whatever the body, the server answers (no panic, no
// hang) with a well-formed HTTP reply: a 200 whose body is a
// methodResponse the client can read, of the length it declares, or one
// of the HTTP errors supervisord gives for a broken request.
func FuzzServeRPC(f *testing.F) {
	for _, s := range rpcSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		srv, err := NewServer(&config.Config{}, newFake(), Options{})
		if err != nil {
			t.Fatal(err)
		}
		req := &request{method: "POST", path: "/RPC2", minor: 1, header: textproto.MIMEHeader{},
			contentLength: int64(len(body)), body: body, complete: true, ctx: context.Background()}
		var rep *reply
		served := make(chan struct{})
		go func() {
			defer close(served)
			rep = srv.routes("", "")(req)
		}()
		select {
		case <-served:
		case <-time.After(10 * time.Second):
			t.Fatalf("no answer within 10 s to %q", body)
		}
		switch rep.status {
		case http.StatusOK:
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			return
		default:
			t.Fatalf("HTTP %d for %q", rep.status, body)
		}
		if rep.stream != nil || !reflect.DeepEqual(rep.header, []string{"Content-Type: text/xml"}) {
			t.Fatalf("header %q", rep.header)
		}
		var fault *rpcFault
		if _, err := decodeResponse(rep.body); err != nil && !errors.As(err, &fault) {
			t.Fatalf("unreadable reply to %q: %v\n%s", body, err, rep.body)
		}
	})
}

// FuzzDecodeResponse: the client's decoder never panics, and what it
// accepts (a value or a fault) survives encode → decode unchanged.
func FuzzDecodeResponse(f *testing.F) {
	for _, v := range []any{
		"3.0",
		Struct{{"statecode", 1}, {"statename", "RUNNING"}},
		[]any{Struct{{"name", "a"}, {"group", "g"}, {"pid", 12}, {"description", "pid 12, uptime 0:00:10"}}},
		[]any{"out\n", 1600, false},
		[]any{[]any{[]any{"new"}, []any{}, []any{"gone"}}},
		[]any{2.5, []byte("hi"), true},
	} {
		b, err := encodeResponse(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(encodeFault(10, "BAD_NAME: nosuch"))
	f.Add([]byte("<methodResponse><params><param><value><nil/></value></param></params></methodResponse>"))
	f.Add([]byte("<methodResponse><params><param><value><i8>99999999999</i8></value></param></params></methodResponse>"))
	f.Add([]byte("<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member></struct></value></fault></methodResponse>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := decodeResponse(data)
		var fault *rpcFault
		switch {
		case errors.As(err, &fault):
			_, err := decodeResponse(encodeFault(fault.Code, fault.String))
			var again *rpcFault
			if !errors.As(err, &again) || *again != *fault {
				t.Fatalf("fault changed on the way back: %v → %v", fault, err)
			}
			return
		case err != nil:
			return
		}
		enc, err := encodeResponse(v)
		if err != nil {
			return // nil, or an int beyond int32: the server never sends those
		}
		back, err := decodeResponse(enc)
		if err != nil || !sameValue(v, back) {
			t.Fatalf("round trip changed the value:\n%#v\n%#v, %v", v, back, err)
		}
	})
}

package events

import (
	"testing"
)

// The expected strings below were produced by supervisord 4.2.5's own
// event classes and EventListenerPool._eventEnvelope (Python 3).
func TestPayloads(t *testing.T) {
	web := Process{Name: "web", Group: "webgroup", PID: 4242}
	state := func(from, to string, expected bool) Event {
		return ProcessState(StateChange{Process: web, From: from, To: to, Tries: 2, Expected: expected})
	}
	tests := []struct {
		name    string
		ev      Event
		wantEv  string
		payload string
	}{
		{"starting", state("BACKOFF", "STARTING", true), "PROCESS_STATE_STARTING",
			"processname:web groupname:webgroup from_state:BACKOFF tries:2"},
		{"running", state("STARTING", "RUNNING", true), "PROCESS_STATE_RUNNING",
			"processname:web groupname:webgroup from_state:STARTING pid:4242"},
		{"backoff", state("STARTING", "BACKOFF", true), "PROCESS_STATE_BACKOFF",
			"processname:web groupname:webgroup from_state:STARTING tries:2"},
		{"stopping", state("RUNNING", "STOPPING", true), "PROCESS_STATE_STOPPING",
			"processname:web groupname:webgroup from_state:RUNNING pid:4242"},
		{"exited unexpected", state("RUNNING", "EXITED", false), "PROCESS_STATE_EXITED",
			"processname:web groupname:webgroup from_state:RUNNING expected:0 pid:4242"},
		{"exited expected", state("RUNNING", "EXITED", true), "PROCESS_STATE_EXITED",
			"processname:web groupname:webgroup from_state:RUNNING expected:1 pid:4242"},
		{"stopped", state("STOPPING", "STOPPED", true), "PROCESS_STATE_STOPPED",
			"processname:web groupname:webgroup from_state:STOPPING pid:4242"},
		{"fatal", state("BACKOFF", "FATAL", true), "PROCESS_STATE_FATAL",
			"processname:web groupname:webgroup from_state:BACKOFF"},
		{"unknown", state("RUNNING", "UNKNOWN", true), "PROCESS_STATE_UNKNOWN",
			"processname:web groupname:webgroup from_state:RUNNING"},
		{"log stdout", ProcessLog(web, Stdout, []byte("hello\nworld\n")), "PROCESS_LOG_STDOUT",
			"processname:web groupname:webgroup pid:4242 channel:stdout\nhello\nworld\n"},
		{"log stderr utf8", ProcessLog(web, Stderr, []byte("h\u00e9llo \u2603\n")), "PROCESS_LOG_STDERR",
			"processname:web groupname:webgroup pid:4242 channel:stderr\nh\u00e9llo \u2603\n"},
		{"log undecodable", ProcessLog(web, Stdout, []byte("bad \xff\x00'\"\\\t\n\x7f end")), "PROCESS_LOG_STDOUT",
			"processname:web groupname:webgroup pid:4242 channel:stdout\nUndecodable: b'bad \\xff\\x00\\'\"\\\\\\t\\n\\x7f end'"},
		{"communication stdout", ProcessCommunication(web, Stdout, []byte("<x>hi</x>")), "PROCESS_COMMUNICATION_STDOUT",
			"processname:web groupname:webgroup pid:4242\n<x>hi</x>"},
		{"communication stderr", ProcessCommunication(web, Stderr, []byte("oops")), "PROCESS_COMMUNICATION_STDERR",
			"processname:web groupname:webgroup pid:4242\noops"},
		{"remote", RemoteCommunication("mytype", "some data"), "REMOTE_COMMUNICATION", "type:mytype\nsome data"},
		// What supervisord 4.2.5 sent for sendRemoteCommEvent("té", "d€\nline2").
		{"remote text", RemoteCommunication("t\u00e9", "d\u20ac\nline2"), "REMOTE_COMMUNICATION", "type:t\u00e9\nd\u20ac\nline2"},
		{"remote invalid utf8", RemoteCommunication("t", "a\xffb"), "REMOTE_COMMUNICATION", "type:t\na\ufffdb"},
		{"supervisor running", SupervisorRunning(), "SUPERVISOR_STATE_CHANGE_RUNNING", ""},
		{"supervisor stopping", SupervisorStopping(), "SUPERVISOR_STATE_CHANGE_STOPPING", ""},
		{"tick 60", Tick(60, 1700000040), "TICK_60", "when:1700000040"},
		{"tick 5", Tick(5, 1700000045), "TICK_5", "when:1700000045"},
		{"group added", ProcessGroupAdded("webgroup"), "PROCESS_GROUP_ADDED", "groupname:webgroup\n"},
		{"group removed", ProcessGroupRemoved("webgroup"), "PROCESS_GROUP_REMOVED", "groupname:webgroup\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.ev.Name != tt.wantEv {
				t.Errorf("name = %q, want %q", tt.ev.Name, tt.wantEv)
			}
			if tt.ev.Payload != tt.payload {
				t.Errorf("payload = %q\nwant      %q", tt.ev.Payload, tt.payload)
			}
			if !KnownType(tt.ev.Name) {
				t.Errorf("%s is not a known type", tt.ev.Name)
			}
		})
	}
}

func TestEnvelope(t *testing.T) {
	web := Process{Name: "web", Group: "webgroup", PID: 4242}
	tests := []struct {
		name               string
		serial, poolSerial int64
		ev                 Event
		want               string
	}{
		{"ascii", 7, 3, ProcessState(StateChange{Process: web, From: "STARTING", To: "RUNNING"}),
			"ver:3.0 server:supervisor serial:7 pool:listener poolserial:3 eventname:PROCESS_STATE_RUNNING len:63\n" +
				"processname:web groupname:webgroup from_state:STARTING pid:4242"},
		// len counts characters: 67 here, though the payload is 70 bytes.
		{"utf8 counts characters", 0, 0, ProcessLog(web, Stderr, []byte("h\u00e9llo \u2603\n")),
			"ver:3.0 server:supervisor serial:0 pool:listener poolserial:0 eventname:PROCESS_LOG_STDERR len:67\n" +
				"processname:web groupname:webgroup pid:4242 channel:stderr\nh\u00e9llo \u2603\n"},
		{"empty payload", 12, 1, SupervisorStopping(),
			"ver:3.0 server:supervisor serial:12 pool:listener poolserial:1 eventname:SUPERVISOR_STATE_CHANGE_STOPPING len:0\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(Envelope("supervisor", tt.serial, "listener", tt.poolSerial, tt.ev))
			if got != tt.want {
				t.Errorf("envelope = %q\nwant       %q", got, tt.want)
			}
		})
	}
}

// The expected reprs are Python 3's repr() of the same bytes.
func TestPyBytesRepr(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", `b''`},
		{"abc", `b'abc'`},
		{"it's", `b"it's"`},
		{`say "hi"`, `b'say "hi"'`},
		{`'"`, `b'\'"'`},
		{"\\\t\r\n\x00\x1f\x7f\x80\xff ~", `b'\\\t\r\n\x00\x1f\x7f\x80\xff ~'`},
	}
	for _, tt := range tests {
		if got := pyBytesRepr([]byte(tt.in)); got != tt.want {
			t.Errorf("pyBytesRepr(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

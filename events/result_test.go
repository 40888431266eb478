package events

import (
	"strconv"
	"testing"
)

func TestResultHandlers(t *testing.T) {
	web := Process{Name: "web", Group: "web", PID: 9}
	tests := []struct {
		name    string
		handler string
		result  string
		want    []string
	}{
		{"relay", RelayResultHandler,
			"processname:web groupname:web pid:9 channel:stdout\nhello\nworld\n",
			[]string{"print web stdout | hello\nweb stdout | world\nweb stdout | \n"}},
		{"relay without trailing newline", RelayResultHandler,
			"processname:web groupname:web pid:9 channel:stderr\noops",
			[]string{"print web stderr | oops\n"}},
		{"relay of a body it cannot parse", RelayResultHandler, "OK",
			[]string{"warn l0: event caused an error in the result handler; dropping it"}},
		{"unknown handler accepts anything", "mypkg.mod:handler", "whatever", nil},
		{"default handler", "", "OK", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := NewBus("s")
			p := mustPool(t, b, PoolConfig{Name: "p", Events: []string{"PROCESS_LOG"}, BufferSize: 10,
				ResultHandler: tt.handler, Processes: []string{"l0"}})
			readyListeners(p)
			b.Publish(ProcessLog(web, Stdout, []byte("hello\nworld\n")))
			out := []byte("RESULT " + strconv.Itoa(len(tt.result)) + "\n" + tt.result)
			eq(t, "actions", summary(p.OnOutput("l0", out)), tt.want)
			if p.Queued() != 0 || p.State("l0") != Acknowledged {
				t.Errorf("queued %d state %s, want the event done", p.Queued(), p.State("l0"))
			}
		})
	}
	for name, known := range map[string]bool{"": true, DefaultResultHandler: true, RelayResultHandler: true, "x:y": false} {
		if KnownResultHandler(name) != known {
			t.Errorf("KnownResultHandler(%q) = %v", name, !known)
		}
	}
}

package control

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/supinit/supinit/program"
)

type lockedWriter struct {
	mu  sync.Mutex
	buf *bytes.Buffer
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *lockedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// stamp is how status shows a stop time of the fake clock.
func stamp(offset int64) string {
	return time.Unix(fakeNow+offset, 0).Local().Format("Jan 02 03:04 PM")
}

func statusTable() string {
	return fmt.Sprintf(`exiter                           EXITED    %s
manual                           STOPPED   Not started
multi:multi_00                   RUNNING   pid 101, uptime 0:00:10
multi:multi_01                   RUNNING   pid 102, uptime 0:00:10
quick                            FATAL     Exited too quickly (process log may have details)
sleeper                          RUNNING   pid 200, uptime 0:00:10
`, stamp(-50))
}

const helpStart = "start <name>\t\tStart a process\nstart <gname>:*\t\tStart all processes in a group\nstart <name> <name>\tStart multiple processes or groups\nstart all\t\tStart all processes\n"

// ctlCase is one supervisorctl command line, what supervisorctl 4.2.5
// prints for it against the fake supervisor, and its exit status. The
// real supervisorctl checks the expectation; Ctl must then match it.
type ctlCase struct {
	name  string
	args  []string
	stdin string
	setup func(*fakeBackend)
	want  string
	code  int
}

func ctlCases() []ctlCase {
	reloadDiff := func(f *fakeBackend) {
		f.reload.added, f.reload.changed, f.reload.removed = []string{"newgrp"}, []string{"multi"}, []string{"exiter"}
	}
	return []ctlCase{
		{name: "status", args: []string{"status"}, want: statusTable(), code: 3},
		{name: "status running", args: []string{"status", "sleeper"}, want: "sleeper                          RUNNING   pid 200, uptime 0:00:10\n"},
		{name: "status unknown", args: []string{"status", "nosuch"}, want: "nosuch: ERROR (no such process)\n", code: 4},
		{name: "status mixed", args: []string{"status", "sleeper", "nosuch"}, want: "nosuch: ERROR (no such process)\nsleeper                          RUNNING   pid 200, uptime 0:00:10\n", code: 4},
		{name: "status stopped and unknown", args: []string{"status", "manual", "nosuch"}, want: "nosuch: ERROR (no such process)\nmanual                           STOPPED   Not started\n", code: 3},
		{name: "status group", args: []string{"status", "multi:*"}, want: "multi:multi_00                   RUNNING   pid 101, uptime 0:00:10\nmulti:multi_01                   RUNNING   pid 102, uptime 0:00:10\n"},
		{name: "status no group", args: []string{"status", "nog:*"}, want: "nog: ERROR (no such group)\n", code: 4},
		{name: "status long name", setup: func(f *fakeBackend) {
			f.procs = []*fakeProc{{info: program.Info{Group: "longname_abcdefghijklmnopqrstuvwxyz_0123456789", Name: "longname_abcdefghijklmnopqrstuvwxyz_0123456789", State: program.Starting}}}
		}, args: []string{"status"}, want: "longname_abcdefghijklmnopqrstuvwxyz_0123456789   STARTING  \n"},
		{name: "status empty", setup: func(f *fakeBackend) { f.procs = nil }, args: []string{"status"}, want: ""},
		{name: "start running", args: []string{"start", "sleeper"}, want: "sleeper: ERROR (already started)\n"},
		{name: "start unknown", args: []string{"start", "nosuch"}, want: "nosuch: ERROR (no such process)\n", code: 1},
		{name: "start", args: []string{"start", "manual"}, want: "manual: started\n"},
		{name: "start spawn error", args: []string{"start", "quick"}, want: "quick: ERROR (spawn error)\n", code: 7},
		{name: "start no group", args: []string{"start", "nog:*"}, want: "nog: ERROR (no such group)\n", code: 2},
		{name: "start no args", args: []string{"start"}, want: "Error: start requires a process name\n" + helpStart, code: 2},
		{name: "start all", args: []string{"start", "all"}, want: "exiter: started\nmanual: started\nquick: ERROR (spawn error)\n", code: 7},
		{name: "stop", args: []string{"stop", "sleeper"}, want: "sleeper: stopped\n"},
		{name: "stop stopped", args: []string{"stop", "manual"}, want: "manual: ERROR (not running)\n"},
		{name: "stop unknown", args: []string{"stop", "nosuch"}, want: "nosuch: ERROR (no such process)\n", code: 1},
		{name: "stop group", args: []string{"stop", "multi:*"}, want: "multi:multi_00: stopped\nmulti:multi_01: stopped\n"},
		{name: "stop all", args: []string{"stop", "all"}, want: "multi:multi_00: stopped\nmulti:multi_01: stopped\nsleeper: stopped\n"},
		{name: "restart", args: []string{"restart", "sleeper"}, want: "sleeper: stopped\nsleeper: started\n"},
		{name: "signal", args: []string{"signal", "HUP", "sleeper"}, want: "sleeper: signalled\n"},
		{name: "signal bad", args: []string{"signal", "BOGUS", "sleeper"}, want: "sleeper: ERROR (bad signal name)\n", code: 1},
		{name: "signal stopped", args: []string{"signal", "HUP", "manual"}, want: "manual: ERROR (not running)\n", code: 7},
		{name: "signal all", args: []string{"signal", "USR1", "all"}, want: "multi:multi_00: signalled\nmulti:multi_01: signalled\nsleeper: signalled\n"},
		{name: "signal bad group", args: []string{"signal", "BOGUS", "multi:*"}, want: "multi:multi_00: ERROR (bad signal name)\nmulti:multi_01: ERROR (bad signal name)\n", code: 1},
		{name: "signal no args", args: []string{"signal"}, want: "Error: signal requires a signal name and a process name\nsignal <signal name> <name>\t\tSignal a process\nsignal <signal name> <gname>:*\t\tSignal all processes in a group\nsignal <signal name> <name> <name>\tSignal multiple processes or groups\nsignal <signal name> all\t\tSignal all processes\n", code: 1},
		{name: "pid", args: []string{"pid"}, want: "4242\n"},
		{name: "pid process", args: []string{"pid", "sleeper"}, want: "200\n"},
		{name: "pid stopped", args: []string{"pid", "manual"}, want: "0\n", code: 7},
		{name: "pid unknown", args: []string{"pid", "nosuch"}, want: "No such process nosuch\n", code: 1},
		{name: "pid all", args: []string{"pid", "all"}, want: "0\n0\n101\n102\n0\n200\n"},
		{name: "tail", args: []string{"tail", "sleeper"}, want: "hello\n\n"},
		{name: "tail stderr", args: []string{"tail", "sleeper", "stderr"}, want: "err\n\n"},
		{name: "tail bytes", args: []string{"tail", "-3", "sleeper"}, want: "lo\n\n"},
		{name: "tail unknown", args: []string{"tail", "nosuch"}, want: "nosuch: ERROR (no such process name)\n", code: 1},
		{name: "tail no log", args: []string{"tail", "manual"}, want: "manual: ERROR (no log file)\n", code: 1},
		{name: "tail bad channel", args: []string{"tail", "sleeper", "bad"}, want: "Error: bad channel 'bad'\n", code: 1},
		{name: "tail bad modifier", args: []string{"tail", "-z", "sleeper"}, want: "Error: bad argument -z\n", code: 1},
		{name: "tail -f unknown", args: []string{"tail", "-f", "nosuch"}, want: "==> Press Ctrl-C to exit <==\nunix://SOCK/logtail/nosuch/stdout Cannot read, status code 404\n"},
		{name: "maintail", args: []string{"maintail", "-8"}, want: "started\n\n"},
		{name: "maintail bad", args: []string{"maintail", "x"}, want: "Error: bad argument x\n", code: 1},
		{name: "clear", args: []string{"clear", "sleeper"}, want: "sleeper: cleared\n"},
		{name: "clear unknown", args: []string{"clear", "nosuch"}, want: "nosuch: ERROR (no such process)\n", code: 1},
		{name: "clear all", args: []string{"clear", "all"}, want: "exiter: cleared\nmanual: cleared\nmulti:multi_00: cleared\nmulti:multi_01: cleared\nquick: cleared\nsleeper: cleared\n"},
		{name: "avail", setup: func(f *fakeBackend) { f.removed["manual"] = true }, args: []string{"avail"},
			want: "exiter                           in use    auto      999:999\nmanual                           avail     manual    999:999\nmulti:multi_00                   in use    auto      999:999\nmulti:multi_01                   in use    auto      999:999\nquick                            in use    auto      999:999\nsleeper                          in use    auto      999:999\n"},
		{name: "avail args", args: []string{"avail", "x"}, want: "Error: avail accepts no arguments\navail\t\t\tDisplay all configured processes\n", code: 1},
		{name: "reread none", args: []string{"reread"}, want: "No config updates to processes\n"},
		{name: "reread", setup: reloadDiff, args: []string{"reread"}, want: "exiter: disappeared\nmulti: changed\nnewgrp: available\n"},
		{name: "reread error", setup: func(f *fakeBackend) { f.reload.err = program.NewFault(program.FaultCantReread, "bad config") },
			args: []string{"reread"}, want: "ERROR: CANT_REREAD: bad config\n", code: 1},
		{name: "update", setup: reloadDiff, args: []string{"update"},
			want: "exiter: stopped\nexiter: removed process group\nmulti: stopped\nmulti: updated process group\nnewgrp: added process group\n"},
		{name: "update group", setup: reloadDiff, args: []string{"update", "newgrp", "nog"}, want: "ERROR: no such group: nog\nnewgrp: added process group\n", code: 1},
		{name: "add unknown", args: []string{"add", "nosuch"}, want: "ERROR: no such process/group: nosuch\n", code: 1},
		{name: "add active", args: []string{"add", "sleeper"}, want: "ERROR: process group already active\n"},
		{name: "remove running", args: []string{"remove", "sleeper"}, want: "ERROR: process/group still running: sleeper\n", code: 1},
		{name: "remove", args: []string{"remove", "manual"}, want: "manual: removed process group\n"},
		{name: "version", args: []string{"version"}, want: "4.2.5\n"},
		{name: "version args", args: []string{"version", "x"}, want: "Error: version accepts no arguments\nversion\t\t\tShow the version of the remote supervisord process\n", code: 1},
		{name: "shutdown", args: []string{"shutdown"}, want: "Shut down\n"},
		{name: "shutdown twice", setup: func(f *fakeBackend) { f.state = -1 }, args: []string{"shutdown"}, want: "ERROR: already shutting down\n"},
		{name: "status while shutting down", setup: func(f *fakeBackend) { f.state = -1 }, args: []string{"status"},
			want: "error: <class 'xmlrpc.client.Fault'>, <Fault 6: 'SHUTDOWN_STATE'>\n", code: 1},
		{name: "reload", args: []string{"reload"}, want: "Restarted supervisord\n"},
		{name: "help", args: []string{"help"}, want: ctlHelpList},
		{name: "help topic", args: []string{"help", "start"}, want: helpStart},
		{name: "help unknown", args: []string{"help", "nosuch"}, want: "*** No help on nosuch\n"},
		{name: "unknown command", args: []string{"foo"}, want: "*** Unknown syntax: foo\n", code: 1},
		{name: "quit", args: []string{"quit"}, want: "\n"},
		{name: "interactive", stdin: "version\nfoo\n\npid\n", want: statusTable() + "supervisor> 4.2.5\nsupervisor> *** Unknown syntax: foo\nsupervisor> supervisor> 4242\nsupervisor> \n"},
		{name: "interactive shutdown declined", stdin: "shutdown\nn\n", setup: func(f *fakeBackend) { f.procs = nil },
			want: "supervisor> Really shut the remote supervisord process down y/N? supervisor> \n"},
	}
}

// TestCtlInterop runs every case through the real supervisorctl (which
// must print the expectation, proving it is supervisorctl 4.2.5's
// behaviour) and through Ctl (which must print the same), each against a
// fresh fake supervisor behind our server.
func TestCtlInterop(t *testing.T) {
	real := haveRealCtl(t)
	for _, tc := range ctlCases() {
		t.Run(tc.name, func(t *testing.T) {
			run := func(kind string, runner func(*testing.T, string, string, ...string) (string, int)) {
				f := newFake()
				if tc.setup != nil {
					tc.setup(f)
				}
				srv, conf := testServer(t, f, "", "")
				want := strings.ReplaceAll(tc.want, "unix://SOCK", srv.ServerURL())
				got, code := runner(t, conf, tc.stdin, tc.args...)
				if got = normalize(got); got != want || code != tc.code {
					t.Errorf("%s %v:\ngot  (exit %d) %q\nwant (exit %d) %q", kind, tc.args, code, got, tc.code, want)
				}
			}
			if real {
				run("supervisorctl", runReal)
			}
			run("Ctl", runGo)
		})
	}
}

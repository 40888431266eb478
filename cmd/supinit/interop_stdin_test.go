package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// stdinConf has a program that echoes what it reads, one that never
// reads, and one that is not running.
const stdinConf = `
[program:echoer]
command=/bin/sh -c 'while read l; do echo "got:$l"; done'

[program:deaf]
command=/bin/sleep 1000

[program:idle]
command=/bin/sleep 1000
autostart=false
`

// realPython is the Python the Debian supervisor package runs on: its
// modules are importable there (another python3 on PATH may not see them).
const realPython = "/usr/bin/python3"

// sendStdinScript calls sendProcessStdin through supervisor's own Python
// client (the transport supervisorctl uses) and prints each answer.
const sendStdinScript = `
import sys, xmlrpc.client
from supervisor.xmlrpc import SupervisorTransport
proxy = xmlrpc.client.ServerProxy('http://127.0.0.1', transport=SupervisorTransport('', '', 'unix://' + sys.argv[1]))
for args in [('echoer', 'hello\n'), ('echoer', 'caf\u00e9\n'), ('deaf', 'x' * 100), ('idle', 'x'), ('nosuch', 'x'), ('echoer', 5)]:
    try:
        answer = proxy.supervisor.sendProcessStdin(*args)
    except xmlrpc.client.Fault as e:
        answer = 'fault %d %s' % (e.faultCode, e.faultString)
    print('%r -> %s' % (args, answer))
`

// TestInteropSendStdin: sendProcessStdin answers as supervisord does, and
// the data reaches the program.
func TestInteropSendStdin(t *testing.T) {
	if testing.Short() {
		t.Skip("the interop suite starts daemons")
	}
	if !needReal(t, realSupervisord) || !needReal(t, realPython) {
		return
	}
	results := map[string]string{}
	for _, daemon := range []string{"supervisord", "supinit"} {
		t.Run(daemon, func(t *testing.T) {
			dir := interopDir(t)
			conf := writeConf(t, dir, "supervisord.conf", strings.Replace(serverConf, "@AUTH@", "", 1)+stdinConf)
			startDaemon(t, daemon, conf)
			ctl := goClient(t)
			waitStates(t, ctl, conf, map[string]string{"echoer": "RUNNING", "deaf": "RUNNING"})
			out, err := exec.Command(realPython, "-c", sendStdinScript, filepath.Join(dir, "s.sock")).CombinedOutput()
			if err != nil {
				t.Fatalf("python client: %v\n%s", err, out)
			}
			// The answer comes before the program has read; its output
			// follows.
			deadline := time.Now().Add(10 * time.Second)
			tail, _ := ctl.run(t, conf, "tail", "echoer")
			for !strings.Contains(tail, "got:café") && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
				tail, _ = ctl.run(t, conf, "tail", "echoer")
			}
			results[daemon] = string(out) + "tail echoer:\n" + tail
		})
	}
	if !t.Failed() && results["supinit"] != results["supervisord"] {
		t.Errorf("supinit:\n%s\nsupervisord:\n%s", results["supinit"], results["supervisord"])
	}
}

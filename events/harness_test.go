package events

import (
	"strings"
	"testing"
)

// header is the envelope's first line without the server: and len:
// fields, which the tests check elsewhere: "serial:0 pool:p poolserial:0
// eventname:TICK_5".
func header(data []byte) string {
	line, _, _ := strings.Cut(string(data), "\n")
	var keep []string
	for _, f := range strings.Fields(line) {
		if !strings.HasPrefix(f, "ver:") && !strings.HasPrefix(f, "server:") && !strings.HasPrefix(f, "len:") {
			keep = append(keep, f)
		}
	}
	return strings.Join(keep, " ")
}

// summary renders actions compactly, one string each:
// "write l0 serial:0 pool:p poolserial:0 eventname:X", "restart l0",
// "print ...", "warn ...", "error ..."; debug logs are left out.
func summary(acts []Action) []string {
	var out []string
	for _, a := range acts {
		switch a.Kind {
		case ActionWrite:
			out = append(out, "write "+a.Process+" "+header(a.Data))
		case ActionRestart:
			out = append(out, "restart "+a.Process)
		case ActionPrint:
			out = append(out, "print "+string(a.Data))
		case ActionLog:
			switch a.Level {
			case LevelWarn:
				out = append(out, "warn "+a.Msg)
			case LevelError:
				out = append(out, "error "+a.Msg)
			}
		}
	}
	return out
}

// writesOnly keeps the write lines of a summary.
func writesOnly(lines []string) []string {
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, "write ") {
			out = append(out, l)
		}
	}
	return out
}

// mustPool adds a pool or fails the test.
func mustPool(t *testing.T, b *Bus, cfg PoolConfig) *Pool {
	t.Helper()
	p, err := b.AddPool(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// readyListeners spawns every listener of p, makes each write READY and
// reach RUNNING, and returns the actions that produced.
func readyListeners(p *Pool) []Action {
	var acts []Action
	for _, l := range p.listeners {
		acts = append(acts, p.OnSpawn(l.name)...)
		acts = append(acts, p.OnOutput(l.name, []byte("READY\n"))...)
		acts = append(acts, p.OnRunning(l.name)...)
	}
	return acts
}

// tickEvent is a cheap distinct event for buffer tests: TICK_5 when:n.
func tickEvent(n int64) Event { return Tick(5, n) }

// delivered plays a listener of p that answers OK to every event written
// in acts (and to the ones its answers bring), and returns each event as
// "NAME payload" in delivery order.
func delivered(p *Pool, acts []Action) []string {
	var out []string
	for len(acts) > 0 {
		a := acts[0]
		acts = acts[1:]
		if a.Kind != ActionWrite {
			continue
		}
		line, payload, _ := strings.Cut(string(a.Data), "\n")
		name := ""
		for _, f := range strings.Fields(line) {
			if v, ok := strings.CutPrefix(f, "eventname:"); ok {
				name = v
			}
		}
		out = append(out, name+" "+payload)
		acts = append(acts, p.OnOutput(a.Process, []byte("RESULT 2\nOKREADY\n"))...)
	}
	return out
}

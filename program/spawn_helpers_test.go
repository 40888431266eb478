package program

import (
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/reaper"
)

func newTestReaper(t *testing.T) *reaper.Reaper {
	t.Helper()
	r := reaper.New(reaper.Options{})
	t.Cleanup(r.Stop)
	return r
}

// shProgram is a program running sh -c script.
func shProgram(script string) *config.Program {
	return &config.Program{
		Name: "test", Group: "test",
		Command: "sh -c " + script,
		Argv:    []string{"sh", "-c", script},
		// The loaders' default: supinit's own server URL.
		Serverurl: "AUTO",
	}
}

// readAll reads f to EOF, failing the test after a deadline.
func readAll(t *testing.T, f *os.File) string {
	t.Helper()
	if f == nil {
		t.Fatal("readAll: no pipe")
	}
	if err := f.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatalf("cannot read the child's output: %v", err)
	}
	return string(b)
}

// waitExit waits for pid's exit from the reaper.
func waitExit(t *testing.T, r *reaper.Reaper, pid int) syscall.WaitStatus {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case e := <-r.Exits():
			if e.Pid == pid {
				return e.Status
			}
		case <-timeout:
			t.Fatalf("pid %d did not exit", pid)
		}
	}
}

// spawnOutput spawns p, and returns its stdout, stderr and exit code.
func spawnOutput(t *testing.T, p *config.Program, opts SpawnOptions) (stdout, stderr string, code int) {
	t.Helper()
	// One reaper at a time per process: two would steal each other's
	// children.
	r := reaper.New(reaper.Options{})
	defer r.Stop()
	proc, err := Spawn(r, p, opts)
	if err != nil {
		t.Fatalf("Spawn: %v", err)
	}
	if proc.Stderr != nil {
		errc := make(chan string, 1)
		go func() {
			b, _ := io.ReadAll(proc.Stderr)
			errc <- string(b)
		}()
		stdout = readAll(t, proc.Stdout)
		stderr = <-errc
		proc.Stderr.Close()
	} else {
		stdout = readAll(t, proc.Stdout)
	}
	proc.Stdout.Close()
	return stdout, stderr, reaper.ExitCode(waitExit(t, r, proc.Pid))
}

// statusField is a line of /proc/<pid>/status, e.g. "Uid".
func statusField(t *testing.T, pid int, name string) string {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			return strings.Join(strings.Fields(v), " ")
		}
	}
	t.Fatalf("no %s in /proc/%d/status", name, pid)
	return ""
}

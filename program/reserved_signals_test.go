//go:build linux && (amd64 || arm64)

package program

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/reaper"
)

// reservedHelperEnv makes TestReservedSignalsDoNotKill's re-run of the
// test binary send itself the reserved signals.
const reservedHelperEnv = "SUPINIT_RESERVED_SIGNALS_HELPER"

// TestReservedSignalsDoNotKill: 32 and 34 sent to supinit (here, a copy
// of the test binary that calls GuardReservedSignals as main does) leave
// it alive. Without the handler the copy dies of the first one.
func TestReservedSignalsDoNotKill(t *testing.T) {
	if os.Getenv(reservedHelperEnv) == "1" {
		GuardReservedSignals()
		for _, sig := range []syscall.Signal{32, 34} {
			// A signal a process sends itself is handled before kill
			// returns: if it were fatal, nothing after this would run.
			if err := syscall.Kill(os.Getpid(), sig); err != nil {
				t.Fatal(err)
			}
		}
		os.Stdout.WriteString("survived\n")
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestReservedSignalsDoNotKill$", "-test.v")
	cmd.Env = append(os.Environ(), reservedHelperEnv+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "survived") {
		t.Fatalf("the process sent 32 and 34 to itself: %v; output:\n%s", err, out)
	}
}

// TestReservedSignalsDefaultInPrograms: a program starts with 32 and 34
// at their default, so 34 (glibc's SIGRTMIN) kills it, as it would
// outside supinit. An ignore set in supinit would have been inherited.
func TestReservedSignalsDefaultInPrograms(t *testing.T) {
	r := newTestReaper(t)
	proc, err := Spawn(r, &config.Program{Name: "x", Group: "x", Argv: []string{"sleep", "30"}}, SpawnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	proc.Stdout.Close()
	proc.Stderr.Close()
	// A fatal signal ends the process as it is sent, so the SIGKILL
	// after it changes nothing; only if 34 were ignored would SIGKILL be
	// what kills it.
	for _, sig := range []syscall.Signal{34, syscall.SIGKILL} {
		if err := SendSignal(proc.Pid, sig, false); err != nil {
			t.Fatal(err)
		}
	}
	if ws := waitExit(t, r, proc.Pid); !ws.Signaled() || ws.Signal() != 34 {
		t.Fatalf("the program was %s, want terminated by signal 34", reaper.Describe(ws))
	}
}

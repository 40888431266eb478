package supervisor

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/internal/pid1test"
)

// The end-to-end tests run the supervisor as PID 1 of a new PID
// namespace, in a re-executed copy of this test binary
// (TestSupervisorPID1Child), with its stdout and stderr on pipes, as
// `docker run` starts a container's init. The config travels as a JSON
// file of the config model, so these tests do not depend on a loader.
const (
	e2eConfigEnv = "SUPINIT_E2E_CONFIG"
	e2eGraceEnv  = "SUPINIT_E2E_GRACE"
	e2eMainEnv   = "SUPINIT_E2E_MAIN"
)

// TestSupervisorPID1Child is the PID-1 half of the end-to-end tests.
func TestSupervisorPID1Child(t *testing.T) {
	path := os.Getenv(e2eConfigEnv)
	if path == "" {
		t.Skip("only runs re-executed by the end-to-end tests")
	}
	pid1test.Enter(t)
	cfg, err := loadJSON(path, config.LoadOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(99)
	}
	opts := Options{ConfigPath: path, Load: loadJSON, Prefix: true}
	if g := os.Getenv(e2eGraceEnv); g != "" {
		opts.ShutdownGrace, _ = time.ParseDuration(g)
	}
	if m := os.Getenv(e2eMainEnv); m != "" {
		opts.Main = []string{"/bin/sh", "-c", m}
	}
	os.Exit(Run(cfg, opts))
}

func loadJSON(path string, _ config.LoadOptions) (*config.Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var cfg config.Config
	if err := json.Unmarshal(b, &cfg); err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	return &cfg, nil
}

// shProgram is a program running script with /bin/sh, its output on the
// container's streams.
func shProgram(name, script string, edits ...func(p *config.Program)) *config.Program {
	p := &config.Program{
		Kind: config.KindProgram, Section: "program:" + name, ProgramName: name,
		Group: name, Name: name, Numprocs: 1,
		Command: script, Argv: []string{"/bin/sh", "-c", script},
		Priority: 999, GroupPriority: 999, Autostart: true,
		Autorestart: config.AutorestartUnexpected, Startsecs: 0, Startretries: 3,
		Exitcodes: []int{0}, Stopsignal: syscall.SIGTERM, Stopwaitsecs: 10 * time.Second,
		Stdout: config.LogConfig{Logfile: "/dev/stdout"}, Stderr: config.LogConfig{Logfile: "/dev/stderr"},
		Serverurl: "AUTO",
	}
	for _, e := range edits {
		e(p)
	}
	return p
}

// makeConfig builds a config of progs, one homogeneous group per group
// name, sorted as the model is.
func makeConfig(dir string, progs ...*config.Program) *config.Config {
	cfg := &config.Config{Format: "ini", Supervisord: config.Supervisord{
		Loglevel: "info", Identifier: "supervisor", Childlogdir: dir, Nodaemon: true,
	}}
	groups := map[string]*config.Group{}
	for _, p := range progs {
		g := groups[p.Group]
		if g == nil {
			g = &config.Group{Name: p.Group, Kind: config.KindProgram, Priority: p.GroupPriority}
			groups[p.Group] = g
			cfg.Groups = append(cfg.Groups, g)
		}
		g.Processes = append(g.Processes, p.Name)
	}
	cfg.Programs = slices.Clone(progs)
	slices.SortFunc(cfg.Programs, func(a, b *config.Program) int {
		return strings.Compare(a.Group+"\x00"+a.Name, b.Group+"\x00"+b.Name)
	})
	slices.SortFunc(cfg.Groups, func(a, b *config.Group) int {
		if a.Priority != b.Priority {
			return a.Priority - b.Priority
		}
		return strings.Compare(a.Name, b.Name)
	})
	return cfg
}

func writeJSON(t *testing.T, path string, cfg *config.Config) {
	t.Helper()
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Write and rename, so a reread never sees half a file.
	if err := os.WriteFile(path+".tmp", b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(path+".tmp", path); err != nil {
		t.Fatal(err)
	}
}

// container is a supervisor running as PID 1, seen from outside.
type container struct {
	t       *testing.T
	cmd     *exec.Cmd
	cfgPath string

	mu     sync.Mutex
	lines  []string // stdout and stderr lines, as they arrived
	grew   chan struct{}
	exited chan struct{}
	code   int
}

// startContainer runs cfg under a supervisor as PID 1.
func startContainer(t *testing.T, cfg *config.Config, env ...string) *container {
	t.Helper()
	pid1test.RequireRoot(t)
	c := &container{t: t, cfgPath: filepath.Join(cfg.Supervisord.Childlogdir, "config.json"),
		grew: make(chan struct{}, 1), exited: make(chan struct{})}
	writeJSON(t, c.cfgPath, cfg)
	c.cmd = exec.Command(os.Args[0], "-test.run=^TestSupervisorPID1Child$")
	c.cmd.Env = append(append(os.Environ(), e2eConfigEnv+"="+c.cfgPath), env...)
	stdout, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := c.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	pid1test.Start(t, c.cmd)
	var readers sync.WaitGroup
	for _, r := range []io.Reader{stdout, stderr} {
		readers.Add(1)
		go func() {
			defer readers.Done()
			sc := bufio.NewScanner(r)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			for sc.Scan() {
				c.add(sc.Text())
			}
		}()
	}
	go func() {
		readers.Wait() // Wait must not close the pipes before they are read
		err := c.cmd.Wait()
		c.code = 0
		if ee, ok := err.(*exec.ExitError); ok {
			ws := ee.Sys().(syscall.WaitStatus)
			c.code = ws.ExitStatus()
			if ws.Signaled() {
				c.code = 128 + int(ws.Signal())
			}
		}
		close(c.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-c.exited:
		default:
			c.cmd.Process.Kill()
			<-c.exited
		}
		if t.Failed() {
			t.Logf("container output:\n%s", strings.Join(c.snapshot(), "\n"))
		}
	})
	return c
}

func (c *container) add(line string) {
	c.mu.Lock()
	c.lines = append(c.lines, line)
	c.mu.Unlock()
	select {
	case c.grew <- struct{}{}:
	default:
	}
}

func (c *container) snapshot() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.lines)
}

// count is the number of lines matching re so far.
func (c *container) count(re *regexp.Regexp) int {
	n := 0
	for _, l := range c.snapshot() {
		if re.MatchString(l) {
			n++
		}
	}
	return n
}

// waitLines waits until n lines match pattern (a regexp) and returns
// them; the test fails at the deadline.
func (c *container) waitLines(pattern string, n int, timeout time.Duration) []string {
	c.t.Helper()
	re := regexp.MustCompile(pattern)
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		var got []string
		for _, l := range c.snapshot() {
			if re.MatchString(l) {
				got = append(got, l)
			}
		}
		if len(got) >= n {
			return got
		}
		select {
		case <-c.grew:
		case <-c.exited:
			// One last look: the lines may have come with the exit.
			if c.count(re) >= n {
				continue
			}
			c.t.Fatalf("the container exited (code %d) before %d lines matched %q (got %d)", c.code, n, pattern, len(got))
		case <-deadline.C:
			c.t.Fatalf("timed out after %v waiting for %d lines matching %q (got %d)", timeout, n, pattern, len(got))
		}
	}
}

func (c *container) waitLine(pattern string, timeout time.Duration) string {
	c.t.Helper()
	return c.waitLines(pattern, 1, timeout)[0]
}

func (c *container) signal(sig syscall.Signal) {
	c.t.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil {
		c.t.Fatalf("cannot send %v to the container: %v", sig, err)
	}
}

// wait waits for the exit and returns the exit code.
func (c *container) wait(timeout time.Duration) int {
	c.t.Helper()
	select {
	case <-c.exited:
		return c.code
	case <-time.After(timeout):
		c.t.Fatalf("the container did not exit within %v", timeout)
	}
	return -1
}

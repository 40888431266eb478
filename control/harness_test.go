package control

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/supinit/supinit/config"
)

// realCtl is the real supervisorctl the interop tests compare against.
const realCtl = "/usr/bin/supervisorctl"

// shortDir makes a temp dir with a short path: unix socket paths are
// limited to 108 bytes, and t.TempDir() names can be long.
func shortDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ctl")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// testServer serves b on a unix socket in a fresh dir (with Basic auth
// when user is set) and returns the server and a client config file whose
// [supervisorctl] points at it.
func testServer(t *testing.T, b Backend, user, pass string) (*Server, string) {
	t.Helper()
	dir := shortDir(t)
	cfg := &config.Config{UnixHTTPServer: &config.UnixHTTPServer{File: filepath.Join(dir, "s.sock"), Chmod: 0o700, Username: user, Password: pass}}
	srv, err := NewServer(cfg, b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()
	t.Cleanup(func() {
		srv.Close()
		select {
		case err := <-served:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Serve did not return after Close")
		}
	})
	return srv, writeCtlConf(t, dir, srv.ServerURL())
}

func writeCtlConf(t *testing.T, dir, url string) string {
	t.Helper()
	path := filepath.Join(dir, "ctl.conf")
	if err := os.WriteFile(path, []byte("[supervisorctl]\nserverurl = "+url+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// haveRealCtl reports whether the real supervisorctl is here. Without it
// the interop half of a test is skipped loudly, and fails under CI.
func haveRealCtl(t *testing.T) bool {
	t.Helper()
	if _, err := os.Stat(realCtl); err == nil {
		return true
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing and CI is set: the interop tests must run", realCtl)
	}
	t.Logf("SKIPPING the real-supervisorctl half: %s is missing", realCtl)
	return false
}

// runReal runs the real supervisorctl; stdout and stderr are combined.
func runReal(t *testing.T, conf, stdin string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, realCtl, append([]string{"-c", conf}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8")
	out, err := cmd.CombinedOutput()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("supervisorctl %v: %v", args, err)
	}
	return string(out), code
}

// runGo runs Ctl in-process the same way.
func runGo(t *testing.T, conf, stdin string, args ...string) (string, int) {
	t.Helper()
	var out bytes.Buffer
	w := &lockedWriter{buf: &out}
	env := ctlEnv{stdin: strings.NewReader(stdin), stdout: w, stderr: w, progname: "supervisorctl", argv0: "/nonexistent/bin/x",
		interrupt: func() (context.Context, func()) { return context.WithCancel(context.Background()) }}
	code := runCtl(append([]string{"-c", conf}, args...), env)
	return w.String(), code
}

// pyTraceSuffix is the "file: ... line: N" supervisorctl appends to an
// uncaught exception; Ctl has no Python file to name.
var pyTraceSuffix = regexp.MustCompile(`: file: \S+ line: \d+$`)

// normalize removes what Ctl knowingly prints differently: the Python
// source position of an exception, and the second 401 error line that
// supervisorctl 4.2.5 prints because it retries the command once.
func normalize(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "error: <class 'xmlrpc.client.ProtocolError'>, <ProtocolError for 127.0.0.1/RPC2: 401") {
			continue
		}
		out = append(out, pyTraceSuffix.ReplaceAllString(l, ""))
	}
	return strings.Join(out, "\n")
}

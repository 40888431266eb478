package control

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCtlUsageErrors: command-line and config-file mistakes give
// supervisorctl's "Error: ...\nFor help, use ... -h" on stderr, exit 2.
func TestCtlUsageErrors(t *testing.T) {
	real := haveRealCtl(t)
	dir := shortDir(t)
	noSection := filepath.Join(dir, "nosection.conf")
	os.WriteFile(noSection, []byte("[supervisord]\nlogfile=/tmp/x\n"), 0o600)
	good := writeCtlConf(t, dir, "unix:///nonexistent.sock")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"-x", "status"}, "Error: option -x not recognized\n"},
		{[]string{"--bogus"}, "Error: option --bogus not recognized\n"},
		{[]string{"-c"}, "Error: option -c requires argument\n"},
		{[]string{"-c", good, "-s", "nourl", "status"}, "Error: invalid value for -s 'nourl': value 'nourl' is not a URL\n"},
		{[]string{"-c", good, "-s", "http://a:1", "--serverurl=http://b:1", "status"}, "Error: conflicting command line option '--serverurl'\n"},
		{[]string{"-c", noSection, "status"}, "Error: .ini file does not include supervisorctl section\n"},
		{[]string{"-c", filepath.Join(dir, "missing.conf"), "status"}, "Error: could not find config file " + filepath.Join(dir, "missing.conf") + "\n"},
	}
	for _, tc := range cases {
		want := tc.want + "For help, use " + realCtl + " -h\n"
		if real {
			cmd := exec.Command(realCtl, tc.args...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != 2 || stderr.String() != want {
				t.Errorf("supervisorctl %v: exit %d %v, stderr %q; want %q", tc.args, code, err, stderr.String(), want)
			}
		}
		var stdout, stderr bytes.Buffer
		env := ctlEnv{stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, progname: realCtl, argv0: "/x/bin/y",
			interrupt: func() (context.Context, func()) { return context.WithCancel(context.Background()) }}
		if code := runCtl(tc.args, env); code != 2 || stderr.String() != want || stdout.Len() != 0 {
			t.Errorf("Ctl %v: exit %d, stdout %q, stderr %q; want %q", tc.args, code, stdout.String(), stderr.String(), want)
		}
	}
}

func TestCtlConfig(t *testing.T) {
	dir := shortDir(t)
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, text string
		url, user  string
		prompt     string
		bad        bool
	}{
		{name: "defaults", text: "[supervisorctl]\n", url: defaultServerURL, prompt: "supervisor"},
		{name: "here and env", text: "[supervisorctl]\nserverurl = unix://%(here)s/../x/./s.sock ; comment\nusername=%(ENV_CTLUSER)s\nprompt: mine\n",
			url: "unix://" + filepath.Join(filepath.Dir(dir), "x", "s.sock"), user: "alice", prompt: "mine"},
		{name: "unix server fallback", text: "[unix_http_server]\nfile=/run/s.sock\n[supervisorctl]\n", url: "unix:///run/s.sock", prompt: "supervisor"},
		{name: "inet server fallback", text: "[inet_http_server]\nport=*:9011\n[supervisorctl]\n", url: "http://localhost:9011", prompt: "supervisor"},
		{name: "bad expansion", text: "[supervisorctl]\nserverurl=%(nope)s\n", bad: true},
		{name: "no section header", text: "serverurl=x\n", bad: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := write(strings.ReplaceAll(tc.name, " ", "_")+".conf", tc.text)
			o, _, err := parseCtlArgs([]string{"-c", path, "status"}, ctlEnv{environ: []string{"CTLUSER=alice"}})
			if tc.bad {
				if err == nil {
					t.Errorf("accepted: %+v", o)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			user := ""
			if o.username != nil {
				user = *o.username
			}
			if o.serverURL != tc.url || user != tc.user || o.prompt != tc.prompt {
				t.Errorf("got url %q user %q prompt %q", o.serverURL, user, o.prompt)
			}
		})
	}
}

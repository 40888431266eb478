package config

import (
	"encoding/json"
	"os"
	"os/user"
	"strconv"
	"strings"
	"testing"
)

// The differential test compares two things with the real supervisord:
// the stable `check --json` document (Config.JSON), and the "extra"
// object below, which holds every option that contract leaves out. The
// script testdata/supervisord_json.py prints the same object under the
// key "extra" (its extra()); both sides normalise the same way:
//
//   - a Python callable (result_handler, rpcinterface factory) is
//     "module:qualname", as supinit keeps the entry point;
//   - a user[:group] (socket_owner, chown) is [uid, gid], gid -1 when
//     only a user is given;
//   - an unset username, password or history_file is "";
//   - serverurl unset or AUTO is "AUTO".
type extraJSON struct {
	// Processes is keyed by "group:name".
	Processes      map[string]extraProcess `json:"processes"`
	UnixHTTPServer *extraUnixServer        `json:"unix_http_server"`
	InetHTTPServer *extraInetServer        `json:"inet_http_server"`
	// Supervisorctl is the [supervisorctl] section as supervisorctl reads
	// it: an object, null when there is none, or "rejected" when
	// supervisorctl would stop on it (supinit warns).
	Supervisorctl any `json:"supervisorctl"`
	// RPCInterfaces maps each [rpcinterface:x] name to its factory.
	RPCInterfaces map[string]string `json:"rpcinterfaces"`
}

type extraProcess struct {
	Kind                  string `json:"kind"` // program, eventlistener or fcgi-program
	Serverurl             string `json:"serverurl"`
	StdoutCaptureMaxbytes int64  `json:"stdout_capture_maxbytes"`
	StdoutEventsEnabled   bool   `json:"stdout_events_enabled"`
	StdoutSyslog          bool   `json:"stdout_syslog"`
	StderrCaptureMaxbytes int64  `json:"stderr_capture_maxbytes"`
	StderrEventsEnabled   bool   `json:"stderr_events_enabled"`
	StderrSyslog          bool   `json:"stderr_syslog"`

	// [eventlistener:x] only (events and buffer_size are in the contract).
	ResultHandler string `json:"result_handler,omitempty"`

	// [fcgi-program:x] only. Backlog is null when unset; owner and mode
	// are null for a TCP socket.
	Socket        string `json:"socket,omitempty"`
	SocketBacklog *int   `json:"socket_backlog,omitempty"`
	SocketOwner   []int  `json:"socket_owner,omitempty"`
	SocketMode    *int   `json:"socket_mode,omitempty"`
}

type extraUnixServer struct {
	File     string `json:"file"`
	Chmod    int    `json:"chmod"`
	Chown    []int  `json:"chown"` // [-1, -1] when unset
	Username string `json:"username"`
	Password string `json:"password"`
}

type extraInetServer struct {
	Host     string `json:"host"` // "" for all interfaces
	Port     int    `json:"port"`
	Username string `json:"username"`
	Password string `json:"password"`
}

type extraSupervisorctl struct {
	Serverurl   string `json:"serverurl"`
	Username    string `json:"username"`
	Password    string `json:"password"`
	Prompt      string `json:"prompt"`
	HistoryFile string `json:"history_file"`
}

// extraOf renders c's extra object, decoded into plain maps so that it
// compares with the script's output.
func extraOf(t *testing.T, c *Config) map[string]any {
	t.Helper()
	out := extraJSON{Processes: map[string]extraProcess{}, RPCInterfaces: map[string]string{}}
	for _, list := range [][]*Program{c.Programs, c.EventListeners} {
		for _, p := range list {
			out.Processes[p.Group+":"+p.Name] = extraProcessOf(t, p)
		}
	}
	if u := c.UnixHTTPServer; u != nil {
		out.UnixHTTPServer = &extraUnixServer{File: u.File, Chmod: u.Chmod, Chown: []int{-1, -1}, Username: u.Username, Password: u.Password}
		if u.Chown != "" {
			out.UnixHTTPServer.Chown = userGroupIDs(t, u.Chown)
		}
	}
	if s := c.InetHTTPServer; s != nil {
		out.InetHTTPServer = &extraInetServer{Host: s.Host, Port: s.Port, Username: s.Username, Password: s.Password}
	}
	out.Supervisorctl = extraSupervisorctlOf(c)
	for _, r := range c.RPCInterfaces {
		out.RPCInterfaces[r.Name] = r.Factory
	}
	data, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

func extraProcessOf(t *testing.T, p *Program) extraProcess {
	e := extraProcess{
		Kind: string(p.Kind), Serverurl: p.Serverurl,
		StdoutCaptureMaxbytes: p.Stdout.CaptureMaxbytes, StdoutEventsEnabled: p.Stdout.EventsEnabled, StdoutSyslog: p.Stdout.Syslog,
		StderrCaptureMaxbytes: p.Stderr.CaptureMaxbytes, StderrEventsEnabled: p.Stderr.EventsEnabled, StderrSyslog: p.Stderr.Syslog,
	}
	switch p.Kind {
	case KindEventListener:
		e.ResultHandler = p.ResultHandler
	case KindFCGIProgram:
		e.Socket = p.Socket
		if p.SocketBacklog != 0 {
			e.SocketBacklog = &p.SocketBacklog
		}
		if strings.HasPrefix(p.Socket, "unix://") {
			e.SocketMode = &p.SocketMode
			e.SocketOwner = socketOwnerIDs(t, p)
		}
	}
	return e
}

// socketOwnerIDs is the owner supervisord gives a Unix fcgi socket:
// socket_owner, else the program's user when that is not the user
// running the test (supervisord's own), else none.
func socketOwnerIDs(t *testing.T, p *Program) []int {
	if p.SocketOwner != "" {
		return userGroupIDs(t, p.SocketOwner)
	}
	if p.User == nil {
		return nil
	}
	u := lookupTestUser(t, *p.User)
	uid, _ := strconv.Atoi(u.Uid)
	if uid == os.Getuid() {
		return nil
	}
	gid, _ := strconv.Atoi(u.Gid)
	return []int{uid, gid}
}

// userGroupIDs resolves "user" or "user:group" (names or numbers) as
// supervisord's colon_separated_user_group does.
func userGroupIDs(t *testing.T, s string) []int {
	name, group, hasGroup := strings.Cut(s, ":")
	uid, _ := strconv.Atoi(lookupTestUser(t, name).Uid)
	gid := -1
	if hasGroup {
		g, err := user.LookupGroup(group)
		if n, numErr := pythonInt(group, 10); numErr == nil {
			g, err = user.LookupGroupId(strconv.Itoa(n))
		}
		if err != nil {
			t.Fatalf("group %q: %v", group, err)
		}
		gid, _ = strconv.Atoi(g.Gid)
	}
	return []int{uid, gid}
}

func lookupTestUser(t *testing.T, name string) *user.User {
	u, err := user.Lookup(name)
	if n, numErr := pythonInt(name, 10); numErr == nil {
		u, err = user.LookupId(strconv.Itoa(n))
	}
	if err != nil {
		t.Fatalf("user %q: %v", name, err)
	}
	return u
}

// extraSupervisorctlOf is "rejected" when loading warned that
// supervisorctl would stop on the section.
func extraSupervisorctlOf(c *Config) any {
	for _, w := range c.Warnings {
		if w.Section == "supervisorctl" && strings.HasPrefix(w.Message, "supervisorctl would stop") {
			return "rejected"
		}
	}
	s := c.Supervisorctl
	if s == nil {
		return nil
	}
	return extraSupervisorctl{Serverurl: s.Serverurl, Username: s.Username, Password: s.Password, Prompt: s.Prompt, HistoryFile: s.HistoryFile}
}

package config

import (
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// finish is the last step both loaders share, after they have filled
// Programs, EventListeners and Groups. The loaders append each group's
// processes in supervisord's order within the group (for a program
// section: by (priority, name); for [group:x]: the listed programs in
// order, each by (priority, name)). finish then:
//
//   - fills Group.Processes in that order and each process's
//     GroupPriority;
//   - sorts Programs and EventListeners by (Group, Name) and Groups by
//     (Priority, Name), as supervisord sorts its group configs;
//   - checks what does not depend on the format or the machine: every
//     process belongs to a known group, no two groups share a name
//     (supervisord would silently drop the second), and no two
//     processes of a group share a name (supervisord would silently keep
//     one);
//   - unless opts.Portable, checks this machine the way supervisord does
//     at start-up: every user= (program, [supervisord], fcgi
//     socket_owner, unix_http_server chown) exists ("Invalid user name
//     x"), the folder of every log file path and of the pid file exists,
//     and childlogdir and [supervisord] directory are folders.
func (c *Config) finish(opts LoadOptions) error {
	groups := map[string]*Group{}
	for _, g := range c.Groups {
		if prev, ok := groups[g.Name]; ok {
			return &Error{Pos: g.Pos, Section: sectionOfGroup(g), Msg: fmt.Sprintf(
				"group name %q is also used at %s (expected each program, fcgi-program, eventlistener and group name to be unique)", g.Name, posString(prev.Pos))}
		}
		groups[g.Name] = g
		g.Processes = nil
	}
	seen := map[string]*Program{}
	for _, list := range [][]*Program{c.Programs, c.EventListeners} {
		for _, p := range list {
			g, ok := groups[p.Group]
			if !ok {
				return &Error{Pos: p.Pos, Section: p.Section, Msg: fmt.Sprintf("process %q belongs to unknown group %q", p.Name, p.Group)}
			}
			key := p.Group + "\x00" + p.Name
			if prev, dup := seen[key]; dup {
				return &Error{Pos: p.Pos, Section: p.Section, Option: "process_name", Msg: fmt.Sprintf(
					"process name %q is used twice in group %q (also by [%s] at %s); supervisord would keep only one (expected unique process names within a group)",
					p.Name, p.Group, prev.Section, posString(prev.Pos))}
			}
			seen[key] = p
			g.Processes = append(g.Processes, p.Name)
			p.GroupPriority = g.Priority
		}
	}
	byGroupName := func(ps []*Program) {
		sort.SliceStable(ps, func(i, j int) bool {
			if ps[i].Group != ps[j].Group {
				return ps[i].Group < ps[j].Group
			}
			return ps[i].Name < ps[j].Name
		})
	}
	byGroupName(c.Programs)
	byGroupName(c.EventListeners)
	sort.SliceStable(c.Groups, func(i, j int) bool {
		if c.Groups[i].Priority != c.Groups[j].Priority {
			return c.Groups[i].Priority < c.Groups[j].Priority
		}
		return c.Groups[i].Name < c.Groups[j].Name
	})
	if opts.Portable {
		return nil
	}
	return c.checkMachine()
}

func sectionOfGroup(g *Group) string {
	switch {
	case g.Heterogeneous:
		return "group:" + g.Name
	case g.Kind == KindEventListener:
		return "eventlistener:" + g.Name
	case g.Kind == KindFCGIProgram:
		return "fcgi-program:" + g.Name
	}
	return "program:" + g.Name
}

func posString(p Position) string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.File
}

// optPos is where an option was set, else the section.
func optPos(m map[string]Position, key string, def Position) Position {
	if p, ok := m[key]; ok {
		return p
	}
	return def
}

// checkMachine is the part of finish that looks at this machine.
func (c *Config) checkMachine() error {
	s := &c.Supervisord
	fail := func(pos Position, section, option, msg string) error {
		return &Error{Pos: pos, Section: section, Option: option, Msg: msg}
	}
	if s.Directory != "" && !isDir(s.Directory) {
		return fail(optPos(s.OptPos, "directory", s.Pos), "supervisord", "directory", s.Directory+" is not an existing directory")
	}
	if s.User != "" {
		if err := lookupUser(s.User); err != nil {
			return fail(optPos(s.OptPos, "user", s.Pos), "supervisord", "user", err.Error())
		}
	}
	for _, f := range []struct{ key, path string }{{"logfile", s.Logfile}, {"pidfile", s.Pidfile}} {
		if f.path != "syslog" && !dirOfExists(f.path) {
			return fail(optPos(s.OptPos, f.key, s.Pos), "supervisord", f.key, "The directory named as part of the path "+f.path+" does not exist")
		}
	}
	if s.Childlogdir != "" && !isDir(s.Childlogdir) {
		return fail(optPos(s.OptPos, "childlogdir", s.Pos), "supervisord", "childlogdir", s.Childlogdir+" is not an existing directory")
	}
	for _, list := range [][]*Program{c.Programs, c.EventListeners} {
		for _, p := range list {
			if p.User != nil {
				if err := lookupUser(*p.User); err != nil {
					return fail(optPos(p.OptPos, "user", p.Pos), p.Section, "user", err.Error())
				}
			}
			if p.SocketOwner != "" {
				if err := lookupUserGroup(p.SocketOwner); err != nil {
					return fail(optPos(p.OptPos, "socket_owner", p.Pos), p.Section, "socket_owner", "Invalid socket_owner value "+p.SocketOwner+": "+err.Error())
				}
			}
			for _, ch := range []struct {
				key string
				lc  LogConfig
			}{{"stdout_logfile", p.Stdout}, {"stderr_logfile", p.Stderr}} {
				switch ch.lc.Logfile {
				case LogAuto, LogNone, LogSyslog:
					continue
				}
				if !dirOfExists(ch.lc.Logfile) {
					return fail(optPos(p.OptPos, ch.key, p.Pos), p.Section, ch.key, "The directory named as part of the path "+ch.lc.Logfile+" does not exist")
				}
			}
		}
	}
	if u := c.UnixHTTPServer; u != nil && u.Chown != "" {
		if err := lookupUserGroup(u.Chown); err != nil {
			return fail(u.Pos, "unix_http_server", "chown", "Invalid sockchown value "+u.Chown+": "+err.Error())
		}
	}
	return nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// dirOfExists is existing_dirpath: a path without a folder part is fine.
func dirOfExists(p string) bool {
	dir := filepath.Dir(p)
	if !strings.Contains(p, "/") {
		return true
	}
	return isDir(dir)
}

// lookupUser is supervisord's name_to_uid: a number must be a known uid,
// a name a known user.
func lookupUser(name string) error {
	if _, err := pythonInt(name, 10); err == nil {
		n, _ := pythonInt(name, 10)
		if _, err := user.LookupId(strconv.Itoa(n)); err != nil {
			return fmt.Errorf("Invalid user id %s", name)
		}
		return nil
	}
	if _, err := user.Lookup(name); err != nil {
		return fmt.Errorf("Invalid user name %s", name)
	}
	return nil
}

func lookupUserGroup(s string) error {
	u, g, hasGroup := strings.Cut(s, ":")
	if err := lookupUser(u); err != nil {
		return err
	}
	if !hasGroup {
		return nil
	}
	if n, err := pythonInt(g, 10); err == nil {
		if _, err := user.LookupGroupId(strconv.Itoa(n)); err != nil {
			return fmt.Errorf("Invalid group id %s", g)
		}
		return nil
	}
	if _, err := user.LookupGroup(g); err != nil {
		return fmt.Errorf("Invalid group name %s", g)
	}
	return nil
}

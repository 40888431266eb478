package config

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// tomlUnit is the processes one program-like section made in one group:
// they become one TOML table again.
type tomlUnit struct {
	procs []*Program // by ProcessNum
}

func (u *tomlUnit) first() *Program { return u.procs[0] }

// units gathers processes back into their sections, in model order.
func units(procs []*Program) []*tomlUnit {
	var out []*tomlUnit
	byKey := map[string]*tomlUnit{}
	for _, p := range procs {
		key := string(p.Kind) + "\x00" + p.Section + "\x00" + p.Group
		u := byKey[key]
		if u == nil {
			u = &tomlUnit{}
			byKey[key] = u
			out = append(out, u)
		}
		u.procs = append(u.procs, p)
	}
	for _, u := range out {
		slices.SortFunc(u.procs, func(a, b *Program) int { return a.ProcessNum - b.ProcessNum })
	}
	return out
}

// programs writes every program-like table and [group.x].
func (w *tomlWriter) programs(c *Config) error {
	hetero := map[string]*Group{}
	for _, g := range c.Groups {
		if g.Heterogeneous {
			hetero[g.Name] = g
		}
	}
	written := map[string]bool{} // homogeneous groups that got a table
	for _, u := range units(slices.Concat(c.Programs, c.EventListeners)) {
		p := u.first()
		table := map[Kind]string{KindProgram: "program", KindFCGIProgram: "fcgi-program", KindEventListener: "eventlistener"}[p.Kind]
		w.table(table, p.ProgramName)
		if err := w.unit(u, hetero[p.Group] != nil); err != nil {
			return fmt.Errorf("cannot convert [%s]: %w", p.Section, err)
		}
		written[p.Group] = true
	}
	for _, g := range c.Groups {
		switch {
		case g.Heterogeneous:
			w.table("group", g.Name)
			w.kv("programs", w.texts(groupMembers(c, g.Name)))
			if g.Priority != defaultPriority {
				w.kv("priority", strconv.Itoa(g.Priority))
			}
		case !written[g.Name] && g.Kind == KindProgram:
			// numprocs = 0: a group with no processes.
			w.table("program", g.Name)
			w.kv("numprocs", "0")
			if g.Priority != defaultPriority {
				w.kv("priority", strconv.Itoa(g.Priority))
			}
		case !written[g.Name]:
			return fmt.Errorf("cannot convert the empty %s group %q (numprocs = 0)", g.Kind, g.Name)
		}
	}
	return nil
}

// groupMembers lists the program names of a [group:x] in the order its
// processes run.
func groupMembers(c *Config, group string) []string {
	var names []string
	for _, procName := range findGroup(c, group).Processes {
		for _, p := range c.Programs {
			if p.Group == group && p.Name == procName && !slices.Contains(names, p.ProgramName) {
				names = append(names, p.ProgramName)
			}
		}
	}
	return names
}

func findGroup(c *Config, name string) *Group {
	for _, g := range c.Groups {
		if g.Name == name {
			return g
		}
	}
	return &Group{}
}

// unit writes the options of one table. inGroup says the program is a
// member of a [group.x], whose priority is not the program's.
func (w *tomlWriter) unit(u *tomlUnit, inGroup bool) error {
	p := u.first()
	for _, q := range u.procs[1:] {
		if !sameShared(p, q) {
			return fmt.Errorf("its processes differ in options that do not depend on process_num")
		}
	}
	nums := make([]int, len(u.procs))
	for i, q := range u.procs {
		nums[i] = q.ProcessNum
	}
	tmpl := func(get func(*Program) string) (string, error) {
		values := make([]string, len(u.procs))
		for i, q := range u.procs {
			values[i] = get(q)
		}
		t, ok := numTemplate(values, nums)
		if !ok {
			return "", fmt.Errorf("cannot express %q and the other processes' values with %%(process_num)", values[0])
		}
		return t, nil
	}
	if err := w.command(u, tmpl); err != nil {
		return err
	}
	w.processName(u, tmpl)
	if len(u.procs) != 1 {
		w.kv("numprocs", strconv.Itoa(len(u.procs)))
	}
	if nums[0] != 0 {
		w.kv("numprocs_start", strconv.Itoa(nums[0]))
	}
	if err := w.priority(p, inGroup); err != nil {
		return err
	}
	w.shared(p)
	return w.perProcess(u, tmpl)
}

// processName writes process_name unless it is the default. Both forms
// check the template, not the expanded name, so a name such as "/root"
// (from %(ENV_HOME)s) cannot be written literally: then the template as
// written goes out, and loads to the same names in the same environment
// (a %(here)s in it names the TOML file's folder). The template is also
// the way out when the names differ in more than the process number.
func (w *tomlWriter) processName(u *tomlUnit, tmpl func(func(*Program) string) (string, error)) {
	p := u.first()
	name, err := tmpl(func(q *Program) string { return q.Name })
	if _, invalid := parseName(name); err != nil || invalid != nil {
		name = p.nameTemplate
	}
	if len(u.procs) != 1 || p.Name != p.ProgramName {
		w.kv("process_name", w.quote(name))
	}
}

// priority writes priority; a homogeneous group takes the program's.
func (w *tomlWriter) priority(p *Program, inGroup bool) error {
	groupDefault := defaultPriority
	if p.Kind == KindEventListener {
		groupDefault = defaultListenerPriority
	}
	switch {
	case inGroup || p.Priority == p.GroupPriority:
		if p.Priority != defaultPriority || (!inGroup && p.GroupPriority != groupDefault) {
			w.kv("priority", strconv.Itoa(p.Priority))
		}
	case p.Priority != defaultPriority || p.GroupPriority != groupDefault:
		return fmt.Errorf("its priority %d differs from its group's %d", p.Priority, p.GroupPriority)
	}
	return nil
}

// command writes command as an array when that gives the same command
// string back, else as the string.
func (w *tomlWriter) command(u *tomlUnit, tmpl func(func(*Program) string) (string, error)) error {
	p := u.first()
	asArray := true
	for _, q := range u.procs {
		asArray = asArray && len(q.Argv) == len(p.Argv) && shellJoin(q.Argv) == q.Command
	}
	if asArray {
		words := make([]string, len(p.Argv))
		for i := range p.Argv {
			t, err := tmpl(func(q *Program) string { return q.Argv[i] })
			if err != nil {
				asArray = false
				break
			}
			words[i] = w.quote(t)
		}
		if asArray {
			w.kv("command", "["+strings.Join(words, ", ")+"]")
			return nil
		}
	}
	t, err := tmpl(func(q *Program) string { return q.Command })
	if err != nil {
		return err
	}
	w.kv("command", w.quote(t))
	return nil
}

// shared writes the options every process of a section has in common.
func (w *tomlWriter) shared(p *Program) {
	opt := func(differs bool, key, value string) {
		if differs {
			w.kv(key, value)
		}
	}
	opt(!p.Autostart, "autostart", "false")
	switch p.Autorestart {
	case AutorestartTrue:
		w.kv("autorestart", "true")
	case AutorestartFalse:
		w.kv("autorestart", "false")
	}
	opt(p.Startsecs != time.Second, "startsecs", seconds(p.Startsecs))
	opt(p.Startretries != 3, "startretries", strconv.Itoa(p.Startretries))
	if !slices.Equal(p.Exitcodes, []int{0}) {
		codes := make([]string, len(p.Exitcodes))
		for i, c := range p.Exitcodes {
			codes[i] = strconv.Itoa(c)
		}
		w.kv("exitcodes", "["+strings.Join(codes, ", ")+"]")
	}
	opt(p.Stopsignal != syscall.SIGTERM, "stopsignal", w.quote(SignalName(p.Stopsignal)))
	opt(p.Stopwaitsecs != 10*time.Second, "stopwaitsecs", seconds(p.Stopwaitsecs))
	opt(p.Stopasgroup, "stopasgroup", "true")
	opt(p.Killasgroup != p.Stopasgroup, "killasgroup", strconv.FormatBool(p.Killasgroup))
	if p.User != nil {
		w.kv("user", w.text(*p.User))
	}
	if p.Umask != nil {
		w.kv("umask", octalLiteral(*p.Umask))
	}
	opt(p.RedirectStderr, "redirect_stderr", "true")
	opt(p.Serverurl != "AUTO", "serverurl", w.text(p.Serverurl))
	opt(p.Critical, "critical", "true")
	switch p.Kind {
	case KindEventListener:
		w.kv("events", w.texts(p.Events))
		opt(p.BufferSize != 10, "buffer_size", strconv.Itoa(p.BufferSize))
		opt(p.ResultHandler != defaultResultHandler, "result_handler", w.text(p.ResultHandler))
	case KindFCGIProgram:
		w.kv("socket", w.text(p.Socket))
		opt(p.SocketBacklog != 0, "socket_backlog", strconv.Itoa(p.SocketBacklog))
		opt(p.SocketOwner != "", "socket_owner", w.text(p.SocketOwner))
		opt(p.SocketMode != 0o700, "socket_mode", octalLiteral(p.SocketMode))
	}
}

// seconds renders a duration as a TOML number of seconds.
func seconds(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10)
	}
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

// perProcess writes the options whose values may differ by process_num.
func (w *tomlWriter) perProcess(u *tomlUnit, tmpl func(func(*Program) string) (string, error)) error {
	p := u.first()
	if p.Directory != nil {
		dir, err := tmpl(func(q *Program) string { return *q.Directory })
		if err != nil {
			return err
		}
		w.kv("directory", w.quote(dir))
	}
	for _, ch := range []struct {
		name string
		get  func(*Program) *LogConfig
	}{
		{"stdout", func(q *Program) *LogConfig { return &q.Stdout }},
		{"stderr", func(q *Program) *LogConfig { return &q.Stderr }},
	} {
		lc := ch.get(p)
		file, err := tmpl(func(q *Program) string { return ch.get(q).Logfile })
		if err != nil {
			return err
		}
		w.kv(ch.name+"_logfile", w.quote(file))
		if lc.Maxbytes != tomlDefaultMaxbytes(lc.Logfile) {
			w.kv(ch.name+"_logfile_maxbytes", strconv.FormatInt(lc.Maxbytes, 10))
		}
		if lc.Backups != 10 {
			w.kv(ch.name+"_logfile_backups", strconv.Itoa(lc.Backups))
		}
		if lc.CaptureMaxbytes != 0 {
			w.kv(ch.name+"_capture_maxbytes", strconv.FormatInt(lc.CaptureMaxbytes, 10))
		}
		if lc.EventsEnabled {
			w.kv(ch.name+"_events_enabled", "true")
		}
		if lc.Syslog {
			w.kv(ch.name+"_syslog", "true")
		}
	}
	if len(p.Environment) == 0 {
		return nil
	}
	env := map[string]string{}
	for k := range p.Environment {
		v, err := tmpl(func(q *Program) string { return q.Environment[k] })
		if err != nil {
			return err
		}
		env[k] = v
	}
	// The values are templates already: write them without doubling %.
	pairs := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		pairs = append(pairs, w.key(k)+" = "+w.quote(env[k]))
	}
	w.kv("environment", "{ "+strings.Join(pairs, ", ")+" }")
	return nil
}

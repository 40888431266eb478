package config

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// The TOML form sends a program's output to the container's streams by
// default, unlike supervisord's AUTO log files: in a container, output
// belongs on PID 1's stdout/stderr where `docker logs` finds it. A stream
// cannot be rotated, so maxbytes defaults to 0 for any /dev/ target and to
// supervisord's 50MB for a real file.
const (
	tomlDefaultStdoutLogfile = "/dev/stdout"
	tomlDefaultStderrLogfile = "/dev/stderr"
)

// tomlDefaultMaxbytes is the TOML form's default *_logfile_maxbytes for a
// channel logging to logfile.
func tomlDefaultMaxbytes(logfile string) int64 {
	if strings.HasPrefix(logfile, "/dev/") {
		return 0
	}
	return 50 << 20
}

// Defaults shared by both forms (supervisord's).
const (
	defaultPriority         = 999
	defaultListenerPriority = -1 // listener pools start first, stop last
)

// tomlProgramTables are the program-like tables, in the order they are read.
var tomlProgramTables = []struct {
	table   string
	kind    Kind
	options []string
}{
	{"program", KindProgram, tomlProgramOptions},
	{"fcgi-program", KindFCGIProgram, tomlFCGIOptions},
	{"eventlistener", KindEventListener, tomlEventListenerOptions},
}

// processes reads [group.x] and every program-like table into processes
// and groups, in supervisord's order: each group's processes are
// appended in the order supervisord runs them within the group (finish
// turns that into Group.Processes, then sorts).
func (r *tomlReader) processes(c *Config) error {
	inGroup := map[string]bool{}
	for _, s := range r.plural["group"] {
		if err := r.group(c, s, inGroup); err != nil {
			return err
		}
	}
	for _, t := range tomlProgramTables {
		for _, s := range r.plural[t.table] {
			if err := s.checkKeys(t.options); err != nil {
				return err
			}
			if inGroup[s.key[1]] {
				continue
			}
			// A homogeneous group of its own, named after the program.
			g := &Group{Name: s.key[1], Kind: t.kind, Pos: s.pos()}
			procs, err := r.program(s, t.kind, g)
			if err != nil {
				return err
			}
			if t.kind == KindEventListener {
				c.EventListeners = append(c.EventListeners, procs...)
			} else {
				c.Programs = append(c.Programs, procs...)
			}
			c.Groups = append(c.Groups, g)
		}
	}
	return nil
}

// group reads one [group.x] table and the processes of the programs it
// lists, in the listed order.
func (r *tomlReader) group(c *Config, s *tomlSection, inGroup map[string]bool) error {
	if err := s.checkKeys(tomlGroupOptions); err != nil {
		return err
	}
	name, err := parseName(s.key[1])
	if err != nil {
		return s.errorf("", err, "%v", err)
	}
	g := &Group{Name: name, Kind: KindProgram, Priority: defaultPriority, Heterogeneous: true, Pos: s.pos()}
	v := &tomlValues{s: s, names: r.names(filepath.Dir(s.file.path))}
	var programs []string
	if !v.list(&programs, "programs", listOfStrings) && v.err == nil {
		return s.errorf("", nil, "no programs option (expected programs = [\"a\", \"b\"])")
	}
	v.integer(&g.Priority, "priority")
	if v.err != nil {
		return v.err
	}
	c.Groups = append(c.Groups, g)
	for _, prog := range programs {
		member, err := r.member(s, prog)
		if err != nil {
			return err
		}
		if err := member.checkKeys(tomlProgramOptions); err != nil {
			return err
		}
		inGroup[prog] = true
		procs, err := r.program(member, KindProgram, g)
		if err != nil {
			return err
		}
		c.Programs = append(c.Programs, procs...)
	}
	return nil
}

// member finds the [program.NAME] a group lists.
func (r *tomlReader) member(s *tomlSection, name string) (*tomlSection, error) {
	for _, p := range r.plural["program"] {
		if p.key[1] == name {
			return p, nil
		}
	}
	for _, p := range r.plural["fcgi-program"] {
		if p.key[1] == name {
			// supervisord would run it as a plain program, without its
			// socket; say so rather than copy that surprise.
			return nil, s.errorf("programs", nil, "lists [%s], but an fcgi-program in a group runs without its socket (expected a [program.%s])", p.name(), name)
		}
	}
	return nil, s.errorf("programs", nil, "names unknown program %q (expected a [program.%s] table)", name, name)
}

// program turns one program-like table into its numprocs processes in
// group g. It follows supervisord's order: options that do not depend on
// the process number are read once, then each process reads its
// environment, and the options after it see the environment's keys as
// ENV_X.
func (r *tomlReader) program(s *tomlSection, kind Kind, g *Group) ([]*Program, error) {
	name, err := parseName(s.key[1])
	if err != nil {
		return nil, s.errorf("", err, "%v", err)
	}
	common := r.names(filepath.Dir(s.file.path))
	common["program_name"] = name
	common["group_name"] = g.Name
	base, numprocs, start, template, err := r.programBase(s, kind, name, g, common)
	if err != nil {
		return nil, err
	}
	procs := []*Program{}
	for num := start; num < start+numprocs; num++ {
		names := maps.Clone(common)
		names["process_num"] = num
		names["numprocs"] = numprocs
		p := *base
		p.ProcessNum, p.Numprocs = num, numprocs
		v := &tomlValues{s: s, names: names}
		v.environment(&p.Environment, "environment")
		for k, val := range p.Environment {
			names["ENV_"+k] = val
		}
		var dir string
		if v.str(&dir, "directory") {
			p.Directory = &dir
		}
		v.logConfig(&p.Stdout, "stdout", tomlDefaultStdoutLogfile, r.opts)
		v.logConfig(&p.Stderr, "stderr", tomlDefaultStderrLogfile, r.opts)
		if p.RedirectStderr {
			p.Stderr.Logfile = LogNone // never a stderr log when it goes to stdout
		}
		set, splitErr := v.command(&p)
		if !set && v.err == nil {
			return nil, s.errorf("", nil, "no command option (expected command = [\"/path/to/program\", \"arg\"])")
		}
		if num == start && v.err == nil { // once per table, as the INI form
			if msg := commandWarning(p.Argv, splitErr); msg != "" {
				s.warnf("command", "%s", msg)
			}
		}
		if p.Name, _ = v.expand("process_name", template); v.err != nil {
			return nil, v.err
		}
		procs = append(procs, &p)
	}
	// supervisord runs a section's processes by (priority, name); they
	// share the priority.
	slices.SortStableFunc(procs, func(a, b *Program) int { return strings.Compare(a.Name, b.Name) })
	return procs, nil
}

// programBase reads the options every process of a table shares, and
// returns them with numprocs, numprocs_start and the unexpanded
// process_name template.
func (r *tomlReader) programBase(s *tomlSection, kind Kind, name string, g *Group, names map[string]any) (*Program, int, int, string, error) {
	p := &Program{
		Kind: kind, Section: s.name(), ProgramName: name, Group: g.Name,
		Priority: defaultPriority, Autostart: true, Autorestart: AutorestartUnexpected,
		Startsecs: time.Second, Startretries: 3, Exitcodes: []int{0},
		Stopsignal: syscall.SIGTERM, Stopwaitsecs: 10 * time.Second,
		Environment: map[string]string{}, Serverurl: "AUTO", Pos: s.pos(), OptPos: s.optPositions(),
	}
	v := &tomlValues{s: s, names: names}
	prioritySet := v.integer(&p.Priority, "priority")
	switch {
	case g.Heterogeneous:
		p.GroupPriority = g.Priority
	case kind == KindEventListener && !prioritySet:
		p.GroupPriority = defaultListenerPriority
	default:
		p.GroupPriority = p.Priority
	}
	g.Priority = p.GroupPriority
	v.boolean(&p.Autostart, "autostart")
	v.autorestart(&p.Autorestart, "autorestart")
	v.duration(&p.Startsecs, "startsecs")
	v.integer(&p.Startretries, "startretries")
	v.signal(&p.Stopsignal, "stopsignal")
	v.duration(&p.Stopwaitsecs, "stopwaitsecs")
	v.boolean(&p.Stopasgroup, "stopasgroup")
	p.Killasgroup = p.Stopasgroup
	killSet := v.boolean(&p.Killasgroup, "killasgroup")
	v.exitcodes(&p.Exitcodes, "exitcodes")
	redirectSet := v.boolean(&p.RedirectStderr, "redirect_stderr")
	numprocs, start := 1, 0
	v.integer(&numprocs, "numprocs")
	v.integer(&start, "numprocs_start")
	var user string
	if v.textOrInt(&user, "user", "a user name or a numeric uid") {
		p.User = &user
	}
	var umask int
	if v.octal(&umask, "umask") {
		p.Umask = &umask
	}
	v.boolean(&p.Critical, "critical")
	// As in INI: AUTO in any case is supinit's own URL, "" none at all.
	if v.str(&p.Serverurl, "serverurl") && strings.EqualFold(pyStrip(p.Serverurl), "AUTO") {
		p.Serverurl = "AUTO"
	}
	template := "%(program_name)s"
	if x, ok := v.raw("process_name"); ok {
		if template, ok = x.(string); !ok {
			v.typeError("process_name", x, "a string")
		}
	}
	r.kindOptions(v, p)
	switch {
	case v.err != nil:
		return nil, 0, 0, "", v.err
	case p.Stopasgroup && killSet && !p.Killasgroup:
		return nil, 0, 0, "", s.errorf("killasgroup", nil, "cannot set stopasgroup=true and killasgroup=false")
	case kind == KindEventListener && redirectSet && p.RedirectStderr:
		return nil, 0, 0, "", s.errorf("redirect_stderr", nil, "an event listener cannot redirect stderr: its stdout carries the listener protocol")
	}
	// supervisord checks the template, stripped, not the expanded name.
	template, err := parseName(template)
	if err != nil {
		return nil, 0, 0, "", s.errorf("process_name", err, "%v", err)
	}
	p.nameTemplate = template
	if numprocs > maxNumprocs {
		return nil, 0, 0, "", s.errorf("numprocs", nil, "numprocs %d is more than supinit runs (at most %d)", numprocs, maxNumprocs)
	}
	if numprocs > 1 && !strings.Contains(template, "%(process_num)") {
		return nil, 0, 0, "", s.errorf("process_name", nil, "%%(process_num) must be present within process_name when numprocs > 1")
	}
	return p, numprocs, start, template, nil
}

// kindOptions reads the options only event listeners or fcgi programs have.
func (r *tomlReader) kindOptions(v *tomlValues, p *Program) {
	switch p.Kind {
	case KindEventListener:
		p.BufferSize, p.ResultHandler = 10, defaultResultHandler
		var events []string
		v.list(&events, "events", listOfStrings)
		if len(events) == 0 {
			v.setErr("events", "no events (expected events = [\"PROCESS_STATE\"] or other event types)")
		}
		for _, e := range events {
			e = strings.ToUpper(e)
			if !knownEvents[e] {
				v.setErr("events", "unknown event type %s", e)
			}
			if !slices.Contains(p.Events, e) {
				p.Events = append(p.Events, e)
			}
		}
		if v.integer(&p.BufferSize, "buffer_size") && p.BufferSize < 1 {
			v.setErr("buffer_size", "invalid buffer_size %d (expected 1 or more)", p.BufferSize)
		}
		if v.str(&p.ResultHandler, "result_handler") {
			if !entryPoint.MatchString(p.ResultHandler) {
				v.setErr("result_handler", "%s cannot be resolved (expected module:callable)", p.ResultHandler)
			} else if msg := resultHandlerWarning(p.ResultHandler); msg != "" {
				v.s.warnf("result_handler", "%s", msg)
			}
		}
		p.ResultHandler = entryPointName(p.ResultHandler)
	case KindFCGIProgram:
		p.SocketMode = 0o700
		if !v.str(&p.Socket, "socket") && v.err == nil {
			v.setErr("", "no socket option (expected unix:///path or tcp://host:port)")
		}
		if v.integer(&p.SocketBacklog, "socket_backlog") && (p.SocketBacklog < 1 || p.SocketBacklog > 65535) {
			v.setErr("socket_backlog", "invalid socket_backlog %d (expected 1 to 65535)", p.SocketBacklog)
		}
		ownerSet := v.str(&p.SocketOwner, "socket_owner")
		if ownerSet && checkUserGroupSyntax(p.SocketOwner) != nil {
			v.setErr("socket_owner", "invalid socket_owner %q (expected user or user:group)", p.SocketOwner)
		}
		modeSet := v.octal(&p.SocketMode, "socket_mode")
		if v.err == nil {
			socket, err := checkFCGISocket(p.Socket, ownerSet || modeSet, r.opts)
			if err != nil {
				v.setErr("socket", "%v", err)
			}
			p.Socket = socket
		}
	}
}

package config

import (
	"fmt"
	"strings"
)

// processGroups reads the program-like sections in supervisord's order:
// [group:x] (with the programs they list), then [program:x] not in a
// group, then [eventlistener:x], then [fcgi-program:x] not in a group.
// Processes are appended in supervisord's order within each group, which
// finish turns into Group.Processes.
func (l *iniLoader) processGroups() error {
	inGroup := map[string]bool{}
	for _, sec := range l.doc.sections {
		if strings.HasPrefix(sec.name, "group:") {
			if err := l.heterogeneousGroup(sec, inGroup); err != nil {
				return err
			}
		}
	}
	for _, sec := range l.doc.sections {
		if !strings.HasPrefix(sec.name, "program:") || inGroup[sec.name] {
			continue
		}
		if err := l.homogeneousGroup(sec, KindProgram, "999"); err != nil {
			return err
		}
	}
	for _, sec := range l.doc.sections {
		if strings.HasPrefix(sec.name, "eventlistener:") {
			if err := l.listenerPool(sec); err != nil {
				return err
			}
		}
	}
	for _, sec := range l.doc.sections {
		if !strings.HasPrefix(sec.name, "fcgi-program:") || inGroup[sec.name] {
			continue
		}
		if err := l.fcgiGroup(sec); err != nil {
			return err
		}
	}
	return nil
}

func afterColon(section string) string {
	_, name, _ := strings.Cut(section, ":")
	return name
}

func (l *iniLoader) heterogeneousGroup(sec *iniSection, inGroup map[string]bool) error {
	name, err := parseName(afterColon(sec.name))
	if err != nil {
		return l.wrapErr(sec, "", err)
	}
	g := getter{l: l, sec: sec, extra: map[string]any{"here": l.here}}
	programs, _, err := g.opt("programs")
	if err != nil {
		return err
	}
	priority, err := conv(g, "priority", "999", parseInt)
	if err != nil {
		return err
	}
	if _, ok := g.raw("programs"); !ok {
		l.warnAt(sec, "", "[%s] has no programs= line, so the group is empty", sec.name)
	}
	l.cfg.Groups = append(l.cfg.Groups, &Group{Name: name, Kind: KindProgram, Priority: priority, Heterogeneous: true, Pos: sec.pos})
	for _, prog := range listOfStrings(programs) {
		ps, fs := l.doc.section("program:"+prog), l.doc.section("fcgi-program:"+prog)
		switch {
		case ps == nil && fs == nil:
			return l.errAt(sec, "programs", "[%s] names unknown program or fcgi-program %s (expected a [program:%s] section)", sec.name, prog, prog)
		case ps != nil && fs != nil:
			return l.errAt(sec, "programs", "[%s] name %s is ambiguous (exists as program and fcgi-program)", sec.name, prog)
		case ps == nil:
			// supervisord runs an fcgi-program listed in a group as a
			// plain program: no socket is made for it.
			l.warnAt(sec, "programs", "[%s] is listed in [%s], so supervisord runs it as a plain program without its socket", fs.name, sec.name)
			ps = fs
		}
		inGroup[ps.name] = true
		procs, err := l.processes(ps, name, KindProgram)
		if err != nil {
			return err
		}
		l.cfg.Programs = append(l.cfg.Programs, procs...)
	}
	return nil
}

// listOfStrings is supervisord's list_of_strings: split on commas, each
// item stripped, an empty value gives no items.
func listOfStrings(s string) []string {
	if s == "" {
		return nil
	}
	items := strings.Split(s, ",")
	for i := range items {
		items[i] = pyStrip(items[i])
	}
	return items
}

func (l *iniLoader) homogeneousGroup(sec *iniSection, kind Kind, defPriority string) error {
	name, err := parseName(afterColon(sec.name))
	if err != nil {
		return l.wrapErr(sec, "", err)
	}
	g := getter{l: l, sec: sec, extra: map[string]any{"here": l.here}}
	priority, err := conv(g, "priority", defPriority, parseInt)
	if err != nil {
		return err
	}
	procs, err := l.processes(sec, name, kind)
	if err != nil {
		return err
	}
	l.cfg.Groups = append(l.cfg.Groups, &Group{Name: name, Kind: kind, Priority: priority, Pos: sec.pos})
	l.cfg.Programs = append(l.cfg.Programs, procs...)
	return nil
}

// knownEvents are supervisord's event type names.
var knownEvents = setOf(`EVENT PROCESS_STATE PROCESS_STATE_STOPPED PROCESS_STATE_EXITED
	PROCESS_STATE_STARTING PROCESS_STATE_STOPPING PROCESS_STATE_BACKOFF PROCESS_STATE_FATAL
	PROCESS_STATE_RUNNING PROCESS_STATE_UNKNOWN PROCESS_COMMUNICATION PROCESS_COMMUNICATION_STDOUT
	PROCESS_COMMUNICATION_STDERR PROCESS_LOG PROCESS_LOG_STDOUT PROCESS_LOG_STDERR
	REMOTE_COMMUNICATION SUPERVISOR_STATE_CHANGE SUPERVISOR_STATE_CHANGE_RUNNING
	SUPERVISOR_STATE_CHANGE_STOPPING TICK TICK_5 TICK_60 TICK_3600 PROCESS_GROUP
	PROCESS_GROUP_ADDED PROCESS_GROUP_REMOVED`)

// setOf makes a set of the space-separated words.
func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

func (l *iniLoader) listenerPool(sec *iniSection) error {
	pool := afterColon(sec.name)
	g := getter{l: l, sec: sec, extra: map[string]any{"here": l.here}}
	priority, err := conv(g, "priority", "-1", parseInt)
	if err != nil {
		return err
	}
	bufferSize, err := conv(g, "buffer_size", "10", parseInt)
	if err != nil {
		return err
	}
	if bufferSize < 1 {
		return l.errAt(sec, "buffer_size", "[%s] section sets invalid buffer_size (%d) (expected 1 or more)", sec.name, bufferSize)
	}
	handler, err := g.str("result_handler", defaultResultHandler)
	if err != nil {
		return err
	}
	if !entryPoint.MatchString(handler) {
		return l.errAt(sec, "result_handler", "%s cannot be resolved within [%s] (expected module:callable)", handler, sec.name)
	}
	if msg := resultHandlerWarning(handler); msg != "" {
		l.warnAt(sec, "result_handler", "%s", msg)
	}
	eventsText, err := g.str("events", "")
	if err != nil {
		return err
	}
	var events []string
	seen := map[string]bool{}
	for _, e := range listOfStrings(eventsText) {
		e = strings.ToUpper(e)
		if !seen[e] {
			seen[e] = true
			events = append(events, e)
		}
	}
	if len(events) == 0 {
		return l.errAt(sec, "events", "[%s] section requires an \"events\" line (expected events = PROCESS_STATE,TICK_60 or other event types)", sec.name)
	}
	for _, e := range events {
		if !knownEvents[e] {
			return l.errAt(sec, "events", "Unknown event type %s in [%s] events", e, sec.name)
		}
	}
	redirect, err := conv(g, "redirect_stderr", "false", parseBool)
	if err != nil {
		return err
	}
	if redirect {
		return l.errAt(sec, "redirect_stderr", "[%s] section sets redirect_stderr=true but this is not allowed because it will interfere with the eventlistener protocol", sec.name)
	}
	procs, err := l.processes(sec, pool, KindEventListener)
	if err != nil {
		return err
	}
	for _, p := range procs {
		p.Events, p.BufferSize, p.ResultHandler = events, bufferSize, entryPointName(handler)
	}
	l.cfg.Groups = append(l.cfg.Groups, &Group{Name: pool, Kind: KindEventListener, Priority: priority, Pos: sec.pos})
	l.cfg.EventListeners = append(l.cfg.EventListeners, procs...)
	return nil
}

func (l *iniLoader) fcgiGroup(sec *iniSection) error {
	name, err := parseName(afterColon(sec.name))
	if err != nil {
		return l.wrapErr(sec, "", err)
	}
	g := getter{l: l, sec: sec, extra: map[string]any{"here": l.here}}
	priority, err := conv(g, "priority", "999", parseInt)
	if err != nil {
		return err
	}
	if _, _, err := g.opt("user"); err != nil {
		return err
	}
	backlog := 0
	if v, ok, err := g.opt("socket_backlog"); err != nil {
		return err
	} else if ok {
		if backlog, err = parseInt(v); err != nil {
			return l.wrapErr(sec, "socket_backlog", err)
		}
		if backlog < 1 || backlog > 65535 {
			return l.errAt(sec, "socket_backlog", "Invalid socket_backlog value %d (expected 1 to 65535)", backlog)
		}
	}
	owner, hasOwner, err := g.opt("socket_owner")
	if err != nil {
		return err
	}
	if hasOwner && checkUserGroupSyntax(owner) != nil {
		return l.errAt(sec, "socket_owner", "Invalid socket_owner value %s (expected user or user:group)", owner)
	}
	mode, hasMode := 0o700, false
	if v, ok, err := g.opt("socket_mode"); err != nil {
		return err
	} else if ok {
		hasMode = true
		if mode, err = parseOctal(v); err != nil {
			return l.errAt(sec, "socket_mode", "Invalid socket_mode value %s (expected an octal mode such as 0700)", v)
		}
	}
	sg := getter{l: l, sec: sec, extra: map[string]any{"here": l.here, "program_name": name}}
	socket, _, err := sg.opt("socket")
	if err != nil {
		return err
	}
	if socket == "" {
		return l.errAt(sec, "socket", "[%s] section requires a \"socket\" line (expected unix:///path or tcp://host:port)", sec.name)
	}
	if socket, err = checkFCGISocket(socket, hasOwner || hasMode, l.opts); err != nil {
		return l.errAt(sec, "socket", "%v in [%s] socket", err, sec.name)
	}
	procs, err := l.processes(sec, name, KindFCGIProgram)
	if err != nil {
		return err
	}
	for _, p := range procs {
		p.Socket, p.SocketBacklog, p.SocketOwner, p.SocketMode = socket, backlog, owner, mode
	}
	l.cfg.Groups = append(l.cfg.Groups, &Group{Name: name, Kind: KindFCGIProgram, Priority: priority, Pos: sec.pos})
	l.cfg.Programs = append(l.cfg.Programs, procs...)
	return nil
}

// checkFCGISocket is parse_fcgi_socket: unix:///absolute/path (owner and
// mode allowed) or tcp://host:port. It returns the socket normalized.
func checkFCGISocket(s string, ownerOrMode bool, opts LoadOptions) (string, error) {
	if path, ok := strings.CutPrefix(s, "unix://"); ok {
		if !strings.HasPrefix(path, "/") {
			return "", fmt.Errorf("Unix socket path %s is not an absolute path", path)
		}
		return "unix://" + normalizePath(path, opts), nil
	}
	if ownerOrMode {
		return "", fmt.Errorf("socket_owner and socket_mode params should only be used with a Unix domain socket")
	}
	if hostPort, ok := strings.CutPrefix(s, "tcp://"); ok {
		host, port, found := strings.Cut(hostPort, ":")
		if found && host != "" && !strings.ContainsAny(host, " \t\n\r\f\v") && port != "" && strings.Trim(port, "0123456789") == "" && !strings.Contains(port, ":") {
			n, err := parseInt(port)
			if err == nil && n >= 1 && n <= 65535 {
				return "tcp://" + strings.ToLower(host) + ":" + fmt.Sprint(n), nil
			}
			return "", fmt.Errorf("%s is outside 1..65535", port)
		}
	}
	return "", fmt.Errorf("Bad socket format %s", s)
}

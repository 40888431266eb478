package control

import (
	"context"
	"os/user"
	"sort"
	"strconv"
	"strings"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/program"
)

func (s *Server) methodHelp(_ context.Context, args []any) (any, error) {
	name, err := argString(args, 0)
	if err != nil {
		return nil, err
	}
	m, ok := s.methods[name]
	if !ok {
		return nil, program.NewFault(program.FaultSignatureUnsupported, "")
	}
	return m.help, nil
}

func (s *Server) methodSignature(_ context.Context, args []any) (any, error) {
	name, err := argString(args, 0)
	if err != nil {
		return nil, err
	}
	m, ok := s.methods[name]
	if !ok {
		return nil, program.NewFault(program.FaultSignatureUnsupported, "")
	}
	return append([]string{m.ret}, m.params...), nil
}

// multicall runs the calls in order. Each result is the bare value (not
// wrapped in a one-element array, whatever supervisord's docstring says)
// or a fault struct.
func (s *Server) multicall(ctx context.Context, args []any) (any, error) {
	calls, ok := args[0].([]any)
	if !ok {
		return nil, &argError{"multicall needs an array"}
	}
	out := make([]any, 0, len(calls))
	for _, c := range calls {
		v, err := s.oneOfMulticall(ctx, c)
		if err != nil {
			f := asFault(err)
			v = Struct{{"faultCode", f.Code}, {"faultString", f.Error()}}
		}
		out = append(out, v)
	}
	return out, nil
}

func (s *Server) oneOfMulticall(ctx context.Context, c any) (any, error) {
	call, ok := c.(Struct)
	if !ok {
		return nil, program.NewFault(program.FaultFailed, "a call must be a struct")
	}
	nameV, ok := call.Get("methodName")
	if !ok {
		return nil, program.NewFault(program.FaultIncorrectParameters, "No methodName")
	}
	name, ok := nameV.(string)
	if !ok {
		return nil, program.NewFault(program.FaultUnknownMethod, "")
	}
	if name == "system.multicall" {
		return nil, program.NewFault(program.FaultIncorrectParameters, "Recursive system.multicall forbidden")
	}
	params := []any{}
	if p, ok := call.Get("params"); ok {
		if params, ok = p.([]any); !ok {
			return nil, program.NewFault(program.FaultIncorrectParameters, "")
		}
	}
	return s.call(ctx, name, params)
}

// getAllConfigInfo flattens the active config into supervisord's config
// info structs, sorted by process name. Values supervisord keeps as None
// go out as "none", as it sends them. The processes of groups in use show
// the log files they write (an AUTO log's generated name), as supervisord
// shows them once a group is running.
func (s *Server) getAllConfigInfo(context.Context, []any) (any, error) {
	cfg, inUse := s.backend.ActiveConfig()
	if cfg == nil {
		return []any{}, nil
	}
	running, err := s.backend.AllProcessInfo()
	if err != nil {
		return nil, err
	}
	logsInUse := map[string]program.Info{}
	for _, in := range running {
		logsInUse[makeNamespec(in.Group, in.Name)] = in
	}
	byGroup := map[string][]*config.Program{}
	for _, p := range append(append([]*config.Program{}, cfg.Programs...), cfg.EventListeners...) {
		byGroup[p.Group] = append(byGroup[p.Group], p)
	}
	var procs []*config.Program
	var infos []Struct
	for _, g := range cfg.Groups {
		for _, p := range byGroup[g.Name] {
			procs = append(procs, p)
			c := configInfo(p, g.Priority, inUse[g.Name])
			if in, ok := logsInUse[p.Namespec()]; ok && inUse[g.Name] {
				withLogPaths(c, in)
			}
			infos = append(infos, c)
		}
	}
	order := make([]int, len(procs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return procs[order[i]].Name < procs[order[j]].Name })
	res := make([]any, len(order))
	for i, k := range order {
		res[i] = infos[k]
	}
	return res, nil
}

// configInfo is one entry of getAllConfigInfo, keys in supervisord's
// order.
func configInfo(p *config.Program, groupPrio int, inUse bool) Struct {
	exitcodes := make([]any, len(p.Exitcodes))
	for i, c := range p.Exitcodes {
		exitcodes[i] = c
	}
	c := Struct{
		{"autostart", p.Autostart},
		{"directory", noneOr(p.Directory)},
		{"uid", uidOf(p.User)},
		{"command", p.Command},
		{"exitcodes", exitcodes},
		{"group", p.Group},
		{"group_prio", groupPrio},
		{"inuse", inUse},
		{"killasgroup", p.Killasgroup},
		{"name", p.Name},
		{"process_prio", p.Priority},
		{"redirect_stderr", p.RedirectStderr},
		{"startretries", p.Startretries},
		{"startsecs", int(p.Startsecs.Seconds())},
	}
	c = append(c, logInfo("stdout", p.Stdout)...)
	c = append(c, Member{"stopsignal", int(p.Stopsignal)}, Member{"stopwaitsecs", int(p.Stopwaitsecs.Seconds())})
	c = append(c, logInfo("stderr", p.Stderr)...)
	serverurl := p.Serverurl
	if serverurl == "" || strings.EqualFold(serverurl, "AUTO") {
		serverurl = "none" // supervisord turns AUTO into None
	}
	return append(c, Member{"serverurl", serverurl})
}

// withLogPaths puts the files a running process writes into its config
// info. A channel without a file keeps what its config says ("none").
func withLogPaths(c Struct, in program.Info) {
	for i, m := range c {
		switch {
		case m.Name == "stdout_logfile" && in.StdoutLogfile != "":
			c[i].Value = in.StdoutLogfile
		case m.Name == "stderr_logfile" && in.StderrLogfile != "":
			c[i].Value = in.StderrLogfile
		}
	}
}

func logInfo(ch string, l config.LogConfig) []Member {
	file := l.Logfile
	switch file {
	case config.LogAuto:
		file = "auto"
	case config.LogNone, "":
		file = "none"
	case config.LogSyslog:
		file = "syslog"
	}
	return []Member{
		{ch + "_capture_maxbytes", cappedInt(l.CaptureMaxbytes)},
		{ch + "_events_enabled", l.EventsEnabled},
		{ch + "_logfile", file},
		{ch + "_logfile_backups", l.Backups},
		{ch + "_logfile_maxbytes", cappedInt(l.Maxbytes)},
		{ch + "_syslog", l.Syslog},
	}
}

func noneOr(s *string) string {
	if s == nil {
		return "none"
	}
	return *s
}

// uidOf is the numeric uid supervisord reports for user=, "none" if unset.
func uidOf(name *string) any {
	if name == nil {
		return "none"
	}
	if n, err := strconv.Atoi(*name); err == nil {
		return n
	}
	if u, err := user.Lookup(*name); err == nil {
		if n, err := strconv.Atoi(u.Uid); err == nil {
			return n
		}
	}
	return "none"
}

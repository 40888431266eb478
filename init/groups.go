package supervisor

import (
	"cmp"
	"slices"
	"strings"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/events"
	"github.com/supinit/supinit/logs"
	"github.com/supinit/supinit/program"
)

// groupPrograms returns the programs of group name in cfg (the
// listeners of a listener pool), in the group's process order.
func groupPrograms(cfg *config.Config, g *config.Group) []*config.Program {
	list := cfg.Programs
	if g.Kind == config.KindEventListener {
		list = cfg.EventListeners
	}
	byName := make(map[string]*config.Program)
	for _, p := range list {
		if p.Group == g.Name {
			byName[p.Name] = p
		}
	}
	out := make([]*config.Program, 0, len(g.Processes))
	for _, name := range g.Processes {
		if p, ok := byName[name]; ok {
			out = append(out, p)
		}
	}
	return out
}

// findGroup returns the group called name in cfg, or nil.
func findGroup(cfg *config.Config, name string) *config.Group {
	for _, g := range cfg.Groups {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// addGroup makes group g of cfg active: its processes in STOPPED with
// their log channels open (AUTO files are created now, as supervisord
// creates them with the group).
func (s *Supervisor) addGroup(cfg *config.Config, g *config.Group) *group {
	ng := &group{cfg: g, added: s.nadded}
	s.nadded++
	for _, pc := range groupPrograms(cfg, g) {
		p := &proc{m: program.NewMachine(pc), cfg: pc, group: ng}
		p.stdout = s.openChannel(cfg, pc, "stdout", s.stdoutLog(pc))
		if !pc.RedirectStderr {
			p.stderr = s.openChannel(cfg, pc, "stderr", pc.Stderr)
		}
		ng.procs = append(ng.procs, p)
	}
	s.groups[g.Name] = ng
	s.addPool(ng)
	s.publish(events.ProcessGroupAdded(g.Name))
	return ng
}

// openChannel opens one output channel of a process. When its log file
// cannot be opened the error is logged and the output is kept in memory
// only: losing a log file must not keep a program from running.
func (s *Supervisor) openChannel(cfg *config.Config, pc *config.Program, name string, lc config.LogConfig) *logs.Channel {
	opts := logs.ChannelOptions{
		Name:        pc.Name,
		Channel:     name,
		File:        lc.Logfile,
		MaxBytes:    lc.Maxbytes,
		Backups:     lc.Backups,
		ChildLogDir: cfg.Supervisord.Childlogdir,
		Identifier:  cfg.Supervisord.Identifier,
		Syslog:      lc.Syslog,
		StripANSI:   cfg.Supervisord.StripAnsi,
		Mux:         s.mux,
		Log:         s.log,
	}
	if keepsNoLog(lc) {
		opts.TailBytes = -1 // nobody may read it (ProcessLog answers NO_FILE)
	}
	ch, err := logs.OpenChannel(opts)
	if err == nil {
		return ch
	}
	s.log.Error().Err(err).Str("program", pc.Namespec()).
		Msgf("cannot open %s log of %s; keeping its output in memory only", name, pc.Name)
	opts.File, opts.Syslog, opts.TailBytes = config.LogNone, false, 0
	ch, err = logs.OpenChannel(opts)
	if err != nil {
		return nil
	}
	return ch
}

// removeGroup forgets a group whose processes are all stopped.
func (s *Supervisor) removeGroup(g *group) {
	for _, p := range g.procs {
		p.gone = true
		if p.timer != nil {
			p.timer.Stop()
			p.timer = nil
		}
		for _, ch := range []*logs.Channel{p.stdout, p.stderr} {
			if ch != nil {
				ch.Close()
			}
		}
	}
	delete(s.groups, g.cfg.Name)
	s.removeGroupEvents(g)
	s.publish(events.ProcessGroupRemoved(g.cfg.Name))
}

// sortedGroups is the active groups by priority, then in the order they
// became active, as supervisord sorts its runtime groups (by priority
// only, stably, in a dict that keeps insertion order). The groups of a
// config are added by (priority, name), so at start-up this is (priority,
// name); a group that update or add activates later comes after the
// others of its priority, in start/stop all and in the shutdown order.
//
// The main command's group comes after all of them, whatever priorities
// the config has or a reload brings: it is started last and stopped
// first.
func (s *Supervisor) sortedGroups() []*group {
	out := make([]*group, 0, len(s.groups))
	for _, g := range s.groups {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *group) int {
		if am, bm := s.isMain(a), s.isMain(b); am != bm {
			if am {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(a.cfg.Priority, b.cfg.Priority); c != 0 {
			return c
		}
		return cmp.Compare(a.added, b.added)
	})
	return out
}

// isMain reports whether g is the group of the main command.
func (s *Supervisor) isMain(g *group) bool {
	return len(s.opts.Main) > 0 && g.cfg.Name == MainName
}

// autostart starts the processes of groups that have autostart and were
// never started, in order, without waiting for any of them.
func (s *Supervisor) autostart(groups []*group) {
	for _, g := range groups {
		for _, p := range g.procs {
			if s.shut != nil {
				return // a critical program ended meanwhile
			}
			if p.cfg.Autostart && !p.m.EverStarted() && p.m.State() == program.Stopped {
				s.handle(p, program.Start())
			}
		}
	}
}

// resolve is supervisord's split_namespec: "g:p" is process p of group g,
// "g:*" and "g:" the whole group g (proc is nil), "p" group p's process
// p. A bare group name whose processes are named otherwise is BAD_NAME.
func (s *Supervisor) resolve(namespec string) (*group, *proc, error) {
	gname, pname, ok := strings.Cut(namespec, ":")
	if !ok {
		pname = gname
	}
	g := s.groups[gname]
	if g == nil {
		return nil, nil, program.NewFault(program.FaultBadName, namespec)
	}
	if pname == "*" || pname == "" {
		return g, nil, nil
	}
	for _, p := range g.procs {
		if p.cfg.Name == pname {
			return g, p, nil
		}
	}
	return nil, nil, program.NewFault(program.FaultBadName, namespec)
}

// resolveProc is resolve for the per-process calls.
func (s *Supervisor) resolveProc(namespec string) (*proc, error) {
	_, p, err := s.resolve(namespec)
	if err == nil && p == nil {
		err = program.NewFault(program.FaultBadName, namespec)
	}
	return p, err
}

// lookupGroup finds an active group for the group calls.
func (s *Supervisor) lookupGroup(name string) (*group, error) {
	if g := s.groups[name]; g != nil {
		return g, nil
	}
	return nil, program.NewFault(program.FaultBadName, name)
}

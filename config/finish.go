package config

import (
	"fmt"
	"sort"
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
//     at start-up (checkMachine, in machine.go).
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

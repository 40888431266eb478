package supervisor

import (
	"reflect"

	"github.com/supinit/supinit/config"
	"github.com/supinit/supinit/program"
)

// groupSnapshot is what a group's comparison needs: its config and its
// processes' configs.
type groupSnapshot struct {
	cfg   *config.Group
	progs []*config.Program
}

// diffGroups is supervisord's diff_to_active: by group name, the groups
// only in cfg (added), those in both whose config differs in any option
// (changed), and those only running (removed). added and changed follow
// cfg's order, removed the order of active. Groups named in skip are left
// out (the main command's group, which a reread must not restart).
func diffGroups(active []groupSnapshot, cfg *config.Config, skip string) (added, changed, removed []string) {
	cur := make(map[string]groupSnapshot, len(active))
	for _, g := range active {
		cur[g.cfg.Name] = g
	}
	inNew := make(map[string]bool)
	for _, g := range cfg.Groups {
		if g.Name == skip {
			continue
		}
		inNew[g.Name] = true
		old, ok := cur[g.Name]
		switch {
		case !ok:
			added = append(added, g.Name)
		case !sameGroup(old, groupSnapshot{g, groupPrograms(cfg, g)}):
			changed = append(changed, g.Name)
		}
	}
	for _, g := range active {
		if !inNew[g.cfg.Name] && g.cfg.Name != skip {
			removed = append(removed, g.cfg.Name)
		}
	}
	return added, changed, removed
}

// sameGroup compares two group configs option by option. Where a section
// or an option was written in the file is not an option: a line inserted
// above a section moves every position below it, and must not restart
// the programs there.
func sameGroup(a, b groupSnapshot) bool {
	if !sameOptions(a.cfg, b.cfg) || len(a.progs) != len(b.progs) {
		return false
	}
	for i := range a.progs {
		if !sameOptions(a.progs[i], b.progs[i]) {
			return false
		}
	}
	return true
}

// positionType is config.Position, the type of every field that says
// where something was written.
var positionType = reflect.TypeFor[config.Position]()

// sameOptions reports whether two configs (pointers to the same struct
// type) are equal once every position field is cleared. Clearing by type
// rather than by field name keeps a position field added later from
// turning every edit of the file into a change.
func sameOptions[T any](a, b *T) bool {
	ca, cb := *a, *b
	clearPositions(reflect.ValueOf(&ca).Elem())
	clearPositions(reflect.ValueOf(&cb).Elem())
	return reflect.DeepEqual(ca, cb)
}

// clearPositions zeroes the fields of struct v that hold positions (a
// Position, or a map, slice or pointer of them), in nested structs too.
// v is a copy: the maps it shared with the original are dropped, not
// emptied.
func clearPositions(v reflect.Value) {
	for i := range v.NumField() {
		f := v.Field(i)
		switch {
		case !f.CanSet():
			// Unexported: TestPositionFieldsExported keeps positions out
			// of those.
		case holdsPositions(f.Type()):
			f.SetZero()
		case f.Kind() == reflect.Struct:
			clearPositions(f)
		}
	}
}

// holdsPositions reports whether t is Position or a container of them.
func holdsPositions(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Map, reflect.Slice, reflect.Array, reflect.Pointer:
		return holdsPositions(t.Elem())
	}
	return t == positionType
}

// snapshots describes the active groups in start order.
func (s *Supervisor) snapshots() []groupSnapshot {
	var out []groupSnapshot
	for _, g := range s.sortedGroups() {
		snap := groupSnapshot{cfg: g.cfg}
		for _, p := range g.procs {
			snap.progs = append(snap.progs, p.cfg)
		}
		out = append(out, snap)
	}
	return out
}

// mainSkip is the group a reread never touches.
func (s *Supervisor) mainSkip() string {
	if len(s.opts.Main) > 0 {
		return MainName
	}
	return ""
}

// swap is a group being stopped so that it can be removed (target nil)
// or replaced by target of cfg.
type swap struct {
	old    *group
	cfg    *config.Config
	target *config.Group
}

// reloadFromSignal is SIGHUP: reread the config and apply the difference
// as `supervisorctl update` does. A broken config changes nothing.
func (s *Supervisor) reloadFromSignal() {
	cfg, err := s.reread()
	if err != nil {
		s.log.Error().Err(err).Msg("cannot reload the config; the running programs are kept as they are")
		return
	}
	s.applyConfig(cfg)
}

// applyConfig makes cfg the config and carries out the difference: added
// groups start, removed ones stop and go, changed ones stop and start
// again with their new config, unchanged ones are not touched.
func (s *Supervisor) applyConfig(cfg *config.Config) {
	s.setConfig(cfg)
	added, changed, removed := diffGroups(s.snapshots(), cfg, s.mainSkip())
	s.log.Info().Strs("added", added).Strs("changed", changed).Strs("removed", removed).Msg("config reread")
	// A group already on its way out gets its newest target.
	for name, sw := range s.swaps {
		sw.cfg, sw.target = cfg, findGroup(cfg, name)
	}
	for _, name := range removed {
		s.beginSwap(s.groups[name], cfg, nil)
	}
	for _, name := range changed {
		s.beginSwap(s.groups[name], cfg, findGroup(cfg, name))
	}
	for _, name := range added {
		g := s.addGroup(cfg, findGroup(cfg, name))
		s.log.Info().Msgf("added process group %s", name)
		s.autostart([]*group{g})
	}
}

func (s *Supervisor) beginSwap(g *group, cfg *config.Config, target *config.Group) {
	if sw := s.swaps[g.cfg.Name]; sw != nil {
		sw.cfg, sw.target = cfg, target
		return
	}
	s.swaps[g.cfg.Name] = &swap{old: g, cfg: cfg, target: target}
	for _, p := range g.procs {
		s.handle(p, program.Stop())
	}
}

// finishSwaps removes or replaces the swapped groups whose processes have
// all stopped, and reports whether it did anything.
func (s *Supervisor) finishSwaps() bool {
	if s.shut != nil {
		return false // the shutdown stops everything anyway
	}
	progress := false
	for name, sw := range s.swaps {
		if len(stillRunning(sw.old.procs)) > 0 {
			continue
		}
		progress = true
		delete(s.swaps, name)
		s.removeGroup(sw.old)
		if sw.target == nil {
			s.log.Info().Msgf("removed process group %s", name)
			continue
		}
		g := s.addGroup(sw.cfg, sw.target)
		s.log.Info().Msgf("updated process group %s", name)
		s.autostart([]*group{g})
	}
	return progress
}

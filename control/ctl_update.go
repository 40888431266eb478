package control

import (
	"slices"
	"sort"
	"strings"

	"github.com/supinit/supinit/program"
)

func (c *controller) doUpdate(arg string) error {
	v, err := c.call("supervisor.reloadConfig")
	if err != nil {
		c.exit = exitGeneric
		if code, ok := faultCode(err); ok && code == program.FaultShutdownState {
			c.output("ERROR: already shutting down")
			return nil
		}
		return err
	}
	added, changed, removed := changes(v)
	wanted := strings.Fields(arg)
	if slices.Contains(wanted, "all") {
		wanted = nil
	}
	if len(wanted) > 0 {
		infos, err := c.call("supervisor.getAllProcessInfo")
		if err != nil {
			return err
		}
		groups := map[string]bool{}
		for _, in := range toStructs(infos) {
			groups[str(in, "group")] = true
		}
		for _, g := range added {
			groups[g] = true
		}
		// supervisorctl walks a Python set here; sorted is the stable
		// version of that order.
		check := slices.Clone(wanted)
		sort.Strings(check)
		for _, g := range slices.Compact(check) {
			if !groups[g] {
				c.output("ERROR: no such group: " + g)
				c.exit = exitGeneric
			}
		}
	}
	skip := func(g string) bool { return len(wanted) > 0 && !slices.Contains(wanted, g) }
	for _, g := range removed {
		if skip(g) {
			continue
		}
		res, err := c.call("supervisor.stopProcessGroup", g)
		if err != nil {
			return err
		}
		c.output(g + ": stopped")
		failed := false
		for _, r := range toResults(res) {
			failed = failed || r.status == program.FaultFailed
		}
		if failed {
			c.output(g + ": has problems; not removing")
			c.exit = exitGeneric
			continue
		}
		if _, err := c.call("supervisor.removeProcessGroup", g); err != nil {
			return err
		}
		c.output(g + ": removed process group")
	}
	for _, g := range changed {
		if skip(g) {
			continue
		}
		if _, err := c.call("supervisor.stopProcessGroup", g); err != nil {
			return err
		}
		c.output(g + ": stopped")
		if _, err := c.call("supervisor.removeProcessGroup", g); err != nil {
			return err
		}
		if _, err := c.call("supervisor.addProcessGroup", g); err != nil {
			return err
		}
		c.output(g + ": updated process group")
	}
	for _, g := range added {
		if skip(g) {
			continue
		}
		if _, err := c.call("supervisor.addProcessGroup", g); err != nil {
			return err
		}
		c.output(g + ": added process group")
	}
	return nil
}

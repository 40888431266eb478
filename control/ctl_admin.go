package control

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"syscall"

	"github.com/supinit/supinit/program"
)

// noArgs prints supervisorctl's complaint when a command that takes no
// arguments got some.
func (c *controller) noArgs(cmd, arg string) bool {
	if arg == "" {
		return true
	}
	c.output("Error: " + cmd + " accepts no arguments")
	c.exit = exitGeneric
	c.help(cmd)
	return false
}

func (c *controller) doAvail(arg string) error {
	if !c.noArgs("avail", arg) {
		return nil
	}
	v, err := c.call("supervisor.getAllConfigInfo")
	if err != nil {
		c.exit = exitGeneric
		if code, ok := faultCode(err); ok && code == program.FaultShutdownState {
			c.output("ERROR: supervisor shutting down")
			return nil
		}
		return err
	}
	for _, ci := range toStructs(v) {
		inuse, autostart := "avail", "manual"
		if truthy(ci, "inuse") {
			inuse = "in use"
		}
		if truthy(ci, "autostart") {
			autostart = "auto"
		}
		c.output(fmt.Sprintf("%-32s %-9s %-9s %s:%s", makeNamespec(str(ci, "group"), str(ci, "name")),
			inuse, autostart, str(ci, "group_prio"), str(ci, "process_prio")))
	}
	return nil
}

// changes reads reloadConfig's [[added, changed, removed]].
func changes(v any) (added, changed, removed []string) {
	outer, _ := v.([]any)
	if len(outer) == 0 {
		return nil, nil, nil
	}
	inner, _ := outer[0].([]any)
	lists := make([][]string, 3)
	for i := 0; i < 3 && i < len(inner); i++ {
		l, _ := inner[i].([]any)
		for _, e := range l {
			lists[i] = append(lists[i], fmt.Sprint(e))
		}
	}
	return lists[0], lists[1], lists[2]
}

func (c *controller) doReread(arg string) error {
	if !c.noArgs("reread", arg) {
		return nil
	}
	v, err := c.call("supervisor.reloadConfig")
	if err != nil {
		c.exit = exitGeneric
		code, _ := faultCode(err)
		switch code {
		case program.FaultShutdownState:
			c.output("ERROR: supervisor shutting down")
			return nil
		case program.FaultCantReread:
			var f *rpcFault
			errors.As(err, &f)
			c.output("ERROR: " + f.String)
			return nil
		}
		return err
	}
	added, changed, removed := changes(v)
	state := map[string]string{}
	for _, l := range []struct {
		names []string
		what  string
	}{{added, "available"}, {changed, "changed"}, {removed, "disappeared"}} {
		for _, n := range l.names {
			state[n] = l.what
		}
	}
	if len(state) == 0 {
		c.output("No config updates to processes")
		return nil
	}
	names := make([]string, 0, len(state))
	for n := range state {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c.output(n + ": " + state[n])
	}
	return nil
}

func (c *controller) doAdd(arg string) error {
	for _, name := range strings.Fields(arg) {
		_, err := c.call("supervisor.addProcessGroup", name)
		if err == nil {
			c.output(name + ": added process group")
			continue
		}
		code, _ := faultCode(err)
		switch code {
		case program.FaultShutdownState:
			c.output("ERROR: shutting down")
			c.exit = exitGeneric
		case program.FaultAlreadyAdded:
			c.output("ERROR: process group already active")
		case program.FaultBadName:
			c.output("ERROR: no such process/group: " + name)
			c.exit = exitGeneric
		default:
			c.exit = exitGeneric
			return err
		}
	}
	return nil
}

func (c *controller) doRemove(arg string) error {
	for _, name := range strings.Fields(arg) {
		_, err := c.call("supervisor.removeProcessGroup", name)
		if err == nil {
			c.output(name + ": removed process group")
			continue
		}
		c.exit = exitGeneric
		code, _ := faultCode(err)
		switch code {
		case program.FaultStillRunning:
			c.output("ERROR: process/group still running: " + name)
		case program.FaultBadName:
			c.output("ERROR: no such process/group: " + name)
		default:
			return err
		}
	}
	return nil
}

// confirm asks the interactive shell's y/N question; a command-line
// action needs no confirmation.
func (c *controller) confirm(question string) bool {
	if !c.opts.interactive {
		return true
	}
	answer, ok := c.readLine(question)
	return ok && strings.HasPrefix(strings.ToLower(answer), "y")
}

func (c *controller) doShutdown(arg string) error {
	if !c.noArgs("shutdown", arg) || !c.confirm("Really shut the remote supervisord process down y/N? ") {
		return nil
	}
	_, err := c.call("supervisor.shutdown")
	if err == nil {
		c.output("Shut down")
		return nil
	}
	if code, ok := faultCode(err); ok {
		if code == program.FaultShutdownState {
			c.output("ERROR: already shutting down")
			return nil
		}
		c.exit = exitGeneric
		return err
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		c.exit = exitGeneric
		switch errno {
		case syscall.ECONNREFUSED:
			c.output(fmt.Sprintf("ERROR: %s refused connection (already shut down?)", c.opts.serverURL))
			return nil
		case syscall.ENOENT:
			c.output(fmt.Sprintf("ERROR: %s no such file (already shut down?)", c.opts.serverURL))
			return nil
		}
	}
	return err
}

func (c *controller) doReload(arg string) error {
	if !c.noArgs("reload", arg) || !c.confirm("Really restart the remote supervisord process y/N? ") {
		return nil
	}
	if _, err := c.call("supervisor.restart"); err != nil {
		c.exit = exitGeneric
		if code, ok := faultCode(err); ok && code == program.FaultShutdownState {
			c.output("ERROR: already shutting down")
			return nil
		}
		return err
	}
	c.output("Restarted supervisord")
	return nil
}

func (c *controller) doVersion(arg string) error {
	if !c.noArgs("version", arg) {
		return nil
	}
	if ok, err := c.upcheck(); !ok {
		return err
	}
	v, err := c.call("supervisor.getSupervisorVersion")
	if err != nil {
		return err
	}
	c.output(fmt.Sprint(v))
	return nil
}

// doOpen switches to another server and shows its status.
func (c *controller) doOpen(arg string) error {
	u, err := url.Parse(strings.TrimSpace(arg))
	if err != nil || (u.Scheme != "unix" && u.Scheme != "http") {
		c.output("ERROR: url must be http:// or unix://")
		c.exit = exitGeneric
		return nil
	}
	c.opts.serverURL = strings.TrimSpace(arg)
	if c.client != nil {
		c.client.close()
		c.client = nil
	}
	saved := c.exit
	err = c.doStatus("")
	c.exit = saved
	return err
}

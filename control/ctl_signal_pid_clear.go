package control

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/supinit/supinit/program"
)

func (c *controller) doSignal(arg string) error {
	if ok, err := c.upcheck(); !ok {
		return err
	}
	args := strings.Fields(arg)
	if len(args) < 2 {
		c.output("Error: signal requires a signal name and a process name")
		c.help("signal")
		c.exit = exitGeneric
		return nil
	}
	sig, names := args[0], args[1:]
	format := func(r result) (string, error) { return signalResult(r, "signalled") }
	if slices.Contains(names, "all") {
		v, err := c.call("supervisor.signalAllProcesses", sig)
		if err != nil {
			return err
		}
		return c.printResults(v, format, program.FaultSuccess)
	}
	for _, name := range names {
		group, proc := splitNamespec(name)
		if proc == "" {
			v, err := c.call("supervisor.signalProcessGroup", group, sig)
			if code, ok := faultCode(err); ok && code == program.FaultBadName {
				c.output(group + ": ERROR (no such group)")
				c.exit = exitGeneric
				continue
			}
			if err != nil {
				return err
			}
			if err := c.printResults(v, format, program.FaultSuccess); err != nil {
				return err
			}
			continue
		}
		if _, err := c.call("supervisor.signalProcess", name, sig); err != nil {
			r, ok := faultResult(err, name)
			if !ok {
				return err
			}
			line, err := format(r)
			if err != nil {
				return err
			}
			c.output(line)
			c.setExitFromFault(r.status, program.FaultSuccess)
			continue
		}
		c.output(makeNamespec(group, proc) + ": signalled")
	}
	return nil
}

func (c *controller) doPid(arg string) error {
	if ok, err := c.upcheck(); !ok {
		return err
	}
	names := strings.Fields(arg)
	switch {
	case len(names) == 0:
		v, err := c.call("supervisor.getPID")
		if err != nil {
			return err
		}
		c.output(fmt.Sprint(v))
	case slices.Contains(names, "all"):
		v, err := c.call("supervisor.getAllProcessInfo")
		if err != nil {
			return err
		}
		for _, in := range toStructs(v) {
			c.output(strconv.Itoa(num(in, "pid")))
		}
	default:
		for _, name := range names {
			v, err := c.call("supervisor.getProcessInfo", name)
			if err != nil {
				c.exit = exitGeneric
				if code, ok := faultCode(err); ok && code == program.FaultBadName {
					c.output("No such process " + name)
					continue
				}
				return err
			}
			in, _ := v.(Struct)
			pid := num(in, "pid")
			c.output(strconv.Itoa(pid))
			if pid == 0 {
				c.exit = exitNotRunning
			}
		}
	}
	return nil
}

func clearResult(r result) (string, error) {
	switch r.status {
	case program.FaultBadName:
		return r.namespec() + ": ERROR (no such process)", nil
	case program.FaultFailed:
		return r.namespec() + ": ERROR (failed)", nil
	case program.FaultSuccess:
		return r.namespec() + ": cleared", nil
	}
	return "", &pyValueError{fmt.Sprintf("Unknown result code %d for %s", r.status, r.namespec())}
}

func (c *controller) doClear(arg string) error {
	if ok, err := c.upcheck(); !ok {
		return err
	}
	names := strings.Fields(arg)
	if len(names) == 0 {
		c.output("Error: clear requires a process name")
		c.exit = exitGeneric
		c.help("clear")
		return nil
	}
	if slices.Contains(names, "all") {
		v, err := c.call("supervisor.clearAllProcessLogs")
		if err != nil {
			return err
		}
		return c.printResults(v, clearResult, program.FaultSuccess)
	}
	for _, name := range names {
		if _, err := c.call("supervisor.clearProcessLogs", name); err != nil {
			r, ok := faultResult(err, name)
			if !ok {
				return err
			}
			line, err := clearResult(r)
			if err != nil {
				return err
			}
			c.output(line)
			c.setExitFromFault(r.status, program.FaultSuccess)
			continue
		}
		group, proc := splitNamespec(name)
		c.output(makeNamespec(group, proc) + ": cleared")
	}
	return nil
}

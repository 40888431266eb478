package control

import (
	"fmt"
	"slices"
	"strings"

	"github.com/supinit/supinit/program"
)

func (c *controller) doStatus(arg string) error {
	if ok, err := c.upcheck(); err != nil {
		return err
	} else if !ok {
		c.exit = statusUnknown // status reports an unreachable server as 4
		return nil
	}
	v, err := c.call("supervisor.getAllProcessInfo")
	if err != nil {
		return err
	}
	all := toStructs(v)
	names := strings.Fields(arg)
	matching := all
	if len(names) > 0 && !slices.Contains(names, "all") {
		matching = nil
		for _, name := range names {
			group, proc := splitNamespec(name)
			found := false
			for _, in := range all {
				if str(in, "group") == group && (proc == "" || str(in, "name") == proc) {
					found = true
					matching = append(matching, in)
				}
			}
			if found {
				continue
			}
			if proc == "" {
				c.output(group + ": ERROR (no such group)")
			} else {
				c.output(name + ": ERROR (no such process)")
			}
			c.exit = statusUnknown
		}
	}
	c.showStatuses(matching)
	for _, in := range matching {
		if program.State(num(in, "state")).IsStopped() {
			c.exit = statusNotRunning
		}
	}
	return nil
}

// showStatuses prints the status table: the name column is at least 33
// wide and grows with the longest name.
func (c *controller) showStatuses(infos []Struct) {
	width := 30
	for _, in := range infos {
		width = max(width, len([]rune(makeNamespec(str(in, "group"), str(in, "name")))))
	}
	for _, in := range infos {
		c.output(fmt.Sprintf("%-*s%-10s%s", width+3, makeNamespec(str(in, "group"), str(in, "name")), str(in, "statename"), str(in, "description")))
	}
}

func startResult(r result) (string, error) {
	msg := map[int]string{
		program.FaultBadName: "no such process", program.FaultNoFile: "no such file",
		program.FaultNotExecutable: "file is not executable", program.FaultAlreadyStarted: "already started",
		program.FaultSpawnError: "spawn error", program.FaultAbnormalTermination: "abnormal termination",
	}
	if r.status == program.FaultSuccess {
		return r.namespec() + ": started", nil
	}
	if m, ok := msg[r.status]; ok {
		return r.namespec() + ": ERROR (" + m + ")", nil
	}
	return "", &pyValueError{fmt.Sprintf("Unknown result code %d for %s", r.status, r.namespec())}
}

// signalResult formats stop and signal results; success is "stopped" or
// "signalled".
func signalResult(r result, success string) (string, error) {
	switch r.status {
	case program.FaultBadName:
		return r.namespec() + ": ERROR (no such process)", nil
	case program.FaultBadSignal:
		return r.namespec() + ": ERROR (bad signal name)", nil
	case program.FaultNotRunning:
		return r.namespec() + ": ERROR (not running)", nil
	case program.FaultSuccess:
		return r.namespec() + ": " + success, nil
	case program.FaultFailed:
		return r.description, nil
	}
	return "", &pyValueError{fmt.Sprintf("Unknown result code %d for %s", r.status, r.namespec())}
}

// printResults prints a result array with format, setting the exit
// status from each (ignoring one fault code).
func (c *controller) printResults(v any, format func(result) (string, error), ignored int) error {
	for _, r := range toResults(v) {
		line, err := format(r)
		if err != nil {
			return err
		}
		c.output(line)
		c.setExitFromFault(r.status, ignored)
	}
	return nil
}

// startOrStop is the shared shape of start and stop: "all", "g:*" and
// single names, each with its own RPC.
type startOrStop struct {
	verb, done      string // "start", "started"
	all, group, one string // method names
	format          func(result) (string, error)
	ignored         int // the fault that is not a failure
	usageExit       int // exit status for a missing name
	noGroupExit     int // exit status for an unknown group
}

func (c *controller) doStart(arg string) error {
	return c.startStop(arg, startOrStop{
		verb: "start", done: "started", all: "supervisor.startAllProcesses", group: "supervisor.startProcessGroup", one: "supervisor.startProcess",
		format: startResult, ignored: program.FaultAlreadyStarted, usageExit: exitInvalidArgs, noGroupExit: exitInvalidArgs,
	})
}

func (c *controller) doStop(arg string) error {
	return c.startStop(arg, startOrStop{
		verb: "stop", done: "stopped", all: "supervisor.stopAllProcesses", group: "supervisor.stopProcessGroup", one: "supervisor.stopProcess",
		format:  func(r result) (string, error) { return signalResult(r, "stopped") },
		ignored: program.FaultNotRunning, usageExit: exitGeneric, noGroupExit: exitGeneric,
	})
}

func (c *controller) startStop(arg string, k startOrStop) error {
	if ok, err := c.upcheck(); !ok {
		return err
	}
	names := strings.Fields(arg)
	if len(names) == 0 {
		c.output("Error: " + k.verb + " requires a process name")
		c.exit = k.usageExit
		c.help(k.verb)
		return nil
	}
	if slices.Contains(names, "all") {
		v, err := c.call(k.all)
		if err != nil {
			return err
		}
		return c.printResults(v, k.format, k.ignored)
	}
	for _, name := range names {
		group, proc := splitNamespec(name)
		if proc == "" {
			v, err := c.call(k.group, group)
			if code, ok := faultCode(err); ok && code == program.FaultBadName {
				c.output(group + ": ERROR (no such group)")
				c.exit = k.noGroupExit
				continue
			}
			if err != nil {
				c.exit = exitGeneric
				return err
			}
			if err := c.printResults(v, k.format, k.ignored); err != nil {
				return err
			}
			continue
		}
		_, err := c.call(k.one, name)
		if err == nil {
			c.output(makeNamespec(group, proc) + ": " + k.done)
			continue
		}
		r, ok := faultResult(err, name)
		if !ok {
			return err
		}
		line, err := k.format(r)
		if err != nil {
			return err
		}
		c.output(line)
		c.setExitFromFault(r.status, k.ignored)
	}
	return nil
}

func (c *controller) doRestart(arg string) error {
	if ok, err := c.upcheck(); !ok {
		return err
	}
	if len(strings.Fields(arg)) == 0 {
		c.output("Error: restart requires a process name")
		c.exit = exitGeneric
		c.help("restart")
		return nil
	}
	if err := c.doStop(arg); err != nil {
		return err
	}
	return c.doStart(arg)
}

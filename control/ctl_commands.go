package control

import (
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/supinit/supinit/program"
)

// command runs one supervisorctl action on its argument string; quit
// ends the shell. An error is an exception supervisorctl would not have
// caught: onecmd prints it and sets exit status 1.
type command func(arg string) (quit bool, err error)

func (c *controller) commands() map[string]command {
	plain := func(f func(string) error) command {
		return func(arg string) (bool, error) { return false, f(arg) }
	}
	quit := func(string) (bool, error) { c.output(""); return true, nil }
	return map[string]command{
		"help": plain(c.doHelp), "EOF": quit, "quit": quit, "exit": quit,
		"status": plain(c.doStatus), "start": plain(c.doStart), "stop": plain(c.doStop),
		"restart": plain(c.doRestart), "signal": plain(c.doSignal), "pid": plain(c.doPid),
		"clear": plain(c.doClear), "tail": plain(c.doTail), "maintail": plain(c.doMaintail),
		"fg": plain(c.doFg), "avail": plain(c.doAvail), "reread": plain(c.doReread),
		"update": plain(c.doUpdate), "add": plain(c.doAdd), "remove": plain(c.doRemove),
		"shutdown": plain(c.doShutdown), "reload": plain(c.doReload), "version": plain(c.doVersion),
		"open": plain(c.doOpen),
	}
}

// pyValueError is the ValueError supervisorctl raises for a result code
// it does not expect.
type pyValueError struct{ msg string }

func (e *pyValueError) Error() string { return e.msg }

// pyException names err the way Python would print it in supervisorctl's
// "error: <class '...'>, ..." line.
func pyException(err error) (class, msg string) {
	var f *rpcFault
	var pe *protocolError
	var ve *pyValueError
	var errno syscall.Errno
	switch {
	case errors.As(err, &f):
		return "xmlrpc.client.Fault", f.Error()
	case errors.As(err, &pe):
		return "xmlrpc.client.ProtocolError", pe.Error()
	case errors.As(err, &ve):
		return "ValueError", ve.msg
	case errors.As(err, &errno):
		class := map[syscall.Errno]string{
			syscall.ENOENT: "FileNotFoundError", syscall.ECONNREFUSED: "ConnectionRefusedError",
			syscall.EACCES: "PermissionError", syscall.ECONNRESET: "ConnectionResetError", syscall.EPIPE: "BrokenPipeError",
		}[errno]
		if class == "" {
			class = "OSError"
		}
		text := errno.Error()
		if text != "" {
			text = strings.ToUpper(text[:1]) + text[1:]
		}
		return class, fmt.Sprintf("[Errno %d] %s", int(errno), text)
	}
	return "Exception", err.Error()
}

func faultCode(err error) (int, bool) {
	var f *rpcFault
	if errors.As(err, &f) {
		return f.Code, true
	}
	return 0, false
}

// upcheck is supervisorctl's check that the server speaks API 3.0. It
// prints and sets the exit status for the failures supervisorctl
// handles; other errors are returned.
func (c *controller) upcheck() (bool, error) {
	v, err := c.call("supervisor.getVersion")
	if err != nil {
		if code, ok := faultCode(err); ok {
			if code == program.FaultUnknownMethod {
				c.output("Sorry, supervisord responded but did not recognize the supervisor namespace commands that supervisorctl uses to control it.  Please check that the [rpcinterface:supervisor] section is enabled in the configuration file (see sample.conf).")
				c.exit = exitUnimpl
				return false, nil
			}
			c.exit = exitGeneric
			return false, err
		}
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			c.output(c.opts.serverURL + " refused connection")
			c.exit = exitPrivileges
			return false, nil
		case errors.Is(err, syscall.ENOENT):
			c.output(c.opts.serverURL + " no such file")
			c.exit = exitNotRunning
			return false, nil
		}
		var pe *protocolError
		if !errors.As(err, &pe) {
			c.exit = exitGeneric
		}
		return false, err
	}
	if v != apiVersion {
		c.output(fmt.Sprintf("Sorry, this version of supervisorctl expects to talk to a server with API version %s, but the remote version is %v.", apiVersion, v))
		c.exit = exitNotInstalled
		return false, nil
	}
	return true, nil
}

// setExitFromFault is supervisorctl's set_exitstatus_from_xmlrpc_fault.
func (c *controller) setExitFromFault(code, ignored int) {
	switch code {
	case ignored, program.FaultSuccess:
	case program.FaultSpawnError, program.FaultAbnormalTermination, program.FaultNotRunning:
		c.exit = exitNotRunning
	default:
		c.exit = exitGeneric
	}
}

func (c *controller) help(topic string) {
	text, _ := ctlHelp(topic)
	fmt.Fprint(c.env.stdout, text)
}

func (c *controller) doHelp(arg string) error {
	switch {
	case arg == "":
		fmt.Fprint(c.env.stdout, ctlHelpList)
	case strings.TrimSpace(arg) == "help":
		c.help("help")
	default:
		if _, ok := ctlHelp(arg); ok {
			c.help(arg)
		} else {
			c.output("*** No help on " + arg)
		}
	}
	return nil
}

// result is one entry of a group or "all" result array, or a fault of a
// single-process call put in the same shape.
type result struct {
	name, group, description string
	status                   int
}

func (r result) namespec() string { return makeNamespec(r.group, r.name) }

func faultResult(err error, name string) (result, bool) {
	var f *rpcFault
	if !errors.As(err, &f) {
		return result{}, false
	}
	group, proc := splitNamespec(name)
	if proc == "" {
		proc = "None" // Python formats the missing process name of "g:*" so
	}
	return result{name: proc, group: group, status: f.Code, description: f.String}, true
}

func toResults(v any) []result {
	list, _ := v.([]any)
	out := make([]result, 0, len(list))
	for _, e := range list {
		s, _ := e.(Struct)
		out = append(out, result{name: str(s, "name"), group: str(s, "group"), status: num(s, "status"), description: str(s, "description")})
	}
	return out
}

func toStructs(v any) []Struct {
	list, _ := v.([]any)
	out := make([]Struct, 0, len(list))
	for _, e := range list {
		s, _ := e.(Struct)
		out = append(out, s)
	}
	return out
}

func str(s Struct, key string) string {
	v, _ := s.Get(key)
	if t, ok := v.(string); ok {
		return t
	}
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func num(s Struct, key string) int {
	v, _ := s.Get(key)
	n, _ := v.(int)
	return n
}

func truthy(s Struct, key string) bool {
	v, _ := s.Get(key)
	return argBool([]any{v}, 0)
}

package control

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/supinit/supinit/program"
)

// defaultTailBytes is how much tail and maintail show without -N.
const defaultTailBytes = 1600

func (c *controller) doTail(arg string) error {
	if ok, err := c.upcheck(); !ok {
		return err
	}
	args := strings.Fields(arg)
	if len(args) < 1 || len(args) > 3 {
		c.output(map[bool]string{true: "Error: too few arguments", false: "Error: too many arguments"}[len(args) < 1])
		c.exit = exitGeneric
		c.help("tail")
		return nil
	}
	modifier := ""
	if strings.HasPrefix(args[0], "-") {
		modifier, args = args[0], args[1:]
	}
	var name, channel string
	switch {
	case len(args) == 1:
		name, channel = args[0], "stdout"
	case len(args) == 0:
		c.output("Error: tail requires process name")
		c.exit = exitGeneric
		return nil
	default:
		name, channel = args[0], strings.ToLower(args[len(args)-1])
		if channel != "stdout" && channel != "stderr" {
			c.output("Error: bad channel " + pyRepr(channel))
			c.exit = exitGeneric
			return nil
		}
	}
	n := defaultTailBytes
	if modifier != "" {
		if modifier == "-f" {
			return c.tailf("/logtail/" + name + "/" + channel)
		}
		v, err := strconv.Atoi(modifier[1:])
		if err != nil {
			c.output("Error: bad argument " + modifier)
			c.exit = exitGeneric
			return nil
		}
		n = v
	}
	method := "supervisor.readProcessStdoutLog"
	if channel == "stderr" {
		method = "supervisor.readProcessStderrLog"
	}
	v, err := c.call(method, name, -n, 0)
	if err != nil {
		code, ok := faultCode(err)
		if !ok {
			return err
		}
		c.exit = exitGeneric
		switch code {
		case program.FaultNoFile:
			c.output(name + ": ERROR (no log file)")
		case program.FaultFailed:
			c.output(name + ": ERROR (unknown error reading log)")
		case program.FaultBadName:
			c.output(name + ": ERROR (no such process name)")
		default:
			return err
		}
		return nil
	}
	c.output(fmt.Sprint(v))
	return nil
}

func (c *controller) doMaintail(arg string) error {
	if ok, err := c.upcheck(); !ok {
		return err
	}
	args := strings.Fields(arg)
	n := defaultTailBytes
	switch {
	case len(args) > 1:
		c.output("Error: too many arguments")
		c.exit = exitGeneric
		c.help("maintail")
		return nil
	case len(args) == 1:
		if args[0] == "-f" {
			return c.tailf("/mainlogtail")
		}
		v, err := strconv.Atoi(strings.TrimPrefix(args[0], "-"))
		if !strings.HasPrefix(args[0], "-") || err != nil {
			c.output("Error: bad argument " + args[0])
			c.exit = exitGeneric
			return nil
		}
		n = v
	}
	v, err := c.call("supervisor.readLog", -n, 0)
	if err != nil {
		code, ok := faultCode(err)
		if !ok {
			return err
		}
		c.exit = exitGeneric
		switch code {
		case program.FaultNoFile:
			c.output("supervisord: ERROR (no log file)")
		case program.FaultFailed:
			c.output("supervisord: ERROR (unknown error reading log)")
		default:
			return err
		}
		return nil
	}
	c.output(fmt.Sprint(v))
	return nil
}

// tailf streams a log until the server closes the stream or the user
// presses Ctrl-C (then a newline, as supervisorctl prints).
func (c *controller) tailf(path string) error {
	c.output("==> Press Ctrl-C to exit <==")
	ctx, stop := c.env.interrupt()
	defer stop()
	c.stream(ctx, path)
	if ctx.Err() != nil {
		c.output("")
	}
	return nil
}

// stream copies one GET stream to stdout; problems go to stderr as
// supervisorctl's HTTP client reports them.
func (c *controller) stream(ctx context.Context, path string) {
	cl, err := c.rpc()
	if err != nil {
		fmt.Fprintf(c.env.stderr, "%s%s Cannot connect, error: %v\n", c.opts.serverURL, path, err)
		return
	}
	body, err := cl.get(ctx, path)
	var pe *protocolError
	switch {
	case errors.As(err, &pe):
		fmt.Fprintf(c.env.stderr, "%s Cannot read, status code %d\n", pe.url, pe.code)
		return
	case err != nil:
		if ctx.Err() == nil {
			class, msg := pyException(err)
			fmt.Fprintf(c.env.stderr, "%s%s Cannot connect, error: <class '%s'> (%s)\n", c.opts.serverURL, path, class, msg)
		}
		return
	}
	defer body.Close()
	io.Copy(c.env.stdout, body)
}

// doFg attaches to a running process: its output streams to stdout and
// each line of input goes to its stdin, until input ends or Ctrl-C.
func (c *controller) doFg(arg string) error {
	if ok, err := c.upcheck(); !ok {
		return err
	}
	names := strings.Fields(arg)
	switch {
	case len(names) == 0:
		c.output("ERROR: no process name supplied")
		c.exit = exitGeneric
		c.help("fg")
		return nil
	case len(names) > 1:
		c.output("ERROR: too many process names supplied")
		c.exit = exitGeneric
		return nil
	}
	name := names[0]
	running, err := c.isRunning(name)
	if err != nil {
		if code, ok := faultCode(err); ok && code == program.FaultBadName {
			c.output("ERROR: bad process name supplied")
			c.exit = exitGeneric
			return nil
		}
		c.output("ERROR: " + err.Error())
		return nil
	}
	if !running {
		c.output("ERROR: process not running")
		c.exit = exitGeneric
		return nil
	}
	c.output("==> Press Ctrl-C to exit <==")
	ctx, stop := c.env.interrupt()
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, ch := range []string{"stdout", "stderr"} {
		wg.Add(1)
		go func() { defer wg.Done(); c.stream(ctx, "/logtail/"+name+"/"+ch) }()
	}
	defer func() { cancel(); wg.Wait() }()
	lines := make(chan string)
	go func() {
		defer close(lines)
		for {
			line, err := c.in.ReadString('\n')
			if err != nil {
				return
			}
			select {
			case lines <- line:
			case <-ctx.Done():
				return
			}
		}
	}()
	for {
		var line string
		var ok bool
		select {
		case line, ok = <-lines:
		case <-ctx.Done():
		}
		if !ok {
			c.output("Exiting foreground")
			return nil
		}
		if _, err := c.call("supervisor.sendProcessStdin", name, line); err != nil {
			if code, ok := faultCode(err); ok && code == program.FaultNotRunning {
				c.output("Process got killed")
			} else {
				c.output("ERROR: " + err.Error())
			}
			c.output("Exiting foreground")
			return nil
		}
		if running, err := c.isRunning(name); err != nil || !running {
			c.output("Process got killed")
			c.output("Exiting foreground")
			return nil
		}
	}
}

func (c *controller) isRunning(name string) (bool, error) {
	v, err := c.call("supervisor.getProcessInfo", name)
	if err != nil {
		return false, err
	}
	in, _ := v.(Struct)
	return program.State(num(in, "state")) == program.Running, nil
}

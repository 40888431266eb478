package control

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
)

// Exit statuses of supervisorctl (LSB init script codes; status uses 3
// and 4 its own way).
const (
	exitOK           = 0
	exitGeneric      = 1
	exitInvalidArgs  = 2
	exitUnimpl       = 3
	exitPrivileges   = 4
	exitNotInstalled = 5
	exitNotRunning   = 7

	statusNotRunning = 3
	statusUnknown    = 4
)

// defaultServerURL is supervisorctl's default.
const defaultServerURL = "http://localhost:9001"

// Ctl is `supinit ctl` and the `supervisorctl` alias: it takes
// supervisorctl's arguments (without the program name), prints what
// supervisorctl 4.2.5 prints and returns its exit status. With no command
// it reads commands from stdin, as the interactive shell does.
func Ctl(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := ctlEnv{
		stdin: stdin, stdout: stdout, stderr: stderr,
		progname:  progname(),
		argv0:     os.Args[0],
		environ:   os.Environ(),
		interrupt: interruptContext,
	}
	return runCtl(args, env)
}

// ctlEnv is everything Ctl takes from its process, so tests can run it
// in-process.
type ctlEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	progname       string // for "For help, use ... -h"
	argv0          string // where supervisorctl starts its config search
	environ        []string
	// interrupt gives a context that ends on Ctrl-C, for tail -f.
	interrupt func() (context.Context, func())
}

func interruptContext() (context.Context, func()) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

func progname() string {
	if filepath.Base(os.Args[0]) == "supervisorctl" {
		return os.Args[0]
	}
	return os.Args[0] + " ctl"
}

// controller is supervisorctl's Controller: options, the connection, the
// exit status so far.
type controller struct {
	env    ctlEnv
	opts   *ctlOptions
	in     *bufio.Reader
	client *rpcClient
	exit   int
}

func runCtl(args []string, env ctlEnv) int {
	opts, code, err := parseCtlArgs(args, env)
	if err != nil {
		fmt.Fprintf(env.stderr, "Error: %s\nFor help, use %s -h\n", err, env.progname)
		return exitInvalidArgs
	}
	if code >= 0 {
		return code
	}
	c := &controller{env: env, opts: opts, in: bufio.NewReader(env.stdin)}
	defer func() {
		if c.client != nil {
			c.client.close()
		}
	}()
	if len(opts.command) > 0 {
		c.onecmd(strings.Join(opts.command, " "))
		return c.exit
	}
	c.cmdloop()
	return exitOK // the interactive shell always exits 0
}

func (c *controller) output(s string) { fmt.Fprintln(c.env.stdout, s) }

// rpc returns the connection, made on first use.
func (c *controller) rpc() (*rpcClient, error) {
	if c.client == nil {
		cl, err := newRPCClient(c.opts.serverURL, c.opts.username, c.opts.password)
		if err != nil {
			return nil, err
		}
		c.client = cl
	}
	return c.client, nil
}

func (c *controller) call(method string, params ...any) (any, error) {
	cl, err := c.rpc()
	if err != nil {
		return nil, err
	}
	return cl.call(method, params...)
}

// cmdloop is the interactive shell: a status first, then a prompt per
// line until end of input.
func (c *controller) cmdloop() {
	c.onecmd("status")
	for {
		fmt.Fprint(c.env.stdout, c.opts.prompt+"> ")
		line, err := c.in.ReadString('\n')
		if err != nil && line == "" {
			c.output("") // cmd.Cmd's do_EOF
			return
		}
		if c.onecmd(strings.TrimRight(line, "\r\n")) {
			return
		}
	}
}

// readLine prompts and reads one line of input (for the shell's
// questions); ok is false at end of input.
func (c *controller) readLine(prompt string) (string, bool) {
	fmt.Fprint(c.env.stdout, prompt)
	line, err := c.in.ReadString('\n')
	if err != nil && line == "" {
		return "", false
	}
	return strings.TrimRight(line, "\r\n"), true
}

// onecmd runs one command line as cmd.Cmd does; it reports whether the
// shell should end (quit, exit, EOF).
func (c *controller) onecmd(line string) bool {
	line = strings.TrimSpace(line)
	if line == "" {
		return false
	}
	if line[0] == '?' {
		line = "help " + line[1:]
	}
	i := 0
	for i < len(line) && isIdentChar(line[i]) {
		i++
	}
	name, arg := line[:i], strings.TrimSpace(line[i:])
	cmd, ok := c.commands()[name]
	if name == "" || !ok {
		c.output("*** Unknown syntax: " + line)
		c.exit = exitGeneric
		return false
	}
	quit, err := cmd(arg)
	if err == nil {
		return quit
	}
	if pe, ok := err.(*protocolError); ok && pe.code == 401 {
		c.output("Server requires authentication")
		if c.opts.interactive {
			user, _ := c.readLine("Username:")
			pass, _ := c.readLine("Password:")
			c.output("")
			c.opts.username, c.opts.password = &user, &pass
			c.client = nil
			return c.onecmd(line)
		}
		c.exit = exitGeneric
		return false
	}
	class, msg := pyException(err)
	c.output(fmt.Sprintf("error: <class '%s'>, %s", class, msg))
	c.exit = exitGeneric
	return false
}

func isIdentChar(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

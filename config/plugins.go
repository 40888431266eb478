package config

import (
	"fmt"
	"regexp"
	"strings"
)

// supervisord runs Python code named in its config: the factory of each
// [rpcinterface:x] and the result_handler of each event listener pool. It
// imports them at start-up and stops when it cannot. supinit runs no
// Python: it knows the standard ones by name and warns about the others,
// so a config that relies on a plugin is not silently half-served.

// entryPoint is the syntax pkg_resources accepts for "module:attr".
var entryPoint = regexp.MustCompile(`^[\w.]+\s*(:\s*[\w.]+)?\s*(\[.*\])?\s*$`)

// entryPointName is an entry point without the spaces pkg_resources
// allows around its parts and without its [extras], which supervisord's
// resolve() ignores: "a.b : c [x]" names the same code as "a.b:c". The
// model keeps this form, so the runtime recognises what config does.
func entryPointName(s string) string {
	if i := strings.IndexByte(s, '['); i >= 0 {
		s = s[:i]
	}
	return strings.Join(strings.Fields(s), "")
}

const (
	standardRPCFactory   = "supervisor.rpcinterface:make_main_rpcinterface"
	defaultResultHandler = "supervisor.dispatchers:default_handler"
)

// knownResultHandlers are the result handlers supinit emulates (see
// package events): supervisord's default and the supervisor_stdout
// package's, which is taken as installed.
var knownResultHandlers = map[string]bool{
	defaultResultHandler:              true,
	"supervisor_stdout:event_handler": true,
}

// rpcFactoryWarning is "" for the standard interface's factory.
func rpcFactoryWarning(factory string) string {
	if entryPointName(factory) == standardRPCFactory {
		return ""
	}
	return fmt.Sprintf("supervisord imports %s at start-up and fails if it cannot; supinit provides only the standard interface (%s), so whatever this factory adds is missing",
		factory, standardRPCFactory)
}

// resultHandlerWarning is "" for a handler supinit emulates. It says what
// the supervisor does with the others: it cannot run them, and rejecting
// would redeliver the same event forever, so every result is accepted.
func resultHandlerWarning(handler string) string {
	if knownResultHandlers[entryPointName(handler)] {
		return ""
	}
	return fmt.Sprintf("supervisord imports %s at start-up and fails if it cannot; supinit cannot run it and takes every result as accepted (unlike the default handler, which redelivers an event unless the listener answers OK)",
		handler)
}

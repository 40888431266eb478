package control

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/supinit/supinit/program"
)

// method is one XML-RPC method: its signature (which also checks the
// argument count), its help text and its implementation.
type method struct {
	ret      string   // XML-RPC type of the result, for methodSignature
	params   []string // XML-RPC types of the parameters
	optional int      // how many trailing parameters may be left out
	help     string
	// noStateCheck marks the one method supervisord serves while shutting
	// down (sendRemoteCommEvent skips its _update).
	noStateCheck bool
	call         func(ctx context.Context, args []any) (any, error)
}

// call dispatches one method call. It returns the value to send, or a
// *program.Fault. Names must be exactly "namespace.method", as supervisord
// insists since CVE-2017-11610.
func (s *Server) call(ctx context.Context, name string, args []any) (any, error) {
	parts := strings.Split(name, ".")
	if len(parts) != 2 || strings.HasPrefix(parts[1], "_") {
		return nil, program.NewFault(program.FaultUnknownMethod, "")
	}
	m, ok := s.methods[name]
	if !ok {
		return nil, program.NewFault(program.FaultUnknownMethod, "")
	}
	if len(args) < len(m.params)-m.optional || len(args) > len(m.params) {
		return nil, program.NewFault(program.FaultIncorrectParameters, "")
	}
	if parts[0] == "supervisor" && !m.noStateCheck {
		// supervisord's _update: nothing but SHUTDOWN_STATE once the
		// supervisor is stopping or restarting.
		if code, _ := s.backend.State(); code < 1 {
			return nil, program.NewFault(program.FaultShutdownState, "")
		}
	}
	v, err := m.call(ctx, args)
	if err != nil {
		return nil, asFault(err)
	}
	return v, nil
}

// asFault maps any error to a fault: faults pass through, argument
// errors are INCORRECT_PARAMETERS, anything else is FAILED.
func asFault(err error) *program.Fault {
	var f *program.Fault
	if errors.As(err, &f) {
		return f
	}
	var a *argError
	if errors.As(err, &a) {
		return program.NewFault(program.FaultIncorrectParameters, "")
	}
	return program.NewFault(program.FaultFailed, err.Error())
}

// argError is a parameter of the wrong type (Python raises TypeError,
// which supervisord reports as INCORRECT_PARAMETERS).
type argError struct{ msg string }

func (e *argError) Error() string { return e.msg }

// argString reads parameter i as a string (base64 bytes are accepted, as
// supervisord decodes them to str).
func argString(args []any, i int) (string, error) {
	switch v := args[i].(type) {
	case string:
		return v, nil
	case []byte:
		return string(v), nil
	}
	return "", &argError{fmt.Sprintf("parameter %d must be a string, not %T", i+1, args[i])}
}

// argInt reads parameter i as Python's int() would: an int, a bool, a
// float (truncated toward zero) or a string holding a decimal number.
func argInt(args []any, i int) (int64, error) {
	switch v := args[i].(type) {
	case int:
		return int64(v), nil
	case bool:
		if v {
			return 1, nil
		}
		return 0, nil
	case string:
		if n, ok := pyInt(v); ok {
			return n, nil
		}
	case float64:
		if !math.IsNaN(v) && math.Abs(v) < math.MaxInt64 {
			return int64(v), nil
		}
	}
	return 0, &argError{fmt.Sprintf("parameter %d must be an int", i+1)}
}

// pyInt parses s as Python's int() parses a string: surrounding spaces,
// an optional sign, decimal digits with single underscores between them.
func pyInt(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	digits := strings.TrimLeft(s, "+-")
	if len(s)-len(digits) > 1 || digits == "" || digits[0] == '_' || digits[len(digits)-1] == '_' || strings.Contains(digits, "__") {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(s, "_", ""), 10, 64)
	return n, err == nil
}

// argBool reads optional parameter i with Python truthiness, true when
// absent (every wait= defaults to true).
func argBool(args []any, i int) bool {
	if i >= len(args) {
		return true
	}
	switch v := args[i].(type) {
	case bool:
		return v
	case int:
		return v != 0
	case float64:
		return v != 0
	case string:
		return v != ""
	case []any:
		return len(v) > 0
	case Struct:
		return len(v) > 0
	case []byte:
		return len(v) > 0
	}
	return true
}

// splitNamespec is supervisord's split_namespec: "g:p" is (g, p), "g:*"
// and "g:" are (g, "") meaning the whole group, "p" is (p, p).
func splitNamespec(name string) (group, proc string) {
	g, p, ok := strings.Cut(name, ":")
	if !ok {
		return name, name
	}
	if p == "*" {
		p = ""
	}
	return g, p
}

// makeNamespec is supervisord's make_namespec.
func makeNamespec(group, proc string) string {
	if group == proc {
		return proc
	}
	return group + ":" + proc
}

func (s *Server) listMethods() []string {
	names := make([]string, 0, len(s.methods))
	for n := range s.methods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

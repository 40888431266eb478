package control

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/supinit/supinit/program"
)

// parseSignal reads a signal parameter as supervisord's signal_number
// does: whatever Python's int() takes (an int, a bool, a float truncated
// toward zero, a decimal string), else a name with or without "SIG", in
// any case. The numbers Python's signal module knows are 1..31, SIGRTMIN
// (34) and SIGRTMAX (64), and 0 too (its SIG_DFL), so "signal 0" checks
// that a process exists, as kill -0 does.
func parseSignal(v any) (syscall.Signal, bool) {
	var s string
	switch v := v.(type) {
	case int:
		return validSignal(int64(v))
	case bool:
		if v {
			return validSignal(1)
		}
		return validSignal(0)
	case float64:
		// NaN and the infinities have no int() (supervisord fails with
		// HTTP 500, supinit says BAD_SIGNAL); nothing beyond int64 is a
		// signal.
		if math.IsNaN(v) || math.Abs(v) >= math.MaxInt64 {
			return 0, false
		}
		return validSignal(int64(v))
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return 0, false
	}
	if n, ok := pyInt(s); ok {
		return validSignal(n)
	}
	name := strings.ToUpper(strings.TrimSpace(s))
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	switch name {
	case "SIGRTMIN":
		return 34, true
	case "SIGRTMAX":
		return 64, true
	case "SIGCLD":
		return syscall.SIGCHLD, true
	case "SIGPOLL":
		return syscall.SIGIO, true
	case "SIGIOT":
		return syscall.SIGABRT, true
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, true
	}
	return 0, false
}

func validSignal(n int64) (syscall.Signal, bool) {
	if n >= 0 && n <= 31 || n == 34 || n == 64 {
		return syscall.Signal(n), true
	}
	return 0, false
}

// pyStr formats a decoded XML-RPC value as Python's str() would, for the
// detail of a fault that quotes a parameter and for the text of an event.
func pyStr(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v) // supervisord's decoder turns base64 into a str
	case bool:
		if v {
			return "True"
		}
		return "False"
	case float64:
		return pyFloat(v)
	case nil:
		return "None"
	case time.Time:
		return v.Format("2006-01-02 15:04:05") // a datetime's str()
	case []any:
		items := make([]string, len(v))
		for i, e := range v {
			items[i] = pyElem(e)
		}
		return "[" + strings.Join(items, ", ") + "]"
	case Struct:
		items := make([]string, len(v))
		for i, m := range v {
			items[i] = pyRepr(m.Name) + ": " + pyElem(m.Value)
		}
		return "{" + strings.Join(items, ", ") + "}"
	}
	return fmt.Sprint(v)
}

// pyElem is an element inside a list or dict's str(): strings quoted.
func pyElem(v any) string {
	switch v := v.(type) {
	case string:
		return pyRepr(v)
	case []byte:
		return pyRepr(string(v))
	}
	return pyStr(v)
}

func (s *Server) signalProcess(_ context.Context, args []any) (any, error) {
	name, err := argString(args, 0)
	if err != nil {
		return nil, err
	}
	group, proc := splitNamespec(name)
	if proc == "" {
		res, err := s.signalGroup(group, args[1])
		var f *program.Fault
		if errors.As(err, &f) && f.Code == program.FaultBadName {
			return nil, program.NewFault(program.FaultBadName, name)
		}
		return res, err
	}
	sig, ok := parseSignal(args[1])
	if !ok {
		// supervisord resolves the name before it looks at the signal.
		if _, err := s.backend.ProcessInfo(name); err != nil {
			return nil, err
		}
		return nil, program.NewFault(program.FaultBadSignal, pyStr(args[1]))
	}
	return true, s.backend.SignalProcess(name, sig)
}

func (s *Server) signalProcessGroup(_ context.Context, args []any) (any, error) {
	name, err := argString(args, 0)
	if err != nil {
		return nil, err
	}
	return s.signalGroup(name, args[1])
}

func (s *Server) signalAllProcesses(_ context.Context, args []any) (any, error) {
	sig, ok := parseSignal(args[0])
	if !ok {
		return s.badSignalResults("", args[0])
	}
	res, err := s.backend.SignalAllProcesses(sig)
	return resultsOrErr(res, err)
}

func (s *Server) signalGroup(group string, rawSig any) (any, error) {
	sig, ok := parseSignal(rawSig)
	if !ok {
		return s.badSignalResults(group, rawSig)
	}
	res, err := s.backend.SignalProcessGroup(group, sig)
	return resultsOrErr(res, err)
}

// badSignalResults is what supervisord answers for a group or "all" and
// a bad signal: a BAD_SIGNAL result for each process it would have
// signalled, BAD_NAME for an unknown group.
func (s *Server) badSignalResults(group string, rawSig any) (any, error) {
	infos, err := s.backend.AllProcessInfo()
	if err != nil {
		return nil, err
	}
	sortInfos(infos)
	found := false
	var res []program.Result
	for _, in := range infos {
		if group != "" && in.Group != group {
			continue
		}
		found = true
		if in.State.IsSignallable() {
			res = append(res, program.Result{Name: in.Name, Group: in.Group, Status: program.FaultBadSignal,
				Description: program.NewFault(program.FaultBadSignal, pyStr(rawSig)).Error()})
		}
	}
	if group != "" && !found {
		return nil, program.NewFault(program.FaultBadName, group)
	}
	return results(res), nil
}

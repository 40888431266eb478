package control

import (
	"context"
	"errors"
	"math"
	"sort"
	"time"

	"github.com/supinit/supinit/program"
)

func (s *Server) getState(context.Context, []any) (any, error) {
	code, name := s.backend.State()
	return Struct{{"statecode", code}, {"statename", name}}, nil
}

func (s *Server) shutdown(context.Context, []any) (any, error) {
	return true, s.backend.Shutdown()
}

func (s *Server) restart(context.Context, []any) (any, error) {
	return true, s.backend.Restart()
}

func (s *Server) reloadConfig(context.Context, []any) (any, error) {
	added, changed, removed, err := s.backend.ReloadConfig()
	if err != nil {
		return nil, err
	}
	// One element, as supervisord has always sent it.
	return []any{[]any{strs(added), strs(changed), strs(removed)}}, nil
}

func strs(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func (s *Server) addProcessGroup(_ context.Context, args []any) (any, error) {
	name, err := argString(args, 0)
	if err != nil {
		return nil, err
	}
	return true, s.backend.AddProcessGroup(name)
}

func (s *Server) removeProcessGroup(_ context.Context, args []any) (any, error) {
	name, err := argString(args, 0)
	if err != nil {
		return nil, err
	}
	return true, s.backend.RemoveProcessGroup(name)
}

// groupCall runs fn for "g:*"-style names, as supervisord's per-process
// methods hand such names to the group method; an unknown group is then
// BAD_NAME for the name as given.
func groupCall(name string, fn func() ([]program.Result, error)) (any, error) {
	res, err := fn()
	var f *program.Fault
	if errors.As(err, &f) && f.Code == program.FaultBadName {
		return nil, program.NewFault(program.FaultBadName, name)
	}
	if err != nil {
		return nil, err
	}
	return results(res), nil
}

func (s *Server) startProcess(ctx context.Context, args []any) (any, error) {
	name, err := argString(args, 0)
	if err != nil {
		return nil, err
	}
	wait := argBool(args, 1)
	if group, proc := splitNamespec(name); proc == "" {
		return groupCall(name, func() ([]program.Result, error) { return s.backend.StartProcessGroup(ctx, group, wait) })
	}
	return true, s.backend.StartProcess(ctx, name, wait)
}

func (s *Server) startProcessGroup(ctx context.Context, args []any) (any, error) {
	name, err := argString(args, 0)
	if err != nil {
		return nil, err
	}
	res, err := s.backend.StartProcessGroup(ctx, name, argBool(args, 1))
	return resultsOrErr(res, err)
}

func (s *Server) startAllProcesses(ctx context.Context, args []any) (any, error) {
	res, err := s.backend.StartAllProcesses(ctx, argBool(args, 0))
	return resultsOrErr(res, err)
}

func (s *Server) stopProcess(ctx context.Context, args []any) (any, error) {
	name, err := argString(args, 0)
	if err != nil {
		return nil, err
	}
	wait := argBool(args, 1)
	if group, proc := splitNamespec(name); proc == "" {
		return groupCall(name, func() ([]program.Result, error) { return s.backend.StopProcessGroup(ctx, group, wait) })
	}
	return true, s.backend.StopProcess(ctx, name, wait)
}

func (s *Server) stopProcessGroup(ctx context.Context, args []any) (any, error) {
	name, err := argString(args, 0)
	if err != nil {
		return nil, err
	}
	res, err := s.backend.StopProcessGroup(ctx, name, argBool(args, 1))
	return resultsOrErr(res, err)
}

func (s *Server) stopAllProcesses(ctx context.Context, args []any) (any, error) {
	res, err := s.backend.StopAllProcesses(ctx, argBool(args, 0))
	return resultsOrErr(res, err)
}

func (s *Server) getProcessInfo(_ context.Context, args []any) (any, error) {
	name, err := argString(args, 0)
	if err != nil {
		return nil, err
	}
	if _, proc := splitNamespec(name); proc == "" {
		return nil, program.NewFault(program.FaultBadName, name)
	}
	info, err := s.backend.ProcessInfo(name)
	if err != nil {
		return nil, err
	}
	return infoStruct(info), nil
}

func (s *Server) getAllProcessInfo(context.Context, []any) (any, error) {
	infos, err := s.backend.AllProcessInfo()
	if err != nil {
		return nil, err
	}
	sortInfos(infos)
	out := make([]any, len(infos))
	for i, in := range infos {
		out[i] = infoStruct(in)
	}
	return out, nil
}

func (s *Server) sendProcessStdin(ctx context.Context, args []any) (any, error) {
	name, err := argString(args, 0)
	if err != nil {
		return nil, err
	}
	chars, err := argString(args, 1)
	if err != nil {
		return nil, program.NewFault(program.FaultIncorrectParameters, pyStr(args[1]))
	}
	return true, s.backend.SendProcessStdin(ctx, name, []byte(chars))
}

// sendRemoteCommEvent takes parameters of any type, as supervisord does:
// it formats them into the event's text with str().
func (s *Server) sendRemoteCommEvent(_ context.Context, args []any) (any, error) {
	return true, s.backend.SendRemoteCommEvent(pyStr(args[0]), pyStr(args[1]))
}

// sortInfos orders processes as getAllProcessInfo does: lexically by
// group name, then process name.
func sortInfos(infos []program.Info) {
	sort.SliceStable(infos, func(i, j int) bool {
		if infos[i].Group != infos[j].Group {
			return infos[i].Group < infos[j].Group
		}
		return infos[i].Name < infos[j].Name
	})
}

// infoStruct is supervisord's getProcessInfo struct, keys in its order.
func infoStruct(in program.Info) Struct {
	desc := in.Description
	if desc == "" {
		desc = program.Describe(in, time.Local)
	}
	return Struct{
		{"name", in.Name},
		{"group", in.Group},
		{"start", cappedInt(in.Start)},
		{"stop", cappedInt(in.Stop)},
		{"now", cappedInt(in.Now)},
		{"state", int(in.State)},
		{"statename", in.State.String()},
		{"spawnerr", in.SpawnErr},
		{"exitstatus", in.ExitStatus},
		{"logfile", in.StdoutLogfile}, // supervisord's old name for stdout_logfile
		{"stdout_logfile", in.StdoutLogfile},
		{"stderr_logfile", in.StderrLogfile},
		{"pid", in.Pid},
		{"description", desc},
	}
}

// cappedInt clamps to int32 as supervisord's capped_int does: XML-RPC
// ints are 32-bit (timestamps saturate in 2038).
func cappedInt(v int64) int {
	if v > math.MaxInt32 {
		return math.MaxInt32
	}
	if v < math.MinInt32 {
		return math.MinInt32
	}
	return int(v)
}

func resultsOrErr(res []program.Result, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return results(res), nil
}

func results(res []program.Result) []any {
	out := make([]any, len(res))
	for i, r := range res {
		out[i] = Struct{{"name", r.Name}, {"group", r.Group}, {"status", r.Status}, {"description", r.Description}}
	}
	return out
}

package control

import (
	"context"
	"errors"

	"github.com/supinit/supinit/logs"
	"github.com/supinit/supinit/program"
)

func (s *Server) readLog(_ context.Context, args []any) (any, error) {
	offset, length, err := offsetLength(args, 0)
	if err != nil {
		return nil, err
	}
	r := s.backend.MainLog()
	if r == nil {
		return nil, program.NewFault(program.FaultNoFile, "")
	}
	return readFile(r, offset, length)
}

func (s *Server) clearLog(context.Context, []any) (any, error) {
	r := s.backend.MainLog()
	if r == nil {
		return nil, program.NewFault(program.FaultNoFile, "")
	}
	if err := r.Clear(); err != nil {
		return nil, failed(err, "")
	}
	return true, nil
}

// processLog resolves a per-process log, refusing "g:*" names as
// supervisord's _getGroupAndProcess does.
func (s *Server) processLog(name, channel string) (logs.Reader, error) {
	if _, proc := splitNamespec(name); proc == "" {
		return nil, program.NewFault(program.FaultBadName, name)
	}
	return s.backend.ProcessLog(name, channel)
}

func (s *Server) readProcessLog(channel string) func(context.Context, []any) (any, error) {
	return func(_ context.Context, args []any) (any, error) {
		name, err := argString(args, 0)
		if err != nil {
			return nil, err
		}
		offset, length, err := offsetLength(args, 1)
		if err != nil {
			return nil, err
		}
		r, err := s.processLog(name, channel)
		if err != nil {
			return nil, err
		}
		return readFile(r, offset, length)
	}
}

// readFile checks the arguments as supervisord's readFile does before it
// reads: a negative offset takes the last -offset bytes and needs
// length 0; a negative length is never allowed.
func readFile(r logs.Reader, offset, length int64) (any, error) {
	if offset < 0 && length != 0 || offset >= 0 && length < 0 {
		return nil, program.NewFault(program.FaultBadArguments, "")
	}
	data, err := r.ReadFile(offset, length)
	if err != nil {
		return nil, logFault(r, err)
	}
	return string(data), nil
}

// logFault maps a log read error to supervisord's fault: NO_FILE naming
// the file for a log file that is gone (deleted behind supinit's back),
// BAD_ARGUMENTS, or FAILED.
func logFault(r logs.Reader, err error) error {
	switch {
	case errors.Is(err, logs.ErrNoFile):
		path := ""
		if p, ok := r.(interface{ Path() string }); ok {
			path = p.Path()
		}
		return program.NewFault(program.FaultNoFile, path)
	case errors.Is(err, logs.ErrBadArguments):
		return program.NewFault(program.FaultBadArguments, "")
	}
	return failed(err, "")
}

func (s *Server) tailProcessLog(channel string) func(context.Context, []any) (any, error) {
	return func(_ context.Context, args []any) (any, error) {
		name, err := argString(args, 0)
		if err != nil {
			return nil, err
		}
		offset, length, err := offsetLength(args, 1)
		if err != nil {
			return nil, err
		}
		r, err := s.processLog(name, channel)
		var f *program.Fault
		if errors.As(err, &f) && f.Code == program.FaultNoFile {
			return []any{"", 0, false}, nil // supervisord's answer for a process without a log
		}
		if err != nil {
			return nil, err
		}
		data, size, overflow, err := r.TailFile(offset, length)
		if errors.Is(err, logs.ErrNoFile) {
			return []any{"", 0, false}, nil
		}
		if err != nil {
			return nil, logFault(r, err)
		}
		return []any{string(data), cappedInt(size), overflow}, nil
	}
}

func (s *Server) clearProcessLogs(_ context.Context, args []any) (any, error) {
	name, err := argString(args, 0)
	if err != nil {
		return nil, err
	}
	if _, proc := splitNamespec(name); proc == "" {
		return nil, program.NewFault(program.FaultBadName, name)
	}
	return true, s.clearBoth(name)
}

// clearBoth empties a process's stdout and stderr logs. A channel with no
// log has nothing to clear; any other failure is FAILED: name.
func (s *Server) clearBoth(name string) error {
	for _, ch := range []string{"stdout", "stderr"} {
		r, err := s.backend.ProcessLog(name, ch)
		var f *program.Fault
		if errors.As(err, &f) && f.Code == program.FaultNoFile {
			continue
		}
		if err != nil {
			return err
		}
		if err := r.Clear(); err != nil {
			return failed(err, name)
		}
	}
	return nil
}

func (s *Server) clearAllProcessLogs(context.Context, []any) (any, error) {
	infos, err := s.backend.AllProcessInfo()
	if err != nil {
		return nil, err
	}
	sortInfos(infos)
	res := make([]program.Result, 0, len(infos))
	for _, in := range infos {
		r := program.Result{Name: in.Name, Group: in.Group, Status: program.FaultSuccess, Description: "OK"}
		if err := s.clearBoth(makeNamespec(in.Group, in.Name)); err != nil {
			f := asFault(err)
			r.Status, r.Description = f.Code, f.Error()
		}
		res = append(res, r)
	}
	return results(res), nil
}

func offsetLength(args []any, i int) (offset, length int64, err error) {
	if offset, err = argInt(args, i); err != nil {
		return 0, 0, err
	}
	if length, err = argInt(args, i+1); err != nil {
		return 0, 0, err
	}
	return offset, length, nil
}

// failed keeps faults a log reader returns and turns anything else into
// FAILED (with detail, when supervisord gives one).
func failed(err error, detail string) error {
	var f *program.Fault
	if errors.As(err, &f) {
		return f
	}
	return program.NewFault(program.FaultFailed, detail)
}

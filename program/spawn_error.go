package program

import (
	"errors"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// SpawnErrorKind classifies why a process could not be started.
type SpawnErrorKind int

const (
	// SpawnErrNotFound: the command does not exist (exit code 127).
	SpawnErrNotFound SpawnErrorKind = iota + 1
	// SpawnErrNotExecutable: a directory, or a file with no x bit (126).
	SpawnErrNotExecutable
	// SpawnErrNoPermission: the file may not be executed by us (126).
	SpawnErrNoPermission
	// SpawnErrOther: anything else: bad user, bad directory, fork or exec
	// failure (1).
	SpawnErrOther
)

// SpawnError is a failed start. Msg is supervisord's spawnerr text, e.g.
// "can't find command 'x'".
type SpawnError struct {
	Kind SpawnErrorKind
	Msg  string
	Err  error // the underlying error, when there is one
}

func (e *SpawnError) Error() string { return e.Msg }

func (e *SpawnError) Unwrap() error { return e.Err }

// ExitCode is the code a shell (and tini) gives for this failure: 127 for
// a missing command, 126 for one that cannot be executed, 1 otherwise.
// A critical program that cannot start ends supinit with it.
func (e *SpawnError) ExitCode() int {
	switch e.Kind {
	case SpawnErrNotFound:
		return 127
	case SpawnErrNotExecutable, SpawnErrNoPermission:
		return 126
	}
	return 1
}

// ExecError turns an error of syscall.ForkExec, whose checks we already
// passed, into a SpawnError. The kernel's errno is all we get, so the
// step that failed (setuid, chdir, exec) is not known; our checks before
// the fork catch the usual causes with precise messages.
func ExecError(path string, err error) *SpawnError {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return &SpawnError{Kind: SpawnErrOther, Msg: "couldn't exec " + path + ": " + err.Error(), Err: err}
	}
	msg := "couldn't exec " + path + ": " + errnoName(errno)
	switch errno {
	case syscall.ENOENT:
		return &SpawnError{Kind: SpawnErrNotFound, Msg: msg, Err: err}
	case syscall.EACCES, syscall.EPERM:
		return &SpawnError{Kind: SpawnErrNoPermission, Msg: "no permission to run command " + pyRepr(path), Err: err}
	case syscall.ENOEXEC:
		return &SpawnError{Kind: SpawnErrNotExecutable, Msg: msg, Err: err}
	}
	return &SpawnError{Kind: SpawnErrOther, Msg: msg, Err: err}
}

// errnoName is Python's errno.errorcode[n], which supervisord prints:
// "ENOENT".
func errnoName(errno syscall.Errno) string {
	if name := unix.ErrnoName(errno); name != "" {
		return name
	}
	return errno.Error()
}

// pyRepr quotes s as Python's repr() of a str does for the plain paths
// and names supervisord's messages show: single quotes, or double quotes
// when s holds a single quote and no double quote.
func pyRepr(s string) string {
	q := "'"
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = `"`
	}
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, q, `\`+q)
	return q + s + q
}

package program

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// DefaultPath is searched when neither the program nor supinit has PATH,
// as supervisord does.
const DefaultPath = "/bin:/usr/bin:/usr/local/bin"

// LookPath resolves a command name as supervisord does before it forks:
// a name with a '/' is used as is, any other is searched in pathList
// (DefaultPath when empty), taking the first entry that exists. Then the
// file must exist, not be a directory, have an x bit, and be executable
// by us. The errors are *SpawnError with supervisord's texts.
func LookPath(name, pathList string) (string, error) {
	if name == "" {
		return "", &SpawnError{Kind: SpawnErrOther, Msg: "command is empty"}
	}
	file := name
	if !strings.Contains(name, "/") {
		if pathList == "" {
			pathList = DefaultPath
		}
		for _, dir := range filepath.SplitList(pathList) {
			candidate := filepath.Join(dir, name)
			if _, err := os.Stat(candidate); err == nil {
				file = candidate
				break
			}
		}
	}
	st, err := os.Stat(file)
	switch {
	case err != nil:
		return "", &SpawnError{Kind: SpawnErrNotFound, Msg: "can't find command " + pyRepr(file), Err: err}
	case st.IsDir():
		return "", &SpawnError{Kind: SpawnErrNotExecutable, Msg: "command at " + pyRepr(file) + " is a directory"}
	case st.Mode().Perm()&0o111 == 0:
		return "", &SpawnError{Kind: SpawnErrNotExecutable, Msg: "command at " + pyRepr(file) + " is not executable"}
	}
	if err := unix.Access(file, unix.X_OK); err != nil {
		if errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) {
			return "", &SpawnError{Kind: SpawnErrNoPermission, Msg: "no permission to run command " + pyRepr(file), Err: err}
		}
		return "", &SpawnError{Kind: SpawnErrOther, Msg: "couldn't check command " + pyRepr(file) + ": " + err.Error(), Err: err}
	}
	return file, nil
}

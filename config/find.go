package config

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Find looks for a config file the way supervisord does when it is given
// no -c: <argv0's folder's parent>/etc/supervisord.conf,
// <argv0's folder's parent>/supervisord.conf, ./supervisord.conf,
// ./etc/supervisord.conf, /etc/supervisord.conf and
// /etc/supervisor/supervisord.conf; then supinit.toml in the same places.
// The first that exists wins.
func Find(argv0 string) (string, error) {
	argv0 = binaryPath(argv0)
	var looked []string
	for _, name := range []string{"supervisord.conf", "supinit.toml"} {
		for _, p := range searchPaths(argv0, name) {
			looked = append(looked, p)
			if _, err := os.Stat(p); err == nil {
				return p, nil
			}
		}
	}
	return "", fmt.Errorf("no config file found (looked in: %s)", strings.Join(looked, ", "))
}

// binaryPath is the path supervisord's sys.argv[0] would hold. Started
// through $PATH, a program gets its bare name as argv[0], but Python's
// sys.argv[0] is the script's path as the shell found it; so a name
// without a '/' is looked up in $PATH. Symlinks are not followed: a link
// /usr/bin/supervisord -> /opt/supinit searches /usr/etc, as supervisord
// would.
func binaryPath(argv0 string) string {
	if argv0 == "" || strings.Contains(argv0, "/") {
		return argv0
	}
	// A match through a relative $PATH entry comes with ErrDot; the
	// relative path is still what the shell would have run.
	if p, err := exec.LookPath(argv0); err == nil || errors.Is(err, exec.ErrDot) {
		return p
	}
	return argv0
}

func searchPaths(argv0, name string) []string {
	here := filepath.Dir(filepath.Dir(argv0))
	return []string{
		filepath.Join(here, "etc", name),
		filepath.Join(here, name),
		name,
		filepath.Join("etc", name),
		filepath.Join("/etc", name),
		filepath.Join("/etc/supervisor", name),
	}
}

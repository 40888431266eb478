package config

import (
	"fmt"
	"os"
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

package config

import (
	"os"
	"path/filepath"
	"strings"
)

// LoadOptions says what Load may look at on this machine.
type LoadOptions struct {
	// Portable skips every check that depends on this machine (users,
	// groups and directories exist), for checking a config on a build
	// machine.
	Portable bool
	// Environ is the environment that %(ENV_X)s expands from; nil means
	// os.Environ().
	Environ []string
	// Hostname is %(host_node_name)s; "" means os.Hostname().
	Hostname string
}

func (o LoadOptions) environ() []string {
	if o.Environ == nil {
		return os.Environ()
	}
	return o.Environ
}

func (o LoadOptions) hostname() string {
	if o.Hostname != "" {
		return o.Hostname
	}
	h, _ := os.Hostname()
	return h
}

// Load reads the config file at path: the native TOML form when the name
// ends in ".toml", otherwise supervisord's INI dialect. Every error is an
// *Error naming the file, the line where the format gives one, the section
// and the option.
func Load(path string, opts LoadOptions) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, &Error{Pos: Position{File: path}, Msg: "cannot resolve path", Err: err}
	}
	if strings.HasSuffix(strings.ToLower(abs), ".toml") {
		return loadTOML(abs, opts)
	}
	return loadINI(abs, opts)
}

package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// loadTOML reads supinit's native TOML form: the model and option names of
// the INI form with native types (see DESIGN.md, "Native TOML form").
// Unlike the INI form, an unknown table or option is an error.
func loadTOML(abs string, opts LoadOptions) (*Config, error) {
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, &Error{Pos: Position{File: abs}, Msg: "cannot read config file", Err: err}
	}
	return parseTOML(abs, data, opts)
}

// parseTOML builds the model from the main file's contents; abs names the
// file in errors and anchors relative [include] patterns.
func parseTOML(abs string, data []byte, opts LoadOptions) (*Config, error) {
	main, err := decodeTOML(abs, data)
	if err != nil {
		return nil, err
	}
	r := newTOMLReader(opts)
	if err := r.addFile(main); err != nil {
		return nil, err
	}
	included, err := r.includes()
	if err != nil {
		return nil, err
	}
	for _, path := range included {
		// readIncluded refuses what is not a regular file of sane size:
		// a glob that reaches /dev/zero must not hang PID 1.
		data, err := readIncluded(path)
		if err != nil {
			return nil, r.single["include"].errorf("files", err, "cannot read included file %s: %v", path, err)
		}
		f, err := decodeTOML(path, data)
		if err != nil {
			return nil, err
		}
		if _, ok := f.doc["include"]; ok {
			return nil, (&tomlSection{file: f, key: toml.Key{"include"}}).errorf("", nil,
				"only the main config file may have an [include] table")
		}
		if err := r.addFile(f); err != nil {
			return nil, err
		}
	}
	c, err := r.build()
	if err != nil {
		return nil, err
	}
	c.File, c.Format, c.Included, c.Warnings = abs, "toml", included, r.warnings
	if err := c.finish(opts); err != nil {
		return nil, err
	}
	return c, nil
}

// decodeTOML parses one file; a syntax error names its line.
func decodeTOML(path string, data []byte) (*tomlFile, error) {
	f := &tomlFile{path: path, data: string(data)}
	md, err := toml.Decode(f.data, &f.doc)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &Error{Pos: Position{File: path, Line: pe.Position.Line}, Msg: "invalid TOML: " + pe.Message, Err: err}
		}
		return nil, &Error{Pos: Position{File: path}, Msg: "invalid TOML: " + err.Error(), Err: err}
	}
	f.keys = md.Keys()
	f.lines, f.literals = scanKeys(f.data)
	return f, nil
}

// tomlReader collects the tables of the main file and its includes and
// turns them into a Config.
type tomlReader struct {
	opts LoadOptions
	host string
	// env holds the ENV_X expansions: the environment supinit starts with,
	// then [supervisord] environment on top.
	env map[string]any
	// single holds [supervisord], [include] and the server tables.
	single map[string]*tomlSection
	// plural holds program, eventlistener, fcgi-program, group and
	// rpcinterface tables in the order they were read.
	plural   map[string][]*tomlSection
	main     *tomlFile
	warnings []Warning
}

func newTOMLReader(opts LoadOptions) *tomlReader {
	r := &tomlReader{
		opts:   opts,
		host:   opts.hostname(),
		env:    map[string]any{},
		single: map[string]*tomlSection{},
		plural: map[string][]*tomlSection{},
	}
	for _, kv := range opts.environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			r.env["ENV_"+k] = v
		}
	}
	return r
}

// addFile sorts one file's tables by kind. A table defined in two files is
// an error: TOML has no merging rule that would not surprise someone.
func (r *tomlReader) addFile(f *tomlFile) error {
	if r.main == nil {
		r.main = f
	}
	f.warnings = &r.warnings
	for _, top := range f.childKeys(nil) {
		whole := &tomlSection{file: f, key: toml.Key{top}}
		if !slices.Contains(tomlTables, top) {
			msg := "unknown table"
			if best := closestName(top, tomlTables); best != "" {
				msg += fmt.Sprintf(" (did you mean [%s]?)", best)
			}
			return whole.errorf("", nil, "%s", msg)
		}
		table, ok := f.doc[top].(map[string]any)
		if !ok {
			return whole.errorf("", nil, "expected a table, found %s", tomlTypeName(f.doc[top]))
		}
		switch top {
		case "program", "eventlistener", "fcgi-program", "group", "rpcinterface":
			for _, name := range f.childKeys(whole.key) {
				s := &tomlSection{file: f, key: toml.Key{top, name}}
				if s.vals, ok = table[name].(map[string]any); !ok {
					return s.errorf("", nil, "expected a table [%s], found %s", s.name(), tomlTypeName(table[name]))
				}
				if err := r.checkUnique(s, r.plural[top]); err != nil {
					return err
				}
				r.plural[top] = append(r.plural[top], s)
			}
		default:
			whole.vals = table
			if prev, dup := r.single[top]; dup {
				return whole.errorf("", nil, "the table is already defined in %s", prev.file.path)
			}
			r.single[top] = whole
		}
	}
	return nil
}

func (r *tomlReader) checkUnique(s *tomlSection, seen []*tomlSection) error {
	for _, prev := range seen {
		if prev.key[1] == s.key[1] {
			return s.errorf("", nil, "the table is already defined in %s", prev.file.path)
		}
	}
	return nil
}

// includes expands the main file's [include] files: glob patterns,
// relative ones against the main file's directory, each pattern's
// matches sorted.
func (r *tomlReader) includes() ([]string, error) {
	s := r.single["include"]
	if s == nil {
		return nil, nil
	}
	if err := s.checkKeys(tomlIncludeOptions); err != nil {
		return nil, err
	}
	here := filepath.Dir(r.main.path)
	v := &tomlValues{s: s, names: r.names(here)}
	var patterns []string
	if !v.list(&patterns, "files", strings.Fields) {
		if v.err != nil {
			return nil, v.err
		}
		return nil, s.errorf("", nil, "[include] has no files option")
	}
	var files []string
	for _, p := range patterns {
		if !filepath.IsAbs(p) {
			p = filepath.Join(here, p)
		}
		matches, err := filepath.Glob(p)
		if err != nil {
			return nil, s.errorf("files", err, "cannot use pattern %q: %v", p, err)
		}
		slices.Sort(matches)
		files = append(files, matches...)
	}
	return files, nil
}

// names returns the expansions every section sees: here, host_node_name
// and ENV_X.
func (r *tomlReader) names(here string) map[string]any {
	names := make(map[string]any, len(r.env)+2)
	for k, v := range r.env {
		names[k] = v
	}
	names["here"] = here
	names["host_node_name"] = r.host
	return names
}

// build reads every table, [supervisord] first since its environment
// feeds the ENV_X expansions of everything after it.
func (r *tomlReader) build() (*Config, error) {
	c := &Config{}
	var err error
	if c.Supervisord, err = r.supervisord(); err != nil {
		return nil, err
	}
	if err := r.servers(c); err != nil {
		return nil, err
	}
	for _, s := range r.plural["rpcinterface"] {
		rpc, err := r.rpcInterface(s)
		if err != nil {
			return nil, err
		}
		c.RPCInterfaces = append(c.RPCInterfaces, rpc)
	}
	if err := r.processes(c); err != nil {
		return nil, err
	}
	return c, nil
}

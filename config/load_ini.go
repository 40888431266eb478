package config

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
)

// iniLoader holds what reading one supervisord.conf needs: the merged
// document and the expansion names that grow while it is read.
type iniLoader struct {
	opts LoadOptions
	file string // the main file, absolute
	here string // its folder
	host string
	doc  *iniDoc
	// env is supervisord's environ_expansions: ENV_X for every variable
	// of the environment, then for every key of [supervisord]
	// environment= once that is parsed.
	env map[string]any
	cfg *Config

	// ctl is what supervisorctl reads [supervisorctl] from: the main
	// file alone (no [include], no %(here)s replaced in the text) and
	// ENV_ names of the environment only.
	ctl struct {
		doc *iniDoc
		env map[string]any
	}
}

// loadINI reads a supervisord.conf exactly as supervisord 4.2.5 reads it
// at start-up (`supervisord -c FILE`), into the shared model.
func loadINI(abs string, opts LoadOptions) (*Config, error) {
	l := &iniLoader{
		opts: opts,
		file: abs,
		here: filepath.Dir(abs),
		host: opts.hostname(),
		doc:  newINIDoc(),
		env:  map[string]any{},
		cfg:  &Config{File: abs, Format: "ini"},
	}
	for _, kv := range opts.environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			l.env["ENV_"+k] = v
		}
	}
	l.ctl.env = maps.Clone(l.env)
	if err := l.readMain(); err != nil {
		return nil, err
	}
	if err := l.readIncludes(); err != nil {
		return nil, err
	}
	if l.doc.section("supervisord") == nil {
		// A problem of the whole file: it points at the file's start, so
		// that every error read from a file has a line.
		return nil, &Error{Pos: Position{File: abs, Line: 1}, Msg: ".ini file does not include supervisord section (expected a [supervisord] section, even an empty one)"}
	}
	steps := []func() error{
		l.supervisordSection,
		l.rpcInterfaces,
		l.processGroups,
		l.httpServers,
		l.supervisorctlSection,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	l.warnUnknown()
	if err := l.cfg.finish(opts); err != nil {
		return nil, err
	}
	return l.cfg, nil
}

// utf8BOM is rejected as supervisord rejects it: Python reads it as a
// character in front of the first header.
const utf8BOM = "\ufeff"

func (l *iniLoader) readMain() error {
	data, err := os.ReadFile(l.file)
	if err != nil {
		msg := "could not read config file"
		if errors.Is(err, fs.ErrNotExist) {
			msg = "could not find config file"
		}
		return &Error{Pos: Position{File: l.file}, Msg: msg, Err: err}
	}
	if strings.HasPrefix(string(data), utf8BOM) {
		return &Error{Pos: Position{File: l.file, Line: 1},
			Msg: "file starts with a UTF-8 byte order mark, which supervisord reads as text before the first [section] header and rejects (File contains no section headers); save the file without the BOM"}
	}
	if err := l.doc.read(data, l.file); err != nil {
		return err
	}
	l.ctl.doc = newINIDoc()
	return l.ctl.doc.read(data, l.file)
}

// errAt builds an *Error at the option's line when the option is given
// (in the section or in [DEFAULT]), else at the section header.
func (l *iniLoader) errAt(sec *iniSection, key string, format string, args ...any) *Error {
	e := &Error{Pos: sec.pos, Section: sec.name, Option: key, Msg: fmt.Sprintf(format, args...)}
	if key != "" {
		if v, ok := l.doc.lookup(sec, key); ok {
			e.Pos = v.pos
		}
	}
	return e
}

// wrapErr turns a value error into an *Error at the option.
func (l *iniLoader) wrapErr(sec *iniSection, key string, err error) *Error {
	e := l.errAt(sec, key, "%s", err.Error())
	e.Err = err
	return e
}

// getter reads options of one section with one set of expansion names,
// like supervisord's saneget: the names are the ENV_ ones overlaid with
// the extra ones of the call.
type getter struct {
	l     *iniLoader
	sec   *iniSection
	extra map[string]any
}

func (g getter) names() map[string]any {
	m := make(map[string]any, len(g.l.env)+len(g.extra))
	for k, v := range g.l.env {
		m[k] = v
	}
	for k, v := range g.extra {
		m[k] = v
	}
	return m
}

// raw is the unexpanded value and whether the option is given.
func (g getter) raw(key string) (string, bool) {
	v, ok := g.l.doc.lookup(g.sec, key)
	if !ok {
		return "", false
	}
	return v.value, true
}

// opt is the expanded value and whether the option is given.
func (g getter) opt(key string) (string, bool, error) {
	v, ok := g.raw(key)
	if !ok {
		return "", false, nil
	}
	out, err := g.expand(key, v)
	return out, true, err
}

// str is the expanded value, or the expanded default when absent.
func (g getter) str(key, def string) (string, error) {
	v, ok := g.raw(key)
	if !ok {
		v = def
	}
	return g.expand(key, v)
}

func (g getter) expand(key, v string) (string, error) {
	if !strings.Contains(v, "%") {
		return v, nil
	}
	out, err := expand(v, g.names())
	if err != nil {
		return "", g.l.wrapErr(g.sec, key, err)
	}
	return out, nil
}

// conv reads an option (or its default) and converts it, turning every
// failure into an *Error at the option.
func conv[T any](g getter, key, def string, parse func(string) (T, error)) (T, error) {
	var zero T
	s, err := g.str(key, def)
	if err != nil {
		return zero, err
	}
	v, err := parse(s)
	if err != nil {
		return zero, g.l.wrapErr(g.sec, key, err)
	}
	return v, nil
}

// optPositions records where each option of the section was set.
func (l *iniLoader) optPositions(sec *iniSection) map[string]Position {
	m := map[string]Position{}
	for _, k := range l.doc.options(sec) {
		v, _ := l.doc.lookup(sec, k)
		m[k] = v.pos
	}
	return m
}

func (l *iniLoader) warn(pos Position, section, option, format string, args ...any) {
	l.cfg.Warnings = append(l.cfg.Warnings, Warning{Pos: pos, Section: section, Option: option, Message: fmt.Sprintf(format, args...)})
}

// warnAt warns at an option's line (or the section header).
func (l *iniLoader) warnAt(sec *iniSection, key, format string, args ...any) {
	e := l.errAt(sec, key, "")
	l.warn(e.Pos, sec.name, key, format, args...)
}

package config

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// readIncludes handles the main file's [include] the way supervisord
// does: only the main file's include is read (an [include] in an
// included file is merged but never followed), files= is expanded with
// here, host_node_name and ENV_, split on whitespace, each pattern is
// joined to the main file's folder and globbed like Python's glob.glob,
// matches are read in sorted order, and after each file the literal
// %(here)s in every value becomes that file's folder.
func (l *iniLoader) readIncludes() error {
	inc := l.doc.section("include")
	if inc == nil {
		return nil
	}
	l.doc.expandHere(l.here)
	if _, ok := l.doc.lookup(inc, "files"); !ok {
		return l.errAt(inc, "", ".ini file has [include] section, but no files setting (expected files = a space-separated list of globs)")
	}
	g := getter{l: l, sec: inc, extra: map[string]any{"here": l.here, "host_node_name": l.host}}
	files, _, err := g.opt("files")
	if err != nil {
		return err
	}
	filesPos := l.errAt(inc, "files", "").Pos
	for _, pattern := range strings.FieldsFunc(files, pyIsSpace) {
		if !filepath.IsAbs(pattern) {
			pattern = pyJoin(l.here, pattern)
		}
		matches := pyGlob(pattern)
		if len(matches) == 0 {
			l.warn(filesPos, "include", "files", "no file matches via include %q", pattern)
			continue
		}
		sort.Strings(matches)
		for _, name := range matches {
			data, err := readIncluded(name)
			if err != nil {
				// configparser skips files it cannot open (a folder, no
				// permission) without a word; supinit says so.
				l.warn(filesPos, "include", "files", "cannot read included file %s, skipped as supervisord skips it: %v", name, err)
				continue
			}
			if err := l.doc.read(data, name); err != nil {
				return err
			}
			l.cfg.Included = append(l.cfg.Included, name)
			abs, _ := filepath.Abs(name)
			l.doc.expandHere(filepath.Dir(abs))
		}
	}
	return nil
}

// maxIncluded is the largest included file supinit reads.
const maxIncluded = 16 << 20

// readIncluded reads a matched file. Unlike configparser it reads only
// regular files of sane size: a glob that reaches /dev/zero or
// /proc/kcore must not hang PID 1.
func readIncluded(name string) ([]byte, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	if st.Size() > maxIncluded {
		return nil, fmt.Errorf("larger than %d bytes", maxIncluded)
	}
	return os.ReadFile(name)
}

// pyGlob is Python's glob.glob (not recursive): *, ? and [...] with [!...]
// for negation, a wildcard never matches a leading dot, and a pattern
// without wildcards matches when the path exists.
func pyGlob(pattern string) []string {
	if !hasMagic(pattern) {
		if _, err := os.Lstat(pattern); err == nil {
			return []string{pattern}
		}
		return nil
	}
	dir, base := filepath.Split(pattern)
	dir = strings.TrimRight(dir, "/")
	if dir == "" && strings.HasPrefix(pattern, "/") {
		dir = "/"
	}
	var dirs []string
	switch {
	case dir == "":
		dirs = []string{""}
	case hasMagic(dir):
		dirs = pyGlob(dir)
	default:
		dirs = []string{dir}
	}
	var out []string
	for _, d := range dirs {
		if !hasMagic(base) {
			p := pyJoin(d, base)
			if _, err := os.Lstat(p); err == nil {
				out = append(out, p)
			}
			continue
		}
		list := d
		if list == "" {
			list = "."
		}
		entries, err := os.ReadDir(list)
		if err != nil {
			continue
		}
		re := fnmatchRegexp(base)
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".") {
				continue
			}
			if re.MatchString(name) {
				if d == "" {
					out = append(out, name)
				} else {
					out = append(out, pyJoin(d, name))
				}
			}
		}
	}
	return out
}

// pyJoin is os.path.join for two parts: no cleaning, so included paths
// read as the pattern wrote them.
func pyJoin(dir, name string) string {
	switch {
	case strings.HasPrefix(name, "/"):
		return name
	case dir == "" || strings.HasSuffix(dir, "/"):
		return dir + name
	}
	return dir + "/" + name
}

func hasMagic(s string) bool { return strings.ContainsAny(s, "*?[") }

// fnmatchRegexp is Python's fnmatch.translate: no escapes, "[" without
// a closing "]" is literal, "[!" negates.
func fnmatchRegexp(pat string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	rs := []rune(pat)
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '[':
			j := i + 1
			if j < len(rs) && rs[j] == '!' {
				j++
			}
			if j < len(rs) && rs[j] == ']' {
				j++
			}
			for j < len(rs) && rs[j] != ']' {
				j++
			}
			if j >= len(rs) {
				b.WriteString(`\[`)
				continue
			}
			class := rs[i+1 : j]
			i = j
			var cb strings.Builder
			if len(class) > 0 && class[0] == '!' {
				cb.WriteByte('^')
				class = class[1:]
			}
			for _, r := range class {
				if r == '\\' || r == ']' || r == '[' || r == '^' {
					cb.WriteByte('\\')
				}
				cb.WriteRune(r)
			}
			if cb.Len() == 0 {
				b.WriteString(`[^\x00-\x{10FFFF}]`) // "[]" matches nothing
				continue
			}
			b.WriteString("[" + cb.String() + "]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`$`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		return regexp.MustCompile(`^$.`) // a class Go cannot express matches nothing
	}
	return re
}

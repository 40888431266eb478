package control

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/supinit/supinit/config"
)

// ctlConfig is what the client reads from a config file.
type ctlConfig struct {
	serverURL   string // "" when unset
	username    *string
	password    *string
	prompt      string
	historyFile string
	// fallbackURL is the server URL from [unix_http_server] or
	// [inet_http_server], used when [supervisorctl] names none.
	fallbackURL string
}

// iniSections is a file in supervisord's INI dialect, reduced to what the
// client needs: section name → lowercased key → raw value.
type iniSections map[string]map[string]string

// readCtlConfig reads the client's settings from path. supervisorctl
// needs only [supervisorctl] (and supinit looks at the server sections
// for a default URL), so a file the server would refuse — a program
// whose user is missing, say — still works here. TOML files go through
// config.Load.
func readCtlConfig(path string, environ []string) (*ctlConfig, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("could not find config file %s", path)
	}
	if strings.HasSuffix(strings.ToLower(path), ".toml") {
		return readCtlTOML(path, environ)
	}
	secs, err := parseINI(path)
	if err != nil {
		return nil, err
	}
	sc, ok := secs["supervisorctl"]
	if !ok {
		return nil, fmt.Errorf(".ini file does not include supervisorctl section")
	}
	abs, _ := filepath.Abs(path)
	vars := map[string]string{"here": filepath.Dir(abs)}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			vars["ENV_"+k] = v
		}
	}
	get := func(sec map[string]string, key string) (string, bool, error) {
		v, ok := sec[key]
		if !ok {
			return "", false, nil
		}
		out, err := expandVars(v, vars, "supervisorctl."+key)
		return out, true, err
	}
	c := &ctlConfig{prompt: "supervisor"}
	for _, key := range []string{"serverurl", "username", "password", "prompt", "history_file"} {
		v, ok, err := get(sc, key)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		switch key {
		case "serverurl":
			if rest, isUnix := strings.CutPrefix(v, "unix://"); isUnix {
				v = "unix://" + normalizePath(rest)
			}
			c.serverURL = v
		case "username":
			c.username = &v
		case "password":
			c.password = &v
		case "prompt":
			c.prompt = v
		case "history_file":
			if v != "" {
				c.historyFile = normalizePath(v)
			}
		}
	}
	if u, ok := secs["unix_http_server"]; ok {
		if f, ok, err := get(u, "file"); err == nil && ok && strings.TrimSpace(f) != "" {
			c.fallbackURL = "unix://" + normalizePath(strings.TrimSpace(f))
		}
	} else if in, ok := secs["inet_http_server"]; ok {
		if p, ok, err := get(in, "port"); err == nil && ok {
			host, port, found := strings.Cut(strings.TrimSpace(p), ":")
			if !found {
				host, port = "", host
			}
			if host == "" || host == "*" {
				host = "localhost"
			}
			c.fallbackURL = "http://" + net.JoinHostPort(host, port)
		}
	}
	return c, nil
}

func readCtlTOML(path string, environ []string) (*ctlConfig, error) {
	cfg, err := config.Load(path, config.LoadOptions{Portable: true, Environ: environ})
	if err != nil {
		return nil, err
	}
	if cfg.Supervisorctl == nil {
		return nil, fmt.Errorf("%s does not include a supervisorctl section", path)
	}
	sc := cfg.Supervisorctl
	c := &ctlConfig{serverURL: sc.Serverurl, prompt: sc.Prompt, historyFile: sc.HistoryFile, fallbackURL: DefaultServerURL(cfg)}
	if c.prompt == "" {
		c.prompt = "supervisor"
	}
	if sc.Username != "" {
		c.username = &sc.Username
	}
	if sc.Password != "" {
		c.password = &sc.Password
	}
	return c, nil
}

// parseINI reads sections and options as Python's RawConfigParser does
// with supervisord's settings: "key = value" or "key: value", keys
// lowercased, ";" and "#" comments (inline ones after whitespace),
// indented continuation lines.
func parseINI(path string) (iniSections, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("could not read config file %s", path)
	}
	defer f.Close()
	secs := iniSections{}
	var cur map[string]string
	var lastKey string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for lineno := 1; sc.Scan(); lineno++ {
		raw := sc.Text()
		line := stripInlineComment(raw)
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, ";") {
			continue
		}
		if cur != nil && lastKey != "" && (raw[0] == ' ' || raw[0] == '\t') {
			cur[lastKey] += "\n" + trimmed
			continue
		}
		if strings.HasPrefix(trimmed, "[") {
			end := strings.Index(trimmed, "]")
			if end < 2 {
				return nil, fmt.Errorf("Source contains parsing errors: %s\n\t[line %2d]: %s", pyRepr(path), lineno, pyRepr(raw+"\n"))
			}
			name := trimmed[1:end]
			if secs[name] == nil {
				secs[name] = map[string]string{}
			}
			cur, lastKey = secs[name], ""
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("File contains no section headers.\nfile: %s, line: %d\n%s", pyRepr(path), lineno, pyRepr(raw+"\n"))
		}
		i := strings.IndexAny(trimmed, "=:")
		if i <= 0 {
			return nil, fmt.Errorf("Source contains parsing errors: %s\n\t[line %2d]: %s", pyRepr(path), lineno, pyRepr(raw+"\n"))
		}
		lastKey = strings.ToLower(strings.TrimSpace(trimmed[:i]))
		cur[lastKey] = strings.TrimSpace(trimmed[i+1:])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("could not read config file %s", path)
	}
	return secs, nil
}

// stripInlineComment cuts a ";" or "#" comment that follows whitespace.
func stripInlineComment(s string) string {
	for i := 1; i < len(s); i++ {
		if (s[i] == ';' || s[i] == '#') && (s[i-1] == ' ' || s[i-1] == '\t') {
			return s[:i]
		}
	}
	return s
}

// expandVars does Python's "%(name)s" formatting, with "%%" for "%".
func expandVars(s string, vars map[string]string, where string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if strings.HasPrefix(s[i:], "%%") {
			b.WriteByte('%')
			i++
			continue
		}
		end := strings.Index(s[i:], ")s")
		if !strings.HasPrefix(s[i:], "%(") || end < 0 {
			return "", fmt.Errorf("Format string %s for %s is badly formatted", pyRepr(s), pyRepr(where))
		}
		name := s[i+2 : i+end]
		v, ok := vars[name]
		if !ok {
			names := make([]string, 0, len(vars))
			for k := range vars {
				names = append(names, k)
			}
			sort.Strings(names)
			return "", fmt.Errorf("Format string %s for %s contains names (%s) which cannot be expanded. Available names: %s",
				pyRepr(s), pyRepr(where), pyRepr(name), strings.Join(names, ", "))
		}
		b.WriteString(v)
		i += end + 1
	}
	return b.String(), nil
}

// normalizePath is supervisord's normalize_path: ~ expanded, made
// absolute, cleaned.
func normalizePath(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = home + p[1:]
		}
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	return abs
}

package config

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// This file holds the warnings supinit adds where supervisord says
// nothing: unknown keys and sections (with a did-you-mean), and traps
// supervisord only hits when a program starts.

// shells are the programs that interpret &&, |, ; and friends themselves.
var shells = setOf("sh bash dash zsh ash ksh mksh busybox fish")

// shellOperators are argv words a shell would interpret.
var shellOperators = setOf("&& || | ; & > >> < << 2>&1 >&2 1>&2 2> &>")

// shellVar matches a word that a shell would expand: $VAR, ${VAR}, $(cmd).
var shellVar = regexp.MustCompile(`^\$(\{|\(|[A-Za-z_])`)

// commandWarning is what both forms say about a command supervisord
// accepts but cannot run as meant: one that does not split into words
// (splitErr), an empty one, or shell syntax handed to a program that is
// not a shell. It is "" for a command that is fine.
func commandWarning(argv []string, splitErr error) string {
	const spawnFails = "the program cannot start: supervisord accepts the file and fails only when it spawns the program"
	if splitErr != nil {
		return "the command cannot be split into words (" + splitErr.Error() + "): " + spawnFails
	}
	if len(argv) == 0 {
		return "the command is empty: " + spawnFails
	}
	if shells[path.Base(argv[0])] {
		return ""
	}
	for _, a := range argv[1:] {
		if shellOperators[a] || strings.HasPrefix(a, "$(") || strings.Contains(a, "`") || shellVar.MatchString(a) {
			return fmt.Sprintf("%q is passed to %s as an argument: supervisord runs the command without a shell (use command=sh -c '...' if a shell is meant)", a, path.Base(argv[0]))
		}
	}
	return ""
}

// warnCommand gives the commandWarning of a section once: first is false
// for the second and later process of a numprocs section. When the
// command does not split because a comment was cut from its line, it
// says so, since the quotes look balanced in the file.
func (l *iniLoader) warnCommand(sec *iniSection, argv []string, splitErr error, first bool) {
	msg := commandWarning(argv, splitErr)
	if !first || msg == "" {
		return
	}
	if v, ok := l.doc.lookup(sec, "command"); ok && v.cut && splitErr != nil {
		msg += "; the line was cut at a ' ;' or ' #' comment (quotes do not protect it: write ';' without a space before it, or move the command into a script)"
	}
	l.warnAt(sec, "command", "%s", msg)
}

// deviceLogs are log targets that cannot seek.
var deviceLog = regexp.MustCompile(`^/(dev/(stdout|stderr|fd/\d+|tty\w*|console|pts/\d+)|proc/(self|\d+)/fd/\d+)$`)

// warnDeviceLog warns about a log file on a stream with rotation on:
// supervisord fails with "Illegal seek" there, supinit just does not
// rotate.
func (l *iniLoader) warnDeviceLog(sec *iniSection, key, file string, maxbytes int64) {
	if maxbytes != 0 && deviceLog.MatchString(file) {
		opt := key + "_maxbytes"
		l.warnAt(sec, key, "%s with %s=%d: supinit handles this (no rotation), supervisord fails with Illegal seek; set %s=0 for portability", file, opt, maxbytes, opt)
	}
}

// sectionKeys lists the options each section type knows.
var (
	supervisordKeys = setOf(`logfile logfile_maxbytes logfile_backups loglevel pidfile umask nodaemon
		silent minfds minprocs nocleanup childlogdir user directory strip_ansi environment identifier log_prefix`)
	programKeys = setOf(`command process_name numprocs numprocs_start priority autostart startsecs
		startretries autorestart exitcodes stopsignal stopwaitsecs stopasgroup killasgroup user directory
		umask redirect_stderr stdout_logfile stdout_logfile_maxbytes stdout_logfile_backups
		stdout_capture_maxbytes stdout_events_enabled stdout_syslog stderr_logfile stderr_logfile_maxbytes
		stderr_logfile_backups stderr_capture_maxbytes stderr_events_enabled stderr_syslog environment
		serverurl critical`)
	listenerKeys = setOf(`events buffer_size result_handler`)
	fcgiKeys     = setOf(`socket socket_backlog socket_owner socket_mode`)
	groupKeys    = setOf(`programs priority`)
	includeKeys  = setOf(`files`)
	unixKeys     = setOf(`file chmod chown username password`)
	inetKeys     = setOf(`port username password`)
	ctlKeys      = setOf(`serverurl username password prompt history_file`)
)

// knownKeys is the key set of a section, or nil when any key is fine
// (rpcinterface and ctlplugin pass theirs to a factory); ok is false for
// a section supervisord ignores.
func knownKeys(section string) (keys []map[string]bool, ok bool) {
	switch {
	case section == "supervisord":
		return []map[string]bool{supervisordKeys}, true
	case strings.HasPrefix(section, "program:"):
		return []map[string]bool{programKeys}, true
	case strings.HasPrefix(section, "eventlistener:"):
		return []map[string]bool{programKeys, listenerKeys}, true
	case strings.HasPrefix(section, "fcgi-program:"):
		return []map[string]bool{programKeys, fcgiKeys}, true
	case strings.HasPrefix(section, "group:"):
		return []map[string]bool{groupKeys}, true
	case section == "include":
		return []map[string]bool{includeKeys}, true
	case strings.HasPrefix(section, "unix_http_server"):
		return []map[string]bool{unixKeys}, true
	case strings.HasPrefix(section, "inet_http_server"):
		return []map[string]bool{inetKeys}, true
	case section == "supervisorctl":
		return []map[string]bool{ctlKeys}, true
	case strings.HasPrefix(section, "rpcinterface:"), strings.HasPrefix(section, "ctlplugin:"):
		return nil, true
	}
	return nil, false
}

func isKnown(sets []map[string]bool, key string) bool {
	for _, s := range sets {
		if s[key] {
			return true
		}
	}
	return false
}

// warnUnknown warns once per unknown key and once per unknown section.
// A [DEFAULT] key shows through in every section, so it is checked once,
// at its own line: it is unknown only if no section type knows it.
func (l *iniLoader) warnUnknown() {
	for _, k := range l.doc.defaults.keys {
		known := false
		for _, sec := range l.doc.sections {
			if sets, ok := knownKeys(sec.name); ok && (sets == nil || isKnown(sets, k)) {
				known = true
			}
		}
		if !known {
			v := l.doc.defaults.opts[k]
			l.warn(v.pos, "DEFAULT", k, "%s", unknownKeyMessage(k, nil))
		}
	}
	for _, sec := range l.doc.sections {
		sets, ok := knownKeys(sec.name)
		if !ok {
			l.warn(sec.pos, sec.name, "", "%s", unknownSectionMessage(sec.name))
			continue
		}
		if sets == nil {
			continue
		}
		for _, k := range sec.keys {
			v := sec.opts[k]
			if v.fromDefault || isKnown(sets, k) {
				continue
			}
			l.warn(v.pos, sec.name, k, "%s", unknownKeyMessage(k, sets))
		}
	}
}

func unknownSectionMessage(name string) string {
	msg := "unknown section, supervisord ignores it"
	trimmed := strings.TrimSpace(name)
	if trimmed != name {
		if _, ok := knownKeys(trimmed); ok {
			return msg + " (section names are not trimmed: write [" + trimmed + "])"
		}
	}
	for _, prefix := range []string{"program", "group", "eventlistener", "fcgi-program", "rpcinterface", "ctlplugin"} {
		if strings.HasPrefix(name, prefix) && !strings.HasPrefix(name, prefix+":") {
			return msg + " (did you mean [" + prefix + ":" + strings.TrimLeft(strings.TrimPrefix(name, prefix), "s:- ") + "]?)"
		}
	}
	return msg
}

// misnamed are keys people write that supervisord spells otherwise.
var misnamed = map[string]string{
	"exitstatus": "exitcodes", "exit_codes": "exitcodes", "exitcode": "exitcodes",
	"stopwaitseconds": "stopwaitsecs", "startseconds": "startsecs", "stop_timeout": "stopwaitsecs",
	"env": "environment", "environ": "environment", "cwd": "directory", "workdir": "directory",
	"working_dir": "directory", "workingdir": "directory", "restart": "autorestart",
	"stopsig": "stopsignal", "killsignal": "stopsignal", "cmd": "command",
	"stdout": "stdout_logfile", "stderr": "stderr_logfile", "logfile": "stdout_logfile",
	"retries": "startretries", "uid": "user", "startdelay": "startsecs",
}

// noDependencies are keys asking for a start order supervisord cannot
// express other than through priority.
var noDependencies = setOf("depends_on depends dependson requires after before wants needs")

func unknownKeyMessage(key string, sets []map[string]bool) string {
	msg := "unknown option " + key + ", supervisord ignores it"
	if noDependencies[key] {
		return msg + " (supervisord has no dependencies between programs: use priority, lower starts first)"
	}
	if alt, ok := misnamed[key]; ok && (sets == nil || isKnown(sets, alt)) {
		return msg + " (did you mean " + alt + "?)"
	}
	best, bestDist := "", 3
	for _, s := range sets {
		for k := range s {
			if d := editDistance(key, k); d < bestDist || (d == bestDist && d < 3 && k < best) {
				best, bestDist = k, d
			}
		}
	}
	if best != "" {
		return msg + " (did you mean " + best + "?)"
	}
	return msg
}

package config

// The options each TOML table accepts: the INI form's option names, since
// both forms describe one model. Anything else is an error in TOML.
var (
	tomlSupervisordOptions = []string{
		"logfile", "logfile_maxbytes", "logfile_backups", "loglevel", "pidfile", "umask",
		"nodaemon", "silent", "minfds", "minprocs", "nocleanup", "childlogdir", "user",
		"directory", "strip_ansi", "environment", "identifier", "log_prefix",
	}
	tomlProgramOptions = []string{
		"command", "process_name", "numprocs", "numprocs_start", "priority", "autostart",
		"startsecs", "startretries", "autorestart", "exitcodes", "stopsignal", "stopwaitsecs",
		"stopasgroup", "killasgroup", "user", "directory", "umask", "redirect_stderr",
		"stdout_logfile", "stdout_logfile_maxbytes", "stdout_logfile_backups",
		"stdout_capture_maxbytes", "stdout_events_enabled", "stdout_syslog",
		"stderr_logfile", "stderr_logfile_maxbytes", "stderr_logfile_backups",
		"stderr_capture_maxbytes", "stderr_events_enabled", "stderr_syslog",
		"environment", "serverurl", "critical",
	}
	tomlEventListenerOptions = append(tomlProgramOptions[:len(tomlProgramOptions):len(tomlProgramOptions)],
		"events", "buffer_size", "result_handler")
	tomlFCGIOptions = append(tomlProgramOptions[:len(tomlProgramOptions):len(tomlProgramOptions)],
		"socket", "socket_backlog", "socket_owner", "socket_mode")
	tomlGroupOptions          = []string{"programs", "priority"}
	tomlUnixHTTPServerOptions = []string{"file", "chmod", "chown", "username", "password"}
	tomlInetHTTPServerOptions = []string{"port", "username", "password"}
	tomlSupervisorctlOptions  = []string{"serverurl", "username", "password", "prompt", "history_file"}
	tomlIncludeOptions        = []string{"files"}
	tomlRPCInterfaceOptions   = []string{rpcFactoryKey}
	// tomlTables are the top-level tables; the plural ones hold one table
	// per program, group, listener or interface.
	tomlTables = []string{
		"supervisord", "program", "eventlistener", "fcgi-program", "group",
		"unix_http_server", "inet_http_server", "supervisorctl", "include", "rpcinterface",
	}
)

// rpcFactoryKey is the one key of an [rpcinterface.x] table. It has a dot,
// so TOML needs it quoted: "supervisor.rpcinterface_factory" = "...".
const rpcFactoryKey = "supervisor.rpcinterface_factory"

// closestName returns the candidate nearest to name when it is near
// enough to be a likely typo, or "".
func closestName(name string, candidates []string) string {
	best, bestDist := "", len(name)/3+1 // allow about one typo per three letters
	for _, c := range candidates {
		if d := editDistance(name, c); d <= bestDist && (best == "" || d < bestDist) {
			best, bestDist = c, d
		}
	}
	return best
}

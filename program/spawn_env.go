package program

import (
	"maps"
	"slices"
	"strings"

	"github.com/supinit/supinit/config"
)

// buildEnv is a program's environment, each later layer winning:
//  1. supinit's own environment (environ);
//  2. SUPERVISOR_ENABLED, SUPERVISOR_PROCESS_NAME, SUPERVISOR_GROUP_NAME,
//     and SUPERVISOR_SERVER_URL when there is a server URL;
//  3. HOME, USER, LOGNAME and SHELL of user= (acct, may be nil);
//  4. [supervisord] environment (global);
//  5. the program's environment.
//
// So an explicit environment= always beats what user= implies, as
// supervisord's own environment= beats its SUPERVISOR_* variables.
// The result is sorted by name.
func buildEnv(environ []string, global map[string]string, p *config.Program, serverURL string, acct *account) []string {
	env := make(map[string]string, len(environ)+8)
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			env[k] = v // a later duplicate wins, as in the shell
		}
	}
	env["SUPERVISOR_ENABLED"] = "1"
	env["SUPERVISOR_PROCESS_NAME"] = p.Name
	env["SUPERVISOR_GROUP_NAME"] = p.Group
	if url := programServerURL(p, serverURL); url != "" {
		env["SUPERVISOR_SERVER_URL"] = url
	}
	if acct != nil {
		env["HOME"] = acct.home
		env["USER"] = acct.name
		env["LOGNAME"] = acct.name
		if acct.shell != "" {
			env["SHELL"] = acct.shell
		}
	}
	maps.Copy(env, global)
	maps.Copy(env, p.Environment)

	out := make([]string, 0, len(env))
	for _, k := range slices.Sorted(maps.Keys(env)) {
		out = append(out, k+"="+env[k])
	}
	return out
}

// programServerURL is the program's serverurl= unless it is AUTO (also
// what an unset one is), in which case supinit's own server URL. An empty
// serverurl= gives "": no SUPERVISOR_SERVER_URL, as in supervisord.
func programServerURL(p *config.Program, serverURL string) string {
	if p.Serverurl == "AUTO" {
		return serverURL
	}
	return p.Serverurl
}

// searchPath is the PATH used to find a program's command: the one its
// environment will have, else DefaultPath.
func searchPath(env []string) string {
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok && v != "" {
			return v
		}
	}
	return DefaultPath
}

package control

import (
	"context"
)

// apiVersion is supervisord's RPC API version; supervisorctl refuses to
// talk to anything else.
const apiVersion = "3.0"

// methodTable lists every method supervisord 4.2.5 publishes, with the
// same names (aliases included), parameters and result types.
func (s *Server) methodTable() map[string]method {
	version := func(context.Context, []any) (any, error) { return apiVersion, nil }
	readMain := method{ret: "string", params: []string{"int", "int"}, call: s.readLog,
		help: "Read length bytes of the main log from offset.\n\n@param int offset  where to start; negative counts from the end\n@param int length  how many bytes (0: to the end)\n@return string result  the bytes"}
	readStdout := method{ret: "string", params: []string{"string", "int", "int"}, call: s.readProcessLog("stdout"),
		help: "Read length bytes of a process's stdout log from offset.\n\n@param string name  process name (or group:name)\n@param int offset  where to start; negative counts from the end\n@param int length  how many bytes (0: to the end)\n@return string result  the bytes"}
	tailStdout := method{ret: "array", params: []string{"string", "int", "int"}, call: s.tailProcessLog("stdout"),
		help: "Tail a process's stdout log: at most length bytes after offset, or the last length bytes if more was written.\n\n@param string name  process name (or group:name)\n@param int offset  where to start\n@param int length  how many bytes\n@return array result  [string bytes, int offset, bool overflow]"}
	clearOne := method{ret: "boolean", params: []string{"string"}, call: s.clearProcessLogs,
		help: "Clear the stdout and stderr logs of a process.\n\n@param string name  process name (or group:name)\n@return boolean result  true unless error"}

	return map[string]method{
		"supervisor.getAPIVersion": {ret: "string", call: version,
			help: "The version of the RPC API.\n\n@return string version id"},
		"supervisor.getVersion": {ret: "string", call: version,
			help: "The version of the RPC API (the name before 3.0).\n\n@return string version id"},
		"supervisor.getSupervisorVersion": {ret: "string",
			call: func(context.Context, []any) (any, error) { return s.opts.SupervisorVersion, nil },
			help: "The supervisord version this server implements.\n\n@return string version id"},
		"supervisor.getIdentification": {ret: "string",
			call: func(context.Context, []any) (any, error) { return s.backend.Identification(), nil },
			help: "The identifier of this supervisor ([supervisord] identifier=).\n\n@return string identifier identifying string"},
		"supervisor.getState": {ret: "struct", call: s.getState,
			help: "The state of the supervisor.\n\n@return struct A struct with keys int statecode, string statename"},
		"supervisor.getPID": {ret: "int",
			call: func(context.Context, []any) (any, error) { return s.backend.PID(), nil },
			help: "The PID of the supervisor.\n\n@return int PID"},
		"supervisor.readLog":     readMain,
		"supervisor.readMainLog": readMain,
		"supervisor.clearLog": {ret: "boolean", call: s.clearLog,
			help: "Empty the main log.\n\n@return boolean result always returns True unless error"},
		"supervisor.shutdown": {ret: "boolean", call: s.shutdown,
			help: "Stop every process and exit.\n\n@return boolean result always returns True unless error"},
		"supervisor.restart": {ret: "boolean", call: s.restart,
			help: "Stop every process and start again from the config.\n\n@return boolean result  always return True unless error"},
		"supervisor.reloadConfig": {ret: "array", call: s.reloadConfig,
			help: "Reread the config and report which groups were added, changed or removed, without applying anything.\n\n@return array result  [[added, changed, removed]]"},
		"supervisor.addProcessGroup": {ret: "boolean", params: []string{"string"}, call: s.addProcessGroup,
			help: "Start using a group of the config (after reloadConfig).\n\n@param string name  the group\n@return boolean result  true if successful"},
		"supervisor.removeProcessGroup": {ret: "boolean", params: []string{"string"}, call: s.removeProcessGroup,
			help: "Stop using a group whose processes are all stopped.\n\n@param string name  the group\n@return boolean result  Indicates whether the removal was successful"},
		"supervisor.startProcess": {ret: "boolean", params: []string{"string", "boolean"}, optional: 1, call: s.startProcess,
			help: "Start a process.\n\n@param string name  process name (or group:name, or group:*)\n@param boolean wait  wait until it is RUNNING\n@return boolean result  Always true unless error"},
		"supervisor.startProcessGroup": {ret: "array", params: []string{"string", "boolean"}, optional: 1, call: s.startProcessGroup,
			help: "Start every process of a group.\n\n@param string name  the group\n@param boolean wait  wait until they are RUNNING\n@return array result  An array of process status info structs"},
		"supervisor.startAllProcesses": {ret: "array", params: []string{"boolean"}, optional: 1, call: s.startAllProcesses,
			help: "Start every process that is not running.\n\n@param boolean wait  wait until they are RUNNING\n@return array result  An array of process status info structs"},
		"supervisor.stopProcess": {ret: "boolean", params: []string{"string", "boolean"}, optional: 1, call: s.stopProcess,
			help: "Stop a process.\n\n@param string name  process name (or group:name, or group:*)\n@param boolean wait  wait until it has stopped\n@return boolean result  Always return True unless error"},
		"supervisor.stopProcessGroup": {ret: "array", params: []string{"string", "boolean"}, optional: 1, call: s.stopProcessGroup,
			help: "Stop every process of a group.\n\n@param string name  the group\n@param boolean wait  wait until they have stopped\n@return array result  An array of process status info structs"},
		"supervisor.stopAllProcesses": {ret: "array", params: []string{"boolean"}, optional: 1, call: s.stopAllProcesses,
			help: "Stop every running process.\n\n@param boolean wait  wait until they have stopped\n@return array result  An array of process status info structs"},
		"supervisor.signalProcess": {ret: "boolean", params: []string{"string", "string"}, call: s.signalProcess,
			help: "Send a signal to a process.\n\n@param string name  process name (or group:name)\n@param string signal  a name ('HUP') or a number ('1')\n@return boolean"},
		"supervisor.signalProcessGroup": {ret: "array", params: []string{"string", "string"}, call: s.signalProcessGroup,
			help: "Send a signal to every process of a group.\n\n@param string name  the group\n@param string signal  a name ('HUP') or a number ('1')\n@return array"},
		"supervisor.signalAllProcesses": {ret: "array", params: []string{"string"}, call: s.signalAllProcesses,
			help: "Send a signal to every process.\n\n@param string signal  a name ('HUP') or a number ('1')\n@return array  An array of process status info structs"},
		"supervisor.getProcessInfo": {ret: "struct", params: []string{"string"}, call: s.getProcessInfo,
			help: "Information about one process.\n\n@param string name  process name (or group:name)\n@return struct result  A structure containing data about the process"},
		"supervisor.getAllProcessInfo": {ret: "array", call: s.getAllProcessInfo,
			help: "Information about every process, by group then name.\n\n@return array result  An array of process status results"},
		"supervisor.getAllConfigInfo": {ret: "array", call: s.getAllConfigInfo,
			help: "The configuration of every process, in use or not.\n\n@return array result  An array of process config info structs"},
		"supervisor.readProcessStdoutLog": readStdout,
		"supervisor.readProcessLog":       readStdout,
		"supervisor.readProcessStderrLog": {ret: "string", params: []string{"string", "int", "int"}, call: s.readProcessLog("stderr"),
			help: "Read length bytes of a process's stderr log from offset.\n\n@param string name  process name (or group:name)\n@param int offset  where to start; negative counts from the end\n@param int length  how many bytes (0: to the end)\n@return string result  the bytes"},
		"supervisor.tailProcessStdoutLog": tailStdout,
		"supervisor.tailProcessLog":       tailStdout,
		"supervisor.tailProcessStderrLog": {ret: "array", params: []string{"string", "int", "int"}, call: s.tailProcessLog("stderr"),
			help: "Tail a process's stderr log: at most length bytes after offset, or the last length bytes if more was written.\n\n@param string name  process name (or group:name)\n@param int offset  where to start\n@param int length  how many bytes\n@return array result  [string bytes, int offset, bool overflow]"},
		"supervisor.clearProcessLogs": clearOne,
		"supervisor.clearProcessLog":  clearOne,
		"supervisor.clearAllProcessLogs": {ret: "array", call: s.clearAllProcessLogs,
			help: "Clear the logs of every process.\n\n@return array result  An array of process status info structs"},
		"supervisor.sendProcessStdin": {ret: "boolean", params: []string{"string", "string"}, call: s.sendProcessStdin,
			help: "Write to a process's stdin.\n\n@param string name  process name (or group:name)\n@param string chars  the data\n@return boolean result  Always return True unless error"},
		"supervisor.sendRemoteCommEvent": {ret: "boolean", params: []string{"string", "string"}, noStateCheck: true, call: s.sendRemoteCommEvent,
			help: "Emit a REMOTE_COMMUNICATION event for event listeners.\n\n@param string type  the type header of the event\n@param string data  the event body\n@return boolean  Always return True unless error"},

		"system.listMethods": {ret: "array", call: func(context.Context, []any) (any, error) { return s.listMethods(), nil },
			help: "The names of every method.\n\n@return array result  An array of method names available (strings)."},
		"system.methodHelp": {ret: "string", params: []string{"string"}, call: s.methodHelp,
			help: "The documentation of a method.\n\n@param string name  The name of the method.\n@return string result  The documentation for the method name."},
		"system.methodSignature": {ret: "array", params: []string{"string"}, call: s.methodSignature,
			help: "The signature of a method: [return type, parameter types...].\n\n@param string name  The name of the method.\n@return array result  The result."},
		"system.multicall": {ret: "array", params: []string{"array"}, call: s.multicall,
			help: "Run several calls in one request; each result is the value or a fault struct.\n\n@param array calls  An array of call requests\n@return array result  An array of results"},
	}
}

package events

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Event is one notification: its concrete type name and its payload,
// rendered when the event happens (supervisord also renders a state
// change's pid and tries eagerly, so later changes don't leak into it).
type Event struct {
	Name    string
	Payload string // always valid UTF-8
}

// Process names the process an event is about.
type Process struct {
	Name  string // process name
	Group string // group name
	PID   int    // 0 when it has none
}

// Channel is a process output channel.
type Channel string

const (
	Stdout Channel = "stdout"
	Stderr Channel = "stderr"
)

// StateChange is one process state transition. States are supervisord's
// names: STOPPED, STARTING, RUNNING, BACKOFF, STOPPING, EXITED, FATAL,
// UNKNOWN.
type StateChange struct {
	Process
	From, To string
	// Tries is the process's backoff count at the change; only STARTING
	// and BACKOFF show it.
	Tries int
	// Expected says whether the exit code was expected; only EXITED shows it.
	Expected bool
}

// ProcessState builds the PROCESS_STATE_<To> event:
// "processname:web groupname:web from_state:STARTING pid:42", with
// tries:N for STARTING and BACKOFF, expected:0|1 pid:N for EXITED, pid:N
// for RUNNING, STOPPING and STOPPED, and nothing more for FATAL and UNKNOWN.
func ProcessState(c StateChange) Event {
	payload := fmt.Sprintf("processname:%s groupname:%s from_state:%s", c.Name, c.Group, c.From)
	switch c.To {
	case "STARTING", "BACKOFF":
		payload += " tries:" + strconv.Itoa(c.Tries)
	case "EXITED":
		expected := 0
		if c.Expected {
			expected = 1
		}
		payload += fmt.Sprintf(" expected:%d pid:%d", expected, c.PID)
	case "RUNNING", "STOPPING", "STOPPED":
		payload += " pid:" + strconv.Itoa(c.PID)
	}
	return Event{Name: TypeProcessState + "_" + c.To, Payload: payload}
}

// ProcessLog builds PROCESS_LOG_STDOUT or _STDERR for one chunk of output
// (sent for each chunk read when the channel's *_events_enabled is set).
func ProcessLog(p Process, ch Channel, data []byte) Event {
	name := TypeProcessLogStdout
	if ch == Stderr {
		name = TypeProcessLogStderr
	}
	return Event{
		Name:    name,
		Payload: fmt.Sprintf("processname:%s groupname:%s pid:%d channel:%s\n%s", p.Name, p.Group, p.PID, ch, decode(data)),
	}
}

// ProcessCommunication builds PROCESS_COMMUNICATION_STDOUT or _STDERR for
// the data a process wrote between <!--XSUPERVISOR:BEGIN--> and
// <!--XSUPERVISOR:END--> in capture mode.
func ProcessCommunication(p Process, ch Channel, data []byte) Event {
	name := TypeProcessCommunicationStdout
	if ch == Stderr {
		name = TypeProcessCommunicationStderr
	}
	return Event{
		Name:    name,
		Payload: fmt.Sprintf("processname:%s groupname:%s pid:%d\n%s", p.Name, p.Group, p.PID, decode(data)),
	}
}

// RemoteCommunication builds the event of the sendRemoteCommEvent RPC:
// "type:<typ>\n<data>", both as the text the client sent, as supervisord
// 4.2.5 sends them (type:té\nd€\nline2 for "té" and "d€\nline2").
func RemoteCommunication(typ, data string) Event {
	return Event{Name: TypeRemoteCommunication, Payload: "type:" + utf8Valid(typ) + "\n" + utf8Valid(data)}
}

// SupervisorRunning is sent once the supervisor has started its loop; its
// payload is empty.
func SupervisorRunning() Event {
	return Event{Name: TypeSupervisorStateChangeRunning}
}

// SupervisorStopping is sent once when shutdown (or a restart) begins.
func SupervisorStopping() Event {
	return Event{Name: TypeSupervisorStateChangeStopping}
}

// ProcessGroupAdded is sent when a group is added: at startup for every
// group in start order, and by reloads and addProcessGroup.
func ProcessGroupAdded(group string) Event {
	return Event{Name: TypeProcessGroupAdded, Payload: "groupname:" + group + "\n"}
}

// ProcessGroupRemoved is sent when removeProcessGroup (or a reload)
// removes a group.
func ProcessGroupRemoved(group string) Event {
	return Event{Name: TypeProcessGroupRemoved, Payload: "groupname:" + group + "\n"}
}

// decode is supervisord's as_string with its fallback: data that is not
// valid UTF-8 becomes "Undecodable: " and Python's repr of the bytes. A
// chunk that splits a multibyte character gets this fallback too, exactly
// as it does in supervisord.
func decode(data []byte) string {
	if utf8.Valid(data) {
		return string(data)
	}
	return "Undecodable: " + pyBytesRepr(data)
}

// utf8Valid replaces invalid sequences so that every payload is valid
// UTF-8 and its length in characters is well defined.
func utf8Valid(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return string([]rune(s))
}

package events

import "slices"

// Event type names. The abstract ones (EVENT, PROCESS_STATE, ...) can be
// subscribed to but are never published: a published event always has a
// concrete name, and a subscription to an abstract name receives every
// concrete type below it, as supervisord's isinstance check does.
const (
	TypeEvent = "EVENT"

	TypeProcessState         = "PROCESS_STATE"
	TypeProcessStateStopped  = "PROCESS_STATE_STOPPED"
	TypeProcessStateExited   = "PROCESS_STATE_EXITED"
	TypeProcessStateStarting = "PROCESS_STATE_STARTING"
	TypeProcessStateStopping = "PROCESS_STATE_STOPPING"
	TypeProcessStateBackoff  = "PROCESS_STATE_BACKOFF"
	TypeProcessStateFatal    = "PROCESS_STATE_FATAL"
	TypeProcessStateRunning  = "PROCESS_STATE_RUNNING"
	TypeProcessStateUnknown  = "PROCESS_STATE_UNKNOWN"

	TypeProcessCommunication       = "PROCESS_COMMUNICATION"
	TypeProcessCommunicationStdout = "PROCESS_COMMUNICATION_STDOUT"
	TypeProcessCommunicationStderr = "PROCESS_COMMUNICATION_STDERR"

	TypeProcessLog       = "PROCESS_LOG"
	TypeProcessLogStdout = "PROCESS_LOG_STDOUT"
	TypeProcessLogStderr = "PROCESS_LOG_STDERR"

	TypeRemoteCommunication = "REMOTE_COMMUNICATION"

	TypeSupervisorStateChange         = "SUPERVISOR_STATE_CHANGE"
	TypeSupervisorStateChangeRunning  = "SUPERVISOR_STATE_CHANGE_RUNNING"
	TypeSupervisorStateChangeStopping = "SUPERVISOR_STATE_CHANGE_STOPPING"

	TypeTick     = "TICK"
	TypeTick5    = "TICK_5"
	TypeTick60   = "TICK_60"
	TypeTick3600 = "TICK_3600"

	TypeProcessGroup        = "PROCESS_GROUP"
	TypeProcessGroupAdded   = "PROCESS_GROUP_ADDED"
	TypeProcessGroupRemoved = "PROCESS_GROUP_REMOVED"
)

// parent is the type name that name specialises: "" for EVENT, the root,
// and for names that are not event types.
func parent(name string) string {
	switch name {
	case TypeProcessState, TypeProcessCommunication, TypeProcessLog, TypeRemoteCommunication,
		TypeSupervisorStateChange, TypeTick, TypeProcessGroup:
		return TypeEvent
	case TypeProcessStateStopped, TypeProcessStateExited, TypeProcessStateStarting, TypeProcessStateStopping,
		TypeProcessStateBackoff, TypeProcessStateFatal, TypeProcessStateRunning, TypeProcessStateUnknown:
		return TypeProcessState
	case TypeProcessCommunicationStdout, TypeProcessCommunicationStderr:
		return TypeProcessCommunication
	case TypeProcessLogStdout, TypeProcessLogStderr:
		return TypeProcessLog
	case TypeSupervisorStateChangeRunning, TypeSupervisorStateChangeStopping:
		return TypeSupervisorStateChange
	case TypeTick5, TypeTick60, TypeTick3600:
		return TypeTick
	case TypeProcessGroupAdded, TypeProcessGroupRemoved:
		return TypeProcessGroup
	}
	return ""
}

// KnownType reports whether name is one of supervisord's event type names
// (what an [eventlistener:x] events= line may list).
func KnownType(name string) bool {
	return name == TypeEvent || parent(name) != ""
}

// Matches reports whether a listener subscribed to the type names in
// subscribed receives an event named eventName: it does when it subscribed
// to that name or to any type above it (EVENT receives everything).
func Matches(subscribed []string, eventName string) bool {
	for name := eventName; name != ""; name = parent(name) {
		if slices.Contains(subscribed, name) {
			return true
		}
	}
	return false
}

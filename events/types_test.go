package events

import "testing"

func TestMatches(t *testing.T) {
	tests := []struct {
		subscribed []string
		event      string
		want       bool
	}{
		{[]string{"EVENT"}, "PROCESS_STATE_RUNNING", true},
		{[]string{"EVENT"}, "TICK_5", true},
		{[]string{"PROCESS_STATE"}, "PROCESS_STATE_FATAL", true},
		{[]string{"PROCESS_STATE"}, "PROCESS_LOG_STDOUT", false},
		{[]string{"PROCESS_STATE_FATAL"}, "PROCESS_STATE_FATAL", true},
		{[]string{"PROCESS_STATE_FATAL"}, "PROCESS_STATE_EXITED", false},
		{[]string{"PROCESS_STATE_STOPPED", "PROCESS_STATE_EXITED", "PROCESS_STATE_FATAL"}, "PROCESS_STATE_EXITED", true},
		{[]string{"PROCESS_LOG"}, "PROCESS_LOG_STDERR", true},
		{[]string{"PROCESS_LOG_STDOUT"}, "PROCESS_LOG_STDERR", false},
		{[]string{"PROCESS_COMMUNICATION"}, "PROCESS_COMMUNICATION_STDOUT", true},
		{[]string{"SUPERVISOR_STATE_CHANGE"}, "SUPERVISOR_STATE_CHANGE_STOPPING", true},
		{[]string{"SUPERVISOR_STATE_CHANGE_RUNNING"}, "SUPERVISOR_STATE_CHANGE_STOPPING", false},
		{[]string{"TICK"}, "TICK_3600", true},
		{[]string{"TICK_5"}, "TICK_60", false},
		{[]string{"PROCESS_GROUP"}, "PROCESS_GROUP_REMOVED", true},
		{[]string{"REMOTE_COMMUNICATION"}, "REMOTE_COMMUNICATION", true},
		// A prefix is not a parent: PROCESS is no type.
		{[]string{"PROCESS"}, "PROCESS_STATE_RUNNING", false},
		{nil, "TICK_5", false},
	}
	for _, tt := range tests {
		if got := Matches(tt.subscribed, tt.event); got != tt.want {
			t.Errorf("Matches(%v, %s) = %v, want %v", tt.subscribed, tt.event, got, tt.want)
		}
	}
}

func TestKnownType(t *testing.T) {
	known := []string{"EVENT", "PROCESS_STATE", "PROCESS_STATE_STOPPED", "PROCESS_STATE_EXITED",
		"PROCESS_STATE_STARTING", "PROCESS_STATE_STOPPING", "PROCESS_STATE_BACKOFF", "PROCESS_STATE_FATAL",
		"PROCESS_STATE_RUNNING", "PROCESS_STATE_UNKNOWN", "PROCESS_COMMUNICATION",
		"PROCESS_COMMUNICATION_STDOUT", "PROCESS_COMMUNICATION_STDERR", "PROCESS_LOG", "PROCESS_LOG_STDOUT",
		"PROCESS_LOG_STDERR", "REMOTE_COMMUNICATION", "SUPERVISOR_STATE_CHANGE",
		"SUPERVISOR_STATE_CHANGE_RUNNING", "SUPERVISOR_STATE_CHANGE_STOPPING", "TICK", "TICK_5", "TICK_60",
		"TICK_3600", "PROCESS_GROUP", "PROCESS_GROUP_ADDED", "PROCESS_GROUP_REMOVED"}
	for _, name := range known {
		if !KnownType(name) {
			t.Errorf("KnownType(%s) = false", name)
		}
	}
	for _, name := range []string{"", "NOPE", "PROCESS", "TICK_10", "process_state", "EVENT_X"} {
		if KnownType(name) {
			t.Errorf("KnownType(%q) = true", name)
		}
	}
}

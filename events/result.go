package events

import (
	"bytes"
	"fmt"
)

// Result handler names supinit understands. supervisord imports the
// result_handler as Python code; supinit cannot, so it knows these by name.
const (
	// DefaultResultHandler accepts the event on "OK" and rejects it
	// (redelivers it) on anything else, "FAIL" included.
	DefaultResultHandler = "supervisor.dispatchers:default_handler"
	// RelayResultHandler is supervisor_stdout's handler: the listener
	// answers with the PROCESS_LOG payload it got, and the handler prints
	// each line as "<processname> <channel> | <line>" on stdout.
	RelayResultHandler = "supervisor_stdout:event_handler"
)

// resultOutcome is what a result handler decided about an event.
type resultOutcome int

const (
	resultAccepted resultOutcome = iota + 1
	resultRejected               // redeliver the event
	resultError                  // the handler failed on this body
)

// KnownResultHandler reports whether name is a handler supinit emulates.
// Others are treated as accepting every result (they cannot be run, and
// rejecting would redeliver the same event forever); the loop should log
// a warning for them once at startup.
func KnownResultHandler(name string) bool {
	return name == "" || name == DefaultResultHandler || name == RelayResultHandler
}

// handleResult applies the pool's result handler to one RESULT body and
// returns its outcome and anything it prints.
func handleResult(handler string, body []byte) (resultOutcome, []byte) {
	switch handler {
	case "", DefaultResultHandler:
		if string(body) == "OK" {
			return resultAccepted, nil
		}
		return resultRejected, nil
	case RelayResultHandler:
		out, err := relayLines(body)
		if err != nil {
			return resultError, nil
		}
		return resultAccepted, out
	}
	return resultAccepted, nil
}

// relayLines renders a PROCESS_LOG payload the way supervisor_stdout's
// event_handler prints it: every line of the data (split on \n, so data
// ending in \n gives a last, empty line) behind the prefix, then \n.
func relayLines(body []byte) ([]byte, error) {
	header, data, ok := bytes.Cut(body, []byte("\n"))
	if !ok {
		return nil, fmt.Errorf("cannot relay a result without a header line")
	}
	headers := map[string]string{}
	for _, field := range bytes.Fields(header) {
		k, v, ok := bytes.Cut(field, []byte(":"))
		if !ok || bytes.Contains(v, []byte(":")) {
			return nil, fmt.Errorf("cannot relay a result with header field %q", field)
		}
		headers[string(k)] = string(v)
	}
	name, okName := headers["processname"]
	channel, okChannel := headers["channel"]
	if !okName || !okChannel {
		return nil, fmt.Errorf("cannot relay a result without processname and channel")
	}
	prefix := name + " " + channel + " | "
	var out bytes.Buffer
	for i, line := range bytes.Split(data, []byte("\n")) {
		if i > 0 {
			out.WriteByte('\n')
		}
		out.WriteString(prefix)
		out.Write(line)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

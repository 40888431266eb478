package logs

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Layouts of the main log's timestamp.
const (
	textTime = "2006-01-02 15:04:05,000" // supervisord's asctime
	jsonTime = "2006-01-02T15:04:05.000Z07:00"
)

// formatter turns a zerolog event (one JSON object) into a main log line.
// It stamps the time itself so that no zerolog global has to change.
type formatter struct {
	json bool
	now  func() time.Time
}

func (f formatter) format(event []byte) []byte {
	if f.json {
		return f.formatJSON(event)
	}
	return f.formatText(event)
}

// formatJSON puts "time" first and names zerolog's fatal level (used for
// CRIT, without exiting) "critical".
func (f formatter) formatJSON(event []byte) []byte {
	event = bytes.TrimRight(event, "\n")
	if !bytes.HasPrefix(event, []byte("{")) {
		return append(event, '\n')
	}
	rest := event[1:]
	for _, lvl := range []string{"fatal", "panic"} {
		old := `"level":"` + lvl + `"`
		if bytes.HasPrefix(rest, []byte(old)) {
			rest = append([]byte(`"level":"critical"`), rest[len(old):]...)
		}
	}
	out := make([]byte, 0, len(event)+40)
	out = append(out, `{"time":"`...)
	out = f.now().AppendFormat(out, jsonTime)
	out = append(out, '"')
	if !bytes.HasPrefix(rest, []byte("}")) {
		out = append(out, ',')
	}
	out = append(out, rest...)
	return append(out, '\n')
}

// formatText writes supervisord's "YYYY-MM-DD HH:MM:SS,mmm LEVL message"
// and then the event's other fields as key=value, in their order.
func (f formatter) formatText(event []byte) []byte {
	out := f.now().AppendFormat(make([]byte, 0, len(event)+32), textTime)
	level, msg, fields, ok := decodeEvent(event)
	if !ok {
		out = append(out, " INFO "...)
		out = append(out, bytes.TrimRight(event, "\n")...)
		return append(out, '\n')
	}
	out = append(out, ' ')
	out = append(out, levelTag(level)...)
	out = append(out, ' ')
	out = append(out, msg...)
	for _, kv := range fields {
		out = append(out, ' ')
		out = append(out, kv.key...)
		out = append(out, '=')
		out = appendValue(out, kv.value)
	}
	return append(out, '\n')
}

type field struct {
	key   string
	value json.RawMessage
}

// decodeEvent reads a zerolog event keeping the fields' order.
func decodeEvent(event []byte) (level, msg string, fields []field, ok bool) {
	d := json.NewDecoder(bytes.NewReader(event))
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		return "", "", nil, false
	}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return "", "", nil, false
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			return "", "", nil, false
		}
		switch key {
		case "level":
			json.Unmarshal(raw, &level)
		case "message":
			json.Unmarshal(raw, &msg)
		default:
			fields = append(fields, field{key, raw})
		}
	}
	return level, msg, fields, true
}

// appendValue writes a string bare when it needs no quotes, else quoted;
// numbers, booleans, objects and arrays as their JSON.
func appendValue(out []byte, raw json.RawMessage) []byte {
	var s string
	if len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		if s != "" && !strings.ContainsAny(s, " \t\r\n\"=\\") {
			return append(out, s...)
		}
		return strconv.AppendQuote(out, s)
	}
	return append(out, raw...)
}

// levelTag is supervisord's four-letter name of a zerolog level.
func levelTag(level string) string {
	switch level {
	case "trace":
		return "TRAC"
	case "debug":
		return "DEBG"
	case "warn":
		return "WARN"
	case "error":
		return "ERRO"
	case "fatal", "panic":
		return "CRIT"
	}
	return "INFO"
}

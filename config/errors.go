package config

import "fmt"

// Error is a config error a user sees: where, which section and option,
// and what was expected. supinit exits 2 on any Error before it starts
// anything.
type Error struct {
	Pos     Position
	Section string // "" when the error is not inside a section
	Option  string // "" when the error is about the section as a whole
	Msg     string
	Err     error // the underlying cause, if any (for errors.Is / As)
}

func (e *Error) Error() string {
	where := e.Pos.File
	if e.Pos.Line > 0 {
		where = fmt.Sprintf("%s:%d", where, e.Pos.Line)
	}
	switch {
	case e.Section != "" && e.Option != "":
		return fmt.Sprintf("%s: [%s] %s: %s", where, e.Section, e.Option, e.Msg)
	case e.Section != "":
		return fmt.Sprintf("%s: [%s]: %s", where, e.Section, e.Msg)
	default:
		return fmt.Sprintf("%s: %s", where, e.Msg)
	}
}

func (e *Error) Unwrap() error { return e.Err }

// String renders a warning the same way an Error is rendered.
func (w Warning) String() string {
	return (&Error{Pos: w.Pos, Section: w.Section, Option: w.Option, Msg: w.Message}).Error()
}

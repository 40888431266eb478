package supervisor

import "github.com/rs/zerolog"

// Logger is supinit's own logger, for the parts cmd/supinit starts beside
// the supervisor (the control server).
func (s *Supervisor) Logger() zerolog.Logger { return s.log }

// Package logs decides where output goes: the programs' stdout and stderr
// and supinit's own log.
//
// A Mux holds the two container streams (supinit's fd 1 and fd 2). Every
// line that reaches one of them is written whole by one write(2), so lines
// of different programs never tear each other. A Channel is one pipe of
// one program (its stdout or its stderr): Copy reads the pipe, cuts the
// bytes into lines and hands them to the channel's sinks — a container
// stream, a rotating file, syslog, the in-memory tail buffer and the
// followers of `supervisorctl tail -f`. NewLogger builds supinit's own
// zerolog logger on the same sinks.
//
// Backpressure: copying runs in one goroutine per pipe. A container stream
// has one writer goroutine fed by a bounded queue, so a stalled reader of
// supinit's stdout blocks only the programs writing to that stream (their
// pipes fill up and they wait: nothing is lost) and never the supervisor
// loop, another stream, a file or the tail buffer's readers. supinit's own
// log has a lane of its own that the writer empties first, so a slow
// reader gets all of it; a stalled one holds it up for at most a short
// wait, then loses lines, counted and reported once the stream moves again
// (or at exit). When fd 1 and fd 2 are one file, the two writers take
// turns. Mux.Close bounds the final flush at shutdown and says what it
// gave up.
package logs

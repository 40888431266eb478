// Package supervisor is supinit's init proper: one event loop that owns
// the state of every program and decides everything that happens to them
// — start order, the stop sequence at shutdown, what each signal means,
// config reloads, the critical-program policy and the exit code.
//
// The folder is named init, as the design names the job; a Go package
// literally named init cannot be imported without an alias, so the
// package is named for what it does.
//
// Everything outside the loop only sends it events: the reaper's exits,
// os/signal's signals, timers (time.AfterFunc, armed only while a program
// waits for something, or for the next TICK while an event listener
// subscribes to one, so an idle supinit never wakes up), what the output
// copiers saw that events need, and control requests with a reply
// channel. The per-process rules live in program.Machine, a pure state
// machine; this package carries out its actions (spawn, signal, arm a
// timer, log). Likewise the [eventlistener:x] pools live in events.Bus,
// and this package runs the listener processes and carries out what the
// bus asks (write an event to a listener, restart one, print, log).
package supervisor

// Package events is supervisord's event-listener protocol as pure state:
// the event types and their hierarchy, the payloads and the envelope
// supervisord sends, the parser for what a listener writes back, the
// listener pools with their bounded buffers, serials and redelivery, and
// the capture mode that finds PROCESS_COMMUNICATION blocks in a program's
// output.
//
// It starts no processes and owns no pipes or goroutines. The supervisor
// loop owns the listener processes: it tells a Bus what happened (an event
// to publish, output a listener wrote, a listener spawned, became RUNNING
// or exited, a tick deadline passed) and carries out the Actions it gets
// back (write bytes to a listener's stdin, log, restart a listener, print
// a result-handler line). Every method of a Bus and its Pools must be
// called from that one loop goroutine; a Capture belongs to the goroutine
// reading its pipe. Nothing here locks.
package events

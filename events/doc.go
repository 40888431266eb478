// Package events is supervisord's event-listener protocol as pure state:
// the event types and their hierarchy, the payloads and the envelope
// supervisord sends, the parser for what a listener writes back, and the
// listener pools with their bounded buffers, serials and redelivery.
//
// It starts no processes and owns no pipes or goroutines. The supervisor
// loop owns the listener processes: it tells a Bus what happened (an event
// to publish, output a listener wrote, a listener spawned, became RUNNING
// or exited, a tick deadline passed) and carries out the Actions it gets
// back (write bytes to a listener's stdin, log, restart a listener, print
// a result-handler line). Every method must be called from that one loop
// goroutine; nothing here locks.
package events

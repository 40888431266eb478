package supervisor

import (
	"context"

	"github.com/supinit/supinit/logs"
)

// relayQueue bounds the result-handler output waiting for the container's
// stdout. supervisord's supervisor_stdout writes synchronously and stalls
// everything while stdout is blocked; supinit's loop must not, so past
// this many prints the newest are dropped (and counted) until the stream
// catches up.
const relayQueue = 1024

// relay writes what result handlers print (events.ActionPrint) to the
// container's stdout on its own goroutine, in order.
type relay struct {
	lines   chan []byte
	done    chan struct{}
	dropped int // owned by the loop
}

func startRelay(out *logs.Stream) *relay {
	r := &relay{lines: make(chan []byte, relayQueue), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for b := range r.lines {
			_, _ = out.Write(b)
		}
	}()
	return r
}

// print queues whole lines; it reports false when they were dropped.
func (r *relay) print(b []byte) bool {
	select {
	case r.lines <- b:
		return true
	default:
		r.dropped++
		return false
	}
}

// close waits until everything queued was handed to the stream, or ctx
// ends.
func (r *relay) close(ctx context.Context) {
	close(r.lines)
	select {
	case <-r.done:
	case <-ctx.Done():
	}
}

// print writes result-handler output to the container's stdout, starting
// the relay on first use. Without container streams (the loop's unit
// tests) it is dropped.
func (s *Supervisor) print(b []byte) {
	if s.mux == nil {
		return
	}
	if s.relay == nil {
		s.relay = startRelay(s.mux.Stdout)
	}
	if !s.relay.print(b) && s.relay.dropped == 1 {
		s.log.Warn().Msg("the container's stdout is not keeping up: dropping event listener output relayed to it")
	}
}

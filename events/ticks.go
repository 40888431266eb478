package events

import (
	"strconv"
	"time"
)

// tickPeriods are the TICK_* periods in seconds, in the order supervisord
// sends them when several roll over at once.
func tickPeriods() [3]int64 { return [3]int64{5, 60, 3600} }

// tickSlices holds, per period of tickPeriods, the start of the current
// timeslice in Unix seconds; 0 while no pool subscribes to that period.
type tickSlices [3]int64

// Tick builds the TICK_<period> event for the timeslice starting at when
// (Unix seconds): payload "when:<when>".
func Tick(period, when int64) Event {
	return Event{Name: tickName(period), Payload: "when:" + strconv.FormatInt(when, 10)}
}

// timeslice is the start of the period-long slice holding now.
func timeslice(period int64, now time.Time) int64 {
	s := now.Unix()
	return s - s%period
}

// NextTick returns when the loop must next call Tick, and false when no
// pool subscribes to any TICK event: then no timer is needed at all. Call
// it after every change (pools come and go with reloads). A period that
// just got its first subscriber starts its timeslice at now, as
// supervisord's start does, so its first tick comes when that slice ends.
func (b *Bus) NextTick(now time.Time) (time.Time, bool) {
	var next int64
	for i, period := range tickPeriods() {
		if !b.Wants(tickName(period)) {
			b.ticks[i] = 0
			continue
		}
		if b.ticks[i] == 0 {
			b.ticks[i] = timeslice(period, now)
		}
		if due := b.ticks[i] + period; next == 0 || due < next {
			next = due
		}
	}
	if next == 0 {
		return time.Time{}, false
	}
	return time.Unix(next, 0), true
}

// Tick publishes a TICK event for each subscribed period whose timeslice
// has rolled over by now (one event per period, however many slices were
// missed, with the current slice's start as when).
func (b *Bus) Tick(now time.Time) []Action {
	var acts []Action
	for i, period := range tickPeriods() {
		if !b.Wants(tickName(period)) {
			b.ticks[i] = 0
			continue
		}
		slice := timeslice(period, now)
		if b.ticks[i] == 0 {
			b.ticks[i] = slice
			continue
		}
		if slice != b.ticks[i] {
			b.ticks[i] = slice
			acts = append(acts, b.Publish(Tick(period, slice))...)
		}
	}
	return acts
}

func tickName(period int64) string {
	return "TICK_" + strconv.FormatInt(period, 10)
}

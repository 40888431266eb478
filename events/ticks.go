package events

import (
	"strconv"
	"time"
)

// tickPeriods are the TICK_* periods in seconds, in the order supervisord
// sends them when several roll over at once.
func tickPeriods() [3]int64 { return [3]int64{5, 60, 3600} }

// tickSlice is the current timeslice of one TICK period.
type tickSlice struct {
	started bool  // false while no pool subscribes to the period
	start   int64 // the slice's start, Unix seconds
}

// tickSlices holds a tickSlice per period of tickPeriods.
type tickSlices [3]tickSlice

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
	found := false
	for i, period := range tickPeriods() {
		if !b.Wants(tickName(period)) {
			b.ticks[i] = tickSlice{}
			continue
		}
		if !b.ticks[i].started {
			b.ticks[i] = tickSlice{started: true, start: timeslice(period, now)}
		}
		if due := b.ticks[i].start + period; !found || due < next {
			next, found = due, true
		}
	}
	if !found {
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
			b.ticks[i] = tickSlice{}
			continue
		}
		slice := timeslice(period, now)
		last := b.ticks[i]
		b.ticks[i] = tickSlice{started: true, start: slice}
		if last.started && slice != last.start {
			acts = append(acts, b.Publish(Tick(period, slice))...)
		}
	}
	return acts
}

func tickName(period int64) string {
	return "TICK_" + strconv.FormatInt(period, 10)
}

package main

import (
	"errors"
	"sync/atomic"
	"time"
)

// maxClockOffset bounds how far tests may move the clock, so that unix
// nanosecond arithmetic (token expiry, rate windows) cannot overflow.
const maxClockOffset = 100 * 365 * 24 * time.Hour

// clock is the emulator's notion of "now": the real clock plus an offset that
// starts at --clock_offset (negative: in the past, so that tests can make
// tokens that are already old) and that tests move forward through
// POST /_emulator/clock. It only ever moves forward, so token creation times
// follow creation order.
type clock struct {
	base     time.Time // carries a monotonic reading
	baseNano int64     // base as unix nanoseconds
	offset   atomic.Int64
}

func newClock(offset time.Duration) *clock {
	now := time.Now()
	c := &clock{base: now, baseNano: now.UnixNano()}
	c.offset.Store(int64(offset))
	return c
}

// NowNano returns the emulator time as unix nanoseconds.
func (c *clock) NowNano() int64 {
	return c.baseNano + int64(time.Since(c.base)) + c.offset.Load()
}

// Now returns the emulator time in UTC.
func (c *clock) Now() time.Time {
	return time.Unix(0, c.NowNano()).UTC()
}

// Advance moves the clock forward by d.
func (c *clock) Advance(d time.Duration) error {
	if d < 0 {
		return errors.New("the clock only moves forward")
	}
	for {
		old := c.offset.Load()
		if time.Duration(old)+d > maxClockOffset {
			return errors.New("the clock cannot move more than 100 years ahead")
		}
		if c.offset.CompareAndSwap(old, old+int64(d)) {
			return nil
		}
	}
}

// Offset reports how far the clock has been moved forward.
func (c *clock) Offset() time.Duration {
	return time.Duration(c.offset.Load())
}

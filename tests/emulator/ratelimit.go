package main

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// bucket is one fixed-window counter. A window opens with the first request
// after the previous one ended and lasts exactly window; the lock is held for
// a few instructions only.
type bucket struct {
	mu     sync.Mutex
	limit  int64
	window int64 // nanoseconds
	start  int64 // unix ns when the current window opened; 0 = none open
	used   int64
}

// quota is what one request learnt from its bucket.
type quota struct {
	ok         bool
	limit      int64
	remaining  int64
	retryAfter int64 // whole seconds until the window resets, at least 1
}

func (b *bucket) take(now int64) quota {
	b.mu.Lock()
	if b.start == 0 || now >= b.start+b.window {
		b.start, b.used = now, 0
	}
	q := quota{limit: b.limit}
	if b.used < b.limit {
		b.used++
		q.ok = true
	}
	q.remaining = b.limit - b.used
	left := b.start + b.window - now
	b.mu.Unlock()
	q.retryAfter = (left + int64(time.Second) - 1) / int64(time.Second)
	if q.retryAfter < 1 {
		q.retryAfter = 1
	}
	return q
}

func (b *bucket) configure(limit int64, window time.Duration) {
	b.mu.Lock()
	b.limit, b.window, b.start, b.used = limit, int64(window), 0, 0
	b.mu.Unlock()
}

func (b *bucket) settings() (int64, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.limit, time.Duration(b.window)
}

// rateLimiter has api.video's two buckets: reads (GET, HEAD) and writes
// (everything else). One window is shared by all API keys, as with a single
// api.video project.
type rateLimiter struct {
	reads, writes bucket
}

func newRateLimiter(reads, writes int64, window time.Duration) *rateLimiter {
	rl := &rateLimiter{}
	rl.Configure(reads, writes, window)
	return rl
}

// Configure replaces the limits and closes the current windows.
func (rl *rateLimiter) Configure(reads, writes int64, window time.Duration) {
	rl.reads.configure(reads, window)
	rl.writes.configure(writes, window)
}

// ResetWindows keeps the limits and closes the current windows.
func (rl *rateLimiter) ResetWindows() {
	r, w := rl.reads.settings()
	wr, _ := rl.writes.settings()
	rl.Configure(r, wr, w)
}

// Take charges one request to the bucket of its method.
func (rl *rateLimiter) Take(method string, now int64) quota {
	if method == http.MethodGet || method == http.MethodHead {
		return rl.reads.take(now)
	}
	return rl.writes.take(now)
}

// setHeaders adds the X-RateLimit-* headers with api.video's spelling (the
// map is written directly so net/http keeps "RateLimit" as is).
func (q quota) setHeaders(h http.Header) {
	v := []string{ // one allocation for the three values
		strconv.FormatInt(q.limit, 10),
		strconv.FormatInt(q.remaining, 10),
		strconv.FormatInt(q.retryAfter, 10),
	}
	h["X-RateLimit-Limit"] = v[0:1:1]
	h["X-RateLimit-Remaining"] = v[1:2:2]
	h["X-RateLimit-Retry-After"] = v[2:3:3]
}

package main

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"
)

func rateHeaders(t *testing.T, r response) (limit, remaining, retry int) {
	t.Helper()
	get := func(k string) int {
		v := r.header.Get(k)
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("%s = %q on a %d answer", k, v, r.status)
		}
		return n
	}
	return get("X-RateLimit-Limit"), get("X-RateLimit-Remaining"), get("X-RateLimit-Retry-After")
}

func TestRateLimitHeadersAreOnEveryAPIResponse(t *testing.T) {
	h := newHarness(t)
	responses := []response{
		h.api("POST", "/upload-tokens", `{}`),                            // 200
		h.api("POST", "/upload-tokens", `{"ttl":-1}`),                    // 400
		h.request("GET", "/upload-tokens", "", ""),                       // 401
		h.api("GET", "/upload-tokens/toNope", ""),                        // 404
		h.request("GET", "/no/such/url", "", ""),                         // 404 unrecognized
		h.api("PUT", "/upload-tokens", ""),                               // 405
		h.api("DELETE", "/upload-tokens/"+h.createToken(`{}`).Token, ""), // 204
	}
	for _, r := range responses {
		rateHeaders(t, r)
	}
}

func TestRateLimitHeadersUseAPIVideoSpelling(t *testing.T) {
	h := newHarness(t)
	conn, err := net.Dial("tcp", h.ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /upload-tokens HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\nConnection: close\r\n\r\n", basicAuth)
	raw, _ := io.ReadAll(conn)
	for _, k := range []string{"X-RateLimit-Limit: ", "X-RateLimit-Remaining: ", "X-RateLimit-Retry-After: "} {
		if !strings.Contains(string(raw), "\r\n"+k) {
			t.Errorf("header %q not on the wire:\n%s", k, raw)
		}
	}
}

func TestRemainingCountsDownPerBucket(t *testing.T) {
	h := newHarness(t, func(c *config) { c.rateLimitReads, c.rateLimitWrites = 10, 5 })
	_, rem1, _ := rateHeaders(t, h.api("GET", "/upload-tokens", ""))
	_, rem2, _ := rateHeaders(t, h.api("GET", "/upload-tokens", ""))
	limit, wrem, _ := rateHeaders(t, h.api("POST", "/upload-tokens", "{}"))
	if rem1 != 9 || rem2 != 8 {
		t.Errorf("read remaining = %d, %d; want 9, 8", rem1, rem2)
	}
	if limit != 5 || wrem != 4 {
		t.Errorf("write limit %d remaining %d; want 5, 4", limit, wrem)
	}
}

func TestEmptyBucketAnswers429TooManyRequests(t *testing.T) {
	h := newHarness(t, func(c *config) { c.rateLimitReads = 2 })
	h.api("GET", "/upload-tokens", "")
	h.api("GET", "/upload-tokens", "")
	r := h.api("GET", "/upload-tokens", "")
	p := expectProblem(t, r, 429, "too-many-requests")
	if p.Title != "Too many requests." || p.Name != nil {
		t.Errorf("problem = %s", r.body)
	}
	limit, remaining, retry := rateHeaders(t, r)
	if limit != 2 || remaining != 0 || retry < 1 || retry > 60 {
		t.Errorf("headers limit %d remaining %d retry %d", limit, remaining, retry)
	}
	if w := h.api("POST", "/upload-tokens", "{}"); w.status != 200 {
		t.Errorf("writes share the read bucket: status %d", w.status)
	}
}

func TestWindowResetsWhenTheClockPassesIt(t *testing.T) {
	h := newHarness(t, func(c *config) { c.rateLimitReads = 1 })
	h.api("GET", "/upload-tokens", "")
	expectProblem(t, h.api("GET", "/upload-tokens", ""), 429, "too-many-requests")
	h.advance("60")
	if r := h.api("GET", "/upload-tokens", ""); r.status != 200 {
		t.Fatalf("after the window: status %d", r.status)
	}
}

func TestRetryAfterCountsDownToTheWindowEnd(t *testing.T) {
	h := newHarness(t)
	h.control("POST", "/_emulator/ratelimit", `{"window_seconds":30}`)
	_, _, first := rateHeaders(t, h.api("GET", "/upload-tokens", ""))
	h.advance("20")
	_, _, later := rateHeaders(t, h.api("GET", "/upload-tokens", ""))
	if first != 30 || later != 10 {
		t.Errorf("retry-after = %d then %d, want 30 then 10", first, later)
	}
}

func TestBucketRetryAfterIsAtLeastOne(t *testing.T) {
	var b bucket
	b.configure(5, time.Second)
	b.take(1000)
	if q := b.take(1000 + int64(time.Second) - 1); q.retryAfter != 1 {
		t.Errorf("retryAfter = %d at the window's last nanosecond, want 1", q.retryAfter)
	}
}

func TestRateLimitControlReplacesLimitsAndResetsWindows(t *testing.T) {
	h := newHarness(t, func(c *config) { c.rateLimitWrites = 1 })
	h.api("POST", "/upload-tokens", "{}")
	expectProblem(t, h.api("POST", "/upload-tokens", "{}"), 429, "too-many-requests")
	h.control("POST", "/_emulator/ratelimit", `{"writes":3}`)
	limit, remaining, _ := rateHeaders(t, h.api("POST", "/upload-tokens", "{}"))
	if limit != 3 || remaining != 2 {
		t.Errorf("limit %d remaining %d, want 3 and 2", limit, remaining)
	}
}

func TestStatsCountTheLimitersRefusals(t *testing.T) {
	h := newHarness(t, func(c *config) { c.rateLimitReads = 1 })
	h.api("GET", "/upload-tokens", "")
	h.api("GET", "/upload-tokens", "")
	h.api("GET", "/upload-tokens", "")
	if got := h.stats().RateLimited; got != 2 {
		t.Errorf("rate_limited = %d, want 2", got)
	}
	h.control("POST", "/_emulator/reset", "")
	if got := h.stats().RateLimited; got != 0 {
		t.Errorf("rate_limited after reset = %d, want 0", got)
	}
}

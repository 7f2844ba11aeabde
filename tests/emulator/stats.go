package main

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// route identifies what a request asked for; the stats count per route.
type route int

const (
	routeCreateToken route = iota
	routeListTokens
	routeGetToken
	routeDeleteToken
	routeAuthAPIKey
	routeAuthRefresh
	routeOther // unknown URLs and wrong methods
	numRoutes
)

var routeNames = [numRoutes]string{
	"POST /upload-tokens",
	"GET /upload-tokens",
	"GET /upload-tokens/{token}",
	"DELETE /upload-tokens/{token}",
	"POST /auth/api-key",
	"POST /auth/refresh",
	"other",
}

// stats are plain atomic counters: no lock on the hot path.
type stats struct {
	requests      [numRoutes]atomic.Int64
	tokensCreated atomic.Int64
	// rateLimited counts the 429s the rate limiter answered (not those of
	// injected faults): a gateway that reserves before sending makes none.
	rateLimited atomic.Int64
	// abandoned counts requests whose client went away while a fault held
	// or delayed their answer: how a test sees a cancelled call's upstream
	// request aborted rather than left to run.
	abandoned atomic.Int64
}

func (s *stats) Reset() {
	for i := range s.requests {
		s.requests[i].Store(0)
	}
	s.tokensCreated.Store(0)
	s.rateLimited.Store(0)
	s.abandoned.Store(0)
}

func (s *stats) Requests() map[string]int64 {
	m := make(map[string]int64, numRoutes)
	for i := range s.requests {
		m[routeNames[i]] = s.requests[i].Load()
	}
	return m
}

// requestRecord is what GET /_emulator/requests shows of one request. Of the
// Authorization header only the scheme is kept, never the credential.
type requestRecord struct {
	Time           time.Time `json:"time"`
	Method         string    `json:"method"`
	Path           string    `json:"path"`
	Query          string    `json:"query"`
	Traceparent    string    `json:"traceparent,omitempty"`
	ContentType    string    `json:"content_type,omitempty"`
	Accept         string    `json:"accept,omitempty"`
	UserAgent      string    `json:"user_agent,omitempty"`
	AVOriginClient string    `json:"av_origin_client,omitempty"`
	Authorization  string    `json:"authorization_scheme,omitempty"`
}

const requestRingSize = 1000

// requestRing keeps the last requestRingSize requests.
type requestRing struct {
	mu   sync.Mutex
	buf  [requestRingSize]requestRecord
	next int
	n    int
}

func firstHeader(h http.Header, canonicalKey string) string {
	if v := h[canonicalKey]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// authScheme returns the scheme of an Authorization value ("Basic",
// "Bearer", ...), or "unparsable" when there is no scheme to show.
func authScheme(v string) string {
	if v == "" {
		return ""
	}
	if i := strings.IndexByte(v, ' '); i > 0 {
		return v[:i]
	}
	return "unparsable"
}

func (rr *requestRing) Record(r *http.Request, now time.Time) {
	rec := requestRecord{
		Time:           now,
		Method:         r.Method,
		Path:           r.URL.Path,
		Query:          r.URL.RawQuery,
		Traceparent:    firstHeader(r.Header, "Traceparent"),
		ContentType:    firstHeader(r.Header, "Content-Type"),
		Accept:         firstHeader(r.Header, "Accept"),
		UserAgent:      firstHeader(r.Header, "User-Agent"),
		AVOriginClient: firstHeader(r.Header, "Av-Origin-Client"),
		Authorization:  authScheme(firstHeader(r.Header, "Authorization")),
	}
	rr.mu.Lock()
	rr.buf[rr.next] = rec
	rr.next = (rr.next + 1) % requestRingSize
	if rr.n < requestRingSize {
		rr.n++
	}
	rr.mu.Unlock()
}

// Last returns up to limit records, oldest first.
func (rr *requestRing) Last(limit int) []requestRecord {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	if limit > rr.n {
		limit = rr.n
	}
	out := make([]requestRecord, limit)
	start := rr.next - limit
	if start < 0 {
		start += requestRingSize
	}
	for i := range out {
		out[i] = rr.buf[(start+i)%requestRingSize]
	}
	return out
}

func (rr *requestRing) Reset() {
	rr.mu.Lock()
	rr.buf = [requestRingSize]requestRecord{}
	rr.next, rr.n = 0, 0
	rr.mu.Unlock()
}

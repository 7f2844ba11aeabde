package main

import (
	"bufio"
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"time"
)

// config is everything the flags decide.
type config struct {
	apiKeys         []string
	latency         time.Duration
	rateLimitReads  int64
	rateLimitWrites int64
	rateLimitWindow time.Duration
	accessTokenTTL  time.Duration
	clockOffset     time.Duration // where the clock starts, from the real one
	logRequests     bool
	logOutput       io.Writer
}

// Server is the emulator's http.Handler.
type Server struct {
	latency time.Duration
	clock   *clock
	tokens  *tokenStore
	creds   *credentials
	limits  *rateLimiter
	faults  faultSet
	stats   stats
	recent  requestRing
	logger  *log.Logger // nil unless --log_requests
}

func newServer(cfg config) *Server {
	s := &Server{
		latency: cfg.latency,
		clock:   newClock(cfg.clockOffset),
		tokens:  newTokenStore(),
		creds:   newCredentials(cfg.apiKeys, cfg.accessTokenTTL),
		limits:  newRateLimiter(cfg.rateLimitReads, cfg.rateLimitWrites, cfg.rateLimitWindow),
	}
	if cfg.logRequests && cfg.logOutput != nil {
		s.logger = log.New(cfg.logOutput, "apivideo_emulator: ", log.LstdFlags|log.Lmicroseconds)
	}
	return s
}

// area tells which part of the URL space a request falls in.
type area int

const (
	areaOther area = iota // unknown URLs: rate-limited, no latency
	areaAPI               // /upload-tokens...: latency, rate limits, auth
	areaAuth              // /auth...: latency, no rate limits, no auth
)

// target is a classified request.
type target struct {
	route route
	area  area
	token string // the {token} path segment
	allow string // non-empty when the path is known but the method is not
}

func classify(method, path string) target {
	switch {
	case path == "/upload-tokens":
		t := target{route: routeOther, area: areaAPI, allow: "GET, POST"}
		switch method {
		case http.MethodGet:
			t.route = routeListTokens
		case http.MethodPost:
			t.route = routeCreateToken
		}
		return t
	case strings.HasPrefix(path, "/upload-tokens/"):
		t := target{route: routeOther, area: areaAPI, token: path[len("/upload-tokens/"):]}
		if t.token == "" || strings.IndexByte(t.token, '/') >= 0 {
			t.token = ""
			return t // unrecognized URL
		}
		t.allow = "GET, DELETE"
		switch method {
		case http.MethodGet:
			t.route = routeGetToken
		case http.MethodDelete:
			t.route = routeDeleteToken
		}
		return t
	case path == "/auth" || strings.HasPrefix(path, "/auth/"):
		t := target{route: routeOther, area: areaAuth}
		switch path {
		case "/auth/api-key":
			t.allow = "POST"
			if method == http.MethodPost {
				t.route = routeAuthAPIKey
			}
		case "/auth/refresh":
			t.allow = "POST"
			if method == http.MethodPost {
				t.route = routeAuthRefresh
			}
		}
		return t
	}
	return target{route: routeOther, area: areaOther}
}

// ServeHTTP runs every request through the same steps: count and record it,
// wait out --latency, apply a matching fault, charge the rate limit (not on
// /auth), route (404/405), authenticate, and answer. No lock is held across
// any of the steps that wait or write.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.logger != nil {
		lw := &loggingWriter{ResponseWriter: w}
		start := time.Now()
		defer func() {
			s.logger.Printf("%s %s %d %s", r.Method, r.URL.RequestURI(), lw.status, time.Since(start))
		}()
		w = lw
	}
	path := r.URL.Path
	if strings.HasPrefix(path, "/_emulator/") {
		s.serveControl(w, r)
		return
	}

	t := classify(r.Method, path)
	s.stats.requests[t.route].Add(1)
	s.recent.Record(r, s.clock.Now())

	if t.area != areaOther && s.latency > 0 && !wait(r, s.latency) {
		return // the client went away
	}
	if f, ok := s.faults.Take(r.Method, path); ok {
		if f.Action == actionResetAfter {
			// The request takes effect, but its answer never arrives.
			if f.LatencyMS > 0 && !wait(r, time.Duration(f.LatencyMS)*time.Millisecond) {
				s.stats.abandoned.Add(1)
				return
			}
			s.answer(discardWriter{header: http.Header{}}, r, t)
			resetConnection(w)
		}
		if applyFault(w, r, f) {
			if r.Context().Err() != nil {
				s.stats.abandoned.Add(1) // the client went away while held
			}
			return
		}
	}
	s.answer(w, r, t)
}

// answer is the real handling of a request classified as t.
func (s *Server) answer(w http.ResponseWriter, r *http.Request, t target) {
	if t.area == areaAuth {
		switch {
		case t.route == routeAuthAPIKey:
			s.serveAuthAPIKey(w, r)
		case t.route == routeAuthRefresh:
			s.serveAuthRefresh(w, r)
		case t.allow != "":
			w.Header()["Allow"] = []string{t.allow}
			writeProblem(w, probMethodNotAllowed)
		default:
			writeProblem(w, probUnrecognizedURL)
		}
		return
	}

	// Every other response carries X-RateLimit-*; routing (404, 405) comes
	// after the charge and authentication after routing, as in a framework
	// where routing runs before the security layer.
	q := s.limits.Take(r.Method, s.clock.NowNano())
	q.setHeaders(w.Header())
	if !q.ok {
		s.stats.rateLimited.Add(1)
		writeProblem(w, probTooManyRequests)
		return
	}
	if t.route == routeOther {
		if t.allow != "" {
			w.Header()["Allow"] = []string{t.allow}
			writeProblem(w, probMethodNotAllowed)
		} else {
			writeProblem(w, probUnrecognizedURL)
		}
		return
	}
	if p := s.creds.Authenticate(firstHeader(r.Header, "Authorization"), s.clock.NowNano()); p != nil {
		writeProblem(w, p)
		return
	}
	switch t.route {
	case routeCreateToken:
		s.serveCreateToken(w, r)
	case routeListTokens:
		s.serveListTokens(w, r)
	case routeGetToken:
		s.serveGetToken(w, t.token)
	case routeDeleteToken:
		s.serveDeleteToken(w, t.token)
	}
}

// Reset is POST /_emulator/reset: tokens, stats, recorded requests, faults,
// rate-limit windows and issued bearer/refresh tokens go; API keys, limits and
// the clock stay.
func (s *Server) Reset() {
	s.tokens.Reset()
	s.stats.Reset()
	s.recent.Reset()
	s.faults.Clear()
	s.limits.ResetWindows()
	s.creds.Reset()
}

// runJanitor frees expired tokens once a second until ctx ends.
func (s *Server) runJanitor(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			now := s.clock.NowNano()
			s.tokens.Sweep(now)
			s.creds.Sweep(now)
		}
	}
}

// loggingWriter remembers the status for --log_requests and passes Flush and
// Hijack through, which the fault actions need.
type loggingWriter struct {
	http.ResponseWriter
	status int
}

func (lw *loggingWriter) WriteHeader(code int) {
	if lw.status == 0 {
		lw.status = code
	}
	lw.ResponseWriter.WriteHeader(code)
}

func (lw *loggingWriter) Write(b []byte) (int, error) {
	if lw.status == 0 {
		lw.status = http.StatusOK
	}
	return lw.ResponseWriter.Write(b)
}

func (lw *loggingWriter) Flush() {
	if fl, ok := lw.ResponseWriter.(http.Flusher); ok {
		fl.Flush()
	}
}

func (lw *loggingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if hj, ok := lw.ResponseWriter.(http.Hijacker); ok {
		return hj.Hijack()
	}
	return nil, nil, http.ErrNotSupported
}

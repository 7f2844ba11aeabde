package main

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The control surface under /_emulator/ is for tests: no auth, no rate
// limits, no latency, no faults, not counted in the stats.

func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case path == "/_emulator/faults":
		switch r.Method {
		case http.MethodPost:
			s.controlAddFault(w, r)
		case http.MethodDelete:
			s.faults.Clear()
			writeControlJSON(w, map[string]int{"cleared": 1})
		case http.MethodGet:
			writeControlJSON(w, map[string][]fault{"faults": s.faults.List()})
		default:
			controlMethodNotAllowed(w, "GET, POST, DELETE")
		}
	case strings.HasPrefix(path, "/_emulator/faults/"):
		if r.Method != http.MethodDelete {
			controlMethodNotAllowed(w, "DELETE")
			return
		}
		if !s.faults.Remove(path[len("/_emulator/faults/"):]) {
			writeControlError(w, http.StatusNotFound, "no such fault")
			return
		}
		writeControlJSON(w, map[string]int{"cleared": 1})
	case path == "/_emulator/stats":
		if r.Method != http.MethodGet {
			controlMethodNotAllowed(w, "GET")
			return
		}
		writeControlJSON(w, statsReport{
			Requests:      s.stats.Requests(),
			TokensCreated: s.stats.tokensCreated.Load(),
			ActiveTokens:  s.tokens.ActiveCount(s.clock.NowNano()),
			RateLimited:   s.stats.rateLimited.Load(),
			Abandoned:     s.stats.abandoned.Load(),
		})
	case path == "/_emulator/requests":
		if r.Method != http.MethodGet {
			controlMethodNotAllowed(w, "GET")
			return
		}
		limit := 50
		if v := r.URL.Query().Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > requestRingSize {
				writeControlError(w, http.StatusBadRequest, "limit must be an integer between 1 and 1000")
				return
			}
			limit = n
		}
		writeControlJSON(w, map[string][]requestRecord{"requests": s.recent.Last(limit)})
	case path == "/_emulator/reset":
		if r.Method != http.MethodPost {
			controlMethodNotAllowed(w, "POST")
			return
		}
		s.Reset()
		writeControlJSON(w, map[string]bool{"reset": true})
	case path == "/_emulator/clock":
		s.controlClock(w, r)
	case path == "/_emulator/ratelimit":
		s.controlRateLimit(w, r)
	case path == "/_emulator/keys":
		s.controlKeys(w, r)
	default:
		writeControlError(w, http.StatusNotFound, "unknown control endpoint")
	}
}

// statsReport is the GET /_emulator/stats answer.
type statsReport struct {
	Requests      map[string]int64 `json:"requests"`
	TokensCreated int64            `json:"tokens_created"`
	ActiveTokens  int              `json:"active_tokens"`
	RateLimited   int64            `json:"rate_limited"`
	Abandoned     int64            `json:"abandoned"`
}

func (s *Server) controlAddFault(w http.ResponseWriter, r *http.Request) {
	var f fault
	if err := decodeControl(r, &f); err != nil {
		writeControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := f.validate(); err != nil {
		writeControlError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeControlJSON(w, map[string]string{"id": s.faults.Add(f)})
}

// controlClock: GET shows the emulator time; POST {"advance_seconds": N}
// moves it forward (fractions allowed).
func (s *Server) controlClock(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		var req struct {
			AdvanceSeconds *float64 `json:"advance_seconds"`
		}
		if err := decodeControl(r, &req); err != nil || req.AdvanceSeconds == nil {
			writeControlError(w, http.StatusBadRequest, `body must be {"advance_seconds": N}`)
			return
		}
		secs := *req.AdvanceSeconds
		if secs < 0 || secs > maxClockOffset.Seconds() || math.IsNaN(secs) {
			writeControlError(w, http.StatusBadRequest, "advance_seconds must be between 0 and 100 years")
			return
		}
		if err := s.clock.Advance(time.Duration(secs * float64(time.Second))); err != nil {
			writeControlError(w, http.StatusBadRequest, err.Error())
			return
		}
	default:
		controlMethodNotAllowed(w, "GET, POST")
		return
	}
	writeControlJSON(w, map[string]interface{}{
		"now":            s.clock.Now().Format(time.RFC3339Nano),
		"offset_seconds": s.clock.Offset().Seconds(),
	})
}

// controlRateLimit: GET shows the limits; POST {"reads","writes",
// "window_seconds"} replaces those given (a limit of 0 refuses every request)
// and starts fresh windows.
func (s *Server) controlRateLimit(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		var req struct {
			Reads         *int64   `json:"reads"`
			Writes        *int64   `json:"writes"`
			WindowSeconds *float64 `json:"window_seconds"`
		}
		if err := decodeControl(r, &req); err != nil {
			writeControlError(w, http.StatusBadRequest, err.Error())
			return
		}
		reads, window := s.limits.reads.settings()
		writes, _ := s.limits.writes.settings()
		if req.Reads != nil {
			reads = *req.Reads
		}
		if req.Writes != nil {
			writes = *req.Writes
		}
		if req.WindowSeconds != nil {
			ws := *req.WindowSeconds
			if !(ws >= 0.001 && ws <= maxClockOffset.Seconds()) {
				writeControlError(w, http.StatusBadRequest, "window_seconds must be between 0.001 and 100 years")
				return
			}
			window = time.Duration(ws * float64(time.Second))
		}
		if reads < 0 || writes < 0 {
			writeControlError(w, http.StatusBadRequest, "reads and writes must not be negative")
			return
		}
		s.limits.Configure(reads, writes, window)
	default:
		controlMethodNotAllowed(w, "GET, POST")
		return
	}
	reads, window := s.limits.reads.settings()
	writes, _ := s.limits.writes.settings()
	writeControlJSON(w, map[string]interface{}{"reads": reads, "writes": writes, "window_seconds": window.Seconds()})
}

// controlKeys: GET lists the accepted API keys; POST {"api_keys": [...]}
// replaces them (tokens issued for removed keys stop working).
func (s *Server) controlKeys(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		var req struct {
			APIKeys *[]string `json:"api_keys"`
		}
		if err := decodeControl(r, &req); err != nil || req.APIKeys == nil {
			writeControlError(w, http.StatusBadRequest, `body must be {"api_keys": ["..."]}`)
			return
		}
		s.creds.SetKeys(*req.APIKeys)
	default:
		controlMethodNotAllowed(w, "GET, POST")
		return
	}
	writeControlJSON(w, map[string][]string{"api_keys": s.creds.Keys()})
}

// maxControlBody bounds control payloads. Generous, because a fault's body
// may be made large on purpose, to test a client's cap on answers.
const maxControlBody = 8 << 20

// decodeControl strictly decodes a control payload: unknown members are
// errors, so a typo in a test does not pass silently.
func decodeControl(r *http.Request, v interface{}) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxControlBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errors.New("invalid JSON payload: " + err.Error())
	}
	return nil
}

func writeControlJSON(w http.ResponseWriter, v interface{}) {
	b, err := json.Marshal(v)
	if err != nil {
		writeControlError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, b)
}

func writeControlError(w http.ResponseWriter, status int, msg string) {
	b := []byte(`{"title":`)
	b = appendJSONString(b, msg)
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, '}')
	w.Header()["Content-Type"] = hdrProblem
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func controlMethodNotAllowed(w http.ResponseWriter, allow string) {
	w.Header()["Allow"] = []string{allow}
	writeControlError(w, http.StatusMethodNotAllowed, "method not allowed")
}

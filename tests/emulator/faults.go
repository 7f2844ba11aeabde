package main

import (
	"crypto/tls"
	"errors"
	"math/rand"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// fault is one injected misbehaviour, as posted to /_emulator/faults.
type fault struct {
	ID          string            `json:"id"`
	Method      string            `json:"method,omitempty"` // "" = any method
	Path        string            `json:"path,omitempty"`   // "" with match "prefix" = any path
	Match       string            `json:"match,omitempty"`  // "exact" (default) or "prefix"
	Times       int               `json:"times"`            // 0 = until cleared
	Action      string            `json:"action,omitempty"` // respond (default), reset_before, reset_mid, truncate
	Status      int               `json:"status,omitempty"`
	Body        string            `json:"body,omitempty"`
	ContentType string            `json:"content_type,omitempty"`
	Headers     map[string]string `json:"headers,omitempty"`
	LatencyMS   int               `json:"latency_ms,omitempty"`
	Probability float64           `json:"probability,omitempty"` // 0 = always; else the chance a matching request is faulted
	Hold        bool              `json:"hold,omitempty"`        // wait until the fault is deleted, then go on
	Remaining   int               `json:"remaining,omitempty"`   // output only: uses left when Times > 0

	release chan struct{} // closed when a held fault is deleted
}

const (
	actionRespond     = "respond"
	actionResetBefore = "reset_before"
	actionResetMid    = "reset_mid"
	actionTruncate    = "truncate"
	// reset_after runs the real handler, then resets the connection instead
	// of answering: the request took effect, and the client cannot know.
	actionResetAfter = "reset_after"
)

// authorizationPlaceholder in a fault's body is replaced by the request's
// Authorization header, as sent.
const authorizationPlaceholder = "{authorization}"

// defaultFaultBody stands in when reset_mid or truncate are given no body, so
// there is always something to cut.
const defaultFaultBody = `{"token":"toEmulatorFaultBody000000","ttl":0,"createdAt":"2020-12-02T10:13:19+00:00"}`

func (f *fault) validate() error {
	switch f.Action {
	case "":
		f.Action = actionRespond
	case actionRespond, actionResetBefore, actionResetMid, actionTruncate, actionResetAfter:
	default:
		return errors.New(`action must be one of "respond", "reset_before", "reset_mid", "truncate", "reset_after"`)
	}
	switch f.Match {
	case "":
		f.Match = "exact"
	case "exact", "prefix":
	default:
		return errors.New(`match must be "exact" or "prefix"`)
	}
	if f.Match == "exact" && f.Path == "" {
		return errors.New(`path is required with match "exact"`)
	}
	if strings.HasPrefix(f.Path, "/_emulator/") {
		return errors.New("the control surface cannot be faulted")
	}
	if f.Times < 0 || f.LatencyMS < 0 {
		return errors.New("times and latency_ms must not be negative")
	}
	if f.Probability < 0 || f.Probability > 1 {
		return errors.New("probability must be between 0 and 1")
	}
	if f.Status != 0 && (f.Status < 200 || f.Status > 599) {
		return errors.New("status must be between 200 and 599")
	}
	if f.Action == actionRespond && f.Status == 0 && f.LatencyMS == 0 && !f.Hold {
		return errors.New(`"respond" needs a status, or latency_ms or hold alone to delay the real answer`)
	}
	f.Method = strings.ToUpper(f.Method)
	f.Remaining = f.Times
	return nil
}

func (f *fault) matches(method, path string) bool {
	if f.Method != "" && f.Method != method {
		return false
	}
	if f.Match == "prefix" {
		return strings.HasPrefix(path, f.Path)
	}
	return path == f.Path
}

// faultSet is ordered: the first added matching fault wins. The count lets
// the hot path skip the lock entirely when no fault is set.
type faultSet struct {
	count  atomic.Int32
	mu     sync.Mutex
	list   []*fault
	nextID int
	// The release channels of held faults by id, kept after a fault is used
	// up so that deleting it still lets its held requests go.
	releases map[string]chan struct{}
}

func (fs *faultSet) Add(f fault) string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.nextID++
	f.ID = "f" + strconv.Itoa(fs.nextID)
	if f.Hold {
		f.release = make(chan struct{})
		if fs.releases == nil {
			fs.releases = map[string]chan struct{}{}
		}
		fs.releases[f.ID] = f.release
	}
	fs.list = append(fs.list, &f)
	fs.count.Store(int32(len(fs.list)))
	return f.ID
}

// Take returns a copy of the first fault matching the request and uses it
// up once; ok is false when none matches.
func (fs *faultSet) Take(method, path string) (fault, bool) {
	if fs.count.Load() == 0 {
		return fault{}, false
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.list {
		if !f.matches(method, path) {
			continue
		}
		if f.Probability > 0 && rand.Float64() >= f.Probability {
			continue // spared this time; a later fault may still match
		}
		got := *f
		if f.Times > 0 {
			f.Remaining--
			if f.Remaining == 0 {
				fs.removeLocked(i)
			}
		}
		return got, true
	}
	return fault{}, false
}

func (fs *faultSet) removeLocked(i int) {
	fs.list = append(fs.list[:i:i], fs.list[i+1:]...)
	fs.count.Store(int32(len(fs.list)))
}

// Remove deletes one fault by id, and lets the requests it holds go.
func (fs *faultSet) Remove(id string) bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	found := false
	if ch, ok := fs.releases[id]; ok {
		close(ch)
		delete(fs.releases, id)
		found = true
	}
	for i, f := range fs.list {
		if f.ID == id {
			fs.removeLocked(i)
			return true
		}
	}
	return found
}

func (fs *faultSet) List() []fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]fault, 0, len(fs.list))
	for _, f := range fs.list {
		out = append(out, *f)
	}
	return out
}

func (fs *faultSet) Clear() {
	fs.mu.Lock()
	for id, ch := range fs.releases {
		close(ch)
		delete(fs.releases, id)
	}
	fs.list = nil
	fs.count.Store(0)
	fs.mu.Unlock()
}

// applyFault carries a fault out. It reports false when the request should go
// on to the real handler (a latency-only fault); the abort actions never
// return.
func applyFault(w http.ResponseWriter, r *http.Request, f fault) bool {
	// A misconfigured upstream or proxy quoting the credential it was sent.
	f.Body = strings.ReplaceAll(f.Body, authorizationPlaceholder, r.Header.Get("Authorization"))
	if f.Hold {
		select {
		case <-f.release:
		case <-r.Context().Done():
			return true // the client went away
		}
	}
	if f.LatencyMS > 0 && !wait(r, time.Duration(f.LatencyMS)*time.Millisecond) {
		return true // the client went away
	}
	switch f.Action {
	case actionResetBefore:
		resetConnection(w)
	case actionResetMid:
		body := faultBody(f)
		setFaultHeaders(w, f, body)
		w.WriteHeader(faultStatus(f))
		_, _ = w.Write([]byte(body[:(len(body)+1)/2]))
		flush(w)
		resetConnection(w)
	case actionTruncate:
		body := faultBody(f)
		setFaultHeaders(w, f, body)
		w.Header()["Content-Length"] = []string{strconv.Itoa(len(body) + 64)}
		w.WriteHeader(faultStatus(f))
		_, _ = w.Write([]byte(body))
		flush(w)
		panic(http.ErrAbortHandler)
	}
	if f.Status == 0 {
		return false
	}
	setFaultHeaders(w, f, f.Body)
	if f.Body != "" {
		w.Header()["Content-Length"] = []string{strconv.Itoa(len(f.Body))}
	}
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
	return true
}

func faultStatus(f fault) int {
	if f.Status == 0 {
		return http.StatusOK
	}
	return f.Status
}

func faultBody(f fault) string {
	if f.Body == "" {
		return defaultFaultBody
	}
	return f.Body
}

// setFaultHeaders sets exactly the fault's headers (no X-RateLimit-* unless
// given) and its content type: by default application/json for 2xx and
// application/problem+json otherwise, none when there is no body.
func setFaultHeaders(w http.ResponseWriter, f fault, body string) {
	h := w.Header()
	ct := f.ContentType
	for k, v := range f.Headers {
		switch {
		case strings.EqualFold(k, "Content-Type"):
			if ct == "" {
				ct = v
			}
		case strings.EqualFold(k, "Content-Length"):
			// the emulator controls the framing
		default:
			h[k] = []string{v}
		}
	}
	if ct == "" && body != "" {
		if faultStatus(f) < 300 {
			ct = hdrJSON[0]
		} else {
			ct = hdrProblem[0]
		}
	}
	if ct != "" {
		h["Content-Type"] = []string{ct}
	} else {
		h["Content-Type"] = nil // no sniffing either
	}
}

func flush(w http.ResponseWriter) {
	if fl, ok := w.(http.Flusher); ok {
		fl.Flush()
	}
}

// resetConnection aborts the exchange. Over HTTP/1.x the TCP connection is
// closed with SO_LINGER 0, so the peer sees a real RST; over HTTP/2 the
// panic makes net/http reset the stream.
func resetConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			raw := conn
			if tc, ok := conn.(*tls.Conn); ok {
				raw = tc.NetConn()
			}
			if tcp, ok := raw.(*net.TCPConn); ok {
				_ = tcp.SetLinger(0)
			}
			_ = raw.Close() // not conn.Close: no TLS close_notify first
		}
	}
	panic(http.ErrAbortHandler)
}

// discardWriter swallows an answer that is never to be sent.
type discardWriter struct{ header http.Header }

func (d discardWriter) Header() http.Header         { return d.header }
func (d discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d discardWriter) WriteHeader(int)             {}

// wait blocks for d on a timer, or until the client goes away (false).
func wait(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

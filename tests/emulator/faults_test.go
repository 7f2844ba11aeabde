package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func (h *harness) addFault(spec string) string {
	h.t.Helper()
	var out struct {
		ID string `json:"id"`
	}
	mustDecode(h.t, h.control("POST", "/_emulator/faults", spec).body, &out)
	if out.ID == "" {
		h.t.Fatal("no fault id returned")
	}
	return out.ID
}

// freshClientDo sends one request on a new connection, so net/http cannot
// hide a reset by retrying on another connection.
func (h *harness) freshClientDo(method, path string) (*http.Response, error) {
	req, _ := http.NewRequest(method, h.ts.URL+path, nil)
	req.Header.Set("Authorization", basicAuth)
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	return c.Do(req)
}

func TestFaultRespondSendsExactlyTheGivenAnswer(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"method":"GET","path":"/upload-tokens","status":503,"body":"{\"title\":\"down\"}","headers":{"X-RateLimit-Retry-After":"7"}}`)
	r := h.api("GET", "/upload-tokens", "")
	if r.status != 503 || string(r.body) != `{"title":"down"}` {
		t.Fatalf("got %d %s", r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want the problem default for an error status", ct)
	}
	if r.header.Get("X-Ratelimit-Retry-After") != "7" || r.header.Get("X-Ratelimit-Limit") != "" {
		t.Errorf("headers = %v, want only the fault's X-RateLimit-Retry-After", r.header)
	}
}

func TestFaultRespondUsesGivenContentType(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"path":"/upload-tokens","status":502,"body":"<html>bad gateway</html>","content_type":"text/html"}`)
	if r := h.api("POST", "/upload-tokens", "{}"); r.status != 502 || r.header.Get("Content-Type") != "text/html" {
		t.Errorf("got %d %q", r.status, r.header.Get("Content-Type"))
	}
}

func TestFaultAppliesTimesThenRealAnswerReturns(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"path":"/upload-tokens","times":2,"status":500}`)
	got := []int{
		h.api("GET", "/upload-tokens", "").status,
		h.api("GET", "/upload-tokens", "").status,
		h.api("GET", "/upload-tokens", "").status,
	}
	if got[0] != 500 || got[1] != 500 || got[2] != 200 {
		t.Errorf("statuses = %v, want 500 500 200", got)
	}
}

func TestFaultPrefixAndMethodSelectRequests(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"method":"get","path":"/upload-tokens/","match":"prefix","status":503}`)
	if r := h.api("GET", "/upload-tokens/toAnything", ""); r.status != 503 {
		t.Errorf("GET under the prefix: %d, want 503", r.status)
	}
	if r := h.api("DELETE", "/upload-tokens/toAnything", ""); r.status != 404 {
		t.Errorf("DELETE under the prefix: %d, want the real 404", r.status)
	}
	if r := h.api("GET", "/upload-tokens", ""); r.status != 200 {
		t.Errorf("GET outside the prefix: %d, want 200", r.status)
	}
}

func TestFirstAddedMatchingFaultWins(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"path":"/upload-tokens","times":1,"status":502}`)
	h.addFault(`{"path":"/upload-tokens","status":503}`)
	a := h.api("GET", "/upload-tokens", "").status
	b := h.api("GET", "/upload-tokens", "").status
	if a != 502 || b != 503 {
		t.Errorf("statuses = %d, %d; want 502 then 503", a, b)
	}
}

func TestFaultsApplyBeforeAuthentication(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"path":"/upload-tokens","status":429,"body":"{}"}`)
	if r := h.request("GET", "/upload-tokens", "", ""); r.status != 429 {
		t.Errorf("status = %d, want the fault's 429 before the 401", r.status)
	}
}

func TestFaultsApplyToAuthEndpoints(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"path":"/auth/","match":"prefix","status":500}`)
	if r := h.request("POST", "/auth/api-key", `{"apiKey":"`+testKey+`"}`, ""); r.status != 500 {
		t.Errorf("status = %d, want 500", r.status)
	}
}

func TestFaultBodyEchoesTheAuthorizationHeaderWhereAsked(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"path":"/upload-tokens","status":400,"body":"{\"title\":\"Unknown credential {authorization}\"}"}`)
	r := h.api("GET", "/upload-tokens", "")
	if want := `{"title":"Unknown credential ` + basicAuth + `"}`; r.status != 400 || string(r.body) != want {
		t.Errorf("got %d %s, want 400 %s", r.status, r.body, want)
	}
}

func TestLatencyOnlyFaultDelaysTheRealAnswer(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"path":"/upload-tokens","latency_ms":150}`)
	start := time.Now()
	r := h.api("GET", "/upload-tokens", "")
	if r.status != 200 || time.Since(start) < 150*time.Millisecond {
		t.Errorf("status %d after %v, want 200 after at least 150ms", r.status, time.Since(start))
	}
}

func TestFaultLatencyComesBeforeTheAction(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"path":"/upload-tokens","latency_ms":100,"status":504}`)
	start := time.Now()
	if r := h.api("GET", "/upload-tokens", ""); r.status != 504 || time.Since(start) < 100*time.Millisecond {
		t.Errorf("status %d after %v", r.status, time.Since(start))
	}
}

func TestResetBeforeAbortsWithoutAnyResponse(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"path":"/upload-tokens","times":1,"action":"reset_before"}`)
	res, err := h.freshClientDo("GET", "/upload-tokens")
	if err == nil {
		res.Body.Close()
		t.Fatalf("got a %d response, want a transport error", res.StatusCode)
	}
	if r := h.api("GET", "/upload-tokens", ""); r.status != 200 {
		t.Errorf("after the fault: %d", r.status)
	}
}

func TestResetMidSendsHeadersThenBreaksTheBody(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"path":"/upload-tokens","action":"reset_mid","status":200,"body":"{\"data\":[],\"pagination\":{}}"}`)
	res, err := h.freshClientDo("GET", "/upload-tokens")
	if err != nil {
		t.Fatalf("want headers before the reset, got %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json" {
		t.Errorf("status %d content type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if b, err := io.ReadAll(res.Body); err == nil {
		t.Errorf("body %q read without error, want a broken body", b)
	}
}

func TestTruncateDeclaresMoreBytesThanItSends(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"path":"/upload-tokens","action":"truncate","body":"{\"data\":[]}"}`)
	res, err := h.freshClientDo("GET", "/upload-tokens")
	if err != nil {
		t.Fatalf("want headers, got %v", err)
	}
	defer res.Body.Close()
	declared, _ := strconv.Atoi(res.Header.Get("Content-Length"))
	b, err := io.ReadAll(res.Body)
	if err != io.ErrUnexpectedEOF || declared <= len(b) || string(b) != `{"data":[]}` {
		t.Errorf("read %q (%v) against Content-Length %d", b, err, declared)
	}
}

func TestResetAfterTakesEffectButSendsNoAnswer(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"method":"POST","path":"/upload-tokens","times":1,"action":"reset_after"}`)
	req, _ := http.NewRequest("POST", h.ts.URL+"/upload-tokens", strings.NewReader(`{"ttl":60}`))
	req.Header.Set("Authorization", basicAuth)
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	if res, err := c.Do(req); err == nil {
		res.Body.Close()
		t.Fatalf("got a %d response, want a transport error", res.StatusCode)
	}
	var stats struct {
		TokensCreated int `json:"tokens_created"`
	}
	if err := json.Unmarshal(h.control("GET", "/_emulator/stats", "").body, &stats); err != nil {
		t.Fatal(err)
	}
	if stats.TokensCreated != 1 {
		t.Errorf("tokens_created = %d, want 1: the request must take effect", stats.TokensCreated)
	}
}

func TestProbabilisticFaultHitsAboutThatShareOfRequests(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"method":"GET","path":"/upload-tokens","status":503,"probability":0.25}`)
	faulted := 0
	const n = 2000
	for i := 0; i < n; i++ {
		if r := h.api("GET", "/upload-tokens", ""); r.status == 503 {
			faulted++
		}
	}
	// 25% of 2000 is 500; the binomial standard deviation is about 19.
	if faulted < 400 || faulted > 600 {
		t.Errorf("%d of %d requests faulted, want about 500", faulted, n)
	}
}

func TestProbabilityOutsideZeroToOneIsRejected(t *testing.T) {
	h := newHarness(t)
	if r := h.request("POST", "/_emulator/faults", `{"path":"/upload-tokens","status":503,"probability":1.5}`, ""); r.status != 400 {
		t.Errorf("status %d, want 400", r.status)
	}
}

func TestDeleteFaultsClearsEveryFault(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"path":"/upload-tokens","status":503}`)
	h.control("DELETE", "/_emulator/faults", "")
	if r := h.api("GET", "/upload-tokens", ""); r.status != 200 {
		t.Errorf("status = %d after clearing", r.status)
	}
}

func TestDeleteOneFaultByID(t *testing.T) {
	h := newHarness(t)
	id := h.addFault(`{"path":"/upload-tokens","status":503}`)
	h.addFault(`{"path":"/upload-tokens/x","status":502}`)
	h.control("DELETE", "/_emulator/faults/"+id, "")
	var out struct{ Faults []fault }
	mustDecode(t, h.control("GET", "/_emulator/faults", "").body, &out)
	if len(out.Faults) != 1 || out.Faults[0].Path != "/upload-tokens/x" {
		t.Errorf("faults left = %+v", out.Faults)
	}
}

func TestInvalidFaultSpecsAreRejected(t *testing.T) {
	h := newHarness(t)
	for _, spec := range []string{
		`{"path":"/upload-tokens","action":"explode","status":500}`,
		`{"path":"/upload-tokens","match":"regex","status":500}`,
		`{"path":"/upload-tokens","status":500,"unknown_member":1}`,
		`{"path":"/upload-tokens"}`,
		`{"status":500}`,
		`{"path":"/_emulator/stats","status":500}`,
	} {
		r := h.request("POST", "/_emulator/faults", spec, "")
		if r.status != 400 {
			t.Errorf("%s: status %d, want 400", spec, r.status)
		}
	}
}

func TestControlSurfaceIsNeverFaulted(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"path":"","match":"prefix","status":503}`)
	if r := h.request("GET", "/_emulator/stats", "", ""); r.status != 200 {
		t.Errorf("stats: %d", r.status)
	}
	var f struct{ Faults []json.RawMessage }
	mustDecode(t, h.control("GET", "/_emulator/faults", "").body, &f)
	if len(f.Faults) != 1 || !strings.Contains(string(f.Faults[0]), `"match":"prefix"`) {
		t.Errorf("faults = %s", f.Faults)
	}
}

func TestAHeldRequestWaitsUntilItsFaultIsDeleted(t *testing.T) {
	h := newHarness(t)
	id := h.addFault(`{"method":"GET","path":"/upload-tokens","hold":true,"times":1}`)
	answered := make(chan response, 1)
	go func() { answered <- h.api("GET", "/upload-tokens", "") }()
	select {
	case r := <-answered:
		t.Fatalf("answered while held: %d", r.status)
	case <-time.After(200 * time.Millisecond):
	}
	// Used up (times 1), yet deleting it by id still lets the request go.
	if r := h.control("DELETE", "/_emulator/faults/"+id, ""); r.status != 200 {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	select {
	case r := <-answered:
		if r.status != 200 {
			t.Errorf("after release: %d %s", r.status, r.body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("still held after the fault was deleted")
	}
	if r := h.api("GET", "/upload-tokens", ""); r.status != 200 {
		t.Errorf("a later request: %d", r.status)
	}
}

func TestClearingTheFaultsReleasesHeldRequests(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"path":"/upload-tokens","match":"prefix","hold":true}`)
	answered := make(chan response, 1)
	go func() { answered <- h.api("POST", "/upload-tokens", "{}") }()
	time.Sleep(50 * time.Millisecond)
	h.control("DELETE", "/_emulator/faults", "")
	select {
	case r := <-answered:
		if r.status != 200 {
			t.Errorf("after clearing: %d %s", r.status, r.body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("still held after the faults were cleared")
	}
}

func TestAHeldRequestWhoseClientLeavesIsCountedAbandoned(t *testing.T) {
	h := newHarness(t)
	h.addFault(`{"method":"GET","path":"/upload-tokens","hold":true}`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // a failed check must not leave the request held
	req, err := http.NewRequestWithContext(ctx, "GET", h.ts.URL+"/upload-tokens", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", basicAuth)
	done := make(chan error, 1)
	go func() {
		res, err := h.ts.Client().Do(req)
		if err == nil {
			res.Body.Close()
		}
		done <- err
	}()
	abandoned := func() int64 {
		var stats statsReport
		mustDecode(t, h.control("GET", "/_emulator/stats", "").body, &stats)
		return stats.Abandoned
	}
	// Held, and still there: not abandoned.
	time.Sleep(100 * time.Millisecond)
	if got := abandoned(); got != 0 {
		t.Fatalf("abandoned = %d while the client waits, want 0", got)
	}
	cancel()
	if err := <-done; err == nil {
		t.Fatal("the cancelled request was answered")
	}
	deadline := time.Now().Add(5 * time.Second)
	for abandoned() != 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := abandoned(); got != 1 {
		t.Errorf("abandoned = %d after the client left, want 1", got)
	}
	h.control("POST", "/_emulator/reset", "")
	if got := abandoned(); got != 0 {
		t.Errorf("abandoned = %d after reset, want 0", got)
	}
}

package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func (h *harness) stats() statsReport {
	h.t.Helper()
	var s statsReport
	mustDecode(h.t, h.control("GET", "/_emulator/stats", "").body, &s)
	return s
}

func (h *harness) recentRequests(query string) []requestRecord {
	h.t.Helper()
	var out struct {
		Requests []requestRecord `json:"requests"`
	}
	mustDecode(h.t, h.control("GET", "/_emulator/requests"+query, "").body, &out)
	return out.Requests
}

func TestStatsCountEveryRouteIncludingFaultedAndFailedRequests(t *testing.T) {
	h := newHarness(t)
	tok := h.createToken(`{"ttl":60}`)
	h.api("GET", "/upload-tokens", "")
	h.api("GET", "/upload-tokens/"+tok.Token, "")
	h.addFault(`{"path":"/upload-tokens/` + tok.Token + `","method":"DELETE","times":1,"status":503}`)
	h.api("DELETE", "/upload-tokens/"+tok.Token, "") // faulted
	h.api("DELETE", "/upload-tokens/"+tok.Token, "")
	h.request("POST", "/auth/api-key", `{"apiKey":"nope"}`, "")
	h.request("POST", "/auth/refresh", `{}`, "")
	h.request("GET", "/elsewhere", "", "")
	h.request("GET", "/upload-tokens", "", "") // 401, still counted
	s := h.stats()
	want := map[string]int64{
		"POST /upload-tokens":           1,
		"GET /upload-tokens":            2,
		"GET /upload-tokens/{token}":    1,
		"DELETE /upload-tokens/{token}": 2,
		"POST /auth/api-key":            1,
		"POST /auth/refresh":            1,
		"other":                         1,
	}
	for k, v := range want {
		if s.Requests[k] != v {
			t.Errorf("requests[%q] = %d, want %d", k, s.Requests[k], v)
		}
	}
	if s.TokensCreated != 1 || s.ActiveTokens != 0 {
		t.Errorf("tokens_created %d active_tokens %d, want 1 and 0", s.TokensCreated, s.ActiveTokens)
	}
}

func TestActiveTokensExcludesExpiredOnes(t *testing.T) {
	h := newHarness(t)
	h.createToken(`{"ttl":5}`)
	h.createToken(`{}`)
	h.advance("10")
	if s := h.stats(); s.ActiveTokens != 1 || s.TokensCreated != 2 {
		t.Errorf("active %d created %d, want 1 and 2", s.ActiveTokens, s.TokensCreated)
	}
}

func TestRecordedRequestsKeepHeadersButNeverCredentials(t *testing.T) {
	h := newHarness(t)
	req := h.ts.URL + "/upload-tokens?pageSize=5"
	r, _ := newRequestWithHeaders("GET", req, map[string]string{
		"Authorization": basicAuth,
		"Traceparent":   "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
		"Accept":        "application/json, */*;q=0.8",
		"User-Agent":    "axios/1.7",
	})
	res, err := h.ts.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	recs := h.recentRequests("?limit=1")
	if len(recs) != 1 {
		t.Fatalf("got %d records, want 1", len(recs))
	}
	rec := recs[0]
	if rec.Method != "GET" || rec.Path != "/upload-tokens" || rec.Query != "pageSize=5" ||
		rec.Traceparent != "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" ||
		rec.Accept != "application/json, */*;q=0.8" || rec.UserAgent != "axios/1.7" || rec.Authorization != "Basic" {
		t.Errorf("record = %+v", rec)
	}
	raw := string(h.control("GET", "/_emulator/requests", "").body)
	if strings.Contains(raw, basicAuth[len("Basic "):]) {
		t.Errorf("credential leaked into %s", raw)
	}
}

func TestRecordedRequestsAreTheLastNOldestFirst(t *testing.T) {
	h := newHarness(t)
	for _, p := range []string{"/a", "/b", "/c"} {
		h.request("GET", p, "", "")
	}
	recs := h.recentRequests("?limit=2")
	if len(recs) != 2 || recs[0].Path != "/b" || recs[1].Path != "/c" {
		t.Errorf("records = %+v", recs)
	}
}

func TestRequestRingWrapsAround(t *testing.T) {
	var rr requestRing
	for i := 0; i < requestRingSize+5; i++ {
		r, _ := newRequestWithHeaders("GET", "http://x/p"+strings.Repeat("x", i%3), nil)
		r.URL.RawQuery = string(rune('a' + i%26))
		rr.Record(r, testNow)
	}
	all := rr.Last(5000)
	if len(all) != requestRingSize {
		t.Fatalf("kept %d, want %d", len(all), requestRingSize)
	}
	last := all[len(all)-1]
	if want := string(rune('a' + (requestRingSize+4)%26)); last.Query != want {
		t.Errorf("newest query = %q, want %q", last.Query, want)
	}
}

func TestRequestsLimitIsValidated(t *testing.T) {
	h := newHarness(t)
	for _, q := range []string{"?limit=0", "?limit=1001", "?limit=x"} {
		if r := h.request("GET", "/_emulator/requests"+q, "", ""); r.status != 400 {
			t.Errorf("%s: status %d, want 400", q, r.status)
		}
	}
}

func TestResetClearsTokensStatsFaultsWindowsAndBearers(t *testing.T) {
	h := newHarness(t, func(c *config) { c.rateLimitReads = 2 })
	h.createToken(`{}`)
	a := h.login(testKey)
	h.api("GET", "/upload-tokens", "")
	h.api("GET", "/upload-tokens", "")
	h.addFault(`{"path":"/upload-tokens","method":"POST","status":500}`)
	h.control("POST", "/_emulator/reset", "")

	s := h.stats()
	if s.TokensCreated != 0 || s.ActiveTokens != 0 || s.Requests["GET /upload-tokens"] != 0 {
		t.Errorf("stats after reset = %+v", s)
	}
	if n := len(h.recentRequests("")); n != 0 {
		t.Errorf("%d recorded requests after reset", n)
	}
	r := h.api("GET", "/upload-tokens", "")
	if r.status != 200 || !strings.Contains(string(r.body), `"itemsTotal":0`) {
		t.Errorf("list after reset: %d %s", r.status, r.body)
	}
	if _, rem, _ := rateHeaders(t, r); rem != 1 {
		t.Errorf("remaining = %d, want a fresh window", rem)
	}
	if r := h.api("POST", "/upload-tokens", "{}"); r.status != 200 {
		t.Errorf("fault survived the reset: %d", r.status)
	}
	expectProblem(t, h.request("POST", "/upload-tokens", "{}", "Bearer "+a.AccessToken), 401, "authentication-invalid-access-token")
}

func TestClockOffsetStartsTheClockInThePast(t *testing.T) {
	h := newHarness(t, func(c *config) { c.clockOffset = -10 * time.Minute })
	r := h.api("POST", "/upload-tokens", "{}")
	if r.status != 200 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var token struct {
		CreatedAt time.Time `json:"createdAt"`
	}
	if err := json.Unmarshal(r.body, &token); err != nil {
		t.Fatal(err)
	}
	if age := time.Since(token.CreatedAt); age < 9*time.Minute || age > 11*time.Minute {
		t.Errorf("createdAt %v is %v old, want about 10m", token.CreatedAt, age)
	}
}

func TestClockRejectsGoingBackwards(t *testing.T) {
	h := newHarness(t)
	for _, body := range []string{`{"advance_seconds":-1}`, `{}`, `{"seconds":5}`} {
		if r := h.request("POST", "/_emulator/clock", body, ""); r.status != 400 {
			t.Errorf("%s: status %d, want 400", body, r.status)
		}
	}
}

func TestControlPayloadsRejectUnknownMembers(t *testing.T) {
	h := newHarness(t)
	for path, body := range map[string]string{
		"/_emulator/ratelimit": `{"read":5}`,
		"/_emulator/keys":      `{"keys":["a"]}`,
	} {
		if r := h.request("POST", path, body, ""); r.status != 400 {
			t.Errorf("%s %s: status %d, want 400", path, body, r.status)
		}
	}
}

func TestControlRequestsAreNotRateLimitedOrCounted(t *testing.T) {
	h := newHarness(t)
	h.control("POST", "/_emulator/ratelimit", `{"reads":0,"writes":0}`)
	r := h.control("GET", "/_emulator/stats", "")
	if r.header.Get("X-Ratelimit-Limit") != "" {
		t.Errorf("control answer carries rate-limit headers")
	}
	for k, v := range h.stats().Requests {
		if v != 0 {
			t.Errorf("%s counted %d control requests", k, v)
		}
	}
}

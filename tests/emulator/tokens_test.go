package main

import (
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var tokenIDPattern = regexp.MustCompile(`^to[0-9A-Za-z]{22}$`)

func TestCreateTokenAnswers200WithTokenJSON(t *testing.T) {
	h := newHarness(t)
	r := h.api("POST", "/upload-tokens", `{"ttl":3600}`)
	if r.status != http.StatusOK {
		t.Fatalf("status = %d, want 200", r.status)
	}
	if ct := r.header.Values("Content-Type"); len(ct) != 1 || ct[0] != "application/json" {
		t.Fatalf("Content-Type = %q, want exactly application/json", ct)
	}
	var tok tokenJSON
	mustDecode(t, r.body, &tok)
	if !tokenIDPattern.MatchString(tok.Token) {
		t.Errorf("token %q does not look like to+22 base62", tok.Token)
	}
	if tok.TTL != 3600 {
		t.Errorf("ttl = %d, want 3600", tok.TTL)
	}
	created, err := time.Parse(time.RFC3339, tok.CreatedAt)
	if err != nil || !strings.HasSuffix(tok.CreatedAt, "+00:00") || strings.Contains(tok.CreatedAt, ".") {
		t.Fatalf("createdAt %q is not an ATOM UTC timestamp (%v)", tok.CreatedAt, err)
	}
	if tok.ExpiresAt == nil {
		t.Fatal("expiresAt missing")
	}
	expires, err := time.Parse(time.RFC3339, *tok.ExpiresAt)
	if err != nil || expires.Sub(created) != time.Hour {
		t.Errorf("expiresAt %q is not createdAt + 3600s (%v)", *tok.ExpiresAt, err)
	}
}

func TestCreateTokenWithEmptyObjectHasTTLZeroAndNoExpiresAt(t *testing.T) {
	h := newHarness(t)
	r := h.api("POST", "/upload-tokens", `{}`)
	if r.status != http.StatusOK {
		t.Fatalf("status = %d", r.status)
	}
	if strings.Contains(string(r.body), "expiresAt") {
		t.Errorf("body %s has expiresAt for ttl 0", r.body)
	}
	var tok tokenJSON
	mustDecode(t, r.body, &tok)
	if tok.TTL != 0 {
		t.Errorf("ttl = %d, want 0", tok.TTL)
	}
}

func TestCreateTokenTreatsNullTTLAsZero(t *testing.T) {
	h := newHarness(t)
	if tok := h.createToken(`{"ttl":null}`); tok.TTL != 0 || tok.ExpiresAt != nil {
		t.Errorf("got %+v, want ttl 0 without expiresAt", tok)
	}
}

func TestCreateTokenParsesBodyWithoutContentType(t *testing.T) {
	h := newHarness(t)
	req, _ := http.NewRequest("POST", h.ts.URL+"/upload-tokens", strings.NewReader(`{"ttl":50}`))
	req.Header.Set("Authorization", basicAuth)
	req.Header.Del("Content-Type")
	res, err := h.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", res.StatusCode)
	}
	if got := h.s.tokens.Active(h.s.clock.NowNano()); len(got) != 1 || got[0].ttl != 50 {
		t.Errorf("stored tokens %v, want one with ttl 50", got)
	}
}

func TestCreateTokenRejectsOutOfRangeTTL(t *testing.T) {
	h := newHarness(t)
	for _, ttl := range []string{"-1", "2147483648", "99999999999999999999999"} {
		p := expectProblem(t, h.api("POST", "/upload-tokens", `{"ttl":`+ttl+`}`), 400, "invalid-attribute")
		if p.Name == nil || *p.Name != "ttl" {
			t.Errorf("ttl %s: name = %v, want ttl", ttl, p.Name)
		}
	}
	if tok := h.createToken(`{"ttl":2147483647}`); tok.TTL != 2147483647 {
		t.Errorf("maximum ttl not accepted: %+v", tok)
	}
}

func TestCreateTokenRejectsNonIntegerTTL(t *testing.T) {
	h := newHarness(t)
	for _, ttl := range []string{`1.5`, `"60"`, `true`, `[]`} {
		p := expectProblem(t, h.api("POST", "/upload-tokens", `{"ttl":`+ttl+`}`), 400, "invalid-attribute")
		if p.Name == nil || *p.Name != "ttl" {
			t.Errorf("ttl %s: name = %v, want ttl", ttl, p.Name)
		}
	}
}

func TestCreateTokenRejectsInvalidJSONAsInvalidPayload(t *testing.T) {
	h := newHarness(t)
	for _, body := range []string{`{"ttl":`, ``, `[1]`, `null`} {
		p := expectProblem(t, h.api("POST", "/upload-tokens", body), 400, "invalid-payload")
		if p.Title != "The payload is invalid." {
			t.Errorf("body %q: title = %q", body, p.Title)
		}
	}
}

func TestGetTokenReturnsTheCreatedToken(t *testing.T) {
	h := newHarness(t)
	tok := h.createToken(`{"ttl":100}`)
	r := h.api("GET", "/upload-tokens/"+tok.Token, "")
	if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, content type %q", r.status, r.header.Get("Content-Type"))
	}
	var got tokenJSON
	mustDecode(t, r.body, &got)
	if got.Token != tok.Token || got.TTL != 100 || got.CreatedAt != tok.CreatedAt || *got.ExpiresAt != *tok.ExpiresAt {
		t.Errorf("got %+v, want %+v", got, tok)
	}
}

func TestGetUnknownTokenIs404WithUploadTokenName(t *testing.T) {
	h := newHarness(t)
	r := h.api("GET", "/upload-tokens/toNope", "")
	want := `{"type":"https://docs.api.video/reference/resource-not-found","title":"The requested resource was not found.","name":"uploadToken","status":404}`
	if r.status != 404 || string(r.body) != want {
		t.Fatalf("got %d %s, want 404 %s", r.status, r.body, want)
	}
}

func TestDeleteTokenAnswers204WithoutBodyOrContentType(t *testing.T) {
	h := newHarness(t)
	tok := h.createToken(`{}`)
	r := h.api("DELETE", "/upload-tokens/"+tok.Token, "")
	if r.status != http.StatusNoContent {
		t.Fatalf("status = %d, want 204", r.status)
	}
	if len(r.body) != 0 {
		t.Errorf("body = %q, want none", r.body)
	}
	if _, has := r.header["Content-Type"]; has {
		t.Errorf("Content-Type = %q, want none", r.header.Get("Content-Type"))
	}
	expectProblem(t, h.api("GET", "/upload-tokens/"+tok.Token, ""), 404, "resource-not-found")
	expectProblem(t, h.api("DELETE", "/upload-tokens/"+tok.Token, ""), 404, "resource-not-found")
}

func TestExpiredTokenIsGoneFromGetDeleteAndList(t *testing.T) {
	h := newHarness(t)
	short := h.createToken(`{"ttl":10}`)
	forever := h.createToken(`{}`)
	h.advance("11")
	expectProblem(t, h.api("GET", "/upload-tokens/"+short.Token, ""), 404, "resource-not-found")
	expectProblem(t, h.api("DELETE", "/upload-tokens/"+short.Token, ""), 404, "resource-not-found")
	var l listJSON
	mustDecode(t, h.api("GET", "/upload-tokens", "").body, &l)
	if got := l.tokens(); len(got) != 1 || got[0] != forever.Token {
		t.Errorf("list = %v, want only %s", got, forever.Token)
	}
}

func TestTokenExpiresExactlyAtExpiresAt(t *testing.T) {
	h := newHarness(t)
	tok := h.createToken(`{"ttl":5}`)
	created, _ := time.Parse(time.RFC3339, tok.CreatedAt)
	// Move to 200ms before expiresAt, then 50ms past it.
	before := created.Add(5*time.Second).UnixNano() - h.s.clock.NowNano() - int64(200*time.Millisecond)
	if err := h.s.clock.Advance(time.Duration(before)); err != nil {
		t.Fatal(err)
	}
	if r := h.api("GET", "/upload-tokens/"+tok.Token, ""); r.status != 200 {
		t.Fatalf("just before expiresAt: status %d, want 200", r.status)
	}
	h.advance("0.25")
	expectProblem(t, h.api("GET", "/upload-tokens/"+tok.Token, ""), 404, "resource-not-found")
}

func TestNewTokenCreatedAtFollowsTheAdvancedClock(t *testing.T) {
	h := newHarness(t)
	first := h.createToken(`{}`)
	h.advance("86400")
	second := h.createToken(`{}`)
	a, _ := time.Parse(time.RFC3339, first.CreatedAt)
	b, _ := time.Parse(time.RFC3339, second.CreatedAt)
	if d := b.Sub(a); d < 86400*time.Second || d > 86402*time.Second {
		t.Errorf("createdAt moved by %v, want about 24h", d)
	}
}

func TestTokenPathWithExtraSegmentIsUnrecognized(t *testing.T) {
	h := newHarness(t)
	expectProblem(t, h.api("GET", "/upload-tokens/a/b", ""), 404, "unrecognized-request-url")
	expectProblem(t, h.api("GET", "/upload-tokens/", ""), 404, "unrecognized-request-url")
}

func TestWrongMethodOnKnownRouteIs405(t *testing.T) {
	h := newHarness(t)
	r := h.api("PUT", "/upload-tokens", "{}")
	p := expectProblem(t, r, 405, "method-not-allowed")
	if p.Title != "Method is not allowed for this route." {
		t.Errorf("title = %q", p.Title)
	}
	expectProblem(t, h.api("POST", "/upload-tokens/toX", "{}"), 405, "method-not-allowed")
}

func TestUnknownURLIs404Unrecognized(t *testing.T) {
	h := newHarness(t)
	p := expectProblem(t, h.request("GET", "/videos", "", ""), 404, "unrecognized-request-url")
	if p.Title != "Unrecognized request URL." {
		t.Errorf("title = %q", p.Title)
	}
}

func TestTokenIDsAreUniqueAndWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		id := newTokenID()
		if !tokenIDPattern.MatchString(id) || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
}

func TestNoStandardRetryAfterHeaderIsEverSent(t *testing.T) {
	h := newHarness(t)
	h.control("POST", "/_emulator/ratelimit", `{"writes":0}`)
	r := h.api("POST", "/upload-tokens", "{}")
	if r.status != 429 {
		t.Fatalf("status = %d, want 429", r.status)
	}
	if v := r.header.Get("Retry-After"); v != "" {
		t.Errorf("Retry-After = %q, want none", v)
	}
}

func TestConcurrentCreateGetDeleteKeepCountsConsistent(t *testing.T) {
	h := newHarness(t)
	const workers, each = 8, 40
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				tok := h.s.tokens.Create(int64(i%3)*100, h.s.clock.NowNano())
				if _, ok := h.s.tokens.Get(tok.id, h.s.clock.NowNano()); !ok {
					t.Errorf("token %s missing right after creation", tok.id)
				}
				if i%2 == 0 {
					h.s.tokens.Delete(tok.id, h.s.clock.NowNano())
				}
				h.s.tokens.Active(h.s.clock.NowNano())
			}
		}()
	}
	wg.Wait()
	if n := h.s.tokens.ActiveCount(h.s.clock.NowNano()); n != workers*each/2 {
		t.Errorf("active = %d, want %d", n, workers*each/2)
	}
}

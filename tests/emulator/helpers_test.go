package main

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const testKey = "test-api-key"

var basicAuth = "Basic " + base64.StdEncoding.EncodeToString([]byte(testKey+":"))

// harness is an emulator behind an httptest server.
type harness struct {
	t  *testing.T
	s  *Server
	ts *httptest.Server
}

func testConfig() config {
	return config{
		apiKeys:         []string{testKey},
		rateLimitReads:  1000000,
		rateLimitWrites: 1000000,
		rateLimitWindow: time.Minute,
		accessTokenTTL:  time.Hour,
	}
}

func newHarness(t *testing.T, edits ...func(*config)) *harness {
	t.Helper()
	cfg := testConfig()
	for _, e := range edits {
		e(&cfg)
	}
	s := newServer(cfg)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return &harness{t: t, s: s, ts: ts}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// request sends one request; auth is the Authorization value ("" = none).
func (h *harness) request(method, path, body, auth string) response {
	h.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, h.ts.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := h.ts.Client().Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// api sends a request authenticated with the test key.
func (h *harness) api(method, path, body string) response {
	h.t.Helper()
	return h.request(method, path, body, basicAuth)
}

// control calls the /_emulator/ surface and requires a 200.
func (h *harness) control(method, path, body string) response {
	h.t.Helper()
	r := h.request(method, path, body, "")
	if r.status != http.StatusOK {
		h.t.Fatalf("%s %s: status %d, body %s", method, path, r.status, r.body)
	}
	return r
}

func (h *harness) createToken(body string) tokenJSON {
	h.t.Helper()
	r := h.api("POST", "/upload-tokens", body)
	if r.status != http.StatusOK {
		h.t.Fatalf("create: status %d, body %s", r.status, r.body)
	}
	var tok tokenJSON
	mustDecode(h.t, r.body, &tok)
	return tok
}

func (h *harness) advance(seconds string) {
	h.t.Helper()
	h.control("POST", "/_emulator/clock", `{"advance_seconds":`+seconds+`}`)
}

type tokenJSON struct {
	Token     string  `json:"token"`
	TTL       int64   `json:"ttl"`
	CreatedAt string  `json:"createdAt"`
	ExpiresAt *string `json:"expiresAt"`
}

type problemJSON struct {
	Type   string  `json:"type"`
	Title  string  `json:"title"`
	Status int     `json:"status"`
	Name   *string `json:"name"`
	Detail string  `json:"detail"`
}

type listJSON struct {
	Data       []tokenJSON `json:"data"`
	Pagination struct {
		CurrentPage      int `json:"currentPage"`
		CurrentPageItems int `json:"currentPageItems"`
		PageSize         int `json:"pageSize"`
		PagesTotal       int `json:"pagesTotal"`
		ItemsTotal       int `json:"itemsTotal"`
		Links            []struct {
			Rel string `json:"rel"`
			URI string `json:"uri"`
		} `json:"links"`
	} `json:"pagination"`
}

func (l listJSON) rels() string {
	var rels []string
	for _, k := range l.Pagination.Links {
		rels = append(rels, k.Rel)
	}
	return strings.Join(rels, ",")
}

func (l listJSON) link(rel string) string {
	for _, k := range l.Pagination.Links {
		if k.Rel == rel {
			return k.URI
		}
	}
	return ""
}

func (l listJSON) tokens() []string {
	var out []string
	for _, t := range l.Data {
		out = append(out, t.Token)
	}
	return out
}

func mustDecode(t *testing.T, b []byte, v interface{}) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
}

// expectProblem checks status, content type and the problem's type slug.
func expectProblem(t *testing.T, r response, status int, slug string) problemJSON {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d (body %s)", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json", ct)
	}
	var p problemJSON
	mustDecode(t, r.body, &p)
	if want := "https://docs.api.video/reference/" + slug; p.Type != want {
		t.Fatalf("type = %q, want %q", p.Type, want)
	}
	if p.Status != status {
		t.Fatalf("body status = %d, want %d", p.Status, status)
	}
	return p
}

var testNow = time.Date(2020, 12, 2, 10, 13, 19, 0, time.UTC)

func newRequestWithHeaders(method, url string, headers map[string]string) (*http.Request, error) {
	r, err := http.NewRequest(method, url, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	return r, nil
}

package main

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

type authJSON struct {
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

func (h *harness) login(key string) authJSON {
	h.t.Helper()
	r := h.request("POST", "/auth/api-key", `{"apiKey":"`+key+`"}`, "")
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
		h.t.Fatalf("auth: status %d, content type %q, body %s", r.status, r.header.Get("Content-Type"), r.body)
	}
	var a authJSON
	mustDecode(h.t, r.body, &a)
	return a
}

func TestAuthAPIKeyIssuesBearerAndRefreshTokens(t *testing.T) {
	h := newHarness(t)
	a := h.login(testKey)
	if a.TokenType != "Bearer" || a.ExpiresIn != 3600 {
		t.Errorf("token_type %q expires_in %d", a.TokenType, a.ExpiresIn)
	}
	if !regexp.MustCompile(`^def50200[0-9a-f]+$`).MatchString(a.RefreshToken) {
		t.Errorf("refresh token %q is not def50200<hex>", a.RefreshToken)
	}
	parts := strings.Split(a.AccessToken, ".")
	if len(parts) != 3 {
		t.Fatalf("access token has %d parts, want 3", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("payload is not base64url: %v", err)
	}
	var claims map[string]interface{}
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatalf("payload is not JSON: %v", err)
	}
	iat, _ := claims["iat"].(float64)
	exp, _ := claims["exp"].(float64)
	if exp-iat < 3599 || exp-iat > 3601 || claims["nbf"] == nil || claims["projectId"] == nil {
		t.Errorf("claims = %v", claims)
	}
}

func TestAuthExpiresInReflectsAccessTokenTTL(t *testing.T) {
	h := newHarness(t, func(c *config) { c.accessTokenTTL = 90 * time.Second })
	if a := h.login(testKey); a.ExpiresIn != 90 {
		t.Errorf("expires_in = %d, want 90", a.ExpiresIn)
	}
}

func TestAuthRejectsBadOrMissingKeyWith400(t *testing.T) {
	h := newHarness(t)
	for _, body := range []string{`{"apiKey":"wrong"}`, `{}`, `{"apiKey":42}`, `{"apiKey":""}`} {
		r := h.request("POST", "/auth/api-key", body, "")
		p := expectProblem(t, r, 400, "authentication-invalid-user-credentials")
		if p.Title != "The user credentials were incorrect." || p.Name == nil || *p.Name != "" {
			t.Errorf("%s: %s", body, r.body)
		}
	}
}

func TestAuthEndpointsCarryNoRateLimitHeadersAndAreNotLimited(t *testing.T) {
	h := newHarness(t)
	h.control("POST", "/_emulator/ratelimit", `{"reads":0,"writes":0}`)
	r := h.request("POST", "/auth/api-key", `{"apiKey":"`+testKey+`"}`, "")
	if r.status != 200 {
		t.Fatalf("status = %d, want 200 despite a zero write limit", r.status)
	}
	for _, k := range []string{"X-Ratelimit-Limit", "X-Ratelimit-Remaining", "X-Ratelimit-Retry-After"} {
		if v := r.header.Get(k); v != "" {
			t.Errorf("%s = %q on /auth", k, v)
		}
	}
	expectProblem(t, h.request("GET", "/auth/api-key", "", ""), 405, "method-not-allowed")
}

func TestBearerTokenAuthenticatesUploadTokenCalls(t *testing.T) {
	h := newHarness(t)
	a := h.login(testKey)
	if r := h.request("GET", "/upload-tokens", "", "Bearer "+a.AccessToken); r.status != 200 {
		t.Fatalf("status = %d, body %s", r.status, r.body)
	}
}

func TestExpiredBearerTokenIs401InvalidAccessToken(t *testing.T) {
	h := newHarness(t, func(c *config) { c.accessTokenTTL = 60 * time.Second })
	a := h.login(testKey)
	h.advance("60")
	p := expectProblem(t, h.request("GET", "/upload-tokens", "", "Bearer "+a.AccessToken), 401, "authentication-invalid-access-token")
	if p.Title != "The access token is invalid or expired." {
		t.Errorf("title = %q", p.Title)
	}
}

func TestUnknownBearerTokenIs401(t *testing.T) {
	h := newHarness(t)
	expectProblem(t, h.request("GET", "/upload-tokens", "", "Bearer abc.def.ghi"), 401, "authentication-invalid-access-token")
}

func TestRefreshRotatesBothTokensAndRetiresTheOldRefreshToken(t *testing.T) {
	h := newHarness(t)
	a := h.login(testKey)
	r := h.request("POST", "/auth/refresh", `{"refreshToken":"`+a.RefreshToken+`"}`, "")
	if r.status != 200 {
		t.Fatalf("refresh: status %d %s", r.status, r.body)
	}
	var b authJSON
	mustDecode(t, r.body, &b)
	if b.AccessToken == a.AccessToken || b.RefreshToken == a.RefreshToken || b.TokenType != "Bearer" {
		t.Errorf("refresh did not issue a new pair: %+v", b)
	}
	if r := h.request("GET", "/upload-tokens", "", "Bearer "+b.AccessToken); r.status != 200 {
		t.Errorf("new access token refused: %d", r.status)
	}
	again := h.request("POST", "/auth/refresh", `{"refreshToken":"`+a.RefreshToken+`"}`, "")
	expectProblem(t, again, 400, "authentication-invalid-user-credentials")
}

func TestRefreshWithUnknownTokenIs400(t *testing.T) {
	h := newHarness(t)
	for _, body := range []string{`{"refreshToken":"def50200beef"}`, `{}`} {
		expectProblem(t, h.request("POST", "/auth/refresh", body, ""), 400, "authentication-invalid-user-credentials")
	}
}

func TestMissingAuthorizationHeaderIs401(t *testing.T) {
	h := newHarness(t)
	p := expectProblem(t, h.request("GET", "/upload-tokens", "", ""), 401, "authentication-missing-authorization-header")
	if p.Title != `The "Authorization" header is missing.` {
		t.Errorf("title = %q", p.Title)
	}
}

func TestUnparsableAuthorizationHeaderIs401InvalidValue(t *testing.T) {
	h := newHarness(t)
	for _, v := range []string{"Basic", "Basic !!!notbase64", "Basic " + base64.StdEncoding.EncodeToString([]byte("nocolon")), "Digest abc", "Bearer"} {
		expectProblem(t, h.request("GET", "/upload-tokens", "", v), 401, "authentication-invalid-authorization-header-value")
	}
}

func TestUnknownAPIKeyIs401InvalidAPIKey(t *testing.T) {
	h := newHarness(t)
	bad := "Basic " + base64.StdEncoding.EncodeToString([]byte("other-key:"))
	p := expectProblem(t, h.request("GET", "/upload-tokens", "", bad), 401, "authentication-invalid-api-key")
	if p.Title != "The API key is invalid." {
		t.Errorf("title = %q", p.Title)
	}
}

func TestBasicAuthIgnoresThePassword(t *testing.T) {
	h := newHarness(t)
	v := "Basic " + base64.StdEncoding.EncodeToString([]byte(testKey+":whatever"))
	if r := h.request("GET", "/upload-tokens", "", v); r.status != 200 {
		t.Errorf("status = %d, want 200", r.status)
	}
}

func TestReplacingKeysRevokesBearerTokensOfRemovedKeys(t *testing.T) {
	h := newHarness(t)
	a := h.login(testKey)
	h.control("POST", "/_emulator/keys", `{"api_keys":["new-key"]}`)
	expectProblem(t, h.request("GET", "/upload-tokens", "", "Bearer "+a.AccessToken), 401, "authentication-invalid-access-token")
	expectProblem(t, h.api("GET", "/upload-tokens", ""), 401, "authentication-invalid-api-key")
	newBasic := "Basic " + base64.StdEncoding.EncodeToString([]byte("new-key:"))
	if r := h.request("GET", "/upload-tokens", "", newBasic); r.status != 200 {
		t.Errorf("new key refused: %d", r.status)
	}
}

func TestRoutingErrorsComeBeforeAuthentication(t *testing.T) {
	h := newHarness(t)
	expectProblem(t, h.request("GET", "/nowhere", "", ""), 404, "unrecognized-request-url")
	expectProblem(t, h.request("PATCH", "/upload-tokens", "", ""), 405, "method-not-allowed")
}

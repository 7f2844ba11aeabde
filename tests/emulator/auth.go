package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// keySet is an immutable set of accepted API keys, swapped whole.
type keySet map[string]struct{}

// basicDecoded is a decoded Basic Authorization header.
type basicDecoded struct{ header, user string }

// bearer is an issued access token.
type bearer struct {
	apiKey  string
	expires int64 // unix ns
}

// credentials holds the accepted API keys and the issued bearer and refresh
// tokens. Key checks are lock-free; token maps use a read-mostly lock.
type credentials struct {
	keys      atomic.Pointer[keySet]
	accessTTL time.Duration
	lastBasic atomic.Pointer[basicDecoded]

	mu      sync.RWMutex
	access  map[string]bearer
	refresh map[string]string // refresh token -> API key
}

func newCredentials(apiKeys []string, accessTTL time.Duration) *credentials {
	c := &credentials{accessTTL: accessTTL}
	c.SetKeys(apiKeys)
	c.Reset()
	return c
}

// SetKeys replaces the accepted keys. Tokens issued for a removed key stop
// working because every check also looks the key up.
func (c *credentials) SetKeys(apiKeys []string) {
	ks := make(keySet, len(apiKeys))
	for _, k := range apiKeys {
		ks[k] = struct{}{}
	}
	c.keys.Store(&ks)
}

func (c *credentials) Keys() []string {
	ks := *c.keys.Load()
	out := make([]string, 0, len(ks))
	for k := range ks {
		out = append(out, k)
	}
	return out
}

func (c *credentials) validKey(k string) bool {
	if k == "" {
		return false
	}
	_, ok := (*c.keys.Load())[k]
	return ok
}

// Reset forgets every issued access and refresh token.
func (c *credentials) Reset() {
	c.mu.Lock()
	c.access = make(map[string]bearer)
	c.refresh = make(map[string]string)
	c.mu.Unlock()
}

// Sweep drops expired access tokens.
func (c *credentials) Sweep(now int64) {
	c.mu.Lock()
	for t, b := range c.access {
		if now >= b.expires {
			delete(c.access, t)
		}
	}
	c.mu.Unlock()
}

// Authenticate checks the Authorization header of a request to an API
// endpoint: Basic with the API key as user name (password ignored), or Bearer
// with an issued, unexpired access token. It returns nil when accepted.
func (c *credentials) Authenticate(header string, now int64) *problem {
	if header == "" {
		return probMissingAuth
	}
	scheme, cred, found := strings.Cut(header, " ")
	cred = strings.TrimLeft(cred, " ")
	if !found || cred == "" {
		return probBadAuthHeader
	}
	switch {
	case strings.EqualFold(scheme, "Basic"):
		user, ok := c.basicUser(header, cred)
		if !ok {
			return probBadAuthHeader
		}
		if !c.validKey(user) {
			return probInvalidAPIKey
		}
		return nil
	case strings.EqualFold(scheme, "Bearer"):
		c.mu.RLock()
		b, ok := c.access[cred]
		c.mu.RUnlock()
		if !ok || now >= b.expires || !c.validKey(b.apiKey) {
			return probInvalidAccessTk
		}
		return nil
	default:
		return probBadAuthHeader
	}
}

// basicUser decodes the user name of a Basic credential. Clients send the
// same header on every request, so the last decoding is remembered; whether
// the key is accepted is still checked every time.
func (c *credentials) basicUser(header, cred string) (string, bool) {
	if last := c.lastBasic.Load(); last != nil && last.header == header {
		return last.user, true
	}
	raw, err := base64.StdEncoding.DecodeString(cred)
	if err != nil {
		return "", false
	}
	user, _, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", false
	}
	c.lastBasic.Store(&basicDecoded{header: header, user: user})
	return user, true
}

// issue creates an access token and a refresh token for apiKey and renders
// the /auth answer.
func (c *credentials) issue(apiKey string, now int64) []byte {
	access := newAccessToken(apiKey, now, c.accessTTL)
	refresh := "def50200" + randomHex(160)
	c.mu.Lock()
	c.access[access] = bearer{apiKey: apiKey, expires: now + int64(c.accessTTL)}
	c.refresh[refresh] = apiKey
	c.mu.Unlock()
	b := []byte(`{"token_type":"Bearer","expires_in":`)
	b = strconv.AppendInt(b, int64(c.accessTTL/time.Second), 10)
	b = append(b, `,"access_token":"`...)
	b = append(b, access...)
	b = append(b, `","refresh_token":"`...)
	b = append(b, refresh...)
	return append(b, `"}`...)
}

// rotate exchanges a refresh token for a new pair; the old refresh token
// stops working. It reports false for an unknown token or a removed key.
func (c *credentials) rotate(refresh string, now int64) ([]byte, bool) {
	c.mu.Lock()
	apiKey, ok := c.refresh[refresh]
	if ok {
		delete(c.refresh, refresh)
	}
	c.mu.Unlock()
	if !ok || !c.validKey(apiKey) {
		return nil, false
	}
	return c.issue(apiKey, now), true
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return b
}

func randomHex(nBytes int) string { return hex.EncodeToString(randomBytes(nBytes)) }

// projectID derives a stable, api.video-looking project id from an API key.
func projectID(apiKey string) string {
	sum := sha256.Sum256([]byte(apiKey))
	out := []byte("pr")
	for _, c := range sum[:22] {
		out = append(out, base62[int(c)%62])
	}
	return string(out)
}

// newAccessToken returns a JWT-shaped token like api.video's: RS256 header,
// a payload with fractional-second iat/nbf/exp and projectId, and a
// signature-sized random tail (nobody verifies it; the emulator keeps a table).
func newAccessToken(apiKey string, now int64, ttl time.Duration) string {
	sec := func(ns int64) string { return strconv.FormatFloat(float64(ns)/1e9, 'f', 6, 64) }
	header := `{"typ":"JWT","alg":"RS256"}`
	payload := fmt.Sprintf(`{"aud":"library","jti":%q,"iat":%s,"nbf":%s,"exp":%s,"projectId":%q}`,
		randomHex(40), sec(now), sec(now), sec(now+int64(ttl)), projectID(apiKey))
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload)) + "." +
		enc.EncodeToString(randomBytes(256))
}

// readJSONObject reads a small JSON object body whatever the Content-Type.
func readJSONObject(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		return nil, false
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return nil, false
	}
	return m, true
}

// stringMember returns m[key] if it is a JSON string.
func stringMember(m map[string]json.RawMessage, key string) (string, bool) {
	raw, ok := m[key]
	if !ok {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// serveAuthAPIKey is POST /auth/api-key {"apiKey": "..."}.
func (s *Server) serveAuthAPIKey(w http.ResponseWriter, r *http.Request) {
	m, ok := readJSONObject(w, r)
	if !ok {
		writeProblem(w, probInvalidPayload)
		return
	}
	key, ok := stringMember(m, "apiKey")
	if !ok || !s.creds.validKey(key) {
		writeProblem(w, probBadCredentials)
		return
	}
	writeJSON(w, http.StatusOK, s.creds.issue(key, s.clock.NowNano()))
}

// serveAuthRefresh is POST /auth/refresh {"refreshToken": "..."}.
func (s *Server) serveAuthRefresh(w http.ResponseWriter, r *http.Request) {
	m, ok := readJSONObject(w, r)
	if !ok {
		writeProblem(w, probInvalidPayload)
		return
	}
	tok, ok := stringMember(m, "refreshToken")
	if !ok {
		writeProblem(w, probBadCredentials)
		return
	}
	body, ok := s.creds.rotate(tok, s.clock.NowNano())
	if !ok {
		writeProblem(w, probBadCredentials)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

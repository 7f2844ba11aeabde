package main

import (
	"crypto/rand"
	"strconv"
	"sync"
	"time"
)

// atomLayout is PHP's DATE_ATOM; applied to a UTC time it prints "+00:00".
const atomLayout = "2006-01-02T15:04:05-07:00"

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// uploadToken is immutable once created, apart from deleted, which the store
// guards with its lock.
type uploadToken struct {
	id      string
	ttl     int64
	created int64    // unix seconds (the API has 1-second resolution)
	expires int64    // unix seconds; 0 when ttl is 0 (never expires)
	seq     uint64   // creation order
	json    []byte   // the rendered UploadToken object
	jsonLen []string // Content-Length header value for json
	deleted bool
}

// expired reports whether the token is gone at emulator time now (unix ns).
// A token is expired from the second shown in its expiresAt on.
func (t *uploadToken) expired(now int64) bool {
	return t.ttl > 0 && now >= t.expires*int64(time.Second)
}

func renderToken(id string, ttl, created int64) []byte {
	b := make([]byte, 0, 112)
	b = append(b, `{"token":"`...)
	b = append(b, id...)
	b = append(b, `","ttl":`...)
	b = strconv.AppendInt(b, ttl, 10)
	b = append(b, `,"createdAt":"`...)
	b = time.Unix(created, 0).UTC().AppendFormat(b, atomLayout)
	b = append(b, '"')
	if ttl > 0 {
		b = append(b, `,"expiresAt":"`...)
		b = time.Unix(created+ttl, 0).UTC().AppendFormat(b, atomLayout)
		b = append(b, '"')
	}
	return append(b, '}')
}

// newTokenID returns "to" followed by 22 base62 characters from crypto/rand.
func newTokenID() string {
	out := make([]byte, 2, 24)
	out[0], out[1] = 't', 'o'
	var buf [32]byte
	for len(out) < cap(out) {
		if _, err := rand.Read(buf[:]); err != nil {
			panic("crypto/rand failed: " + err.Error())
		}
		for _, c := range buf {
			// 248 = 4*62: rejecting larger bytes keeps the choice uniform.
			if c < 248 && len(out) < cap(out) {
				out = append(out, base62[c%62])
			}
		}
	}
	return string(out)
}

// tokenStore holds the upload tokens. Reads take a shared lock; no I/O ever
// happens while the lock is held.
type tokenStore struct {
	mu        sync.RWMutex
	byID      map[string]*uploadToken
	order     []*uploadToken // creation order, may hold deleted entries
	dead      int            // deleted entries still in order
	seq       uint64
	minExpiry int64 // earliest expiry (unix s) among live tokens; 0 = none
}

func newTokenStore() *tokenStore {
	return &tokenStore{byID: make(map[string]*uploadToken)}
}

// Create stores a new token with the given ttl, created at now (unix ns).
func (s *tokenStore) Create(ttl int64, now int64) *uploadToken {
	created := now / int64(time.Second)
	for {
		id := newTokenID()
		t := &uploadToken{id: id, ttl: ttl, created: created, json: renderToken(id, ttl, created)}
		t.jsonLen = []string{strconv.Itoa(len(t.json))}
		if ttl > 0 {
			t.expires = created + ttl
		}
		s.mu.Lock()
		if _, taken := s.byID[id]; taken {
			s.mu.Unlock()
			continue
		}
		s.seq++
		t.seq = s.seq
		s.byID[id] = t
		s.order = append(s.order, t)
		if t.expires != 0 && (s.minExpiry == 0 || t.expires < s.minExpiry) {
			s.minExpiry = t.expires
		}
		s.mu.Unlock()
		return t
	}
}

// Get returns the token if it exists and has not expired.
func (s *tokenStore) Get(id string, now int64) (*uploadToken, bool) {
	s.mu.RLock()
	t, ok := s.byID[id]
	s.mu.RUnlock()
	if !ok || t.expired(now) {
		return nil, false
	}
	return t, true
}

// Delete removes the token; it reports false if there was no live token.
func (s *tokenStore) Delete(id string, now int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.byID[id]
	if !ok {
		return false
	}
	s.removeLocked(t)
	return !t.expired(now)
}

func (s *tokenStore) removeLocked(t *uploadToken) {
	delete(s.byID, t.id)
	t.deleted = true
	s.dead++
	if s.dead > 64 && s.dead > len(s.order)/2 {
		live := make([]*uploadToken, 0, len(s.order)-s.dead)
		for _, o := range s.order {
			if !o.deleted {
				live = append(live, o)
			}
		}
		s.order = live
		s.dead = 0
	}
}

// Active returns the live tokens in creation order.
func (s *tokenStore) Active(now int64) []*uploadToken {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*uploadToken, 0, len(s.byID))
	for _, t := range s.order {
		if !t.deleted && !t.expired(now) {
			out = append(out, t)
		}
	}
	return out
}

// ActiveCount returns the number of live tokens.
func (s *tokenStore) ActiveCount(now int64) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, t := range s.byID {
		if !t.expired(now) {
			n++
		}
	}
	return n
}

// Sweep drops expired tokens to bound memory. Correctness does not depend on
// it: every read checks expiry itself.
func (s *tokenStore) Sweep(now int64) {
	s.mu.RLock()
	due := s.minExpiry != 0 && now >= s.minExpiry*int64(time.Second)
	s.mu.RUnlock()
	if !due {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.minExpiry = 0
	for _, t := range s.order {
		if t.deleted || t.expires == 0 {
			continue
		}
		if t.expired(now) {
			s.removeLocked(t)
		} else if s.minExpiry == 0 || t.expires < s.minExpiry {
			s.minExpiry = t.expires
		}
	}
}

// Reset forgets every token.
func (s *tokenStore) Reset() {
	s.mu.Lock()
	s.byID = make(map[string]*uploadToken)
	s.order = nil
	s.dead = 0
	s.minExpiry = 0
	s.mu.Unlock()
}

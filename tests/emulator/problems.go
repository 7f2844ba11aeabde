package main

import (
	"encoding/json"
	"net/http"
	"strconv"
)

const problemTypeBase = "https://docs.api.video/reference/"

// problem is an RFC 7807 body as api.video sends it. The body is rendered
// once, when the problem is declared, so errors cost no encoding at runtime.
type problem struct {
	status int
	body   []byte
	length []string // Content-Length header value
}

// problemOpt adds an optional member; name may be "" (api.video sends
// "name":"" on /auth errors), so its presence is a separate flag.
type problemOpt struct {
	name   *string
	detail string
}

func withName(n string) problemOpt { return problemOpt{name: &n} }

func withNameDetail(n, detail string) problemOpt { return problemOpt{name: &n, detail: detail} }

// newProblem renders {"type","title","name"?,"status","detail"?}; the member
// order follows the examples in api.video's OpenAPI document.
func newProblem(status int, slug, title string, opts ...problemOpt) *problem {
	var o problemOpt
	if len(opts) > 0 {
		o = opts[0]
	}
	b := []byte(`{"type":`)
	b = appendJSONString(b, problemTypeBase+slug)
	b = append(b, `,"title":`...)
	b = appendJSONString(b, title)
	if o.name != nil {
		b = append(b, `,"name":`...)
		b = appendJSONString(b, *o.name)
	}
	b = append(b, `,"status":`...)
	b = strconv.AppendInt(b, int64(status), 10)
	if o.detail != "" {
		b = append(b, `,"detail":`...)
		b = appendJSONString(b, o.detail)
	}
	b = append(b, '}')
	return &problem{status: status, body: b, length: []string{strconv.Itoa(len(b))}}
}

func appendJSONString(b []byte, s string) []byte {
	q, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return append(b, q...)
}

// The problems the emulator answers with.
var (
	probUnrecognizedURL  = newProblem(404, "unrecognized-request-url", "Unrecognized request URL.")
	probMethodNotAllowed = newProblem(405, "method-not-allowed", "Method is not allowed for this route.")
	probTooManyRequests  = newProblem(429, "too-many-requests", "Too many requests.")
	probTokenNotFound    = newProblem(404, "resource-not-found", "The requested resource was not found.", withName("uploadToken"))
	probInvalidPayload   = newProblem(400, "invalid-payload", "The payload is invalid.")

	probTTLNotInteger = newProblem(400, "invalid-attribute", "An attribute is invalid.",
		withNameDetail("ttl", "This value should be of type integer."))
	probTTLOutOfRange = newProblem(400, "invalid-attribute", "An attribute is invalid.",
		withNameDetail("ttl", "This value should be between 0 and 2147483647."))

	probBadQuery        = newProblem(400, "request-invalid-query-parameter", "A query parameter is invalid.", withName(""))
	probBadSortBy       = queryProblem("sortBy", "This value should be one of: createdAt, ttl.")
	probBadSortOrder    = queryProblem("sortOrder", "This value should be one of: asc, desc.")
	probBadCurrentPage  = queryProblem("currentPage", "This value should be an integer greater than or equal to 1.")
	probBadPageSize     = queryProblem("pageSize", "This value should be an integer between 1 and 100.")
	probBadCredentials  = newProblem(400, "authentication-invalid-user-credentials", "The user credentials were incorrect.", withName(""))
	probMissingAuth     = newProblem(401, "authentication-missing-authorization-header", `The "Authorization" header is missing.`)
	probBadAuthHeader   = newProblem(401, "authentication-invalid-authorization-header-value", `The "Authorization" header value is invalid.`)
	probInvalidAPIKey   = newProblem(401, "authentication-invalid-api-key", "The API key is invalid.")
	probInvalidAccessTk = newProblem(401, "authentication-invalid-access-token", "The access token is invalid or expired.")
)

func queryProblem(name, detail string) *problem {
	return newProblem(400, "request-invalid-query-parameter", "A query parameter is invalid.", withNameDetail(name, detail))
}

// Shared header values; net/http never mutates them.
var (
	hdrJSON    = []string{"application/json"}
	hdrProblem = []string{"application/problem+json"}
)

func writeProblem(w http.ResponseWriter, p *problem) {
	h := w.Header()
	h["Content-Type"] = hdrProblem
	h["Content-Length"] = p.length
	w.WriteHeader(p.status)
	_, _ = w.Write(p.body)
}

// writeJSON answers with exactly "Content-Type: application/json" (the Node
// client rejects any parameter, charset included).
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	writeJSONLen(w, status, body, []string{strconv.Itoa(len(body))})
}

// writeJSONLen is writeJSON with a precomputed Content-Length value.
func writeJSONLen(w http.ResponseWriter, status int, body []byte, length []string) {
	h := w.Header()
	h["Content-Type"] = hdrJSON
	h["Content-Length"] = length
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

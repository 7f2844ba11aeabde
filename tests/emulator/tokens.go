package main

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
)

const maxTTL = 2147483647

// serveCreateToken is POST /upload-tokens. The body is parsed as JSON whatever
// the Content-Type (PHP sends none); {} or "ttl": null mean ttl 0.
func (s *Server) serveCreateToken(w http.ResponseWriter, r *http.Request) {
	m, ok := readJSONObject(w, r)
	if !ok {
		writeProblem(w, probInvalidPayload)
		return
	}
	var ttl int64
	if raw, present := m["ttl"]; present && string(raw) != "null" {
		n, err := strconv.ParseInt(string(raw), 10, 64)
		switch {
		case err != nil && isJSONInteger(raw):
			writeProblem(w, probTTLOutOfRange) // an integer too large for int64
			return
		case err != nil:
			writeProblem(w, probTTLNotInteger)
			return
		case n < 0 || n > maxTTL:
			writeProblem(w, probTTLOutOfRange)
			return
		}
		ttl = n
	}
	t := s.tokens.Create(ttl, s.clock.NowNano())
	s.stats.tokensCreated.Add(1)
	writeJSONLen(w, http.StatusOK, t.json, t.jsonLen)
}

func isJSONInteger(raw []byte) bool {
	if len(raw) > 0 && raw[0] == '-' {
		raw = raw[1:]
	}
	if len(raw) == 0 {
		return false
	}
	for _, c := range raw {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// serveGetToken is GET /upload-tokens/{token}.
func (s *Server) serveGetToken(w http.ResponseWriter, id string) {
	t, ok := s.tokens.Get(id, s.clock.NowNano())
	if !ok {
		writeProblem(w, probTokenNotFound)
		return
	}
	writeJSONLen(w, http.StatusOK, t.json, t.jsonLen)
}

// serveDeleteToken is DELETE /upload-tokens/{token}: 204 with neither body
// nor Content-Type.
func (s *Server) serveDeleteToken(w http.ResponseWriter, id string) {
	if !s.tokens.Delete(id, s.clock.NowNano()) {
		writeProblem(w, probTokenNotFound)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// listQuery is a validated GET /upload-tokens query.
type listQuery struct {
	sortBy, sortOrder     string // "" when not given
	currentPage, pageSize int
}

func parseListQuery(rawQuery string) (listQuery, *problem) {
	q := listQuery{currentPage: 1, pageSize: 25}
	if rawQuery == "" {
		return q, nil
	}
	vals, err := url.ParseQuery(rawQuery)
	if err != nil {
		return q, probBadQuery
	}
	if v, ok := vals["sortBy"]; ok {
		if v[0] != "createdAt" && v[0] != "ttl" {
			return q, probBadSortBy
		}
		q.sortBy = v[0]
	}
	if v, ok := vals["sortOrder"]; ok {
		if v[0] != "asc" && v[0] != "desc" {
			return q, probBadSortOrder
		}
		q.sortOrder = v[0]
	}
	if v, ok := vals["currentPage"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 {
			return q, probBadCurrentPage
		}
		q.currentPage = n
	}
	if v, ok := vals["pageSize"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > 100 {
			return q, probBadPageSize
		}
		q.pageSize = n
	}
	return q, nil
}

// sortTokens orders tokens (given in creation order). The sort is stable, so
// creation order breaks ties in both directions: createdAt has 1-second
// resolution and many tokens share it. sortOrder alone sorts by createdAt.
func sortTokens(ts []*uploadToken, sortBy, sortOrder string) {
	desc := sortOrder == "desc"
	switch {
	case sortBy == "ttl":
		sort.SliceStable(ts, func(i, j int) bool {
			if desc {
				return ts[i].ttl > ts[j].ttl
			}
			return ts[i].ttl < ts[j].ttl
		})
	case desc:
		sort.SliceStable(ts, func(i, j int) bool { return ts[i].created > ts[j].created })
	case sortBy == "createdAt":
		sort.SliceStable(ts, func(i, j int) bool { return ts[i].created < ts[j].created })
	}
}

// serveListTokens is GET /upload-tokens.
//
// Pages: pagesTotal is at least 1, so the empty list is one empty page with
// links self, first and last. A currentPage past the last page is answered,
// not rejected: empty data, currentPage as asked, and links self, first,
// previous (currentPage-1) and last.
func (s *Server) serveListTokens(w http.ResponseWriter, r *http.Request) {
	q, p := parseListQuery(r.URL.RawQuery)
	if p != nil {
		writeProblem(w, p)
		return
	}
	ts := s.tokens.Active(s.clock.NowNano())
	sortTokens(ts, q.sortBy, q.sortOrder)

	total := len(ts)
	pagesTotal := (total + q.pageSize - 1) / q.pageSize
	if pagesTotal < 1 {
		pagesTotal = 1
	}
	var page []*uploadToken
	if from := (q.currentPage - 1) * q.pageSize; from < total && q.currentPage <= pagesTotal {
		to := from + q.pageSize
		if to > total {
			to = total
		}
		page = ts[from:to]
	}

	b := make([]byte, 0, 256+len(page)*112)
	b = append(b, `{"data":[`...)
	for i, t := range page {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, t.json...)
	}
	b = append(b, `],"pagination":{"currentPage":`...)
	b = strconv.AppendInt(b, int64(q.currentPage), 10)
	b = append(b, `,"currentPageItems":`...)
	b = strconv.AppendInt(b, int64(len(page)), 10)
	b = append(b, `,"pageSize":`...)
	b = strconv.AppendInt(b, int64(q.pageSize), 10)
	b = append(b, `,"pagesTotal":`...)
	b = strconv.AppendInt(b, int64(pagesTotal), 10)
	b = append(b, `,"itemsTotal":`...)
	b = strconv.AppendInt(b, int64(total), 10)
	b = append(b, `,"links":[`...)

	prefix := "/upload-tokens?"
	if q.sortBy != "" {
		prefix += "sortBy=" + url.QueryEscape(q.sortBy) + "&"
	}
	if q.sortOrder != "" {
		prefix += "sortOrder=" + url.QueryEscape(q.sortOrder) + "&"
	}
	link := func(rel string, pageNo int, first bool) {
		if !first {
			b = append(b, ',')
		}
		b = append(b, `{"rel":"`...)
		b = append(b, rel...)
		b = append(b, `","uri":"`...)
		b = append(b, prefix...)
		b = append(b, "currentPage="...)
		b = strconv.AppendInt(b, int64(pageNo), 10)
		b = append(b, "&pageSize="...)
		b = strconv.AppendInt(b, int64(q.pageSize), 10)
		b = append(b, `"}`...)
	}
	link("self", q.currentPage, true)
	link("first", 1, false)
	if q.currentPage > 1 {
		link("previous", q.currentPage-1, false)
	}
	if q.currentPage < pagesTotal {
		link("next", q.currentPage+1, false)
	}
	link("last", pagesTotal, false)
	b = append(b, `]}}`...)
	writeJSON(w, http.StatusOK, b)
}

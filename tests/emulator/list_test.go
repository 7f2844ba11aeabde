package main

import (
	"fmt"
	"reflect"
	"testing"
)

func (h *harness) list(query string) listJSON {
	h.t.Helper()
	r := h.api("GET", "/upload-tokens"+query, "")
	if r.status != 200 || r.header.Get("Content-Type") != "application/json" {
		h.t.Fatalf("list%s: status %d, content type %q, body %s", query, r.status, r.header.Get("Content-Type"), r.body)
	}
	var l listJSON
	mustDecode(h.t, r.body, &l)
	return l
}

// createTokens makes tokens with the given ttls, in order, all in the same
// emulator second.
func (h *harness) createTokens(ttls ...int) []string {
	var ids []string
	for _, ttl := range ttls {
		ids = append(ids, h.createToken(fmt.Sprintf(`{"ttl":%d}`, ttl)).Token)
	}
	return ids
}

func TestListDefaultsToCreationOrderAndPageSize25(t *testing.T) {
	h := newHarness(t)
	ids := h.createTokens(300, 100, 200)
	l := h.list("")
	if !reflect.DeepEqual(l.tokens(), ids) {
		t.Errorf("order = %v, want creation order %v", l.tokens(), ids)
	}
	p := l.Pagination
	if p.CurrentPage != 1 || p.PageSize != 25 || p.PagesTotal != 1 || p.ItemsTotal != 3 || p.CurrentPageItems != 3 {
		t.Errorf("pagination = %+v", p)
	}
	if l.rels() != "self,first,last" || l.link("self") != "/upload-tokens?currentPage=1&pageSize=25" {
		t.Errorf("links = %+v", p.Links)
	}
}

func TestListEmptyIsOnePageWithSelfFirstLast(t *testing.T) {
	h := newHarness(t)
	l := h.list("")
	if l.Data == nil || len(l.Data) != 0 {
		t.Errorf("data = %v, want []", l.Data)
	}
	p := l.Pagination
	if p.PagesTotal != 1 || p.ItemsTotal != 0 || p.CurrentPageItems != 0 || p.CurrentPage != 1 {
		t.Errorf("pagination = %+v", p)
	}
	if l.rels() != "self,first,last" {
		t.Errorf("rels = %s", l.rels())
	}
}

func TestListSortsByTTLStablyInBothDirections(t *testing.T) {
	h := newHarness(t)
	ids := h.createTokens(60, 30, 60, 30)
	asc := h.list("?sortBy=ttl&sortOrder=asc").tokens()
	if want := []string{ids[1], ids[3], ids[0], ids[2]}; !reflect.DeepEqual(asc, want) {
		t.Errorf("ttl asc = %v, want %v", asc, want)
	}
	desc := h.list("?sortBy=ttl&sortOrder=desc").tokens()
	if want := []string{ids[0], ids[2], ids[1], ids[3]}; !reflect.DeepEqual(desc, want) {
		t.Errorf("ttl desc = %v, want %v (ties in creation order)", desc, want)
	}
}

func TestListSortsByCreatedAtDescending(t *testing.T) {
	h := newHarness(t)
	a := h.createToken(`{}`).Token
	h.advance("2")
	b := h.createToken(`{}`).Token
	c := h.createToken(`{}`).Token // same second as b
	h.advance("2")
	d := h.createToken(`{}`).Token
	got := h.list("?sortBy=createdAt&sortOrder=desc").tokens()
	if want := []string{d, b, c, a}; !reflect.DeepEqual(got, want) {
		t.Errorf("createdAt desc = %v, want %v (ties in creation order)", got, want)
	}
	if got := h.list("?sortBy=createdAt").tokens(); !reflect.DeepEqual(got, []string{a, b, c, d}) {
		t.Errorf("createdAt default order = %v", got)
	}
}

func TestListPagesWithLinksAndKeepsSortParameters(t *testing.T) {
	h := newHarness(t)
	ids := h.createTokens(1, 2, 3, 4, 5)
	q := "?sortBy=ttl&sortOrder=asc&pageSize=2"
	first := h.list(q + "&currentPage=1")
	if !reflect.DeepEqual(first.tokens(), ids[:2]) || first.rels() != "self,first,next,last" {
		t.Errorf("page 1: %v %s", first.tokens(), first.rels())
	}
	mid := h.list(q + "&currentPage=2")
	p := mid.Pagination
	if p.CurrentPage != 2 || p.CurrentPageItems != 2 || p.PageSize != 2 || p.PagesTotal != 3 || p.ItemsTotal != 5 {
		t.Errorf("page 2 pagination = %+v", p)
	}
	if mid.rels() != "self,first,previous,next,last" {
		t.Errorf("page 2 rels = %s", mid.rels())
	}
	want := map[string]string{
		"self":     "/upload-tokens?sortBy=ttl&sortOrder=asc&currentPage=2&pageSize=2",
		"first":    "/upload-tokens?sortBy=ttl&sortOrder=asc&currentPage=1&pageSize=2",
		"previous": "/upload-tokens?sortBy=ttl&sortOrder=asc&currentPage=1&pageSize=2",
		"next":     "/upload-tokens?sortBy=ttl&sortOrder=asc&currentPage=3&pageSize=2",
		"last":     "/upload-tokens?sortBy=ttl&sortOrder=asc&currentPage=3&pageSize=2",
	}
	for rel, uri := range want {
		if got := mid.link(rel); got != uri {
			t.Errorf("%s = %q, want %q", rel, got, uri)
		}
	}
	last := h.list(q + "&currentPage=3")
	if !reflect.DeepEqual(last.tokens(), ids[4:]) || last.rels() != "self,first,previous,last" {
		t.Errorf("page 3: %v %s", last.tokens(), last.rels())
	}
}

func TestListPastLastPageIsEmptyWithPreviousLink(t *testing.T) {
	h := newHarness(t)
	h.createTokens(0, 0, 0)
	l := h.list("?pageSize=2&currentPage=7")
	p := l.Pagination
	if len(l.Data) != 0 || p.CurrentPage != 7 || p.CurrentPageItems != 0 || p.PagesTotal != 2 || p.ItemsTotal != 3 {
		t.Errorf("pagination = %+v, data %v", p, l.tokens())
	}
	if l.rels() != "self,first,previous,last" || l.link("previous") != "/upload-tokens?currentPage=6&pageSize=2" {
		t.Errorf("links = %+v", p.Links)
	}
}

func TestListRejectsInvalidQueryParametersByName(t *testing.T) {
	h := newHarness(t)
	cases := map[string]string{
		"?sortBy=token":     "sortBy",
		"?sortOrder=up":     "sortOrder",
		"?currentPage=0":    "currentPage",
		"?currentPage=x":    "currentPage",
		"?pageSize=0":       "pageSize",
		"?pageSize=101":     "pageSize",
		"?pageSize=":        "pageSize",
		"?pageSize=2.5":     "pageSize",
		"?currentPage=%zz1": "",
	}
	for q, name := range cases {
		p := expectProblem(t, h.api("GET", "/upload-tokens"+q, ""), 400, "request-invalid-query-parameter")
		if p.Title != "A query parameter is invalid." || p.Name == nil || *p.Name != name {
			t.Errorf("%s: title %q name %v, want name %q", q, p.Title, p.Name, name)
		}
	}
}

func TestListAcceptsPageSizeBounds(t *testing.T) {
	h := newHarness(t)
	h.createTokens(0, 0)
	if l := h.list("?pageSize=1"); l.Pagination.PagesTotal != 2 || len(l.Data) != 1 {
		t.Errorf("pageSize=1: %+v", l.Pagination)
	}
	if l := h.list("?pageSize=100"); l.Pagination.PagesTotal != 1 || len(l.Data) != 2 {
		t.Errorf("pageSize=100: %+v", l.Pagination)
	}
}

func TestListDropsDeletedTokens(t *testing.T) {
	h := newHarness(t)
	ids := h.createTokens(0, 0, 0)
	h.api("DELETE", "/upload-tokens/"+ids[1], "")
	if got := h.list("").tokens(); !reflect.DeepEqual(got, []string{ids[0], ids[2]}) {
		t.Errorf("list = %v", got)
	}
}

func TestStoreCompactsAfterManyDeletesAndKeepsOrder(t *testing.T) {
	s := newTokenStore()
	var keep []string
	for i := 0; i < 300; i++ {
		tok := s.Create(0, 1e18)
		if i%3 == 0 {
			keep = append(keep, tok.id)
		} else {
			s.Delete(tok.id, 1e18)
		}
	}
	if len(s.order) >= 300 {
		t.Errorf("order slice was never compacted (len %d)", len(s.order))
	}
	var got []string
	for _, tok := range s.Active(1e18) {
		got = append(got, tok.id)
	}
	if !reflect.DeepEqual(got, keep) {
		t.Errorf("active tokens lost their order after compaction")
	}
}

func TestSweepDropsExpiredTokens(t *testing.T) {
	s := newTokenStore()
	now := int64(1e18)
	s.Create(10, now)
	keep := s.Create(0, now)
	s.Sweep(now + 11e9)
	if len(s.byID) != 1 || s.byID[keep.id] == nil {
		t.Errorf("after sweep: %d tokens, want only the ttl-0 one", len(s.byID))
	}
}

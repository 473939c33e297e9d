package main

import (
	"sort"
	"strings"
	"unicode"
)

// verbMethods maps words an agent may use for what it wants to do to the
// HTTP method that does it in Halo's API.
var verbMethods = map[string]string{
	"get": "GET", "list": "GET", "read": "GET", "find": "GET", "search": "GET", "show": "GET", "fetch": "GET",
	"create": "POST", "add": "POST", "new": "POST", "update": "POST", "post": "POST", "edit": "POST", "save": "POST",
	"delete": "DELETE", "remove": "DELETE",
	"put": "PUT", "patch": "PATCH",
}

// searchWords splits a query into lower-case words, at spaces and
// punctuation and inside Go names ("GetTicketsByID" is get, tickets, by,
// id).
func searchWords(s string) []string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) && (unicode.IsLower(rs[i-1]) || i+1 < len(rs) && unicode.IsLower(rs[i+1]) && unicode.IsUpper(rs[i-1])) {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return strings.FieldsFunc(strings.ToLower(b.String()), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// scoreOp rates how well an operation matches the query's words: a word
// naming its section counts most, then its method name, its path, its
// summary and its documentation; a verb that matches its HTTP method adds
// a little. Zero means no word matched.
func scoreOp(op *operation, words []string) int {
	section := strings.ToLower(op.sectionField)
	name := strings.ToLower(op.goName)
	path := strings.ToLower(op.path)
	summary := strings.ToLower(op.summary)
	doc := strings.ToLower(op.doc)
	score, matched := 0, 0
	for _, w := range words {
		s := 0
		switch {
		case w == section || w+"s" == section || w == section+"s":
			s += 10
		case strings.Contains(section, w):
			s += 6
		}
		if strings.Contains(name, w) {
			s += 4
		}
		if strings.Contains(path, w) {
			s += 3
		}
		if strings.Contains(summary, w) {
			s += 2
		}
		if strings.Contains(doc, w) {
			s++
		}
		if m, ok := verbMethods[w]; ok && m == op.method {
			s += 2
		}
		if s > 0 {
			matched++
		}
		score += s
	}
	if matched == 0 {
		return 0
	}
	// Operations matching every word come first.
	return score + 20*matched
}

// searchOps ranks the operations for a query, best first, at most limit.
func searchOps(query string, limit int) []*operation {
	words := searchWords(query)
	type hit struct {
		op    *operation
		score int
	}
	var hits []hit
	for _, op := range allOps() {
		if s := scoreOp(op, words); s > 0 {
			hits = append(hits, hit{op, s})
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.score != b.score {
			return a.score > b.score
		}
		if len(a.op.path) != len(b.op.path) {
			return len(a.op.path) < len(b.op.path)
		}
		return a.op.fullName() < b.op.fullName()
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]*operation, len(hits))
	for i, h := range hits {
		out[i] = h.op
	}
	return out
}

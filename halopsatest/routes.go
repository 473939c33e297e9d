package halopsatest

import (
	"regexp"
	"sort"
	"strings"
)

// The tables in spec_gen.go are written by halopsa-gen from Halo's spec;
// this file holds their types and the router built on them. It imports
// nothing of package halopsa so that the generator's tests can compile the
// tables on their own.

type opKind uint8

const (
	opOther  opKind = iota
	opList          // GET /S
	opGet           // GET /S/{id}
	opCreate        // POST /S with an array of records
	opDelete        // DELETE /S/{id}
)

type respKind uint8

const (
	respRaw    respKind = iota // untyped: anything JSON
	respModel                  // one object
	respModels                 // a bare JSON array
	respBinary                 // raw bytes
	respList                   // a list the client finds by its shape: a wrapper with any key
)

type route struct {
	method, path, section string
	kind                  opKind
	resp                  respKind
	record                string // schema of the section's records
	item                  string // schema of list items
	listKey               string // wrapper key; "" for a bare array
	paged                 bool
	stringID              bool
}

// fieldKind is a field's kind as the fake sees it; the constants are
// generated (spec_gen.go) from the client's codec kinds.
type fieldKind uint8

type field struct {
	name  string
	kind  fieldKind
	slice bool
	ref   string // schema of a nested record
}

// wrapperKey is the key a list's records are sent under; "" for a bare
// array. For a list whose key the client finds by its shape (respList),
// Halo's key is not known: the fake's choice is the section's name in
// lower case, as Halo's own keys mostly are.
func (rt *route) wrapperKey() string {
	if rt.listKey == "" && rt.resp == respList {
		return strings.ToLower(rt.section)
	}
	return rt.listKey
}

// compiled is a route ready for matching.
type compiled struct {
	*route
	re     *regexp.Regexp
	params []string
	fixed  int // literal segments: more wins over fewer
}

// router finds the route of a request: by method and first segment (case
// insensitive, as Halo's routing is), then the most literal template.
type router struct {
	byKey map[string][]*compiled
}

var paramRe = regexp.MustCompile(`\{([^}]+)\}`)

func newRouter(rs []route) *router {
	r := &router{byKey: map[string][]*compiled{}}
	for i := range rs {
		rt := &rs[i]
		segs := strings.Split(strings.Trim(rt.path, "/"), "/")
		var pat strings.Builder
		pat.WriteString("(?i)^")
		c := &compiled{route: rt}
		for _, seg := range segs {
			pat.WriteString("/")
			if !strings.Contains(seg, "{") {
				pat.WriteString(regexp.QuoteMeta(seg))
				c.fixed++
				continue
			}
			last := 0
			for _, m := range paramRe.FindAllStringSubmatchIndex(seg, -1) {
				pat.WriteString(regexp.QuoteMeta(seg[last:m[0]]))
				pat.WriteString(`([^/&]+)`)
				c.params = append(c.params, seg[m[2]:m[3]])
				last = m[1]
			}
			pat.WriteString(regexp.QuoteMeta(seg[last:]))
		}
		pat.WriteString("$")
		c.re = regexp.MustCompile(pat.String())
		key := rt.method + " " + strings.ToLower(segs[0])
		r.byKey[key] = append(r.byKey[key], c)
	}
	for _, cs := range r.byKey {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].fixed > cs[j].fixed })
	}
	return r
}

// match returns the route for method and path (below /api) and its path
// parameters.
func (r *router) match(method, path string) (*route, map[string]string) {
	first := strings.ToLower(strings.SplitN(strings.TrimPrefix(path, "/"), "/", 2)[0])
	for _, c := range r.byKey[method+" "+first] {
		m := c.re.FindStringSubmatch(path)
		if m == nil {
			continue
		}
		params := map[string]string{}
		for i, name := range c.params {
			params[name] = m[i+1]
		}
		return c.route, params
	}
	return nil, nil
}

// schemaFields indexes a schema's fields by name.
func schemaFields(name string) map[string]field {
	fs := schemas[name]
	if fs == nil {
		return nil
	}
	m := make(map[string]field, len(fs))
	for _, f := range fs {
		m[f.name] = f
	}
	return m
}

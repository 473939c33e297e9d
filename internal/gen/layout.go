package gen

import (
	"sort"
	"strings"
	"unicode"
)

// The generated code is split the way a reader looks for it: one file per
// section (tickets_gen.go holds TicketsAPI, its params, methods and
// iterators, and the models that section owns, with their getters and codec
// tables), plus a few files for what belongs to no section.
//
// Which section owns a model:
//  1. a model an operation takes or returns (its body, its result, the
//     records of its list) belongs to the section with the most operations
//     that take or return it; ties go to the section with more operations
//     in all, then to the first by name;
//  2. a model only held inside other models belongs with the first holder
//     (by name) among those nearest to an operation;
//  3. models no operation reaches at all are in models_gen.go.
//
// Aliases (Ticket = Faults) sit next to the model they name.

// Fixed files of the generated package.
const (
	fileSections   = "sections_gen.go"    // Client and its sections
	fileKinds      = "kinds_gen.go"       // the codec's field kinds
	fileUnowned    = "models_gen.go"      // models no operation reaches
	fileModelsTest = "models_gen_test.go" // every model, for the codec table test
	fileFakeSpec   = "halopsatest/spec_gen.go"
)

// layout says which file each section and each model is written to.
type layout struct {
	sectionFile map[*Section]string
	owner       map[*Type]*Section // nil: no operation reaches the type
	owned       map[*Section][]*Type
	unowned     []*Type
}

// snakeWords splits a Go identifier into lower-case words: at a lower-case
// letter or digit followed by an upper-case one, and before the last
// upper-case letter of a run followed by a lower-case one
// ("ClientContract" -> client, contract; "AISuggestion" -> ai, suggestion;
// "GetTicketsByID" -> get, tickets, by, id).
func snakeWords(s string) []string {
	rs := []rune(s)
	var out []string
	start := 0
	for i := 1; i < len(rs); i++ {
		prev, cur := rs[i-1], rs[i]
		split := unicode.IsUpper(cur) && (unicode.IsLower(prev) || unicode.IsDigit(prev)) ||
			unicode.IsUpper(prev) && unicode.IsUpper(cur) && i+1 < len(rs) && unicode.IsLower(rs[i+1])
		if split {
			out = append(out, strings.ToLower(string(rs[start:i])))
			start = i
		}
	}
	if start < len(rs) {
		out = append(out, strings.ToLower(string(rs[start:])))
	}
	return out
}

// Kebab is a Go identifier in lower kebab case ("ClientContract" ->
// "client-contract"): the file names of sections and the CLI's command
// names.
func Kebab(s string) string { return strings.Join(snakeWords(s), "-") }

func planLayout(api *API) *layout {
	l := &layout{sectionFile: map[*Section]string{}, owner: map[*Type]*Section{}, owned: map[*Section][]*Type{}}
	files := newUniqueNamer(fileSections, fileKinds, fileUnowned, fileModelsTest)
	for _, s := range api.Sections {
		base := strings.Join(snakeWords(s.Field), "_")
		name, _ := files.claim(base+"_gen.go", "section "+s.Wire)
		if name != base+"_gen.go" {
			// claim appends its suffix after ".go": put it before "_gen".
			name = base + strings.TrimPrefix(name, base+"_gen.go") + "_gen.go"
		}
		l.sectionFile[s] = name
	}

	byName := typeByName(api)
	// 1. Models that operations take or return.
	refs := map[*Type]map[*Section]int{}
	var ref func(s *Section, name string)
	ref = func(s *Section, name string) {
		t := byName[name]
		if t == nil {
			return
		}
		if refs[t] == nil {
			refs[t] = map[*Section]int{}
		}
		refs[t][s]++
		if t.List != nil {
			ref(s, t.List.Item)
		}
	}
	for _, op := range api.Ops {
		if op.Body != nil {
			ref(op.Section, op.Body.Model)
			if op.Body.Form != nil {
				for _, ff := range op.Body.Form.Fields {
					ref(op.Section, ff.PairsType)
				}
			}
		}
		ref(op.Section, op.Resp.Model)
		if op.Resp.Item != "" {
			ref(op.Section, op.Resp.Item)
		}
	}
	var level []*Type
	for _, t := range api.Types { // by name
		if len(refs[t]) == 0 {
			continue
		}
		var best *Section
		for s, n := range refs[t] {
			switch b := refs[t][best]; {
			case best == nil, n > b,
				n == b && len(s.Ops) > len(best.Ops),
				n == b && len(s.Ops) == len(best.Ops) && s.Field < best.Field:
				best = s
			}
		}
		l.owner[t] = best
		level = append(level, t)
	}
	// 2. Models held in others, level by level away from the operations.
	for len(level) > 0 {
		var next []*Type
		for _, holder := range level { // by name within a level
			for _, f := range holder.Fields {
				if f.T.Kind != KModel && f.T.Kind != KModelMap && f.T.Kind != KEnum {
					continue
				}
				t := byName[f.T.Ref]
				if t == nil {
					continue
				}
				if _, done := l.owner[t]; done {
					continue
				}
				l.owner[t] = l.owner[holder]
				next = append(next, t)
			}
		}
		sort.Slice(next, func(i, j int) bool { return next[i].Name < next[j].Name })
		level = next
	}
	// 3. The rest.
	for _, t := range api.Types {
		if s := l.owner[t]; s != nil {
			l.owned[s] = append(l.owned[s], t)
		} else {
			l.unowned = append(l.unowned, t)
		}
	}
	return l
}

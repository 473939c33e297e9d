package gen

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

// Overlay is our own knowledge about Halo's API that the spec does not carry.
// Every entry says why it exists. It patches the spec before generation;
// an entry whose target is not in the spec is reported, not fatal, because
// tenants serve different spec versions.
type Overlay struct {
	Comment    string          `json:"comment"`
	Operations []OverlayOp     `json:"operations"`
	Schemas    []OverlaySchema `json:"schemas"`
	Aliases    []OverlayAlias  `json:"aliases"`
	Lazy       *OverlayLazy    `json:"lazy,omitempty"`
}

// OverlayAlias names a schema in the words Halo's users know: each name
// becomes a Go type alias (type Ticket = Faults), and What describes the
// record in the model's documentation.
type OverlayAlias struct {
	Schema string   `json:"schema"`
	Names  []string `json:"names"`
	What   string   `json:"what"` // e.g. "a ticket, opportunity or project"
	Reason string   `json:"reason"`
}

// OverlayLazy pins which nested record fields are Lazy or LazyList
// ("Schema.property"), so that a new spec cannot flip a field between typed
// and Lazy without anyone noticing: the generator follows the pin and
// reports every field its own rule would now decide differently.
type OverlayLazy struct {
	Reason string   `json:"reason"`
	Fields []string `json:"fields"`
}

// OverlayOp patches one operation, named "METHOD /path".
type OverlayOp struct {
	Op       string           `json:"op"`
	Reason   string           `json:"reason"`
	Body     *OverlayBody     `json:"body,omitempty"`
	Response *OverlayResponse `json:"response,omitempty"`
}

// OverlayBody replaces a request body: a JSON array of a schema.
type OverlayBody struct {
	Array string `json:"array"`
}

// OverlayResponse sets the response shape of an operation. Exactly one field is set.
type OverlayResponse struct {
	Ref    string       `json:"ref,omitempty"`    // one record of this schema
	Array  string       `json:"array,omitempty"`  // a bare JSON array of this schema
	List   *OverlayList `json:"list,omitempty"`   // Halo's list wrapper
	Binary bool         `json:"binary,omitempty"` // raw bytes
}

// OverlayList describes Halo's list wrapper {"record_count": N, "<key>": [...]}.
type OverlayList struct {
	Key   string `json:"key"`
	Items string `json:"items"`
}

// OverlaySchema adds or replaces properties of a schema.
type OverlaySchema struct {
	Schema     string         `json:"schema"`
	Reason     string         `json:"reason"`
	Properties OrderedSchemas `json:"properties"`
}

// LoadOverlay reads an overlay file.
func LoadOverlay(path string) (*Overlay, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var o Overlay
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return nil, fmt.Errorf("overlay %s: %w", path, err)
	}
	for _, op := range o.Operations {
		if strings.TrimSpace(op.Reason) == "" {
			return nil, fmt.Errorf("overlay %s: %s has no reason", path, op.Op)
		}
	}
	for _, s := range o.Schemas {
		if strings.TrimSpace(s.Reason) == "" {
			return nil, fmt.Errorf("overlay %s: schema %s has no reason", path, s.Schema)
		}
	}
	for _, a := range o.Aliases {
		switch {
		case strings.TrimSpace(a.Reason) == "":
			return nil, fmt.Errorf("overlay %s: aliases of %s have no reason", path, a.Schema)
		case len(a.Names) == 0 || strings.TrimSpace(a.What) == "":
			return nil, fmt.Errorf("overlay %s: aliases of %s need names and what", path, a.Schema)
		}
	}
	if o.Lazy != nil && strings.TrimSpace(o.Lazy.Reason) == "" {
		return nil, fmt.Errorf("overlay %s: lazy has no reason", path)
	}
	return &o, nil
}

// splitOpKey splits "GET /Tickets" into ("get", "/Tickets").
func splitOpKey(k string) (method, path string, ok bool) {
	m, p, ok := strings.Cut(strings.TrimSpace(k), " ")
	if !ok {
		return "", "", false
	}
	return strings.ToLower(m), strings.TrimSpace(p), true
}

// overlayResult records where each overlay response landed, for the
// response-typing precedence (spec first, then overlay, then inference).
type overlayResult struct {
	responses map[string]*OverlayResponse // "get /Tickets" -> response
	warnings  []string
}

// Apply patches spec with the overlay. Response entries are not written into
// the spec (the spec's own response schema must keep precedence); they are
// returned for the type builder. Body and schema entries patch the spec.
func (o *Overlay) Apply(spec *Spec) *overlayResult {
	res := &overlayResult{responses: map[string]*OverlayResponse{}}
	warn := func(f string, a ...any) { res.warnings = append(res.warnings, fmt.Sprintf(f, a...)) }
	hasSchema := func(n string) bool { return spec.Components.Schemas.Get(n) != nil }

	for _, s := range o.Schemas {
		target := spec.Components.Schemas.Get(s.Schema)
		if target == nil {
			warn("overlay: schema %s not in spec; skipped", s.Schema)
			continue
		}
		for _, p := range s.Properties {
			replaced := false
			for i := range target.Properties {
				if target.Properties[i].Name == p.Name {
					target.Properties[i].Schema = p.Schema
					replaced = true
				}
			}
			if !replaced {
				target.Properties = append(target.Properties, p)
			}
		}
	}

	for _, e := range o.Operations {
		method, path, ok := splitOpKey(e.Op)
		if !ok {
			warn("overlay: %q is not \"METHOD /path\"; skipped", e.Op)
			continue
		}
		item := spec.Paths[path]
		var op *Operation
		if item != nil {
			op = (*item)[method]
		}
		if op == nil {
			warn("overlay: operation %s not in spec; skipped", e.Op)
			continue
		}
		if e.Body != nil {
			if !hasSchema(e.Body.Array) {
				warn("overlay: %s body schema %s not in spec; skipped", e.Op, e.Body.Array)
			} else {
				sch := &Schema{Type: "array", Items: &Schema{Ref: "#/components/schemas/" + e.Body.Array}}
				op.RequestBody = &RequestBody{Content: map[string]*MediaType{"application/json": {Schema: sch}}}
			}
		}
		if r := e.Response; r != nil {
			for _, n := range []string{r.Ref, r.Array} {
				if n != "" && !hasSchema(n) {
					warn("overlay: %s response schema %s not in spec; skipped", e.Op, n)
					r = nil
					break
				}
			}
			if r != nil && r.List != nil && !hasSchema(r.List.Items) {
				warn("overlay: %s list items %s not in spec; skipped", e.Op, r.List.Items)
				r = nil
			}
			if r != nil {
				// A copy: the builder rewrites list entries into refs, and the
				// caller's overlay must stay as loaded (it may be reused).
				cp := *r
				res.responses[method+" "+path] = &cp
			}
		}
	}
	sort.Strings(res.warnings)
	return res
}

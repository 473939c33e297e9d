package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/halopsa-go/halopsa"
)

// The JSON Schemas of bodies and results are derived from the library's Go
// types at run time: the CLI links every model anyway, and a second,
// generated schema table would be one more thing to keep in step.

// schema is a JSON Schema, with what describing the library's types
// needs. It writes itself (appendJSON): fitting a description into the
// budget measures schemas of hundreds of fields many times, and with
// jsonschema.Schema's reflective encoder describing every operation
// (TestDescribeFitsTheBudget) took 15 s; it takes 2 s this way.
// TestSchemaJSON checks what it writes against encoding/json.
type schema struct {
	Type                 string
	Format               string
	ContentEncoding      string
	Title                string
	Description          string
	Properties           map[string]*schema
	PropertyOrder        []string // the order Properties are written in
	Items                *schema
	AdditionalProperties *schema
}

// MarshalJSON writes s, its properties in PropertyOrder (then any others,
// sorted).
func (s *schema) MarshalJSON() ([]byte, error) { return s.appendJSON(nil), nil }

func (s *schema) appendJSON(b []byte) []byte {
	b = append(b, '{')
	first := true
	key := func(k string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = strconv.AppendQuote(b, k)
		b = append(b, ':')
	}
	str := func(k, v string) {
		if v != "" {
			key(k)
			b = appendJSONString(b, v)
		}
	}
	str("type", s.Type)
	str("format", s.Format)
	str("contentEncoding", s.ContentEncoding)
	str("title", s.Title)
	str("description", s.Description)
	if len(s.Properties) > 0 {
		key("properties")
		b = append(b, '{')
		n := 0
		write := func(name string) {
			if n > 0 {
				b = append(b, ',')
			}
			n++
			b = appendJSONString(b, name)
			b = append(b, ':')
			b = s.Properties[name].appendJSON(b)
		}
		listed := map[string]bool{}
		for _, name := range s.PropertyOrder {
			if _, ok := s.Properties[name]; ok && !listed[name] {
				listed[name] = true
				write(name)
			}
		}
		var rest []string
		for name := range s.Properties {
			if !listed[name] {
				rest = append(rest, name)
			}
		}
		sort.Strings(rest)
		for _, name := range rest {
			write(name)
		}
		b = append(b, '}')
	}
	if s.Items != nil {
		key("items")
		b = s.Items.appendJSON(b)
	}
	if s.AdditionalProperties != nil {
		key("additionalProperties")
		b = s.AdditionalProperties.appendJSON(b)
	}
	return append(b, '}')
}

// appendJSONString appends v as a JSON string, as encoding/json writes it.
func appendJSONString(b []byte, v string) []byte {
	q, _ := json.Marshal(v)
	return append(b, q...)
}

// libraryPath is the library's import path, which its types report.
var libraryPath = reflect.TypeFor[halopsa.Time]().PkgPath()

// schemaFor describes a Go type of the library as JSON Schema. Records are
// expanded down to depth levels of nesting; deeper records are named, not
// expanded (Halo's records nest deeply, and some contain themselves).
func schemaFor(t reflect.Type, depth int) *schema {
	switch t {
	case reflect.TypeFor[halopsa.Time](), reflect.TypeFor[time.Time]():
		return &schema{Type: "string", Format: "date-time"} // see timeNote
	case reflect.TypeFor[json.RawMessage]():
		return &schema{Description: "any JSON value"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return schemaFor(t.Elem(), depth)
	case reflect.String:
		return &schema{Type: "string"}
	case reflect.Bool:
		return &schema{Type: "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		s := &schema{Type: "integer"}
		if t.PkgPath() == libraryPath {
			s.Title = t.Name() // an enum
		}
		return s
	case reflect.Float32, reflect.Float64:
		return &schema{Type: "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return &schema{Type: "string", ContentEncoding: "base64"}
		}
		return &schema{Type: "array", Items: schemaFor(t.Elem(), depth)}
	case reflect.Map:
		return &schema{Type: "object", AdditionalProperties: schemaFor(t.Elem(), depth)}
	case reflect.Struct:
		return structSchema(t, depth)
	}
	return &schema{}
}

func structSchema(t reflect.Type, depth int) *schema {
	name := t.Name()
	if t.PkgPath() == libraryPath {
		switch {
		case strings.HasPrefix(name, "Lazy[") || strings.HasPrefix(name, "LazyList["):
			// Lazy[T].Get returns *T, LazyList[T].Get []T: the JSON's shape.
			if get, ok := t.MethodByName("Get"); ok && get.Type.NumOut() > 0 {
				return schemaFor(get.Type.Out(0), depth)
			}
		case strings.HasPrefix(name, "List["):
			// Halo's wrapper: record_count and the records under a key that
			// depends on the section (or a bare array).
			recs, _ := t.FieldByName("Records")
			return &schema{
				Type:                 "object",
				Description:          "a list: record_count and the records under one key (some tenants send a bare array of the records)",
				Properties:           map[string]*schema{"record_count": {Type: "integer"}},
				AdditionalProperties: schemaFor(recs.Type, depth),
			}
		}
	}
	if depth < 0 {
		return &schema{Type: "object", Title: name} // named, not expanded
	}
	s := &schema{Type: "object", Title: name, Properties: map[string]*schema{}}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case f.Name == "Extra" && tag == "-":
			s.Description = "fields the spec does not declare are kept and sent back"
			continue
		case tag == "-" || tag == "":
			continue
		}
		s.Properties[tag] = schemaFor(f.Type, depth-1)
		s.PropertyOrder = append(s.PropertyOrder, tag)
	}
	return s
}

// timeNote explains the date-time fields once per description.
const timeNote = "date-time values: Halo sends them zone-less, meaning UTC (2026-11-26T04:15:00); 1900-01-01T00:00:00 means not set"

// boundedSchema describes t in at most limit bytes of JSON: as deeply as
// fits, at most two levels of nested records; when even the record's own
// fields do not fit, the first ones that do are described and the others
// named (or counted). depth is the depth used, -1 when fields were left out.
func boundedSchema(t reflect.Type, limit int) (s *schema, depth int) {
	// Shallow first: a record too large at one level is larger at two.
	var best *schema
	for d := 0; d <= 2; d++ {
		s = schemaFor(t, d)
		if schemaSize(s) > limit {
			break
		}
		best, depth = s, d
	}
	if best != nil {
		return best, depth
	}
	s = schemaFor(t, 0)
	rec := recordSchema(s)
	if rec == nil || len(rec.PropertyOrder) == 0 {
		return &schema{Title: s.Title, Type: s.Type, Description: "too large to describe here"}, -1
	}
	all, props, desc := rec.PropertyOrder, rec.Properties, rec.Description
	// keep describes the first n fields and names the others (or, with
	// names false, counts them).
	keep := func(n int, names bool) {
		rec.Properties, rec.PropertyOrder = map[string]*schema{}, all[:n]
		for _, name := range all[:n] {
			rec.Properties[name] = props[name]
		}
		note := fmt.Sprintf("The first %d of its %d fields are described", n, len(all))
		if names {
			note += "; the others are: " + strings.Join(all[n:], ", ")
		}
		rec.Description = strings.TrimSpace(desc + " " + note + ".")
	}
	// Half the room for described fields, the rest for the names of the
	// others; fewer fields described while the names do not fit. Sizes
	// grow with the number of fields described: binary searches.
	largest := func(hi int, names bool, most int) int {
		return sort.Search(hi+1, func(n int) bool {
			keep(n, names)
			return schemaSize(s) > most
		}) - 1
	}
	n := largest(len(all), false, limit/2)
	if m := largest(max(n, 0), true, limit); m >= 0 {
		keep(m, true)
		return s, -1
	}
	keep(max(largest(len(all), false, limit), 0), false)
	return s, -1
}

// recordSchema finds the record in a body or result schema: the object
// itself, the items of an array, or the records of a list.
func recordSchema(s *schema) *schema {
	switch {
	case s == nil:
		return nil
	case s.Type == "array":
		return recordSchema(s.Items)
	case s.Type == "object" && len(s.Properties) <= 1 && s.AdditionalProperties != nil:
		return recordSchema(s.AdditionalProperties)
	case s.Type == "object":
		return s
	}
	return nil
}

func schemaSize(s *schema) int { return len(s.appendJSON(nil)) }

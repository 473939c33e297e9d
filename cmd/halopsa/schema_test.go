package main

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/halopsa-go/halopsa"
)

func TestSchemaFor(t *testing.T) {
	const max = 30 << 10
	s, depth := boundedSchema(reflect.TypeFor[*halopsa.Faults](), max)
	b, _ := json.Marshal(s)
	if len(b) > max {
		t.Errorf("schema of Faults: %d bytes", len(b))
	}
	if s.Type != "object" || s.Properties["summary"].Type != "string" || s.Properties["dateoccurred"].Format != "date-time" {
		t.Errorf("Faults (depth %d): %s", depth, b)
	}
	if _, ok := s.Properties["Extra"]; ok {
		t.Error("Extra is a property")
	}
	// Lazy and LazyList fields take their records' shape.
	dev := schemaFor(reflect.TypeFor[halopsa.Device](), 1)
	var lazyOne, lazyMany bool
	ft := reflect.TypeFor[halopsa.Device]()
	for i := range ft.NumField() {
		f := ft.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case strings.HasPrefix(f.Type.Name(), "LazyList["):
			lazyMany = true
			if dev.Properties[name].Type != "array" {
				t.Errorf("LazyList field %s: %+v", name, dev.Properties[name])
			}
		case strings.HasPrefix(f.Type.Name(), "Lazy["):
			lazyOne = true
			if dev.Properties[name].Type != "object" {
				t.Errorf("Lazy field %s: %+v", name, dev.Properties[name])
			}
		}
	}
	if !lazyOne && !lazyMany {
		t.Error("Device has no Lazy field to check")
	}
	list := schemaFor(reflect.TypeFor[*halopsa.List[halopsa.FaultsList]](), 1)
	if list.Properties["record_count"].Type != "integer" || list.AdditionalProperties.Type != "array" {
		t.Errorf("List: %+v", list)
	}
}

// TestBoundedSchemaLeavesOutFields describes a record too large for the
// budget: the fields that fit are described, the others named.
func TestBoundedSchemaLeavesOutFields(t *testing.T) {
	const max = 16 << 10
	s, depth := boundedSchema(reflect.TypeFor[[]halopsa.Faults](), max)
	rec := recordSchema(s)
	if depth != -1 || s.Type != "array" || rec == nil || len(rec.Properties) == 0 || !strings.Contains(rec.Description, "the others are: ") {
		t.Fatalf("depth %d, record %v", depth, rec)
	}
	if schemaSize(s) > max {
		t.Errorf("%d bytes", schemaSize(s))
	}
	full := schemaFor(reflect.TypeFor[halopsa.Faults](), 0)
	for name := range full.Properties {
		if rec.Properties[name] == nil && !strings.Contains(rec.Description, " "+name+",") && !strings.HasSuffix(rec.Description, " "+name+".") {
			t.Errorf("field %s neither described nor named", name)
		}
	}
	// Smaller still: the fields left out are counted.
	s, _ = boundedSchema(reflect.TypeFor[[]halopsa.Faults](), 2048)
	if rec := recordSchema(s); schemaSize(s) > 2048 || !strings.Contains(rec.Description, "The first ") {
		t.Errorf("2 KB: %d bytes, %q", schemaSize(s), rec.Description)
	}
}

// TestSchemaJSON checks the schema's own encoder: valid JSON, the same
// values encoding/json gives, properties in their order.
func TestSchemaJSON(t *testing.T) {
	s := &schema{Type: "object", Title: `Odd "name"`, Description: "<b>&\n\u2028",
		Properties: map[string]*schema{
			"z":        {Type: "string", Format: "date-time"},
			`a"b`:      {Type: "array", Items: &schema{Type: "integer"}},
			"extra":    {Type: "object", AdditionalProperties: &schema{ContentEncoding: "base64", Type: "string"}},
			"unlisted": {},
		},
		PropertyOrder: []string{"z", `a"b`, "extra"},
	}
	b := s.appendJSON(nil)
	if !json.Valid(b) {
		t.Fatalf("not JSON: %s", b)
	}
	var got, want any
	json.Unmarshal(b, &got)
	json.Unmarshal([]byte(`{"type":"object","title":"Odd \"name\"","description":"<b>&\n\u2028",
		"properties":{"z":{"type":"string","format":"date-time"},"a\"b":{"type":"array","items":{"type":"integer"}},
		"extra":{"type":"object","additionalProperties":{"type":"string","contentEncoding":"base64"}},"unlisted":{}}}`), &want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %s", b)
	}
	if i, j, k := bytes.Index(b, []byte(`"z":`)), bytes.Index(b, []byte(`"a\"b":`)), bytes.Index(b, []byte(`"unlisted":`)); !(i < j && j < k) {
		t.Errorf("properties out of order: %s", b)
	}
}

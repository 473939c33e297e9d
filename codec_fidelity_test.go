package halopsa

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// Invalid UTF-8 becomes U+FFFD wherever it is, in typed strings, in values
// kept raw in Extra and in raw fields, on the way in and on the way out.
func TestInvalidUTF8OneRule(t *testing.T) {
	doc := "{\"summary\":\"a\xffb\",\"zz\":\"a\xffb\",\"zz_obj\":{\"k\xfe\":[\"a\xffb\",\"\xe2\x82\"]},\"id\":\"a\xffb\"}"
	f, _ := mustDecode[Faults](t, doc)
	if *f.Summary != "a\ufffdb" {
		t.Fatalf("typed string %q", *f.Summary)
	}
	for k, v := range f.Extra {
		if !utf8.Valid(v) {
			t.Errorf("Extra[%q] = %q holds invalid UTF-8", k, v)
		}
	}
	var s string
	if err := json.Unmarshal(f.Extra["zz"], &s); err != nil || s != *f.Summary {
		t.Errorf("Extra[zz] = %s (%q), want the typed field's %q", f.Extra["zz"], s, *f.Summary)
	}
	out := mustMarshal(t, f)
	if !utf8.Valid(out) {
		t.Fatalf("encoded invalid UTF-8: %q", out)
	}
	// Values the user puts in Extra or raw fields follow the same rule.
	r := codecRec{S: Ptr("a\xffb"), Raw: json.RawMessage("\"a\xffb\""), Rs: []json.RawMessage{json.RawMessage("[\"a\xffb\"]")},
		Extra: map[string]json.RawMessage{"x": json.RawMessage("{\"a\xffb\":\"a\xffb\"}")}}
	out = mustMarshal(t, &r)
	want := `{"s":"a\ufffdb","raw":"a\ufffdb","rs":[["a\ufffdb"]],"x":{"a\ufffdb":"a\ufffdb"}}`
	if string(out) != want {
		t.Errorf("got  %s\nwant %s", out, want)
	}
	if b, err := marshalValue(json.RawMessage("\"a\xffb\"")); err != nil || string(b) != `"a\ufffdb"` {
		t.Errorf("raw body: %q %v", b, err)
	}
}

// A Lazy that came through encoding/gob holds JSON as strict as one the
// decoder filled: raw control characters and invalid UTF-8 are escaped.
func TestLazyAfterGobEncodesValidJSON(t *testing.T) {
	src := Device{ID: Ptr(1)}
	src.Children.raw = json.RawMessage("[{\"id\":2,\"inventory_number\":\"a\tb\xff\"}]") // as a lenient peer might send
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&src); err != nil {
		t.Fatal(err)
	}
	var back Device
	if err := gob.NewDecoder(&buf).Decode(&back); err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(&back)
	if err != nil || !json.Valid(out) || !utf8.Valid(out) {
		t.Fatalf("Marshal after GobDecode: %q, %v", out, err)
	}
	kids, err := back.Children.Get()
	if err != nil || len(kids) != 1 || *kids[0].InventoryNumber != "a\tb\ufffd" {
		t.Fatalf("Get after GobDecode: %+v, %v", kids, err)
	}
	var l Lazy[Device]
	if err := l.GobDecode([]byte(" {\"id\":1} \n")); err != nil || string(l.Raw()) != `{"id":1}` {
		t.Fatalf("surrounding whitespace: %q, %v", l.Raw(), err)
	}
}

package halopsa

import (
	"bytes"
	"encoding/base64"
	"encoding/gob"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// Do sends a model's Extra whatever form the model is passed in: a
// pointer, a value, a slice of values or of pointers.
func TestDoKeepsExtraOfModelValuesAndSlices(t *testing.T) {
	var got []string
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, string(b))
		writeJSON(w, 200, `{}`)
	})
	halo := tn.client()
	rec := Faults{ID: Ptr(4), Extra: map[string]json.RawMessage{"undeclared": json.RawMessage(`"kept"`)}}
	one := `{"id":4,"undeclared":"kept"}`
	cases := []struct {
		name string
		body any
		want string
	}{
		{"pointer", &rec, one},
		{"value", rec, one},
		{"slice of values", []Faults{rec, {}}, `[` + one + `,{}]`},
		{"slice of pointers", []*Faults{&rec, nil}, `[` + one + `,null]`},
		{"array", [1]Faults{rec}, `[` + one + `]`},
		{"pointer to a slice", &[]Faults{rec}, `[` + one + `]`},
		{"empty slice", []Faults{}, `[]`},
	}
	for _, tc := range cases {
		got = nil
		if err := halo.Do(ctxT(t), "POST", "/Tickets", nil, tc.body, nil); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("%s: sent %q, want %s", tc.name, got, tc.want)
		}
	}
	// Plain values still go through encoding/json.
	if b, err := marshalValue(map[string]int{"a": 1}); err != nil || string(b) != `{"a":1}` {
		t.Errorf("plain map: %s %v", b, err)
	}
	if b, err := marshalValue([]int{1}); err != nil || string(b) != `[1]` {
		t.Errorf("plain slice: %s %v", b, err)
	}
	var nilRec *Faults
	if b, err := marshalValue(nilRec); err != nil || string(b) != `null` {
		t.Errorf("nil model: %s %v", b, err)
	}
}

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

// When a key comes twice, the last one wins: in the typed field, in Extra
// and in the decode issues.
func TestDuplicateKeysLastWins(t *testing.T) {
	cases := []struct {
		doc, want string
		issues    []string
	}{
		{`{"id":"abc","id":5}`, `{"id":5}`, nil},
		{`{"id":5,"id":"abc"}`, `{"id":"abc"}`, []string{"id"}},
		{`{"id":"a","id":"b"}`, `{"id":"b"}`, []string{"id"}},
		{`{"id":"a","summary":"s","id":7,"id":"c","id":8}`, `{"id":8,"summary":"s"}`, nil},
		{`{"attachments":[{"id":"x","id":1}],"attachments":5}`, `{"attachments":5}`, []string{"attachments"}},
		{`{"attachments":5,"attachments":[{"id":"x","id":1}]}`, `{"attachments":[{"id":1}]}`, nil},
		{`{"tags":null,"tags":"t"}`, `{"tags":"t"}`, []string{"tags"}},
		{`{"zz":1,"zz":2}`, `{"zz":2}`, nil},
	}
	for _, tc := range cases {
		f, issues := mustDecode[Faults](t, tc.doc)
		if out := string(mustMarshal(t, f)); out != tc.want {
			t.Errorf("%s: encoded %s, want %s", tc.doc, out, tc.want)
		}
		if got := issueFields(issues); !reflect.DeepEqual(got, tc.issues) {
			t.Errorf("%s: issues %v, want %v", tc.doc, got, tc.issues)
		}
		for _, is := range issues {
			if !bytes.Equal(is.Value, f.Extra[is.Field]) {
				t.Errorf("%s: issue %s=%s, but Extra holds %s", tc.doc, is.Field, is.Value, f.Extra[is.Field])
			}
		}
	}
	// A nested record and a lazy one follow the same rule.
	d, issues := decodeDevice(t, `{"children":5,"children":[{"id":1}],"inventory_number":7}`)
	if len(issues) != 0 || d.Extra != nil || d.Children.IsZero() || *d.InventoryNumber != "7" {
		t.Errorf("device: issues %v, extra %v, children %s", issues, d.Extra, d.Children)
	}
	d, issues = decodeDevice(t, `{"children":[{"id":1}],"children":5}`)
	if len(issues) != 1 || string(d.Extra["children"]) != "5" || !d.Children.IsZero() {
		t.Errorf("device: issues %v, extra %v, children %s", issues, d.Extra, d.Children)
	}
	// Decoding into a record whose Extra holds a value for a declared
	// field that now fits: the new value wins.
	g, _ := mustDecode[Faults](t, `{"id":"abc","zz":1}`)
	if err := g.UnmarshalJSON([]byte(`{"id":3}`)); err != nil {
		t.Fatal(err)
	}
	if out := string(mustMarshal(t, g)); out != `{"id":3,"zz":1}` {
		t.Errorf("merge: %s", out)
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

// Base64 that Halo sent unpadded, URL-safe or otherwise not in the
// standard form is written back as it came, unless the bytes changed.
func TestBase64KeepsTheFormHaloSent(t *testing.T) {
	data := []byte{0xfb, 0xff, 0xbf, 0x00, 0x01}
	forms := map[string]string{
		"standard":          base64.StdEncoding.EncodeToString(data),
		"unpadded":          base64.RawStdEncoding.EncodeToString(data),
		"URL-safe":          base64.URLEncoding.EncodeToString(data),
		"URL-safe unpadded": base64.RawURLEncoding.EncodeToString(data),
		"with a line break": base64.StdEncoding.EncodeToString(data)[:4] + `\r\n` + base64.StdEncoding.EncodeToString(data)[4:],
		"non-zero padding bits": func() string { // "+/+/AAE=" with the last bits set: decodes the same
			s := base64.StdEncoding.EncodeToString(data)
			return s[:len(s)-2] + "F="
		}(),
	}
	for name, text := range forms {
		doc := `{"data":"` + text + `","filename":"f"}`
		a, issues := mustDecode[Attachment](t, doc)
		if len(issues) != 0 || !bytes.Equal(a.Data, data) {
			t.Fatalf("%s: decoded %x, issues %v", name, a.Data, issues)
		}
		if out := string(mustMarshal(t, a)); out != `{"filename":"f","data":"`+text+`"}` && out != `{"data":"`+text+`","filename":"f"}` {
			t.Errorf("%s: sent %q back as %s", name, text, out)
		}
		// A copy of the record shares the bytes, and their form.
		cp := *a
		if out := string(mustMarshal(t, &cp)); !strings.Contains(out, `"data":"`+text+`"`) {
			t.Errorf("%s: copy sent as %s", name, out)
		}
		// Changed bytes are written in the standard form.
		b := *a
		b.Data = bytes.Clone(a.Data)
		b.Data[0] ^= 1
		changed := `"data":"` + base64.StdEncoding.EncodeToString(b.Data) + `"`
		a.Data[0] ^= 1
		if out := string(mustMarshal(t, a)); !strings.Contains(out, changed) {
			t.Errorf("%s: bytes changed in place, sent as %s", name, out)
		}
		a.Data[0] ^= 1
		if out := string(mustMarshal(t, a)); !strings.Contains(out, `"data":"`+text+`"`) {
			t.Errorf("%s: bytes changed back, sent as %s", name, out)
		}
		a.Data = append(a.Data, 9)
		if out := string(mustMarshal(t, a)); !strings.Contains(out, `"data":"`+base64.StdEncoding.EncodeToString(a.Data)+`"`) {
			t.Errorf("%s: appended to, sent as %s", name, out)
		}
		a.Data = a.Data[:3]
		if out := string(mustMarshal(t, a)); !strings.Contains(out, `"data":"`+base64.StdEncoding.EncodeToString(a.Data)+`"`) {
			t.Errorf("%s: truncated, sent as %s", name, out)
		}
	}
	// A slice of the user's own with spare capacity is written in the
	// standard form whatever lies beyond its length.
	own := make([]byte, 2, 64)
	for i := range own[:cap(own)] {
		own[:cap(own)][i] = 0xAA
	}
	own[0], own[1] = 1, 2
	if out := string(mustMarshal(t, &Attachment{Data: own})); out != `{"data":"AQI="}` {
		t.Errorf("own slice: %s", out)
	}
}

// Do finds the encoder of a model passed by value through reflection. In a
// program that never converts a pointer to that model to an interface
// itself, this works only because the linker keeps the methods of the
// pointer type of a type converted to an interface: build such a program
// and run it.
func TestDoModelValuesInAProgramOfTheirOwn(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	out, err := exec.Command("go", "run", "./testdata/domodelvalues").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != `[{"x":1} [{"x":1}]]` {
		t.Fatalf("go run ./testdata/domodelvalues: %v\n%s", err, out)
	}
}

package halopsa

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// A device with a child device: Device can contain itself, so Children is
// a LazyList and its records are decoded by Get.
const lazyDevice = `{"id":1,"inventory_number":"PC-1","children":[{"id":2,"inventory_number":"PC-2","children":[{"id":3}]},null]}`

// A PDF template for a device: its Asset is a Lazy[Device].
const lazyTemplate = `{"id":1,"name":"T","asset":{"id":9,"key_field":"k"}}`

func decodeTemplate(t *testing.T, data string) (*PDFTemplate, []DecodeIssue) {
	t.Helper()
	p := new(PDFTemplate)
	issues, err := decodeJSON([]byte(data), p)
	if err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return p, issues
}

func decodeDevice(t *testing.T, data string) (*Device, []DecodeIssue) {
	t.Helper()
	d := new(Device)
	issues, err := decodeJSON([]byte(data), d)
	if err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return d, issues
}

func TestLazyGetDecodesLikeAnEagerField(t *testing.T) {
	d, issues := decodeDevice(t, lazyDevice)
	if len(issues) != 0 || d.Extra != nil {
		t.Fatalf("issues %v, extra %v", issues, d.Extra)
	}
	kids, err := d.Children.Get()
	if err != nil {
		t.Fatal(err)
	}
	// The same JSON decoded as a top-level list of devices.
	var want []Device
	if _, err := decodeJSON([]byte(`[{"id":2,"inventory_number":"PC-2","children":[{"id":3}]},null]`), modelsOut(&want)); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(kids, want) {
		t.Fatalf("Get = %+v, want %+v", kids, want)
	}
	if len(kids) != 2 || *kids[0].ID != 2 || kids[1].ID != nil {
		t.Fatalf("children %+v", kids)
	}
	grand, err := kids[0].Children.Get()
	if err != nil || len(grand) != 1 || *grand[0].ID != 3 {
		t.Fatalf("grandchildren %+v, %v", grand, err)
	}
	p, issues := decodeTemplate(t, lazyTemplate)
	if len(issues) != 0 || p.Extra != nil {
		t.Fatalf("issues %v, extra %v", issues, p.Extra)
	}
	asset, err := p.Asset.Get()
	if err != nil || asset == nil || *asset.ID != 9 || *asset.KeyField != "k" {
		t.Fatalf("asset %+v, %v", asset, err)
	}
	// Each Get decodes anew: changing a result does not change the Lazy.
	*asset.ID = 10
	again, _ := p.Asset.Get()
	if *again.ID != 9 {
		t.Fatal("Get returned shared memory")
	}
}

func TestLazyAbsentNullAndEmpty(t *testing.T) {
	d, _ := decodeDevice(t, `{"id":1,"children":null}`)
	p, _ := decodeTemplate(t, `{"id":1,"asset":null}`)
	if !d.Children.IsZero() || !p.Asset.IsZero() || d.Children.Raw() != nil {
		t.Fatal("null must leave the Lazy absent")
	}
	kids, err := d.Children.Get()
	if kids != nil || err != nil {
		t.Fatalf("absent Get = %v, %v", kids, err)
	}
	a, err := p.Asset.Get()
	if a != nil || err != nil {
		t.Fatalf("absent Get = %v, %v", a, err)
	}
	d, _ = decodeDevice(t, `{"children":[]}`)
	kids, err = d.Children.Get()
	if err != nil || kids == nil || len(kids) != 0 {
		t.Fatalf("[] must give an empty list, got %#v, %v", kids, err)
	}
	b, _ := Marshal(d)
	if string(b) != `{"children":[]}` {
		t.Fatalf("re-encoded %s", b)
	}
}

// Values of the wrong shape go to Extra with an issue, exactly as they do
// for an eagerly typed nested record.
func TestLazyWrongShapeGoesToExtra(t *testing.T) {
	for _, val := range []string{`"none"`, `{}`, `5`} {
		d, issues := decodeDevice(t, `{"id":1,"children":`+val+`,"inventory_number":"x"}`)
		if len(issues) != 1 || issues[0].Field != "children" || string(issues[0].Value) != val {
			t.Errorf("children %s: issues %v", val, issues)
		}
		if string(d.Extra["children"]) != val || !d.Children.IsZero() {
			t.Errorf("children %s: extra %v", val, d.Extra)
		}
		if d.InventoryNumber == nil || *d.InventoryNumber != "x" {
			t.Errorf("children %s: the fields after it were not decoded", val)
		}
	}
	for _, val := range []string{`[1]`, `"x"`, `true`} {
		p, issues := decodeTemplate(t, `{"id":1,"asset":`+val+`,"name":"x"}`)
		if len(issues) != 1 || issues[0].Field != "asset" || string(p.Extra["asset"]) != val || !p.Asset.IsZero() {
			t.Errorf("asset %s: issues %v, extra %v", val, issues, p.Extra)
		}
		if p.Name == nil || *p.Name != "x" {
			t.Errorf("asset %s: the fields after it were not decoded", val)
		}
	}
	// A list holding something other than records, like eager lists.
	d, issues := decodeDevice(t, `{"children":[{"id":2},7]}`)
	if len(issues) != 1 || !d.Children.IsZero() || string(d.Extra["children"]) != `[{"id":2},7]` {
		t.Fatalf("issues %v, extra %v", issues, d.Extra)
	}
	// Tolerance inside the record applies when it is decoded.
	p, _ := decodeTemplate(t, `{"asset":{"id":"12","zz":1}}`)
	a, err := p.Asset.Get()
	if err != nil || *a.ID != 12 || string(a.Extra["zz"]) != "1" {
		t.Fatalf("%+v %v", a, err)
	}
}

// The raw JSON is a copy: the response body it came from is reused.
func TestLazyKeepsACopy(t *testing.T) {
	data := []byte(lazyDevice)
	d := new(Device)
	if _, err := decodeJSON(data, d); err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] = ' '
	}
	kids, err := d.Children.Get()
	if err != nil || len(kids) != 2 {
		t.Fatalf("%v %v", kids, err)
	}
}

func TestLazySetAndEncode(t *testing.T) {
	var d Device
	var p PDFTemplate
	if err := p.Asset.Set(&Device{ID: Ptr(5), KeyField: Ptr("a\"b")}); err != nil {
		t.Fatal(err)
	}
	if b, _ := Marshal(&p); string(b) != `{"asset":{"id":5,"key_field":"a\"b"}}` {
		t.Fatalf("encoded %s", b)
	}
	if err := d.Children.Set([]Device{{ID: Ptr(6)}, {}}); err != nil {
		t.Fatal(err)
	}
	b, err := Marshal(&d)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"children":[{"id":6},{}]}` {
		t.Fatalf("encoded %s", b)
	}
	var back Device
	if _, err := decodeJSON(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, d) {
		t.Fatalf("round trip %+v != %+v", back, d)
	}
	// Set(nil) makes them absent again; an empty slice is an empty list.
	_ = p.Asset.Set(nil)
	if b, _ := Marshal(&p); string(b) != `{}` {
		t.Fatalf("encoded %s", b)
	}
	_ = d.Children.Set([]Device{})
	b, _ = Marshal(&d)
	if string(b) != `{"children":[]}` {
		t.Fatalf("encoded %s", b)
	}
	_ = d.Children.Set(nil)
	b, _ = Marshal(&d)
	if string(b) != `{}` {
		t.Fatalf("encoded %s", b)
	}
}

// encoding/json sees the record's JSON (MarshalJSON) and leaves absent ones
// out (omitzero in the generated tags).
func TestLazyWithEncodingJSON(t *testing.T) {
	d, _ := decodeDevice(t, lazyDevice)
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"children":[{"id":2,"inventory_number":"PC-2","children":[{"id":3}]},null]`)) {
		t.Fatalf("encoding/json gave %s", b)
	}
	b, _ = json.Marshal(&Device{ID: Ptr(1)})
	if string(b) != `{"id":1}` {
		t.Fatalf("absent Lazy fields not left out: %s", b)
	}
	var l LazyList[Device]
	if err := json.Unmarshal([]byte(`[{"id":4}]`), &l); err != nil {
		t.Fatal(err)
	}
	if got, _ := l.Get(); len(got) != 1 || *got[0].ID != 4 {
		t.Fatalf("%+v", got)
	}
	if err := json.Unmarshal([]byte(`null`), &l); err != nil || !l.IsZero() {
		t.Fatalf("null: %v %v", err, l.Raw())
	}
	var one Lazy[Device]
	if err := json.Unmarshal([]byte(`[1]`), &one); err == nil {
		t.Fatal("Lazy accepted an array")
	}
	if err := json.Unmarshal([]byte(`{"id":1}`), &one); err != nil {
		t.Fatal(err)
	}
	if b, _ := json.Marshal(one); string(b) != `{"id":1}` {
		t.Fatalf("%s", b)
	}
}

// Lazy of a type that is not a record is an error, never a panic.
func TestLazyOfANonRecord(t *testing.T) {
	var l Lazy[int]
	if err := l.UnmarshalJSON([]byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Get(); !errors.Is(err, errNotRecord) {
		t.Fatalf("Get: %v", err)
	}
	if err := l.Set(Ptr(1)); !errors.Is(err, errNotRecord) {
		t.Fatalf("Set: %v", err)
	}
	var ll LazyList[string]
	if err := ll.Set([]string{"x"}); !errors.Is(err, errNotRecord) {
		t.Fatalf("Set: %v", err)
	}
}

// Records holding a Lazy go through encoding/gob (which cannot see the
// unexported JSON), compare with go-cmp's Equal convention and print as
// JSON.
func TestLazyGobEqualString(t *testing.T) {
	d, _ := decodeDevice(t, lazyDevice)
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(d); err != nil {
		t.Fatal(err)
	}
	var back Device
	if err := gob.NewDecoder(&buf).Decode(&back); err != nil {
		t.Fatal(err)
	}
	if !back.Children.Equal(d.Children) || !reflect.DeepEqual(back.Children, d.Children) {
		t.Fatalf("gob round trip: %s != %s", back.Children, d.Children)
	}
	var other LazyList[Device]
	if other.Equal(d.Children) || !other.Equal(LazyList[Device]{}) {
		t.Fatal("Equal is wrong about an absent list")
	}
	if got := fmt.Sprint(d.Children); got != string(d.Children.Raw()) || !strings.HasPrefix(got, `[{"id":2`) {
		t.Fatalf("printed as %q", got)
	}
	if err := other.GobDecode([]byte("{bad")); err == nil {
		t.Fatal("GobDecode accepted bytes that are not JSON")
	}
}

package halopsa

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
	"unsafe"
)

// ---- a test-only model that uses every reader and writer of the codec ----

type codecEnum int

// codecRec exercises every typed reader and writer, including those no
// generated model uses today (int64s, float64s, bools, times, enums).
type codecRec struct {
	S     *string                    `json:"s,omitempty"`
	I     *int                       `json:"i,omitempty"`
	I64   *int64                     `json:"i64,omitempty"`
	F     *float64                   `json:"f,omitempty"`
	F32   *float32                   `json:"f32,omitempty"`
	B     *bool                      `json:"b,omitempty"`
	T     *Time                      `json:"t,omitempty"`
	Bin   []byte                     `json:"bin,omitempty"`
	Raw   json.RawMessage            `json:"raw,omitempty"`
	RM    map[string]json.RawMessage `json:"rm,omitempty"`
	Ss    []string                   `json:"ss,omitempty"`
	Is    []int                      `json:"is,omitempty"`
	I64s  []int64                    `json:"i64s,omitempty"`
	Fs    []float64                  `json:"fs,omitempty"`
	Bs    []bool                     `json:"bs,omitempty"`
	Ts    []Time                     `json:"ts,omitempty"`
	Rs    []json.RawMessage          `json:"rs,omitempty"`
	E     *codecEnum                 `json:"e,omitempty"`
	Es    []codecEnum                `json:"es,omitempty"`
	Sub   *codecRec                  `json:"sub,omitempty"`
	Subs  []codecRec                 `json:"subs,omitempty"`
	SubM  map[string]codecRec        `json:"subm,omitempty"`
	Extra map[string]json.RawMessage `json:"-"`
}

// codecRec's tables are written the way halopsa-gen writes them. Enums
// share int's layout, so E and Es are kInt and kInts, as generated.
var dectCodecRec = withFields(decTable{extra: unsafe.Offsetof(codecRec{}.Extra), size: unsafe.Sizeof(codecRec{}),
	grow: growCodecRec, mapNew: mapNewCodecRec, mapSet: mapSetCodecRec},
	namedField{"s", nil, unsafe.Offsetof(codecRec{}.S), kStr},
	namedField{"i", nil, unsafe.Offsetof(codecRec{}.I), kInt},
	namedField{"i64", nil, unsafe.Offsetof(codecRec{}.I64), kInt64},
	namedField{"f", nil, unsafe.Offsetof(codecRec{}.F), kF64},
	namedField{"f32", nil, unsafe.Offsetof(codecRec{}.F32), kF32},
	namedField{"b", nil, unsafe.Offsetof(codecRec{}.B), kBool},
	namedField{"t", nil, unsafe.Offsetof(codecRec{}.T), kTime},
	namedField{"bin", nil, unsafe.Offsetof(codecRec{}.Bin), kBytes},
	namedField{"raw", nil, unsafe.Offsetof(codecRec{}.Raw), kRaw},
	namedField{"rm", nil, unsafe.Offsetof(codecRec{}.RM), kMap},
	namedField{"ss", nil, unsafe.Offsetof(codecRec{}.Ss), kStrs},
	namedField{"is", nil, unsafe.Offsetof(codecRec{}.Is), kInts},
	namedField{"i64s", nil, unsafe.Offsetof(codecRec{}.I64s), kInt64s},
	namedField{"fs", nil, unsafe.Offsetof(codecRec{}.Fs), kF64s},
	namedField{"bs", nil, unsafe.Offsetof(codecRec{}.Bs), kBools},
	namedField{"ts", nil, unsafe.Offsetof(codecRec{}.Ts), kTimes},
	namedField{"rs", nil, unsafe.Offsetof(codecRec{}.Rs), kRaws},
	namedField{"e", nil, unsafe.Offsetof(codecRec{}.E), kInt},
	namedField{"es", nil, unsafe.Offsetof(codecRec{}.Es), kInts},
	namedField{"sub", &refDecCodecRec, unsafe.Offsetof(codecRec{}.Sub), kOne},
	namedField{"subs", &refDecCodecRec, unsafe.Offsetof(codecRec{}.Subs), kMany},
	namedField{"subm", &refDecCodecRec, unsafe.Offsetof(codecRec{}.SubM), kRecMap},
)

var enctCodecRec = encTable{extra: unsafe.Offsetof(codecRec{}.Extra), size: unsafe.Sizeof(codecRec{}), mapEach: mapEachCodecRec, fields: []encField{
	{`"s":`, nil, uint32(unsafe.Offsetof(codecRec{}.S)), kStr},
	{`"i":`, nil, uint32(unsafe.Offsetof(codecRec{}.I)), kInt},
	{`"i64":`, nil, uint32(unsafe.Offsetof(codecRec{}.I64)), kInt64},
	{`"f":`, nil, uint32(unsafe.Offsetof(codecRec{}.F)), kF64},
	{`"f32":`, nil, uint32(unsafe.Offsetof(codecRec{}.F32)), kF32},
	{`"b":`, nil, uint32(unsafe.Offsetof(codecRec{}.B)), kBool},
	{`"t":`, nil, uint32(unsafe.Offsetof(codecRec{}.T)), kTime},
	{`"bin":`, nil, uint32(unsafe.Offsetof(codecRec{}.Bin)), kBytes},
	{`"raw":`, nil, uint32(unsafe.Offsetof(codecRec{}.Raw)), kRaw},
	{`"rm":`, nil, uint32(unsafe.Offsetof(codecRec{}.RM)), kMap},
	{`"ss":`, nil, uint32(unsafe.Offsetof(codecRec{}.Ss)), kStrs},
	{`"is":`, nil, uint32(unsafe.Offsetof(codecRec{}.Is)), kInts},
	{`"i64s":`, nil, uint32(unsafe.Offsetof(codecRec{}.I64s)), kInt64s},
	{`"fs":`, nil, uint32(unsafe.Offsetof(codecRec{}.Fs)), kF64s},
	{`"bs":`, nil, uint32(unsafe.Offsetof(codecRec{}.Bs)), kBools},
	{`"ts":`, nil, uint32(unsafe.Offsetof(codecRec{}.Ts)), kTimes},
	{`"rs":`, nil, uint32(unsafe.Offsetof(codecRec{}.Rs)), kRaws},
	{`"e":`, nil, uint32(unsafe.Offsetof(codecRec{}.E)), kInt},
	{`"es":`, nil, uint32(unsafe.Offsetof(codecRec{}.Es)), kInts},
	{`"sub":`, &refEncCodecRec, uint32(unsafe.Offsetof(codecRec{}.Sub)), kOne},
	{`"subs":`, &refEncCodecRec, uint32(unsafe.Offsetof(codecRec{}.Subs)), kMany},
	{`"subm":`, &refEncCodecRec, uint32(unsafe.Offsetof(codecRec{}.SubM)), kRecMap},
}}

// codecRec contains itself: its tables reach themselves through the
// stand-ins generated for such cycles.
var (
	refDecCodecRec = decTable{ref: decTableOf[codecRec]}
	refEncCodecRec = encTable{ref: encTableOf[codecRec]}
)

func growCodecRec(old unsafe.Pointer, n, c int) unsafe.Pointer {
	s := make([]codecRec, c)
	copy(s, unsafe.Slice((*codecRec)(old), n))
	return unsafe.Pointer(unsafe.SliceData(s))
}
func mapNewCodecRec(m unsafe.Pointer) { *(*map[string]codecRec)(m) = map[string]codecRec{} }
func mapSetCodecRec(m unsafe.Pointer, k string, v unsafe.Pointer) {
	(*(*map[string]codecRec)(m))[k] = *(*codecRec)(v)
}
func mapEachCodecRec(m unsafe.Pointer, f func(string, unsafe.Pointer)) {
	mp := *(*map[string]codecRec)(m)
	for _, k := range sortedKeys(mp) {
		v := mp[k]
		f(k, unsafe.Pointer(&v))
	}
}

func (m *codecRec) decTarget() (unsafe.Pointer, *decTable) {
	return unsafe.Pointer(m), &dectCodecRec
}
func (m *codecRec) encTarget() (unsafe.Pointer, *encTable) {
	return unsafe.Pointer(m), &enctCodecRec
}

// modelPtr constrains the test helpers to generated-style records.
type modelPtr[T any] interface {
	*T
	decodable
	encodable
}

func (m codecRec) MarshalJSON() ([]byte, error)     { return marshalModel(&m) }
func (m *codecRec) UnmarshalJSON(data []byte) error { return unmarshalModel(data, m) }

// Mirror types without the codec's methods: encoding/json handles their
// own fields (nested records and Time still use their methods).
type (
	codecRecPlain codecRec
	faultsPlain   Faults
	actionsPlain  Actions
	attachPlain   Attachment
)

// ---- helpers ----

func ptr[T any](v T) *T { return &v }

// decodeRec decodes into a fresh T through decodeJSON.
func decodeRec[T any, P modelPtr[T]](t testing.TB, data string) (*T, []DecodeIssue, error) {
	t.Helper()
	v := new(T)
	issues, err := decodeJSON([]byte(data), P(v))
	return v, issues, err
}

func mustDecode[T any, P modelPtr[T]](t testing.TB, data string) (*T, []DecodeIssue) {
	t.Helper()
	v, issues, err := decodeRec[T, P](t, data)
	if err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return v, issues
}

func mustMarshal[T any, P modelPtr[T]](t testing.TB, v *T) []byte {
	t.Helper()
	b, err := marshalModel(P(v))
	if err != nil {
		t.Fatalf("marshal %#v: %v", v, err)
	}
	if !json.Valid(b) {
		t.Fatalf("marshal produced invalid JSON: %s", b)
	}
	if err := checkNoDuplicateKeys(b); err != nil {
		t.Fatalf("marshal output %s: %v", b, err)
	}
	return b
}

// checkNoDuplicateKeys reports an object in JSON b with a repeated key.
func checkNoDuplicateKeys(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	type frame struct {
		obj     bool
		wantKey bool
		keys    map[string]bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return nil
			}
			return err
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.obj && top.wantKey {
			if k, ok := tok.(string); ok {
				if top.keys[k] {
					return errors.New("duplicate key " + strconv.Quote(k))
				}
				top.keys[k] = true
				top.wantKey = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{obj: true, wantKey: true, keys: map[string]bool{}})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].obj {
			stack[len(stack)-1].wantKey = true
		}
	}
}

// dump shows a record (or records) compactly for failure messages.
func dump(v any) string {
	if m, ok := v.(decodable); ok {
		b, err := marshalModel(m.(encodable))
		if err != nil {
			return "<" + err.Error() + ">"
		}
		return string(b)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(b)
}

func issueFields(is []DecodeIssue) []string {
	var s []string
	for _, i := range is {
		s = append(s, i.Field)
	}
	return s
}

// ---- 1. strict syntax ----

// badJSON are documents that are not JSON; each must fail to decode.
var badJSON = []string{
	`{`,
	`{"id"`,
	`{"id":`,
	`{"id":1`,
	`{"id":1,`,
	`{"id":1,"summary":"abc`,
	`{"summary":"abc\`,
	`{"summary":"abc\"}`,
	`{"id":1}x`,
	`{"id":1}}`,
	`{"id":1} {}`,
	`{"id":1}]`,
	`{"id":1},`,
	`{"summary":"a\x"}`,
	`{"summary":"a\u12"}`,
	`{"summary":"a\u12G4"}`,
	`{"summary":"a\U0041"}`,
	`{"summary":"a\'"}`,
	`{"id":1,}`,
	`{,"id":1}`,
	`{"id":1 "summary":"x"}`,
	`{"id" 1}`,
	`{"id"=1}`,
	`{"id"::1}`,
	`{id:1}`,
	`{'id':1}`,
	`{"id":01}`,
	`{"id":-}`,
	`{"id":1.}`,
	`{"id":.5}`,
	`{"id":+1}`,
	`{"id":1e}`,
	`{"id":1e+}`,
	`{"id":0x10}`,
	`{"id":NaN}`,
	`{"id":Infinity}`,
	`{"id":-Infinity}`,
	`{"id":tru}`,
	`{"id":truex}`,
	`{"id":nul}`,
	`{"id":nulll}`,
	`{"id":True}`,
	`{"id":undefined}`,
	`{"tags":[1,2}`,
	`{"tags":[1,2,]}`,
	`{"tags":[,1]}`,
	`{"tags":[1 2]}`,
	`{"tags":[{"id":1},]}`,
	`{"tags":[{"id":1}{"id":2}]}`,
	`{"extra_thing":{"a":1]}`,
	`{"extra_thing":{"a":1,}}`,
	`{"extra_thing":[}`,
	`{"extra_thing":"\ud800\u"}`,
	`{"attachments":[{"id":1,}]}`,
	`{"attachments":[{"id":1}`,
	`{"attachments":[{"id":"abc"},2,]}`,
	`{"billing_address":{"line1":"x"`,
	`{"id":1}` + "\x00",
	"\ufeff" + `{"id":1}`,
	`"just a string"`,
	`42`,
	`true`,
	`[`,
	`[{"id":1}`,
	`[{"id":1},]`,
	`]`,
	`}`,
	`{"id":1}/*c*/`,
	`{"id":1}//`,
	"{\"id\":\v1}",
	"{\"id\":\u00a01}",
}

func TestCodecDecodeSyntaxErrors(t *testing.T) {
	for _, in := range badJSON {
		var f Faults
		if _, err := decodeJSON([]byte(in), &f); err == nil {
			t.Errorf("decodeJSON(Faults, %q): no error; got %s", in, dump(&f))
		}
		var f2 Faults
		if err := f2.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("Faults.UnmarshalJSON(%q): no error", in)
		}
		var r codecRec
		if err := r.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("codecRec.UnmarshalJSON(%q): no error", in)
		}
		var s []FaultsList
		if _, err := decodeJSON([]byte(in), modelsOut(&s)); err == nil {
			t.Errorf("decodeJSON(modelsOut, %q): no error", in)
		}
		var raw json.RawMessage
		if _, err := decodeJSON([]byte(in), &raw); err == nil && !strings.HasPrefix(in, `"`) && in != "42" && in != "true" {
			t.Errorf("decodeJSON(RawMessage, %q): no error", in)
		}
	}
}

// Every proper prefix of a valid document is invalid (or empty) and must
// fail; the scanner must agree with encoding/json on each.
func TestCodecDecodeTruncated(t *testing.T) {
	docs := []string{
		`{"id":12,"summary":"a \"quoted\" \\ \u00e9 \ud83d\ude00","attachments":[{"id":1,"filename":"x.txt","data":"aGVsbG8="},null],` +
			`"estimate":-1.5e-3,"flagged":true,"read":false,"dateoccurred":"2026-11-26T04:15:00.1234567","billing_address":{"line1":"1 Main St"},` +
			`"custom_undeclared":{"deep":[1,[2,[3,{"x":null}]]]},"team":null}`,
		`[{"id":1,"tags":[{"id":2,"text":"t"}]}]`,
		`{"sla_target":{"p1":{"respond_within":5},"p2":null},"id":"123"}`,
	}
	for _, doc := range docs {
		if !json.Valid([]byte(doc)) {
			t.Fatalf("test doc is not valid JSON: %s", doc)
		}
		if !validJSON([]byte(doc)) {
			t.Errorf("validJSON rejects %s", doc)
		}
		for i := 1; i < len(doc); i++ {
			p := doc[:i]
			if validJSON([]byte(p)) {
				t.Errorf("validJSON accepts the prefix %q", p)
			}
			var f Faults
			if _, err := decodeJSON([]byte(p), &f); err == nil {
				t.Errorf("decodeJSON(Faults) accepts the prefix %q", p)
			}
			var s FreshdeskSLA
			if err := s.UnmarshalJSON([]byte(p)); err == nil {
				t.Errorf("UnmarshalJSON(FreshdeskSLA) accepts the prefix %q", p)
			}
			var r codecRec
			if _, err := decodeJSON([]byte(p), &r); err == nil {
				t.Errorf("decodeJSON(codecRec) accepts the prefix %q", p)
			}
		}
	}
}

func TestCodecDecodeDepth(t *testing.T) {
	nest := func(n int) string {
		// an object holding an undeclared field nested n levels in all
		return `{"x":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}`
	}
	var f Faults
	if _, err := decodeJSON([]byte(nest(maxDepth)), &f); err != nil {
		t.Errorf("depth %d: %v", maxDepth, err)
	}
	if _, err := decodeJSON([]byte(nest(maxDepth+1)), &f); err == nil {
		t.Errorf("depth %d: no error", maxDepth+1)
	}
	// Deep nesting through typed nested records, and through a typed
	// scalar field that skips the value.
	deepSub := strings.Repeat(`{"sub":`, maxDepth+5) + `null` + strings.Repeat(`}`, maxDepth+5)
	var r codecRec
	if _, err := decodeJSON([]byte(deepSub), &r); err == nil {
		t.Error("deep nested records: no error")
	}
	deepScalar := `{"i":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}`
	if _, err := decodeJSON([]byte(deepScalar), &r); err == nil {
		t.Error("deep array in an int field: no error")
	}
	if validJSON([]byte(strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1))) {
		t.Error("validJSON accepts nesting deeper than maxDepth")
	}
	if !validJSON([]byte(strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth))) {
		t.Error("validJSON rejects nesting of maxDepth")
	}
	// A million brackets: no stack overflow, an error.
	huge := strings.Repeat("[", 1<<20)
	if _, err := decodeJSON([]byte(huge), &f); err == nil {
		t.Error("a million '[': no error")
	}
	if _, err := decodeJSON([]byte(`{"x":`+huge), &f); err == nil {
		t.Error("a million '[' in a field: no error")
	}
}

// ---- 2. lenient types ----

func TestCodecDecodeLenientInt(t *testing.T) {
	ok := map[string]*int{
		`21`: ptr(21), `21.0`: ptr(21), `2.1e1`: ptr(21), `2.1E+1`: ptr(21), `210e-1`: ptr(21), `"21"`: ptr(21), `" 21 "`: ptr(21),
		`"21.0"`: ptr(21), `-0`: ptr(0), `-7`: ptr(-7), `"-7"`: ptr(-7), `0`: ptr(0), `0.0`: ptr(0), `-0.0e5`: ptr(0),
		`9223372036854775807`: ptr(math.MaxInt64), `-9223372036854775808`: ptr(math.MinInt64),
		`"9223372036854775807"`: ptr(math.MaxInt64), `-9223372036854775808.000`: ptr(math.MinInt64),
		`9223372036854775807.0`: ptr(math.MaxInt64), `922337203685477580.7e1`: ptr(math.MaxInt64),
		`1234567890123456789.0`: ptr(1234567890123456789), `12345678901234567e2`: ptr(1234567890123456700),
		`100000000000000000000e-2`: ptr(1000000000000000000), "0." + strings.Repeat("0", 23) + "21e25": ptr(21),
		`""`: nil, `"  "`: nil, `null`: nil, `"\u0032\u0031"`: ptr(21),
	}
	for in, want := range ok {
		doc := `{"id":` + in + `}`
		f, issues := mustDecode[Faults](t, doc)
		if !reflect.DeepEqual(f.ID, want) || len(issues) != 0 || f.Extra != nil {
			t.Errorf("%s: ID=%v issues=%v extra=%v, want %v", doc, deref(f.ID), issues, f.Extra, deref(want))
		}
		var r codecRec
		if _, err := decodeJSON([]byte(`{"i64":`+in+`,"e":`+in+`,"is":[`+in+`]}`), &r); err != nil {
			t.Fatal(err)
		}
		if want == nil {
			if r.I64 != nil || r.E != nil || r.Is != nil {
				t.Errorf("%s: int64/enum set: %v %v; ints %v", in, deref(r.I64), deref(r.E), r.Is)
			}
			continue
		}
		if r.I64 == nil || *r.I64 != int64(*want) || r.E == nil || *r.E != codecEnum(*want) || !reflect.DeepEqual(r.Is, []int{*want}) {
			t.Errorf("%s: int64=%v enum=%v ints=%v, want %d", in, deref(r.I64), deref(r.E), r.Is, *want)
		}
	}
	bad := []string{
		`21.5`, `"abc"`, `true`, `false`, `{}`, `{"a":1}`, `[]`, `[21]`, `"21.5"`, `"0x15"`, `"1e400"`, `1e400`, `"021"`,
		`9223372036854775808`, `-9223372036854775809`, `9223372036854775808.0`, `1e19`, `"NaN"`, `"Inf"`, `"+21"`,
		`21.000000000000000001`, `9007199254740993.5`, `1e-400`, `0.5`, `-0.5`, `"21 22"`, `"2 1"`, `[{"id":3}]`,
		`{"summary":"nested","id":9}`,
	}
	for _, in := range bad {
		doc := `{"summary":"before","id":` + in + `,"team":"after"}`
		f, issues := mustDecode[Faults](t, doc)
		if f.ID != nil {
			t.Errorf("%s: ID=%d, want unset", doc, *f.ID)
		}
		if f.Summary == nil || *f.Summary != "before" || f.Team == nil || *f.Team != "after" {
			t.Errorf("%s: neighbour fields lost: %v %v", doc, deref(f.Summary), deref(f.Team))
		}
		if got := string(f.Extra["id"]); got != in {
			t.Errorf("%s: Extra[id]=%q, want %q (all of Extra: %q)", doc, got, in, f.Extra)
		}
		if len(f.Extra) != 1 {
			t.Errorf("%s: Extra=%q, want only id", doc, f.Extra)
		}
		if len(issues) != 1 || issues[0].Field != "id" || string(issues[0].Value) != in {
			t.Errorf("%s: issues=%v", doc, issues)
		}
		out := string(mustMarshal(t, f))
		if !strings.Contains(out, `"id":`+in) {
			t.Errorf("%s: re-encoded as %s, want the raw value back", doc, out)
		}
	}
}

func deref[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestCodecDecodeLenientBool(t *testing.T) {
	ok := map[string]*bool{
		`true`: ptr(true), `false`: ptr(false), `1`: ptr(true), `0`: ptr(false), `1.0`: ptr(true), `0.0`: ptr(false),
		`"true"`: ptr(true), `"True"`: ptr(true), `"TRUE"`: ptr(true), `"1"`: ptr(true), `"0"`: ptr(false),
		`"yes"`: ptr(true), `"no"`: ptr(false), `"Yes"`: ptr(true), `"false"`: ptr(false), `"False"`: ptr(false),
		`" true "`: ptr(true), `""`: nil, `null`: nil,
	}
	for in, want := range ok {
		doc := `{"flagged":` + in + `,"bs":[` + in + `]}`
		f, issues := mustDecode[Faults](t, doc)
		if !reflect.DeepEqual(f.Flagged, want) || len(issues) != 0 {
			t.Errorf("%s: Flagged=%v issues=%v, want %v", doc, deref(f.Flagged), issues, deref(want))
		}
		r, _ := mustDecode[codecRec](t, doc)
		if want != nil && !reflect.DeepEqual(r.Bs, []bool{*want}) {
			t.Errorf("%s: bools=%v", doc, r.Bs)
		}
	}
	for _, in := range []string{`2`, `-1`, `0.5`, `"maybe"`, `"2"`, `{}`, `[]`, `[true]`, `"tru"`} {
		doc := `{"flagged":` + in + `}`
		f, issues := mustDecode[Faults](t, doc)
		if f.Flagged != nil || string(f.Extra["flagged"]) != in || len(issues) != 1 {
			t.Errorf("%s: Flagged=%v Extra=%q issues=%v", doc, deref(f.Flagged), f.Extra, issues)
		}
	}
}

func TestCodecDecodeLenientFloat(t *testing.T) {
	ok := map[string]*float64{
		`1.5`: ptr(1.5), `-2`: ptr(-2.0), `1e3`: ptr(1000.0), `"1.5"`: ptr(1.5), `" -2.5e-1 "`: ptr(-0.25), `0`: ptr(0.0),
		`""`: nil, `null`: nil, `5e-324`: ptr(5e-324), `1.7976931348623157e308`: ptr(math.MaxFloat64),
		`123456789012345678901234567890`: ptr(123456789012345678901234567890.0),
	}
	for in, want := range ok {
		doc := `{"estimate":` + in + `}`
		f, issues := mustDecode[Faults](t, doc)
		if !reflect.DeepEqual(f.Estimate, want) || len(issues) != 0 {
			t.Errorf("%s: Estimate=%v issues=%v, want %v", doc, deref(f.Estimate), issues, deref(want))
		}
		if want != nil && math.IsInf(float64(float32(*want)), 0) {
			continue
		}
		r, _ := mustDecode[codecRec](t, `{"f32":`+in+`}`)
		if want == nil && r.F32 != nil || want != nil && (r.F32 == nil || *r.F32 != float32(*want)) {
			t.Errorf("f32 %s: %v", in, deref(r.F32))
		}
	}
	for _, in := range []string{`"NaN"`, `"nan"`, `"Inf"`, `"+Inf"`, `"-Infinity"`, `"0x1p3"`, `"1,5"`, `"1.5.1"`, `true`, `"abc"`, `1e400`, `"1e400"`, `-1e309`, `{}`, `[1]`, `"+1"`, `"1_000"`} {
		doc := `{"estimate":` + in + `}`
		f, issues := mustDecode[Faults](t, doc)
		if f.Estimate != nil || string(f.Extra["estimate"]) != in || len(issues) != 1 {
			t.Errorf("%s: Estimate=%v Extra=%q issues=%v", doc, deref(f.Estimate), f.Extra, issues)
		}
	}
	// float32 overflow is kept raw too
	r, issues := mustDecode[codecRec](t, `{"f32":1e39}`)
	if r.F32 != nil || len(issues) != 1 {
		t.Errorf("f32 1e39: %v %v", deref(r.F32), issues)
	}
}

func TestCodecDecodeLenientString(t *testing.T) {
	ok := map[string]*string{
		`"abc"`: ptr("abc"), `21`: ptr("21"), `-1.50e3`: ptr("-1.50e3"), `true`: ptr("true"), `false`: ptr("false"),
		`null`: nil, `""`: ptr(""), `" x "`: ptr(" x "), `"\u00e9\n\t\"\\\/"`: ptr("é\n\t\"\\/"),
	}
	for in, want := range ok {
		doc := `{"summary":` + in + `,"ss":[` + in + `]}`
		f, issues := mustDecode[Faults](t, doc)
		if !reflect.DeepEqual(f.Summary, want) || len(issues) != 0 {
			t.Errorf("%s: Summary=%q issues=%v, want %v", doc, deref(f.Summary), issues, deref(want))
		}
		r, _ := mustDecode[codecRec](t, doc)
		if want != nil && !reflect.DeepEqual(r.Ss, []string{*want}) {
			t.Errorf("%s: strs=%q", doc, r.Ss)
		}
		if want == nil && r.Ss != nil {
			t.Errorf("%s: strs=%q, want unset (null element)", doc, r.Ss)
		}
	}
	for _, in := range []string{`{}`, `{"a":"b"}`, `[]`, `["a"]`, `[{"summary":"x"}]`} {
		doc := `{"summary":` + in + `}`
		f, issues := mustDecode[Faults](t, doc)
		if f.Summary != nil || string(f.Extra["summary"]) != in || len(issues) != 1 || issues[0].Field != "summary" {
			t.Errorf("%s: Summary=%v Extra=%q issues=%v", doc, deref(f.Summary), f.Extra, issues)
		}
	}
}

func utc(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
	return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
}

func TestCodecDecodeTime(t *testing.T) {
	type want struct {
		at       time.Time
		zoneless bool
		set      bool
	}
	ok := map[string]want{
		`2026-11-26T04:15:00`:             {utc(2026, 11, 26, 4, 15, 0, 0), true, true},
		`2026-11-26T04:15:00.5`:           {utc(2026, 11, 26, 4, 15, 0, 5e8), true, true},
		`2026-11-26T04:15:00.1234567`:     {utc(2026, 11, 26, 4, 15, 0, 123456700), true, true},
		`2026-11-26T04:15:00.123456789`:   {utc(2026, 11, 26, 4, 15, 0, 123456789), true, true},
		`2026-11-26T04:15:00.12345678912`: {utc(2026, 11, 26, 4, 15, 0, 123456789), true, true},
		`2026-11-26T04:15:00Z`:            {utc(2026, 11, 26, 4, 15, 0, 0), false, true},
		`2026-11-26T04:15:00.25Z`:         {utc(2026, 11, 26, 4, 15, 0, 25e7), false, true},
		`2026-11-26T05:15:00+01:00`:       {utc(2026, 11, 26, 4, 15, 0, 0), false, true},
		`2026-11-26T00:15:00-04:00`:       {utc(2026, 11, 26, 4, 15, 0, 0), false, true},
		`2026-11-26T04:15:00+00:00`:       {utc(2026, 11, 26, 4, 15, 0, 0), false, true},
		`2026-11-26 04:15:00`:             {utc(2026, 11, 26, 4, 15, 0, 0), true, true},
		`2026-11-26 04:15:00.75`:          {utc(2026, 11, 26, 4, 15, 0, 75e7), true, true},
		`2026-11-26 05:15:00+01:00`:       {utc(2026, 11, 26, 4, 15, 0, 0), false, true},
		`2026-11-26T04:15`:                {utc(2026, 11, 26, 4, 15, 0, 0), true, true},
		`2026-11-26`:                      {utc(2026, 11, 26, 0, 0, 0, 0), true, true},
		` 2026-11-26 `:                    {utc(2026, 11, 26, 0, 0, 0, 0), true, true},
		`1900-01-01T00:00:00`:             {utc(1900, 1, 1, 0, 0, 0, 0), true, false},
		`1900-01-01T00:00:00Z`:            {utc(1900, 1, 1, 0, 0, 0, 0), false, false},
		`0001-01-01T00:00:00`:             {time.Time{}, true, false},
		`0001-01-01T00:00:00Z`:            {time.Time{}, false, false},
	}
	for in, w := range ok {
		doc := `{"dateoccurred":"` + in + `","ts":["` + in + `"]}`
		f, issues := mustDecode[Faults](t, doc)
		if f.Dateoccurred == nil || len(issues) != 0 {
			t.Errorf("%s: Dateoccurred=%v issues=%v", doc, f.Dateoccurred, issues)
			continue
		}
		got := *f.Dateoccurred
		if !got.Time.Equal(w.at) || got.zoneless() != w.zoneless || got.IsSet() != w.set {
			t.Errorf("%s: got %v (zoneless %v, set %v), want %v (zoneless %v, set %v)", in, got.Time, got.zoneless(), got.IsSet(), w.at, w.zoneless, w.set)
		}
		// Decoded times are in UTC whatever offset they came with (or in
		// zonelessUTC, UTC marked as zone-less), so that equal inputs give
		// equal records on any machine.
		if want := map[bool]*time.Location{false: time.UTC, true: zonelessUTC}[w.zoneless]; got.Location() != want {
			t.Errorf("%s: location %v, want %v", in, got.Location(), want)
		}
		r, _ := mustDecode[codecRec](t, doc)
		if len(r.Ts) != 1 || !r.Ts[0].Time.Equal(w.at) {
			t.Errorf("%s: times=%v", in, r.Ts)
		}
		// Time.UnmarshalJSON agrees with the field reader.
		var tt Time
		if err := tt.UnmarshalJSON([]byte(`"` + in + `"`)); err != nil || !reflect.DeepEqual(tt, got) {
			t.Errorf("Time.UnmarshalJSON(%s) = %v, %v; want %v", in, tt, err, got)
		}
	}
	for _, in := range []string{`""`, `" "`, `null`} {
		f, issues := mustDecode[Faults](t, `{"dateoccurred":`+in+`}`)
		if f.Dateoccurred != nil || len(issues) != 0 {
			t.Errorf("%s: %v %v", in, f.Dateoccurred, issues)
		}
	}
	bad := []string{
		`"2026-13-01T00:00:00"`, `"2026-11-31"`, `"26-11-2026"`, `"2026/11/26"`, `"yesterday"`, `"2026-11-26T25:00:00"`,
		`"2026-11-26T04:15:00+0100"`, `"2026-11-26T04:15:00 UTC"`, `"2026-11-26T04:15:00Zjunk"`, `1700000000`, `true`,
		`{}`, `["2026-11-26"]`, `"2026-11-26T04:15:60"`,
		// offsets that move the instant out of the years JSON can hold
		`"0000-01-01T00:00:00+01:00"`, `"9999-12-31T23:59:59-01:00"`,
	}
	for _, in := range bad {
		doc := `{"dateoccurred":` + in + `}`
		f, issues := mustDecode[Faults](t, doc)
		if f.Dateoccurred != nil || string(f.Extra["dateoccurred"]) != in || len(issues) != 1 {
			t.Errorf("%s: Dateoccurred=%v Extra=%q issues=%v", doc, f.Dateoccurred, f.Extra, issues)
		}
	}
	// Time.UnmarshalJSON is strict about syntax.
	for _, in := range []string{`"2026-11-26"x`, `"2026-11-26" "2026-11-27"`, `"2026-11-26`, `nul`, ``, `5`} {
		var tt Time
		if err := tt.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("Time.UnmarshalJSON(%q): no error (%v)", in, tt)
		}
	}
}

func TestCodecDecodeBytes(t *testing.T) {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		doc := `{"data":"` + enc.EncodeToString(all) + `"}`
		a, issues := mustDecode[Attachment](t, doc)
		if !bytes.Equal(a.Data, all) || len(issues) != 0 {
			t.Errorf("%s: %x %v", doc, a.Data, issues)
		}
	}
	a, _ := mustDecode[Attachment](t, `{"data":""}`)
	if a.Data == nil || len(a.Data) != 0 {
		t.Errorf(`"": %#v, want empty`, a.Data)
	}
	a, _ = mustDecode[Attachment](t, `{"data":null}`)
	if a.Data != nil {
		t.Errorf(`null: %#v, want nil`, a.Data)
	}
	for _, in := range []string{`"!!!"`, `"a"`, `5`, `true`, `["AA=="]`} {
		a, issues := mustDecode[Attachment](t, `{"data":`+in+`}`)
		if a.Data != nil || string(a.Extra["data"]) != in || len(issues) != 1 {
			t.Errorf("%s: %x %q %v", in, a.Data, a.Extra, issues)
		}
	}
}

// ---- 3. Extra ----

func TestCodecExtraUndeclared(t *testing.T) {
	doc := `{ "id" : 7 , "zz_obj" : { "a" : [ 1 , 2 ] } , "zz_num":1.50E+3,"zz_str":"a\u00e9\"\\b","zz_null":null,` +
		`"zz_arr":[ ],"zz_true":true, "z\u007a_esc":1, "summary":"s" }`
	f, issues := mustDecode[Faults](t, doc)
	if len(issues) != 0 {
		t.Errorf("issues for undeclared fields: %v", issues)
	}
	want := map[string]json.RawMessage{
		"zz_obj":  json.RawMessage(`{ "a" : [ 1 , 2 ] }`),
		"zz_num":  json.RawMessage(`1.50E+3`),
		"zz_str":  json.RawMessage(`"a\u00e9\"\\b"`),
		"zz_null": json.RawMessage(`null`),
		"zz_arr":  json.RawMessage(`[ ]`),
		"zz_true": json.RawMessage(`true`),
		"zz_esc":  json.RawMessage(`1`),
	}
	if !reflect.DeepEqual(f.Extra, want) {
		t.Errorf("Extra = %q\nwant    %q", f.Extra, want)
	}
	if f.ID == nil || *f.ID != 7 || f.Summary == nil || *f.Summary != "s" {
		t.Errorf("typed fields: %v %v", deref(f.ID), deref(f.Summary))
	}
	out := mustMarshal(t, f)
	for k, v := range want {
		if !bytes.Contains(out, []byte(strconv.Quote(k)+":"+string(v))) {
			t.Errorf("output %s lacks %s:%s", out, k, v)
		}
	}
	g, _ := mustDecode[Faults](t, string(out))
	if !reflect.DeepEqual(f, g) {
		t.Errorf("re-decoded record differs:\n%s\n%s", dump(f), dump(g))
	}
	// Extra is written in key order, after the typed fields.
	var keys []string
	dec := json.NewDecoder(bytes.NewReader(out))
	_, _ = dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		_ = dec.Decode(&skip)
	}
	if want := []string{"summary", "id", "z" + "z_arr", "zz_esc", "zz_null", "zz_num", "zz_obj", "zz_str", "zz_true"}; !reflect.DeepEqual(keys, want) && !reflect.DeepEqual(keys, append([]string{"id", "summary"}, want[2:]...)) {
		t.Errorf("keys in output: %v", keys)
	}
}

func TestCodecExtraTypedWins(t *testing.T) {
	f := Faults{ID: ptr(5), Summary: ptr("typed"), Extra: map[string]json.RawMessage{
		"id": json.RawMessage(`"from extra"`), "summary": json.RawMessage(`1`), "zz_other": json.RawMessage(`2`), "team": json.RawMessage(`"t"`),
	}}
	out := mustMarshal(t, &f) // checks for duplicate keys
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatal(err)
	}
	if m["id"] != 5.0 || m["summary"] != "typed" || m["zz_other"] != 2.0 || m["team"] != "t" || len(m) != 4 {
		t.Errorf("output %s", out)
	}
	// A declared field that did not fit round-trips through Extra, and a
	// value set later wins over it.
	g, issues := mustDecode[Faults](t, `{"id":"not a number","attachments":{"odd":true}}`)
	if g.ID != nil || g.Attachments != nil || len(issues) != 2 {
		t.Fatalf("%s %v", dump(g), issues)
	}
	if out := string(mustMarshal(t, g)); out != `{"attachments":{"odd":true},"id":"not a number"}` {
		t.Errorf("unchanged round trip: %s", out)
	}
	g.ID = ptr(9)
	if out := string(mustMarshal(t, g)); !strings.Contains(out, `"id":9`) || strings.Contains(out, "not a number") {
		t.Errorf("typed value should win: %s", out)
	}
	// The same for a nested record and for a rawMap field's entries.
	h := FreshdeskSLA{SLATarget: map[string]FreshdeskPriority{"p": {RespondWithin: ptr(1), Extra: map[string]json.RawMessage{"respond_within": json.RawMessage(`2`)}}},
		Extra: map[string]json.RawMessage{"sla_target": json.RawMessage(`{}`)}}
	if out := string(mustMarshal(t, &h)); out != `{"sla_target":{"p":{"respond_within":1}}}` {
		t.Errorf("nested typed value should win: %s", out)
	}
	// A key that merely starts like a typed key is not shadowed.
	k := Faults{ID: ptr(1), Extra: map[string]json.RawMessage{"id2": json.RawMessage(`2`), "i": json.RawMessage(`3`)}}
	if out := string(mustMarshal(t, &k)); out != `{"id":1,"i":3,"id2":2}` {
		t.Errorf("prefix keys: %s", out)
	}
}

func TestCodecExtraInvalidOnEncode(t *testing.T) {
	for _, v := range []string{`{`, `1 2`, `nope`, `"x`, ``} {
		f := Faults{Extra: map[string]json.RawMessage{"zz": json.RawMessage(v)}}
		if b, err := Marshal(&f); err == nil {
			t.Errorf("Extra %q: encoded as %s, want an error", v, b)
		}
		r := codecRec{Raw: json.RawMessage(v)}
		if v != "" {
			if b, err := r.MarshalJSON(); err == nil {
				t.Errorf("raw %q: encoded as %s, want an error", v, b)
			}
		}
		r = codecRec{Rs: []json.RawMessage{json.RawMessage(v)}}
		if v != "" {
			if b, err := r.MarshalJSON(); err == nil {
				t.Errorf("raws %q: encoded as %s, want an error", v, b)
			}
		}
	}
	// Whitespace around a raw value is dropped, inside it is kept.
	r := codecRec{Raw: json.RawMessage(" [1, 2]\n"), Rs: []json.RawMessage{nil, json.RawMessage(" {} ")}}
	if out := string(mustMarshal(t, &r)); out != `{"raw":[1, 2],"rs":[null,{}]}` {
		t.Errorf("got %s", out)
	}
}

// ---- 4. encoding ----

func TestCodecEncodeOmitEmpty(t *testing.T) {
	if out := string(mustMarshal(t, &Faults{})); out != `{}` {
		t.Errorf("empty Faults: %s", out)
	}
	r := codecRec{Ss: []string{}, Is: []int{}, I64s: []int64{}, Fs: []float64{}, Bs: []bool{}, Ts: []Time{}, Rs: []json.RawMessage{},
		Es: []codecEnum{}, Subs: []codecRec{}, SubM: map[string]codecRec{}, RM: map[string]json.RawMessage{}, Bin: []byte{}}
	want := `{"bin":"","rm":{},"ss":[],"is":[],"i64s":[],"fs":[],"bs":[],"ts":[],"rs":[],"es":[],"subs":[],"subm":{}}`
	if out := string(mustMarshal(t, &r)); out != want {
		t.Errorf("empty non-nil:\n got %s\nwant %s", out, want)
	}
	back, _ := mustDecode[codecRec](t, want)
	if !reflect.DeepEqual(*back, r) {
		t.Errorf("empty non-nil round trip: %s", dump(back))
	}
	zero := codecRec{S: ptr(""), I: ptr(0), I64: ptr(int64(0)), F: ptr(0.0), F32: ptr(float32(0)), B: ptr(false), E: ptr(codecEnum(0)), Sub: &codecRec{}}
	want = `{"s":"","i":0,"i64":0,"f":0,"f32":0,"b":false,"e":0,"sub":{}}`
	if out := string(mustMarshal(t, &zero)); out != want {
		t.Errorf("zero values:\n got %s\nwant %s", out, want)
	}
	// Faults with nested records, as a user would build one for a POST.
	f := Faults{ID: ptr(3), Attachments: []Attachment{{ID: ptr(1)}, {}}, Tags: nil}
	if out := string(mustMarshal(t, &f)); !strings.Contains(out, `"attachments":[{"id":1},{}]`) || strings.Contains(out, "tags") {
		t.Errorf("nested: %s", out)
	}
}

func TestCodecEncodeStrings(t *testing.T) {
	strs := []string{
		"", "plain", `"quoted"`, `back\slash`, "/slash", "new\nline", "cr\r", "tab\t", "\b\f", "\x00\x01\x1f\x7f",
		"é ü 日本 😀", "\u2028\u2029", "<html>&amp;</html>", "\xff", "a\xc3", "\xed\xa0\x80", "\xf4\x90\x80\x80", "ok\xe2\x82",
		"\ufffd", strings.Repeat("long ", 100),
	}
	for c := 0; c < 0x80; c++ {
		strs = append(strs, "x"+string(rune(c))+"y")
	}
	for _, s := range strs {
		out := appendString(nil, s)
		if !json.Valid(out) {
			t.Errorf("appendString(%q) = %s: invalid JSON", s, out)
			continue
		}
		var got, want string
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatal(err)
		}
		std, _ := json.Marshal(s)
		_ = json.Unmarshal(std, &want)
		if got != want {
			t.Errorf("appendString(%q) decodes to %q, encoding/json gives %q", s, got, want)
		}
		if bytes.Contains(out, []byte("\u2028")) || bytes.Contains(out, []byte("\u2029")) {
			t.Errorf("appendString(%q) = %s: U+2028/9 not escaped", s, out)
		}
		if strings.ContainsRune(s, '<') && !bytes.Contains(out, []byte("<")) {
			t.Errorf("appendString(%q) = %s: HTML should not be escaped", s, out)
		}
		// Through a model and back, and through our own decoder.
		f := Faults{Summary: &s}
		g, _ := mustDecode[Faults](t, string(mustMarshal(t, &f)))
		if g.Summary == nil || *g.Summary != want {
			t.Errorf("Summary %q came back as %v", s, deref(g.Summary))
		}
	}
	if got := string(appendString([]byte("prefix"), "a\"b")); got != `prefix"a\"b"` {
		t.Errorf("appendString appends: %s", got)
	}
}

// Decoding strings agrees with encoding/json, escapes and invalid UTF-8
// included.
func TestCodecDecodeStringsLikeEncodingJSON(t *testing.T) {
	lits := []string{
		`""`, `"abc"`, `"\"\\\/\b\f\n\r\t"`, `"\u0000\u001f\u007f"`, `"\u00e9\u65e5"`, `"\ud83d\ude00"`, `"\uD83D\uDE00"`,
		`"\ud800"`, `"\udc00"`, `"\ud800x"`, `"\ud800\u0041"`, `"\ud800\ud800\udc00"`, `"\udc00\ud800"`, `"\ud83d\ude00\ude00"`,
		"\"\xff\"", "\"a\xc3\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xe2\x82\"", "\"é\xffé\"", "\"\xff\\n\xfe\"",
		"\"\xc0\xaf\"", "\"\xef\xbf\xbd\"", `"\u2028"`, `"\ufffd"`, `"\uFFFF"`,
	}
	for _, lit := range lits {
		var want string
		if err := json.Unmarshal([]byte(lit), &want); err != nil {
			t.Fatalf("%s: %v", lit, err)
		}
		f, _ := mustDecode[Faults](t, `{"summary":`+lit+`,`+lit+`:1}`)
		if f.Summary == nil || *f.Summary != want {
			t.Errorf("string %q: got %q, encoding/json %q", lit, deref(f.Summary), want)
		}
		if _, ok := f.Extra[want]; !ok || len(f.Extra) != 1 {
			t.Errorf("key %q: Extra keys %q, want %q", lit, f.Extra, want)
		}
		if !utf8.ValidString(*f.Summary) {
			t.Errorf("string %q decoded to invalid UTF-8 %q", lit, *f.Summary)
		}
	}
}

func TestCodecEncodeFloats(t *testing.T) {
	vals := []float64{0, 1, -1, 0.1, 1.5, -2.25, 1e-6, 9.99e-7, 1e-7, 1.5e-7, 1e-9, 1.23e-10, 5e-324, 1e20, 1e21, 1.5e21, 1e22, 1e100,
		-1e-7, -1e21, 123456789, 1234567890123456789, math.MaxFloat64, math.SmallestNonzeroFloat64, 1 / 3.0, 100, 1e-5, 2.5e-8}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		vals = append(vals, math.Float64frombits(rng.Uint64()))
	}
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		var e encoder
		e.appendFloat(v, 64)
		want, _ := json.Marshal(v)
		if string(e.buf) != string(want) {
			t.Errorf("float64 %v: %s, encoding/json %s", v, e.buf, want)
		}
		f32 := float32(v)
		if math.IsInf(float64(f32), 0) {
			continue
		}
		e.buf = e.buf[:0]
		e.appendFloat(float64(f32), 32)
		want, _ = json.Marshal(f32)
		if string(e.buf) != string(want) {
			t.Errorf("float32 %v: %s, encoding/json %s", f32, e.buf, want)
		}
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		f := Faults{ID: ptr(1), Estimate: ptr(v)}
		if b, err := Marshal(&f); err == nil {
			t.Errorf("%v: no error, got %s", v, b)
		}
		r := codecRec{Fs: []float64{1, v}}
		if b, err := r.MarshalJSON(); err == nil {
			t.Errorf("%v in a slice: no error, got %s", v, b)
		}
		r = codecRec{F32: ptr(float32(v))}
		if b, err := r.MarshalJSON(); err == nil {
			t.Errorf("float32 %v: no error, got %s", v, b)
		}
		if _, err := json.Marshal(struct{ F Faults }{f}); err == nil {
			t.Errorf("%v through encoding/json: no error", v)
		}
	}
}

func TestCodecEncodeTime(t *testing.T) {
	f, _ := mustDecode[Faults](t, `{"dateoccurred":"2026-11-26T04:15:00","fixbydate":"2026-11-26T04:15:00.1234567","dateclosed":"2026-11-26T04:15:00Z","respondbydate":"2026-11-26 04:15:00.5"}`)
	out := string(mustMarshal(t, f))
	for _, want := range []string{`"dateoccurred":"2026-11-26T04:15:00"`, `"fixbydate":"2026-11-26T04:15:00.1234567"`, `"dateclosed":"2026-11-26T04:15:00Z"`, `"respondbydate":"2026-11-26T04:15:00.5"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output %s lacks %s", out, want)
		}
	}
	// Built by the user: RFC 3339 in UTC.
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		ny = time.FixedZone("EST", -5*3600)
	}
	cases := map[Time]string{
		{Time: utc(2026, 11, 26, 4, 15, 0, 0)}:                                 `"2026-11-26T04:15:00Z"`,
		{Time: utc(2026, 11, 26, 4, 15, 0, 1)}:                                 `"2026-11-26T04:15:00.000000001Z"`,
		{Time: time.Date(2026, 11, 25, 23, 15, 0, 0, ny)}:                      `"2026-11-26T04:15:00Z"`,
		{Time: time.Date(2026, 11, 26, 5, 15, 0, 0, time.FixedZone("", 3600))}: `"2026-11-26T04:15:00Z"`,
		{}: `"0001-01-01T00:00:00Z"`,
		// a decoded zone-less time the user changed keeps its form
		zonelessTime(time.Date(2026, 11, 26, 5, 15, 0, 123456789, time.FixedZone("", 3600))): `"2026-11-26T04:15:00.123456789"`,
	}
	for tm, want := range cases {
		if got := string(tm.appendJSON(nil)); got != want {
			t.Errorf("%v (zoneless %v): %s, want %s", tm.Time, tm.zoneless(), got, want)
		}
		b, err := tm.MarshalJSON()
		if err != nil || string(b) != want {
			t.Errorf("MarshalJSON %v: %s %v", tm.Time, b, err)
		}
		r := codecRec{T: &tm, Ts: []Time{tm}}
		if out := string(mustMarshal(t, &r)); out != `{"t":`+want+`,"ts":[`+want+`]}` {
			t.Errorf("in a record: %s", out)
		}
	}
	if got := string(mustMarshal(t, &Faults{Dateoccurred: NewTime(utc(2026, 1, 2, 3, 4, 5, 0))})); got != `{"dateoccurred":"2026-01-02T03:04:05Z"}` {
		t.Errorf("NewTime: %s", got)
	}
	// Years JSON timestamps cannot hold are an error, as in encoding/json.
	for _, tm := range []time.Time{time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)} {
		for _, zl := range []bool{false, true} {
			v := Time{Time: tm}
			if zl {
				v = zonelessTime(tm)
			}
			if b, err := v.MarshalJSON(); err == nil {
				t.Errorf("year %d: MarshalJSON gave %s", tm.Year(), b)
			}
			r := codecRec{T: &v}
			if b, err := r.MarshalJSON(); err == nil {
				t.Errorf("year %d: record encoded as %s", tm.Year(), b)
			}
			r = codecRec{Ts: []Time{v}}
			if b, err := r.MarshalJSON(); err == nil {
				t.Errorf("year %d: slice encoded as %s", tm.Year(), b)
			}
		}
	}
	// encoding/json sees the same as the codec.
	b, err := json.Marshal(struct {
		T Time  `json:"t"`
		P *Time `json:"p"`
	}{zonelessTime(utc(2026, 11, 26, 4, 15, 0, 0)), NewTime(utc(2026, 11, 26, 4, 15, 0, 0))})
	if err != nil || string(b) != `{"t":"2026-11-26T04:15:00","p":"2026-11-26T04:15:00Z"}` {
		t.Errorf("encoding/json: %s %v", b, err)
	}
	var back struct {
		T Time  `json:"t"`
		P *Time `json:"p"`
	}
	if err := json.Unmarshal(b, &back); err != nil || !back.T.zoneless() || back.P == nil || back.P.zoneless() || !back.T.Equal(back.P.Time) {
		t.Errorf("encoding/json decode: %v %v", back, err)
	}
}

func TestCodecEncodeBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 70; n++ {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(rng.UintN(256))
		}
		a := Attachment{Data: data, Filename: ptr("f")}
		out := mustMarshal(t, &a)
		if !bytes.Contains(out, []byte(`"data":"`+base64.StdEncoding.EncodeToString(data)+`"`)) {
			t.Errorf("%x: %s", data, out)
		}
		b, _ := mustDecode[Attachment](t, string(out))
		if !bytes.Equal(b.Data, data) || b.Data == nil {
			t.Errorf("%x came back as %x", data, b.Data)
		}
		// encoding/json agrees on the wire form.
		std, _ := json.Marshal(attachPlain{Data: data})
		var m map[string]string
		_ = json.Unmarshal(std, &m)
		if !bytes.Contains(out, []byte(`"data":"`+m["data"]+`"`)) {
			t.Errorf("encoding/json disagrees: %s vs %s", std, out)
		}
	}
}

// ---- 5. round trips ----

// filler builds random records of any generated model type.
type filler struct {
	rng   *rand.Rand
	depth int
	// declared JSON names per struct type, to keep random Extra keys apart
	names map[reflect.Type]map[string]bool
}

var (
	timeType = reflect.TypeFor[Time]()
	rawType  = reflect.TypeFor[json.RawMessage]()
	rawMapT  = reflect.TypeFor[map[string]json.RawMessage]()
	bytesT   = reflect.TypeFor[[]byte]()
)

var sampleStrings = []string{
	"", "a", "Hello, world", `quo"te`, `back\slash`, "line\nbreak\r\n", "tab\there", "\x00\x1f", "é", "日本語", "😀 emoji",
	"\u2028\u2029", "<b>&</b>", "\ufffd", "trailing space ", "12", "true", "null", "{}", "2026-11-26T04:15:00",
}

var sampleRaw = []string{
	`1`, `-1.5e3`, `"s"`, `"esc\"aped\u00e9"`, `true`, `false`, `{}`, `[]`, `{"a":[1,{"b":null}],"c":"d"}`, `[1,"two",3.0,null]`,
	`{"nested":{"deep":{"deeper":[[[]]]}}}`, `0`, `"2026-11-26T04:15:00"`, `{ "spaced" : [ 1 , 2 ] }`,
}

func (f *filler) str() string {
	if f.rng.IntN(4) == 0 {
		var b []rune
		for n := f.rng.IntN(12); n > 0; n-- {
			switch f.rng.IntN(4) {
			case 0:
				b = append(b, rune(f.rng.IntN(0x80)))
			case 1:
				b = append(b, rune(0x80+f.rng.IntN(0x800)))
			case 2:
				r := rune(f.rng.IntN(0x110000))
				if r >= 0xD800 && r < 0xE000 {
					r = 'x'
				}
				b = append(b, r)
			default:
				b = append(b, []rune("\"\\/\u2028<>&")[f.rng.IntN(7)])
			}
		}
		return string(b)
	}
	return sampleStrings[f.rng.IntN(len(sampleStrings))]
}

func (f *filler) int64() int64 {
	switch f.rng.IntN(5) {
	case 0:
		return []int64{0, -1, 1, math.MaxInt64, math.MinInt64, math.MaxInt32, 1 << 53, 1<<53 + 1}[f.rng.IntN(8)]
	case 1:
		return int64(f.rng.Uint64())
	default:
		return f.rng.Int64N(100000) - 1000
	}
}

func (f *filler) float64() float64 {
	switch f.rng.IntN(4) {
	case 0:
		return []float64{0, -1, 1.5, 1e-7, 1e21, 1e20, 5e-324, math.MaxFloat64, -2.5e-9, 0.1, 100}[f.rng.IntN(11)]
	case 1:
		for {
			v := math.Float64frombits(f.rng.Uint64())
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				return v
			}
		}
	default:
		return math.Round(f.rng.Float64()*1e6) / 100
	}
}

func (f *filler) time() Time {
	sec := f.rng.Int64N(utc(9999, 12, 31, 23, 59, 59, 0).Unix()-utc(1, 1, 1, 0, 0, 0, 0).Unix()) + utc(1, 1, 1, 0, 0, 0, 0).Unix()
	ns := 0
	switch f.rng.IntN(3) {
	case 0:
		ns = f.rng.IntN(1e9)
	case 1:
		ns = f.rng.IntN(1e7) * 100
	}
	if f.rng.IntN(2) == 0 {
		return zonelessTime(time.Unix(sec, int64(ns)))
	}
	return Time{Time: time.Unix(sec, int64(ns)).UTC()}
}

func (f *filler) raw(allowNull bool) json.RawMessage {
	if allowNull && f.rng.IntN(8) == 0 {
		return json.RawMessage(`null`)
	}
	return json.RawMessage(sampleRaw[f.rng.IntN(len(sampleRaw))])
}

func (f *filler) declared(t reflect.Type) map[string]bool {
	if n, ok := f.names[t]; ok {
		return n
	}
	n := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		n[name] = true
	}
	f.names[t] = n
	return n
}

// fill sets a random selection of v's fields (v is a struct).
func (f *filler) fill(v reflect.Value, withExtra bool) {
	t := v.Type()
	f.depth++
	defer func() { f.depth-- }()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if sf.Name == "Extra" {
			if withExtra && f.rng.IntN(3) == 0 {
				m := map[string]json.RawMessage{}
				for n := f.rng.IntN(4); n >= 0; n-- {
					k := "zz_" + f.str()
					if f.declared(t)[k] || !utf8.ValidString(k) {
						continue
					}
					m[k] = f.raw(true)
				}
				v.Field(i).Set(reflect.ValueOf(m))
			}
			continue
		}
		// Big records: set about a third of the fields.
		if f.rng.IntN(3) != 0 {
			continue
		}
		f.value(v.Field(i), withExtra)
	}
}

func (f *filler) value(v reflect.Value, withExtra bool) {
	t := v.Type()
	switch {
	case t == timeType:
		v.Set(reflect.ValueOf(f.time()))
		return
	case t == rawType:
		v.Set(reflect.ValueOf(f.raw(false)))
		return
	case t == rawMapT:
		m := map[string]json.RawMessage{}
		for n := f.rng.IntN(3); n > 0; n-- {
			m[f.str()] = f.raw(true)
		}
		v.Set(reflect.ValueOf(m))
		return
	case t == bytesT:
		b := make([]byte, f.rng.IntN(20))
		for i := range b {
			b[i] = byte(f.rng.UintN(256))
		}
		v.SetBytes(b)
		return
	}
	if t.PkgPath() == timeType.PkgPath() && (strings.HasPrefix(t.Name(), "Lazy[") || strings.HasPrefix(t.Name(), "LazyList[")) {
		// A record kept raw: fill a record (or records) and Set it.
		if f.depth > 2 {
			return
		}
		set := v.Addr().MethodByName("Set")
		rec := reflect.New(set.Type().In(0)).Elem()
		f.value(rec, withExtra)
		if out := set.Call([]reflect.Value{rec}); !out[0].IsNil() {
			panic(out[0].Interface())
		}
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		if t.Elem().Kind() == reflect.Struct && t.Elem() != timeType && f.depth > 2 {
			return
		}
		p := reflect.New(t.Elem())
		if t.Elem().Kind() == reflect.Struct && t.Elem() != timeType {
			f.fill(p.Elem(), withExtra)
		} else {
			f.value(p.Elem(), withExtra)
		}
		v.Set(p)
	case reflect.String:
		v.SetString(f.str())
	case reflect.Int, reflect.Int64:
		v.SetInt(f.int64())
	case reflect.Float64:
		v.SetFloat(f.float64())
	case reflect.Float32:
		for {
			x := float32(f.float64())
			if !math.IsInf(float64(x), 0) {
				v.SetFloat(float64(x))
				return
			}
		}
	case reflect.Bool:
		v.SetBool(f.rng.IntN(2) == 0)
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Struct && t.Elem() != timeType && f.depth > 2 {
			return
		}
		n := f.rng.IntN(4)
		s := reflect.MakeSlice(t, n, n)
		for i := 0; i < n; i++ {
			if t.Elem().Kind() == reflect.Struct && t.Elem() != timeType {
				f.fill(s.Index(i), withExtra)
			} else if t.Elem() == rawType {
				s.Index(i).Set(reflect.ValueOf(f.raw(true)))
			} else {
				f.value(s.Index(i), withExtra)
			}
		}
		v.Set(s)
	case reflect.Map:
		if f.depth > 2 {
			return
		}
		m := reflect.MakeMap(t)
		for n := f.rng.IntN(3); n > 0; n-- {
			e := reflect.New(t.Elem()).Elem()
			f.fill(e, withExtra)
			m.SetMapIndex(reflect.ValueOf(f.str()), e)
		}
		v.Set(m)
	case reflect.Struct:
		f.fill(v, withExtra)
	default:
		panic("filler: unhandled type " + t.String())
	}
}

func newFiller(seed uint64) *filler {
	return &filler{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), names: map[reflect.Type]map[string]bool{}}
}

// roundTrip checks decode(encode(x)) == x for random records of type T.
func roundTrip[T any, P modelPtr[T]](t *testing.T, n int) {
	t.Helper()
	for seed := uint64(0); seed < uint64(n); seed++ {
		f := newFiller(seed)
		x := new(T)
		f.fill(reflect.ValueOf(x).Elem(), true)
		b := mustMarshal[T, P](t, x)
		y, issues := mustDecode[T, P](t, string(b))
		if len(issues) != 0 {
			t.Fatalf("seed %d: issues %v decoding %s", seed, issues, b)
		}
		if !reflect.DeepEqual(x, y) {
			t.Fatalf("seed %d: round trip differs\n in: %s\nout: %s\njson: %s\ndiff: %s", seed, dump(x), dump(y), b, firstDiff(reflect.ValueOf(x).Elem(), reflect.ValueOf(y).Elem(), ""))
		}
		// Through encoding/json, which calls MarshalJSON where a type has it
		// (generated models do not: see Marshal) and compacts and
		// HTML-escapes what it returns.
		if _, ok := any(x).(json.Marshaler); ok {
			b2, err := json.Marshal(x)
			var want bytes.Buffer
			_ = json.Compact(&want, b)
			var esc bytes.Buffer
			json.HTMLEscape(&esc, want.Bytes())
			if err != nil || !bytes.Equal(esc.Bytes(), b2) {
				t.Fatalf("seed %d: json.Marshal differs: %v\n%s\n%s", seed, err, esc.Bytes(), b2)
			}
		}
		z := new(T)
		if err := json.Unmarshal(b, z); err != nil || !reflect.DeepEqual(x, z) {
			t.Fatalf("seed %d: json.Unmarshal: %v", seed, err)
		}
		// Encoding is deterministic.
		if b3 := mustMarshal[T, P](t, y); !bytes.Equal(b, b3) {
			t.Fatalf("seed %d: re-encoding differs\n%s\n%s", seed, b, b3)
		}
	}
}

// firstDiff describes where two values first differ, for failure messages.
func firstDiff(a, b reflect.Value, path string) string {
	if a.Type() != b.Type() {
		return path + ": types differ"
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return path + ": nil vs non-nil"
			}
			return ""
		}
		return firstDiff(a.Elem(), b.Elem(), path)
	case reflect.Struct:
		if a.Type() == timeType {
			x, y := a.Interface().(Time), b.Interface().(Time)
			if !reflect.DeepEqual(x, y) {
				return path + ": " + x.String() + " (" + strconv.FormatBool(x.zoneless()) + ") vs " + y.String() + " (" + strconv.FormatBool(y.zoneless()) + ")"
			}
			return ""
		}
		for i := 0; i < a.NumField(); i++ {
			if d := firstDiff(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); d != "" {
				return d
			}
		}
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return path + ": slice nil/len " + strconv.Itoa(a.Len()) + " vs " + strconv.Itoa(b.Len())
		}
		for i := 0; i < a.Len(); i++ {
			if d := firstDiff(a.Index(i), b.Index(i), path+"["+strconv.Itoa(i)+"]"); d != "" {
				return d
			}
		}
	case reflect.Map:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return path + ": map nil/len differ"
		}
		for _, k := range a.MapKeys() {
			bv := b.MapIndex(k)
			if !bv.IsValid() {
				return path + "[" + k.String() + "]: missing"
			}
			if d := firstDiff(a.MapIndex(k), bv, path+"["+k.String()+"]"); d != "" {
				return d
			}
		}
	default:
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			return path + ": " + strconv.Quote(stringOf(a)) + " vs " + strconv.Quote(stringOf(b))
		}
	}
	return ""
}

func stringOf(v reflect.Value) string {
	b, _ := json.Marshal(v.Interface())
	return string(b)
}

func TestCodecRoundTripRandom(t *testing.T) {
	t.Run("codecRec", func(t *testing.T) { roundTrip[codecRec](t, 3000) })
	t.Run("Faults", func(t *testing.T) { roundTrip[Faults](t, 300) })
	t.Run("FaultsList", func(t *testing.T) { roundTrip[FaultsList](t, 300) })
	t.Run("TicketsView", func(t *testing.T) { roundTrip[TicketsView](t, 200) })
	t.Run("Actions", func(t *testing.T) { roundTrip[Actions](t, 300) })
	t.Run("Attachment", func(t *testing.T) { roundTrip[Attachment](t, 500) })
	t.Run("Area", func(t *testing.T) { roundTrip[Area](t, 300) })
	t.Run("FreshdeskSLA", func(t *testing.T) { roundTrip[FreshdeskSLA](t, 500) })
	t.Run("FreshdeskTicket", func(t *testing.T) { roundTrip[FreshdeskTicket](t, 300) })
	t.Run("Header", func(t *testing.T) { roundTrip[Header](t, 300) })
	t.Run("SyncroCustomer", func(t *testing.T) { roundTrip[SyncroCustomer](t, 300) })
	t.Run("ReportContent", func(t *testing.T) { roundTrip[ReportContent](t, 300) })
}

// differential checks that, for well-typed input written by encoding/json
// from the plain mirror type Q, the codec decodes what encoding/json does.
func differential[T, Q any, P modelPtr[T]](t *testing.T, n int) {
	t.Helper()
	for seed := uint64(0); seed < uint64(n); seed++ {
		f := newFiller(seed + 1000)
		x := new(T)
		f.fill(reflect.ValueOf(x).Elem(), false)
		q := reflect.ValueOf(x).Convert(reflect.TypeFor[*Q]()).Interface().(*Q)
		data, err := json.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		// Re-indent, so that whitespace is exercised too.
		var ind bytes.Buffer
		if seed%2 == 0 {
			_ = json.Indent(&ind, data, " ", "\t")
			data = ind.Bytes()
		}
		ours, issues := mustDecode[T, P](t, string(data))
		if len(issues) != 0 {
			t.Fatalf("seed %d: issues %v", seed, issues)
		}
		theirs := new(Q)
		if err := json.Unmarshal(data, theirs); err != nil {
			t.Fatal(err)
		}
		tv := reflect.ValueOf(theirs).Convert(reflect.TypeFor[*T]()).Interface().(*T)
		if !reflect.DeepEqual(ours, tv) {
			t.Fatalf("seed %d: codec and encoding/json differ on %s\n%s", seed, data, firstDiff(reflect.ValueOf(ours).Elem(), reflect.ValueOf(tv).Elem(), ""))
		}
		// The codec's encoding means the same as encoding/json's.
		var a, b any
		_ = json.Unmarshal(data, &a)
		_ = json.Unmarshal(mustMarshal[T, P](t, ours), &b)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("seed %d: encodings differ:\n%s\n%s", seed, data, mustMarshal[T, P](t, ours))
		}
	}
}

func TestCodecDecodeLikeEncodingJSON(t *testing.T) {
	t.Run("codecRec", func(t *testing.T) { differential[codecRec, codecRecPlain](t, 2000) })
	t.Run("Faults", func(t *testing.T) { differential[Faults, faultsPlain](t, 300) })
	t.Run("Actions", func(t *testing.T) { differential[Actions, actionsPlain](t, 300) })
	t.Run("Attachment", func(t *testing.T) { differential[Attachment, attachPlain](t, 300) })
}

// ---- 6. top level ----

func TestCodecDecodeTopLevel(t *testing.T) {
	// A model.
	var f Faults
	issues, err := decodeJSON([]byte(` {"id":1,"summary":"x"} `), &f)
	if err != nil || len(issues) != 0 || *f.ID != 1 {
		t.Fatalf("%v %v %s", err, issues, dump(&f))
	}
	// Empty body, whitespace and null leave the model empty.
	for _, in := range []string{``, ` `, "\n\t", `null`, ` null `} {
		var f Faults
		if issues, err := decodeJSON([]byte(in), &f); err != nil || issues != nil || !reflect.DeepEqual(f, Faults{}) {
			t.Errorf("%q: %v %v %s", in, err, issues, dump(&f))
		}
	}
	// An array of exactly one record.
	var g Faults
	if _, err := decodeJSON([]byte(`[ {"id":2,"zz":1} ]`), &g); err != nil || g.ID == nil || *g.ID != 2 || string(g.Extra["zz"]) != "1" {
		t.Errorf("array of one: %v %s", err, dump(&g))
	}
	for _, in := range []string{`[]`, `[{"id":1},{"id":2}]`, `[1]`, `[null]`, `["x"]`, `[[{"id":1}]]`, `[{"id":1},1]`, `"x"`, `1`, `true`} {
		var f Faults
		if _, err := decodeJSON([]byte(in), &f); err == nil {
			t.Errorf("%s: no error", in)
		}
	}
	// UnmarshalJSON follows the client's rules (an array of one record is
	// the record), but an empty input is not JSON.
	{
		var f Faults
		if err := f.UnmarshalJSON([]byte(`[{"id":1}]`)); err != nil || *f.ID != 1 {
			t.Errorf("UnmarshalJSON of an array of one: %v", err)
		}
	}
	for _, in := range []string{``, ` `, `[{"id":1},{"id":2}]`, `1`, `"x"`} {
		var f Faults
		if err := f.UnmarshalJSON([]byte(in)); err == nil {
			t.Errorf("UnmarshalJSON(%q): no error", in)
		}
	}
	var n Faults
	if err := n.UnmarshalJSON([]byte(`null`)); err != nil || !reflect.DeepEqual(n, Faults{}) {
		t.Errorf("UnmarshalJSON(null): %v", err)
	}

	// A bare array of records.
	var list []FaultsList
	issues, err = decodeJSON([]byte(`[{"id":1},null,{"id":"x"},{}]`), modelsOut(&list))
	if err != nil || len(list) != 4 || *list[0].ID != 1 || !reflect.DeepEqual(list[1], FaultsList{}) || list[2].ID != nil ||
		string(list[2].Extra["id"]) != `"x"` || len(issues) != 1 {
		t.Errorf("modelsOut: %v %v %s", err, issues, dump(list))
	}
	for in, wantNil := range map[string]bool{``: true, `null`: true, `[]`: false, ` [ ] `: false} {
		list := []FaultsList{{}}
		if in == `` {
			list = nil
		}
		if _, err := decodeJSON([]byte(in), modelsOut(&list)); err != nil || (list == nil) != wantNil || len(list) != 0 {
			t.Errorf("modelsOut(%q): %v %#v", in, err, list)
		}
	}
	// One object where records are expected is one record (Halo answers a
	// POST of one record with the record).
	{
		var list []FaultsList
		if _, err := decodeJSON([]byte(`{"id":1}`), modelsOut(&list)); err != nil || len(list) != 1 || *list[0].ID != 1 {
			t.Errorf("modelsOut({\"id\":1}): %v %s", err, dump(list))
		}
	}
	for _, in := range []string{`[1]`, `[{"id":1},2]`, `["a"]`, `1`, `"x"`, `[{"id":1}`, `[{"id":1}]]`} {
		var list []FaultsList
		if _, err := decodeJSON([]byte(in), modelsOut(&list)); err == nil {
			t.Errorf("modelsOut(%s): no error (%s)", in, dump(list))
		}
	}

	// json.RawMessage gets the body, once it is known to be JSON.
	var raw json.RawMessage
	if _, err := decodeJSON([]byte(` {"a": [1]} `), &raw); err != nil || string(raw) != ` {"a": [1]} ` {
		t.Errorf("RawMessage: %v %q", err, raw)
	}
	body := []byte(`[1,2]`)
	if _, err := decodeJSON(body, &raw); err != nil || string(raw) != `[1,2]` {
		t.Errorf("RawMessage: %v %q", err, raw)
	}
	body[1] = '9'
	if string(raw) != `[1,2]` {
		t.Errorf("RawMessage aliases the body: %q", raw)
	}
	for _, in := range []string{`{"a":`, `<html>`, `[1,]`, `1 2`} {
		if _, err := decodeJSON([]byte(in), &raw); err == nil {
			t.Errorf("RawMessage(%q): no error", in)
		}
	}
	if _, err := decodeJSON(nil, &raw); err != nil || len(raw) != 0 {
		t.Errorf("RawMessage empty body: %v %q", err, raw)
	}

	// Anything else goes to encoding/json.
	var m map[string]int
	if _, err := decodeJSON([]byte(`{"a":1}`), &m); err != nil || m["a"] != 1 {
		t.Errorf("map: %v %v", err, m)
	}
	var ids []int
	if _, err := decodeJSON(nil, &ids); err != nil || ids != nil {
		t.Errorf("empty body into []int: %v", err)
	}
	if _, err := decodeJSON([]byte(`[1,`), &ids); err == nil {
		t.Errorf("bad JSON into []int: no error")
	}

	// The decoder does not keep references to the input.
	in := []byte(`{"summary":"abc","zz":"def","data":"QUJD"}`)
	var a Attachment
	var fa Faults
	_, _ = decodeJSON(in, &fa)
	_, _ = decodeJSON(in, &a)
	for i := range in {
		in[i] = ' '
	}
	if *fa.Summary != "abc" || string(fa.Extra["zz"]) != `"def"` || string(a.Extra["zz"]) != `"def"` {
		t.Errorf("decoded values alias the input: %q %q", *fa.Summary, fa.Extra)
	}
}

func TestCodecMarshalValue(t *testing.T) {
	var nilStr *string
	cases := []struct {
		v    any
		want string
	}{
		{"a\"b", `"a\"b"`},
		{ptr("x"), `"x"`},
		{nilStr, `null`},
		{[]int{1, 2}, `[1,2]`},
		{json.RawMessage(`{"a":1}`), `{"a":1}`},
		{&Faults{ID: ptr(1)}, `{"id":1}`},
		{map[string]int{"b": 1}, `{"b":1}`},
	}
	for _, c := range cases {
		got, err := marshalValue(c.v)
		if err != nil || string(got) != c.want {
			t.Errorf("marshalValue(%#v) = %s, %v; want %s", c.v, got, err, c.want)
		}
	}
	if _, err := marshalValue(json.RawMessage(`{`)); err == nil {
		t.Error("invalid RawMessage: no error")
	}
	// Bodies.
	if modelBody[Faults](nil) != nil || modelsBody[Faults](nil) != nil || valueBody([]int(nil)) != nil || valueBody[*string](nil) != nil {
		t.Error("nil bodies should send nothing")
	}
	ct, data, err := modelsBody([]Faults{{ID: ptr(1)}, {}}).encodeBody()
	if ct != "application/json" || string(data) != `[{"id":1},{}]` || err != nil {
		t.Errorf("modelsBody: %s %s %v", ct, data, err)
	}
	_, data, err = modelsBody([]Faults{}).encodeBody()
	if string(data) != `[]` || err != nil {
		t.Errorf("empty modelsBody: %s %v", data, err)
	}
	if _, _, err := modelsBody([]Faults{{Estimate: ptr(math.NaN())}}).encodeBody(); err == nil {
		t.Error("modelsBody with NaN: no error")
	}
	_, data, err = modelBody(&Faults{Summary: ptr("s")}).encodeBody()
	if string(data) != `{"summary":"s"}` || err != nil {
		t.Errorf("modelBody: %s %v", data, err)
	}
}

// ---- 7. nested records ----

func TestCodecNested(t *testing.T) {
	doc := `{"id":1,"summary":"s","attachments":[{"id":10,"data":"AQI=","zz":true},{"id":"11x","filename":"f"}],` +
		`"billing_address":{"line1":"1 Main"},"tags":[{"id":"x1"}]}`
	f, issues := mustDecode[Faults](t, doc)
	if len(f.Attachments) != 2 || *f.Attachments[0].ID != 10 || !bytes.Equal(f.Attachments[0].Data, []byte{1, 2}) ||
		string(f.Attachments[0].Extra["zz"]) != "true" || f.Attachments[1].ID != nil || string(f.Attachments[1].Extra["id"]) != `"11x"` ||
		*f.Attachments[1].Filename != "f" {
		t.Errorf("attachments: %s", dump(f.Attachments))
	}
	if f.BillingAddress == nil || f.Extra != nil {
		t.Errorf("billing address %s, extra %q", dump(f.BillingAddress), f.Extra)
	}
	if got := issueFields(issues); !reflect.DeepEqual(got, []string{"id", "id"}) {
		t.Errorf("issues %v", got)
	}
	if out := mustMarshal(t, f); !json.Valid(out) {
		t.Error("invalid")
	}

	// A mismatch inside a nested array fails that field only: it is kept
	// raw, exactly, in the parent's Extra; the other fields decode.
	mismatches := []struct{ field, value string }{
		{"attachments", `[{"id":1,"filename":"a"}, 2, {"id":3}]`},
		{"attachments", `[{"id":"bad"},"x"]`},
		{"attachments", `[{"id":1},[{"id":2}]]`},
		{"attachments", `{"id":1}`},
		{"attachments", `"none"`},
		{"attachments", `7`},
		{"billing_address", `[{"line1":"x"}]`},
		{"billing_address", `"1 Main St"`},
		{"billing_address", `[{"line1":{"a":[{"b":1}]}}]`},
		{"id", `{"nested":{"id":1}}`},
		{"id", `[{"id":1},{"summary":"s"}]`},
		{"summary", `{"summary":"inner"}`},
		{"dateoccurred", `{"x":"2026-01-01"}`},
		{"flagged", `[{"flagged":true}]`},
		{"estimate", `{"estimate":1}`},
	}
	for _, m := range mismatches {
		doc := `{"team":"t","` + m.field + `": ` + m.value + ` ,"client_id":42}`
		f, issues := mustDecode[Faults](t, doc)
		if f.Team == nil || *f.Team != "t" || f.ClientID == nil || *f.ClientID != 42 {
			t.Errorf("%s: neighbours lost: %s", doc, dump(f))
		}
		if got := string(f.Extra[m.field]); got != m.value || len(f.Extra) != 1 {
			t.Errorf("%s: Extra=%q, want only %s=%s", doc, f.Extra, m.field, m.value)
		}
		if len(issues) != 1 || issues[0].Field != m.field || string(issues[0].Value) != m.value {
			t.Errorf("%s: issues %v", doc, issues)
		}
		out := mustMarshal(t, f)
		g, _ := mustDecode[Faults](t, string(out))
		if !reflect.DeepEqual(f, g) {
			t.Errorf("%s: round trip via %s differs", doc, out)
		}
	}
	// The same through a nested record: the nested record keeps it.
	f, issues = mustDecode[Faults](t, `{"attachments":[{"id":{"x":1},"filename":"f"}]}`)
	if len(f.Attachments) != 1 || string(f.Attachments[0].Extra["id"]) != `{"x":1}` || *f.Attachments[0].Filename != "f" || len(issues) != 1 || issues[0].Field != "id" {
		t.Errorf("nested keep: %s %v", dump(f.Attachments), issues)
	}

	// map[string]X
	s, issues := mustDecode[FreshdeskSLA](t, `{"id":"77","sla_target":{"p1":{"respond_within":5,"zz":1},"p2":null,"p3":{"respond_within":"x"}}}`)
	if *s.ID != 77 || len(s.SLATarget) != 3 || *s.SLATarget["p1"].RespondWithin != 5 || string(s.SLATarget["p1"].Extra["zz"]) != "1" ||
		!reflect.DeepEqual(s.SLATarget["p2"], FreshdeskPriority{}) || string(s.SLATarget["p3"].Extra["respond_within"]) != `"x"` || len(issues) != 1 {
		t.Errorf("model map: %s %v", dump(s), issues)
	}
	for _, v := range []string{`{"p1":{"respond_within":5},"p2":3}`, `[{"p1":{}}]`, `{"p1":[{"respond_within":1}]}`, `{"p1":{"respond_within":"bad"},"p2":"x"}`} {
		s, issues := mustDecode[FreshdeskSLA](t, `{"sla_target":`+v+`,"name":"n"}`)
		if s.SLATarget != nil || string(s.Extra["sla_target"]) != v || *s.Name != "n" || len(issues) != 1 || issues[0].Field != "sla_target" {
			t.Errorf("model map %s: %s issues %v", v, dump(s), issues)
		}
	}

	// Deep records: codecRec nests itself.
	r, issues := mustDecode[codecRec](t, `{"sub":{"sub":{"i":"x","sub":{"s":1}},"subs":[{"b":"yes"},null],"subm":{"k":{"f":"2.5"}}},"i":3}`)
	if *r.I != 3 || string(r.Sub.Sub.Extra["i"]) != `"x"` || *r.Sub.Sub.Sub.S != "1" || *r.Sub.Subs[0].B != true || *r.Sub.SubM["k"].F != 2.5 || len(issues) != 1 {
		t.Errorf("deep: %s %v", dump(r), issues)
	}
	// An element that fails inside a discarded array reports the array
	// only, not the fields of the records thrown away with it.
	r, issues = mustDecode[codecRec](t, `{"subs":[{"i":"bad"},5],"subm":{"a":{"i":"bad"},"b":5}}`)
	if got := issueFields(issues); !reflect.DeepEqual(got, []string{"subs", "subm"}) || r.Subs != nil || r.SubM != nil {
		t.Errorf("issues %v, %s", got, dump(r))
	}
}

// Every field reader, given every kind of value, either converts it or
// keeps it raw under the right key; it never loses it or corrupts Extra.
func TestCodecEveryReaderKeepsMismatches(t *testing.T) {
	fields := []string{"s", "i", "i64", "f", "f32", "b", "t", "bin", "raw", "rm", "ss", "is", "i64s", "fs", "bs", "ts", "rs", "e", "es", "sub", "subs", "subm"}
	values := []string{`1`, `1.5`, `-0`, `"s"`, `"2026-01-01"`, `"1"`, `""`, `true`, `false`, `null`, `{}`, `[]`, `{"s":1,"i":2}`, `[{"i":1},{"s":"x"}]`,
		`[1,2]`, `["a","b"]`, `[null]`, `[[1]]`, `{"a":{"b":[{"c":1}]}}`, `[true,false]`, `["2026-01-01",null]`, `{"k":{"i":1}}`, `{"k":5}`}
	for _, fld := range fields {
		for _, v := range values {
			doc := `{"zz_before":0, "` + fld + `" : ` + v + ` , "zz_after":[{"q":1}]}`
			r, issues := mustDecode[codecRec](t, doc)
			if string(r.Extra["zz_before"]) != "0" || string(r.Extra["zz_after"]) != `[{"q":1}]` {
				t.Errorf("%s: neighbours %q", doc, r.Extra)
			}
			kept, isKept := r.Extra[fld]
			switch {
			case isKept && string(kept) != v:
				t.Errorf("%s: kept %q", doc, kept)
			case isKept && (len(issues) != 1 || issues[0].Field != fld || string(issues[0].Value) != v):
				t.Errorf("%s: issues %v", doc, issues)
			case !isKept && len(issues) > 0 && issues[0].Field == fld:
				t.Errorf("%s: issues %v but nothing kept", doc, issues)
			case len(r.Extra) != 2+btoi(isKept):
				t.Errorf("%s: Extra %q", doc, r.Extra)
			}
			// Either way, encoding gives the same meaning back.
			out := mustMarshal(t, r)
			r2, _ := mustDecode[codecRec](t, string(out))
			if !reflect.DeepEqual(r, r2) {
				t.Errorf("%s: round trip via %s: %s", doc, out, firstDiff(reflect.ValueOf(r).Elem(), reflect.ValueOf(r2).Elem(), ""))
			}
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ---- scanner ----

func TestCodecValidJSON(t *testing.T) {
	good := []string{`0`, `-0`, `1.5e-3`, `"x"`, `true`, `false`, `null`, `[]`, `{}`, ` [ 1 , { "a" : null } ] `, `"\ud800"`, "\"\xff\"",
		`{"a":1,"a":2}`, `[[[[]]]]`, `1E+2`, `"\/"`}
	for _, s := range good {
		if !validJSON([]byte(s)) || !json.Valid([]byte(s)) {
			t.Errorf("%q: validJSON %v, json.Valid %v", s, validJSON([]byte(s)), json.Valid([]byte(s)))
		}
	}
	for _, s := range append([]string{``, ` `, `1 2`, `[1]]`, `{}}`, `tru`, `-`, `01`, `1.`, `"`, `"\`, `[`, `{"a"}`, `{"a":}`, `{1:2}`}, badJSON...) {
		if json.Valid([]byte(s)) {
			continue
		}
		if validJSON([]byte(s)) {
			t.Errorf("validJSON(%q) = true", s)
		}
	}
	// The deliberate difference: raw control characters in strings.
	if !validJSON([]byte("\"a\tb\nc\x00\"")) {
		t.Error("validJSON should accept control characters in strings, as the decoder does")
	}
}

// Raw control characters, which Halo's decoder tolerates in strings, are
// escaped when a value is kept raw, so that Extra holds strict JSON and
// what is encoded is valid for encoding/json too.
func TestCodecControlCharacters(t *testing.T) {
	doc := "{\"summary\":\"a\tb\",\"zz\":{\"k\x01\":\"v\nw\"},\"id\":\"x\ty\"}"
	f, issues := mustDecode[Faults](t, doc)
	if *f.Summary != "a\tb" || len(issues) != 1 {
		t.Fatalf("%s %v", dump(f), issues)
	}
	if string(f.Extra["zz"]) != `{"k\u0001":"v\u000aw"}` || string(f.Extra["id"]) != `"x\u0009y"` {
		t.Errorf("Extra %q", f.Extra)
	}
	out := mustMarshal(t, f) // checks json.Valid
	g, _ := mustDecode[Faults](t, string(out))
	if !reflect.DeepEqual(f, g) {
		t.Errorf("round trip: %s", out)
	}
	// Values the user puts in Extra or raw fields are made valid too.
	r := codecRec{Raw: json.RawMessage("\"a\x02\""), Rs: []json.RawMessage{json.RawMessage("[\"\n\"]")}, Extra: map[string]json.RawMessage{"x": json.RawMessage("\"\x1f\\\"\t\"")}}
	out = mustMarshal(t, &r)
	if string(out) != `{"raw":"a\u0002","rs":[["\u000a"]],"x":"\u001f\"\u0009"}` {
		t.Errorf("got %s", out)
	}
	if _, err := json.Marshal(struct{ R codecRec }{r}); err != nil {
		t.Errorf("encoding/json rejects the output: %v", err)
	}
}

// Decoding into a record that already holds values: fields present in
// the input are replaced, others are kept, like encoding/json.
func TestCodecDecodeMerge(t *testing.T) {
	f := Faults{ID: ptr(1), Summary: ptr("old"), Tags: []Tag{{}}, Extra: map[string]json.RawMessage{"zz_old": json.RawMessage(`1`)}}
	if err := f.UnmarshalJSON([]byte(`{"summary":"new","team":null,"tags":null,"zz_new":2}`)); err != nil {
		t.Fatal(err)
	}
	if *f.ID != 1 || *f.Summary != "new" || f.Tags != nil || len(f.Extra) != 2 {
		t.Errorf("%s", dump(&f))
	}
}

func TestCodecParseInt(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 20000; i++ {
		v := int64(rng.Uint64()) >> rng.UintN(64)
		s := strconv.FormatInt(v, 10)
		forms := []string{s, s + ".0", s + ".000", s + "e0", s + "E+0", s + "0e-1"}
		if v != 0 {
			// move the point: 12345 -> 1.2345e4
			neg := strings.HasPrefix(s, "-")
			digits := strings.TrimPrefix(s, "-")
			m := digits[:1] + "." + digits[1:] + "e" + strconv.Itoa(len(digits)-1)
			if len(digits) == 1 {
				m = digits + "e0"
			}
			if neg {
				m = "-" + m
			}
			forms = append(forms, m)
		}
		for _, form := range forms {
			got, ok := parseInt([]byte(form), 64)
			if !ok || got != v {
				t.Fatalf("parseInt(%s) = %d, %v; want %d", form, got, ok, v)
			}
		}
		if got, ok := parseInt([]byte(s+".5"), 64); ok {
			t.Fatalf("parseInt(%s.5) = %d, want failure", s, got)
		}
		if got, ok := parseInt([]byte(s+".0000000000000000000001"), 64); ok {
			t.Fatalf("parseInt(%s.0…01) = %d, want failure", s, got)
		}
	}
	for _, bits := range []int{8, 16, 32} {
		max := int64(1)<<(bits-1) - 1
		for _, c := range []struct {
			s  string
			ok bool
		}{{strconv.FormatInt(max, 10), true}, {strconv.FormatInt(max+1, 10), false}, {strconv.FormatInt(-max-1, 10), true},
			{strconv.FormatInt(-max-2, 10), false}, {strconv.FormatInt(max, 10) + ".0", true}, {strconv.FormatInt(max+1, 10) + ".0", false}} {
			if _, ok := parseInt([]byte(c.s), bits); ok != c.ok {
				t.Errorf("parseInt(%s, %d): ok=%v", c.s, bits, ok)
			}
		}
	}
	for _, s := range []string{"1e1000000000000", "-1e99999999999999999999", "1e-99999999999999999999", "0e99999999999999999999",
		"0.000e-9999999999999999"} {
		got, ok := parseInt([]byte(s), 64)
		want := strings.HasPrefix(s, "0") // zero in any form is an integer
		if ok != want || ok && got != 0 {
			t.Errorf("parseInt(%s) = %d, %v", s, got, ok)
		}
	}
}

// Keys of Extra written in order; a test that no two runs differ.
func TestCodecEncodeDeterministic(t *testing.T) {
	f := Faults{Extra: map[string]json.RawMessage{}}
	for i := 0; i < 50; i++ {
		f.Extra["k"+strconv.Itoa(i)] = json.RawMessage(strconv.Itoa(i))
	}
	first := mustMarshal(t, &f)
	for i := 0; i < 20; i++ {
		if b := mustMarshal(t, &f); !bytes.Equal(b, first) {
			t.Fatal("encoding is not deterministic")
		}
	}
	var keys []string
	var m map[string]json.RawMessage
	_ = json.Unmarshal(first, &m)
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) != 50 {
		t.Fatal(len(keys))
	}
}

// A list inside each record of a page must not be sized from the rest of
// the page (it would keep thousands of empty slots per record).
func TestNestedListsAreNotOversized(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"record_count":500,"tickets":[`)
	for i := range 500 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"customfields":[{"id":1}]}`, i)
	}
	b.WriteString(`]}`)
	var v TicketsView
	if err := v.UnmarshalJSON([]byte(b.String())); err != nil {
		t.Fatal(err)
	}
	if len(v.Tickets) != 500 || cap(v.Tickets) > 600 {
		t.Fatalf("%d tickets, capacity %d", len(v.Tickets), cap(v.Tickets))
	}
	for _, tk := range v.Tickets {
		if len(tk.Customfields) != 1 || cap(tk.Customfields) > 4 {
			t.Fatalf("ticket %d: customfields len %d cap %d", *tk.ID, len(tk.Customfields), cap(tk.Customfields))
		}
	}
	// A typed nil record encodes as null, not a panic.
	var nilRec *Faults
	if b, err := Marshal(nilRec); err != nil || string(b) != "null" {
		t.Fatalf("Marshal(nil *Faults) = %s, %v", b, err)
	}
}

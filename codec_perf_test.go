package halopsa

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unsafe"
)

// Tests of the decoder's fast paths: each checks the assumption a path
// rests on, so that a change breaking it fails here rather than only
// slowing down (or corrupting) decoding.

// parseInt reads Halo's 21.0 without allocating, and still refuses
// fractions.
func TestParseIntDecimalsWithoutAllocating(t *testing.T) {
	for in, want := range map[string]int64{"21.0": 21, "21.00": 21, "-21.0": -21, "0.0": 0, "-0.0": 0, "7.000000000000000000000": 7, "21.0e1": 210} {
		got, ok := parseInt([]byte(in), 64)
		if !ok || got != want {
			t.Errorf("parseInt(%s) = %d, %v; want %d", in, got, ok, want)
		}
		b := []byte(in)
		if n := testing.AllocsPerRun(100, func() { parseInt(b, 64) }); n != 0 {
			t.Errorf("parseInt(%s) allocates %v times", in, n)
		}
	}
	for _, in := range []string{"21.01", "21.5", "0.1", "21.0000000001"} {
		if got, ok := parseInt([]byte(in), 64); ok {
			t.Errorf("parseInt(%s) = %d, want a refusal", in, got)
		}
	}
}

// Undeclared fields' names and values live in the decoder's arena: a
// value must be usable as any json.RawMessage (appended to, written into)
// without changing another value or a string of the record.
func TestExtraValuesShareNoBytes(t *testing.T) {
	doc := `{"zz":1,"summary":"abc","yy":"q","details":"def","xx":"a` + "\x01" + `b","ww":[1,{"v":null}]}`
	f, issues := mustDecode[Faults](t, doc)
	if len(issues) != 0 || *f.Summary != "abc" || *f.Details != "def" {
		t.Fatalf("%+v %v", f, issues)
	}
	want := map[string]string{"zz": `1`, "yy": `"q"`, "xx": `"a\u0001b"`, "ww": `[1,{"v":null}]`}
	check := func(when string) {
		t.Helper()
		for k, v := range want {
			if string(f.Extra[k]) != v {
				t.Errorf("%s: Extra[%s] = %s, want %s", when, k, f.Extra[k], v)
			}
		}
		if *f.Summary != "abc" || *f.Details != "def" {
			t.Errorf("%s: summary %q, details %q", when, *f.Summary, *f.Details)
		}
	}
	check("decoded")
	for k := range want {
		if cap(f.Extra[k]) != len(f.Extra[k]) {
			t.Errorf("Extra[%s] has room to append into: len %d, cap %d", k, len(f.Extra[k]), cap(f.Extra[k]))
		}
	}
	f.Extra["zz"] = append(f.Extra["zz"], "23456789"...)
	want["zz"] = "123456789"
	check("after an append")
	copy(f.Extra["yy"], `"Q"`)
	want["yy"] = `"Q"`
	check("after a write")

	// Many records: values and names cross arena chunks.
	var b strings.Builder
	b.WriteString(`[`)
	for i := range 300 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"cf_%d":"v%d","summary":"s%d","cf_x":{"n":%d}}`, i, i, i, i, i)
	}
	b.WriteString(`]`)
	var list []Faults
	if _, err := decodeJSON([]byte(b.String()), modelsOut(&list)); err != nil || len(list) != 300 {
		t.Fatal(err)
	}
	for i, r := range list {
		if string(r.Extra[fmt.Sprintf("cf_%d", i)]) != fmt.Sprintf(`"v%d"`, i) || string(r.Extra["cf_x"]) != fmt.Sprintf(`{"n":%d}`, i) ||
			*r.Summary != fmt.Sprintf("s%d", i) || len(r.Extra) != 2 {
			t.Fatalf("record %d: %q %s", i, *r.Summary, r.Extra)
		}
		if _, err := json.Marshal(r.Extra); err != nil {
			t.Fatal(err)
		}
	}
}

// A page's slice is sized from its records: when the first record is
// bigger than the rest, the estimate falls short and is made again from
// the records read so far, rather than doubled (which left nearly half of
// it unused, kept by the caller).
func TestPageSliceFitsItsRecords(t *testing.T) {
	for _, first := range []int{0, 200, 2000} {
		var b strings.Builder
		b.WriteString(`{"record_count":500,"tickets":[`)
		for i := range 500 {
			if i > 0 {
				b.WriteByte(',')
			}
			pad := 100 + i%7*10 // records vary a little
			if i == 0 {
				pad = first
			}
			fmt.Fprintf(&b, `{"id":%d,"summary":"%s"}`, i, strings.Repeat("x", pad))
		}
		b.WriteString(`]}`)
		var v TicketsView
		if err := v.UnmarshalJSON([]byte(b.String())); err != nil {
			t.Fatal(err)
		}
		if len(v.Tickets) != 500 || cap(v.Tickets) > 500+500/8 {
			t.Errorf("first record of %d bytes more: %d tickets, capacity %d", first, len(v.Tickets), cap(v.Tickets))
		}
	}
}

// oddNames has field names that JSON escapes: its table cannot compare
// names with the raw input (see nextField).
type oddNames struct {
	Quote *int
	Back  *int
	Plain *int
	Extra map[string]json.RawMessage
}

var dectOddNames = withFields(decTable{extra: unsafe.Offsetof(oddNames{}.Extra), size: unsafe.Sizeof(oddNames{})},
	namedField{`a"b`, nil, unsafe.Offsetof(oddNames{}.Quote), kInt},
	namedField{`a\b`, nil, unsafe.Offsetof(oddNames{}.Back), kInt},
	namedField{"plain", nil, unsafe.Offsetof(oddNames{}.Plain), kInt},
)

func (m *oddNames) decTarget() (unsafe.Pointer, *decTable) { return unsafe.Pointer(m), &dectOddNames }

// Names are compared with the raw input only when no name needs escaping:
// a raw `a\b` in JSON is "a" and a backspace, and a raw `a"b` ends the key.
func TestRawNameMatchingNeedsPlainNames(t *testing.T) {
	if !dectOddNames.escaped || dectFaults.escaped {
		t.Fatal("escaped is wrong")
	}
	var v oddNames
	if _, err := decodeJSON([]byte(`{"plain":1,"a\"b":2,"a\\b":3,"a\b":4}`), &v); err != nil {
		t.Fatal(err)
	}
	if *v.Plain != 1 || *v.Quote != 2 || *v.Back != 3 || string(v.Extra["a\b"]) != "4" || len(v.Extra) != 1 {
		t.Errorf("%+v", v)
	}
	var w oddNames
	if _, err := decodeJSON([]byte(`{"a\b":4}`), &w); err != nil || w.Back != nil || string(w.Extra["a\b"]) != "4" {
		t.Errorf(`{"a\b":4} (a backspace) decoded as %+v, %v`, w, err)
	}
	if _, err := decodeJSON([]byte(`{"a"b":1}`), &v); err == nil {
		t.Error(`{"a"b":1} decoded without a syntax error`)
	}
	// An escaped key in a plain table is unescaped and found.
	f, issues := mustDecode[Faults](t, `{"id":1,"s\u0075mmary":"x","\u0064etails":"y","zz":2}`)
	if *f.ID != 1 || *f.Summary != "x" || *f.Details != "y" || string(f.Extra["zz"]) != "2" || len(issues) != 0 {
		t.Errorf("%+v", f)
	}
}

// plainInt, the one-pass reader for plainly written integers, agrees with
// the general path (numberLen, then parseInt) on every input, and leaves
// to it everything it does not read.
func TestPlainIntAgreesWithParseInt(t *testing.T) {
	inputs := []string{"0", "-0", "01", "-01", "7", "-7", "123456789012345678", "-123456789012345678", "1234567890123456789",
		"9223372036854775807", "-9223372036854775808", "99999999999999999999", "21.0", "21.5", "2e1", "2E1", "-", "", "-a", "12abc", "0x1", "00"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		n := r.IntN(22)
		b := make([]byte, 0, n+1)
		if r.IntN(4) == 0 {
			b = append(b, '-')
		}
		for range n {
			b = append(b, "0123456789.eE-x"[r.IntN(15)])
		}
		inputs = append(inputs, string(b))
	}
	read := 0
	for _, in := range inputs {
		for _, suffix := range []string{"", ",", "}", " "} {
			data := []byte(in + suffix)
			d := decoder{data: data}
			got, ok := d.plainInt()
			if !ok {
				if d.pos != 0 {
					t.Fatalf("plainInt(%q) refused but moved to %d", data, d.pos)
				}
				continue
			}
			read++
			n := numberLen(data)
			want, wantOK := parseInt(data[:max(n, 1)], 64)
			if n == 0 || n != d.pos || !wantOK || want != got {
				t.Fatalf("plainInt(%q) = %d, read %d bytes; numberLen %d, parseInt %d, %v", data, got, d.pos, n, want, wantOK)
			}
		}
	}
	if read < 1000 {
		t.Errorf("plainInt read only %d of the inputs", read)
	}
}

// sameBytes compares two words for 8 to 16 bytes: a difference at any
// position, at every length, must show.
func TestSameBytes(t *testing.T) {
	for n := range 24 {
		s := strings.Repeat("k", n)
		if !sameBytes([]byte(s), s) {
			t.Errorf("sameBytes(%q, %q) = false", s, s)
		}
		for i := range n {
			b := []byte(s)
			b[i] = 'x'
			if sameBytes(b, s) {
				t.Errorf("sameBytes(%q, %q) = true", b, s)
			}
		}
	}
}

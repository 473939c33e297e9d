package halopsa

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets for the codec. Run one with, for example:
//
//	go test -run='^$' -fuzz=FuzzDecodeModels -fuzztime=45s .

// fuzzDocs seed the decoding targets: realistic records, lenient values,
// nesting, escapes, and the invalid documents the unit tests use.
var fuzzDocs = []string{
	`{}`,
	`null`,
	``,
	`[{"id":1}]`,
	`{"id":21,"summary":"Printer on fire","details":"It is \"really\" on fire\n\u00e9\ud83d\ude00","status_id":"2","priority_id":2.0,` +
		`"flagged":"True","onhold":0,"estimate":"1.5","dateoccurred":"2026-11-26T04:15:00","respondbydate":"2026-11-26T04:15:00.1234567Z",` +
		`"fixbydate":"2026-11-26 05:15:00+01:00","dateclosed":"1900-01-01T00:00:00","deadlinedate":"2026-11-26","team":null,"agent_id":""}`,
	`{"attachments":[{"id":1,"filename":"a.txt","data":"aGVsbG8gd29ybGQ=","datecreated":"2026-01-01T00:00:00"},null,{}],` +
		`"billing_address":{"line1":"1 Main St","id":"7"},"tags":[{"id":1,"text":"t"}],"custom_undeclared":{"a":[1,{"b":null}]}}`,
	`{"id":{"nested":{"id":1}},"summary":[{"summary":"x"}],"attachments":[{"id":1},2],"billing_address":[1]}`,
	`{"id":21.5,"flagged":"maybe","estimate":"NaN","dateoccurred":"yesterday","summary":{},"tags":"none"}`,
	`{"id":"abc","id":5,"summary":"a","summary":null}`,
	`{"id":1234567890123456789.0,"status_id":9223372036854775808,"priority_id":-0.0e5,"site_id":1e400}`,
	`{"record_count":2,"page_no":1,"page_size":50,"tickets":[{"id":1,"summary":"a"},{"id":2,"dateoccurred":"2026-11-26T04:15"}]}`,
	`{"tickets":[{"id":1},"x"],"record_count":"2"}`,
	`[{"id":1},{"id":2}]`,
	`[]`,
	"{\"summary\":\"tab\there\",\"zz\":\"nl\nhere\",\"id\":\"\x01\"}",
	"{\"summary\":\"\xff\xfe\",\"\xc3\":1}",
	`{"summary":"\ud800\udc00\ud800\u0041\udc00"}`,
	`{"sub":{"sub":{"sub":{"i":"1","ts":["2026-01-01",null]}}},"subs":[{"bin":"AQID"},null],"subm":{"k":{"f32":"1e39"}},"rm":{"a":1},"rs":[null,1]}`,
	`{"i":"21","i64":" 21 ","f":"2.1e1","f32":1.5,"b":"yes","t":"2026-11-26T04:15:00Z","bin":"AQ","raw":{"a":[]},"e":"3","es":[1,"2",3.0],"is":[1.0],"bs":[0,1,"true"],"fs":["1.5",2]}`,
}

func addFuzzDocs(f *testing.F) {
	for _, d := range fuzzDocs {
		f.Add([]byte(d))
	}
	for _, d := range badJSON {
		f.Add([]byte(d))
	}
	// Records kept raw (Lazy, LazyList) in a ticket and a device.
	f.Add([]byte(`{"olas":[{"id":1,"target":{"id":2,"name":"x","zz":[1]}}],"children":[{"id":3,"children":[null,{"id":"4"}]}],"id":5}`))
	f.Add([]byte(`{"olas":[{"target":[{"id":2}]}],"children":{"id":3}}`))
	f.Add([]byte(`{"x":` + strings.Repeat("[", 999) + strings.Repeat("]", 999) + `}`))
	// Inputs the fuzzers found, kept as regression seeds.
	for _, d := range fuzzFound {
		f.Add([]byte(d))
	}
}

// fuzzFound holds inputs that once broke a property below.
var fuzzFound = []string{
	"{\"id\":1}\x00",                // NUL after the value was taken for the end of input
	"\x00",                          // the same, alone
	`{"id":{"a":1}}`,                // a skipped object moved the field's key: Extra["a"]="1}"
	`{"summary":[{"summary":"x"}]}`, // the same through an array
	`{"dateoccurred":"2026-11-26T05:15:00+01:00"}`,     // offsets decoded to a zone that re-decoded differently
	`{"dateoccurred":"0000-01-01T00:00:00+01:00"}`,     // an offset moved the year out of range
	`{"dateoccurred":"2026-11-26T04:15:00.123456789"}`, // zone-less fractions were cut to 7 digits
	"{\"summary\":\"\xff\"}",                           // invalid UTF-8 was kept in strings
	"{\"zz\":\"\x01\"}",                                // a raw control character made the output invalid JSON
	`{"id":9007199254740993.0}`,                        // integers went through float64
	`{"attachments":[{"id":"x"},1]}`,                   // issues of discarded records were reported
	`{"0":[{"":0,"":""}]}`,                             // (test) keys repeated inside a raw value are the input's own
}

// maxNesting returns the deepest bracket nesting of valid JSON b.
func maxNesting(b []byte) int {
	depth, max, inString := 0, 0, false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			depth++
			if depth > max {
				max = depth
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return max
}

// hasControlInString reports whether b (accepted by validJSON) holds a raw
// control character inside a string: the one leniency of the scanner.
func hasControlInString(b []byte) bool {
	inString := false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case inString && c == '\\':
			i++
		case c == '"':
			inString = !inString
		case inString && c < 0x20:
			return true
		}
	}
	return false
}

// dropShadowed removes, recursively, the Extra entries that a set typed
// field shadows. They arise only from repeated keys ({"id":"x","id":5}):
// the typed value wins on encoding, so the entry does not come back.
func dropShadowed(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			dropShadowed(v.Elem())
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Struct {
			for i := 0; i < v.Len(); i++ {
				dropShadowed(v.Index(i))
			}
		}
	case reflect.Map:
		if v.Type().Elem().Kind() == reflect.Struct {
			for _, k := range v.MapKeys() {
				e := reflect.New(v.Type().Elem()).Elem()
				e.Set(v.MapIndex(k))
				dropShadowed(e)
				v.SetMapIndex(k, e)
			}
		}
	case reflect.Struct:
		if v.Type() == timeType {
			return
		}
		extra := v.FieldByName("Extra")
		for i := 0; i < v.NumField(); i++ {
			sf := v.Type().Field(i)
			if sf.Name == "Extra" {
				continue
			}
			fv := v.Field(i)
			dropShadowed(fv)
			unset := fv.IsZero() // a nil pointer, slice or map, or an absent Lazy
			if !extra.IsValid() || extra.IsNil() || unset {
				continue
			}
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			extra.SetMapIndex(reflect.ValueOf(name), reflect.Value{})
		}
		if extra.IsValid() && !extra.IsNil() && extra.Len() == 0 {
			extra.Set(reflect.Zero(extra.Type()))
		}
	}
}

// getLazies calls Get on every Lazy and LazyList in v, and on those in
// what they return: what the decoder kept raw always decodes.
func getLazies(t *testing.T, v reflect.Value, data []byte) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			getLazies(t, v.Elem(), data)
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Struct {
			for i := 0; i < v.Len(); i++ {
				getLazies(t, v.Index(i), data)
			}
		}
	case reflect.Map:
		if v.Type().Elem().Kind() == reflect.Struct {
			for _, k := range v.MapKeys() {
				getLazies(t, v.MapIndex(k), data)
			}
		}
	case reflect.Struct:
		if name := v.Type().Name(); strings.HasPrefix(name, "Lazy[") || strings.HasPrefix(name, "LazyList[") {
			out := v.MethodByName("Get").Call(nil)
			if !out[1].IsNil() {
				t.Fatalf("%s.Get: %v\ninput %q", name, out[1].Interface(), data)
			}
			getLazies(t, out[0], data)
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				getLazies(t, v.Field(i), data)
			}
		}
	}
}

// checkDecode decodes data into a fresh T and checks the codec's promises.
func checkDecode[T any, P modelPtr[T]](t *testing.T, data []byte) {
	x := new(T)
	_, err := decodeJSON(data, P(x))
	empty := len(bytes.Trim(data, " \t\r\n")) == 0
	if err != nil {
		// No false syntax errors: valid JSON holding one object (or
		// null) decodes, unless it nests deeper than the limit.
		trimmed := bytes.Trim(data, " \t\r\n")
		if json.Valid(data) && (trimmed[0] == '{' || string(trimmed) == "null") && maxNesting(data) <= maxDepth {
			t.Fatalf("valid JSON rejected: %v\n%q", err, data)
		}
		return
	}
	if !empty && !validJSON(data) {
		t.Fatalf("invalid JSON accepted: %q", data)
	}
	if !empty && !json.Valid(data) && !hasControlInString(data) {
		t.Fatalf("JSON encoding/json rejects was accepted: %q", data)
	}
	b, err := marshalModel(P(x))
	if err != nil {
		t.Fatalf("re-encoding failed: %v\ninput %q", err, data)
	}
	if !json.Valid(b) {
		t.Fatalf("re-encoding is not valid JSON: %q\ninput %q", b, data)
	}
	// Typed fields and Extra never give the same key twice (raw values
	// may repeat keys the input repeated).
	if checkNoDuplicateKeys(data) == nil {
		if err := checkNoDuplicateKeys(b); err != nil {
			t.Fatalf("re-encoding %q: %v", b, err)
		}
	}
	y := new(T)
	if _, err := decodeJSON(b, P(y)); err != nil {
		t.Fatalf("re-encoding does not decode: %v\n%q", err, b)
	}
	getLazies(t, reflect.ValueOf(x), data)
	dropShadowed(reflect.ValueOf(x))
	if !reflect.DeepEqual(x, y) {
		t.Fatalf("decode(encode(x)) != x\ninput %q\nencoded %q\ndiff %s", data, b, firstDiff(reflect.ValueOf(x).Elem(), reflect.ValueOf(y).Elem(), ""))
	}
	if b2, err := marshalModel(P(y)); err != nil || !bytes.Equal(b, b2) {
		t.Fatalf("encoding is not stable: %q then %q (%v)", b, b2, err)
	}
}

// FuzzDecodeModels decodes arbitrary bytes into big records: it must never
// panic, accept only valid JSON, and what it accepts must re-encode to
// valid JSON that decodes to the same record.
func FuzzDecodeModels(f *testing.F) {
	addFuzzDocs(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode[Faults](t, data)
		checkDecode[TicketsView](t, data)
		checkDecode[codecRec](t, data)
		checkDecode[Device](t, data)
		// A bare array of records.
		var list []FaultsList
		if _, err := decodeJSON(data, modelsOut(&list)); err == nil && list != nil {
			_, b, err := modelsBody(list).encodeBody()
			if err != nil || !json.Valid(b) {
				t.Fatalf("list re-encoding: %v %q", err, b)
			}
			var again []FaultsList
			if _, err := decodeJSON(b, modelsOut(&again)); err != nil {
				// One object taken as a list of one is written back inside
				// an array: one level deeper, which may pass the limit.
				if bytes.HasPrefix(bytes.TrimSpace(data), []byte("{")) && strings.Contains(err.Error(), "nesting too deep") {
					return
				}
				t.Fatalf("list re-decoding: %v", err)
			}
			dropShadowed(reflect.ValueOf(&list))
			if !reflect.DeepEqual(list, again) {
				t.Fatalf("list round trip differs: %q -> %q", data, b)
			}
		}
		// UnmarshalJSON agrees with decodeJSON on objects.
		var a, c Faults
		errA := a.UnmarshalJSON(data)
		_, errC := decodeJSON(data, &c)
		if trimmed := bytes.Trim(data, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '{' {
			if (errA == nil) != (errC == nil) || errA == nil && !reflect.DeepEqual(a, c) {
				t.Fatalf("UnmarshalJSON (%v) and decodeJSON (%v) disagree on %q", errA, errC, data)
			}
		}
	})
}

// FuzzParseTime: parseTime never panics, and a parsed time re-encodes and
// re-parses to the same value.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{
		"2026-11-26T04:15:00", "2026-11-26T04:15:00.1234567", "2026-11-26T04:15:00.123456789123", "2026-11-26T04:15:00Z",
		"2026-11-26T04:15:00+01:00", "2026-11-26T04:15:00-23:59", "2026-11-26 04:15:00", "2026-11-26 04:15:00.5+05:30",
		"2026-11-26T04:15", "2026-11-26", "1900-01-01T00:00:00", "0001-01-01T00:00:00Z", "0000-01-01T00:00:00+01:00",
		"9999-12-31T23:59:59-01:00", "9999-12-31T23:59:59.999999999", " 2026-11-26 ", "2026-02-29", "2024-02-29T24:00:00",
		"2026-11-26T04:15:00,5", "2026-11-26T04:15:00.Z", "2026-11-26T04:15:60", "", "x",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tm, err := parseTime(b)
		if err != nil {
			return
		}
		_ = tm.IsSet()
		if loc := tm.Location(); loc != time.UTC && loc != zonelessUTC {
			t.Fatalf("%q parsed to location %v", b, loc)
		}
		if err := tm.checkYear(); err != nil {
			t.Fatalf("%q parsed to a time that cannot be encoded: %v", b, tm.Time)
		}
		enc, err := tm.MarshalJSON()
		if err != nil || !json.Valid(enc) || !bytes.Equal(enc, tm.appendJSON(nil)) {
			t.Fatalf("%q encoded as %q, %v", b, enc, err)
		}
		var back Time
		if err := back.UnmarshalJSON(enc); err != nil {
			t.Fatalf("%q encoded as %q, which does not parse: %v", b, enc, err)
		}
		if !back.Equal(tm.Time) || back.zoneless() != tm.zoneless() || !reflect.DeepEqual(back, tm) {
			t.Fatalf("%q -> %v (zoneless %v) -> %q -> %v (zoneless %v)", b, tm.Time, tm.zoneless(), enc, back.Time, back.zoneless())
		}
		// Through a record too.
		r, _ := mustDecode[codecRec](t, `{"t":`+string(enc)+`}`)
		if r.T == nil || !reflect.DeepEqual(*r.T, tm) {
			t.Fatalf("%q through a record: %v", enc, r.T)
		}
	})
}

// FuzzAppendString: the output is always valid JSON that encoding/json
// and the codec's decoder both read back as the string, with invalid UTF-8
// replaced as encoding/json does.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "abc", `"\`, "\x00\x1f\x7f", "\u2028\u2029", "\xff", "a\xc3", "\xed\xa0\x80", "é日😀", "<>&", "\ufffd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := appendString(nil, s)
		if !json.Valid(out) {
			t.Fatalf("appendString(%q) = %q: invalid JSON", s, out)
		}
		for _, c := range out {
			if c < 0x20 {
				t.Fatalf("appendString(%q) = %q: raw control character", s, out)
			}
		}
		if bytes.Contains(out, []byte("\u2028")) || bytes.Contains(out, []byte("\u2029")) {
			t.Fatalf("appendString(%q) = %q: raw U+2028/U+2029", s, out)
		}
		var want strings.Builder
		for _, r := range s {
			want.WriteRune(r) // invalid bytes come out as U+FFFD, one each
		}
		var got string
		if err := json.Unmarshal(out, &got); err != nil || got != want.String() {
			t.Fatalf("appendString(%q) = %q, decodes to %q (%v), want %q", s, out, got, err, want.String())
		}
		d := decoder{data: out}
		ours, ok := d.readString(&d.scratch)
		if !ok || string(ours) != want.String() || d.pos != len(out) {
			t.Fatalf("appendString(%q) = %q, the codec reads %q", s, out, ours)
		}
		if !utf8.Valid(out) {
			t.Fatalf("appendString(%q) = %q: invalid UTF-8", s, out)
		}
	})
}

// FuzzValidJSON: the scanner agrees with encoding/json.Valid, but for two
// deliberate differences: it tolerates raw control characters in strings
// (Halo has been seen to send them), and it rejects nesting deeper than
// maxDepth (encoding/json allows 10000).
func FuzzValidJSON(f *testing.F) {
	addFuzzDocs(f)
	for _, s := range []string{`1`, `-0.5e+7`, `"\u0041"`, `[1,[2,[3]]]`, "\"a\tb\"", "[\"\x00\"]", `{"a":1,"a":2}`, ` true `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ours, std := validJSON(b), json.Valid(b)
		switch {
		case ours && !std:
			if !hasControlInString(b) {
				t.Fatalf("validJSON accepts %q, encoding/json does not", b)
			}
			// Once the control characters are escaped, it is valid.
			if esc := appendRaw(nil, b); !json.Valid(esc) {
				t.Fatalf("appendRaw(%q) = %q: still invalid", b, esc)
			}
		case !ours && std:
			if maxNesting(b) <= maxDepth {
				t.Fatalf("validJSON rejects %q, encoding/json accepts it", b)
			}
		}
		if ours {
			// appendRaw leaves valid JSON in UTF-8 as it is, whitespace
			// around aside, and makes everything else valid UTF-8.
			esc := appendRaw(nil, b)
			if std && utf8.Valid(b) && !bytes.Equal(esc, bytes.Trim(b, " \t\r\n")) {
				t.Fatalf("appendRaw changed valid JSON %q", b)
			}
			if !utf8.Valid(esc) || !json.Valid(esc) {
				t.Fatalf("appendRaw(%q) = %q: not valid JSON in UTF-8", b, esc)
			}
			// The decoder accepts the same documents.
			var raw json.RawMessage
			if _, err := decodeJSON(b, &raw); err != nil {
				t.Fatalf("decodeJSON(RawMessage) rejects %q: %v", b, err)
			}
		} else if len(bytes.Trim(b, " \t\r\n")) > 0 {
			var raw json.RawMessage
			if _, err := decodeJSON(b, &raw); err == nil {
				t.Fatalf("decodeJSON(RawMessage) accepts %q", b)
			}
		}
	})
}

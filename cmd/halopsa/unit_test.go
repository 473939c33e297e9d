package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/halopsa-go/halopsa"
)

func TestProject(t *testing.T) {
	rec := []byte(`{"id": 21.0, "summary": "x", "client": {"name": "Contoso", "id": 2}}`)
	got := string(project(rec, []string{"summary", "client.name", "missing", "id"}))
	if want := `{"summary":"x","client.name":"Contoso","missing":null,"id":21.0}`; got != want {
		t.Errorf("project = %s, want %s", got, want)
	}
}

func TestDefaultColumns(t *testing.T) {
	rec := []byte(`{"id": 1, "nested": {"a": 1}, "summary": "s", "list": [1], "b": true, "c": null, "d": 1, "e": 2, "f": 3, "g": 4, "h": 5}`)
	if got, want := defaultColumns(rec), []string{"id", "summary", "b", "c", "d", "e", "f", "g"}; !slices.Equal(got, want) {
		t.Errorf("defaultColumns = %v, want %v", got, want)
	}
	if got := defaultColumns([]byte(`[1]`)); got != nil {
		t.Errorf("defaultColumns of an array = %v", got)
	}
}

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		`"text"`:                            "text",
		`null`:                              "",
		`21.0`:                              "21.0",
		`{"a": [1, 2]}`:                     `{"a":[1,2]}`,
		`"two\nlines\tab"`:                  "two lines ab",
		`"` + strings.Repeat("x", 80) + `"`: strings.Repeat("x", maxCell-1) + "…",
	} {
		if got := cell(json.RawMessage(in)); got != want {
			t.Errorf("cell(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteTable(t *testing.T) {
	var b bytes.Buffer
	writeTable(&b, [][]byte{[]byte(`{"id": 1, "name": "a"}`), []byte(`{"id": 22, "name": "bb", "x": 1}`)}, nil)
	if got, want := b.String(), "ID  NAME\n1   a\n22  bb\n"; got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
	b.Reset()
	writeTable(&b, [][]byte{[]byte(`"a"`), []byte(`2`)}, nil)
	if got := b.String(); got != "a\n2\n" {
		t.Errorf("table of values: %q", got)
	}
}

func TestRecordsOf(t *testing.T) {
	for _, c := range []struct {
		in    string
		n     int
		list  bool
		count int
	}{
		{`[{"id": 1}, {"id": 2}]`, 2, true, -1},
		{`{"record_count": 5, "tickets": [{"id": 1}], "page_no": 1}`, 1, true, 5},
		{`{"record_count": "5", "tickets": []}`, 0, true, -1},
		{`{"record_count": 2, "a": [{"id": 1}], "b": [{"id": 2}]}`, 1, false, -1}, // ambiguous: one record, the whole
		{`{"id": 1, "tags": [{"x": 1}]}`, 1, false, -1},
		{`true`, 1, false, -1},
	} {
		recs, count, list := recordsOf([]byte(c.in))
		if len(recs) != c.n || list != c.list || (count == nil) != (c.count < 0) || count != nil && *count != c.count {
			t.Errorf("recordsOf(%s) = %d records, count %v, list %v", c.in, len(recs), count, list)
		}
	}
}

func TestListResult(t *testing.T) {
	marshal := func(r *json.RawMessage) ([]byte, error) { return *r, nil }
	recs := []json.RawMessage{[]byte(`{"id":1}`)}
	r, err := listResult(recs, halopsa.Ptr(9), "tickets", map[string]json.RawMessage{"page_no": []byte("1"), "a": []byte(`"x"`)}, marshal)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(r.json), `{"record_count":9,"tickets":[{"id":1}],"a":"x","page_no":1}`; got != want {
		t.Errorf("wrapper = %s, want %s", got, want)
	}
	r, _ = listResult(recs, nil, "", nil, marshal)
	if string(r.json) != `[{"id":1}]` || !r.list || len(r.records) != 1 {
		t.Errorf("bare array = %s", r.json)
	}
	r, _ = pageResult([]byte(`{"record_count":3,"tickets":[{"id":1},{"id":2}]}`), nil, "tickets")
	if len(r.records) != 2 || *r.recordCount != 3 {
		t.Errorf("pageResult: %d records, count %v", len(r.records), r.recordCount)
	}
}

func TestParseValue(t *testing.T) {
	ok := []struct {
		kind paramKind
		in   string
		want any
	}{
		{kString, "a,b", "a,b"},
		{kInt, "21", 21},
		{kInt64, "9007199254740993", int64(9007199254740993)},
		{kFloat, "1.5", 1.5},
		{kBool, "false", false},
		{kInts, "1, 2,3", []int{1, 2, 3}},
		{kStrings, "a,b", []string{"a", "b"}},
		{kTime, "2026-11-26T04:15:00", time.Date(2026, 11, 26, 4, 15, 0, 0, time.UTC)},
		{kTime, "2026-11-26", time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)},
		{kTime, "2026-11-26T05:15:00+01:00", time.Date(2026, 11, 26, 4, 15, 0, 0, time.UTC)},
	}
	for _, c := range ok {
		got, err := parseValue(c.kind, c.in, nil)
		if t1, isTime := got.(time.Time); isTime && err == nil {
			if !t1.Equal(c.want.(time.Time)) {
				t.Errorf("parseValue(%v, %q) = %v, want %v", c.kind, c.in, got, c.want)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("parseValue(%v, %q) = %#v, %v; want %#v", c.kind, c.in, got, err, c.want)
		}
	}
	for _, c := range []struct {
		kind paramKind
		in   string
	}{{kInt, "21.5"}, {kInt, ""}, {kBool, "yes please"}, {kInts, "1,,2"}, {kFloat, "x"}, {kTime, "26/11/2026"}, {kPairs, "novalue"}} {
		if _, err := parseValue(c.kind, c.in, nil); err == nil {
			t.Errorf("parseValue(%v, %q): no error", c.kind, c.in)
		}
	}
	// Repeated list flags add up; pairs group by key.
	v, _ := parseValue(kInts, "1", nil)
	v, _ = parseValue(kInts, "2,3", v)
	if !reflect.DeepEqual(v, []int{1, 2, 3}) {
		t.Errorf("repeated --x 1 --x 2,3 = %v", v)
	}
	p, _ := parseValue(kPairs, "a=1", nil)
	p, _ = parseValue(kPairs, "b=2", p)
	p, _ = parseValue(kPairs, "a=3=x", p)
	ps := p.([]pair)
	if len(ps) != 2 || *ps[0].key != "a" || !slices.Equal(ps[0].values, []string{"1", "3=x"}) || *ps[1].key != "b" {
		t.Errorf("pairs = %+v", ps)
	}
}

func TestParseRateLimit(t *testing.T) {
	for in, want := range map[string]halopsa.RateLimit{
		"300/5m": {Requests: 300, Per: 5 * time.Minute},
		"10/s":   {Requests: 10, Per: time.Second},
		"1/1h":   {Requests: 1, Per: time.Hour},
	} {
		if got, err := parseRateLimit(in); err != nil || got != want {
			t.Errorf("parseRateLimit(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"300", "0/5m", "x/5m", "300/", "300/-5m", "300/fortnight"} {
		if _, err := parseRateLimit(in); err == nil {
			t.Errorf("parseRateLimit(%q): no error", in)
		}
	}
}

func TestErrorsFormatOf(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"tickets", "--errors", "json"}, "json"},
		{[]string{"--errors=json", "x"}, "json"},
		{[]string{"tickets", "get"}, "text"},
		{[]string{"api", "--", "--errors", "json"}, "text"},
	} {
		if got := errorsFormatOf(c.args); got != c.want {
			t.Errorf("errorsFormatOf(%v) = %q", c.args, got)
		}
	}
}

func TestBodyRecords(t *testing.T) {
	op := findOp("Tickets.PostTickets")
	a := newArgs(op)
	a.body = []byte(` {"summary": "one", "undeclared_field": 1}`)
	var recs []halopsa.Faults
	bodyRecordsOf(a, &recs)
	if a.err != nil || len(recs) != 1 || *recs[0].Summary != "one" || recs[0].Extra["undeclared_field"] == nil {
		t.Errorf("one object: %v, %+v", a.err, recs)
	}
	a = newArgs(op)
	a.body = []byte(`[{"summary": 1}, "x"]`)
	recs = nil
	bodyRecordsOf(a, &recs)
	var in *inputError
	if a.err != nil && !errors.As(a.err, &in) {
		t.Errorf("a bad body is not an input error: %v", a.err)
	}
}

func TestPrinterEmptyList(t *testing.T) {
	var b bytes.Buffer
	a := &app{env: &env{stdout: &b}}
	p := a.newPrinter(outJSON)
	p.stream = true
	p.close()
	if b.String() != "[]\n" {
		t.Errorf("empty list as json: %q", b.String())
	}
}

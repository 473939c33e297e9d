package halopsa

import (
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestListDecodesEveryShape: List finds the records whatever the wrapper's
// key, takes a bare array, keeps the wrapper's other fields and what does
// not fit, and refuses to guess between two arrays of records.
func TestListDecodesEveryShape(t *testing.T) {
	for _, c := range []struct {
		name, in      string
		ids           string // the records' ids, "" for none
		count         string // RecordCount, "nil" when unset
		key           string
		extra         string // Extra's keys, sorted, joined by ","
		records, fail bool
	}{
		{name: "wrapper", in: `{"record_count":2,"appointments":[{"id":1},{"id":2.0}],"page_no":1}`, ids: "1,2", count: "2", key: "appointments", extra: "page_no"},
		{name: "any key", in: `{"record_count":"1","whatever_halo_calls_it":[{"id":"7"}]}`, ids: "7", count: "1", key: "whatever_halo_calls_it"},
		{name: "bare array", in: `[{"id":3},null,{"id":4}]`, ids: "3,0,4", count: "nil"},
		{name: "empty wrapper", in: `{"record_count":0,"things":[]}`, count: "0", key: "things"},
		{name: "arrays of scalars stay in Extra", in: `{"record_count":1,"columns":["a","b"],"rows":[{"id":9}]}`, ids: "9", count: "1", key: "rows", extra: "columns"},
		{name: "only an array of scalars", in: `{"record_count":2,"ids":[1,2]}`, count: "2", extra: "ids"},
		{name: "array of objects then scalars", in: `{"recs":[{"id":1},5]}`, count: "nil", extra: "recs"},
		{name: "record_count that does not fit", in: `{"record_count":"many","r":[{"id":1}]}`, ids: "1", count: "nil", key: "r", extra: "record_count"},
		{name: "null", in: `null`, count: "nil"},
		{name: "empty body", in: ``, count: "nil"},
		{name: "two arrays of records", in: `{"record_count":2,"a":[{"id":1}],"b":[{"id":2}]}`, fail: true},
		{name: "no records beside other objects", in: `{"record_count":0,"columns":[{"id":7,"name":"Summary"}],"appointments":[]}`, count: "0", extra: "appointments,columns"},
		{name: "a repeated key: the last wins", in: `{"r":[{"id":1}],"r":[{"id":2}],"page_no":[{"id":9}],"page_no":1}`, ids: "2", count: "nil", key: "r", extra: "page_no"},
		{name: "a scalar", in: `42`, fail: true},
		{name: "truncated", in: `{"record_count":2,"a":[{"id":1}`, fail: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var l List[Record]
			_, err := decodeJSON([]byte(c.in), &l)
			if c.fail {
				if err == nil {
					t.Fatalf("decoded %+v, want an error", l)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range l.Records {
				ids = append(ids, strconv.Itoa(r.GetID()))
			}
			count := "nil"
			if l.RecordCount != nil {
				count = strconv.Itoa(*l.RecordCount)
			}
			var extra []string
			for k := range l.Extra {
				extra = append(extra, k)
			}
			sort.Strings(extra)
			if got := strings.Join(ids, ","); got != c.ids || count != c.count || l.Key != c.key || strings.Join(extra, ",") != c.extra {
				t.Fatalf("ids %q count %s key %q extra %v; want %q %s %q %q", got, count, l.Key, extra, c.ids, c.count, c.key, c.extra)
			}
		})
	}
	// The ambiguous wrapper names its arrays.
	var l List[Record]
	_, err := decodeJSON([]byte(`{"a":[{"id":1}],"b":[{"id":2}]}`), &l)
	var lse *ListShapeError
	if !errors.As(err, &lse) || strings.Join(lse.Keys, ",") != "a,b" || !strings.Contains(err.Error(), "several arrays of records (a, b)") {
		t.Fatalf("err = %v", err)
	}
	// Fields a record's type lacks land in its Extra.
	if _, err := decodeJSON([]byte(`{"r":[{"id":1,"colour":"red"}]}`), &l); err != nil || string(l.Records[0].Extra["colour"]) != `"red"` {
		t.Fatalf("%+v %v", l, err)
	}
	// encoding/json uses the same rules.
	if err := json.Unmarshal([]byte(`{"items":[{"id":5}]}`), &l); err != nil || len(l.Records) != 1 || l.Records[0].GetID() != 5 || l.Key != "items" {
		t.Fatalf("%+v %v", l, err)
	}
}

// FuzzDecodeList: any input decodes or fails cleanly, never panics; the
// records of a decoded list encode to valid JSON, and the array that held
// them is not also kept in Extra.
func FuzzDecodeList(f *testing.F) {
	for _, s := range []string{
		`{"record_count":2,"appointments":[{"id":1},{"id":2.0}],"page_no":1}`,
		`[{"id":3},null,{"id":"4"}]`, `{"a":[{"id":1}],"b":[]}`, `{"ids":[1,2]}`, `null`, ``,
		`{"record_count":"x","r":[{"id":1,"x":[{"y":{}}]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var l List[Record]
		if _, err := decodeJSON(data, &l); err != nil {
			return
		}
		for i := range l.Records {
			b, err := Marshal(&l.Records[i])
			if err != nil || !json.Valid(b) {
				t.Fatalf("record %d encodes to %q, %v", i, b, err)
			}
		}
		if l.Key != "" {
			if _, dup := l.Extra[l.Key]; dup {
				t.Fatalf("records key %q also in Extra", l.Key)
			}
		}
	})
}

package main

// The types of the generated table (ops_gen.go) and the helpers its
// functions call. This file imports only the standard library and the
// library itself: the generator's tests compile it with tables generated
// from their fixtures.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/halopsa-go/halopsa"
)

// paramKind is the type of a parameter's value.
type paramKind uint8

// The parameter kinds, and the Go type each holds in args.values.
const (
	kString  paramKind = iota // string
	kInt                      // int
	kInt64                    // int64
	kFloat                    // float64
	kBool                     // bool
	kTime                     // time.Time
	kInts                     // []int
	kStrings                  // []string
	kFile                     // halopsa.File (a multipart file part)
	kPairs                    // []pair (multipart key/values fields)
)

// kindNames name the kinds in help, errors and MCP descriptions.
var kindNames = [...]string{
	kString: "string", kInt: "int", kInt64: "int64", kFloat: "number", kBool: "bool",
	kTime: "time", kInts: "ints", kStrings: "strings", kFile: "file", kPairs: "key=value",
}

func (k paramKind) String() string { return kindNames[k] }

// paramIn is where a parameter is sent.
type paramIn uint8

// Where parameters go.
const (
	inPath paramIn = iota
	inQuery
	inForm
)

func (in paramIn) String() string { return [...]string{"path", "query", "form"}[in] }

// param is one flag of an operation.
type param struct {
	flag     string // the flag's name, without "--"
	wire     string // the name Halo knows
	field    string // the field of the library's params struct
	in       paramIn
	kind     paramKind
	required bool
	doc      string
}

// bodyKind is the kind of request body an operation takes.
type bodyKind uint8

// The body kinds.
const (
	bodyNone    bodyKind = iota
	bodyJSON             // a JSON value, from --body
	bodyRecords          // a JSON array of records, from --body; one object is a list of one
	bodyForm             // multipart form fields, from their own flags
)

// paging holds the indexes in params of a paged list's pageinate, page_no
// and page_size parameters (-1 for one the operation lacks).
type paging struct{ pageinate, pageNo, pageSize int }

// operation is one operation of the API, as the CLI and the MCP server
// see it.
type operation struct {
	name           string // command name: get-by-id
	goName         string // library method: GetTicketsByID
	method, path   string
	summary, doc   string
	params         []param
	paging         *paging // set for lists that take pageinate, page_no and page_size
	body           bodyKind
	bodyType       func() reflect.Type // the Go type of the params' Body
	resultType     func() reflect.Type // the Go type the method returns
	recordsKey     string              // for a list wrapper: the key its records are under
	call           func(ctx context.Context, c *halopsa.Client, a *args) (*result, error)
	listName       string // command name of the iterator over every page ("list"), if any
	all            func(ctx context.Context, c *halopsa.Client, a *args, emit func([]byte) error) error
	sectionField   string // set at start-up (see indexOps)
	sectionCommand string
}

// section is one section of the API: a command holding its operations.
type section struct {
	name  string // command name: client-contract
	field string // Client field: ClientContract
	wire  string // first path segment: ClientContract
	ops   []operation
}

// fullName names an operation as the MCP server does: "Tickets.GetTicketsByID".
func (op *operation) fullName() string { return op.sectionField + "." + op.goName }

// writes reports whether the operation changes data in Halo.
func (op *operation) writes() bool { return op.method != "GET" }

// indexOps fills the operations' back references to their sections.
func indexOps() {
	for i := range sections {
		s := &sections[i]
		for j := range s.ops {
			s.ops[j].sectionField, s.ops[j].sectionCommand = s.field, s.name
		}
	}
}

// allOps lists every operation, in table order.
func allOps() []*operation {
	var out []*operation
	for i := range sections {
		for j := range sections[i].ops {
			out = append(out, &sections[i].ops[j])
		}
	}
	return out
}

// findOp finds an operation by its full name ("Tickets.GetTicketsByID"),
// exactly, else ignoring case.
func findOp(name string) *operation {
	var fold *operation
	for _, op := range allOps() {
		full := op.fullName()
		if full == name {
			return op
		}
		if fold == nil && strings.EqualFold(full, name) {
			fold = op
		}
	}
	return fold
}

// paramIndex finds a parameter by its wire name, else its flag name.
func paramIndex(op *operation, name string) int {
	for i, p := range op.params {
		if p.wire == name {
			return i
		}
	}
	for i, p := range op.params {
		if p.flag == name || strings.EqualFold(p.wire, name) {
			return i
		}
	}
	return -1
}

// args holds the values given for one call of an operation.
type args struct {
	op     *operation
	values []any  // by index in op.params; nil when not given
	body   []byte // the JSON body; nil when not given
	err    error  // the first problem found while filling the params
}

func newArgs(op *operation) *args {
	return &args{op: op, values: make([]any, len(op.params))}
}

// inputError is a problem with what the user gave (exit code 2).
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

func inputErrorf(format string, a ...any) error {
	return &inputError{fmt.Sprintf(format, a...)}
}

func (a *args) fail(err error) {
	if a.err == nil {
		a.err = err
	}
}

// missing names the first required parameter without a value.
func (a *args) missing() *param {
	for i := range a.op.params {
		if p := &a.op.params[i]; p.required && a.values[i] == nil {
			return p
		}
	}
	return nil
}

// value returns parameter i's value as a T. A value of another type means
// the table and the library disagree, which a test rules out; it is
// reported, not dropped.
func value[T any](a *args, i int) (T, bool) {
	var zero T
	v := a.values[i]
	if v == nil {
		return zero, false
	}
	t, ok := v.(T)
	if !ok {
		a.fail(fmt.Errorf("internal error: parameter %s holds a %T; the library takes a %T", a.op.params[i].wire, v, zero))
		return zero, false
	}
	return t, true
}

// opt sets an optional parameter (a pointer field).
func opt[T any](a *args, i int, dst **T) {
	if v, ok := value[T](a, i); ok {
		*dst = &v
	}
}

// req sets a required parameter (a plain field).
func req[T any](a *args, i int, dst *T) {
	if v, ok := value[T](a, i); ok {
		*dst = v
	}
}

// list sets a list parameter.
func list[T any](a *args, i int, dst *[]T) {
	if v, ok := value[[]T](a, i); ok {
		*dst = v
	}
}

// pair is one key of a multipart key/values field.
type pair struct {
	key    *string
	values []string
}

// pairs returns the key/values of a kPairs parameter.
func pairs(a *args, i int) []pair {
	v, _ := value[[]pair](a, i)
	return v
}

// formGiven reports whether any multipart field was given.
func (a *args) formGiven() bool {
	for i, p := range a.op.params {
		if p.in == inForm && a.values[i] != nil {
			return true
		}
	}
	return false
}

// bodyOf decodes the JSON body into the params' Body (models decode
// tolerantly, keeping fields they do not declare).
func bodyOf[T any](a *args, dst *T) {
	if a.body == nil {
		return
	}
	if err := json.Unmarshal(a.body, dst); err != nil {
		a.fail(inputErrorf("--body: %v", err))
	}
}

// bodyRecordsOf decodes a body of records: a JSON array, or one object,
// taken as a list of one.
func bodyRecordsOf[T any](a *args, dst *[]T) {
	if a.body == nil {
		return
	}
	if b := bytes.TrimSpace(a.body); len(b) > 0 && b[0] == '{' {
		var one T
		if err := json.Unmarshal(b, &one); err != nil {
			a.fail(inputErrorf("--body: %v", err))
			return
		}
		*dst = []T{one}
		return
	}
	if err := json.Unmarshal(a.body, dst); err != nil {
		a.fail(inputErrorf("--body: %v (a JSON array of records, or one object)", err))
	}
}

// result is an operation's answer, as JSON.
type result struct {
	json []byte // the whole answer: everything Halo sent (nil for no body)
	// records are the answer's records: a list's records (list is set), or
	// the answer itself as one record.
	records     [][]byte
	list        bool
	recordCount *int // Halo's record_count, when it sent one
	// binary is a binary answer, as received (isBinary is set).
	binary   []byte
	isBinary bool
}

// recordResult is a result of one record.
func recordResult(js []byte, err error) (*result, error) {
	if err != nil {
		return nil, err
	}
	return &result{json: js, records: [][]byte{js}}, nil
}

// pageResult is a list wrapper whose records are under key.
func pageResult(js []byte, err error, key string) (*result, error) {
	if err != nil {
		return nil, err
	}
	r := &result{json: js, list: true}
	var wrapper map[string]json.RawMessage
	if err := json.Unmarshal(js, &wrapper); err != nil {
		return nil, fmt.Errorf("list wrapper: %w", err)
	}
	if raw, ok := wrapper[key]; ok && string(raw) != "null" {
		var recs []json.RawMessage
		if err := json.Unmarshal(raw, &recs); err != nil {
			return nil, fmt.Errorf("list wrapper: records under %q: %w", key, err)
		}
		r.records = rawSlices(recs)
	}
	if raw, ok := wrapper["record_count"]; ok {
		var n int
		if json.Unmarshal(raw, &n) == nil {
			r.recordCount = &n
		}
	}
	return r, nil
}

// recordsResult is a bare list of records.
func recordsResult[T any](s []T, marshal func(*T) ([]byte, error)) (*result, error) {
	r := &result{list: true, records: make([][]byte, 0, len(s))}
	for i := range s {
		js, err := marshal(&s[i])
		if err != nil {
			return nil, err
		}
		r.records = append(r.records, js)
	}
	r.json = joinArray(r.records)
	return r, nil
}

// listResult is a list whose wrapper was found by its shape (a
// halopsa.List): the JSON is the wrapper as Halo sent it, records under
// their key, the other fields from Extra; a bare array stays an array.
func listResult[T any](recs []T, count *int, key string, extra map[string]json.RawMessage, marshal func(*T) ([]byte, error)) (*result, error) {
	r, err := recordsResult(recs, marshal)
	if err != nil {
		return nil, err
	}
	r.recordCount = count
	if key == "" && count == nil && len(extra) == 0 {
		return r, nil // a bare array
	}
	var b bytes.Buffer
	b.WriteByte('{')
	field := func(k string, v []byte) {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		kj, _ := json.Marshal(k)
		b.Write(kj)
		b.WriteByte(':')
		b.Write(v)
	}
	if count != nil {
		field("record_count", fmt.Appendf(nil, "%d", *count))
	}
	if key != "" { // "" only when no records came
		field(key, r.json)
	}
	keys := make([]string, 0, len(extra))
	for k := range extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		field(k, extra[k])
	}
	b.WriteByte('}')
	r.json = b.Bytes()
	return r, nil
}

// rawResult is an answer the spec does not type: its records are found by
// its shape (see recordsOf).
func rawResult(raw json.RawMessage) *result {
	r := &result{json: raw}
	if len(bytes.TrimSpace(raw)) == 0 {
		return r
	}
	r.records, r.recordCount, r.list = recordsOf(raw)
	return r
}

// recordsOf finds the records of an untyped answer: the elements of an
// array, or of the one array of objects in an object with record_count;
// anything else is one record.
func recordsOf(raw []byte) (records [][]byte, count *int, list bool) {
	b := bytes.TrimSpace(raw)
	switch {
	case len(b) > 0 && b[0] == '[':
		var recs []json.RawMessage
		if json.Unmarshal(b, &recs) == nil {
			return rawSlices(recs), nil, true
		}
	case len(b) > 0 && b[0] == '{':
		var obj map[string]json.RawMessage
		if json.Unmarshal(b, &obj) != nil {
			break
		}
		rc, ok := obj["record_count"]
		if !ok {
			break
		}
		var found []json.RawMessage
		arrays := 0
		for _, v := range obj {
			var recs []json.RawMessage
			if bytes.HasPrefix(bytes.TrimSpace(v), []byte("[")) && json.Unmarshal(v, &recs) == nil &&
				(len(recs) == 0 || bytes.HasPrefix(bytes.TrimSpace(recs[0]), []byte("{"))) {
				arrays++
				found = recs
			}
		}
		if arrays != 1 {
			break
		}
		var n int
		if json.Unmarshal(rc, &n) == nil {
			count = &n
		}
		return rawSlices(found), count, true
	}
	return [][]byte{raw}, nil, false
}

// binaryResult is a binary answer.
func binaryResult(b []byte) *result { return &result{binary: b, isBinary: true} }

// each walks a paging iterator, handing every record's JSON to emit.
func each[T any](seq iter.Seq2[T, error], marshal func(*T) ([]byte, error), emit func([]byte) error) error {
	for rec, err := range seq {
		if err != nil {
			return err
		}
		js, err := marshal(&rec)
		if err != nil {
			return err
		}
		if err := emit(js); err != nil {
			return err
		}
	}
	return nil
}

// rawRecord is the JSON of an untyped record.
func rawRecord(r *json.RawMessage) ([]byte, error) { return *r, nil }

func rawSlices(recs []json.RawMessage) [][]byte {
	out := make([][]byte, len(recs))
	for i, r := range recs {
		out[i] = r
	}
	return out
}

func joinArray(recs [][]byte) []byte {
	return append(append([]byte{'['}, bytes.Join(recs, []byte{','})...), ']')
}

// timeLayouts are the forms a time parameter takes: RFC 3339, and Halo's
// own zone-less form and plain dates, both meaning UTC.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"}

func parseTime(s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a time: want RFC 3339 (2026-11-26T04:15:00Z), 2026-11-26T04:15:00 (UTC) or 2026-11-26")
}

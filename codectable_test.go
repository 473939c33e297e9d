package halopsa

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"
	"unsafe"
)

// TestCodecTablesMatchStructs is the safety net under the codec's unsafe
// reads and writes: for every generated model (allModels, generated) it
// checks, with reflect, that each entry of its decode and encode tables
// names a real field at that offset, with that JSON name, and of the Go
// type its kind stands for (kindGoTypes, generated from the generator's
// kind registry); that nested records point at their own type's tables;
// and that every field but Extra is in the tables exactly once.
func TestCodecTablesMatchStructs(t *testing.T) {
	if len(allModels) < 100 {
		t.Fatalf("allModels holds %d models", len(allModels))
	}
	for _, p := range codecTableProblems(t, allModels) {
		t.Error(p)
	}
}

// codecTableProblems checks the tables of models (nil pointers of model
// types) and describes what is wrong.
func codecTableProblems(t *testing.T, models []any) []string {
	var problems []string
	errorf := func(f string, a ...any) { problems = append(problems, fmt.Sprintf(f, a...)) }
	tables := map[*decTable]reflect.Type{}
	byName := map[string]reflect.Type{}
	for _, m := range models {
		rt := reflect.TypeOf(m).Elem()
		_, dt := reflect.New(rt).Interface().(decodable).decTarget()
		tables[dt] = rt
		byName[rt.Name()] = rt
	}
	decOf := func(rt reflect.Type) *decTable {
		_, dt := reflect.New(rt).Interface().(decodable).decTarget()
		return dt
	}
	encOf := func(rt reflect.Type) *encTable {
		_, et := reflect.New(rt).Interface().(encodable).encTarget()
		return et
	}
	rawMsg := reflect.TypeFor[json.RawMessage]()
	// record checks that rt is a generated record whose tables dt and et
	// are, and returns its name.
	record := func(rt reflect.Type, dt *decTable, et *encTable) (string, bool) {
		if rt.Kind() != reflect.Struct || tables[decOf(rt)] != rt {
			return "", false
		}
		if dt != nil && dt.resolve() != decOf(rt) || et != nil && et.resolve() != encOf(rt) {
			return "", false
		}
		return rt.Name(), true
	}
	// matches reports whether a field of Go type ft fits the kind's type
	// pattern; sub and esub are the entry's nested tables.
	var matches func(pattern string, ft reflect.Type, sub *decTable, esub *encTable) bool
	matches = func(pattern string, ft reflect.Type, sub *decTable, esub *encTable) bool {
		switch {
		case strings.HasPrefix(pattern, "*"):
			return ft.Kind() == reflect.Pointer && matches(pattern[1:], ft.Elem(), sub, esub)
		case strings.HasPrefix(pattern, "[]") && pattern != "[]byte":
			return ft.Kind() == reflect.Slice && ft != rawMsg && matches(pattern[2:], ft.Elem(), sub, esub)
		case strings.HasPrefix(pattern, "map[string]"):
			return ft.Kind() == reflect.Map && ft.Key().Kind() == reflect.String && matches(pattern[len("map[string]"):], ft.Elem(), sub, esub)
		case pattern == "T":
			_, ok := record(ft, sub, esub)
			return ok
		case pattern == "Lazy[T]", pattern == "LazyList[T]":
			// A Lazy holds raw JSON and no tables; its type argument must
			// be a generated record.
			name, _ := strings.CutSuffix(pattern, "[T]")
			arg, ok := strings.CutPrefix(ft.Name(), name+"[")
			if !ok || sub != nil || esub != nil || ft.Size() != rawMsg.Size() {
				return false
			}
			arg = strings.TrimSuffix(arg[strings.LastIndex(arg, ".")+1:], "]")
			_, ok = record(byName[arg], nil, nil)
			return ok && byName[arg] != nil
		case pattern == "Time":
			return ft == reflect.TypeFor[Time]()
		case pattern == "json.RawMessage":
			return ft == rawMsg
		case pattern == "[]byte":
			return ft == reflect.TypeFor[[]byte]()
		}
		kinds := map[string]reflect.Kind{"string": reflect.String, "int": reflect.Int, "int64": reflect.Int64,
			"float64": reflect.Float64, "float32": reflect.Float32, "bool": reflect.Bool}
		k, ok := kinds[pattern]
		if !ok {
			t.Fatalf("kindGoTypes has a pattern this test does not know: %q", pattern)
		}
		return ft.Kind() == k && ft != rawMsg
	}

	for _, m := range models {
		rt := reflect.TypeOf(m).Elem()
		dt, et := decOf(rt), encOf(rt)
		if dt.size != rt.Size() || et.size != rt.Size() {
			errorf("%s: tables say size %d/%d, the struct is %d", rt.Name(), dt.size, et.size, rt.Size())
		}
		extra, ok := rt.FieldByName("Extra")
		if !ok || extra.Type != reflect.TypeFor[map[string]json.RawMessage]() || dt.extra != extra.Offset || et.extra != extra.Offset {
			errorf("%s: Extra is not where the tables say", rt.Name())
		}
		if len(dt.fields) != len(et.fields) || len(dt.sorted) != len(dt.fields) {
			errorf("%s: %d decode fields, %d encode fields, %d sorted", rt.Name(), len(dt.fields), len(et.fields), len(dt.sorted))
			continue
		}
		byOff := map[uintptr]reflect.StructField{}
		for i := range rt.NumField() {
			f := rt.Field(i)
			if f.Name != "Extra" {
				byOff[f.Offset] = f
			}
		}
		seen := map[uintptr]bool{}
		for i, df := range dt.fields {
			ef := et.fields[i]
			sf, ok := byOff[uintptr(df.off)]
			name := dt.name(i)
			switch {
			case !ok:
				errorf("%s: table entry %q at offset %d is no field", rt.Name(), name, df.off)
				continue
			case seen[sf.Offset]:
				errorf("%s.%s: in the table twice", rt.Name(), sf.Name)
			case ef.off != uint32(df.off) || ef.kind != df.kind:
				errorf("%s.%s: decode and encode entries differ", rt.Name(), sf.Name)
			}
			seen[sf.Offset] = true
			wire, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name != wire {
				errorf("%s.%s: table name %q, JSON tag %q", rt.Name(), sf.Name, name, wire)
			}
			var key map[string]int
			if json.Unmarshal([]byte("{"+ef.key+"0}"), &key) != nil || len(key) != 1 {
				errorf("%s.%s: encode key %s is not %q", rt.Name(), sf.Name, ef.key, wire)
			} else if _, ok := key[wire]; !ok {
				errorf("%s.%s: encode key %s is not %q", rt.Name(), sf.Name, ef.key, wire)
			}
			if int(df.kind) >= len(kindGoTypes) {
				errorf("%s.%s: kind %d out of range", rt.Name(), sf.Name, df.kind)
				continue
			}
			if kindSliceShaped[df.kind] != (sf.Type.Size() == unsafe.Sizeof(sliceHeader{})) {
				errorf("%s.%s: kind %d's shape (slice header or not) does not fit its Go type %s", rt.Name(), sf.Name, df.kind, sf.Type)
			}
			if pattern := kindGoTypes[df.kind]; !matches(pattern, sf.Type, df.sub, ef.sub) {
				errorf("%s.%s: kind %d (%s) does not fit its Go type %s", rt.Name(), sf.Name, df.kind, pattern, sf.Type)
			}
		}
		if len(seen) != len(byOff) {
			for off, f := range byOff {
				if !seen[off] {
					errorf("%s.%s: not in the tables", rt.Name(), f.Name)
				}
			}
		}
		if !sort.SliceIsSorted(dt.sorted, func(i, j int) bool {
			return dt.name(int(dt.sorted[i])) < dt.name(int(dt.sorted[j]))
		}) {
			errorf("%s: sorted index not sorted", rt.Name())
		}
	}
	return problems
}

// badRec is a model with deliberately wrong tables, to show that the check
// above fails where it should.
type badRec struct {
	A     *string `json:"a,omitempty"`
	B     *int    `json:"b,omitempty"`
	C     *string `json:"c,omitempty"`
	Extra map[string]json.RawMessage
}

var (
	dectBadRec = withFields(decTable{extra: unsafe.Offsetof(badRec{}.Extra), size: unsafe.Sizeof(badRec{})},
		namedField{"a", nil, unsafe.Offsetof(badRec{}.A), kStr},
		namedField{"b", nil, unsafe.Offsetof(badRec{}.B), kStr}, // wrong kind
		namedField{"x", nil, unsafe.Offsetof(badRec{}.C), kStr}, // wrong name
	)
	enctBadRec = encTable{extra: unsafe.Offsetof(badRec{}.Extra), size: unsafe.Sizeof(badRec{}), fields: []encField{
		{`"a":`, nil, uint32(unsafe.Offsetof(badRec{}.A)), kStr},
		{`"b":`, nil, uint32(unsafe.Offsetof(badRec{}.B)), kStr},
		{`"c":`, nil, uint32(unsafe.Offsetof(badRec{}.C)), kStr},
	}}
)

func (m *badRec) decTarget() (unsafe.Pointer, *decTable) { return unsafe.Pointer(m), &dectBadRec }
func (m *badRec) encTarget() (unsafe.Pointer, *encTable) { return unsafe.Pointer(m), &enctBadRec }

func TestCodecTableCheckFailsOnABadEntry(t *testing.T) {
	got := strings.Join(codecTableProblems(t, []any{(*badRec)(nil)}), "\n")
	for _, want := range []string{"badRec.B: kind 0 (*string) does not fit its Go type *int", "badRec.C: table name \"x\""} {
		if !strings.Contains(got, want) {
			t.Errorf("the check did not report %q; it said:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\n") + 1; n != 2 {
		t.Errorf("%d problems, want 2:\n%s", n, got)
	}
}

// namedField is a decode table entry as a test writes it: with its name.
type namedField struct {
	name string
	sub  *decTable
	off  uintptr
	kind uint8
}

// withFields fills t's names, fields and sorted index from fields, as the
// generator lays them out, for the tables tests write by hand.
func withFields(t decTable, fields ...namedField) decTable {
	var names strings.Builder
	for _, f := range fields {
		t.fields = append(t.fields, decField{sub: f.sub, name: uint32(names.Len()), off: uint16(f.off), nameLen: uint8(len(f.name)), kind: f.kind})
		names.WriteString(f.name)
		t.escaped = t.escaped || strings.ContainsAny(f.name, "\"\\") || !utf8.ValidString(f.name)
		t.sorted = append(t.sorted, uint16(len(t.sorted)))
	}
	t.names = names.String()
	sort.SliceStable(t.sorted, func(i, j int) bool { return fields[t.sorted[i]].name < fields[t.sorted[j]].name })
	return t
}

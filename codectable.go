package halopsa

import (
	"encoding/binary"
	"encoding/json"
	"sort"
	"unsafe"
)

// Generated models describe their fields in static tables (in each
// section's generated file) which one decode loop and one encode loop below
// interpret: an offset into the struct and a kind per field. Tables instead of a generated switch per
// type keep the package quick to compile and its binaries small, and the
// loops are as fast (a field is found by checking the one after the last
// match first, since Halo sends fields in the same order every time).
//
// Decoding and encoding have separate tables so that a program that only
// reads links no encoders.

// A field's kind names the Go type at its offset. The kinds are generated
// (kinds_gen.go) from the generator's registry, internal/gen/kinds.go;
// TestCodecTablesMatchStructs checks every generated table against its
// struct with reflect.

// decField is one field of a decode table.
//
// A field's name is a slice of its table's names (name, nameLen): 16 bytes
// a field instead of 32 with a string of its own. The tables of every
// record a program decodes are in its binary, and this halves them
// (bench/run's binary row). The generated tables convert constants, so a
// struct too big for off or a name too long for nameLen fails to compile.
type decField struct {
	sub     *decTable // the nested record's table, for kOne, kMany, kPage, kRecMap
	name    uint32    // where the name starts in the table's names
	off     uint16
	nameLen uint8
	kind    uint8
}

// decTable lists a model's fields in the spec's order; sorted indexes them
// by name for lookups that miss the expected next field. grow makes typed
// memory for nested records and slices of them (the garbage collector must
// know what they hold): n records copied from old into a new array of c;
// mapSet is set for records that are map values.
type decTable struct {
	names string // every field's name, one after the other
	// escaped is set when a name is not written in JSON as its own bytes
	// (it holds '"' or '\\', or is not valid UTF-8): such a table's names
	// cannot be compared with the input before unescaping (see nextField).
	escaped bool
	fields  []decField
	sorted  []uint16
	extra   uintptr // offset of Extra
	size    uintptr
	grow    func(old unsafe.Pointer, n, c int) unsafe.Pointer
	// ref is set, alone, in the stand-in table that a field uses to point
	// at a table its own table is reached from: Go rejects static tables
	// that refer to each other in a cycle (see decTableOf).
	ref    func() *decTable
	mapNew func(m unsafe.Pointer)
	mapSet func(m unsafe.Pointer, k string, v unsafe.Pointer)
}

// name returns the name of field i.
func (t *decTable) name(i int) string {
	f := &t.fields[i]
	return t.names[f.name : f.name+uint32(f.nameLen)]
}

// resolve returns the table a field's sub stands for.
func (t *decTable) resolve() *decTable {
	if t.ref != nil {
		return t.ref()
	}
	return t
}

func (t *encTable) resolve() *encTable {
	if t.ref != nil {
		return t.ref()
	}
	return t
}

// decTableOf and encTableOf give T's codec tables, nil if T is not a
// generated record. They serve as the ref of a stand-in (a call through a
// type parameter is not a reference Go's initialisation order counts), and
// Lazy uses them: converting to an interface here, and only here, lets the
// linker drop T from programs that never decode it.
func decTableOf[T any]() *decTable {
	if m, ok := any((*T)(nil)).(decodable); ok {
		_, t := m.decTarget()
		return t
	}
	return nil
}

func encTableOf[T any]() *encTable {
	if m, ok := any((*T)(nil)).(encodable); ok {
		_, t := m.encTarget()
		return t
	}
	return nil
}

// tabled constrains a type parameter to *T with codec tables.
type tabled[T any] interface {
	*T
	decodable
	encodable
}

// sliceHeader is the layout of a Go slice.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

// findAhead is how many fields after the last one found find tries before
// searching: Halo sends fields in the spec's order but leaves many out, so
// the next field sent is usually a few places on. Trying a few (most fail
// on the length alone) costs less than the binary search's string
// comparisons: BenchmarkDecodeList/halo.
const findAhead = 8

// find returns the index of the field named key, or -1.
func (t *decTable) find(key []byte, next int) int {
	for i := next; i < len(t.fields) && i < next+findAhead; i++ {
		if t.name(i) == string(key) {
			return i
		}
	}
	return t.search(key)
}

// search finds the field named key by binary search, or returns -1.
func (t *decTable) search(key []byte) int {
	lo, hi := 0, len(t.sorted)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.name(int(t.sorted[m])) < string(key) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(t.sorted) && t.name(int(t.sorted[lo])) == string(key) {
		return int(t.sorted[lo])
	}
	return -1
}

// object decodes the fields of an object whose '{' was consumed into the
// struct at base.
func (d *decoder) object(base unsafe.Pointer, t *decTable) {
	extra := (*map[string]json.RawMessage)(unsafe.Add(base, t.extra))
	// When a key comes twice, the last one wins. Once Extra may hold a
	// declared field's value (one that did not fit, now or in an earlier
	// decode into the record), a value that fits must remove it.
	kept := len(*extra) > 0
	plain := !t.escaped
	next := 0
	for {
		i, more := d.nextField(t, next, plain)
		if !more {
			break
		}
		if i < 0 {
			d.extra(extra)
			continue
		}
		next = i + 1
		f := &t.fields[i]
		p := unsafe.Add(base, f.off)
		var ok bool
		switch f.kind {
		case kStr:
			ok = d.str((**string)(p))
		case kInt:
			ok = d.int((**int)(p))
		case kInt64:
			ok = d.int64((**int64)(p))
		case kF64:
			ok = d.float64((**float64)(p))
		case kF32:
			ok = d.float32((**float32)(p))
		case kBool:
			ok = d.bool((**bool)(p))
		case kTime:
			ok = d.time((**Time)(p))
		case kBytes:
			ok = d.bytes((*[]byte)(p))
		case kRaw:
			ok = d.raw((*json.RawMessage)(p))
		case kMap:
			ok = d.rawMap((*map[string]json.RawMessage)(p))
		case kStrs:
			ok = d.strs((*[]string)(p))
		case kInts:
			ok = d.ints((*[]int)(p))
		case kInt64s:
			ok = d.int64s((*[]int64)(p))
		case kF64s:
			ok = d.float64s((*[]float64)(p))
		case kBools:
			ok = d.bools((*[]bool)(p))
		case kTimes:
			ok = d.times((*[]Time)(p))
		case kRaws:
			ok = d.raws((*[]json.RawMessage)(p))
		case kOne:
			ok = d.one(p, f.sub.resolve())
		case kMany:
			ok = d.many(p, f.sub.resolve(), false)
		case kPage:
			ok = d.many(p, f.sub.resolve(), true)
		case kRecMap:
			ok = d.recMap(p, f.sub.resolve())
		case kLazy:
			ok = d.lazy((*json.RawMessage)(p), '{')
		case kLazyList:
			ok = d.lazy((*json.RawMessage)(p), '[')
		}
		if !ok {
			clearField(p, f.kind) // an earlier value of the key must not win
			d.keep(extra)
			kept = true
		} else if kept {
			d.dropKept(extra, t.name(i))
		}
	}
}

// clearField unsets the field of kind at p.
func clearField(p unsafe.Pointer, kind uint8) {
	if kindSliceShaped[kind] {
		*(*sliceHeader)(p) = sliceHeader{}
	} else {
		*(*unsafe.Pointer)(p) = nil
	}
}

// nextField advances to the next field of the object being read into t,
// as field does, and returns its index in t, or -1 for a field t lacks.
// ok is false at the closing brace or on error. When t's names are plain,
// the raw name in the input is first compared with the fields expected
// next (see find): for the usual key, that is one comparison instead of
// scanning it, copying it out and comparing it (a sixth fewer
// instructions per page: BenchmarkDecodeList/halo). A key with escapes
// never matches raw, and is read and searched for as before.
func (d *decoder) nextField(t *decTable, next int, plain bool) (i int, ok bool) {
	if !plain {
		if !d.field() {
			return -1, false
		}
		return t.find(d.key, next), true
	}
	c := d.peek()
	if d.sep {
		switch c {
		case ',':
			d.pos++
			if c = d.peek(); c != '"' {
				d.fail("expected field name after ','")
				return -1, false
			}
		case '}':
			d.pos++
			d.depth--
			return -1, false
		default:
			d.fail("expected ',' or '}'")
			return -1, false
		}
	} else if c == '}' {
		d.pos++
		d.sep = true
		d.depth--
		return -1, false
	}
	if c != '"' {
		d.fail("expected field name")
		return -1, false
	}
	d.keyStart = d.pos
	start := d.pos + 1
	i = -1
	// d.key is left as it is on a match: only extra, for a field t
	// lacks, reads it.
	for j := next; j < len(t.fields) && j < next+findAhead; j++ {
		name := t.name(j)
		if end := start + len(name); end < len(d.data) && d.data[end] == '"' && sameBytes(d.data[start:end], name) {
			d.pos = end + 1
			i = j
			break
		}
	}
	if i < 0 {
		k, ok := d.readString(&d.keyBuf)
		if !ok {
			return -1, false
		}
		d.key = k
		i = t.search(k) // the fields just ahead did not match
	}
	if d.peek() != ':' {
		d.fail("expected ':'")
		return -1, false
	}
	d.pos++
	d.peek()
	d.valStart = d.pos
	// Whatever reads the value, a separator is due after it.
	d.sep = true
	return i, true
}

// sameBytes reports whether b and s (of the same length) hold the same
// bytes. For 8 to 16 bytes, most of Halo's field names, it compares two
// overlapping words in place of a call to the runtime's memequal (whose
// call and spilled registers cost more than the comparison: about 2% of
// the instructions of a page decode, BenchmarkDecodeList/halo).
func sameBytes(b []byte, s string) bool {
	if n := len(s); n >= 8 && n <= 16 && len(b) == n {
		t := unsafe.Slice(unsafe.StringData(s), n) // read only
		le := binary.LittleEndian
		return le.Uint64(b) == le.Uint64(t) && le.Uint64(b[n-8:]) == le.Uint64(t[n-8:])
	}
	return string(b) == s
}

// encField is one field of an encode table; key is the JSON-encoded name
// with its colon.
type encField struct {
	key  string
	sub  *encTable // for kOne, kMany, kPage, kRecMap
	off  uint32
	kind uint8
}

type encTable struct {
	fields  []encField
	extra   uintptr
	size    uintptr
	mapEach func(m unsafe.Pointer, f func(k string, v unsafe.Pointer)) // records that are map values
	ref     func() *encTable                                           // see decTable.ref
}

// object encodes the struct at base, fields in the spec's order, then the
// Extra fields not written already.
func (e *encoder) object(base unsafe.Pointer, t *encTable) {
	if base == nil { // a typed nil record
		e.buf = append(e.buf, "null"...)
		e.comma = true
		return
	}
	mark := e.open()
	for i := range t.fields {
		f := &t.fields[i]
		p := unsafe.Add(base, f.off)
		switch f.kind {
		case kStr:
			e.str(f.key, *(**string)(p))
		case kInt:
			e.int(f.key, *(**int)(p))
		case kInt64:
			e.int64(f.key, *(**int64)(p))
		case kF64:
			e.float64(f.key, *(**float64)(p))
		case kF32:
			e.float32(f.key, *(**float32)(p))
		case kBool:
			e.bool(f.key, *(**bool)(p))
		case kTime:
			e.time(f.key, *(**Time)(p))
		case kBytes:
			e.bytes(f.key, *(*[]byte)(p))
		case kRaw:
			e.raw(f.key, *(*json.RawMessage)(p))
		case kMap:
			e.rawMap(f.key, *(*map[string]json.RawMessage)(p))
		case kStrs:
			e.strs(f.key, *(*[]string)(p))
		case kInts:
			e.ints(f.key, *(*[]int)(p))
		case kInt64s:
			e.int64s(f.key, *(*[]int64)(p))
		case kF64s:
			e.float64s(f.key, *(*[]float64)(p))
		case kBools:
			e.bools(f.key, *(*[]bool)(p))
		case kTimes:
			e.times(f.key, *(*[]Time)(p))
		case kRaws:
			e.raws(f.key, *(*[]json.RawMessage)(p))
		case kOne:
			if obj := *(*unsafe.Pointer)(p); obj != nil {
				e.key(f.key)
				e.object(obj, f.sub.resolve())
			}
		case kMany, kPage:
			e.many(f.key, p, f.sub.resolve())
		case kRecMap:
			e.recMap(f.key, p, f.sub.resolve())
		case kLazy, kLazyList:
			// Valid and escaped already: only the decoder and Set fill it.
			if raw := *(*json.RawMessage)(p); len(raw) > 0 {
				e.key(f.key)
				e.buf = append(e.buf, raw...)
			}
		}
	}
	e.close(mark, *(*map[string]json.RawMessage)(unsafe.Add(base, t.extra)))
}

// one decodes a nested record into the *T at p.
func (d *decoder) one(p unsafe.Pointer, t *decTable) bool {
	null, ok := d.container('{')
	switch {
	case !ok:
		return false
	case null:
		*(*unsafe.Pointer)(p) = nil
		return true
	}
	m := d.mark()
	if d.enter() {
		obj := t.grow(nil, 0, 1)
		d.object(obj, t)
		*(*unsafe.Pointer)(p) = obj
	}
	d.restoreField(m)
	return true
}

// many decodes an array of records into the []T at p. A null element is a
// zero record; any other non-object fails the field (it is then kept raw).
// page says the array is a page of a list (the records of a wrapper, or a
// bare array response), whose length can be estimated.
func (d *decoder) many(p unsafe.Pointer, t *decTable, page bool) bool {
	null, ok := d.container('[')
	switch {
	case !ok:
		return false
	case null:
		*(*sliceHeader)(p) = sliceHeader{}
		return true
	}
	m := d.mark()
	if !d.enter() {
		return true
	}
	n, c := 0, 4
	data := t.grow(nil, 0, c)
	grow := func(to int) {
		data, c = t.grow(data, n, to), to
	}
	begin := d.pos
	for d.elem() {
		if n == c {
			to := 2 * c
			if page && n > 0 {
				// The estimate below fell short: estimate again from the
				// records so far rather than double, which would leave up
				// to half the slice unused (and kept by the caller).
				to = max(c+1, n+d.recordsLeft(d.pos-begin, n))
			}
			grow(to)
		}
		switch d.peek() {
		case '{':
			if d.enter() {
				d.object(unsafe.Add(data, uintptr(n)*t.size), t)
			}
			n++
			if n == 1 && page && c < 64 {
				// A page of records: size the slice from the first
				// record's length and the rest of the body, so that big
				// records are not copied over and over as it grows. Not
				// for lists inside records, whose length the rest of the
				// body says nothing about.
				if est := 1 + d.recordsLeft(d.pos-begin, 1); est > c {
					grow(est)
				}
			}
		case 'n':
			d.literal("null")
			n++
		default:
			d.abandon(m)
			return false
		}
	}
	if c > 2*n+8 {
		grow(n) // an estimate that overshot: do not keep the spare room
	}
	*(*sliceHeader)(p) = sliceHeader{data, n, c}
	d.restoreField(m)
	return true
}

// recordsLeft estimates how many records of a page follow, from the bytes
// the first n took and the bytes left in the body, with a sixteenth to
// spare (records vary in size, and a slice that falls short copies every
// record read so far).
func (d *decoder) recordsLeft(used, n int) int {
	if used <= 0 {
		return 0
	}
	est := (len(d.data) - d.pos) / max(1, used/n)
	return min(est+est/16+1, 1<<14)
}

// lazy keeps a nested record ('{') or list of records ('[' of objects and
// nulls) as raw JSON at p, the inside of a Lazy or LazyList, to be decoded
// on demand. A value of another shape fails the field, as it would fail an
// eagerly typed one, so that it ends up in Extra the same way.
func (d *decoder) lazy(p *json.RawMessage, open byte) bool {
	null, ok := d.container(open)
	switch {
	case !ok:
		return false
	case null:
		*p = nil
		return true
	}
	m := d.mark()
	if open == '{' {
		d.skip()
	} else if d.enter() {
		for d.elem() {
			if c := d.peek(); c != '{' && c != 'n' {
				d.abandon(m)
				return false
			}
			d.skip()
		}
	}
	if d.err == nil {
		*p = appendRaw(nil, d.data[m.start:d.pos])
	}
	d.restoreField(m)
	return true
}

// recMap decodes an object of records into the map[string]T at p.
func (d *decoder) recMap(p unsafe.Pointer, t *decTable) bool {
	null, ok := d.container('{')
	switch {
	case !ok:
		return false
	case null:
		*(*unsafe.Pointer)(p) = nil // a map is one pointer
		return true
	}
	m := d.mark()
	if !d.enter() {
		return true
	}
	t.mapNew(p) // so that {} gives an empty map, not nil
	for d.field() {
		k := string(d.key)
		var v unsafe.Pointer
		if !d.one(unsafe.Pointer(&v), t) {
			*(*unsafe.Pointer)(p) = nil
			d.abandon(m)
			return false
		}
		if v == nil {
			v = t.grow(nil, 0, 1) // null: a zero record, as encoding/json gives
		}
		t.mapSet(p, k, v)
	}
	d.restoreField(m)
	return true
}

// many encodes the []T at p; a nil slice is left out, an empty one is [].
func (e *encoder) many(key string, p unsafe.Pointer, t *encTable) {
	h := (*sliceHeader)(p)
	if h.data == nil {
		return
	}
	e.key(key)
	e.buf = append(e.buf, '[')
	for i := range h.len {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.object(unsafe.Add(h.data, uintptr(i)*t.size), t)
	}
	e.buf = append(e.buf, ']')
	e.comma = true
}

// recMap encodes the map[string]T at p, keys sorted.
func (e *encoder) recMap(key string, p unsafe.Pointer, t *encTable) {
	if *(*unsafe.Pointer)(p) == nil {
		return
	}
	e.key(key)
	e.buf = append(e.buf, '{')
	first := true
	t.mapEach(p, func(k string, v unsafe.Pointer) {
		if !first {
			e.buf = append(e.buf, ',')
		}
		first = false
		e.buf = appendString(e.buf, k)
		e.buf = append(e.buf, ':')
		e.object(v, t)
	})
	e.buf = append(e.buf, '}')
	e.comma = true
}

// sortedKeys returns a map's keys in order (for the generated mapEach
// functions: encoding is deterministic).
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

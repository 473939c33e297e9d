package halopsa

import (
	"encoding/json"
	"unsafe"
)

// Generated models describe their fields in static tables (gen_json_*.go)
// which one decode loop and one encode loop below interpret: an offset into
// the struct and a kind per field. Tables instead of a generated switch per
// type keep the package quick to compile and its binaries small, and the
// loops are as fast (a field is found by checking the one after the last
// match first, since Halo sends fields in the same order every time).
//
// Decoding and encoding have separate tables so that a program that only
// reads links no encoders.

// Field kinds. A kind names the Go type at the field's offset; named integer
// types (the spec's enums) share int's layout and use kInt/kInts.
const (
	kStr    uint8 = iota // *string
	kInt                 // *int
	kInt64               // *int64
	kF64                 // *float64
	kF32                 // *float32
	kBool                // *bool
	kTime                // *Time
	kBytes               // []byte, base64
	kRaw                 // json.RawMessage
	kMap                 // map[string]json.RawMessage
	kStrs                // []string
	kInts                // []int
	kInt64s              // []int64
	kF64s                // []float64
	kBools               // []bool
	kTimes               // []Time
	kRaws                // []json.RawMessage
	kSub                 // a nested record, slice or map of records: see dec/enc
)

// decField is one field of a decode table.
type decField struct {
	name string
	dec  func(d *decoder, p unsafe.Pointer) bool // kSub only
	off  uint32
	kind uint8
}

// decTable lists a model's fields in the spec's order; sorted indexes them
// by name for lookups that miss the expected next field.
type decTable struct {
	fields []decField
	sorted []uint16
	extra  uintptr // offset of Extra
}

func (t *decTable) find(key []byte, next int) int {
	if next < len(t.fields) && t.fields[next].name == string(key) {
		return next
	}
	lo, hi := 0, len(t.sorted)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.fields[t.sorted[m]].name < string(key) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(t.sorted) && t.fields[t.sorted[lo]].name == string(key) {
		return int(t.sorted[lo])
	}
	return -1
}

// object decodes the fields of an object whose '{' was consumed into the
// struct at base.
func (d *decoder) object(base unsafe.Pointer, t *decTable) {
	extra := (*map[string]json.RawMessage)(unsafe.Add(base, t.extra))
	next := 0
	for d.field() {
		i := t.find(d.key, next)
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
		case kSub:
			ok = f.dec(d, p)
		}
		if !ok {
			d.keep(extra)
		}
	}
}

// encField is one field of an encode table; key is the JSON-encoded name
// with its colon.
type encField struct {
	key  string
	enc  func(e *encoder, key string, p unsafe.Pointer) // kSub only
	off  uint32
	kind uint8
}

type encTable struct {
	fields []encField
	extra  uintptr
}

// object encodes the struct at base, fields in the spec's order, then the
// Extra fields not written already.
func (e *encoder) object(base unsafe.Pointer, t *encTable) {
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
		case kSub:
			f.enc(e, f.key, p)
		}
	}
	e.close(mark, *(*map[string]json.RawMessage)(unsafe.Add(base, t.extra)))
}

// Adapters from a table's untyped field pointer to the typed helpers for
// nested records, instantiated per record type by the tables.

func decOne[T any, P decPtr[T]](d *decoder, p unsafe.Pointer) bool {
	return decodeModel[T, P](d, (**T)(p))
}

func decMany[T any, P decPtr[T]](d *decoder, p unsafe.Pointer) bool {
	return decodeModels[T, P](d, (*[]T)(p))
}

func decMap[T any, P decPtr[T]](d *decoder, p unsafe.Pointer) bool {
	return decodeModelMap[T, P](d, (*map[string]T)(p))
}

func encOne[T any, P encPtr[T]](e *encoder, k string, p unsafe.Pointer) {
	encodeModel[T, P](e, k, *(**T)(p))
}

func encMany[T any, P encPtr[T]](e *encoder, k string, p unsafe.Pointer) {
	encodeModels[T, P](e, k, *(*[]T)(p))
}

func encMap[T any, P encPtr[T]](e *encoder, k string, p unsafe.Pointer) {
	encodeModelMap[T, P](e, k, *(*map[string]T)(p))
}

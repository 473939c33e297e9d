package halopsa

import (
	"encoding/json"
	"errors"
	"unsafe"
)

// List is one page of a list whose wrapper Halo's spec does not describe.
// Halo wraps most lists as {"record_count": N, "<key>": [...]}, with a key
// that depends on the section (and is not always its name), and sends some
// lists as a bare array. List reads either: the records are the one array
// of records in the wrapper, whatever its key.
//
// Nothing Halo sends is lost: the wrapper's other fields are in Extra, and
// fields of a record that its type does not declare are in the record's
// own Extra. A wrapper holding more than one non-empty array of records is
// ambiguous: decoding it fails with a *ListShapeError (inside the call's
// *DecodeError, which holds the body) rather than picking one.
//
// Records is the page's records; RecordCount is Halo's record_count (the
// number of records the query matches, on every page), nil when Halo did
// not send one, as with a bare array.
type List[T any] struct {
	Records     []T
	RecordCount *int
	// Key is the wrapper's key the records came under; "" for a bare array
	// (or a wrapper without records).
	Key string
	// Extra holds the wrapper's other fields (page_no, page_size, ...).
	Extra map[string]json.RawMessage
}

// selfDecoder is implemented by results that read a whole response body
// themselves (List).
type selfDecoder interface {
	decodeSelf(d *decoder) error
}

// UnmarshalJSON decodes a list as the client does.
func (l *List[T]) UnmarshalJSON(data []byte) error {
	_, err := decodeWith(data, l.decodeSelf)
	return err
}

func (l *List[T]) decodeSelf(d *decoder) error {
	t := decTableOf[T]()
	if t == nil {
		return errNotRecord
	}
	*l = List[T]{}
	if d.atEnd() {
		return nil
	}
	switch d.peek() {
	case 'n':
		d.literal("null")
		return nil
	case '[':
		if !d.many(unsafe.Pointer(&l.Records), t, true) && d.err == nil {
			return errors.New("expected a list of records")
		}
		return nil
	case '{':
	default:
		return errors.New("expected a list: a JSON object or array")
	}
	// The wrapper: arrays are set aside (as spans of the body) until the
	// whole object has been read, then the one array of records is decoded.
	type span struct {
		key     string
		raw     []byte
		objects bool // its first element is an object
	}
	var arrays []span
	d.enter()
	for d.field() {
		switch {
		case string(d.key) == "record_count":
			if !d.int(&l.RecordCount) {
				d.keep(&l.Extra)
			}
		case d.peek() == '[':
			key, start := string(d.key), d.pos
			d.skip()
			if d.err != nil {
				return nil
			}
			raw := d.data[start:d.pos]
			arrays = append(arrays, span{key, raw, firstElem(raw) == '{'})
		default:
			d.extra(&l.Extra)
		}
	}
	if d.err != nil {
		return nil
	}
	pick := -1
	for i, a := range arrays {
		if !a.objects {
			continue
		}
		if pick >= 0 {
			n := 0
			if l.RecordCount != nil {
				n = *l.RecordCount
			}
			return &ListShapeError{RecordCount: n, Keys: keysOf(arrays, func(s span) string { return s.key })}
		}
		pick = i
	}
	if c := byte(0); pick < 0 && len(arrays) == 1 {
		if c = firstElem(arrays[0].raw); c == ']' || c == 'n' {
			pick = 0 // the only array, empty (or of nulls): no records
		}
	}
	for i, a := range arrays {
		if i != pick {
			if l.Extra == nil {
				l.Extra = map[string]json.RawMessage{}
			}
			l.Extra[a.key] = appendRaw(nil, a.raw)
			continue
		}
		l.Key = a.key
		sub := getDecoder(a.raw)
		ok := sub.many(unsafe.Pointer(&l.Records), t, true)
		d.issues = append(d.issues, sub.issues...)
		err := sub.err
		putDecoder(sub)
		if err != nil {
			return err
		}
		if !ok { // an element that is no record: keep the array raw
			l.Records, l.Key = nil, ""
			if l.Extra == nil {
				l.Extra = map[string]json.RawMessage{}
			}
			l.Extra[a.key] = appendRaw(nil, a.raw)
		}
	}
	return nil
}

// firstElem is the first byte of an array's first element, ']' for an
// empty array.
func firstElem(raw []byte) byte {
	for _, c := range raw[1:] {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c
	}
	return ']'
}

func keysOf[S any](s []S, key func(S) string) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = key(v)
	}
	return out
}

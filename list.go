package halopsa

import (
	"encoding/json"
	"errors"
	"slices"
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
	w, err := readWrapper(d)
	if err != nil || w.records == nil {
		l.RecordCount, l.Extra = w.count, w.extra
		return err
	}
	sub := getDecoder(w.records)
	ok := sub.many(unsafe.Pointer(&l.Records), t, true)
	d.issues = append(d.issues, sub.issues...)
	err = sub.errOrNil()
	putDecoder(sub)
	if err != nil {
		return err
	}
	l.Key, l.RecordCount, l.Extra = w.key, w.count, w.extra
	if !ok { // an element that is no record: keep the array raw
		l.Records, l.Key = nil, ""
		if w.key == "" {
			return errors.New("expected a list of records")
		}
		if l.Extra == nil {
			l.Extra = map[string]json.RawMessage{}
		}
		l.Extra[w.key] = appendRaw(nil, w.records)
	}
	return nil
}

// wrapper is a list page as found by its shape: the records (the raw JSON
// array, nil when there are none) and where they were.
type wrapper struct {
	records json.RawMessage // a slice of the body: decode or copy it
	key     string          // the records' key; "" for a bare array
	count   *int            // record_count
	extra   map[string]json.RawMessage
}

// readWrapper reads a list page, a bare array or Halo's wrapper, and finds
// its records by shape, for List and the raw iterators alike:
//   - a bare array is the records;
//   - in a wrapper, a repeated key counts once, its last value (as for
//     fields); record_count 0 means no records, whatever arrays the wrapper
//     holds (Halo adds arrays of other objects, such as columns);
//   - else the one array whose first element is an object holds them; with
//     none, the wrapper's only array when it is empty (or of nulls); with
//     several, the page is ambiguous: a *ListShapeError names their keys.
//
// The wrapper's other fields, and the arrays that are not the records, are
// kept in extra.
func readWrapper(d *decoder) (wrapper, error) {
	var w wrapper
	if d.atEnd() {
		return w, nil
	}
	switch d.peek() {
	case 'n':
		d.literal("null")
		return w, nil
	case '[':
		start := d.pos
		d.skip()
		w.records = d.data[start:d.pos]
		return w, d.errOrNil()
	case '{':
	default:
		return w, errors.New("expected a list: a JSON object or array")
	}
	type array struct {
		key string
		raw []byte
	}
	var arrays []array
	d.enter()
	for d.field() {
		switch {
		case string(d.key) == "record_count":
			if !d.int(&w.count) {
				d.keep(&w.extra)
			}
		case d.peek() == '[':
			key, start := string(d.key), d.pos
			d.skip()
			arrays = slices.DeleteFunc(arrays, func(a array) bool { return a.key == key })
			arrays = append(arrays, array{key, d.data[start:d.pos]})
			delete(w.extra, key)
		default:
			key := string(d.key)
			d.extra(&w.extra)
			arrays = slices.DeleteFunc(arrays, func(a array) bool { return a.key == key })
		}
	}
	if err := d.errOrNil(); err != nil {
		return w, err
	}
	pick := -1
	if w.count == nil || *w.count != 0 {
		var objects []string
		for i, a := range arrays {
			if firstElem(a.raw) == '{' {
				pick = i
				objects = append(objects, a.key)
			}
		}
		if len(objects) > 1 {
			n := 0
			if w.count != nil {
				n = *w.count
			}
			return w, &ListShapeError{RecordCount: n, Keys: objects}
		}
	}
	if c := byte(0); pick < 0 && len(arrays) == 1 {
		if c = firstElem(arrays[0].raw); c == ']' || c == 'n' {
			pick = 0
		}
	}
	for i, a := range arrays {
		if i == pick {
			w.records, w.key = a.raw, a.key
			continue
		}
		if w.extra == nil {
			w.extra = map[string]json.RawMessage{}
		}
		w.extra[a.key] = appendRaw(nil, a.raw)
	}
	return w, nil
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

// errOrNil returns the decoder's syntax error as an error, nil when there
// is none (d.err is a typed pointer: returned as is, a nil one would not
// be a nil error).
func (d *decoder) errOrNil() error {
	if d.err != nil {
		return d.err
	}
	return nil
}

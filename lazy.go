package halopsa

import (
	"bytes"
	"encoding/json"
	"errors"
	"unsafe"
)

// Lazy is a nested record whose type can contain itself through other
// records and reaches many record types (Users, Device, WorkflowTarget and
// a few more of Halo's; the overlay pins which fields are Lazy). Typed
// eagerly, they would put most of Halo's record types into every program
// that reads, say, a ticket (whose OLAs' targets are WorkflowTargets, which
// hold users, which hold devices...): their type data and decode tables. A
// Lazy keeps the record's JSON as Halo sent it and decodes it when asked,
// so a program carries only the record types it uses.
//
// The zero Lazy is an absent record (Halo sent nothing or null). Get decodes
// anew on each call: changing what it returns does not change the Lazy; Set
// does. Encoding a record sends the Lazy's JSON back unchanged.
//
//	olas := ticket.Olas // []FaultOLA, typed
//	target, err := olas[0].Target.Get() // *WorkflowTarget, decoded now
type Lazy[T any] struct{ lazyJSON }

// LazyList is a list of nested records of such a type; see Lazy.
type LazyList[T any] struct{ lazyJSON }

// lazyJSON is the JSON a Lazy or LazyList holds, and what they share. The
// decoder and encoder reach it as a json.RawMessage at the field's offset.
type lazyJSON struct{ raw json.RawMessage }

// Raw returns the JSON, nil when absent. It is the Lazy's own memory: do not
// modify it.
func (l lazyJSON) Raw() json.RawMessage { return l.raw }

// IsZero reports whether the record (or list) is absent; encoding/json's
// omitzero, which the generated struct tags use, leaves it out then.
func (l lazyJSON) IsZero() bool { return len(l.raw) == 0 }

// String returns the JSON, for printing.
func (l lazyJSON) String() string { return string(l.raw) }

// MarshalJSON gives encoding/json the JSON, or null when absent.
func (l lazyJSON) MarshalJSON() ([]byte, error) {
	if len(l.raw) == 0 {
		return []byte("null"), nil
	}
	return l.raw, nil
}

// GobEncode and GobDecode let records holding a Lazy go through
// encoding/gob, which cannot see unexported fields.
func (l lazyJSON) GobEncode() ([]byte, error) { return l.raw, nil }

func (l *lazyJSON) GobDecode(data []byte) error {
	if len(data) == 0 {
		l.raw = nil
		return nil
	}
	if !validJSON(data) {
		return errors.New("halopsa: GobDecode: not JSON")
	}
	// As strict as what the decoder keeps (the encoder writes it as is):
	// the scanner tolerates raw control characters and invalid UTF-8.
	l.raw = appendRaw(nil, data)
	return nil
}

func (l lazyJSON) equal(o lazyJSON) bool { return bytes.Equal(l.raw, o.raw) }

// errNotRecord is what Get and Set report for a Lazy of a type that is not
// a generated record.
var errNotRecord = errors.New("halopsa: Lazy and LazyList hold generated record types only")

// Get decodes the record, with the client's tolerance: values that do not
// fit go to the record's Extra (they are not logged: no client is at
// hand). It returns nil and no error when the record is absent.
func (l Lazy[T]) Get() (*T, error) {
	var p *T
	err := l.decode(unsafe.Pointer(&p), decTableOf[T](), false)
	return p, err
}

// Set replaces the record; nil makes it absent.
func (l *Lazy[T]) Set(v *T) error {
	if v == nil {
		l.raw = nil
		return nil
	}
	return l.encode(func(e *encoder, t *encTable) { e.object(unsafe.Pointer(v), t) }, encTableOf[T]())
}

// Equal reports whether two Lazy hold the same JSON (go-cmp uses it).
func (l Lazy[T]) Equal(o Lazy[T]) bool { return l.equal(o.lazyJSON) }

// UnmarshalJSON keeps a copy of data, to be decoded by Get.
func (l *Lazy[T]) UnmarshalJSON(data []byte) error { return l.unmarshal(data, '{') }

// Get decodes the records, with the client's tolerance. It returns nil and
// no error when the list is absent; an empty list gives an empty slice.
func (l LazyList[T]) Get() ([]T, error) {
	var s []T
	err := l.decode(unsafe.Pointer(&s), decTableOf[T](), true)
	return s, err
}

// Set replaces the records; nil makes the list absent, an empty slice
// sends [].
func (l *LazyList[T]) Set(v []T) error {
	if v == nil {
		l.raw = nil
		return nil
	}
	return l.encode(func(e *encoder, t *encTable) { e.many("", unsafe.Pointer(&v), t) }, encTableOf[T]())
}

// Equal reports whether two LazyList hold the same JSON (go-cmp uses it).
func (l LazyList[T]) Equal(o LazyList[T]) bool { return l.equal(o.lazyJSON) }

// UnmarshalJSON keeps a copy of data, to be decoded by Get.
func (l *LazyList[T]) UnmarshalJSON(data []byte) error { return l.unmarshal(data, '[') }

// decode decodes the JSON into the *T (one) or []T (many) at dst, with the
// same rules as an eagerly typed field. Absent JSON leaves dst alone.
func (l lazyJSON) decode(dst unsafe.Pointer, t *decTable, many bool) error {
	if len(l.raw) == 0 {
		return nil
	}
	if t == nil {
		return errNotRecord
	}
	_, err := decodeWith(l.raw, func(d *decoder) error {
		var ok bool
		if many {
			ok = d.many(dst, t, false)
		} else {
			ok = d.one(dst, t)
		}
		if !ok && d.err == nil {
			return errors.New("halopsa: " + lazyShape(many))
		}
		return nil
	})
	return err
}

// encode replaces the JSON with what write encodes; on error it is kept.
func (l *lazyJSON) encode(write func(*encoder, *encTable), t *encTable) error {
	if t == nil {
		return errNotRecord
	}
	e := getEncoder()
	defer putEncoder(e)
	write(e, t)
	raw, err := e.result()
	if err == nil {
		l.raw = raw
	}
	return err
}

// unmarshal keeps a copy of data (encoding/json reuses its buffer) after
// checking its shape the way the client's decoder does.
func (l *lazyJSON) unmarshal(data []byte, open byte) error {
	var raw json.RawMessage
	_, err := decodeWith(data, func(d *decoder) error {
		if d.atEnd() {
			return errors.New("halopsa: empty input")
		}
		if !d.lazy(&raw, open) && d.err == nil {
			return errors.New("halopsa: " + lazyShape(open == '[') + " or null")
		}
		return nil
	})
	if err == nil {
		l.raw = raw
	}
	return err
}

func lazyShape(many bool) string {
	if many {
		return "LazyList: expected an array of records"
	}
	return "Lazy: expected a record"
}

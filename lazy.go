package halopsa

import (
	"encoding/json"
	"errors"
	"unsafe"
)

// Lazy is a nested record of a type that can contain itself, directly or
// through other records: Users, Device, WorkflowTarget, MileStone and about
// twenty more of Halo's record types. Halo's schemas tie these into one web
// that reaches some 150 record types; typed eagerly, every program reading
// any record would carry all of them (over 1 MB of type data and decode
// tables). A Lazy keeps the record's JSON as Halo sent it and decodes it
// when asked, so a program holds only the record types it uses.
//
// The zero Lazy is an absent record (Halo sent nothing or null). Get decodes
// anew on each call: changing what it returns does not change the Lazy; Set
// does. Encoding a record sends the Lazy's JSON back unchanged.
//
//	olas := ticket.Olas // []FaultOLA, typed
//	target, err := olas[0].Target.Get() // *WorkflowTarget, decoded now
type Lazy[T any] struct{ raw json.RawMessage }

// LazyList is a list of nested records of a type that can contain itself;
// see Lazy.
type LazyList[T any] struct{ raw json.RawMessage }

// errNotRecord is what Get and Set report for a Lazy of a type that is not
// a generated record.
var errNotRecord = errors.New("halopsa: Lazy and LazyList hold generated record types only")

// decTableOf and encTableOf reach T's codec tables through its methods: converting to
// an interface here, and only here, is what lets the linker drop T from
// programs that never decode it.
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

// Get decodes the record, with the client's tolerance: values that do not
// fit go to the record's Extra (they are not logged: no client is at
// hand). It returns nil and no error when the record is absent.
func (l Lazy[T]) Get() (*T, error) {
	if len(l.raw) == 0 {
		return nil, nil
	}
	t := decTableOf[T]()
	if t == nil {
		return nil, errNotRecord
	}
	var p *T
	err := decodeLazy(l.raw, unsafe.Pointer(&p), t, false)
	return p, err
}

// Set replaces the record; nil makes it absent.
func (l *Lazy[T]) Set(v *T) error {
	if v == nil {
		l.raw = nil
		return nil
	}
	t := encTableOf[T]()
	if t == nil {
		return errNotRecord
	}
	e := getEncoder()
	defer putEncoder(e)
	e.object(unsafe.Pointer(v), t)
	raw, err := e.result()
	if err == nil {
		l.raw = raw
	}
	return err
}

// Raw returns the record's JSON, nil when it is absent. It is the Lazy's
// own memory: do not modify it.
func (l Lazy[T]) Raw() json.RawMessage { return l.raw }

// IsZero reports whether the record is absent (for encoding/json's
// omitzero, which the generated struct tags use).
func (l Lazy[T]) IsZero() bool { return len(l.raw) == 0 }

// MarshalJSON gives encoding/json the record's JSON, or null.
func (l Lazy[T]) MarshalJSON() ([]byte, error) { return marshalLazy(l.raw) }

// UnmarshalJSON keeps a copy of data, to be decoded by Get.
func (l *Lazy[T]) UnmarshalJSON(data []byte) error { return unmarshalLazy(&l.raw, data, '{') }

// Get decodes the records, with the client's tolerance. It returns nil and
// no error when the list is absent; an empty list gives an empty slice.
func (l LazyList[T]) Get() ([]T, error) {
	if len(l.raw) == 0 {
		return nil, nil
	}
	t := decTableOf[T]()
	if t == nil {
		return nil, errNotRecord
	}
	var s []T
	err := decodeLazy(l.raw, unsafe.Pointer(&s), t, true)
	return s, err
}

// Set replaces the records; nil makes the list absent, an empty slice
// sends [].
func (l *LazyList[T]) Set(v []T) error {
	if v == nil {
		l.raw = nil
		return nil
	}
	t := encTableOf[T]()
	if t == nil {
		return errNotRecord
	}
	e := getEncoder()
	defer putEncoder(e)
	e.many("", unsafe.Pointer(&v), t)
	raw, err := e.result()
	if err == nil {
		l.raw = raw
	}
	return err
}

// Raw returns the records' JSON, nil when the list is absent. It is the
// LazyList's own memory: do not modify it.
func (l LazyList[T]) Raw() json.RawMessage { return l.raw }

// IsZero reports whether the list is absent.
func (l LazyList[T]) IsZero() bool { return len(l.raw) == 0 }

// MarshalJSON gives encoding/json the records' JSON, or null.
func (l LazyList[T]) MarshalJSON() ([]byte, error) { return marshalLazy(l.raw) }

// UnmarshalJSON keeps a copy of data, to be decoded by Get.
func (l *LazyList[T]) UnmarshalJSON(data []byte) error { return unmarshalLazy(&l.raw, data, '[') }

// decodeLazy decodes raw into the *T (one) or []T (many) at dst, with the
// same rules as an eagerly typed field.
func decodeLazy(raw []byte, dst unsafe.Pointer, t *decTable, many bool) error {
	_, err := decodeWith(raw, func(d *decoder) error {
		var ok bool
		if many {
			ok = d.many(dst, t, false)
		} else {
			ok = d.one(dst, t)
		}
		if !ok && d.err == nil {
			if many {
				return errors.New("halopsa: LazyList: expected an array of records")
			}
			return errors.New("halopsa: Lazy: expected a record")
		}
		return nil
	})
	return err
}

func marshalLazy(raw json.RawMessage) ([]byte, error) {
	if len(raw) == 0 {
		return []byte("null"), nil
	}
	return raw, nil
}

// unmarshalLazy keeps a copy of data (encoding/json reuses its buffer)
// after checking its shape the way the client's decoder does.
func unmarshalLazy(p *json.RawMessage, data []byte, open byte) error {
	var raw json.RawMessage
	_, err := decodeWith(data, func(d *decoder) error {
		if d.atEnd() {
			return errors.New("halopsa: empty input")
		}
		if !d.lazy(&raw, open) && d.err == nil {
			if open == '{' {
				return errors.New("halopsa: Lazy: expected a record or null")
			}
			return errors.New("halopsa: LazyList: expected an array of records or null")
		}
		return nil
	})
	if err == nil {
		*p = raw
	}
	return err
}

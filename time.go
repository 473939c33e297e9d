package halopsa

import (
	"bytes"
	"errors"
	"time"
)

// Time is a timestamp as Halo sends it. Halo usually omits the zone
// ("2026-11-26T04:15:00", meaning UTC) and uses 1900-01-01T00:00:00 for
// "not set". Time decodes every form Halo uses, and a zone-less Time that
// came from Halo encodes back zone-less, so that a record read and sent
// back is accepted unchanged. A Time that came with a zone (Z or an offset)
// is held in UTC, and it and a Time you build yourself encode as RFC 3339
// in UTC.
type Time struct {
	time.Time
	zoneless bool // decoded without a zone: encode without one
}

// NewTime returns a pointer to a Time holding t, for optional fields.
func NewTime(t time.Time) *Time { return &Time{Time: t} }

// unsetSentinel is the value Halo stores for an empty date.
var unsetSentinel = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// IsSet reports whether t holds a real date: false for the zero Time and for
// Halo's 1900-01-01 "not set" value.
func (t Time) IsSet() bool {
	return !t.IsZero() && !t.Time.Equal(unsetSentinel)
}

// layouts Halo is known to send, most common first. Go's ".999999999"
// accepts any number of fractional digits, or none.
var zonedLayouts = []string{
	"2006-01-02T15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
}

var zonelessLayouts = []string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02",
}

var errTime = errors.New("halopsa: unrecognised timestamp")

func parseTime(b []byte) (Time, error) {
	s := string(bytes.TrimSpace(b))
	for _, l := range zonedLayouts {
		if t, err := time.Parse(l, s); err == nil {
			// In UTC, as it is encoded: time.Parse picks time.Local or a
			// made-up zone depending on the machine, and equal instants
			// should decode to equal records. An offset can move the year
			// out of what a timestamp can hold.
			t = t.UTC()
			if y := t.Year(); y < 0 || y > 9999 {
				return Time{}, errTime
			}
			return Time{Time: t}, nil
		}
	}
	for _, l := range zonelessLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return Time{Time: t, zoneless: true}, nil
		}
	}
	return Time{}, errTime
}

// checkYear reports a Time that cannot be written as a timestamp.
func (t Time) checkYear() error {
	if y := t.Time.UTC().Year(); y < 0 || y > 9999 {
		return errors.New("halopsa: Time year outside of range [0,9999]")
	}
	return nil
}

// appendJSON writes t as a JSON string. Fractional seconds are written in
// full (parseTime reads any number of digits), so that a value read and
// written back is unchanged.
func (t Time) appendJSON(b []byte) []byte {
	b = append(b, '"')
	if t.zoneless {
		b = t.Time.UTC().AppendFormat(b, "2006-01-02T15:04:05.999999999")
	} else {
		b = t.Time.UTC().AppendFormat(b, time.RFC3339Nano)
	}
	return append(b, '"')
}

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	if err := t.checkYear(); err != nil {
		return nil, err
	}
	return t.appendJSON(nil), nil
}

// UnmarshalJSON implements json.Unmarshaler; it accepts every form parseTime does.
func (t *Time) UnmarshalJSON(b []byte) error {
	var d decoder
	d.reset(b)
	d.slabTimes = make([]Time, 0, 1) // one value: no slab
	var p *Time
	ok := d.time(&p)
	if d.err == nil && !d.atEnd() {
		d.fail("unexpected data after the JSON value")
	}
	if d.err != nil {
		return d.err
	}
	if !ok {
		return errTime
	}
	if p == nil {
		*t = Time{}
	} else {
		*t = *p
	}
	return nil
}

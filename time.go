package halopsa

import (
	"bytes"
	"errors"
	"time"
)

// Time is a timestamp as Halo sends it. Halo usually omits the zone
// ("2026-11-26T04:15:00", meaning UTC) and uses 1900-01-01T00:00:00 for
// "not set". Time decodes every form Halo uses, and a Time that came from
// Halo encodes back in the form it came in, so that a record read and sent
// back is accepted unchanged. A Time you build yourself encodes as RFC 3339
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

// appendJSON writes t as a JSON string.
func (t Time) appendJSON(b []byte) []byte {
	b = append(b, '"')
	if t.zoneless {
		b = t.Time.UTC().AppendFormat(b, "2006-01-02T15:04:05.9999999")
	} else {
		b = t.Time.UTC().AppendFormat(b, time.RFC3339Nano)
	}
	return append(b, '"')
}

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) { return t.appendJSON(nil), nil }

// UnmarshalJSON implements json.Unmarshaler; it accepts every form parseTime does.
func (t *Time) UnmarshalJSON(b []byte) error {
	var d decoder
	d.reset(b)
	var p *Time
	if !d.time(&p) {
		return errTime
	}
	if d.err != nil {
		return d.err
	}
	if p == nil {
		*t = Time{}
	} else {
		*t = *p
	}
	return nil
}

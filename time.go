package halopsa

import (
	"bytes"
	"errors"
	"time"
)

// Time is a timestamp as Halo sends it. Halo usually omits the zone
// ("2026-11-26T04:15:00", meaning UTC) and uses 1900-01-01T00:00:00 or
// 1899-12-30T00:00:00 for "not set" (see IsSet). Time decodes every form
// Halo uses, and a zone-less Time that came from Halo encodes back
// zone-less, so that a record read and sent back is accepted unchanged. A
// Time that came with a zone (Z or an offset) is held in UTC, and it and a
// Time you build yourself encode as RFC 3339 in UTC.
//
// A Time is a time.Time and nothing more: t.Equal(time.Now()), t.Before(x)
// and the rest work as for a time.Time, and go-cmp compares records holding
// timestamps (through time.Time's Equal: by instant). A zone-less Time is
// held in a location of its own, zonelessUTC, which is UTC in every respect
// (offset 0, named "UTC"); converting it (t.UTC(), t.In(loc)) makes it an
// ordinary time, encoded with its zone.
type Time struct {
	time.Time
}

// zonelessUTC marks a Time that came without a zone, so that it is written
// back without one. It is a location rather than a field of Time because a
// field would have to be unexported, and go-cmp refuses structs with
// unexported fields unless they have an Equal(T) method, which Time could
// only add by hiding time.Time's Equal(time.Time) (TestTimeComparesWithGoCmp).
var zonelessUTC = time.FixedZone("UTC", 0)

// zonelessTime holds t, a time read without a zone, as such.
func zonelessTime(t time.Time) Time { return Time{t.In(zonelessUTC)} }

// zoneless reports whether t came without a zone.
func (t Time) zoneless() bool { return t.Location() == zonelessUTC }

// NewTime returns a pointer to a Time holding t, for optional fields.
func NewTime(t time.Time) *Time { return &Time{Time: t} }

// Halo's two "not set" values: 1900-01-01 (SQL Server's zero date) and
// 1899-12-30 (the OLE Automation zero date, which .NET's DateTime.FromOADate
// gives for 0).
var (
	unsetSentinel   = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	oleZeroSentinel = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
)

// IsSet reports whether t holds a real date: false for the zero Time and for
// Halo's "not set" values, 1900-01-01T00:00:00 and 1899-12-30T00:00:00.
func (t Time) IsSet() bool {
	return !t.IsZero() && !t.Time.Equal(unsetSentinel) && !t.Time.Equal(oleZeroSentinel)
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

// parseTime reads a timestamp in any of the layouts above. The forms Halo
// sends nearly always (date, time to the second, optional fraction,
// optional Z or offset) are read by parseTimeFast; the rest, and anything
// it rejects, go through time.Parse with each layout in turn. Why: a
// zone-less timestamp failed both zoned layouts first, each failure an
// allocated *time.ParseError, which made time.Parse about a third of the
// CPU of decoding a page of Halo's tickets; BenchmarkParseTime measures
// the two paths (FuzzParseTimeAgainstTimeParse holds them equal).
func parseTime(b []byte) (Time, error) {
	if t, ok := parseTimeFast(b); ok {
		return t, nil
	}
	return parseTimeLayouts(b)
}

// parseTimeLayouts tries the layouts with time.Parse.
func parseTimeLayouts(b []byte) (Time, error) {
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
			return zonelessTime(t), nil
		}
	}
	return Time{}, errTime
}

// parseTimeFast reads yyyy-mm-ddThh:mm:ss (or a space for the T),
// optionally a fraction of '.' and digits, optionally Z or ±hh:mm, exactly
// as parseTimeLayouts would, without allocating. It accepts only what it
// checks in full (ranges, days in the month, the year after the offset)
// and reports false for anything else, which parseTimeLayouts then
// decides; it never rejects a timestamp by itself.
func parseTimeFast(b []byte) (Time, bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || b[10] != 'T' && b[10] != ' ' || b[13] != ':' || b[16] != ':' {
		return Time{}, false
	}
	year, ok1 := digits4(b[0], b[1], b[2], b[3])
	month, ok2 := digits2(b[5], b[6])
	day, ok3 := digits2(b[8], b[9])
	hour, ok4 := digits2(b[11], b[12])
	minute, ok5 := digits2(b[14], b[15])
	sec, ok6 := digits2(b[17], b[18])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return Time{}, false
	}
	rest := b[19:]
	nsec := 0
	if len(rest) > 0 && rest[0] == '.' {
		// time.Parse takes any number of digits and keeps the first nine.
		n := 1
		for n < len(rest) && rest[n] >= '0' && rest[n] <= '9' {
			if n <= 9 {
				nsec = nsec*10 + int(rest[n]-'0')
			}
			n++
		}
		if n == 1 {
			return Time{}, false
		}
		for i := n; i <= 9; i++ {
			nsec *= 10
		}
		rest = rest[n:]
	}
	unix := (daysSinceUnixEpoch(year, month, day)*24+int64(hour))*3600 + int64(minute)*60 + int64(sec)
	switch {
	case len(rest) == 0:
		return zonelessTime(time.Unix(unix, int64(nsec))), true
	case len(rest) == 1 && rest[0] == 'Z':
		return Time{Time: time.Unix(unix, int64(nsec)).UTC()}, true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := digits2(rest[1], rest[2])
		om, ok2 := digits2(rest[4], rest[5])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return Time{}, false
		}
		offset := int64(oh*3600 + om*60)
		if rest[0] == '-' {
			offset = -offset
		}
		t := time.Unix(unix-offset, int64(nsec)).UTC()
		if y := t.Year(); y < 0 || y > 9999 {
			return Time{}, false
		}
		return Time{Time: t}, true
	}
	return Time{}, false
}

func digits2(a, b byte) (int, bool) {
	a, b = a-'0', b-'0'
	return int(a)*10 + int(b), a <= 9 && b <= 9
}

func digits4(a, b, c, d byte) (int, bool) {
	hi, ok1 := digits2(a, b)
	lo, ok2 := digits2(c, d)
	return hi*100 + lo, ok1 && ok2
}

func isLeap(year int) bool { return year%4 == 0 && (year%100 != 0 || year%400 == 0) }

func daysIn(month, year int) int {
	switch month {
	case 2:
		if isLeap(year) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysSinceUnixEpoch counts the days from 1970-01-01 to a date of the
// proleptic Gregorian calendar (year ≥ 0), as time.Date does.
func daysSinceUnixEpoch(year, month, day int) int64 {
	// Count from 0000-03-01, so that a leap day ends its year.
	if month <= 2 {
		year--
		month += 12
	}
	// 400 years more (146097 days) keep y positive, so that the divisions
	// round down as the calendar does.
	y := int64(year) + 400
	days := 365*y + y/4 - y/100 + y/400 - 146097
	days += int64((153*(month-3)+2)/5 + day - 1)
	return days - 719468
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
	if t.zoneless() {
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

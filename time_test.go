package halopsa

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

// parseTimeReference is parseTime as it was before parseTimeFast: each
// layout in turn through time.Parse. FuzzParseTimeAgainstTimeParse holds
// parseTime to it, so it must not change with parseTime.
func parseTimeReference(b []byte) (Time, error) {
	s := string(bytes.TrimSpace(b))
	for _, l := range []string{"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999Z07:00"} {
		if t, err := time.Parse(l, s); err == nil {
			t = t.UTC()
			if y := t.Year(); y < 0 || y > 9999 {
				return Time{}, errors.New("year out of range")
			}
			return Time{Time: t}, nil
		}
	}
	for _, l := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return zonelessTime(t), nil
		}
	}
	return Time{}, errors.New("no layout")
}

// haloTimes are the forms Halo sends, as its Newtonsoft serialiser writes
// a DateTime (fraction of 100 ns ticks, trailing zeros trimmed; no zone for
// Halo's usual unspecified kind, Z for UTC) and as the unit tests add
// (offsets, a space for the T).
var haloTimes = []string{
	"2026-11-26T04:15:00", "2026-11-26T04:15:00.123", "2026-11-26T04:15:00.1234567", "2026-11-26T04:15:00.5",
	"1900-01-01T00:00:00", "1899-12-30T00:00:00", "2026-11-26T04:15:00Z", "2026-11-26T04:15:00.1234567Z",
	"2026-11-26T05:15:00+01:00", "2026-11-26T00:15:00.25-04:00", "2026-11-26 04:15:00", "2024-02-29T23:59:59",
}

// FuzzParseTimeAgainstTimeParse: parseTime gives what the layouts give
// through time.Parse, for every input: the same instant, location, zone-less
// flag, and the same inputs rejected.
func FuzzParseTimeAgainstTimeParse(f *testing.F) {
	for _, s := range haloTimes {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		// Calendar edges: leap days, month lengths, year 0 and 9999.
		"2024-02-29T00:00:00", "2026-02-29T00:00:00", "2000-02-29T12:00:00", "2100-02-29T12:00:00", "0000-02-29T00:00:00",
		"0000-01-01T00:00:00", "0000-03-01T00:00:00Z", "2026-04-31T00:00:00", "2026-12-31T23:59:59.999999999", "2026-00-10T00:00:00",
		"2026-13-01T00:00:00", "2026-11-00T00:00:00", "2026-11-26T24:00:00", "2026-11-26T23:60:00", "2026-11-26T23:59:60",
		// Offsets moving the year out of range, and offsets at their limits.
		"0000-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01", "9999-12-31T23:00:00-00:59", "2026-11-26T04:15:00+23:59",
		"2026-11-26T04:15:00+24:00", "2026-11-26T04:15:00-00:00", "2026-11-26T04:15:00+01:60", "2026-11-26 04:15:00+24:00",
		// Fractions: none, many digits, a comma, a dot without digits.
		"2026-11-26T04:15:00.", "2026-11-26T04:15:00.123456789123", "2026-11-26T04:15:00,5", "2026-11-26T04:15:00.0000000001Z",
		// Shapes the fast path leaves to the layouts.
		"2026-11-26T4:15:00", "2026-11-26T04:15", "2026-11-26", " 2026-11-26T04:15:00", "2026-11-26T04:15:00 ", "2026-11-26T04:15:00z",
		"2026-11-26T04:15:00+0100", "2026-11-26T04:15:00+01:00:00", "2026-11-26t04:15:00", "+026-11-26T04:15:00", "2026-11-26T04:15:00\x00",
		"２026-11-26T04:15:00", "2026/11/26T04:15:00", "", "x",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := parseTime(b)
		want, wantErr := parseTimeReference(b)
		if (err == nil) != (wantErr == nil) || got != want {
			t.Fatalf("parseTime(%q) = %v (zoneless %v), %v; time.Parse gives %v (zoneless %v), %v",
				b, got.Time, got.zoneless(), err, want.Time, want.zoneless(), wantErr)
		}
	})
}

// TestParseTimeFastReadsHaloForms: the forms Halo sends take the fast path
// and allocate nothing. If they fell back to time.Parse, decoding a page
// of Halo's tickets would be several times slower (BenchmarkParseTime).
func TestParseTimeFastReadsHaloForms(t *testing.T) {
	for _, s := range haloTimes {
		b := []byte(s)
		got, ok := parseTimeFast(b)
		want, err := parseTimeReference(b)
		if !ok || err != nil || got != want {
			t.Errorf("parseTimeFast(%q) = %v, %v; want %v", s, got.Time, ok, want.Time)
		}
		if n := testing.AllocsPerRun(100, func() { parseTime(b) }); n != 0 {
			t.Errorf("parseTime(%q) allocates %v times", s, n)
		}
	}
}

// TestTimeIsSetOLEZeroDate: Halo writes 1899-12-30T00:00:00 (the OLE
// Automation zero date) as well as 1900-01-01T00:00:00 for "not set".
func TestTimeIsSetOLEZeroDate(t *testing.T) {
	for in, set := range map[string]bool{
		`"1899-12-30T00:00:00"`:       false,
		`"1899-12-30T00:00:00Z"`:      false,
		`"1899-12-30 00:00:00"`:       false,
		`"1900-01-01T00:00:00"`:       false,
		`"1899-12-30T00:00:01"`:       true,
		`"1899-12-31T00:00:00"`:       true,
		`"2026-11-26T04:15:00.1234"`:  true,
		`"0001-01-01T00:00:00"`:       false,
		`"1899-12-30T01:00:00+01:00"`: false,
	} {
		var tm Time
		if err := tm.UnmarshalJSON([]byte(in)); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if tm.IsSet() != set {
			t.Errorf("%s: IsSet() = %v, want %v", in, tm.IsSet(), set)
		}
	}
	// In a record, as Halo sends it.
	f, issues := mustDecode[Faults](t, `{"dateoccurred":"2026-11-26T04:15:00","dateclosed":"1899-12-30T00:00:00"}`)
	if len(issues) != 0 || f.Dateclosed == nil || f.Dateclosed.IsSet() || !f.Dateoccurred.IsSet() {
		t.Errorf("dateclosed %v, dateoccurred %v, issues %v", f.Dateclosed, f.Dateoccurred, issues)
	}
}

// BenchmarkParseTime compares the fast path with the layouts through
// time.Parse on what Halo sends.
func BenchmarkParseTime(b *testing.B) {
	for _, s := range []string{"2026-11-26T04:15:00", "2026-11-26T04:15:00.1234567", "2026-11-26T04:15:00Z"} {
		in := []byte(s)
		b.Run("fast/"+s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parseTime(in); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("layouts/"+s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := parseTimeLayouts(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

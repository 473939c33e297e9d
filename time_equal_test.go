package halopsa

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// go-cmp compares records holding a Time through time.Time's Equal, by
// instant, unset (nil) timestamps included; Time keeps time.Time's methods
// (Equal takes a time.Time). If Time grew an unexported field, go-cmp would
// panic here.
func TestTimeComparesWithGoCmp(t *testing.T) {
	doc := `{"id":1,"dateoccurred":"2026-11-26T04:15:00","fixbydate":"1900-01-01T00:00:00","summary":"s"}`
	a, _ := mustDecode[Faults](t, doc)
	b, _ := mustDecode[Faults](t, doc)
	if !cmp.Equal(a, b) {
		t.Fatalf("equal records differ: %s", cmp.Diff(a, b))
	}
	b.Dateoccurred = NewTime(b.Dateoccurred.Add(time.Second))
	if cmp.Equal(a, b) {
		t.Fatal("records a second apart compare equal")
	}
	if d := cmp.Diff(a, b); d == "" {
		t.Fatal("no diff for records a second apart")
	}
	b.Dateoccurred = nil
	if cmp.Equal(a, b) || cmp.Equal(b, a) {
		t.Fatal("a record with an unset timestamp equals one with it set")
	}
	// Times that are not behind a pointer, in a slice of the user's own.
	if !cmp.Equal([]Time{*a.Dateoccurred}, []Time{*a.Dateoccurred}) || cmp.Equal([]Time{*a.Dateoccurred}, []Time{{}}) {
		t.Fatal("[]Time compares wrong")
	}
	// Instants compare, as time.Time.Equal does: the form a Time came in
	// (zone-less or not) and its location do not count.
	zoneless := a.Dateoccurred
	zoned := NewTime(time.Date(2026, 11, 26, 5, 15, 0, 0, time.FixedZone("CET", 3600)))
	if !zoneless.zoneless() || zoned.zoneless() {
		t.Fatal("the zone-less mark is wrong")
	}
	if !zoneless.Equal(zoned.Time) || !zoned.Equal(zoneless.Time) || !cmp.Equal(zoneless, zoned) {
		t.Fatal("the same instant in two forms compares unequal")
	}
	if !zoneless.Equal(time.Date(2026, 11, 26, 4, 15, 0, 0, time.UTC)) || zoneless.Equal(time.Time{}) {
		t.Fatal("Equal with a time.Time is wrong")
	}
	// A zone-less Time is UTC by every measure but its mark.
	if name, off := zoneless.Zone(); name != "UTC" || off != 0 || zoneless.String() != "2026-11-26 04:15:00 +0000 UTC" {
		t.Fatalf("zone %s %d, %s", name, off, zoneless.String())
	}
	if u := (Time{zoneless.UTC()}); u.zoneless() {
		t.Fatal("UTC() kept the zone-less mark")
	}
}

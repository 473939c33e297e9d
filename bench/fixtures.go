// Package bench holds the performance benchmarks of the halopsa client and
// the fixtures they share with the load generator and the report
// (bench/run). Nothing here is part of the library.
package bench

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/halopsa-go/halopsa"
)

// Two kinds of fixture:
//
//   - Halo's format (Ticket, TicketList): what the benchmarks, the fixture
//     server and the axios comparison use. It is written by haloWriter
//     below, a small writer of its own that imitates Halo's ASP.NET /
//     Newtonsoft serialiser, not by this library's encoder: a fixture made
//     by the library's own code would prove only that the library agrees
//     with itself.
//   - Our encoder's format (EncodedTicket, EncodedTicketList): the older
//     fixtures, kept as a second row of the list-decoding comparison. They
//     are what halopsa.Marshal writes: every timestamp zoned (…Z), no null,
//     no integer as 21.0, no undeclared field. The gap between the two rows
//     is what Halo's format costs.
//
// A record in Halo's format is the generated type's declared fields, in
// the spec's order (Halo's DTO order, which Newtonsoft keeps), each written
// with probability 0.6 (Halo's list and detail views leave out the fields
// they did not load), until the record reaches its size; then, at random
// places between them, a few fields the spec does not declare (custom
// fields CF_<n>, and the like). Values, per field:
//
//   - timestamps zone-less as Newtonsoft writes a DateTime of unspecified
//     kind, "2026-11-26T04:15:00", with 1 to 7 fractional digits (100 ns
//     ticks, trailing zeros trimmed: ".123", ".1234567") in a fifth of them;
//     "1900-01-01T00:00:00" (a sixth) and "1899-12-30T00:00:00" (one in
//     twenty), Halo's two "not set" dates; null (one in ten); a few with Z
//     (DateTime of UTC kind);
//   - integers plain, as 21.0 (one in ten: Halo's decimals), as "21" (one
//     in fifty), or null (one in ten); ids as 21.0 in one record in ten;
//   - floats as Newtonsoft writes doubles: 2.0 for whole values, 12.34;
//   - strings of words, null (one in seven) or "" (one in twenty); long
//     text fields (details, notes) hold HTML with \r\n, \" and non-ASCII
//     text, escaped as Newtonsoft escapes;
//   - booleans true/false;
//   - nested records and lists null, except a DateTimeZone, written as an
//     object half the time;
//   - no whitespace: Newtonsoft's default is compact.
//
// Sizes are those of the older fixtures: about 4.4 KB a list ticket, 15 KB
// a ticket read by id, so that the rows compare.

const (
	listRecordSize   = 4_400
	singleRecordSize = 15_000
)

// haloWriter writes JSON the way Halo sends it.
type haloWriter struct {
	b []byte
	r *rand.Rand
}

var words = strings.Fields("printer offline vpn outlook crash laptop password reset wifi backup failed phone server disk monitor invoice shared drive access request user site client agent team")

// undeclared are names a tenant's records carry that the spec does not
// declare: custom fields and view-specific columns. (A name the record
// type declares is not written as undeclared: see record.)
var undeclared = []string{"CF_101", "CF_117", "CF_205", "CF_bill_ref", "ticket_hyperlink", "_matched_rule"}

func (w *haloWriter) chance(n int) bool { return w.r.IntN(n) == 0 }

// str writes s as Newtonsoft escapes strings: quotes, backslashes and
// control characters; non-ASCII text is written as UTF-8.
func (w *haloWriter) str(s string) {
	w.b = append(w.b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\':
			w.b = append(w.b, '\\', c)
		case '\r':
			w.b = append(w.b, '\\', 'r')
		case '\n':
			w.b = append(w.b, '\\', 'n')
		case '\t':
			w.b = append(w.b, '\\', 't')
		default:
			if c < 0x20 {
				w.b = append(w.b, `\u00`...)
				w.b = append(w.b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
				continue
			}
			w.b = append(w.b, c)
		}
	}
	w.b = append(w.b, '"')
}

func (w *haloWriter) text(name string) string {
	if strings.Contains(name, "details") || strings.Contains(name, "note") {
		return "<p>The printer on the 2nd floor is \"offline\" again.</p>\r\n<p>Reported by Zoë Müller – café area, ext. 4471.</p>\r\n<p>" + w.words(6) + "</p>"
	}
	return w.words(1 + w.r.IntN(4))
}

func (w *haloWriter) words(n int) string {
	ws := make([]string, n)
	for j := range ws {
		ws[j] = words[w.r.IntN(len(words))]
	}
	return strings.Join(ws, " ")
}

func (w *haloWriter) int(v int) {
	switch {
	case w.chance(10):
		w.b = strconv.AppendInt(w.b, int64(v), 10)
		w.b = append(w.b, ".0"...)
	case w.chance(50):
		w.b = append(w.b, '"')
		w.b = strconv.AppendInt(w.b, int64(v), 10)
		w.b = append(w.b, '"')
	default:
		w.b = strconv.AppendInt(w.b, int64(v), 10)
	}
}

// float writes a double as Newtonsoft does: always with a decimal point.
func (w *haloWriter) float(v float64) {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if !strings.ContainsAny(s, ".eE") {
		s += ".0"
	}
	w.b = append(w.b, s...)
}

// time writes a timestamp as Newtonsoft writes a DateTime:
// yyyy-MM-ddTHH:mm:ss.FFFFFFFK, where F trims trailing zeros and K is
// empty for a DateTime of unspecified kind (Halo's usual) and Z for UTC.
func (w *haloWriter) time() {
	switch {
	case w.chance(6):
		w.b = append(w.b, `"1900-01-01T00:00:00"`...)
		return
	case w.chance(20):
		w.b = append(w.b, `"1899-12-30T00:00:00"`...)
		return
	}
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(w.r.IntN(1e6)) * time.Minute)
	w.b = append(w.b, '"')
	w.b = t.AppendFormat(w.b, "2006-01-02T15:04:05")
	if w.chance(5) {
		ticks := w.r.IntN(1e7) // 100 ns ticks
		if w.chance(2) {
			ticks = ticks / 1e4 * 1e4 // milliseconds, as most of Halo's stored times
		}
		if ticks > 0 {
			f := strconv.Itoa(1e7 + ticks)[1:]
			w.b = append(w.b, '.')
			w.b = append(w.b, strings.TrimRight(f, "0")...)
		}
	}
	if w.chance(30) {
		w.b = append(w.b, 'Z')
	}
	w.b = append(w.b, '"')
}

var (
	timeType         = reflect.TypeFor[halopsa.Time]()
	dateTimeZoneType = reflect.TypeFor[halopsa.DateTimeZone]()
)

// record writes one record of type rt in Halo's format.
func (w *haloWriter) record(rt reflect.Type, id int, target int) {
	start := len(w.b)
	w.b = append(w.b, '{')
	first := true
	extra := w.r.IntN(len(undeclared)) // the next undeclared name: each once
	key := func(name string) {
		if !first {
			w.b = append(w.b, ',')
		}
		first = false
		w.str(name)
		w.b = append(w.b, ':')
	}
	for i := 0; i < rt.NumField() && len(w.b)-start < target; i++ {
		ft := rt.Field(i)
		name, _, _ := strings.Cut(ft.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		if name == "id" {
			key(name)
			if id%10 == 3 {
				w.b = append(w.b, strconv.Itoa(id)+".0"...)
			} else {
				w.b = strconv.AppendInt(w.b, int64(id), 10)
			}
			continue
		}
		if w.r.IntN(5) < 2 {
			continue // a field this view does not send
		}
		if extra < len(undeclared) && w.chance(40) {
			if declares(rt, undeclared[extra]) {
				panic("bench: " + rt.Name() + " declares " + undeclared[extra])
			}
			key(undeclared[extra])
			extra++
			if w.chance(2) {
				w.str(w.words(1))
			} else {
				w.b = append(w.b, "null"...)
			}
		}
		key(name)
		t := ft.Type
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case t == timeType:
			if w.chance(10) {
				w.b = append(w.b, "null"...)
			} else {
				w.time()
			}
		case t == dateTimeZoneType:
			if w.chance(2) {
				w.b = append(w.b, "null"...)
				continue
			}
			w.b = append(w.b, `{"datetime":`...)
			w.time()
			w.b = append(w.b, `,"timezone":"GMT Standard Time"}`...)
		case ft.Type.Kind() != reflect.Pointer:
			w.b = append(w.b, "null"...) // lists, maps: Halo writes null
		case t.Kind() == reflect.String:
			switch {
			case w.chance(7):
				w.b = append(w.b, "null"...)
			case w.chance(20):
				w.b = append(w.b, `""`...)
			default:
				w.str(w.text(name))
			}
		case t.Kind() == reflect.Int || t.Kind() == reflect.Int64:
			if w.chance(10) {
				w.b = append(w.b, "null"...)
			} else {
				w.int(w.r.IntN(100000))
			}
		case t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32:
			if w.chance(2) {
				w.float(float64(w.r.IntN(100)))
			} else {
				w.float(float64(w.r.IntN(100000)) / 100)
			}
		case t.Kind() == reflect.Bool:
			w.b = strconv.AppendBool(w.b, w.chance(2))
		default:
			w.b = append(w.b, "null"...) // nested records
		}
	}
	w.b = append(w.b, '}')
}

// declares reports whether the record type rt has a field named name in JSON.
func declares(rt reflect.Type, name string) bool {
	for i := range rt.NumField() {
		if tag, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ","); tag == name {
			return true
		}
	}
	return false
}

// Ticket returns one ticket of about 15 KB in Halo's format, as GET
// /Tickets/{id} sends it.
func Ticket(id int) []byte {
	w := haloWriter{r: rand.New(rand.NewPCG(uint64(id), 7))}
	w.record(reflect.TypeFor[halopsa.Faults](), id, singleRecordSize)
	return w.b
}

// TicketList returns a page of n tickets in Halo's format and list wrapper
// (about 4.4 KB a ticket), numbered from first, with record_count total.
func TicketList(first, n, total int) []byte {
	w := haloWriter{r: rand.New(rand.NewPCG(uint64(first), 7))}
	w.b = append(w.b, `{"page_no":`...)
	w.b = strconv.AppendInt(w.b, int64((first-1)/max(n, 1)+1), 10)
	w.b = append(w.b, `,"page_size":`...)
	w.b = strconv.AppendInt(w.b, int64(n), 10)
	w.b = append(w.b, `,"record_count":`...)
	w.b = strconv.AppendInt(w.b, int64(total), 10)
	w.b = append(w.b, `,"tickets":[`...)
	rt := reflect.TypeFor[halopsa.FaultsList]()
	for i := range n {
		if i > 0 {
			w.b = append(w.b, ',')
		}
		w.record(rt, first+i, listRecordSize)
	}
	w.b = append(w.b, "]}"...)
	return w.b
}

// fill sets the scalar fields of a generated model with deterministic,
// realistic-looking values until the encoded record is about target bytes.
// Nested records and lists are left out, as Halo leaves most of them out.
func fill(v any, seed uint64, target int) {
	r := rand.New(rand.NewPCG(seed, 42))
	rv := reflect.ValueOf(v).Elem()
	rt := rv.Type()
	size := 2
	for i := 0; i < rt.NumField() && size < target; i++ {
		f, ft := rv.Field(i), rt.Field(i)
		if ft.Name == "Extra" || f.Kind() != reflect.Pointer {
			continue
		}
		name := strings.Split(ft.Tag.Get("json"), ",")[0]
		var val any
		switch ft.Type.Elem().Kind() {
		case reflect.String:
			n := 1 + r.IntN(4)
			ws := make([]string, n)
			for j := range ws {
				ws[j] = words[r.IntN(len(words))]
			}
			val = strings.Join(ws, " ")
		case reflect.Int, reflect.Int64:
			val = r.IntN(100000)
		case reflect.Float64, reflect.Float32:
			val = float64(r.IntN(100000)) / 100
		case reflect.Bool:
			val = r.IntN(2) == 0
		case reflect.Struct:
			if ft.Type.Elem() == timeType {
				t := halopsa.Time{Time: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(1e6)) * time.Minute)}
				f.Set(reflect.ValueOf(&t))
				size += len(name) + 26
			}
			continue
		default:
			continue
		}
		p := reflect.New(ft.Type.Elem())
		p.Elem().Set(reflect.ValueOf(val).Convert(ft.Type.Elem()))
		f.Set(p)
		b, _ := json.Marshal(val)
		size += len(name) + len(b) + 4
	}
}

// EncodedTicket returns a ticket of about 15 KB as this library's encoder
// writes it (the older fixture; see the top of this file).
func EncodedTicket(id int) []byte {
	var t halopsa.Faults
	fill(&t, uint64(id), singleRecordSize)
	t.ID = halopsa.Ptr(id)
	b, err := halopsa.Marshal(&t)
	if err != nil {
		panic(err)
	}
	return b
}

// EncodedTicketList returns a page of n tickets as this library's encoder
// writes it (the older fixture).
func EncodedTicketList(first, n, total int) []byte {
	items := make([]halopsa.FaultsList, n)
	for i := range items {
		fill(&items[i], uint64(first+i), listRecordSize)
		items[i].ID = halopsa.Ptr(first + i)
	}
	v := halopsa.TicketsView{RecordCount: halopsa.Ptr(total), Tickets: items, PageNo: halopsa.Ptr(1), PageSize: halopsa.Ptr(n)}
	b, err := halopsa.Marshal(&v)
	if err != nil {
		panic(err)
	}
	return b
}

// PlainFaults and friends have the generated types' fields and tags but
// none of their methods, so encoding/json decodes them by reflection: the
// baseline "encoding/json into the same structs".
type (
	PlainFaults     halopsa.Faults
	PlainFaultsList halopsa.FaultsList
	PlainTickets    struct {
		RecordCount *int              `json:"record_count,omitempty"`
		Tickets     []PlainFaultsList `json:"tickets,omitempty"`
		PageNo      *int              `json:"page_no,omitempty"`
		PageSize    *int              `json:"page_size,omitempty"`
	}
)

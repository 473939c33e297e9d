// Package bench holds the performance benchmarks of the halopsa client and
// the fixtures they share with the load generator and the report
// (bench/run). Nothing here is part of the library.
package bench

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"time"

	"github.com/halopsa-go/halopsa"
)

// fill sets the scalar fields of a generated model with deterministic,
// realistic-looking values until the encoded record is about target bytes.
// Nested records and lists are left out, as Halo leaves most of them out.
func fill(v any, seed uint64, target int) {
	r := rand.New(rand.NewPCG(seed, 42))
	rv := reflect.ValueOf(v).Elem()
	rt := rv.Type()
	words := strings.Fields("printer offline vpn outlook crash laptop password reset wifi backup failed phone server disk monitor invoice shared drive access request user site client agent team")
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
			if ft.Type.Elem() == reflect.TypeFor[halopsa.Time]() {
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

// Ticket returns the JSON of one ticket of about 15 KB, as GET /Tickets/{id} sends it.
func Ticket(id int) []byte {
	var t halopsa.Faults
	fill(&t, uint64(id), 15_000)
	t.ID = halopsa.Ptr(id)
	b, err := halopsa.Marshal(&t)
	if err != nil {
		panic(err)
	}
	return b
}

// TicketList returns the JSON of a page of n tickets in Halo's list wrapper
// (about 4.4 KB a ticket), numbered from first, with record_count total.
func TicketList(first, n, total int) []byte {
	items := make([]halopsa.FaultsList, n)
	for i := range items {
		fill(&items[i], uint64(first+i), 4_400)
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

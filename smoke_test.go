package halopsa

import (
	"io"
	"net/http"
	"testing"
)

func TestSmokeTicketRoundTrip(t *testing.T) {
	var gotBody string
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == "GET" && r.URL.Path == "/api/Tickets":
			writeJSON(w, 200, `{"record_count":1,"tickets":[{"id":5,"summary":"Printer","dateoccurred":"2026-11-26T04:15:00"}],"page_no":1}`)
		case r.Method == "GET" && r.URL.Path == "/api/Tickets/5":
			writeJSON(w, 200, `{"id":5,"summary":"Printer","newfield":{"a":1}}`)
		case r.Method == "POST" && r.URL.Path == "/api/Tickets":
			b, _ := io.ReadAll(r.Body)
			gotBody = string(b)
			writeJSON(w, 201, `{"id":6,"summary":"Printer offline"}`)
		default:
			writeJSON(w, 404, `"not found"`)
		}
	})
	halo := tn.client()
	ctx := ctxT(t)
	list, err := halo.Tickets.GetTickets(ctx, GetTicketsParams{Count: Ptr(10)})
	if err != nil {
		t.Fatal(err)
	}
	if *list.RecordCount != 1 || len(list.Tickets) != 1 || *list.Tickets[0].ID != 5 {
		t.Fatalf("list = %+v", list)
	}
	one, err := halo.Tickets.GetTicketsByID(ctx, GetTicketsByIDParams{ID: 5})
	if err != nil {
		t.Fatal(err)
	}
	if *one.Summary != "Printer" || string(one.Extra["newfield"]) != `{"a":1}` {
		t.Fatalf("one = %+v", one)
	}
	created, err := halo.Tickets.PostTickets(ctx, PostTicketsParams{Body: []Faults{{Summary: Ptr("Printer offline")}}})
	if err != nil {
		t.Fatal(err)
	}
	if *created.ID != 6 || gotBody != `[{"summary":"Printer offline"}]` {
		t.Fatalf("created = %+v, body %s", created, gotBody)
	}
}

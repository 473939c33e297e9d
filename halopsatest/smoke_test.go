package halopsatest_test

import (
	"context"
	"testing"

	"github.com/halopsa-go/halopsa"
	"github.com/halopsa-go/halopsa/halopsatest"
)

func TestSmoke(t *testing.T) {
	srv := halopsatest.NewServer(t)
	halo, err := halopsa.New(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	list, err := halo.Tickets.GetTickets(ctx, halopsa.GetTicketsParams{Count: halopsa.Ptr(3)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("record_count=%d got=%d first=%q", *list.RecordCount, len(list.Tickets), *list.Tickets[0].Summary)
	tk, err := halo.Tickets.GetTicketsByID(ctx, halopsa.GetTicketsByIDParams{ID: *list.Tickets[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ticket %d %q opened %v", *tk.ID, *tk.Summary, tk.Dateoccurred)
	st, err := halo.Status.GetStatus(ctx, halopsa.GetStatusParams{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d statuses", len(st))
}

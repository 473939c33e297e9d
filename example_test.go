package halopsa_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/halopsa-go/halopsa"
	"github.com/halopsa-go/halopsa/halopsatest"
)

// The fake tenant stands in for yourcompany.halopsa.com; with a real
// tenant, pass its URL and the API application's credentials instead.
func ExampleNew() {
	srv := halopsatest.NewServer(nil)
	defer srv.Close()

	halo, err := halopsa.New(srv.Config())
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	t, err := halo.Tickets.GetTicketsByID(ctx, halopsa.GetTicketsByIDParams{ID: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println(*t.ID, *t.Summary)
	// Output: 1 Outlook keeps crashing
}

// Updating a record sends its id and only the fields to change: Halo's
// POST updates every field present in the body.
func ExampleTicketsAPI_PostTickets() {
	srv := halopsatest.NewServer(nil)
	defer srv.Close()
	halo, _ := halopsa.New(srv.Config())
	ctx := context.Background()

	created, _ := halo.Tickets.PostTickets(ctx, halopsa.PostTicketsParams{Body: []halopsa.Faults{{
		Summary: halopsa.Ptr("Printer offline"),
	}}})
	updated, _ := halo.Tickets.PostTickets(ctx, halopsa.PostTicketsParams{Body: []halopsa.Faults{{
		ID: created.ID, StatusID: halopsa.Ptr(5),
	}}})
	fmt.Println(*updated.ID, *updated.Summary, *updated.StatusID)
	// Output: 121 Printer offline 5
}

// GetTicketsAll walks every page, however the tenant caps page sizes.
func ExampleTicketsAPI_GetTicketsAll() {
	srv := halopsatest.NewServer(nil, halopsatest.WithPageSizeCap(50))
	defer srv.Close()
	halo, _ := halopsa.New(srv.Config())

	n := 0
	for t, err := range halo.Tickets.GetTicketsAll(context.Background(), halopsa.GetTicketsParams{ClientID: halopsa.Ptr(1)}) {
		if err != nil {
			panic(err)
		}
		_ = t
		n++
	}
	fmt.Println(n, "tickets of client 1")
	// Output: 24 tickets of client 1
}

// Errors are typed: a missing record is an *APIError with Halo's status.
func ExampleAPIError() {
	srv := halopsatest.NewServer(nil)
	defer srv.Close()
	halo, _ := halopsa.New(srv.Config())

	_, err := halo.Tickets.GetTicketsByID(context.Background(), halopsa.GetTicketsByIDParams{ID: 999999})
	var apiErr *halopsa.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Message())
	}
	// Output: 404 Tickets 999999 not found
}

// A Device can contain devices, so its Children are a LazyList: the JSON
// is kept as Halo sent it and decoded when asked.
func ExampleLazyList() {
	srv := halopsatest.NewServer(nil)
	defer srv.Close()
	halo, _ := halopsa.New(srv.Config())
	ctx := context.Background()

	rack := halopsa.Device{InventoryNumber: halopsa.Ptr("RACK-1")}
	if err := rack.Children.Set([]halopsa.Device{
		{InventoryNumber: halopsa.Ptr("SRV-1")},
		{InventoryNumber: halopsa.Ptr("SRV-2")},
	}); err != nil {
		panic(err)
	}
	created, err := halo.Asset.PostAsset(ctx, halopsa.PostAssetParams{Body: []halopsa.Device{rack}})
	if err != nil {
		panic(err)
	}
	got, err := halo.Asset.GetAssetByID(ctx, halopsa.GetAssetByIDParams{ID: *created.ID})
	if err != nil {
		panic(err)
	}
	children, err := got.Children.Get()
	if err != nil {
		panic(err)
	}
	for _, c := range children {
		fmt.Println(*got.InventoryNumber, ">", *c.InventoryNumber)
	}
	// Output:
	// RACK-1 > SRV-1
	// RACK-1 > SRV-2
}

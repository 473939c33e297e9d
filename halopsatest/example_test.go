package halopsatest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/halopsa-go/halopsa"
	"github.com/halopsa-go/halopsa/halopsatest"
)

// A test of an integration runs it against the fake tenant, with faults
// injected, and checks what the tenant holds afterwards.
func ExampleServer_Inject() {
	srv := halopsatest.NewServer(nil) // in a test: NewServer(t), closed with the test
	defer srv.Close()
	halo, _ := halopsa.New(srv.Config())
	ctx := context.Background()

	// The next create is applied, but the connection drops before the
	// answer: the client must not send it twice.
	srv.Inject(halopsatest.Fault{Kind: halopsatest.ResetAfterApply, Method: "POST", PathPrefix: "/api/Tickets", Count: 1})
	before := srv.RecordCount("Tickets")
	_, err := halo.Tickets.PostTickets(ctx, halopsa.PostTicketsParams{Body: []halopsa.Ticket{{Summary: halopsa.Ptr("VPN down")}}})

	var netErr *halopsa.NetworkError
	fmt.Println(errors.As(err, &netErr) && netErr.MayHaveApplied, srv.RecordCount("Tickets")-before)

	// A 429 is waited out and sent again, for every method.
	srv.Inject(halopsatest.Fault{Kind: halopsatest.RateLimited, PathPrefix: "/api/Status", Count: 1, RetryAfter: 10 * time.Millisecond})
	statuses, err := halo.Status.GetStatus(ctx, halopsa.GetStatusParams{})
	fmt.Println(len(statuses) > 0, err)
	// Output:
	// true 1
	// true <nil>
}

// Handle stubs an endpoint your tenant has and Halo's spec lacks; the
// client reaches it through Do.
func ExampleServer_Handle() {
	srv := halopsatest.NewServer(nil)
	defer srv.Close()
	srv.Handle("GET", "/api/CustomReport/{name}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"report":%q,"rows":3}`, r.PathValue("name"))
	})
	halo, _ := halopsa.New(srv.Config())

	var out struct {
		Report string `json:"report"`
		Rows   int    `json:"rows"`
	}
	err := halo.Do(context.Background(), "GET", "/CustomReport/sla-breaches", nil, nil, &out)
	fmt.Println(out.Report, out.Rows, err)
	// Output: sla-breaches 3 <nil>
}

// Filters work the way Halo's do, and a parameter the fake does not
// simulate is refused with a 400 rather than ignored.
func ExampleWithLenientParams() {
	srv := halopsatest.NewServer(nil)
	defer srv.Close()
	halo, _ := halopsa.New(srv.Config())
	ctx := context.Background()

	open, _ := halo.Tickets.GetTickets(ctx, halopsa.GetTicketsParams{OpenOnly: halopsa.Ptr(true), ClientID: halopsa.Ptr(2)})
	fmt.Println(len(open.Tickets), "open tickets of client 2")

	_, err := halo.Tickets.GetTickets(ctx, halopsa.GetTicketsParams{Withattachments: halopsa.Ptr(true)})
	var apiErr *halopsa.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Message())
	}
	// Output:
	// 27 open tickets of client 2
	// 400 halopsatest: GET /Tickets parameter "withattachments" is not simulated
}

// Package halopsa is a client for the HaloPSA, HaloITSM and HaloCRM REST
// API, generated from Halo's own OpenAPI spec.
//
//	halo, err := halopsa.New(halopsa.Config{
//		CompanyURL:   "https://yourcompany.halopsa.com",
//		ClientID:     os.Getenv("HALO_API_CLIENT_ID"),
//		ClientSecret: os.Getenv("HALO_API_CLIENT_SECRET"),
//	})
//	t, err := halo.Tickets.GetTicketsByID(ctx, halopsa.GetTicketsByIDParams{ID: 12345})
//
// Every section of the API is a field of Client (halo.Tickets, halo.Actions,
// ...), and every operation a method named after its HTTP method and path
// (GET /Tickets/{id} is GetTicketsByID). Each method takes a context and a
// params struct, and returns the decoded response and an error.
//
// Optional fields are pointers: a field you do not set is not sent, which
// matters because Halo's POST updates every field present in the body. Ptr
// makes pointers to literals.
//
// Nested records are typed, except where a record's type can contain
// itself and reaches many others (a Device's child devices, for one): such
// fields are Lazy or LazyList, which keep the JSON and decode it when Get
// is called, so that a program does not link every record type Halo's
// schemas can reach.
package halopsa

//go:generate go run ./cmd/halopsa-gen -out . -overlay internal/gen/overlay.json

// Ptr returns a pointer to v, for optional fields and parameters:
// halopsa.Ptr(10), halopsa.Ptr("Printer offline").
func Ptr[T any](v T) *T { return &v }

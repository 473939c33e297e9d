package halopsatest_test

import (
	"strings"
	"testing"

	"github.com/halopsa-go/halopsa"
	"github.com/halopsa-go/halopsa/halopsatest"
)

// A list whose wrapper Halo's spec does not describe (the client finds its
// records by shape) is served as a wrapper under the section's name in
// lower case, the fake's choice, and the client's List reads it: records,
// record_count and the key.
func TestListsFoundByShape(t *testing.T) {
	srv := halopsatest.NewServer(t)
	halo, err := halopsa.New(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	// Outcomes are part of a fresh tenant's configuration.
	page, err := halo.Outcome.GetOutcome(ctx, halopsa.GetOutcomeParams{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Key != "outcome" || len(page.Records) == 0 || page.RecordCount == nil || *page.RecordCount != len(page.Records) {
		t.Fatalf("key %q, %d records, record_count %v", page.Key, len(page.Records), page.RecordCount)
	}
	for _, o := range page.Records {
		if o.GetID() == 0 || strings.TrimSpace(o.GetOutcome()) == "" {
			t.Fatalf("outcome without id or name: %+v", o)
		}
	}
	// A section the fake keeps no records for answers an empty wrapper.
	empty, err := halo.Appointment.GetAppointment(ctx, halopsa.GetAppointmentParams{})
	if err != nil || len(empty.Records) != 0 {
		t.Fatalf("%+v, %v", empty, err)
	}
}

package halopsa_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/halopsa-go/halopsa"
	"github.com/halopsa-go/halopsa/halopsatest"
)

// TestConcurrentCreatesUnderFaultsNeverDuplicate runs many concurrent
// creates against a tenant that drops connections before and after
// applying requests, rate-limits, fails and stalls at random. Whatever
// happens, no ticket may exist twice; every create the caller saw succeed
// exists exactly once, with the id it was given; a create that failed
// without reaching Halo does not exist.
func TestConcurrentCreatesUnderFaultsNeverDuplicate(t *testing.T) {
	srv := halopsatest.NewServer(t, halopsatest.WithSeed(7), halopsatest.WithoutSeedData())
	for _, f := range []halopsatest.Fault{
		{Kind: halopsatest.ResetAfterApply, PathPrefix: "/api/Tickets", Probability: 0.15},
		{Kind: halopsatest.ResetBeforeRead, PathPrefix: "/api/Tickets", Probability: 0.1},
		{Kind: halopsatest.RateLimited, PathPrefix: "/api/Tickets", Probability: 0.15, RetryAfter: 5 * time.Millisecond},
		{Kind: halopsatest.Unavailable, PathPrefix: "/api/Tickets", Probability: 0.05},
		{Kind: halopsatest.MalformedJSON, Method: "POST", PathPrefix: "/api/Tickets", Probability: 0.05},
		{Kind: halopsatest.Delay, PathPrefix: "/api/Tickets", Probability: 0.1, Delay: 3 * time.Millisecond},
	} {
		srv.Inject(f)
	}
	cfg := srv.Config()
	cfg.Retry = true
	cfg.RetryOptions = halopsa.RetryOptions{Retries: 6, MinTimeout: time.Millisecond, MaxTimeout: 10 * time.Millisecond, Randomize: true, Factor: 2}
	cfg.Logger = discardLogger()
	halo, err := halopsa.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxFor(t)

	const n = 200
	type outcome struct {
		id  int
		err error
	}
	results := make([]outcome, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			created, err := halo.Tickets.PostTickets(ctx, halopsa.PostTicketsParams{Body: []halopsa.Faults{{Summary: halopsa.Ptr(fmt.Sprintf("chaos-%03d", i))}}})
			if err == nil {
				results[i] = outcome{id: *created.ID}
				return
			}
			results[i].err = err
			// Reads are retried freely; they must see a consistent tenant.
			halo.Tickets.GetTickets(ctx, halopsa.GetTicketsParams{Search: halopsa.Ptr(fmt.Sprintf("chaos-%03d", i))})
		}()
	}
	wg.Wait()

	srv.ClearFaults()
	stored := map[string][]int{}
	for tk, err := range halo.Tickets.GetTicketsAll(ctx, halopsa.GetTicketsParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		stored[*tk.Summary] = append(stored[*tk.Summary], *tk.ID)
	}
	var ok, uncertain, notApplied, applied int
	for i, r := range results {
		key := fmt.Sprintf("chaos-%03d", i)
		got := stored[key]
		if len(got) > 1 {
			t.Errorf("%s stored %d times (ids %v): a duplicate", key, len(got), got)
			continue
		}
		var ne *halopsa.NetworkError
		var de *halopsa.DecodeError
		switch {
		case r.err == nil:
			ok++
			if len(got) != 1 || got[0] != r.id {
				t.Errorf("%s succeeded with id %d but is stored as %v", key, r.id, got)
			}
		case errors.As(r.err, &ne) && ne.MayHaveApplied:
			uncertain++
			applied += len(got)
		case errors.As(r.err, &de):
			// A 2xx whose body was cut: the create happened.
			applied += len(got)
			if len(got) != 1 {
				t.Errorf("%s: DecodeError on a 201, but stored %d times", key, len(got))
			}
		default:
			notApplied++
			if len(got) != 0 {
				t.Errorf("%s failed before reaching Halo (%v) but is stored", key, r.err)
			}
		}
	}
	if len(stored) != ok+applied {
		t.Errorf("%d tickets stored, but %d successes and %d uncertain writes applied", len(stored), ok, applied)
	}
	if ok == 0 || uncertain == 0 {
		t.Fatalf("the faults did not exercise both paths: %d ok, %d uncertain", ok, uncertain)
	}
	t.Logf("%d creates: %d succeeded, %d uncertain (%d of them applied), %d failed unapplied; %d requests reached the server",
		n, ok, uncertain, applied, notApplied, len(srv.Requests()))
}

package halopsa_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/halopsa-go/halopsa"
	"github.com/halopsa-go/halopsa/halopsatest"
)

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestPagedWalkReturnsEveryRecordOnce walks 1,234 tickets through servers
// that cap pages at 100 and at 50, asking for various page sizes.
func TestPagedWalkReturnsEveryRecordOnce(t *testing.T) {
	const n = 1234
	cases := []struct {
		name   string
		opts   []halopsatest.Option
		ask    *int
		maxReq int // pages expected at most
	}{
		{"cap 100, default size", []halopsatest.Option{halopsatest.WithPageSizeCap(100)}, nil, 13},
		{"cap 50, default size", []halopsatest.Option{halopsatest.WithSectionPageSizeCap("Tickets", 50)}, nil, 25},
		{"cap 100, asks 500", []halopsatest.Option{halopsatest.WithPageSizeCap(100)}, halopsa.Ptr(500), 13},
		{"cap 50, asks 20", []halopsatest.Option{halopsatest.WithSectionPageSizeCap("Tickets", 50)}, halopsa.Ptr(20), 62},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := halopsatest.NewServer(t, append(tc.opts, halopsatest.WithoutSeedData())...)
			if _, err := srv.AddRecords("Tickets", n); err != nil {
				t.Fatal(err)
			}
			halo, err := halopsa.New(srv.Config())
			if err != nil {
				t.Fatal(err)
			}
			seen := map[int]int{}
			for tk, err := range halo.Tickets.GetTicketsAll(ctxFor(t), halopsa.GetTicketsParams{PageSize: tc.ask}) {
				if err != nil {
					t.Fatal(err)
				}
				seen[*tk.ID]++
			}
			if len(seen) != n {
				t.Fatalf("walk returned %d distinct records, want %d", len(seen), n)
			}
			for id := 1; id <= n; id++ {
				if seen[id] != 1 {
					t.Fatalf("record %d returned %d times", id, seen[id])
				}
			}
			pages := 0
			for _, r := range srv.Requests() {
				if r.Path == "/api/Tickets" {
					pages++
					if !strings.Contains(r.Query, "pageinate=true") {
						t.Fatalf("page request without pageinate: %s", r.Query)
					}
				}
			}
			if pages > tc.maxReq {
				t.Fatalf("%d page requests, want at most %d", pages, tc.maxReq)
			}
		})
	}
}

func TestPagedWalkStopsWhenTheCallerBreaks(t *testing.T) {
	srv := halopsatest.NewServer(t, halopsatest.WithoutSeedData())
	srv.AddRecords("Tickets", 1000)
	halo, _ := halopsa.New(srv.Config())
	got := 0
	for _, err := range halo.Tickets.GetTicketsAll(ctxFor(t), halopsa.GetTicketsParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		got++
		if got == 150 {
			break
		}
	}
	pages := 0
	for _, r := range srv.Requests() {
		if r.Path == "/api/Tickets" {
			pages++
		}
	}
	if got != 150 || pages != 2 {
		t.Fatalf("took %d records over %d pages; want 150 over 2", got, pages)
	}
}

func TestPagedWalkKeepsFilters(t *testing.T) {
	srv := halopsatest.NewServer(t) // seeded: 120 tickets over 6 clients
	halo, _ := halopsa.New(srv.Config())
	var ids []int
	for tk, err := range halo.Tickets.GetTicketsAll(ctxFor(t), halopsa.GetTicketsParams{ClientID: halopsa.Ptr(2), PageSize: halopsa.Ptr(7)}) {
		if err != nil {
			t.Fatal(err)
		}
		if *tk.ClientID != 2 {
			t.Fatalf("ticket %d of client %d in a walk filtered on client 2", *tk.ID, *tk.ClientID)
		}
		ids = append(ids, *tk.ID)
	}
	list, err := halo.Tickets.GetTickets(ctxFor(t), halopsa.GetTicketsParams{ClientID: halopsa.Ptr(2)})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) == 0 || len(ids) != *list.RecordCount {
		t.Fatalf("walk gave %d tickets, the unpaged list says %d", len(ids), *list.RecordCount)
	}
}

func TestOddlyKeyedAndBareLists(t *testing.T) {
	srv := halopsatest.NewServer(t)
	srv.AddRecords("KBArticle", 130)
	srv.AddRecords("Opportunities", 3)
	halo, _ := halopsa.New(srv.Config())
	ctx := ctxFor(t)
	n := 0
	for a, err := range halo.KBArticle.GetKBArticleAll(ctx, halopsa.GetKBArticleParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		if a.ID == nil {
			t.Fatal("article without id")
		}
		n++
	}
	if n != 130 {
		t.Fatalf("%d articles (list key \"articles\"), want 130", n)
	}
	n = 0
	for _, err := range halo.Opportunities.GetOpportunitiesAll(ctx, halopsa.GetOpportunitiesParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 3 {
		t.Fatalf("%d opportunities (list key \"tickets\"), want 3", n)
	}
	statuses, err := halo.Status.GetStatus(ctx, halopsa.GetStatusParams{})
	if err != nil || len(statuses) != srv.RecordCount("Status") || len(statuses) == 0 || *statuses[0].Name != "New" {
		t.Fatalf("bare array: %v, %d statuses", err, len(statuses))
	}
	agents, err := halo.Agent.GetAgent(ctx, halopsa.GetAgentParams{})
	if err != nil || len(agents) != 8 {
		t.Fatalf("bare array of agents: %v, %d", err, len(agents))
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

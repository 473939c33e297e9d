package halopsatest_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/halopsa-go/halopsa"
	"github.com/halopsa-go/halopsa/halopsatest"
)

// The configuration records have the ids a fresh tenant has (or, where
// the package doc says so, the fake's), with and without demo data.
func TestFreshTenantConfiguration(t *testing.T) {
	for _, opts := range [][]halopsatest.Option{nil, {halopsatest.WithoutSeedData()}} {
		srv := halopsatest.NewServer(t, opts...)
		api := newRawAPI(t, srv)
		names := func(section, idField, nameField string) map[string]string {
			t.Helper()
			status, body := api.do("GET", "/api/"+section, nil)
			if status != 200 {
				t.Fatalf("%s: %d %s", section, status, body)
			}
			out := map[string]string{}
			for _, r := range listed(t, body) {
				out[jsonText(r[idField])], _ = r[nameField].(string)
			}
			return out
		}
		checks := []struct {
			section, idField, nameField string
			want                        map[string]string
		}{
			{"Status", "id", "name", map[string]string{"1": "New", "2": "In Progress", "3": "Action Required",
				"4": "Waiting on User", "5": "Waiting on Supplier", "8": "Resolved", "9": "Closed"}},
			{"Priority", "priorityid", "name", map[string]string{"1": "Critical", "2": "High", "3": "Medium", "4": "Low"}},
			{"TicketType", "id", "name", map[string]string{"1": "Incident", "2": "Service Request", "3": "Problem", "4": "Change Request"}},
			{"Team", "id", "name", map[string]string{"1": "Service Desk", "2": "Projects", "3": "Infrastructure"}},
			{"Outcome", "id", "outcome", map[string]string{"1": "Note", "2": "Private Note", "3": "Email User", "4": "Phone Call",
				"5": "Remote Session", "6": "User Update", "7": "Status Change"}},
		}
		for _, c := range checks {
			got := names(c.section, c.idField, c.nameField)
			if len(got) != len(c.want) {
				t.Errorf("%s: %v, want %v", c.section, got, c.want)
			}
			for id, name := range c.want {
				if got[id] != name {
					t.Errorf("%s %s is %q, want %q", c.section, id, got[id], name)
				}
			}
		}
		// Resolved moves on to Closed, as the package doc says.
		st, _ := srv.Record("Status", 8)
		if jsonText(st["statuschangeto"]) != "9" {
			t.Errorf("Resolved: statuschangeto %v", st["statuschangeto"])
		}
	}
}

// Seeded tickets use the configuration's ids, and closed ones carry when.
func TestSeedUsesTheConfiguration(t *testing.T) {
	srv := halopsatest.NewServer(t)
	valid := func(section string) map[string]bool {
		m := map[string]bool{}
		for _, r := range srv.Records(section) {
			m[jsonText(r["id"])] = true
		}
		return m
	}
	statuses, types := valid("Status"), valid("TicketType")
	teams := map[string]bool{}
	for _, r := range srv.Records("Team") {
		teams[r["name"].(string)] = true
	}
	closed := 0
	for _, tk := range srv.Records("Tickets") {
		if !statuses[jsonText(tk["status_id"])] || !types[jsonText(tk["tickettype_id"])] || !teams[tk["team"].(string)] {
			t.Errorf("ticket %v: status %v, type %v, team %v not configured", tk["id"], tk["status_id"], tk["tickettype_id"], tk["team"])
		}
		if jsonText(tk["status_id"]) == "9" {
			closed++
			if tk["dateclosed"] == nil || tk["hasbeenclosed"] != true {
				t.Errorf("closed ticket %v without dateclosed or hasbeenclosed", tk["id"])
			}
		} else if tk["dateclosed"] != nil {
			t.Errorf("open ticket %v with dateclosed", tk["id"])
		}
		if tk["last_update"] == nil {
			t.Errorf("ticket %v without last_update", tk["id"])
		}
	}
	if closed == 0 {
		t.Error("no closed ticket seeded")
	}
	outcomes := valid("Outcome")
	for _, a := range srv.Records("Actions") {
		if !outcomes[jsonText(a["outcome_id"])] {
			t.Errorf("action %v: outcome %v not configured", a["id"], a["outcome_id"])
		}
	}
}

func TestCreateDefaults(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 26, 4, 15, 0, 0, time.UTC)
	clock := func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}
	srv := halopsatest.NewServer(t, halopsatest.WithoutSeedData(), halopsatest.WithClock(clock))
	halo := e2eClient(t, srv)
	ctx := context.Background()

	created, err := halo.Tickets.PostTickets(ctx, halopsa.PostTicketsParams{Body: []halopsa.Faults{{Summary: halopsa.Ptr("defaults")}}})
	if err != nil {
		t.Fatal(err)
	}
	if *created.ID != 1 {
		t.Errorf("first ticket id %d", *created.ID)
	}
	// New, an Incident, with the Incident type's default priority.
	if created.StatusID == nil || *created.StatusID != 1 || created.TickettypeID == nil || *created.TickettypeID != 1 ||
		created.PriorityID == nil || *created.PriorityID != 3 {
		t.Errorf("status %v, type %v, priority %v; want 1, 1, 3", created.StatusID, created.TickettypeID, created.PriorityID)
	}
	for name, ts := range map[string]*halopsa.Time{"dateoccurred": created.Dateoccurred, "last_update": created.LastUpdate} {
		if ts == nil || !ts.Equal(clock()) {
			t.Errorf("%s %v, want the time of the create, %v", name, ts, clock())
		}
	}
	if created.Dateclosed != nil {
		t.Errorf("a new ticket has dateclosed %v", created.Dateclosed)
	}

	// A ticket type's own defaults, and what the request sets, win.
	sr, err := halo.Tickets.PostTickets(ctx, halopsa.PostTicketsParams{Body: []halopsa.Faults{{
		Summary: halopsa.Ptr("a request"), TickettypeID: halopsa.Ptr(2),
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if *sr.PriorityID != 4 || *sr.StatusID != 1 {
		t.Errorf("service request: priority %d, status %d; want 4, 1", *sr.PriorityID, *sr.StatusID)
	}
	given := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	explicit, err := halo.Tickets.PostTickets(ctx, halopsa.PostTicketsParams{Body: []halopsa.Faults{{
		Summary: halopsa.Ptr("explicit"), StatusID: halopsa.Ptr(2), PriorityID: halopsa.Ptr(1), Dateoccurred: halopsa.NewTime(given),
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if *explicit.StatusID != 2 || *explicit.PriorityID != 1 || !explicit.Dateoccurred.Equal(given) {
		t.Errorf("explicit values replaced: %v %v %v", *explicit.StatusID, *explicit.PriorityID, explicit.Dateoccurred)
	}

	// Closing stamps dateclosed and hasbeenclosed; open_only leaves it out.
	id := *created.ID
	stamp, _ := srv.Record("Tickets", id)
	mu.Lock()
	now = now.Add(30 * time.Minute) // within the token's hour
	mu.Unlock()
	if _, err := halo.Tickets.PostTickets(ctx, halopsa.PostTicketsParams{Body: []halopsa.Faults{{ID: &id, StatusID: halopsa.Ptr(9)}}}); err != nil {
		t.Fatal(err)
	}
	closedRec, _ := srv.Record("Tickets", id)
	if closedRec["dateclosed"] != "2026-11-26T04:45:00Z" || closedRec["hasbeenclosed"] != true {
		t.Errorf("closed ticket: dateclosed %v, hasbeenclosed %v", closedRec["dateclosed"], closedRec["hasbeenclosed"])
	}
	if closedRec["last_update"] != "2026-11-26T04:45:00Z" || stamp["last_update"] != "2026-11-26T04:15:00Z" {
		t.Errorf("last_update %v, then %v", stamp["last_update"], closedRec["last_update"])
	}
	if closedRec["dateoccurred"] != stamp["dateoccurred"] {
		t.Errorf("an update changed dateoccurred")
	}
	open, err := halo.Tickets.GetTickets(ctx, halopsa.GetTicketsParams{OpenOnly: halopsa.Ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range open.Tickets {
		if *tk.ID == id {
			t.Error("open_only lists the ticket just closed")
		}
	}
	// Updating a closed ticket keeps when it closed.
	if _, err := halo.Tickets.PostTickets(ctx, halopsa.PostTicketsParams{Body: []halopsa.Faults{{ID: &id, Summary: halopsa.Ptr("still closed")}}}); err != nil {
		t.Fatal(err)
	}
	if again, _ := srv.Record("Tickets", id); again["dateclosed"] != closedRec["dateclosed"] {
		t.Errorf("dateclosed moved from %v to %v", closedRec["dateclosed"], again["dateclosed"])
	}

	// Actions get their time.
	act, err := halo.Actions.PostActions(ctx, halopsa.PostActionsParams{Body: []halopsa.Actions{{TicketID: &id, Note: halopsa.Ptr("n")}}})
	if err != nil {
		t.Fatal(err)
	}
	if act.Datetime == nil || !act.Datetime.Equal(clock()) {
		t.Errorf("action datetime %v", act.Datetime)
	}

	// Put creates like a POST, with the same defaults.
	pid, err := srv.Put("Tickets", map[string]any{"summary": "put"})
	if err != nil {
		t.Fatal(err)
	}
	if put, _ := srv.Record("Tickets", pid); jsonText(put["status_id"]) != "1" || put["dateoccurred"] == nil {
		t.Errorf("Put: %v", put)
	}
}

// New ids follow the largest id a section holds, loaded ones included.
func TestCreatedIDsFollowLoadedOnes(t *testing.T) {
	srv := halopsatest.NewServer(t, halopsatest.WithoutSeedData())
	if _, err := srv.Load("Tickets", []map[string]any{{"id": 5000, "summary": "imported"}}); err != nil {
		t.Fatal(err)
	}
	halo := e2eClient(t, srv)
	created, err := halo.Tickets.PostTickets(context.Background(), halopsa.PostTicketsParams{Body: []halopsa.Faults{{Summary: halopsa.Ptr("next")}}})
	if err != nil {
		t.Fatal(err)
	}
	if *created.ID != 5001 {
		t.Errorf("created id %d, want 5001", *created.ID)
	}
	// Text ids (a priority's guid) too.
	ids, err := srv.Load("Priority", []map[string]any{{"id": "00000000-0000-4000-8000-000000000100", "name": "P100", "priorityid": 100}})
	if err != nil {
		t.Fatal(err)
	}
	next, err := srv.Put("Priority", map[string]any{"name": "after"})
	if err != nil {
		t.Fatal(err)
	}
	if ids[0] != "00000000-0000-4000-8000-000000000100" || next != "00000000-0000-4000-8000-000000000101" {
		t.Errorf("ids %v then %v", ids, next)
	}
	// Load keeps what Put would drop, and sets no defaults.
	if _, err := srv.Load("Tickets", []map[string]any{{"id": 7, "undeclared": json.Number("1")}}); err != nil {
		t.Fatal(err)
	}
	rec, _ := srv.Record("Tickets", 7)
	if rec["undeclared"] != json.Number("1") || rec["status_id"] != nil || len(rec) != 2 {
		t.Errorf("loaded record %v", rec)
	}
	// Records lists them in id order.
	var got []string
	for _, r := range srv.Records("tickets") {
		got = append(got, jsonText(r["id"]))
	}
	if !slices.Equal(got, []string{"7", "5000", "5001"}) {
		t.Errorf("Records: %v", got)
	}
	if srv.Records("NoSuchSection") != nil {
		t.Error("Records of a section that keeps none")
	}
	if _, err := srv.Load("Tickets", []map[string]any{{"id": 8}, {"id": "abc"}}); err == nil {
		t.Error("Load of a text id into Tickets succeeded")
	}
	if _, ok := srv.Record("Tickets", 8); ok {
		t.Error("a failed Load stored a record")
	}
}

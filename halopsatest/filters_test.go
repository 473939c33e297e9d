package halopsatest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/halopsa-go/halopsa"
	"github.com/halopsa-go/halopsa/halopsatest"
)

// filterRecords are records made for the filter tests, by section, in
// the forms real tenants send: ids as "1" or 31.0, zone-less timestamps,
// booleans as 0/1, fields the spec does not declare.
var filterRecords = map[string][]map[string]any{
	"Tickets": {
		{"id": 1, "client_id": 1, "site_id": 11, "user_id": 21, "agent_id": 31, "team": "Service Desk", "status_id": 1,
			"tickettype_id": 1, "priority_id": 1, "dateoccurred": "2026-01-10T09:00:00", "summary": "Printer jam", "details": "tray 2"},
		{"id": 2, "client_id": 2, "site_id": 12, "user_id": 22, "agent_id": 32, "team": "Projects", "status_id": 2,
			"tickettype_id": 2, "priority_id": 2, "dateoccurred": "2026-02-10T09:00:00Z", "summary": "VPN down", "details": "since the update"},
		{"id": 3, "client_id": 1, "site_id": 11, "user_id": 21, "agent_id": 32, "team": "projects", "status_id": 9,
			"tickettype_id": 3, "priority_id": 3, "dateoccurred": "2026-03-10T09:00:00.123", "summary": "Laptop swap", "details": "and the printer driver"},
		{"id": 4, "client_id": 3, "site_id": 13, "user_id": 23, "agent_id": 31, "team": "Infrastructure", "status_id": 8,
			"tickettype_id": 1, "priority_id": 4, "dateoccurred": "2026-04-10 09:00:00", "summary": "Backup failed", "details": ""},
		{"id": 5, "client_id": 2, "site_id": 12, "user_id": 22, "agent_id": 33, "team": "Service Desk", "status_id": 9.0,
			"tickettype_id": 4, "priority_id": 2, "dateoccurred": "2026-05-10T09:00:00+02:00", "summary": "Phones", "details": "handsets"},
		{"id": 6, "client_id": "1", "agent_id": 31.0, "status_id": "2", "summary": "No date, no team", "cf_undeclared": "x"},
	},
	"Actions": {
		{"id": 1, "ticket_id": 1, "actionby_agent_id": 31, "hiddenfromuser": false, "outcome": "Note"},
		{"id": 2, "ticket_id": 1, "actionby_agent_id": 31, "hiddenfromuser": true, "outcome": "Private Note"},
		{"id": 3, "ticket_id": 1, "actionby_user_id": 21, "hiddenfromuser": false, "outcome": "User Update"},
		{"id": 4, "ticket_id": 1, "action_systemid": 7, "hiddenfromuser": true, "outcome": "Status Change"},
		{"id": 5, "ticket_id": 2, "actionby_agent_id": "32", "hiddenfromuser": 0, "outcome": "Email User"},
		{"id": 6, "ticket_id": "2", "action_systemid": "7", "hiddenfromuser": false, "outcome": "Status Change"},
	},
	"Client": {
		{"id": 1, "name": "Acme Ltd", "toplevel_id": 1, "inactive": false},
		{"id": 2, "name": "Globex", "toplevel_id": 2},
		{"id": 3, "name": "Acme (old)", "toplevel_id": 1, "inactive": true},
		{"id": 4, "name": "Initech", "toplevel_id": 2, "inactive": 1},
	},
	"Site": {
		{"id": 1, "name": "Head Office", "client_id": 1, "inactive": false},
		{"id": 2, "name": "Warehouse", "client_id": 2},
		{"id": 3, "name": "Old Office", "client_id": 1, "inactive": true},
	},
	"Users": {
		{"id": 1, "name": "Alice Smith", "emailaddress": "alice@acme.example", "client_id": 1, "site_id": 1},
		{"id": 2, "name": "Bob Jones", "emailaddress": "bob@globex.example", "client_id": 2, "site_id": 2},
		{"id": 3, "name": "Carla Novak", "emailaddress": "carla@acme.example", "client_id": 1, "site_id": 3, "inactive": "true"},
	},
	"Asset": {
		{"id": 1, "inventory_number": "AST-1", "key_field": "LAP-001", "client_id": 1, "site_id": 1, "assettype_id": 5},
		{"id": 2, "inventory_number": "AST-2", "key_field": "SRV-002", "client_id": 2, "site_id": 2, "assettype_id": 6},
		{"id": 3, "inventory_number": "AST-3", "key_field": "LAP-003", "client_id": 1, "site_id": 1, "assettype_id": 5, "inactive": true},
	},
	"Agent": {
		{"id": 1, "name": "Ann", "team": "Service Desk"},
		{"id": 2, "name": "Ben", "team": "Projects", "isdisabled": false},
		{"id": 3, "name": "Cy", "team": "Service Desk", "isdisabled": true},
	},
	"Invoice":       {{"id": 1, "client_id": 1}, {"id": 2, "client_id": 2}},
	"Quotation":     {{"id": 1, "client_id": 1}, {"id": 2, "client_id": 2}},
	"Opportunities": {{"id": 1, "client_id": 1, "summary": "Upsell"}, {"id": 2, "client_id": 2, "summary": "Renewal"}},
}

// filterServer is a tenant with the configuration of a fresh one and the
// filterRecords.
func filterServer(t *testing.T, opts ...halopsatest.Option) (*halopsatest.Server, *rawAPI) {
	srv := halopsatest.NewServer(t, append([]halopsatest.Option{halopsatest.WithoutSeedData()}, opts...)...)
	for section, recs := range filterRecords {
		if _, err := srv.Load(section, recs); err != nil {
			t.Fatal(err)
		}
	}
	return srv, newRawAPI(t, srv)
}

func TestListFilters(t *testing.T) {
	_, api := filterServer(t)
	cases := []struct {
		section, query string
		want           []int
	}{
		{"Tickets", "", []int{1, 2, 3, 4, 5, 6}},
		// Open and closed are decided by the Closed status (9); Resolved
		// (8) is open.
		{"Tickets", "open_only=true", []int{1, 2, 4, 6}},
		{"Tickets", "open_only=false", []int{1, 2, 3, 4, 5, 6}},
		{"Tickets", "closed_only=true", []int{3, 5}},
		{"Tickets", "client_id=1", []int{1, 3, 6}},
		{"Tickets", "site_id=12", []int{2, 5}},
		{"Tickets", "user_id=21", []int{1, 3}},
		{"Tickets", "agent_id=31", []int{1, 4, 6}},
		{"Tickets", "agent=31%2C33", []int{1, 4, 5, 6}},
		{"Tickets", "team=2", []int{2, 3}}, // by the Team record's name, without case
		{"Tickets", "team=1,3", []int{1, 4, 5}},
		{"Tickets", "team_id=3", []int{4}},
		{"Tickets", "team=99", nil},
		{"Tickets", "status_id=9", []int{3, 5}},
		{"Tickets", "status=1,2", []int{1, 2, 6}},
		{"Tickets", "requesttype_id=1", []int{1, 4}},
		{"Tickets", "requesttype=3,4", []int{3, 5}},
		{"Tickets", "priority=2", []int{2, 5}},
		{"Tickets", "priority=1,4", []int{1, 4}},
		{"Tickets", "priority=1&priority=4", []int{1, 4}}, // repeated: joined, as ASP.NET binds it
		{"Tickets", "search=PRINTER", []int{1, 3}},        // summary or details
		{"Tickets", "search=6", []int{6}},                 // the ticket number
		{"Tickets", "search=x", nil},                      // not an undeclared field
		{"Tickets", "startdate=2026-02-10T09:00:00", []int{2, 3, 4, 5}},
		{"Tickets", "enddate=2026-03-10", []int{1, 2}},
		{"Tickets", "startdate=2026-02-01&enddate=2026-04-10T09:00:00", []int{2, 3, 4}},
		{"Tickets", "startdate=2026-05-10T07:00:00Z", []int{5}},
		{"Tickets", "datesearch=dateoccurred&startdate=2026-04-01", []int{4, 5}},
		{"Tickets", "datesearch=dateoccured&enddate=2026-01-31", []int{1}},
		{"Tickets", "open_only=true&client_id=1", []int{1, 6}},
		{"Tickets", "order=priority_id&orderdesc=true", []int{4, 3, 2, 5, 1, 6}},
		{"Tickets", "order=team&order2=id&orderdesc2=true", []int{6, 4, 3, 2, 5, 1}},
		{"Tickets", "open_only=true&pageinate=true&page_size=2&page_no=2", []int{4, 6}},
		{"Tickets", "open_only=true&count=3", []int{1, 2, 4}},

		{"Actions", "ticket_id=1", []int{1, 2, 3, 4}},
		{"Actions", "ticket_id=2", []int{5, 6}},
		{"Actions", "excludesys=true", []int{1, 2, 3, 5}},
		{"Actions", "agentonly=true", []int{1, 2, 5}},
		{"Actions", "conversationonly=true", []int{1, 3, 5}},
		{"Actions", "ticket_id=1&conversationonly=true&agentonly=true", []int{1}},

		{"Client", "", []int{1, 2}}, // inactive clients only when asked
		{"Client", "includeinactive=true", []int{1, 2, 3, 4}},
		{"Client", "includeinactive=false", []int{1, 2}},
		{"Client", "search=acme", []int{1}},
		{"Client", "search=acme&includeinactive=true", []int{1, 3}},
		{"Client", "toplevel_id=1", []int{1}},
		{"Client", "toplevel_id=1&includeinactive=true", []int{1, 3}},
		{"Client", "order=name&orderdesc=true&includeinactive=1", []int{4, 2, 1, 3}},

		{"Site", "client_id=1", []int{1}},
		{"Site", "search=office", []int{1}},
		{"Site", "search=office&includeinactive=true", []int{1, 3}},

		{"Users", "client_id=1", []int{1}},
		{"Users", "site_id=2", []int{2}},
		{"Users", "search=acme.example", []int{1}}, // the email address
		{"Users", "search=bob", []int{2}},
		{"Users", "client_id=1&includeinactive=true", []int{1, 3}},

		{"Asset", "client_id=1", []int{1}},
		{"Asset", "site_id=2", []int{2}},
		{"Asset", "assettype_id=5", []int{1}},
		{"Asset", "search=lap", []int{1}},
		{"Asset", "search=lap&includeinactive=true", []int{1, 3}},

		{"Agent", "", []int{1, 2}},
		{"Agent", "includedisabled=true", []int{1, 2, 3}},
		{"Agent", "team=Service+Desk", []int{1}},
		{"Agent", "team=service+desk&includedisabled=true", []int{1, 3}},
		{"Agent", "team_id=2", []int{2}},

		{"Invoice", "client_id=2", []int{2}},
		{"Quotation", "client_id=1", []int{1}},
		{"Opportunities", "client_id=2", []int{2}},
	}
	for _, c := range cases {
		t.Run(c.section+"?"+c.query, func(t *testing.T) {
			status, body := api.do("GET", "/api/"+c.section+"?"+c.query, nil)
			if status != 200 {
				t.Fatalf("%d %s", status, body)
			}
			if got := ids(t, listed(t, body)); !slices.Equal(got, c.want) {
				t.Errorf("ids %v, want %v", got, c.want)
			}
		})
	}
}

// The record_count of a filtered list counts what the filters keep.
func TestFilteredRecordCount(t *testing.T) {
	_, api := filterServer(t)
	_, body := api.do("GET", "/api/Tickets?open_only=true&pageinate=true&page_size=1", nil)
	var page struct {
		RecordCount int `json:"record_count"`
	}
	if err := json.Unmarshal(body, &page); err != nil || page.RecordCount != 4 {
		t.Errorf("record_count %d (%v), want 4: %s", page.RecordCount, err, body)
	}
}

func TestTicketIDOnlyAndIDOnly(t *testing.T) {
	_, api := filterServer(t)
	_, body := api.do("GET", "/api/Tickets?ticketidonly=true&client_id=1", nil)
	recs := listed(t, body)
	if got := ids(t, recs); !slices.Equal(got, []int{1, 3, 6}) {
		t.Fatalf("ids %v", got)
	}
	allowed := []string{"id", "sla_id", "status_id", "client_id", "client_name", "lastincomingemail"}
	for _, r := range recs {
		if _, ok := r["status_id"]; !ok {
			t.Errorf("ticketidonly dropped status_id: %v", r)
		}
		for k := range r {
			if !slices.Contains(allowed, k) {
				t.Errorf("ticketidonly kept %s: %v", k, r)
			}
		}
	}
	_, body = api.do("GET", "/api/Client?idonly=true", nil)
	for _, r := range listed(t, body) {
		if len(r) != 1 || r["id"] == nil {
			t.Errorf("idonly: %v", r)
		}
	}
}

// A filter the fake does not simulate is refused, naming it, rather than
// answered with an unfiltered list.
func TestUnsimulatedParameterRefused(t *testing.T) {
	srv, api := filterServer(t)
	cases := []struct {
		path    string
		message string   // the whole message, when given
		names   []string // the parameters named
		has     string   // a part of the message
	}{
		{path: "/api/Tickets?xyz=1", message: `halopsatest: GET /Tickets parameter "xyz" is not simulated`, names: []string{"xyz"}},
		{path: "/api/tickets?includeclosed=1", message: `halopsatest: GET /Tickets parameter "includeclosed" is not simulated`, names: []string{"includeclosed"}},
		{path: "/api/Tickets?open_only=true&mine=true&billableonly=true", message: `halopsatest: GET /Tickets parameters "billableonly", "mine" are not simulated`, names: []string{"billableonly", "mine"}},
		{path: "/api/Tickets?client_id=abc", names: []string{"client_id"}, has: `parameter "client_id": value "abc" is not an integer`},
		{path: "/api/Tickets?client_id=1,2", names: []string{"client_id"}, has: `value "1,2" is not one id`},
		{path: "/api/Tickets?open_only=true&open_only=false", names: []string{"open_only"}, has: `value "true,false" is not a boolean`},
		{path: "/api/Tickets?open_only=maybe", names: []string{"open_only"}, has: `"maybe" is not a boolean`},
		{path: "/api/Tickets?startdate=yesterday", names: []string{"startdate"}, has: `"yesterday" is not a timestamp`},
		{path: "/api/Tickets?datesearch=datecleared&startdate=2026-01-01", names: []string{"datesearch"}, has: `parameter "datesearch" is not simulated with value "datecleared"`},
		{path: "/api/Tickets?order=nosuchfield", names: []string{"order"}, has: `"nosuchfield", which is not a field of Faults`},
		{path: "/api/Status?type=1", message: `halopsatest: GET /Status parameter "type" is not simulated`, names: []string{"type"}},
		{path: "/api/Invoice?postedonly=true", message: `halopsatest: GET /Invoice parameter "postedonly" is not simulated`, names: []string{"postedonly"}},
		// includeinactive is simulated where Halo hides inactive records,
		// not on tickets.
		{path: "/api/Tickets?includeinactive=true", names: []string{"includeinactive"}},
		// A section that keeps no records answers an empty list, but
		// refuses filters all the same.
		{path: "/api/AdobeCommerceIntegration?client_id=1", message: `halopsatest: GET /AdobeCommerceIntegration parameter "client_id" is not simulated`, names: []string{"client_id"}},
	}
	for _, c := range cases {
		t.Run(c.path, func(t *testing.T) {
			status, body := api.do("GET", c.path, nil)
			if status != 400 {
				t.Fatalf("%d %s", status, body)
			}
			var e struct {
				Message    string
				Parameters []string
			}
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatal(err)
			}
			if c.message != "" && e.Message != c.message {
				t.Errorf("message %q, want %q", e.Message, c.message)
			}
			if !strings.Contains(e.Message, c.has) {
				t.Errorf("message %q lacks %q", e.Message, c.has)
			}
			if !slices.Equal(e.Parameters, c.names) {
				t.Errorf("parameters %v, want %v", e.Parameters, c.names)
			}
		})
	}
	if status, body := api.do("GET", "/api/AdobeCommerceIntegration", nil); status != 200 {
		t.Errorf("unfiltered list of a section without records: %d %s", status, body)
	}

	// Through the client, the refusal is an *APIError that says why.
	halo := e2eClient(t, srv)
	_, err := halo.Tickets.GetTickets(context.Background(), halopsa.GetTicketsParams{Mine: halopsa.Ptr(true)})
	var ae *halopsa.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 400 || ae.Message() != `halopsatest: GET /Tickets parameter "mine" is not simulated` {
		t.Errorf("client: %v", err)
	}
}

// Output-shaping parameters are accepted and change nothing about which
// records come back; filters named include... are not among them.
func TestShapingParamsAccepted(t *testing.T) {
	_, api := filterServer(t)
	shaping := halopsatest.ShapingParams()
	if !slices.IsSorted(shaping) || len(shaping) == 0 {
		t.Fatalf("ShapingParams: %v", shaping)
	}
	for _, filter := range []string{"includeinactive", "includeactive", "includeclosed", "includechildren", "includehold",
		"includedisabled", "includeenabled", "includeinactiveusers", "includemyuseronly", "includeprojects", "includeapproval",
		"includecredits", "includeinvoices", "includeunassigned", "includeagentsforteams", "includelocked", "includedeleted",
		"open_only", "search", "mine", "showinactive", "showall"} {
		if slices.Contains(shaping, filter) {
			t.Errorf("%s changes which records come back, yet ShapingParams lists it", filter)
		}
	}
	q := url.Values{}
	for _, p := range shaping {
		q.Set(p, "true")
	}
	for _, section := range []string{"Tickets", "Actions", "Client", "Users", "Agent"} {
		_, plain := api.do("GET", "/api/"+section, nil)
		status, shaped := api.do("GET", "/api/"+section+"?"+q.Encode(), nil)
		if status != 200 {
			t.Fatalf("%s with every shaping parameter: %d %s", section, status, shaped)
		}
		if !reflect.DeepEqual(listed(t, plain), listed(t, shaped)) {
			t.Errorf("%s: shaping parameters changed the list", section)
		}
	}
}

func TestLenientParams(t *testing.T) {
	logs := &logCapture{TB: t}
	srv := halopsatest.NewServer(logs, halopsatest.WithoutSeedData(), halopsatest.WithLenientParams())
	if _, err := srv.Load("Tickets", filterRecords["Tickets"]); err != nil {
		t.Fatal(err)
	}
	api := newRawAPI(t, srv)
	// The unsimulated parameters are ignored; the simulated one filters.
	status, body := api.do("GET", "/api/Tickets?xyz=1&client_id=1&mine=true&agent_id=notanumber", nil)
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	if got := ids(t, listed(t, body)); !slices.Equal(got, []int{1, 3, 6}) {
		t.Errorf("ids %v, want the client_id=1 tickets", got)
	}
	want := `halopsatest: GET /Tickets parameters "mine", "xyz" are not simulated; parameter "agent_id": value "notanumber" is not an integer or a comma-separated list of integers; ignored (WithLenientParams)`
	if lines := logs.logged(); !slices.Contains(lines, want) {
		t.Errorf("logged %q, want a line %q", lines, want)
	}
}

// Paging parameters too big to multiply give an empty page, not a panic.
func TestHugePageNumbers(t *testing.T) {
	srv := halopsatest.NewServer(t)
	api := newRawAPI(t, srv)
	for _, q := range []string{
		"pageinate=true&page_size=100&page_no=4611686018427387904",
		"pageinate=true&page_size=9223372036854775807&page_no=3",
	} {
		status, body := api.do("GET", "/api/Tickets?"+q, nil)
		if status != 200 || len(listed(t, body)) != 0 {
			t.Fatalf("%s: %d %s", q, status, body)
		}
	}
}

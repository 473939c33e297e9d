package halopsa_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/halopsa-go/halopsa"
	"github.com/halopsa-go/halopsa/halopsatest"
)

// newDemo starts a fake tenant with its deterministic demo data and a
// client for it; with a real tenant, use your URL and credentials.
func newDemo() (*halopsa.Client, func()) {
	srv := halopsatest.NewServer(nil)
	halo, err := halopsa.New(srv.Config())
	if err != nil {
		panic(err)
	}
	return halo, srv.Close
}

// Listing tickets with Halo's filters: the open tickets of one client,
// newest first, every page.
func ExampleTicketsAPI_GetTicketsAll_filters() {
	halo, done := newDemo()
	defer done()

	open := halo.Tickets.GetTicketsAll(context.Background(), halopsa.GetTicketsParams{
		ClientID:  halopsa.Ptr(2),
		OpenOnly:  halopsa.Ptr(true),
		Order:     halopsa.Ptr("dateoccurred"),
		Orderdesc: halopsa.Ptr(true),
	})
	n := 0
	for t, err := range open {
		if err != nil {
			panic(err)
		}
		if n < 3 {
			fmt.Printf("#%d %s: %s, status %d\n", t.GetID(), t.GetDateoccurred().Format("2006-01-02"), t.GetSummary(), t.GetStatusID())
		}
		n++
	}
	fmt.Println(n, "open tickets")
	// Output:
	// #15 2026-11-01: Backup job failed, status 4
	// #58 2026-10-31: Backup job failed, status 4
	// #37 2026-10-30: Request access to shared drive, status 2
	// 27 open tickets
}

// A ticket's life: create it, add a note (an action), close it.
func Example_tickets() {
	halo, done := newDemo()
	defer done()
	ctx := context.Background()

	t, err := halo.Tickets.PostTickets(ctx, halopsa.PostTicketsParams{Body: []halopsa.Ticket{{
		Summary:  halopsa.Ptr("Printer on floor 2 offline"),
		Details:  halopsa.Ptr("Shows 'paper jam' with no paper in it."),
		ClientID: halopsa.Ptr(2),
	}}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("created #%d %q, status %d\n", t.GetID(), t.GetSummary(), t.GetStatusID())

	note, err := halo.Actions.PostActions(ctx, halopsa.PostActionsParams{Body: []halopsa.Action{{
		TicketID: t.ID,
		Note:     halopsa.Ptr("Cleared the sensor; printing again."),
		Outcome:  halopsa.Ptr("Private Note"),
	}}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("action #%d on ticket #%d: %s\n", note.GetID(), note.GetTicketID(), note.GetNote())

	// Closing is an update: the id and the fields to change, nothing else.
	closed, err := halo.Tickets.PostTickets(ctx, halopsa.PostTicketsParams{Body: []halopsa.Ticket{{
		ID: t.ID, StatusID: halopsa.Ptr(9), // 9 is Halo's built-in Closed status
	}}})
	if err != nil {
		panic(err)
	}
	fmt.Printf("#%d status %d, summary kept: %q\n", closed.GetID(), closed.GetStatusID(), closed.GetSummary())
	// Output:
	// created #121 "Printer on floor 2 offline", status 1
	// action #264 on ticket #121: Cleared the sensor; printing again.
	// #121 status 9, summary kept: "Printer on floor 2 offline"
}

// Clients (Customer records), their sites, and their users.
func Example_customers() {
	halo, done := newDemo()
	defer done()
	ctx := context.Background()

	for c, err := range halo.Client.GetClientAll(ctx, halopsa.GetClientParams{}) {
		if err != nil {
			panic(err)
		}
		var customer halopsa.Customer = c // Halo calls them clients; the schema is Area
		fmt.Printf("client #%d %s\n", customer.GetID(), customer.GetName())
		if customer.GetID() != 2 {
			continue
		}
		sites, err := halo.Site.GetSite(ctx, halopsa.GetSiteParams{ClientID: c.ID})
		if err != nil {
			panic(err)
		}
		for _, s := range sites.Sites {
			fmt.Printf("  site #%d %s\n", s.GetID(), s.GetName())
		}
		users, err := halo.Users.GetUsers(ctx, halopsa.GetUsersParams{ClientID: c.ID, Count: halopsa.Ptr(2)})
		if err != nil {
			panic(err)
		}
		for _, u := range users.Users {
			fmt.Printf("  user #%d %s <%s>\n", u.GetID(), u.GetName(), u.GetEmailaddress())
		}
	}
	// Output:
	// client #1 Northwind Ltd
	// client #2 Contoso Dental
	//   site #2 Contoso Dental Head Office
	//   site #8 Contoso Dental Warehouse
	//   user #1 Kofi Okafor <kofi.okafor@contoso.example>
	//   user #8 Carla Kowalski <carla.kowalski@contoso.example>
	// client #3 Fabrikam Legal
	// client #4 Globex Ltd
	// client #5 Initech Logistics
	// client #6 Umbrella Partners
}

// Agents and the teams they work in. Both lists come back as bare arrays.
func ExampleAgentAPI_GetAgent() {
	halo, done := newDemo()
	defer done()
	ctx := context.Background()

	teams, err := halo.Team.GetTeam(ctx, halopsa.GetTeamParams{})
	if err != nil {
		panic(err)
	}
	for _, t := range teams {
		fmt.Printf("team #%d %s\n", t.GetID(), t.GetName())
	}
	agents, err := halo.Agent.GetAgent(ctx, halopsa.GetAgentParams{})
	if err != nil {
		panic(err)
	}
	for _, a := range agents[:min(3, len(agents))] {
		fmt.Printf("agent #%d %s (team %s)\n", a.GetID(), a.GetName(), a.GetTeam())
	}
	// Output:
	// team #1 Service Desk
	// team #2 Projects
	// team #3 Infrastructure
	// agent #1 Ines Haddad (team Service Desk)
	// agent #2 Jonas Jensen (team Projects)
	// agent #3 Priya Tanaka (team Infrastructure)
}

// Assets of one client, with their type and inventory number.
func ExampleAssetAPI_GetAssetAll() {
	halo, done := newDemo()
	defer done()

	n := 0
	for a, err := range halo.Asset.GetAssetAll(context.Background(), halopsa.GetAssetParams{ClientID: halopsa.Ptr(2)}) {
		if err != nil {
			panic(err)
		}
		if n < 3 {
			fmt.Printf("asset #%d %s at site %d\n", a.GetID(), a.GetInventoryNumber(), a.GetSiteID())
		}
		n++
	}
	fmt.Println(n, "assets")
	// Output:
	// asset #10 AST-01009 at site 2
	// asset #11 AST-01010 at site 8
	// asset #13 AST-01012 at site 8
	// 7 assets
}

// Attachments: the file travels as base64 in JSON on the way up, and comes
// back as raw bytes.
func ExampleAttachmentAPI_PostAttachment() {
	halo, done := newDemo()
	defer done()
	ctx := context.Background()

	content := []byte("%PDF-1.7 scanned invoice")
	att, err := halo.Attachment.PostAttachment(ctx, halopsa.PostAttachmentParams{Body: []halopsa.Attachment{{
		TicketID: halopsa.Ptr(1), Filename: halopsa.Ptr("invoice.pdf"), Data: content,
	}}})
	if err != nil {
		panic(err)
	}
	back, err := halo.Attachment.GetAttachmentByID(ctx, halopsa.GetAttachmentByIDParams{ID: att.GetID()})
	if err != nil {
		panic(err)
	}
	fmt.Println(att.GetFilename(), len(back), "bytes, same:", bytes.Equal(back, content))
	// Output: invoice.pdf 24 bytes, same: true
}

// Custom fields travel in a record's customfields list, by id (or name),
// each value as JSON: a string, a number, a date, a list of options.
func Example_customFields() {
	halo, done := newDemo()
	defer done()
	ctx := context.Background()

	t, err := halo.Tickets.PostTickets(ctx, halopsa.PostTicketsParams{Body: []halopsa.Ticket{{
		Summary: halopsa.Ptr("New starter: laptop"),
		Customfields: []halopsa.CustomField{
			{ID: halopsa.Ptr(145), Name: halopsa.Ptr("CFStartDate"), Value: json.RawMessage(`"2026-12-07T09:00:00"`)},
			{ID: halopsa.Ptr(146), Name: halopsa.Ptr("CFCostCentre"), Value: json.RawMessage(`"CC-4410"`)},
		},
	}}})
	if err != nil {
		panic(err)
	}
	got, err := halo.Tickets.GetTicketsByID(ctx, halopsa.GetTicketsByIDParams{ID: t.GetID()})
	if err != nil {
		panic(err)
	}
	for _, cf := range got.Customfields {
		var v string
		if err := json.Unmarshal(cf.Value, &v); err != nil {
			panic(err)
		}
		fmt.Printf("%s (#%d) = %s\n", cf.GetName(), cf.GetID(), v)
	}
	// Output:
	// CFStartDate (#145) = 2026-12-07T09:00:00
	// CFCostCentre (#146) = CC-4410
}

package halopsatest

import (
	"fmt"
	mrand "math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// seedBase is the date seeded records are anchored to, so that the data
// does not depend on when the server starts.
var seedBase = time.Date(2026, 11, 2, 8, 30, 0, 0, time.UTC)

var (
	companyWords = []string{"Acme", "Northwind", "Contoso", "Fabrikam", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Hooli"}
	companyKinds = []string{"Ltd", "Group", "Partners", "Logistics", "Dental", "Legal", "Engineering", "Foods"}
	siteNames    = []string{"Head Office", "Warehouse", "Branch", "Remote", "Data Centre", "Showroom"}
	firstNames   = []string{"Alice", "Bob", "Carla", "Dev", "Erin", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kofi", "Lena", "Mateo", "Nadia", "Owen", "Priya"}
	lastNames    = []string{"Smith", "Okafor", "Novak", "Tanaka", "Garcia", "Müller", "Brown", "Kowalski", "Haddad", "Silva", "Jensen", "O'Neill"}
	problems     = []string{"Printer offline", "Cannot log in to VPN", "Outlook keeps crashing", "New starter laptop", "Password reset", "Slow Wi-Fi on floor 2", "Backup job failed", "Phone system down", "Request access to shared drive", "Monitor flickering", "Invoice PDF not generating", "Server disk space low"}
	notes        = []string{"Called the user, investigating.", "Restarted the service; monitoring.", "Escalated to second line.", "Waiting on the customer's reply.", "Replaced the cable, issue resolved.", "Applied the vendor's patch."}
	assetKinds   = []string{"Laptop", "Desktop", "Printer", "Firewall", "Switch", "Server", "Phone"}
)

// seedCounts is how many records each section starts with.
var seedCounts = struct{ clients, sites, users, agents, tickets, assets int }{6, 12, 36, 8, 120, 48}

// seed fills the main sections with deterministic, realistic records whose
// fields all belong to the section's schema.
func (s *Server) seed(seed uint64) {
	r := mrand.New(mrand.NewPCG(seed, 0x5eed))
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	at := func(minutes int) string {
		return seedBase.Add(time.Duration(minutes) * time.Minute).Format(time.RFC3339)
	}
	put := func(section string, rec map[string]any) int {
		t := s.tables[strings.ToLower(section)]
		saved, err := t.upsert(checked(t, normalise(rec)))
		if err != nil {
			panic(err)
		}
		key, _ := idKey(saved["id"])
		n, _ := strconv.Atoi(key)
		return n
	}

	statuses := []string{"New", "In Progress", "Waiting on User", "On Hold", "Resolved", "Closed"}
	for i, name := range statuses {
		put("Status", map[string]any{"name": name, "shortname": name[:3], "sequence": i + 1, "colour": fmt.Sprintf("#%06x", r.IntN(1<<24)), "type": i / 4})
	}
	for i, name := range []string{"Critical", "High", "Medium", "Low"} {
		put("Priority", map[string]any{"name": name, "priorityid": i + 1, "colour": fmt.Sprintf("#%06x", r.IntN(1<<24))})
	}
	teams := []string{"Service Desk", "Projects", "Infrastructure"}
	for i, name := range teams {
		put("Team", map[string]any{"name": name, "sequence": i + 1, "inactive": false})
	}
	for i, name := range []string{"Incident", "Service Request", "Problem"} {
		put("TicketType", map[string]any{"name": name, "sequence": i + 1})
	}
	for _, name := range []string{"Hardware", "Software", "Network", "Accounts"} {
		put("Category", map[string]any{"value": name, "note": name + " issues"})
	}
	var agents []int
	for i := 0; i < seedCounts.agents; i++ {
		fn, ln := pick(firstNames), pick(lastNames)
		agents = append(agents, put("Agent", map[string]any{
			"name": fn + " " + ln, "firstname": fn, "surname": ln, "is_agent": true,
			"email": strings.ToLower(fn+"."+strings.ReplaceAll(ln, "'", "")) + "@msp.example", "team": teams[i%len(teams)],
		}))
	}
	type client struct {
		id   int
		name string
	}
	var clients []client
	for i := 0; i < seedCounts.clients; i++ {
		name := companyWords[(int(seed)+i)%len(companyWords)] + " " + pick(companyKinds)
		clients = append(clients, client{put("Client", map[string]any{"name": name, "inactive": false, "colour": fmt.Sprintf("#%06x", r.IntN(1<<24)), "datecreated": at(-r.IntN(500000))}), name})
	}
	type site struct {
		id, client int
		name       string
	}
	var sites []site
	for i := 0; i < seedCounts.sites; i++ {
		c := clients[i%len(clients)]
		name := c.name + " " + siteNames[(i/len(clients))%len(siteNames)]
		sites = append(sites, site{put("Site", map[string]any{"name": name, "client_id": c.id, "client_name": c.name, "inactive": false, "phonenumber": fmt.Sprintf("+44 20 7946 %04d", r.IntN(10000))}), c.id, name})
	}
	type user struct {
		id   int
		s    site
		name string
	}
	var users []user
	for i := 0; i < seedCounts.users; i++ {
		st := sites[r.IntN(len(sites))]
		fn, ln := pick(firstNames), pick(lastNames)
		cname := ""
		for _, c := range clients {
			if c.id == st.client {
				cname = c.name
			}
		}
		id := put("Users", map[string]any{
			"name": fn + " " + ln, "firstname": fn, "surname": ln, "site_id": st.id, "site_name": st.name,
			"client_id": st.client, "client_name": cname, "inactive": false,
			"emailaddress": strings.ToLower(fn+"."+strings.ReplaceAll(ln, "'", "")) + "@" + strings.ToLower(strings.Fields(cname)[0]) + ".example",
		})
		users = append(users, user{id, st, fn + " " + ln})
	}
	for i := 0; i < seedCounts.assets; i++ {
		st := sites[r.IntN(len(sites))]
		kind := pick(assetKinds)
		put("Asset", map[string]any{
			"inventory_number": fmt.Sprintf("AST-%05d", 1000+i), "key_field": fmt.Sprintf("%s-%03d", strings.ToUpper(kind[:3]), i),
			"assettype_name": kind, "client_id": st.client, "site_id": st.id, "site_name": st.name, "inactive": false,
		})
	}
	for i := 0; i < seedCounts.tickets; i++ {
		u := users[r.IntN(len(users))]
		opened := -r.IntN(60 * 24 * 30)
		status := 1 + r.IntN(len(statuses))
		rec := map[string]any{
			"summary": pick(problems), "details": "Reported by " + u.name + ". " + pick(notes),
			"client_id": u.s.client, "site_id": u.s.id, "site_name": u.s.name, "user_id": u.id, "user_name": u.name,
			"agent_id": agents[r.IntN(len(agents))], "status_id": status, "priority_id": 1 + r.IntN(4),
			"tickettype_id": 1 + r.IntN(3), "team": teams[r.IntN(len(teams))], "dateoccurred": at(opened),
			"timetaken": float64(r.IntN(480)) / 60, "inactive": false,
		}
		if status >= 5 {
			rec["dateclosed"] = at(opened + r.IntN(60*24*5))
		}
		tid := put("Tickets", rec)
		for a := 0; a < 1+r.IntN(4); a++ {
			put("Actions", map[string]any{
				"ticket_id": tid, "outcome": []string{"Note", "Phone Call", "Email", "Remote Session"}[r.IntN(4)],
				"note": pick(notes), "datetime": at(opened + 30*(a+1)), "timetaken": float64(r.IntN(90)) / 60,
				"hiddenfromuser": r.IntN(5) == 0,
			})
		}
	}
}

// checked panics on a field the section's schema does not declare: seed
// data must follow the spec's shapes.
func checked(t *table, rec record) record {
	for k := range rec {
		if _, ok := t.fields[k]; !ok {
			panic(fmt.Sprintf("halopsatest: seed field %s.%s is not in schema %s", t.section, k, t.schema))
		}
	}
	return rec
}

// AddRecords adds n generated records to a section (for paging tests, say)
// and returns their ids. Each record has a name or summary numbered from 1.
func (s *Server) AddRecords(section string, n int) ([]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[strings.ToLower(section)]
	if t == nil {
		return nil, fmt.Errorf("halopsatest: section %s keeps no records", section)
	}
	ids := make([]any, 0, n)
	for i := 1; i <= n; i++ {
		rec := record{}
		for _, f := range []string{"name", "summary", "note", "filename"} {
			if _, ok := t.fields[f]; ok {
				rec[f] = fmt.Sprintf("%s %d", t.section, i)
			}
		}
		saved, err := t.upsert(rec)
		if err != nil {
			return ids, err
		}
		ids = append(ids, saved["id"])
	}
	return ids, nil
}

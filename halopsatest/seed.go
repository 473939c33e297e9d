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

// seedCounts is how many demo records each section starts with.
var seedCounts = struct{ clients, sites, users, agents, tickets, assets int }{6, 12, 36, 8, 120, 48}

// The configuration of a fresh tenant, with fixed ids, since integrations
// hard-code them. The package doc says which ids are Halo's own and which
// are the fake's choice.
var (
	defaultStatuses = []struct {
		id          int
		name, short string
		changeTo    int // statuschangeto: the status it moves on to
	}{
		{1, "New", "New", 0}, {2, "In Progress", "In Prog", 0}, {3, "Action Required", "Action", 0},
		{4, "Waiting on User", "W/User", 0}, {5, "Waiting on Supplier", "W/Supp", 0},
		{8, "Resolved", "Resolved", statusClosed}, {statusClosed, "Closed", "Closed", 0},
	}
	defaultPriorities  = []string{1: "Critical", 2: "High", 3: "Medium", 4: "Low"}
	defaultTicketTypes = []struct {
		id       int
		name     string
		priority int // default_priority
	}{{1, "Incident", 3}, {2, "Service Request", 4}, {3, "Problem", 2}, {4, "Change Request", 3}}
	defaultTeams    = []string{1: "Service Desk", 2: "Projects", 3: "Infrastructure"}
	defaultOutcomes = []struct {
		id       int
		name     string
		hidden   bool // hidefromuser
		systemID int  // set on the outcomes of actions Halo writes itself
	}{
		{1, "Note", false, 0}, {2, "Private Note", true, 0}, {3, "Email User", false, 0},
		{4, "Phone Call", false, 0}, {5, "Remote Session", true, 0}, {6, "User Update", false, 0},
		{7, "Status Change", true, 7},
	}
	defaultCategories = []string{"Hardware", "Software", "Network", "Accounts"}
)

// seedConfig stores the configuration every tenant starts with, with
// or without demo records.
func (s *Server) seedConfig() {
	store := func(section string, rec map[string]any) {
		t := s.tables[strings.ToLower(section)]
		if _, err := t.store(checked(t, normalise(rec))); err != nil {
			panic(err)
		}
	}
	for i, st := range defaultStatuses {
		rec := map[string]any{"id": st.id, "name": st.name, "shortname": st.short, "sequence": i + 1, "colour": configColours[i%len(configColours)], "type": 0}
		if st.changeTo != 0 {
			rec["statuschangeto"], rec["statuschangetofreq"] = st.changeTo, 3
		}
		store("Status", rec)
	}
	for id, name := range defaultPriorities {
		if name != "" {
			// Priority records have a guid id; tickets refer to priorityid.
			store("Priority", map[string]any{"name": name, "priorityid": id, "colour": configColours[id%len(configColours)]})
		}
	}
	for i, tt := range defaultTicketTypes {
		store("TicketType", map[string]any{"id": tt.id, "name": tt.name, "sequence": i + 1, "initial_status": 1, "default_priority": tt.priority})
	}
	for id, name := range defaultTeams {
		if name != "" {
			store("Team", map[string]any{"id": id, "name": name, "sequence": id, "inactive": false})
		}
	}
	for i, o := range defaultOutcomes {
		rec := map[string]any{"id": o.id, "outcome": o.name, "buttonname": o.name, "sequence": i + 1, "hidefromuser": o.hidden}
		if o.systemID != 0 {
			rec["systemid"] = o.systemID
		}
		store("Outcome", rec)
	}
	for _, name := range defaultCategories {
		store("Category", map[string]any{"value": name, "note": name + " issues"})
	}
}

var configColours = []string{"#1e88e5", "#fb8c00", "#e53935", "#8e24aa", "#00897b", "#43a047", "#546e7a"}

// seed fills the main sections with deterministic, realistic demo records
// whose fields all belong to the section's schema.
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
	teams := defaultTeams[1:]
	// The draws the configuration's colours took when they were random (6
	// statuses, 4 priorities): kept so that the records below stay what
	// they were for a seed.
	for range 10 {
		r.IntN(1 << 24)
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
	// The demo tickets and actions take the random draws they took before
	// the configuration got fixed ids, so that a seed still gives the
	// tickets (summaries, clients, agents) it gave then.
	seedStatus := []int{1, 2, 3, 4, 8, statusClosed}
	seedOutcomes := []int{1, 4, 3, 5} // Note, Phone Call, Email User, Remote Session
	tickets := s.tables["tickets"]
	for i := 0; i < seedCounts.tickets; i++ {
		u := users[r.IntN(len(users))]
		opened := -r.IntN(60 * 24 * 30)
		draw := r.IntN(len(seedStatus))
		status := seedStatus[draw]
		rec := map[string]any{
			"summary": pick(problems), "details": "Reported by " + u.name + ". " + pick(notes),
			"client_id": u.s.client, "site_id": u.s.id, "site_name": u.s.name, "user_id": u.id, "user_name": u.name,
			"agent_id": agents[r.IntN(len(agents))], "status_id": status, "priority_id": 1 + r.IntN(4),
			"tickettype_id": 1 + r.IntN(3), "team": pick(teams), "dateoccurred": at(opened),
			"timetaken": float64(r.IntN(480)) / 60, "inactive": false,
		}
		if draw >= 4 { // Resolved or Closed
			done := at(opened + r.IntN(60*24*5))
			rec["last_update"] = done
			if status == statusClosed {
				rec["dateclosed"], rec["hasbeenclosed"] = done, true
			}
		}
		tid := put("Tickets", rec)
		n := 0
		for a := 0; a < 1+r.IntN(4); a++ {
			o := defaultOutcomes[seedOutcomes[r.IntN(len(seedOutcomes))]-1]
			act := map[string]any{
				"ticket_id": tid, "note": pick(notes), "datetime": at(opened + 30*(a+1)), "timetaken": float64(r.IntN(90)) / 60,
			}
			// One in five is a private note, a user's update or a status
			// change.
			switch r.IntN(5) {
			case 0:
				o = defaultOutcomes[1]
			case 1:
				if a > 0 {
					o = defaultOutcomes[5]
				}
			case 2:
				if a > 0 {
					o = defaultOutcomes[6]
				}
			}
			act["outcome"], act["outcome_id"], act["hiddenfromuser"] = o.name, o.id, o.hidden
			switch {
			case o.systemID != 0:
				act["action_systemid"] = o.systemID
			case o.name == "User Update":
				act["actionby_user_id"] = u.id
			default:
				act["actionby_agent_id"] = rec["agent_id"]
			}
			put("Actions", act)
			n = a + 1
		}
		if rec["last_update"] == nil { // the last action's time
			tickets.rows[strconv.Itoa(tid)]["last_update"] = at(opened + 30*n)
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
		saved, err := s.upsert(t, rec)
		if err != nil {
			return ids, err
		}
		ids = append(ids, saved["id"])
	}
	return ids, nil
}

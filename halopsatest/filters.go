package halopsatest

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The query parameters of list routes (GET /<Section>). Each parameter a
// list request carries is either simulated (applied with Halo's meaning),
// or one of shapingParams (accepted, not simulated: it changes only which
// details each record carries), or refused with 400 naming it, so that a
// test of a filter the fake does not know fails instead of passing on an
// unfiltered list. WithLenientParams turns refusals into logged warnings.

// shapingParams are list parameters that change only how each record is
// rendered (extra details, column profiles, time offsets), never which
// records come back. The fake accepts them and renders its records as
// usual. Parameters named include... that add or remove records
// (includeinactive, includeclosed, includechildren, ...) are filters and
// are not listed here.
var shapingParams = setOf(
	"alerttype", "columns_id", "contract_id_adding_to", "debug", "default_columns",
	"enddatetime", "excludeslacalcs", "excludetickettypeallowall",
	"include_agent_details", "include_apid", "include_attachments", "include_devops_project",
	"include_managers", "include_mandatory_field_check", "include_parent_name",
	"includeaccountmanager", "includeaddress", "includeagent", "includeagentdetails",
	"includeallowedstatus", "includeappointmentid", "includeapprovaldetails", "includeassetfields",
	"includeassetkeyfield", "includeassettype", "includeattachments", "includeazuretenants",
	"includebillinginfo", "includebudgettype", "includechildids", "includechildread",
	"includeclients", "includecolumns", "includecontract", "includecountryregion",
	"includecriteriainfo", "includedatefields", "includedetails", "includefacebookfields",
	"includefields", "includefirstname", "includehtmlemail", "includehtmlnote",
	"includeinvoicetemplatename", "includeitilname", "includejirafields", "includelastaction",
	"includelastincomingemail", "includelastname", "includelastnote", "includelastrenewed",
	"includelines", "includemailbox", "includemailid", "includename", "includenamedcount",
	"includenames", "includenextactivitydate", "includenextappointmenttype", "includenotecount",
	"includenotes", "includeparameters", "includeparentsubject", "includeqbofields",
	"includerelatedservices", "includerelease1", "includerelease2", "includerelease3",
	"includeremotefields", "includeroles", "includeservicecategory", "includeservices",
	"includeslaactiondate", "includeslatimer", "includestatus", "includestatusinfo",
	"includesupplier", "includetickettype", "includetimetaken", "includetoplevel",
	"includetranslations", "includetwitterfields", "includeuser", "includevalues",
	"includeviewing", "includeworkflowstage", "includeworkflowstagenumber",
	"includuserdepartments", "inlcludeopenchildcount", "invoicedateend", "invoicedatestart",
	"isorion", "isscom", "item_id_qty", "item_salesorder_id", "item_salesorder_line",
	"kanbanviewontheagentapp", "kanbanviewontheportal", "lastupdatefromdate", "lastupdatetodate",
	"noicon", "previously_selected", "showcounts", "sitefields", "sitepostcode",
	"startdatetime", "team_name", "utcoffset",
)

// ShapingParams returns, sorted, the list parameters every list route
// accepts without simulating them: they change only which details each
// record carries, never which records come back. Any other parameter the
// fake does not simulate is answered with 400 (see the package doc).
func ShapingParams() []string {
	out := make([]string, 0, len(shapingParams))
	for k := range shapingParams {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// statusClosed is the id of Halo's built-in Closed status.
const statusClosed = 9

// ticketIDOnlyFields are the fields ticketidonly=true keeps, as Halo
// documents the parameter.
var ticketIDOnlyFields = []string{"id", "sla_id", "status_id", "client_id", "client_name", "lastincomingemail"}

// errNotSimulated marks a parameter, or a value of one, the fake does not
// simulate: refused with 400, or ignored with a warning when lenient.
var errNotSimulated = errors.New("not simulated")

// listPlan is a list request parsed from its query.
type listPlan struct {
	keep     []func(record) bool
	order    [5]orderKey // order, order2, ... order5
	fields   []string    // keep only these fields (idonly, ticketidonly)
	paged    bool
	pageNo   int
	pageSize int
	count    int  // -1: all
	hidden   bool // the section's hidden rule's parameter asks for hidden records
}

type orderKey struct {
	field string
	desc  bool
}

// paramFunc applies one query parameter to a plan. It
// returns errNotSimulated (wrapped) for a value it cannot simulate and
// another error for a malformed value.
type paramFunc func(c *listCtx, name, value string) error

// listCtx is a list request being parsed.
type listCtx struct {
	s    *Server
	t    *table // nil: the section keeps no records
	plan *listPlan
}

// sectionSpec is what a section simulates beyond the parameters every
// list route has.
type sectionSpec struct {
	params map[string]paramFunc
	// search lists the fields search matches (case-insensitive
	// substring); nil means every text field.
	search []string
	// searchID makes a numeric search match the record id as well.
	searchID bool
	// hidden hides records whose field is true unless param=true, as Halo
	// leaves out inactive records unless asked.
	hidden *hiddenRule
}

type hiddenRule struct{ field, param string }

// sectionSpecs holds the sections with filters of their own, by lower-case
// section name.
var sectionSpecs = map[string]*sectionSpec{
	"tickets": {
		params: map[string]paramFunc{
			"open_only":      boolParam(func(r record) bool { return !isClosed(r) }),
			"closed_only":    boolParam(isClosed),
			"agent":          idListParam("agent_id"),
			"status":         idListParam("status_id"),
			"requesttype":    idListParam("tickettype_id"),
			"requesttype_id": idParam("tickettype_id"),
			"priority":       idListParam("priority_id"),
			"team":           teamParam,
			"team_id":        teamParam,
			"startdate":      dateParam("dateoccurred", false),
			"enddate":        dateParam("dateoccurred", true),
			"datesearch":     dateSearchParam,
			"ticketidonly":   fieldsParam(ticketIDOnlyFields),
		},
		search:   []string{"summary", "details"},
		searchID: true,
	},
	"actions": {
		params: map[string]paramFunc{
			"excludesys":       boolParam(func(r record) bool { return !isSystemAction(r) }),
			"agentonly":        boolParam(isAgentAction),
			"conversationonly": boolParam(isConversation),
		},
		search: []string{"note", "outcome"},
	},
	"client": {search: []string{"name"}, hidden: &hiddenRule{"inactive", "includeinactive"}},
	"site":   {search: []string{"name"}, hidden: &hiddenRule{"inactive", "includeinactive"}},
	"users":  {search: []string{"name", "emailaddress"}, hidden: &hiddenRule{"inactive", "includeinactive"}},
	"asset":  {search: []string{"inventory_number", "key_field"}, hidden: &hiddenRule{"inactive", "includeinactive"}},
	"agent": {
		params: map[string]paramFunc{
			"team":    agentTeamParam,
			"team_id": agentTeamParam,
		},
		search: []string{"name", "email"},
		hidden: &hiddenRule{"isdisabled", "includedisabled"},
	},
}

// commonParams are simulated on every list route.
var commonParams = map[string]paramFunc{
	"pageinate": func(c *listCtx, name, v string) error {
		b, err := parseBool(name, v)
		c.plan.paged = b
		return err
	},
	"page_no": func(c *listCtx, name, v string) error {
		n, err := parseInt(name, v)
		if n > 0 {
			c.plan.pageNo = n
		}
		return err
	},
	"page_size": func(c *listCtx, name, v string) error {
		n, err := parseInt(name, v)
		if n > 0 {
			c.plan.pageSize = n
		}
		return err
	},
	"count": func(c *listCtx, name, v string) error {
		n, err := parseInt(name, v)
		if err == nil && n >= 0 {
			c.plan.count = n
		}
		return err
	},
	"search": searchParam,
	"idonly": fieldsParam([]string{"id"}),
	// The fake has no permissions: it always shows everything, which is
	// what showall asks for.
	"showall": func(c *listCtx, name, v string) error {
		_, err := parseBool(name, v)
		return err
	},
}

func init() {
	for i, suffix := range []string{"", "2", "3", "4", "5"} {
		commonParams["order"+suffix] = orderParam(i)
		commonParams["orderdesc"+suffix] = orderDescParam(i)
	}
}

// paramFor finds how a list route simulates a parameter: the section's
// own, then every route's, then, for a name ending in _id that is a field
// of the section's records, equality on that field.
func (c *listCtx) paramFor(section, name string) paramFunc {
	if spec := sectionSpecs[section]; spec != nil {
		if f := spec.params[name]; f != nil {
			return f
		}
		if spec.hidden != nil && name == spec.hidden.param {
			return func(c *listCtx, name, v string) error {
				b, err := parseBool(name, v)
				c.plan.hidden = b
				return err
			}
		}
	}
	if f := commonParams[name]; f != nil {
		return f
	}
	if c.t != nil && strings.HasSuffix(name, "_id") {
		if _, ok := c.t.fields[name]; ok {
			return idParam(name)
		}
	}
	return nil
}

// paramProblem is a parameter the fake refuses.
type paramProblem struct {
	name string
	err  error
}

// parseList reads a list request's query. Problems are returned, one per
// refused parameter, in name order; the plan holds everything else. A
// parameter given more than once has its values joined with commas, as
// Halo's ASP.NET binding does: a list of ids, or a malformed single value.
func (s *Server) parseList(section string, t *table, q url.Values) (*listPlan, []paramProblem) {
	plan := &listPlan{pageNo: 1, pageSize: 50, count: -1}
	c := &listCtx{s: s, t: t, plan: plan}
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	var problems []paramProblem
	for _, name := range names {
		value := strings.Join(q[name], ",")
		f := c.paramFor(section, name)
		switch {
		case f != nil:
			if err := f(c, name, value); err != nil {
				problems = append(problems, paramProblem{name, err})
			}
		case shapingParams[name]:
		default:
			problems = append(problems, paramProblem{name, errNotSimulated})
		}
	}
	if spec := sectionSpecs[section]; spec != nil && spec.hidden != nil && !plan.hidden {
		field := spec.hidden.field
		plan.keep = append(plan.keep, func(r record) bool { return !truthy(r[field]) })
	}
	return plan, problems
}

// problemMessage is the 400 message for refused parameters, e.g.
// halopsatest: GET /Tickets parameter "xyz" is not simulated.
func problemMessage(method, path string, ps []paramProblem) string {
	var plain []string
	var parts []string
	for _, p := range ps {
		var ns *notSimulatedError
		switch {
		case p.err == errNotSimulated:
			plain = append(plain, strconv.Quote(p.name))
		case errors.As(p.err, &ns):
			parts = append(parts, fmt.Sprintf("parameter %q is not simulated %s", p.name, ns.detail))
		default:
			parts = append(parts, fmt.Sprintf("parameter %q: %v", p.name, p.err))
		}
	}
	switch len(plain) {
	case 0:
	case 1:
		parts = append([]string{"parameter " + plain[0] + " is not simulated"}, parts...)
	default:
		parts = append([]string{"parameters " + strings.Join(plain, ", ") + " are not simulated"}, parts...)
	}
	return "halopsatest: " + method + " " + path + " " + strings.Join(parts, "; ")
}

// notSimulatedError is a value of a parameter the fake does not simulate.
type notSimulatedError struct{ detail string }

func (e *notSimulatedError) Error() string        { return "not simulated " + e.detail }
func (e *notSimulatedError) Is(target error) bool { return target == errNotSimulated }

func notSimulatedValue(format string, a ...any) error {
	return &notSimulatedError{fmt.Sprintf(format, a...)}
}

// ---- parameter kinds ----

func parseBool(name, v string) (bool, error) {
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return false, fmt.Errorf("value %q is not a boolean", v)
	}
	return b, nil
}

func parseInt(name, v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("value %q is not an integer", v)
	}
	return n, nil
}

// boolParam is a filter that applies when the parameter is true.
func boolParam(keep func(record) bool) paramFunc {
	return func(c *listCtx, name, v string) error {
		b, err := parseBool(name, v)
		if err == nil && b {
			c.plan.keep = append(c.plan.keep, keep)
		}
		return err
	}
}

// idParam keeps records whose field holds the id given.
func idParam(field string) paramFunc { return idFilter(field, false) }

// idListParam keeps records whose field holds one of the ids given,
// comma-separated (Halo's form for its "array of int" parameters).
func idListParam(field string) paramFunc { return idFilter(field, true) }

func idFilter(field string, list bool) paramFunc {
	return func(c *listCtx, name, v string) error {
		if !list && strings.Contains(v, ",") {
			return fmt.Errorf("value %q is not one id", v)
		}
		ids, err := c.idValues(field, v)
		if err != nil || ids == nil {
			return err
		}
		c.plan.keep = append(c.plan.keep, func(r record) bool {
			k, _ := idKey(r[field])
			return ids[k]
		})
		return nil
	}
}

// idValues parses a comma-separated list of ids for field; nil when v is
// empty. Ids must be integers unless the field holds text.
func (c *listCtx) idValues(field, v string) (map[string]bool, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	textual := false
	if c.t != nil {
		f, ok := c.t.fields[field]
		textual = ok && f.kind == fString
	}
	ids := map[string]bool{}
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !textual {
			if _, err := strconv.ParseInt(part, 10, 64); err != nil {
				return nil, fmt.Errorf("value %q is not an integer or a comma-separated list of integers", v)
			}
		}
		k, _ := idKey(part)
		ids[k] = true
	}
	return ids, nil
}

// teamParam filters tickets on their team, given as team ids: a ticket
// carries its team's name, which the Team records map to an id.
func teamParam(c *listCtx, name, v string) error {
	if name == "team_id" && strings.Contains(v, ",") {
		return fmt.Errorf("value %q is not one id", v)
	}
	names, err := c.teamNames(v)
	if err != nil || names == nil {
		return err
	}
	c.plan.keep = append(c.plan.keep, func(r record) bool {
		team, _ := r["team"].(string)
		return names[strings.ToLower(team)]
	})
	return nil
}

// agentTeamParam filters agents on their team: team gives its name (as
// Halo documents it for /Agent), team_id its id.
func agentTeamParam(c *listCtx, name, v string) error {
	var names map[string]bool
	if name == "team_id" {
		if strings.Contains(v, ",") {
			return fmt.Errorf("value %q is not one id", v)
		}
		var err error
		if names, err = c.teamNames(v); err != nil || names == nil {
			return err
		}
	} else {
		if strings.TrimSpace(v) == "" {
			return nil
		}
		names = map[string]bool{strings.ToLower(strings.TrimSpace(v)): true}
	}
	c.plan.keep = append(c.plan.keep, func(r record) bool {
		team, _ := r["team"].(string)
		return names[strings.ToLower(team)]
	})
	return nil
}

// teamNames maps comma-separated team ids to the lower-case names of the
// Team records with those ids (an id without a record matches nothing).
func (c *listCtx) teamNames(v string) (map[string]bool, error) {
	if strings.TrimSpace(v) == "" {
		return nil, nil
	}
	names := map[string]bool{}
	teams := c.s.tables["team"]
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if _, err := strconv.ParseInt(part, 10, 64); err != nil {
			return nil, fmt.Errorf("value %q is not an integer or a comma-separated list of integers", v)
		}
		if teams == nil {
			continue
		}
		k, _ := idKey(part)
		if rec, ok := teams.rows[k]; ok {
			if n, ok := rec["name"].(string); ok {
				names[strings.ToLower(n)] = true
			}
		}
	}
	return names, nil
}

// dateParam bounds a timestamp field: from (inclusive) or, with upTo, up
// to (inclusive). Records without a readable timestamp there are left out.
func dateParam(field string, upTo bool) paramFunc {
	return func(c *listCtx, name, v string) error {
		if strings.TrimSpace(v) == "" {
			return nil
		}
		bound, ok := parseTimestamp(v)
		if !ok {
			return fmt.Errorf("value %q is not a timestamp (2026-11-26T04:15:00, with or without a zone, or 2026-11-26)", v)
		}
		c.plan.keep = append(c.plan.keep, func(r record) bool {
			s, _ := r[field].(string)
			at, ok := parseTimestamp(s)
			if !ok {
				return false
			}
			if upTo {
				return !at.After(bound)
			}
			return !at.Before(bound)
		})
		return nil
	}
}

// dateSearchParam accepts the date field startdate and enddate apply to:
// the fake simulates only the date a ticket was opened (Halo spells it
// both ways in its own documentation).
func dateSearchParam(c *listCtx, name, v string) error {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "dateoccurred", "dateoccured":
		return nil
	}
	return notSimulatedValue("with value %q (only dateoccurred)", v)
}

// fieldsParam keeps only some fields of each record when true.
func fieldsParam(fields []string) paramFunc {
	return func(c *listCtx, name, v string) error {
		b, err := parseBool(name, v)
		if err == nil && b {
			c.plan.fields = fields
		}
		return err
	}
}

func searchParam(c *listCtx, name, v string) error {
	needle := strings.ToLower(strings.TrimSpace(v))
	if needle == "" {
		return nil
	}
	var fields []string
	searchID := false
	if c.t != nil {
		if spec := sectionSpecs[strings.ToLower(c.t.section)]; spec != nil {
			fields, searchID = spec.search, spec.searchID
		}
	}
	c.plan.keep = append(c.plan.keep, func(r record) bool {
		if searchID {
			if k, _ := idKey(r["id"]); k == needle {
				return true
			}
		}
		if fields == nil {
			for _, v := range r {
				if s, ok := v.(string); ok && strings.Contains(strings.ToLower(s), needle) {
					return true
				}
			}
			return false
		}
		for _, f := range fields {
			if s, ok := r[f].(string); ok && strings.Contains(strings.ToLower(s), needle) {
				return true
			}
		}
		return false
	})
	return nil
}

func orderParam(i int) paramFunc {
	return func(c *listCtx, name, v string) error {
		field := strings.TrimSpace(v)
		if field == "" {
			return nil
		}
		if c.t != nil && field != "id" {
			if _, ok := c.t.fields[field]; !ok {
				return notSimulatedValue("with value %q, which is not a field of %s", v, c.t.schema)
			}
		}
		c.plan.order[i].field = field
		return nil
	}
}

func orderDescParam(i int) paramFunc {
	return func(c *listCtx, name, v string) error {
		b, err := parseBool(name, v)
		c.plan.order[i].desc = b
		return err
	}
}

// ---- what records are ----

// isClosed reports whether a ticket is closed: in Halo, a ticket is closed
// by its built-in Closed status; every other status, including ones named
// Resolved, is open (Halo moves them on to Closed through the status's
// statuschangeto setting).
func isClosed(r record) bool {
	k, _ := idKey(r["status_id"])
	return k == strconv.Itoa(statusClosed)
}

// isSystemAction reports an action Halo writes itself (a status change,
// an SLA hold): one whose action_systemid is set.
func isSystemAction(r record) bool { return positive(r["action_systemid"]) }

// isAgentAction reports an action an agent did: one with actionby_agent_id.
func isAgentAction(r record) bool { return positive(r["actionby_agent_id"]) }

// isConversation reports an action of the agent to end-user conversation:
// visible to the user and not written by Halo itself.
func isConversation(r record) bool {
	return !truthy(r["hiddenfromuser"]) && !isSystemAction(r)
}

// positive reports a number (or numeric text) above zero.
func positive(v any) bool {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return err == nil && f > 0
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return err == nil && f > 0
	case float64:
		return x > 0
	case int:
		return x > 0
	}
	return false
}

// truthy reports a boolean stored in any of the forms Halo uses: true,
// 1, "true", "1".
func truthy(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case json.Number:
		f, err := x.Float64()
		return err == nil && f != 0
	case string:
		b, err := strconv.ParseBool(strings.TrimSpace(x))
		return err == nil && b
	case float64:
		return x != 0
	case int:
		return x != 0
	}
	return false
}

// timestampLayouts are the forms a timestamp is read in: those Halo sends
// and RFC 3339. A timestamp without a zone is in UTC, as Halo means it.
var timestampLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02",
}

func parseTimestamp(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, l := range timestampLayouts {
		if t, err := time.ParseInLocation(l, s, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// sortRecords orders records by the plan's keys (numbers numerically,
// text without case, missing values first), as Halo's order, orderdesc,
// order2, orderdesc2, ... parameters do; ties keep id order.
func sortRecords(rows []record, keys []orderKey) {
	cmp := func(a, b any) int {
		if a == nil || b == nil {
			switch {
			case a == nil && b == nil:
				return 0
			case a == nil:
				return -1
			}
			return 1
		}
		an, aok := number(a)
		bn, bok := number(b)
		if aok && bok {
			switch {
			case an < bn:
				return -1
			case an > bn:
				return 1
			}
			return 0
		}
		// Without case, as Halo's database collates: text equal but for
		// case is a tie for the next key.
		return strings.Compare(strings.ToLower(fmt.Sprint(a)), strings.ToLower(fmt.Sprint(b)))
	}
	slices.SortStableFunc(rows, func(x, y record) int {
		for _, k := range keys {
			c := cmp(x[k.field], y[k.field])
			if k.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil && !math.IsNaN(f)
	case float64:
		return x, true
	case int:
		return float64(x), true
	}
	return 0, false
}

// Package halopsatest is a fake HaloPSA tenant for tests and demos: an
// in-memory Halo that speaks the same HTTP as a real one (OAuth token
// endpoint, bearer auth, every path of Halo's API under /api, list
// wrappers, paging with a server-side cap, partial updates, attachments of
// any size), built from the same spec as the client. Attachments over a
// few MiB are kept in temporary files the server owns, removed by Close:
// call it when you pass NewServer a nil testing.TB. Use it the way
// httptest is used:
//
//	srv := halopsatest.NewServer(t)
//	halo, err := halopsa.New(srv.Config())
//
// Faults (resets, delays, 429s, 5xx pages, malformed bodies, token
// failures) can be injected per method and path, and the request log,
// token count and records can be inspected in assertions. WithQuirks makes
// it answer the way real tenants do, which is not always what the spec
// says. Everything a Go test does with a Server, a test in another
// language does over HTTP with the standalone command halopsa-fake (see
// Control surface).
//
// # A fresh tenant
//
// Every server starts with the configuration of a fresh tenant, with fixed
// ids, since integrations hard-code them:
//
//	Status      1 New, 2 In Progress, 3 Action Required, 4 Waiting on User,
//	            5 Waiting on Supplier, 8 Resolved (moves on to Closed after
//	            3 days: statuschangeto 9), 9 Closed
//	Priority    priorityid 1 Critical, 2 High, 3 Medium, 4 Low (the records'
//	            own ids are guids, as on real tenants; tickets carry priorityid)
//	TicketType  1 Incident, 2 Service Request, 3 Problem, 4 Change Request
//	            (initial_status 1; default_priority 3, 4, 2, 3)
//	Team        1 Service Desk, 2 Projects, 3 Infrastructure
//	Outcome     1 Note, 2 Private Note (hidden from the user), 3 Email User,
//	            4 Phone Call, 5 Remote Session (hidden), 6 User Update,
//	            7 Status Change (a system outcome: systemid 7)
//	Category    Hardware, Software, Network, Accounts
//
// Ids as real tenants have them, as far as we know: statuses 1 New,
// 2 In Progress and 9 Closed; priorityid 1 to 4 from most to least urgent
// (the names vary between tenants); ticket type 1 Incident. The other ids
// and names are the fake's choice (a real tenant's differ with its
// history): test with them, but look them up (GET /Status, ...) in code
// that runs against a real tenant.
//
// A ticket is closed when its status is Closed (9), as in Halo, where
// closing is that built-in status; every other status, Resolved included,
// is open (Halo moves a Resolved ticket on to Closed itself, after the
// status's statuschangetofreq days).
//
// Records created through the API (POST) or Put get what Halo sets: ids
// after the largest the section holds; a ticket without them gets
// dateoccurred (now), tickettype_id 1, status_id and priority_id from its
// ticket type (initial_status, default_priority); every ticket write sets
// last_update; a ticket that closes gets dateclosed (unless given) and
// hasbeenclosed; an action gets datetime and actiondatecreated. Times are
// the server's clock (WithClock), in UTC, to the second.
//
// Unless WithoutSeedData is given, demo records follow: 6 clients, 12 sites,
// 36 users, 8 agents, 48 assets, 120 tickets over the statuses above and
// their actions, the same for the same seed (WithSeed). All are active.
//
// # Filters that work, or refuse
//
// A list (GET /<Section>) applies the query parameters it simulates, with
// Halo's meaning; it accepts the parameters that only shape each record's
// details (ShapingParams: include... details, column profiles, utcoffset),
// rendering records as usual; any other parameter is refused with 400 and
// a JSON message naming it, so that a test of a filter the fake does not
// know fails instead of passing on an unfiltered list:
//
//	{"message": "halopsatest: GET /Tickets parameter \"xyz\" is not simulated", "parameters": ["xyz"]}
//
// A malformed value (client_id=abc, a date it cannot read) is refused the
// same way. WithLenientParams (halopsa-fake -lenient) ignores refused
// parameters instead, logging a warning. Every list simulates:
//
//	pageinate, page_no, page_size, count   paging, with the page cap
//	order, orderdesc, order2 ... orderdesc5 by fields of the records (text without case)
//	search        case-insensitive substring: of the fields below, else of any text field
//	idonly        only the id of each record
//	showall       the fake has no permissions: it always shows all
//	<field>_id    equality, for any field of the section's records ending in _id
//	              (client_id, site_id, ticket_id, toplevel_id, ...)
//
// And by section:
//
//	Tickets   open_only, closed_only (by the Closed status); agent, status, priority,
//	          requesttype (comma-separated ids: agent_id, status_id, priority_id,
//	          tickettype_id); requesttype_id; team, team_id (Team ids, matched to
//	          the ticket's team name); startdate, enddate (inclusive, on dateoccurred;
//	          datesearch may only name dateoccurred); ticketidonly (id, sla_id,
//	          status_id, client_id, client_name, lastincomingemail); search on
//	          summary and details, or the ticket id
//	Actions   excludesys (leaves out actions with action_systemid), agentonly (those
//	          with actionby_agent_id), conversationonly (visible to the user and not
//	          a system action); search on note and outcome
//	Client    includeinactive (inactive clients are left out otherwise); search on name
//	Site      includeinactive; search on name
//	Users     includeinactive; search on name and emailaddress
//	Asset     includeinactive; search on inventory_number and key_field
//	Agent     includedisabled (disabled agents are left out otherwise); team (a team
//	          name), team_id; search on name and email
//
// Invoice, Quotation and Opportunities filter on client_id (as every section
// does on its _id fields). Sections that keep no records answer an empty
// list, and refuse filters all the same. Query parameters of other routes
// (a record by id, operations the fake answers with an empty value) are
// accepted and not simulated: they shape one record, or steer an operation
// whose effect the fake does not model.
//
// # Control surface
//
// Under /_halopsatest/ (outside /api, no token needed: the fake is a test
// harness and listens on loopback), the Server's methods over HTTP, for
// the standalone fake and for a Server alike. Control requests are not
// logged.
//
//	POST   /_halopsatest/reset              Reset: back to the start (204)
//	POST   /_halopsatest/faults             Inject the Fault in the body (201, echoed)
//	DELETE /_halopsatest/faults             ClearFaults (204)
//	GET    /_halopsatest/requests           Requests, as JSON (Request.MarshalJSON)
//	DELETE /_halopsatest/requests           ResetRequests (204)
//	GET    /_halopsatest/records/{section}  Records, as stored
//	PUT    /_halopsatest/records/{section}  Load a JSON array of records; answers them as stored
//	POST   /_halopsatest/expire-tokens      ExpireTokens (204)
//
// A fault is the JSON encoding of Fault: its Go field names, the kind by
// its Go name, durations as Go durations, e.g.
// {"Kind": "RateLimited", "PathPrefix": "/api/Tickets", "Count": 1, "RetryAfter": "2s"}.
// Errors are 400 (404 for a section that keeps no records) with a JSON
// message.
//
// # Endpoints the spec lacks
//
// Handle answers a path below /api that the spec does not have (or
// replaces one it has) with your handler, behind the same auth and faults:
//
//	srv.Handle("GET", "/CustomReport/{id}", func(w http.ResponseWriter, r *http.Request) {
//		fmt.Fprintf(w, `{"id": %q}`, r.PathValue("id"))
//	})
package halopsatest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/halopsa-go/halopsa"
)

// Default credentials of a fake tenant.
const (
	DefaultClientID     = "halopsatest-client"
	DefaultClientSecret = "halopsatest-secret"
)

// Server is a fake HaloPSA tenant. Its methods are safe for concurrent use.
type Server struct {
	// URL is the tenant's address: the CompanyURL to give the client.
	URL          string
	ClientID     string
	ClientSecret string

	srv    *httptest.Server
	router *router
	opts   options
	custom *http.ServeMux // routes added with Handle
	logf   func(format string, args ...any)

	mu        sync.Mutex
	tables    map[string]*table // by lower-case section
	files     map[string]storedFile
	tokens    map[string]time.Time // access token -> expiry
	tokenReqs int
	log       []Request
	faults    []*faultState
	rng       *mrand.Rand

	spillMu     sync.Mutex
	spillDir    string // the directory of large attachments (see upload.go); made on first use
	spillClosed bool
}

type options struct {
	seed          uint64
	seedData      bool
	tokenLifetime time.Duration
	pageCap       int
	sectionCaps   map[string]int
	quirks        bool
	tenant        string
	clientID      string
	clientSecret  string
	scopes        []string
	addr          string
	now           func() time.Time
	lenient       bool
	records       map[string][]map[string]any
}

// An Option configures a Server.
type Option func(*options)

// WithSeed picks the seed the records are generated from (default 1). The
// same seed gives the same records.
func WithSeed(seed uint64) Option { return func(o *options) { o.seed = seed } }

// WithoutSeedData starts without the demo records (clients, sites, users,
// agents, assets, tickets, actions). The configuration a fresh tenant has
// (statuses, priorities, ticket types, outcomes, teams, categories) stays.
func WithoutSeedData() Option { return func(o *options) { o.seedData = false } }

// WithTokenLifetime sets how long issued tokens live (default one hour).
func WithTokenLifetime(d time.Duration) Option { return func(o *options) { o.tokenLifetime = d } }

// WithPageSizeCap sets the largest page the server returns, whatever
// page_size asks for (default 100, as Halo).
func WithPageSizeCap(n int) Option { return func(o *options) { o.pageCap = n } }

// WithSectionPageSizeCap caps the pages of one section (e.g. "Actions", 50).
func WithSectionPageSizeCap(section string, n int) Option {
	return func(o *options) { o.sectionCaps[strings.ToLower(section)] = n }
}

// WithQuirks makes the server answer as real tenants do: integers as
// decimals (21.0) or strings ("21"), some booleans as 0/1, fields the spec
// does not declare, timestamps without a zone, and bare arrays for some
// lists.
func WithQuirks() Option { return func(o *options) { o.quirks = true } }

// WithTenant requires ?tenant=name on token requests, as hosted Halo does
// when one authorisation server serves several tenants.
func WithTenant(name string) Option { return func(o *options) { o.tenant = name } }

// WithCredentials sets the client ID and secret the token endpoint accepts.
func WithCredentials(id, secret string) Option {
	return func(o *options) { o.clientID, o.clientSecret = id, secret }
}

// WithScopes restricts the scopes a token may be asked for (default: any).
func WithScopes(scopes ...string) Option { return func(o *options) { o.scopes = scopes } }

// WithAddr listens on addr (e.g. "127.0.0.1:8080") instead of a random port.
func WithAddr(addr string) Option { return func(o *options) { o.addr = addr } }

// WithClock sets the server's clock (default time.Now): it decides when
// tokens expire and the timestamps the server sets (a new ticket's
// dateoccurred, last_update, dateclosed), so that a test can hold them.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithLenientParams makes list routes accept query parameters the fake
// does not simulate (and values it cannot read): they are ignored, with a
// warning in the test log (or on stderr without a test), instead of being
// refused with 400. Meant for tests that send parameters at random; a
// test of an integration's filters should leave it off.
func WithLenientParams() Option { return func(o *options) { o.lenient = true } }

// WithRecords loads records, by section, after the seed data, at start
// and on every Reset, as Load does (ids kept, fields stored as given).
// NewServer panics, naming the section, if a section keeps no records or
// a record cannot be stored.
func WithRecords(data map[string][]map[string]any) Option {
	return func(o *options) { o.records = data }
}

// NewServer starts a fake tenant. With a non-nil t it is closed when the
// test ends, and its warnings go to t.Logf; with nil, call Close. It
// panics if it cannot listen (as httptest.NewServer does).
func NewServer(t testing.TB, opts ...Option) *Server {
	o := options{seed: 1, seedData: true, tokenLifetime: time.Hour, pageCap: 100,
		sectionCaps: map[string]int{}, clientID: DefaultClientID, clientSecret: DefaultClientSecret, now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{
		ClientID: o.clientID, ClientSecret: o.clientSecret,
		router: newRouter(routes), opts: o, custom: http.NewServeMux(),
		tokens: map[string]time.Time{}, logf: log.Printf,
	}
	if t != nil {
		s.logf = t.Logf
	}
	if err := s.reset(); err != nil {
		panic(err.Error())
	}
	s.srv = httptest.NewUnstartedServer(s)
	if o.addr != "" {
		l, err := net.Listen("tcp", o.addr)
		if err != nil {
			panic(fmt.Sprintf("halopsatest: listen on %s: %v", o.addr, err))
		}
		s.srv.Listener.Close()
		s.srv.Listener = l
	}
	s.srv.Start()
	s.URL = s.srv.URL
	if t != nil {
		t.Cleanup(s.Close)
	}
	return s
}

// reset puts the records back as they were at start (configuration, seed
// data, WithRecords) and forgets faults, attachments and the request log.
// Tokens stay valid. The caller holds s.mu, or the server has not started.
func (s *Server) reset() error {
	for _, f := range s.files {
		f.content.remove()
	}
	s.tables, s.files = map[string]*table{}, map[string]storedFile{}
	s.faults, s.log, s.tokenReqs = nil, nil, 0
	s.rng = mrand.New(mrand.NewPCG(s.opts.seed, s.opts.seed^0x9e3779b97f4a7c15))
	s.initTables()
	s.seedConfig()
	if s.opts.seedData {
		s.seed(s.opts.seed)
	}
	sections := make([]string, 0, len(s.opts.records))
	for section := range s.opts.records {
		sections = append(sections, section)
	}
	sort.Strings(sections)
	for _, section := range sections {
		if _, err := s.loadLocked(section, s.opts.records[section]); err != nil {
			return fmt.Errorf("halopsatest: WithRecords: %s", strings.TrimPrefix(err.Error(), "halopsatest: "))
		}
	}
	return nil
}

// Reset puts the tenant back as it was at start: the configuration, the
// seed data and the WithRecords records, with no attachments, faults or
// logged requests (TokenRequests counts from 0 again). Tokens already
// issued stay valid, so that clients need not log in again.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Cannot fail: the same records loaded at start.
	if err := s.reset(); err != nil {
		panic(err.Error())
	}
}

// Close shuts the server down, and removes the temporary files that hold
// its large attachments.
func (s *Server) Close() {
	s.srv.Close()
	s.removeSpillDir()
}

// Config returns a client configuration for this tenant.
func (s *Server) Config() halopsa.Config {
	return halopsa.Config{CompanyURL: s.URL, ClientID: s.ClientID, ClientSecret: s.ClientSecret, Tenant: s.opts.tenant}
}

// Request is one request the server received.
type Request struct {
	Method string
	Path   string // e.g. /api/Tickets/5 or /auth/token
	Query  string // raw query
	// Body is the request body (nil for token requests: it holds the
	// secret). Of an attachment upload larger than 1 MiB, only the first
	// MiB is kept, and BodyTruncated is set.
	Body          []byte
	BodyTruncated bool
	Status        int // status sent; 0 when the connection was reset
	Fault         FaultKind

	size int64 // the body's length, when Body is truncated
}

// BodySize is the request body's length, as received (also when Body is
// truncated).
func (r Request) BodySize() int {
	if r.BodyTruncated {
		return int(r.size)
	}
	return len(r.Body)
}

// Requests returns the request log, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// ResetRequests clears the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	s.log = nil
	s.mu.Unlock()
}

// TokenRequests counts the requests made to the token endpoint.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenReqs
}

// ExpireTokens makes every token issued so far invalid, as if it had expired.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	for tok := range s.tokens {
		s.tokens[tok] = time.Time{}
	}
	s.mu.Unlock()
}

// RecordCount returns how many records a section holds.
func (s *Server) RecordCount(section string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.tables[strings.ToLower(section)]; t != nil {
		return len(t.rows)
	}
	return 0
}

// Record returns a copy of one stored record.
func (s *Server) Record(section string, id any) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[strings.ToLower(section)]
	if t == nil {
		return nil, false
	}
	r, ok := t.rows[fmt.Sprint(id)]
	if !ok {
		return nil, false
	}
	return cloneRecord(r), true
}

// Put stores a record in a section as a POST would (creating it, with
// Halo's defaults, when its id is unset; updating the fields it carries
// otherwise; keeping only the fields the section's schema declares) and
// returns its id: a way to set up data without going through the API.
// Load stores records exactly as given.
func (s *Server) Put(section string, rec map[string]any) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[strings.ToLower(section)]
	if t == nil {
		return nil, fmt.Errorf("halopsatest: section %s keeps no records", section)
	}
	out, err := s.upsert(t, normalise(rec))
	if err != nil {
		return nil, err
	}
	return out["id"], nil
}

// Handler returns the server's handler, to mount it elsewhere.
func (s *Server) Handler() http.Handler { return s }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	lower := strings.ToLower(r.URL.Path)
	switch {
	case lower == "/auth/token" || lower == "/auth/token/":
		s.serveToken(w, r)
	case strings.HasPrefix(lower, "/api/"):
		s.serveAPI(w, r)
	case strings.HasPrefix(r.URL.Path, controlPrefix):
		s.serveControl(w, r)
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "not found"})
	}
}

// early answers a request with a fault without processing it, and logs
// it. A reset is logged before the connection drops: the client sees the
// reset at once and may look at the log straight away.
func (s *Server) early(w http.ResponseWriter, f *Fault, req Request) {
	if f.Kind == ResetBeforeRead || f.Kind == ResetAfterApply {
		s.record(req) // Status 0
		resetConnection(w)
		return
	}
	req.Status = s.applyEarlyFault(w, f)
	s.record(req)
}

func (s *Server) record(req Request) {
	s.mu.Lock()
	s.log = append(s.log, req)
	s.mu.Unlock()
}

// ---- token endpoint ----

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.tokenReqs++
	s.mu.Unlock()
	req := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery}
	if f := s.takeFault(r, true); f != nil {
		req.Fault = f.Kind
		switch f.Kind {
		case Delay:
			select {
			case <-time.After(f.Delay):
			case <-r.Context().Done():
			}
		case ResetAfterApply:
			s.issueToken(httptest.NewRecorder(), r) // issued, never delivered
			s.early(w, f, req)
			return
		default:
			s.early(w, f, req)
			return
		}
	}
	req.Status = s.issueToken(w, r)
	s.record(req)
}

func oauthError(w http.ResponseWriter, status int, code, desc string) int {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
	return status
}

func (s *Server) issueToken(w http.ResponseWriter, r *http.Request) int {
	if r.Method != http.MethodPost {
		return oauthError(w, http.StatusMethodNotAllowed, "invalid_request", "use POST")
	}
	if err := r.ParseForm(); err != nil {
		return oauthError(w, http.StatusBadRequest, "invalid_request", "malformed form")
	}
	id, secret := r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if bid, bsecret, ok := r.BasicAuth(); ok {
		id, secret = bid, bsecret
	}
	if g := r.PostForm.Get("grant_type"); g != "client_credentials" {
		return oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "only client_credentials is supported")
	}
	if id != s.ClientID || secret != s.ClientSecret {
		return oauthError(w, http.StatusUnauthorized, "invalid_client", "unknown client or wrong secret")
	}
	if s.opts.tenant != "" && r.URL.Query().Get("tenant") != s.opts.tenant {
		return oauthError(w, http.StatusBadRequest, "invalid_request", "unknown tenant")
	}
	scope := r.PostForm.Get("scope")
	if scope == "" {
		scope = "all"
	}
	if s.opts.scopes != nil {
		for _, sc := range strings.Fields(scope) {
			found := false
			for _, allowed := range s.opts.scopes {
				found = found || allowed == sc
			}
			if !found {
				return oauthError(w, http.StatusBadRequest, "invalid_scope", "scope "+sc+" not allowed")
			}
		}
	}
	var b [24]byte
	rand.Read(b[:])
	tok := hex.EncodeToString(b[:])
	s.mu.Lock()
	s.tokens[tok] = s.opts.now().Add(s.opts.tokenLifetime)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok, "token_type": "Bearer", "scope": scope,
		"expires_in": int(math.Ceil(s.opts.tokenLifetime.Seconds())),
	})
	return http.StatusOK
}

func (s *Server) authorised(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[tok]
	return ok && s.opts.now().Before(exp)
}

// ---- API ----

// serveAPI answers a request below /api. The answer is made in memory,
// under the lock where it reads records, and written out after the lock
// is released, so that a client slow to read (or never reading) holds up
// only its own request.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	req := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery}
	f := s.takeFault(r, false)
	if f != nil {
		req.Fault = f.Kind
		if f.Kind == ResetBeforeRead || f.Kind == RateLimited || f.Kind == ServerErrorHTML || f.Kind == Unavailable {
			s.early(w, f, req)
			return
		}
		if f.Kind == Delay {
			select {
			case <-time.After(f.Delay):
			case <-r.Context().Done():
			}
		}
	}
	var (
		body []byte
		err  error
		ex   exchange
	)
	if s.isUpload(r) {
		// Read as it arrives: its files go straight to blobs.
		ex.upload = s.parseUpload(r.Body)
		defer ex.upload.discard()
		body, err = ex.upload.logged, ex.upload.readErr
		req.BodyTruncated, req.size = ex.upload.size > int64(len(body)), ex.upload.size
	} else {
		body, err = io.ReadAll(io.LimitReader(r.Body, 256<<20))
	}
	if err != nil {
		req.Status = 0
		s.record(req)
		return
	}
	req.Body = body
	rec := httptest.NewRecorder()
	req.Status = s.handleAPI(rec, r, body, &ex)
	if ex.download != nil {
		defer ex.download.Close()
	}
	if f != nil && f.Kind == ResetAfterApply {
		req.Status = 0
		s.record(req) // before the reset: see early
		resetConnection(w)
		return
	}
	// Logged before the answer goes out, so that a client that has its
	// answer finds its request in the log.
	s.record(req)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	b := rec.Body.Bytes()
	if ex.download != nil {
		// A file, copied as it is sent: it is never in memory whole.
		// MalformedJSON cuts it in half under its announced
		// Content-Length, so that the client sees a body cut short.
		var src io.Reader = ex.download
		if f != nil && f.Kind == MalformedJSON {
			src = io.LimitReader(src, rec.Result().ContentLength/2)
		}
		w.WriteHeader(rec.Code)
		io.Copy(w, src)
		return
	}
	if f != nil && f.Kind == MalformedJSON {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Del("Content-Length")
		if len(b) < 2 {
			b = []byte(`{"record_count":`)
		}
		b = b[:len(b)/2] // cut mid-value: not valid JSON
	}
	w.WriteHeader(rec.Code)
	w.Write(b)
}

func (s *Server) handleAPI(w *httptest.ResponseRecorder, r *http.Request, body []byte, ex *exchange) int {
	if !s.authorised(r) {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "Unauthorized: the access token is missing, invalid or expired"})
		return http.StatusUnauthorized
	}
	if _, pattern := s.custom.Handler(r); pattern != "" {
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.custom.ServeHTTP(w, r)
		return w.Code
	}
	path := r.URL.Path[len("/api"):]
	rt, params := s.router.match(r.Method, path)
	if rt == nil {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "No such endpoint: " + r.Method + " " + r.URL.Path})
		return http.StatusNotFound
	}
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	if status, ok := s.attachmentRoute(w, rt, params, body, ex); ok {
		return status
	}
	t := s.tables[strings.ToLower(rt.section)]
	var plan *listPlan
	if rt.kind == opList {
		var problems []paramProblem
		plan, problems = s.parseList(strings.ToLower(rt.section), t, q)
		if len(problems) > 0 {
			msg := problemMessage(rt.method, rt.path, problems)
			if !s.opts.lenient {
				names := make([]string, len(problems))
				for i, p := range problems {
					names[i] = p.name
				}
				writeJSON(w, http.StatusBadRequest, map[string]any{"message": msg, "parameters": names})
				return http.StatusBadRequest
			}
			s.logf("%s; ignored (WithLenientParams)", msg)
		}
	}
	switch {
	case rt.kind == opList && t != nil:
		return s.list(w, rt, t, plan)
	case rt.kind == opGet && t != nil:
		return s.get(w, t, params["id"])
	case rt.kind == opCreate && t != nil:
		return s.create(w, t, body)
	case rt.kind == opDelete && t != nil:
		if _, ok := t.rows[params["id"]]; !ok {
			return notFound(w, rt.section, params["id"])
		}
		delete(t.rows, params["id"])
		w.WriteHeader(http.StatusOK)
		return http.StatusOK
	}
	return s.other(w, rt)
}

func notFound(w http.ResponseWriter, section, id string) int {
	writeJSON(w, http.StatusNotFound, map[string]any{"message": section + " " + id + " not found"})
	return http.StatusNotFound
}

// other answers operations the fake does not model with a plausible empty
// value of the right shape.
func (s *Server) other(w http.ResponseWriter, rt *route) int {
	switch {
	case rt.resp == respBinary:
		w.Header().Set("Content-Type", "application/octet-stream")
		w.WriteHeader(http.StatusOK)
	case rt.resp == respModels:
		writeJSON(w, http.StatusOK, []any{})
	case rt.kind == opList && rt.wrapperKey() != "":
		writeJSON(w, http.StatusOK, map[string]any{"record_count": 0, rt.wrapperKey(): []any{}})
	case rt.kind == opList:
		writeJSON(w, http.StatusOK, []any{})
	default:
		writeJSON(w, http.StatusOK, map[string]any{})
	}
	return http.StatusOK
}

func (s *Server) get(w http.ResponseWriter, t *table, id string) int {
	rec, ok := t.rows[id]
	if !ok {
		return notFound(w, t.section, id)
	}
	writeJSON(w, http.StatusOK, s.out(t.schema, rec))
	return http.StatusOK
}

// create handles Halo's upsert: a record without id (or id 0) is created,
// one with a known id is updated with just the fields it carries.
func (s *Server) create(w http.ResponseWriter, t *table, body []byte) int {
	recs, err := decodeRecords(body)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "invalid body: " + err.Error()})
		return http.StatusBadRequest
	}
	out := make([]any, 0, len(recs))
	for _, rec := range recs {
		saved, err := s.upsert(t, rec)
		if err != nil {
			writeJSON(w, http.StatusNotFound, map[string]any{"message": err.Error()})
			return http.StatusNotFound
		}
		out = append(out, s.out(t.schema, saved))
	}
	if len(out) == 1 {
		writeJSON(w, http.StatusCreated, out[0])
	} else {
		writeJSON(w, http.StatusCreated, out)
	}
	return http.StatusCreated
}

// list returns Halo's list wrapper (or a bare array), filtered, ordered
// and paged as the plan says.
func (s *Server) list(w http.ResponseWriter, rt *route, t *table, plan *listPlan) int {
	rows := t.filter(plan.keep)
	var keys []orderKey
	for _, k := range plan.order {
		if k.field != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) > 0 {
		sortRecords(rows, keys)
	}
	total := len(rows)
	pageNo, pageSize := plan.pageNo, plan.pageSize
	if plan.paged {
		limit := s.opts.pageCap
		if c, ok := s.opts.sectionCaps[strings.ToLower(t.section)]; ok {
			limit = c
		}
		if limit > 0 && pageSize > limit {
			pageSize = limit
		}
		// Compared by division first: (pageNo-1)*pageSize can overflow
		// for a page_no or page_size the client made up.
		start := 0
		if pageNo-1 > len(rows)/pageSize {
			start = len(rows)
		} else {
			start = (pageNo - 1) * pageSize
		}
		switch {
		case start >= len(rows):
			rows = nil
		case pageSize < len(rows)-start:
			rows = rows[start : start+pageSize]
		default:
			rows = rows[start:]
		}
	} else if plan.count >= 0 && plan.count < len(rows) {
		rows = rows[:plan.count]
	}
	item := rt.item
	if item == "" {
		item = t.schema
	}
	items := make([]any, len(rows))
	for i, r := range rows {
		r = project(item, r)
		if plan.fields != nil {
			only := make(record, len(plan.fields))
			for _, f := range plan.fields {
				if v, ok := r[f]; ok {
					only[f] = v
				}
			}
			r = only
		}
		items[i] = s.out(item, r)
	}
	key := rt.wrapperKey()
	bare := key == "" || (s.opts.quirks && !plan.paged && quirkBareList[strings.ToLower(t.section)])
	if bare {
		writeJSON(w, http.StatusOK, items)
		return http.StatusOK
	}
	resp := map[string]any{"record_count": total, key: items}
	if plan.paged {
		resp["page_no"], resp["page_size"] = pageNo, pageSize
	}
	writeJSON(w, http.StatusOK, resp)
	return http.StatusOK
}

// out renders a stored record as the server sends it.
func (s *Server) out(schema string, rec record) any {
	if !s.opts.quirks {
		return rec
	}
	return quirk(schema, rec)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(bytes.TrimRight(buf.Bytes(), "\n"))
}

// ---- records ----

type record = map[string]any

type table struct {
	section  string
	schema   string
	fields   map[string]field
	stringID bool
	rows     map[string]record
	nextID   int64
}

func (s *Server) initTables() {
	for i := range routes {
		rt := &routes[i]
		if rt.record == "" || schemas[rt.record] == nil {
			continue
		}
		key := strings.ToLower(rt.section)
		t := s.tables[key]
		if t == nil {
			t = &table{section: rt.section, schema: rt.record, fields: schemaFields(rt.record), rows: map[string]record{}, nextID: 1}
			s.tables[key] = t
		}
		if rt.kind == opGet || rt.kind == opDelete {
			t.stringID = t.stringID || rt.stringID
		}
	}
}

func decodeRecords(body []byte) ([]record, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case []any:
		out := make([]record, 0, len(x))
		for _, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("array element is not an object")
			}
			out = append(out, m)
		}
		return out, nil
	case map[string]any:
		return []record{x}, nil
	}
	return nil, fmt.Errorf("body is neither an object nor an array of objects")
}

// normalise turns Go values into what decoding JSON would give, so that
// records put directly and records posted look the same.
func normalise(rec map[string]any) record {
	b, _ := json.Marshal(rec)
	recs, _ := decodeRecords(b)
	if len(recs) == 0 {
		return record{}
	}
	return recs[0]
}

func idKey(v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return strconv.FormatInt(n, 10), n != 0
		}
		if f, err := x.Float64(); err == nil && f == math.Trunc(f) {
			return strconv.FormatInt(int64(f), 10), f != 0
		}
		return x.String(), true
	case string:
		if n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64); err == nil {
			return strconv.FormatInt(n, 10), n != 0
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return strconv.FormatInt(int64(f), 10), f != 0 // "21.0"
		}
		return x, x != "" && x != "00000000-0000-0000-0000-000000000000"
	}
	return fmt.Sprint(v), true
}

// upsert creates or partially updates a record. Only fields the schema
// declares are kept, as Halo ignores the others.
func (t *table) upsert(in record) (record, error) {
	key, has := idKey(in["id"])
	if has {
		cur, ok := t.rows[key]
		if !ok {
			return nil, fmt.Errorf("%s %s not found", t.section, key)
		}
		for k, v := range in {
			if _, declared := t.fields[k]; declared && k != "id" {
				cur[k] = v
			}
		}
		return cur, nil
	}
	rec := record{}
	for k, v := range in {
		if _, declared := t.fields[k]; declared {
			rec[k] = v
		}
	}
	key = t.newID()
	if t.stringID {
		rec["id"] = key
	} else {
		rec["id"] = json.Number(key)
	}
	t.rows[key] = rec
	return rec, nil
}

// filter returns, in id order, the records every predicate keeps.
func (t *table) filter(keep []func(record) bool) []record {
	keys := make([]string, 0, len(t.rows))
	for k := range t.rows {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, errA := strconv.ParseInt(keys[i], 10, 64)
		b, errB := strconv.ParseInt(keys[j], 10, 64)
		if errA == nil && errB == nil {
			return a < b
		}
		return keys[i] < keys[j]
	})
	out := make([]record, 0, len(keys))
rows:
	for _, k := range keys {
		r := t.rows[k]
		for _, f := range keep {
			if !f(r) {
				continue rows
			}
		}
		out = append(out, r)
	}
	return out
}

// project keeps the fields of a list item schema (lists carry fewer fields
// than a record fetched by id).
func project(schema string, rec record) record {
	fs := schemaFields(schema)
	if fs == nil {
		return rec
	}
	out := make(record, len(fs))
	for k, v := range rec {
		if _, ok := fs[k]; ok || k == "id" {
			out[k] = v
		}
	}
	return out
}

func cloneRecord(r record) record {
	out := make(record, len(r))
	for k, v := range r {
		out[k] = v
	}
	return out
}

package halopsa_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/halopsa-go/halopsa"
)

// The aliases name the generated types, not copies of them: a record
// decoded through an alias is the generated record.
var (
	_ *halopsa.Faults             = (*halopsa.Ticket)(nil)
	_ *halopsa.Faults             = (*halopsa.Opportunity)(nil)
	_ *halopsa.Faults             = (*halopsa.Project)(nil)
	_ *halopsa.Actions            = (*halopsa.Action)(nil)
	_ *halopsa.Area               = (*halopsa.Customer)(nil)
	_ *halopsa.Uname              = (*halopsa.Agent)(nil)
	_ *halopsa.SectionDetail      = (*halopsa.Team)(nil)
	_ *halopsa.TStatus            = (*halopsa.Status)(nil)
	_ *halopsa.Device             = (*halopsa.Asset)(nil)
	_ *halopsa.RequestType        = (*halopsa.TicketType)(nil)
	_ *halopsa.KBEntry            = (*halopsa.KBArticle)(nil)
	_ *halopsa.InvoiceHeader      = (*halopsa.Invoice)(nil)
	_ *halopsa.QuotationHeader    = (*halopsa.Quote)(nil)
	_ *halopsa.ContractHeader     = (*halopsa.ClientContract)(nil)
	_ *halopsa.TOutcome           = (*halopsa.Outcome)(nil)
	_ *halopsa.Users              = (*halopsa.User)(nil)
	_ *halopsa.Policy             = (*halopsa.Priority)(nil)
	_ *halopsa.CategoryDetail     = (*halopsa.Category)(nil)
	_ *halopsa.SLAHead            = (*halopsa.SLA)(nil)
	_ *halopsa.FlowHeader         = (*halopsa.Workflow)(nil)
	_ *halopsa.FaultsList         = (*halopsa.TicketListItem)(nil)
	_ *halopsa.UsersList          = (*halopsa.UserListItem)(nil)
	_ *halopsa.DeviceList         = (*halopsa.AssetListItem)(nil)
	_ *halopsa.UnameList          = (*halopsa.AgentListItem)(nil)
	_ *halopsa.SectionDetailList  = (*halopsa.TeamListItem)(nil)
	_ *halopsa.RequestTypeList    = (*halopsa.TicketTypeListItem)(nil)
	_ *halopsa.KBEntryList        = (*halopsa.KBArticleListItem)(nil)
	_ *halopsa.ContractHeaderList = (*halopsa.ClientContractListItem)(nil)
)

// aliasFixture is one file of testdata/halo: a record (or a list of
// records) as a Halo tenant sends it, and what a program reads from it.
type aliasFixture[T any] struct {
	file string
	// path is where Halo serves the file; the client must ask for it.
	path string
	// list is set for lists: listKey names the page's array of records, or
	// is empty for a bare array.
	list    bool
	listKey string
	// fetch gets the records through the client's typed method.
	fetch func(ctx context.Context, halo *halopsa.Client) ([]T, error)
	// marshal is halopsa.Marshal for T; its parameter type is unexported,
	// so a type parameter cannot be passed to it directly.
	marshal func(*T) ([]byte, error)
	// extra lists, per record, the fields the spec does not declare: exactly
	// these must land in Extra (a declared field there was not converted).
	extra [][]string
	// check reads the records with getters and compares them with the file.
	check func(t *testing.T, recs []T)
}

func (fx aliasFixture[T]) run(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "halo", fx.file))
	if err != nil {
		t.Fatal(err)
	}
	raws := fixtureRecords(t, data, fx.list, fx.listKey)
	if len(raws) != len(fx.extra) {
		t.Fatalf("%s holds %d records, the test describes %d", fx.file, len(raws), len(fx.extra))
	}
	// Through the alias, with encoding/json (which calls the model's
	// UnmarshalJSON).
	decoded := make([]T, len(raws))
	for i, raw := range raws {
		if err := json.Unmarshal(raw, &decoded[i]); err != nil {
			t.Fatalf("json.Unmarshal record %d: %v", i, err)
		}
	}

	t.Run("json.Unmarshal", func(t *testing.T) {
		for i := range decoded {
			checkExtra(t, i, &decoded[i], fx.extra[i])
		}
		fx.check(t, decoded)
	})

	t.Run("client", func(t *testing.T) {
		halo, logs := fixtureClient(t, fx.path, data)
		fetched, err := fx.fetch(fixtureContext(t), halo)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(fetched, decoded) {
			t.Errorf("the client's records differ from json.Unmarshal's")
		}
		fx.check(t, fetched)
		if s := logs.String(); s != "" {
			t.Errorf("the client logged warnings (a value kept raw?):\n%s", s)
		}
	})

	// Encoded and decoded again, nothing is lost or changed.
	t.Run("Marshal", func(t *testing.T) {
		again := make([]T, len(decoded))
		for i := range decoded {
			enc, err := fx.marshal(&decoded[i])
			if err != nil {
				t.Fatalf("record %d: %v", i, err)
			}
			checkSameKeys(t, i, raws[i], enc)
			if err := json.Unmarshal(enc, &again[i]); err != nil {
				t.Fatalf("decoding Marshal's output of record %d: %v\n%s", i, err, enc)
			}
			if !reflect.DeepEqual(again[i], decoded[i]) {
				t.Errorf("record %d changed on a round trip through Marshal:\nsent     %s\nreceived %s", i, raws[i], enc)
			}
			if enc2, err := fx.marshal(&again[i]); err != nil || !bytes.Equal(enc2, enc) {
				t.Errorf("record %d: encoding is not stable (err %v):\n%s\n%s", i, err, enc, enc2)
			}
		}
		fx.check(t, again)
	})
}

// fixtureRecords returns the raw JSON of each record of a fixture file.
func fixtureRecords(t *testing.T, data []byte, list bool, key string) []json.RawMessage {
	t.Helper()
	if !list {
		return []json.RawMessage{data}
	}
	if key != "" {
		var page map[string]json.RawMessage
		if err := json.Unmarshal(data, &page); err != nil {
			t.Fatal(err)
		}
		data = page[key]
	}
	var recs []json.RawMessage
	if err := json.Unmarshal(data, &recs); err != nil || len(recs) == 0 {
		t.Fatalf("no records under %q: %v", key, err)
	}
	return recs
}

// checkExtra checks that the record's Extra holds exactly the undeclared
// fields, each as Halo sent it.
func checkExtra(t *testing.T, i int, rec any, undeclared []string) {
	t.Helper()
	extra, ok := reflect.ValueOf(rec).Elem().FieldByName("Extra").Interface().(map[string]json.RawMessage)
	if !ok {
		t.Fatalf("%T has no Extra map", rec)
	}
	var got []string
	for k := range extra {
		got = append(got, k)
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(undeclared))
	if !slices.Equal(got, want) {
		t.Errorf("record %d: Extra holds %q, want %q", i, got, want)
	}
}

// checkSameKeys checks that an encoded record has every field Halo sent
// with a value (null means unset, which is not sent back), and no other.
func checkSameKeys(t *testing.T, i int, sent, encoded []byte) {
	t.Helper()
	var in, out map[string]json.RawMessage
	if err := json.Unmarshal(sent, &in); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(encoded, &out); err != nil {
		t.Fatalf("record %d: Marshal wrote invalid JSON: %v\n%s", i, err, encoded)
	}
	for k, v := range in {
		if _, ok := out[k]; !ok && string(v) != "null" {
			t.Errorf("record %d: Marshal dropped %q (%s)", i, k, v)
		}
	}
	for k := range out {
		if _, ok := in[k]; !ok {
			t.Errorf("record %d: Marshal added %q", i, k)
		}
	}
}

// fixtureClient returns a client of a loopback Halo that serves data at
// path to a bearer token from its own token endpoint, and the client's
// warnings.
func fixtureClient(t *testing.T, path string, data []byte) (*halopsa.Client, *syncBuffer) {
	t.Helper()
	const token = "fixture-token"
	mux := http.NewServeMux()
	mux.HandleFunc("POST /auth/token", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("client_id") != "fixture-id" || r.FormValue("client_secret") != "fixture-secret" {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"`+token+`","token_type":"Bearer","expires_in":3600}`)
	})
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, `{"message":"unauthorised"}`, http.StatusUnauthorized)
			return
		}
		if r.Method != http.MethodGet || r.URL.Path != "/api"+path {
			http.Error(w, `"no such record"`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(data)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	logs := new(syncBuffer)
	halo, err := halopsa.New(halopsa.Config{
		CompanyURL:   srv.URL,
		ClientID:     "fixture-id",
		ClientSecret: "fixture-secret",
		Logger:       slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		t.Fatal(err)
	}
	return halo, logs
}

// syncBuffer is a bytes.Buffer for a logger that may write from another
// goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func fixtureContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// one turns a typed method's single record into the fixture's list of one.
func one[T any](rec *T, err error) ([]T, error) {
	if err != nil || rec == nil {
		return nil, err
	}
	return []T{*rec}, nil
}

func eq[V comparable](t *testing.T, what string, got, want V) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// eqTime checks a timestamp's instant (RFC 3339) and whether it is set.
func eqTime(t *testing.T, what string, got halopsa.Time, instant string, set bool) {
	t.Helper()
	eqInstant(t, what, got, instant)
	if got.IsSet() != set {
		t.Errorf("%s.IsSet() = %v, want %v", what, got.IsSet(), set)
	}
}

// eqInstant checks a timestamp's instant (RFC 3339) only.
func eqInstant(t *testing.T, what string, got halopsa.Time, instant string) {
	t.Helper()
	want, err := time.Parse(time.RFC3339Nano, instant)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Time.Equal(want) {
		t.Errorf("%s = %v, want %v", what, got.Time, want)
	}
}

// eqRaw checks a value kept as raw JSON.
func eqRaw(t *testing.T, what string, got json.RawMessage, want string) {
	t.Helper()
	if string(got) != want {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

func TestAliasesDecodeHaloRecords(t *testing.T) {
	cases := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"Ticket", aliasFixture[halopsa.Ticket]{
			file: "ticket.json", path: "/Tickets/1042",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.Ticket, error) {
				return one(halo.Tickets.GetTicketsByID(ctx, halopsa.GetTicketsByIDParams{ID: 1042}))
			},
			marshal: func(r *halopsa.Ticket) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"priority", "CFcallbacknumber", "new_field_2026"}},
			check:   checkTicket,
		}.run},
		{"Opportunity", aliasFixture[halopsa.Opportunity]{
			file: "opportunity.json", path: "/Opportunities/2210",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.Opportunity, error) {
				return one(halo.Opportunities.GetOpportunitiesByID(ctx, halopsa.GetOpportunitiesByIDParams{ID: 2210}))
			},
			marshal: func(r *halopsa.Opportunity) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"opportunity_score", "new_field_2026"}},
			check:   checkOpportunity,
		}.run},
		{"Project", aliasFixture[halopsa.Project]{
			file: "project.json", path: "/Projects/3050",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.Project, error) {
				return one(halo.Projects.GetProjectsByID(ctx, halopsa.GetProjectsByIDParams{ID: 3050}))
			},
			marshal: func(r *halopsa.Project) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"gantt_colour", "new_field_2026"}},
			check:   checkProject,
		}.run},
		{"Action", aliasFixture[halopsa.Action]{
			file: "action.json", path: "/Actions/3",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.Action, error) {
				return one(halo.Actions.GetActionsByID(ctx, halopsa.GetActionsByIDParams{ID: 3, TicketID: halopsa.Ptr(1042)}))
			},
			marshal: func(r *halopsa.Action) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"who", "sla_status", "new_field_2026"}},
			check:   checkAction,
		}.run},
		{"Customer", aliasFixture[halopsa.Customer]{
			file: "customer.json", path: "/Client/12",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.Customer, error) {
				return one(halo.Client.GetClientByID(ctx, halopsa.GetClientByIDParams{ID: 12}))
			},
			marshal: func(r *halopsa.Customer) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"ticket_count_by_status", "new_field_2026"}},
			check:   checkCustomer,
		}.run},
		{"Agent", aliasFixture[halopsa.Agent]{
			file: "agent.json", path: "/Agent/3",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.Agent, error) {
				return one(halo.Agent.GetAgentByID(ctx, halopsa.GetAgentByIDParams{ID: 3}))
			},
			marshal: func(r *halopsa.Agent) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"app_last_seen", "new_field_2026"}},
			check:   checkAgent,
		}.run},
		{"Team", aliasFixture[halopsa.Team]{
			file: "team.json", path: "/Team/1",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.Team, error) {
				return one(halo.Team.GetTeamByID(ctx, halopsa.GetTeamByIDParams{ID: 1}))
			},
			marshal: func(r *halopsa.Team) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"colour", "new_field_2026"}},
			check:   checkTeam,
		}.run},
		{"Status", aliasFixture[halopsa.Status]{
			file: "status.json", path: "/Status/2",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.Status, error) {
				return one(halo.Status.GetStatusByID(ctx, halopsa.GetStatusByIDParams{ID: 2}))
			},
			marshal: func(r *halopsa.Status) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"last_modified", "new_field_2026"}},
			check:   checkStatus,
		}.run},
		{"Asset", aliasFixture[halopsa.Asset]{
			file: "asset.json", path: "/Asset/77",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.Asset, error) {
				return one(halo.Asset.GetAssetByID(ctx, halopsa.GetAssetByIDParams{ID: 77}))
			},
			marshal: func(r *halopsa.Asset) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"rmm_agent_version", "new_field_2026"}},
			check:   checkAsset,
		}.run},
		{"TicketType", aliasFixture[halopsa.TicketType]{
			file: "ticket_type.json", path: "/TicketType/1",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.TicketType, error) {
				return one(halo.TicketType.GetTicketTypeByID(ctx, halopsa.GetTicketTypeByIDParams{ID: 1}))
			},
			marshal: func(r *halopsa.TicketType) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"last_modified", "new_field_2026"}},
			check:   checkTicketType,
		}.run},
		{"KBArticle", aliasFixture[halopsa.KBArticle]{
			file: "kb_article.json", path: "/KBArticle/88",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.KBArticle, error) {
				return one(halo.KBArticle.GetKBArticleByID(ctx, halopsa.GetKBArticleByIDParams{ID: 88}))
			},
			marshal: func(r *halopsa.KBArticle) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"rating_average", "new_field_2026"}},
			check:   checkKBArticle,
		}.run},
		{"Invoice", aliasFixture[halopsa.Invoice]{
			file: "invoice.json", path: "/Invoice/5120",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.Invoice, error) {
				return one(halo.Invoice.GetInvoiceByID(ctx, halopsa.GetInvoiceByIDParams{ID: 5120}))
			},
			marshal: func(r *halopsa.Invoice) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"balance_outstanding_text", "new_field_2026"}},
			check:   checkInvoice,
		}.run},
		{"Quote", aliasFixture[halopsa.Quote]{
			file: "quote.json", path: "/Quotation/733",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.Quote, error) {
				return one(halo.Quotation.GetQuotationByID(ctx, halopsa.GetQuotationByIDParams{ID: 733}))
			},
			marshal: func(r *halopsa.Quote) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"customer_signature_url", "new_field_2026"}},
			check:   checkQuote,
		}.run},
		{"ClientContract", aliasFixture[halopsa.ClientContract]{
			file: "client_contract.json", path: "/ClientContract/31",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.ClientContract, error) {
				return one(halo.ClientContract.GetClientContractByID(ctx, halopsa.GetClientContractByIDParams{ID: 31}))
			},
			marshal: func(r *halopsa.ClientContract) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"renewal_reminder_sent", "new_field_2026"}},
			check:   checkClientContract,
		}.run},
		{"Outcome", aliasFixture[halopsa.Outcome]{
			file: "outcome.json", path: "/Outcome/17",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.Outcome, error) {
				return one(halo.Outcome.GetOutcomeByID(ctx, halopsa.GetOutcomeByIDParams{ID: 17}))
			},
			marshal: func(r *halopsa.Outcome) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"last_modified", "new_field_2026"}},
			check:   checkOutcome,
		}.run},
		{"User", aliasFixture[halopsa.User]{
			file: "user.json", path: "/Users/45",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.User, error) {
				return one(halo.Users.GetUsersByID(ctx, halopsa.GetUsersByIDParams{ID: 45}))
			},
			marshal: func(r *halopsa.User) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"mfa_registered", "new_field_2026"}},
			check:   checkUser,
		}.run},
		{"Priority", aliasFixture[halopsa.Priority]{
			file: "priority.json", path: "/Priority/9f1e2d3c-4b5a-4697-8877-665544332211",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.Priority, error) {
				return one(halo.Priority.GetPriorityByID(ctx, halopsa.GetPriorityByIDParams{ID: "9f1e2d3c-4b5a-4697-8877-665544332211"}))
			},
			marshal: func(r *halopsa.Priority) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"sla_name", "new_field_2026"}},
			check:   checkPriority,
		}.run},
		{"Category", aliasFixture[halopsa.Category]{
			file: "category.json", path: "/Category/7",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.Category, error) {
				return one(halo.Category.GetCategoryByID(ctx, halopsa.GetCategoryByIDParams{ID: 7}))
			},
			marshal: func(r *halopsa.Category) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"display", "new_field_2026"}},
			check:   checkCategory,
		}.run},
		{"SLA", aliasFixture[halopsa.SLA]{
			file: "sla.json", path: "/SLA/1",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.SLA, error) {
				return one(halo.SLA.GetSLAByID(ctx, halopsa.GetSLAByIDParams{ID: 1}))
			},
			marshal: func(r *halopsa.SLA) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"ticket_count", "new_field_2026"}},
			check:   checkSLA,
		}.run},
		{"Workflow", aliasFixture[halopsa.Workflow]{
			file: "workflow.json", path: "/Workflow/1",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.Workflow, error) {
				return one(halo.Workflow.GetWorkflowByID(ctx, halopsa.GetWorkflowByIDParams{ID: 1}))
			},
			marshal: func(r *halopsa.Workflow) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"created_by", "new_field_2026"}},
			check:   checkWorkflow,
		}.run},
		{"TicketListItem", aliasFixture[halopsa.TicketListItem]{
			file: "tickets_page.json", path: "/Tickets", list: true, listKey: "tickets",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.TicketListItem, error) {
				page, err := halo.Tickets.GetTickets(ctx, halopsa.GetTicketsParams{Pageinate: halopsa.Ptr(true), PageSize: halopsa.Ptr(3), PageNo: halopsa.Ptr(1)})
				if err != nil {
					return nil, err
				}
				return page.Tickets, nil
			},
			marshal: func(r *halopsa.TicketListItem) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"CFcallbacknumber"}, {"CFcallbacknumber"}, {"CFcallbacknumber"}},
			check:   checkTicketList,
		}.run},
		{"UserListItem", aliasFixture[halopsa.UserListItem]{
			file: "users_page.json", path: "/Users", list: true, listKey: "users",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.UserListItem, error) {
				page, err := halo.Users.GetUsers(ctx, halopsa.GetUsersParams{Pageinate: halopsa.Ptr(true), PageSize: halopsa.Ptr(2)})
				if err != nil {
					return nil, err
				}
				return page.Users, nil
			},
			marshal: func(r *halopsa.UserListItem) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"last_ticket_date"}, {"last_ticket_date"}},
			check:   checkUserList,
		}.run},
		{"AssetListItem", aliasFixture[halopsa.AssetListItem]{
			file: "assets_page.json", path: "/Asset", list: true, listKey: "assets",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.AssetListItem, error) {
				page, err := halo.Asset.GetAsset(ctx, halopsa.GetAssetParams{Pageinate: halopsa.Ptr(true), PageSize: halopsa.Ptr(2)})
				if err != nil {
					return nil, err
				}
				return page.Assets, nil
			},
			marshal: func(r *halopsa.AssetListItem) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"Serial Number"}, {"Serial Number"}},
			check:   checkAssetList,
		}.run},
		{"AgentListItem", aliasFixture[halopsa.AgentListItem]{
			file: "agents_list.json", path: "/Agent", list: true,
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.AgentListItem, error) {
				return halo.Agent.GetAgent(ctx, halopsa.GetAgentParams{})
			},
			marshal: func(r *halopsa.AgentListItem) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"teams_string"}, {"teams_string"}},
			check:   checkAgentList,
		}.run},
		{"TeamListItem", aliasFixture[halopsa.TeamListItem]{
			file: "teams_list.json", path: "/Team", list: true,
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.TeamListItem, error) {
				return halo.Team.GetTeam(ctx, halopsa.GetTeamParams{})
			},
			marshal: func(r *halopsa.TeamListItem) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"open_ticket_count"}, {"open_ticket_count"}},
			check:   checkTeamList,
		}.run},
		{"TicketTypeListItem", aliasFixture[halopsa.TicketTypeListItem]{
			file: "ticket_types_list.json", path: "/TicketType", list: true,
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.TicketTypeListItem, error) {
				return halo.TicketType.GetTicketType(ctx, halopsa.GetTicketTypeParams{})
			},
			marshal: func(r *halopsa.TicketTypeListItem) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"colour"}, {"colour"}},
			check:   checkTicketTypeList,
		}.run},
		{"KBArticleListItem", aliasFixture[halopsa.KBArticleListItem]{
			file: "kb_articles_page.json", path: "/KBArticle", list: true, listKey: "articles",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.KBArticleListItem, error) {
				page, err := halo.KBArticle.GetKBArticle(ctx, halopsa.GetKBArticleParams{Pageinate: halopsa.Ptr(true), PageSize: halopsa.Ptr(2)})
				if err != nil {
					return nil, err
				}
				return page.Articles, nil
			},
			marshal: func(r *halopsa.KBArticleListItem) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"faqlist_names"}, {"faqlist_names"}},
			check:   checkKBArticleList,
		}.run},
		{"ClientContractListItem", aliasFixture[halopsa.ClientContractListItem]{
			file: "client_contracts_page.json", path: "/ClientContract", list: true, listKey: "contracts",
			fetch: func(ctx context.Context, halo *halopsa.Client) ([]halopsa.ClientContractListItem, error) {
				page, err := halo.ClientContract.GetClientContract(ctx, halopsa.GetClientContractParams{Pageinate: halopsa.Ptr(true), PageSize: halopsa.Ptr(2)})
				if err != nil {
					return nil, err
				}
				return page.Contracts, nil
			},
			marshal: func(r *halopsa.ClientContractListItem) ([]byte, error) { return halopsa.Marshal(r) },
			extra:   [][]string{{"days_remaining"}, {"days_remaining"}},
			check:   checkClientContractList,
		}.run},
	}
	for _, c := range cases {
		t.Run(c.name, c.run)
	}
}

func checkTicket(t *testing.T, recs []halopsa.Ticket) {
	r := &recs[0]
	eq(t, "id", r.GetID(), 1042)
	eq(t, "summary", r.GetSummary(), "Outlook keeps asking for password")
	eq(t, "details", r.GetDetails(), "Since this morning Outlook prompts for my password every few minutes.\r\nWebmail works fine.")
	eq(t, "client_name", r.GetClientName(), "Contoso Ltd")
	eq(t, "priority_id (sent as \"3\")", r.GetPriorityID(), 3)
	eq(t, "site_id (sent as 18.0)", r.GetSiteID(), 18)
	eq(t, "flagged (sent as 0)", r.GetFlagged(), false)
	eq(t, "read (sent as 1)", r.GetRead(), true)
	eq(t, "is_vip (sent as \"False\")", r.GetIsVip(), false)
	eq(t, "timetaken", r.GetTimetaken(), 0.25)
	eq(t, "starttime", r.GetStarttime(), "09:00:00")
	eq(t, "category_2 (empty)", r.GetCategory2(), "")
	if r.Category3 != nil {
		t.Errorf("category_3 (null) = %q, want unset", *r.Category3)
	}
	eqTime(t, "dateoccurred", r.GetDateoccurred(), "2026-11-26T04:15:00.123Z", true)
	eqTime(t, "dateclosed", r.GetDateclosed(), "1900-01-01T00:00:00Z", false)
	// Halo's other "unset" date. IsSet knows only 1900-01-01, so only the
	// instant is checked.
	eqTime(t, "targetdate", r.GetTargetdate(), "1899-12-30T00:00:00Z", false)
	eq(t, "startdate_with_timezone.timezone", r.GetStartdateWithTimezone().GetTimezone(), "GMT Standard Time")
	eqTime(t, "startdate_with_timezone.datetime", r.GetStartdateWithTimezone().GetDatetime(), "2026-11-26T09:00:00Z", true)
	if r.GetTargetdateWithTimezone() != nil || r.GetDeliveryAddress() != nil {
		t.Error("a nested record sent as null is not nil")
	}
	eq(t, "targetdate_with_timezone.timezone (null record)", r.GetTargetdateWithTimezone().GetTimezone(), "")
	eq(t, "delivery_address.line1 (null record)", r.GetDeliveryAddress().GetLine1(), "")
	if len(r.Customfields) != 3 {
		t.Fatalf("%d customfields, want 3", len(r.Customfields))
	}
	eq(t, "customfields[0].name", r.Customfields[0].GetName(), "CFcallbacknumber")
	eqRaw(t, "customfields[1].value", r.Customfields[1].Value, `3`)
	eq(t, "customfields[1].display", r.Customfields[1].GetDisplay(), "2-10 users")
	eq(t, "customfields[2].showondetailsscreen (sent as \"1\")", r.Customfields[2].GetShowondetailsscreen(), true)
	if len(r.Attachments) != 1 || len(r.Assets) != 1 {
		t.Fatalf("%d attachments and %d assets, want 1 and 1", len(r.Attachments), len(r.Assets))
	}
	eq(t, "attachments[0].filename", r.Attachments[0].GetFilename(), "outlook-prompt.png")
	eq(t, "attachments[0].filesize", r.Attachments[0].GetFilesize(), 48213)
	eq(t, "assets[0].key_field2", r.Assets[0].GetKeyField2(), "Dell Latitude 5440")
	eqTime(t, "assets[0].warranty_end", r.Assets[0].GetWarrantyEnd(), "2028-03-31T00:00:00Z", true)
	if r.Tags == nil || len(r.Tags) != 0 || len(r.ChildTicketIds) != 0 {
		t.Errorf("tags %v and child_ticket_ids %v, want empty lists", r.Tags, r.ChildTicketIds)
	}
	eqRaw(t, "Extra[priority]", r.Extra["priority"], `{"priorityid":3,"name":"P3 - Normal","colour":"#FFC000","slaid":1,"fixtime":8.0,"fixunits":"H"}`)
	eqRaw(t, "Extra[CFcallbacknumber]", r.Extra["CFcallbacknumber"], `"+44 20 7946 0018"`)
}

func checkOpportunity(t *testing.T, recs []halopsa.Opportunity) {
	r := &recs[0]
	eq(t, "id", r.GetID(), 2210)
	eq(t, "summary", r.GetSummary(), "Microsoft 365 migration - Fabrikam")
	eq(t, "client_name (null)", r.GetClientName(), "")
	eq(t, "oppcompanyname", r.GetOppcompanyname(), "Fabrikam Inc")
	eq(t, "oppemailaddress", r.GetOppemailaddress(), "dana.whitfield@fabrikam.example")
	eq(t, "oppvalue", r.GetOppvalue(), 18500.0)
	eq(t, "oppconversionprobability", r.GetOppconversionprobability(), 60.0)
	eq(t, "oppattemptsmade (sent as \"4\")", r.GetOppattemptsmade(), 4)
	eq(t, "pipeline_stage_name", r.GetPipelineStageName(), "Proposal")
	eq(t, "excludefromsla", r.GetExcludefromsla(), true)
	eqTime(t, "oppdemodate", r.GetOppdemodate(), "2026-10-14T15:00:00Z", true)
	eqTime(t, "opptrialdate", r.GetOpptrialdate(), "1900-01-01T00:00:00Z", false)
	eqTime(t, "followupdate", r.GetFollowupdate(), "2026-11-27T10:00:00Z", true)
	if len(r.Customfields) != 1 {
		t.Fatalf("%d customfields, want 1", len(r.Customfields))
	}
	eqRaw(t, "customfields[0].value", r.Customfields[0].Value, `"60"`)
	eq(t, "startdate_with_timezone.timezone (absent record)", r.GetStartdateWithTimezone().GetTimezone(), "")
	eqRaw(t, "Extra[opportunity_score]", r.Extra["opportunity_score"], `71`)
	eqRaw(t, "Extra[new_field_2026]", r.Extra["new_field_2026"], `null`)
}

func checkProject(t *testing.T, recs []halopsa.Project) {
	r := &recs[0]
	eq(t, "id", r.GetID(), 3050)
	eq(t, "summary", r.GetSummary(), "Head office network refresh")
	eq(t, "onhold (sent as \"0\")", r.GetOnhold(), false)
	eq(t, "flagged", r.GetFlagged(), true)
	eq(t, "projecttimepercentage", r.GetProjecttimepercentage(), 37.5)
	eq(t, "projectmoneyactual", r.GetProjectmoneyactual(), 21030.75)
	eq(t, "budgettype", r.GetBudgettype(), "Fixed price")
	eq(t, "child_count_open", r.GetChildCountOpen(), 4)
	if !slices.Equal(r.ChildTicketIds, []int{3051, 3052, 3053, 3054, 3055, 3056}) {
		t.Errorf("child_ticket_ids = %v", r.ChildTicketIds)
	}
	eqTime(t, "lastchildactiondate", r.GetLastchildactiondate(), "2026-11-25T09:12:44.1Z", true)
	eqTime(t, "targetdate", r.GetTargetdate(), "2026-12-19T00:00:00Z", true)
	eq(t, "delivery_address.postcode", r.GetDeliveryAddress().GetPostcode(), "EC1A 1BB")
	eq(t, "delivery_address.primary", r.GetDeliveryAddress().GetPrimary(), true)
	if len(r.Milestones) != 2 {
		t.Fatalf("%d milestones, want 2", len(r.Milestones))
	}
	eq(t, "milestones[1].name", r.Milestones[1].GetName(), "Core switches")
	eq(t, "milestones[0].milestone_value", r.Milestones[0].GetMilestoneValue(), 4000.0)
	eqTime(t, "milestones[1].processed_date", r.Milestones[1].GetProcessedDate(), "1900-01-01T00:00:00Z", false)
	eqRaw(t, "Extra[new_field_2026]", r.Extra["new_field_2026"], `[1,2,3]`)
}

func checkAction(t *testing.T, recs []halopsa.Action) {
	r := &recs[0]
	eq(t, "ticket_id", r.GetTicketID(), 1042)
	eq(t, "id", r.GetID(), 3)
	eq(t, "outcome", r.GetOutcome(), "Email User")
	eq(t, "chargerate (sent as 2.0)", r.GetChargerate(), 2)
	eq(t, "actisbillable (sent as 1)", r.GetActisbillable(), true)
	eq(t, "hiddenfromuser", r.GetHiddenfromuser(), false)
	eq(t, "actionchargeamount", r.GetActionchargeamount(), 23.75)
	eq(t, "emailbody (null)", r.GetEmailbody(), "")
	eq(t, "new_status_name", r.GetNewStatusName(), "In Progress")
	eqTime(t, "datetime", r.GetDatetime(), "2026-11-26T04:32:10.5Z", true)
	eqTime(t, "actprocesseddate", r.GetActprocesseddate(), "1900-01-01T00:00:00Z", false)
	eqTime(t, "actiontargetresponsedate", r.GetActiontargetresponsedate(), "1899-12-30T00:00:00Z", false)
	eq(t, "new_startdate_with_timezone.timezone (absent record)", r.GetNewStartdateWithTimezone().GetTimezone(), "")
	if dev, err := r.NewAsset.Get(); dev != nil || err != nil {
		t.Errorf("new_asset (null) = %v, %v; want nil, nil", dev, err)
	}
	eqRaw(t, "Extra[who]", r.Extra["who"], `"Sam Patel"`)
}

func checkCustomer(t *testing.T, recs []halopsa.Customer) {
	r := &recs[0]
	eq(t, "id", r.GetID(), 12)
	eq(t, "name", r.GetName(), "Contoso Ltd")
	eq(t, "toplevel_name", r.GetToplevelName(), "Managed Customers")
	eq(t, "prinotify (sent as 1)", r.GetPrinotify(), true)
	eq(t, "secnotify (sent as 0)", r.GetSecnotify(), false)
	eq(t, "paymentterms (sent as \"30\")", r.GetPaymentterms(), 30)
	eq(t, "messagegroup_id", r.GetMessagegroupID(), -1)
	eq(t, "hourlyrate", r.GetHourlyrate(), 95.0)
	eq(t, "total_ticket_count", r.GetTotalTicketCount(), 1234)
	eqTime(t, "datecreated", r.GetDatecreated(), "2021-04-12T09:31:17.46Z", true)
	eqTime(t, "alastupdate", r.GetAlastupdate(), "2026-11-25T18:02:44.733Z", true)
	eqTime(t, "enddate", r.GetEnddate(), "1900-01-01T00:00:00Z", false)
	eq(t, "main_delivery_address.line1", r.GetMainDeliveryAddress().GetLine1(), "12 Market Street")
	eq(t, "main_delivery_address.long", r.GetMainDeliveryAddress().GetLong(), -0.0977)
	eqTime(t, "main_delivery_address.date_inactive", r.GetMainDeliveryAddress().GetDateInactive(), "1900-01-01T00:00:00Z", false)
	eq(t, "main_invoice_address.line1", r.GetMainInvoiceAddress().GetLine1(), "PO Box 42")
	if r.GetOverrideOrgAddress() != nil {
		t.Error("override_org_address (null) is not nil")
	}
	eq(t, "override_org_address.postcode (null record)", r.GetOverrideOrgAddress().GetPostcode(), "")
	if len(r.Customfields) != 2 {
		t.Fatalf("%d customfields, want 2", len(r.Customfields))
	}
	eqRaw(t, "customfields[1].value", r.Customfields[1].Value, `"2021-04-12T00:00:00"`)
	eqRaw(t, "Extra[ticket_count_by_status]", r.Extra["ticket_count_by_status"], `[{"status_id":1,"count":9},{"status_id":2,"count":5}]`)
}

func checkAgent(t *testing.T, recs []halopsa.Agent) {
	r := &recs[0]
	eq(t, "id", r.GetID(), 3)
	eq(t, "name", r.GetName(), "Sam Patel")
	eq(t, "email", r.GetEmail(), "sam.patel@northwind-it.example")
	eq(t, "is_online", r.GetIsOnline(), true)
	eq(t, "pagesize (sent as \"50\")", r.GetPagesize(), 50)
	eq(t, "workhour_start", r.GetWorkhourStart(), 8.5)
	eq(t, "lastonline (a string in the spec)", r.GetLastonline(), "2026-11-26T04:40:12")
	eqTime(t, "lastlogindate", r.GetLastlogindate(), "2026-11-26T03:58:20.61Z", true)
	eqTime(t, "delegation_start", r.GetDelegationStart(), "1900-01-01T00:00:00Z", false)
	if len(r.Teams) != 2 || len(r.Roles) != 1 {
		t.Fatalf("%d teams and %d roles, want 2 and 1", len(r.Teams), len(r.Roles))
	}
	eq(t, "teams[1].team_name", r.Teams[1].GetTeamName(), "2nd Line Support")
	eq(t, "teams[1].is_manager (sent as 0)", r.Teams[1].GetIsManager(), false)
	eq(t, "roles[0].id (a GUID)", r.Roles[0].GetID(), "5c9f4e0b-7a61-4d02-9b3c-1e2d3f4a5b6c")
	eq(t, "roles[0].id_int", r.Roles[0].GetIDInt(), 2)
	eq(t, "splashtop_channel.label (null record)", r.GetSplashtopChannel().GetLabel(), "")
	eqRaw(t, "Extra[new_field_2026]", r.Extra["new_field_2026"], `{"copilot_seat":false}`)
}

func checkTeam(t *testing.T, recs []halopsa.Team) {
	r := &recs[0]
	eq(t, "id", r.GetID(), 1)
	eq(t, "name", r.GetName(), "1st Line Support")
	eq(t, "guid", r.GetGUID(), "a1b2c3d4-0001-4000-8000-000000000001")
	eq(t, "forprojects (sent as 0)", r.GetForprojects(), false)
	eq(t, "includeinloadbalance (sent as \"true\")", r.GetIncludeinloadbalance(), true)
	eq(t, "booking_workday_id (sent as 1.0)", r.GetBookingWorkdayID(), 1)
	eq(t, "alternative_name (null)", r.GetAlternativeName(), "")
	eqTime(t, "last_modified", r.GetLastModified(), "2026-06-18T12:44:09.2Z", true)
	if len(r.Agents) != 2 {
		t.Fatalf("%d agents, want 2", len(r.Agents))
	}
	eq(t, "agents[1].agent_name", r.Agents[1].GetAgentName(), "Priya Shah")
	eq(t, "agents[1].is_manager", r.Agents[1].GetIsManager(), true)
	eqRaw(t, "Extra[colour]", r.Extra["colour"], `"#1F77B4"`)
}

func checkStatus(t *testing.T, recs []halopsa.Status) {
	r := &recs[0]
	eq(t, "id", r.GetID(), 2)
	eq(t, "name", r.GetName(), "In Progress")
	eq(t, "shortname", r.GetShortname(), "PROG")
	eq(t, "nochangehoursrecurring (sent as 1)", r.GetNochangehoursrecurring(), true)
	eq(t, "useworkinghours (sent as \"1\")", r.GetUseworkinghours(), 1)
	eq(t, "statusnochangehours", r.GetStatusnochangehours(), 48.0)
	eq(t, "statusemailname (null)", r.GetStatusemailname(), "")
	if len(r.Tickettypes) != 2 {
		t.Fatalf("%d tickettypes, want 2", len(r.Tickettypes))
	}
	eq(t, "tickettypes[0].value (sent as the number 1)", r.Tickettypes[0].GetValue(), "1")
	eq(t, "tickettypes[1].label", r.Tickettypes[1].GetLabel(), "Service Request")
	eqRaw(t, "Extra[last_modified]", r.Extra["last_modified"], `"2025-02-03T09:00:00"`)
}

func checkAsset(t *testing.T, recs []halopsa.Asset) {
	r := &recs[0]
	eq(t, "id", r.GetID(), 77)
	eq(t, "inventory_number", r.GetInventoryNumber(), "CON-LT-0042")
	eq(t, "assettype_id (sent as 3.0)", r.GetAssettypeID(), 3)
	eq(t, "is_primary_asset (sent as 1)", r.GetIsPrimaryAsset(), true)
	eq(t, "sibling_id (a bool in the spec)", r.GetSiblingID(), false)
	eq(t, "item_cost", r.GetItemCost(), 1149.0)
	eq(t, "business_owner_name (null)", r.GetBusinessOwnerName(), "")
	eqTime(t, "warranty_end", r.GetWarrantyEnd(), "2028-03-31T00:00:00Z", true)
	eqTime(t, "labour_warranty_start", r.GetLabourWarrantyStart(), "1900-01-01T00:00:00Z", false)
	eqTime(t, "dlastupdate", r.GetDlastupdate(), "2026-11-26T03:51:09.417Z", true)
	if r.GetStockdetails() != nil {
		t.Error("stockdetails (null) is not nil")
	}
	eq(t, "stockdetails.id (null record)", r.GetStockdetails().GetID(), 0)
	if len(r.Fields) != 4 {
		t.Fatalf("%d fields, want 4", len(r.Fields))
	}
	eq(t, "fields[0].name", r.Fields[0].GetName(), "Serial Number")
	eqRaw(t, "fields[0].value", r.Fields[0].Value, `"7HQ2KX3"`)
	eqRaw(t, "fields[1].value", r.Fields[1].Value, `16`)
	eq(t, "fields[2].mandatory", r.Fields[2].GetMandatory(), true)
	eq(t, "fields[3].groupname (null)", r.Fields[3].GetGroupname(), "")
	if len(r.Customfields) != 1 || len(r.Users) != 1 || len(r.ChildAssets) != 1 {
		t.Fatalf("%d customfields, %d users, %d child assets; want 1 each", len(r.Customfields), len(r.Users), len(r.ChildAssets))
	}
	eqRaw(t, "customfields[0].value", r.Customfields[0].Value, `true`)
	eq(t, "users[0].site_id (a double in the spec)", r.Users[0].GetSiteID(), 18.0)
	eq(t, "child_assets[0].assettype_name", r.ChildAssets[0].GetAssettypeName(), "Docking Station")
	software, err := r.Software.Get()
	if err != nil || len(software) != 1 {
		t.Fatalf("software: %d records, %v; want 1", len(software), err)
	}
	eq(t, "software[0].name", software[0].GetName(), "Microsoft 365 Apps for enterprise")
	eqTime(t, "software[0].lastused", software[0].GetLastused(), "2026-11-26T03:50:00Z", true)
	if children, err := r.Children.Get(); err != nil || children == nil || len(children) != 0 {
		t.Errorf("children ([]) = %v, %v; want an empty list", children, err)
	}
	if hierarchy, err := r.Hierarchy.Get(); hierarchy != nil || err != nil {
		t.Errorf("hierarchy (absent) = %v, %v; want nil, nil", hierarchy, err)
	}
	eqRaw(t, "Extra[rmm_agent_version]", r.Extra["rmm_agent_version"], `"2.14.3"`)
}

func checkTicketType(t *testing.T, recs []halopsa.TicketType) {
	r := &recs[0]
	eq(t, "id", r.GetID(), 1)
	eq(t, "name", r.GetName(), "Incident")
	eq(t, "group_name", r.GetGroupName(), "Service Desk")
	eq(t, "enduserscanselect (sent as 1)", r.GetEnduserscanselect(), true)
	eq(t, "default_sendack (sent as \"1\")", r.GetDefaultSendack(), 1)
	eq(t, "autoCloseHours (sent as 72.0)", r.GetAutoCloseHours(), 72)
	eq(t, "default_estimate", r.GetDefaultEstimate(), 0.5)
	eq(t, "default_summary (null)", r.GetDefaultSummary(), "")
	if !slices.Equal(r.Fieldidlist, []int{142, 151, 160}) {
		t.Errorf("fieldidlist = %v", r.Fieldidlist)
	}
	if len(r.AllowedTeams) != 2 || len(r.AllowedStatus) != 2 {
		t.Fatalf("%d allowed teams and %d statuses, want 2 and 2", len(r.AllowedTeams), len(r.AllowedStatus))
	}
	eq(t, "allowed_teams[1].section_name", r.AllowedTeams[1].GetSectionName(), "2nd Line Support")
	eq(t, "allowed_status[0].status_name", r.AllowedStatus[0].GetStatusName(), "New")
	eq(t, "soc_default_target.label (absent record)", r.GetSocDefaultTarget().GetLabel(), "")
	fields, err := r.Fields.Get()
	if err != nil || len(fields) != 1 {
		t.Fatalf("fields: %d records, %v; want 1", len(fields), err)
	}
	eq(t, "fields[0].fieldname", fields[0].GetFieldname(), "CFcallbacknumber")
	eq(t, "fields[0].technew", fields[0].GetTechnew(), 2)
	eqRaw(t, "Extra[last_modified]", r.Extra["last_modified"], `"2026-03-11T15:27:40.9"`)
}

func checkKBArticle(t *testing.T, recs []halopsa.KBArticle) {
	r := &recs[0]
	eq(t, "id", r.GetID(), 88)
	eq(t, "name", r.GetName(), "Outlook repeatedly prompts for password")
	eq(t, "view_count", r.GetViewCount(), 412)
	eq(t, "ticket_id (sent as 1042.0)", r.GetTicketID(), 1042)
	eq(t, "showforall (sent as \"1\")", r.GetShowforall(), true)
	eq(t, "creator_name", r.GetCreatorName(), "Sam Patel")
	eq(t, "confluence_url (null)", r.GetConfluenceURL(), "")
	eqTime(t, "date_created", r.GetDateCreated(), "2024-07-15T14:08:31.2Z", true)
	eqTime(t, "limit_start_date", r.GetLimitStartDate(), "1900-01-01T00:00:00Z", false)
	if len(r.Tags) != 3 || len(r.RelatedArticles) != 1 {
		t.Fatalf("%d tags and %d related articles, want 3 and 1", len(r.Tags), len(r.RelatedArticles))
	}
	eq(t, "tags[2].text", r.Tags[2].GetText(), "authentication")
	eq(t, "related_articles[0].name", r.RelatedArticles[0].GetName(), "Reset an Outlook profile")
	eq(t, "new_external_link.id (absent record)", r.GetNewExternalLink().GetID(), 0)
	if fields, err := r.Fields.Get(); fields != nil || err != nil {
		t.Errorf("fields (absent) = %v, %v; want nil, nil", fields, err)
	}
	eqRaw(t, "Extra[rating_average]", r.Extra["rating_average"], `4.6`)
}

func checkInvoice(t *testing.T, recs []halopsa.Invoice) {
	r := &recs[0]
	eq(t, "id", r.GetID(), 5120)
	eq(t, "invoicenumber", r.GetInvoicenumber(), "INV-10457")
	eq(t, "client_name", r.GetClientName(), "Contoso Ltd")
	eq(t, "paymentstatus (sent as \"2\")", r.GetPaymentstatus(), 2)
	eq(t, "posted", r.GetPosted(), true)
	eq(t, "total", r.GetTotal(), 3981.0)
	eq(t, "amountdue", r.GetAmountdue(), 2340.0)
	eq(t, "payment_ref (null)", r.GetPaymentRef(), "")
	eqTime(t, "invoice_date", r.GetInvoiceDate(), "2026-11-01T00:00:00Z", true)
	eqTime(t, "dateposted", r.GetDateposted(), "2026-11-01T06:00:12.873Z", true)
	eqTime(t, "schedule_date", r.GetScheduleDate(), "1900-01-01T00:00:00Z", false)
	eqTime(t, "datepaid", r.GetDatepaid(), "1899-12-30T00:00:00Z", false)
	eq(t, "address.line1", r.GetAddress().GetLine1(), "PO Box 42")
	eq(t, "address.postcode", r.GetAddress().GetPostcode(), "EC1A 9ZZ")
	if r.GetShipaddress() != nil {
		t.Error("shipaddress (null) is not nil")
	}
	eq(t, "shipaddress.line1 (null record)", r.GetShipaddress().GetLine1(), "")
	if len(r.Lines) != 2 {
		t.Fatalf("%d lines, want 2", len(r.Lines))
	}
	eq(t, "lines[0].qty_order", r.Lines[0].GetQtyOrder(), 60.0)
	eq(t, "lines[1].net_amount", r.Lines[1].GetNetAmount(), 617.5)
	eqTime(t, "lines[1].lineactiondate", r.Lines[1].GetLineactiondate(), "2026-10-14T13:20:00Z", true)
	eqRaw(t, "Extra[balance_outstanding_text]", r.Extra["balance_outstanding_text"], `"£2,340.00"`)
}

func checkQuote(t *testing.T, recs []halopsa.Quote) {
	r := &recs[0]
	eq(t, "id", r.GetID(), 733)
	eq(t, "title", r.GetTitle(), "Head office Wi-Fi access points")
	eq(t, "ticket_id", r.GetTicketID(), 3050)
	eq(t, "quote_viewed (sent as \"True\")", r.GetQuoteViewed(), true)
	eq(t, "workflow_id (sent as 0.0)", r.GetWorkflowID(), 0)
	eq(t, "total", r.GetTotal(), 7776.0)
	eqTime(t, "date", r.GetDate(), "2026-09-04T11:22:00Z", true)
	eqTime(t, "approvaldatetime", r.GetApprovaldatetime(), "2026-09-10T16:41:07.33Z", true)
	eq(t, "site.clientsite_name", r.GetSite().GetClientsiteName(), "Contoso Ltd/Head Office")
	eq(t, "site.client_id (a double in the spec)", r.GetSite().GetClientID(), 12.0)
	eq(t, "delivery_address.line1", r.GetDeliveryAddress().GetLine1(), "12 Market Street")
	if r.GetAddress() != nil || r.GetSalesorder() != nil {
		t.Error("address or salesorder (null) is not nil")
	}
	eq(t, "address.line1 (null record)", r.GetAddress().GetLine1(), "")
	if len(r.Lines) != 2 {
		t.Fatalf("%d lines, want 2", len(r.Lines))
	}
	eq(t, "lines[0].productcode", r.Lines[0].GetProductcode(), "AP-U7PRO")
	eq(t, "lines[1].note (null)", r.Lines[1].GetNote(), "")
	user, err := r.User.Get()
	if err != nil || user == nil {
		t.Fatalf("user: %v, %v", user, err)
	}
	eq(t, "user.name", user.GetName(), "Jane Doe")
	eq(t, "user.site_id (a double in the spec)", user.GetSiteID(), 18.0)
	if pdf, err := r.Customisedpdf.Get(); pdf != nil || err != nil {
		t.Errorf("customisedpdf (absent) = %v, %v; want nil, nil", pdf, err)
	}
	eqRaw(t, "Extra[customer_signature_url]", r.Extra["customer_signature_url"], `null`)
}

func checkClientContract(t *testing.T, recs []halopsa.ClientContract) {
	r := &recs[0]
	eq(t, "id", r.GetID(), 31)
	eq(t, "ref", r.GetRef(), "CON-MS-GOLD")
	eq(t, "client_name", r.GetClientName(), "Contoso Ltd")
	eq(t, "expired (sent as 0)", r.GetExpired(), false)
	eq(t, "started", r.GetStarted(), true)
	eq(t, "termmonths (sent as \"24\")", r.GetTermmonths(), 24)
	eq(t, "outofhoursmultiplier", r.GetOutofhoursmultiplier(), 1.5)
	eq(t, "site_name (null)", r.GetSiteName(), "")
	eqTime(t, "start_date", r.GetStartDate(), "2025-05-01T00:00:00Z", true)
	eqTime(t, "next_call_date", r.GetNextCallDate(), "1900-01-01T00:00:00Z", false)
	eqTime(t, "last_modified", r.GetLastModified(), "2026-05-01T00:05:13.66Z", true)
	if len(r.Customfields) != 1 {
		t.Fatalf("%d customfields, want 1", len(r.Customfields))
	}
	eq(t, "customfields[0].label", r.Customfields[0].GetLabel(), "Renewal owner")
	if plan, err := r.Scheduleplan.Get(); err != nil || plan == nil || len(plan) != 0 {
		t.Errorf("scheduleplan ([]) = %v, %v; want an empty list", plan, err)
	}
	eqRaw(t, "Extra[renewal_reminder_sent]", r.Extra["renewal_reminder_sent"], `"2026-10-31T09:00:00"`)
}

func checkOutcome(t *testing.T, recs []halopsa.Outcome) {
	r := &recs[0]
	eq(t, "id", r.GetID(), 17)
	eq(t, "outcome", r.GetOutcome(), "Email User")
	eq(t, "buttonname", r.GetButtonname(), "Email User")
	eq(t, "slareleaseischecked (sent as 0)", r.GetSlareleaseischecked(), false)
	eq(t, "newaction_emailfrom (sent as \"0\")", r.GetNewactionEmailfrom(), 0)
	eq(t, "defaultmanhrs", r.GetDefaultmanhrs(), 0.25)
	eq(t, "mustaddnote", r.GetMustaddnote(), true)
	eq(t, "defaultteam (null)", r.GetDefaultteam(), "")
	if r.GetNewactionSupplier() != nil || r.GetAzureConnection() != nil {
		t.Error("newaction_supplier or azure_connection (null) is not nil")
	}
	eq(t, "newaction_supplier.name (null record)", r.GetNewactionSupplier().GetName(), "")
	if user, err := r.NewticketUser.Get(); user != nil || err != nil {
		t.Errorf("newticket_user (null) = %v, %v; want nil, nil", user, err)
	}
	if fields, err := r.Fields.Get(); err != nil || fields == nil || len(fields) != 0 {
		t.Errorf("fields ([]) = %v, %v; want an empty list", fields, err)
	}
	eqRaw(t, "Extra[last_modified]", r.Extra["last_modified"], `"2025-11-03T08:12:00"`)
}

func checkUser(t *testing.T, recs []halopsa.User) {
	r := &recs[0]
	eq(t, "id", r.GetID(), 45)
	eq(t, "name", r.GetName(), "Jane Doe")
	eq(t, "emailaddress", r.GetEmailaddress(), "jane.doe@contoso.example")
	eq(t, "site_id (a double in the spec)", r.GetSiteID(), 18.0)
	eq(t, "site_id_int", r.GetSiteIDInt(), 18)
	eq(t, "isimportantcontact (sent as 1)", r.GetIsimportantcontact(), true)
	eq(t, "ispoapprover (sent as \"true\")", r.GetIspoapprover(), true)
	eq(t, "organisation_id (sent as \"0\")", r.GetOrganisationID(), 0)
	eq(t, "supplier_name (null)", r.GetSupplierName(), "")
	eqTime(t, "lastlogindate", r.GetLastlogindate(), "2026-11-26T04:10:55.813Z", true)
	eqTime(t, "azure_last_login_date (sent with a zone)", r.GetAzureLastLoginDate(), "2026-11-26T04:09:00Z", true)
	eq(t, "primary_address.line1", r.GetPrimaryAddress().GetLine1(), "12 Market Street")
	eq(t, "primary_address.site_name", r.GetPrimaryAddress().GetSiteName(), "Head Office")
	if r.GetSupplier() != nil {
		t.Error("supplier (null) is not nil")
	}
	eq(t, "supplier.name (null record)", r.GetSupplier().GetName(), "")
	if len(r.Customfields) != 2 || len(r.Assets) != 1 {
		t.Fatalf("%d customfields and %d assets, want 2 and 1", len(r.Customfields), len(r.Assets))
	}
	eqRaw(t, "customfields[0].value", r.Customfields[0].Value, `"CC-1100"`)
	eq(t, "assets[0].inventory_number", r.Assets[0].GetInventoryNumber(), "CON-LT-0042")
	if software, err := r.Software.Get(); err != nil || software == nil || len(software) != 0 {
		t.Errorf("software ([]) = %v, %v; want an empty list", software, err)
	}
	eqRaw(t, "Extra[mfa_registered]", r.Extra["mfa_registered"], `true`)
}

func checkPriority(t *testing.T, recs []halopsa.Priority) {
	r := &recs[0]
	eq(t, "id (a GUID)", r.GetID(), "9f1e2d3c-4b5a-4697-8877-665544332211")
	eq(t, "priorityid", r.GetPriorityid(), 3)
	eq(t, "name", r.GetName(), "P3 - Normal")
	eq(t, "fixtime", r.GetFixtime(), 8.0)
	eq(t, "ishidden (sent as 0)", r.GetIshidden(), false)
	eq(t, "workdaysoverride (sent as \"0\")", r.GetWorkdaysoverride(), 0)
	eq(t, "startofdaytime", r.GetStartofdaytime(), "00:00:00")
	if r.GetWorkdays() != nil {
		t.Error("workdays (null) is not nil")
	}
	eq(t, "workdays.name (null record)", r.GetWorkdays().GetName(), "")
	eqRaw(t, "Extra[sla_name]", r.Extra["sla_name"], `"Standard SLA"`)
}

func checkCategory(t *testing.T, recs []halopsa.Category) {
	r := &recs[0]
	eq(t, "id", r.GetID(), 7)
	eq(t, "value", r.GetValue(), "Email>Outlook")
	eq(t, "category_name", r.GetCategoryName(), "Outlook")
	eq(t, "priority_id (sent as 3.0)", r.GetPriorityID(), 3)
	eq(t, "include_note (sent as \"False\")", r.GetIncludeNote(), false)
	eq(t, "user_note (null)", r.GetUserNote(), "")
	if len(r.Translations) != 1 {
		t.Fatalf("%d translations, want 1", len(r.Translations))
	}
	eq(t, "translations[0].translation", r.Translations[0].GetTranslation(), "E-Mail>Outlook")
	eqRaw(t, "Extra[display]", r.Extra["display"], `"Email > Outlook"`)
}

func checkSLA(t *testing.T, recs []halopsa.SLA) {
	r := &recs[0]
	eq(t, "id", r.GetID(), 1)
	eq(t, "name", r.GetName(), "Standard SLA")
	eq(t, "trackslafixbytime (sent as \"1\")", r.GetTrackslafixbytime(), true)
	eq(t, "access_control_level (sent as 2.0)", r.GetAccessControlLevel(), 2)
	eq(t, "statusafterautorelease_name (null)", r.GetStatusafterautoreleaseName(), "")
	eq(t, "workdays.name", r.GetWorkdays().GetName(), "Standard hours")
	eq(t, "workdays.incsaturday (sent as 0)", r.GetWorkdays().GetIncsaturday(), false)
	eq(t, "workdays.incmonday", r.GetWorkdays().GetIncmonday(), true)
	// A time of day on Halo's base date is a set value, not "unset".
	eqTime(t, "workdays.start", r.GetWorkdays().GetStart(), "1900-01-01T08:30:00Z", true)
	if len(r.Priorities) != 2 {
		t.Fatalf("%d priorities, want 2", len(r.Priorities))
	}
	eq(t, "priorities[0].name", r.Priorities[0].GetName(), "P1 - Critical")
	eq(t, "priorities[0].responsetime", r.Priorities[0].GetResponsetime(), 0.25)
	eq(t, "priorities[1].id", r.Priorities[1].GetID(), "9f1e2d3c-4b5a-4697-8877-665544332211")
	eqRaw(t, "Extra[ticket_count]", r.Extra["ticket_count"], `812`)
}

func checkWorkflow(t *testing.T, recs []halopsa.Workflow) {
	r := &recs[0]
	eq(t, "id", r.GetID(), 1)
	eq(t, "name", r.GetName(), "Incident workflow")
	eq(t, "active (sent as 1)", r.GetActive(), true)
	eq(t, "access_control_level (sent as \"2\")", r.GetAccessControlLevel(), 2)
	eq(t, "flow_chart_json", r.GetFlowChartJSON(), `{"nodes":[{"id":1,"x":120,"y":40},{"id":2,"x":120,"y":160}],"edges":[[1,2]]}`)
	if len(r.Steps) != 2 || len(r.Stages) != 2 {
		t.Fatalf("%d steps and %d stages, want 2 and 2", len(r.Steps), len(r.Stages))
	}
	eq(t, "steps[0].isstart", r.Steps[0].GetIsstart(), true)
	eq(t, "steps[1].isend (sent as 1)", r.Steps[1].GetIsend(), true)
	eq(t, "stages[1].sequence (sent as 2.0)", r.Stages[1].GetSequence(), 2)
	if targets, err := r.Targets.Get(); err != nil || targets == nil || len(targets) != 0 {
		t.Errorf("targets ([]) = %v, %v; want an empty list", targets, err)
	}
	eqRaw(t, "Extra[created_by]", r.Extra["created_by"], `"Chris Lee"`)
}

func checkTicketList(t *testing.T, recs []halopsa.TicketListItem) {
	if len(recs) != 3 {
		t.Fatalf("%d tickets, want 3", len(recs))
	}
	a, b, c := &recs[0], &recs[1], &recs[2]
	eq(t, "[0].id", a.GetID(), 1042)
	eq(t, "[0].summary", a.GetSummary(), "Outlook keeps asking for password")
	eq(t, "[0].status_name", a.GetStatusName(), "In Progress")
	eqTime(t, "[0].dateoccurred", a.GetDateoccurred(), "2026-11-26T04:15:00.123Z", true)
	eq(t, "[0].startdate_with_timezone.timezone", a.GetStartdateWithTimezone().GetTimezone(), "GMT Standard Time")
	eq(t, "[1].priority_id (sent as \"2\")", b.GetPriorityID(), 2)
	eq(t, "[1].site_id (sent as 23.0)", b.GetSiteID(), 23)
	eq(t, "[1].flagged (sent as 1)", b.GetFlagged(), true)
	eq(t, "[1].read (sent as 0)", b.GetRead(), false)
	eqTime(t, "[1].responsedate", b.GetResponsedate(), "1900-01-01T00:00:00Z", false)
	if b.GetStartdateWithTimezone() != nil {
		t.Error("[1].startdate_with_timezone (null) is not nil")
	}
	eq(t, "[1].startdate_with_timezone.timezone (null record)", b.GetStartdateWithTimezone().GetTimezone(), "")
	eq(t, "[2].onhold (sent as \"True\")", c.GetOnhold(), true)
	eq(t, "[2].slaholdtime", c.GetSlaholdtime(), 2.5)
	if !slices.Equal(c.ChildTicketIds, []int{1040}) {
		t.Errorf("[2].child_ticket_ids = %v", c.ChildTicketIds)
	}
	eqRaw(t, "[0].Extra[CFcallbacknumber]", a.Extra["CFcallbacknumber"], `"+44 20 7946 0018"`)
	eqRaw(t, "[1].Extra[CFcallbacknumber]", b.Extra["CFcallbacknumber"], `null`)
	eqRaw(t, "[2].Extra[CFcallbacknumber]", c.Extra["CFcallbacknumber"], `""`)
}

func checkUserList(t *testing.T, recs []halopsa.UserListItem) {
	if len(recs) != 2 {
		t.Fatalf("%d users, want 2", len(recs))
	}
	a, b := &recs[0], &recs[1]
	eq(t, "[0].id", a.GetID(), 45)
	eq(t, "[0].name", a.GetName(), "Jane Doe")
	eq(t, "[0].site_id", a.GetSiteID(), 18.0)
	eq(t, "[0].user_with_clientsite", a.GetUserWithClientsite(), "Jane Doe (Contoso Ltd/Head Office)")
	eqTime(t, "[0].contract_end_date", a.GetContractEndDate(), "2027-04-30T00:00:00Z", true)
	eq(t, "[1].name", b.GetName(), "Ravi Silva")
	eq(t, "[1].site_id_int (sent as \"18\")", b.GetSiteIDInt(), 18)
	eq(t, "[1].inactive (sent as 0)", b.GetInactive(), false)
	eq(t, "[1].notes (null)", b.GetNotes(), "")
	eqTime(t, "[1].contract_end_date", b.GetContractEndDate(), "1900-01-01T00:00:00Z", false)
	eqRaw(t, "[0].Extra[last_ticket_date]", a.Extra["last_ticket_date"], `"2026-11-26T04:15:00.123"`)
}

func checkAssetList(t *testing.T, recs []halopsa.AssetListItem) {
	if len(recs) != 2 {
		t.Fatalf("%d assets, want 2", len(recs))
	}
	a, b := &recs[0], &recs[1]
	eq(t, "[0].id", a.GetID(), 77)
	eq(t, "[0].inventory_number", a.GetInventoryNumber(), "CON-LT-0042")
	eq(t, "[0].is_primary_asset", a.GetIsPrimaryAsset(), true)
	eqTime(t, "[0].warranty_end", a.GetWarrantyEnd(), "2028-03-31T00:00:00Z", true)
	if len(a.Fields) != 1 {
		t.Fatalf("[0]: %d fields, want 1", len(a.Fields))
	}
	eqRaw(t, "[0].fields[0].value", a.Fields[0].Value, `"7HQ2KX3"`)
	eq(t, "[1].site_id (sent as \"18\")", b.GetSiteID(), 18)
	eq(t, "[1].inactive (sent as 0)", b.GetInactive(), false)
	eq(t, "[1].ninjarmm_id (sent as 1422.0)", b.GetNinjarmmID(), 1422)
	eq(t, "[1].supplier_name (null)", b.GetSupplierName(), "")
	eqTime(t, "[1].warranty_end", b.GetWarrantyEnd(), "1900-01-01T00:00:00Z", false)
	eqRaw(t, "[0].Extra[Serial Number]", a.Extra["Serial Number"], `"7HQ2KX3"`)
}

func checkAgentList(t *testing.T, recs []halopsa.AgentListItem) {
	if len(recs) != 2 {
		t.Fatalf("%d agents, want 2", len(recs))
	}
	a, b := &recs[0], &recs[1]
	eq(t, "[0].id", a.GetID(), 3)
	eq(t, "[0].name", a.GetName(), "Sam Patel")
	eq(t, "[0].workday_timezone", a.GetWorkdayTimezone(), "GMT Standard Time")
	eqTime(t, "[0].lastlogindate", a.GetLastlogindate(), "2026-11-26T03:58:20.61Z", true)
	eq(t, "[1].onlinestatus (sent as \"0\")", b.GetOnlinestatus(), 0)
	eq(t, "[1].is_online (sent as 0)", b.GetIsOnline(), false)
	eq(t, "[1].ticket_count (sent as 0.0)", b.GetTicketCount(), 0)
	eq(t, "[1].isapiagent", b.GetIsapiagent(), true)
	eq(t, "[1].jobtitle (null)", b.GetJobtitle(), "")
	eqTime(t, "[1].lastlogindate", b.GetLastlogindate(), "1900-01-01T00:00:00Z", false)
	eqRaw(t, "[0].Extra[teams_string]", a.Extra["teams_string"], `"1st Line Support, 2nd Line Support"`)
}

func checkTeamList(t *testing.T, recs []halopsa.TeamListItem) {
	if len(recs) != 2 {
		t.Fatalf("%d teams, want 2", len(recs))
	}
	a, b := &recs[0], &recs[1]
	eq(t, "[0].id", a.GetID(), 1)
	eq(t, "[0].name", a.GetName(), "1st Line Support")
	eqTime(t, "[0].last_modified", a.GetLastModified(), "2026-06-18T12:44:09.2Z", true)
	if len(a.Agents) != 2 {
		t.Fatalf("[0]: %d agents, want 2", len(a.Agents))
	}
	eq(t, "[0].agents[1].name", a.Agents[1].GetName(), "Priya Shah")
	eq(t, "[1].foropps (sent as 1)", b.GetForopps(), true)
	eq(t, "[1].ticket_count (sent as \"9\")", b.GetTicketCount(), 9)
	eq(t, "[1].teamphotopath (null)", b.GetTeamphotopath(), "")
	eqTime(t, "[1].last_modified", b.GetLastModified(), "1900-01-01T00:00:00Z", false)
	eqRaw(t, "[1].Extra[open_ticket_count]", b.Extra["open_ticket_count"], `9`)
}

func checkTicketTypeList(t *testing.T, recs []halopsa.TicketTypeListItem) {
	if len(recs) != 2 {
		t.Fatalf("%d ticket types, want 2", len(recs))
	}
	a, b := &recs[0], &recs[1]
	eq(t, "[0].id", a.GetID(), 1)
	eq(t, "[0].name", a.GetName(), "Incident")
	eq(t, "[0].default_team", a.GetDefaultTeam(), "1st Line Support")
	if !slices.Equal(a.Fieldidlist, []int{142, 151, 160}) {
		t.Errorf("[0].fieldidlist = %v", a.Fieldidlist)
	}
	eq(t, "[1].default_sla (sent as \"2\")", b.GetDefaultSLA(), 2)
	eq(t, "[1].ticket_count (sent as 377.0)", b.GetTicketCount(), 377)
	eq(t, "[1].cancreate (sent as 1)", b.GetCancreate(), true)
	eq(t, "[1].workflow_name (null)", b.GetWorkflowName(), "")
	eqRaw(t, "[1].Extra[colour]", b.Extra["colour"], `null`)
}

func checkKBArticleList(t *testing.T, recs []halopsa.KBArticleListItem) {
	if len(recs) != 2 {
		t.Fatalf("%d articles, want 2", len(recs))
	}
	a, b := &recs[0], &recs[1]
	eq(t, "[0].id", a.GetID(), 88)
	eq(t, "[0].name", a.GetName(), "Outlook repeatedly prompts for password")
	eqTime(t, "[0].date_edited", a.GetDateEdited(), "2026-10-01T09:45:00Z", true)
	eq(t, "[1].view_count (sent as \"120\")", b.GetViewCount(), 120)
	eq(t, "[1].inactive (sent as 0)", b.GetInactive(), false)
	eq(t, "[1].editor_type (sent as 1.0)", b.GetEditorType(), 1)
	eq(t, "[1].link (null)", b.GetLink(), "")
	eqTime(t, "[1].date_edited", b.GetDateEdited(), "1900-01-01T00:00:00Z", false)
	eqTime(t, "[1].next_review_date", b.GetNextReviewDate(), "1899-12-30T00:00:00Z", false)
	eqRaw(t, "[0].Extra[faqlist_names]", a.Extra["faqlist_names"], `"Email"`)
}

func checkClientContractList(t *testing.T, recs []halopsa.ClientContractListItem) {
	if len(recs) != 2 {
		t.Fatalf("%d contracts, want 2", len(recs))
	}
	a, b := &recs[0], &recs[1]
	eq(t, "[0].id", a.GetID(), 31)
	eq(t, "[0].ref", a.GetRef(), "CON-MS-GOLD")
	eq(t, "[0].periodchargeamount", a.GetPeriodchargeamount(), 2700.0)
	eqTime(t, "[0].end_date", a.GetEndDate(), "2027-04-30T00:00:00Z", true)
	eq(t, "[1].started (sent as 1)", b.GetStarted(), true)
	eq(t, "[1].expired (sent as \"True\")", b.GetExpired(), true)
	eq(t, "[1].status (sent as \"2\")", b.GetStatus(), 2)
	eq(t, "[1].sla_id (sent as 1.0)", b.GetSLAID(), 1)
	eq(t, "[1].refextra2 (null)", b.GetRefextra2(), "")
	eqTime(t, "[1].periodicinvoicenextdate", b.GetPeriodicinvoicenextdate(), "1900-01-01T00:00:00Z", false)
	eqRaw(t, "[1].Extra[days_remaining]", b.Extra["days_remaining"], `0`)
}

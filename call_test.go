package halopsa

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestQueryEncodingOfEveryKind(t *testing.T) {
	var mu sync.Mutex
	var got []string
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.Path+"?"+r.URL.RawQuery)
		mu.Unlock()
		switch r.URL.Path {
		case "/api/Tickets":
			writeJSON(w, 200, `{"record_count":0,"tickets":[]}`)
		default:
			writeJSON(w, 200, `{}`)
		}
	})
	halo := tn.client()
	ctx := ctxT(t)
	start := time.Date(2026, 11, 26, 4, 15, 0, 0, time.FixedZone("CET", 3600))
	calls := []func() error{
		func() error {
			_, err := halo.Tickets.GetTickets(ctx, GetTicketsParams{
				Count: Ptr(10), Pageinate: Ptr(true), OpenOnly: Ptr(false), Utcoffset: Ptr(-1.5),
				Search: Ptr("printer & co/ü"), ClientIds: []int{1, 2, 3},
			})
			return err
		},
		func() error {
			_, err := halo.Holiday.GetHoliday(ctx, GetHolidayParams{StartDate: &start})
			return err
		},
		func() error {
			_, err := halo.Invoice.GetInvoice(ctx, GetInvoiceParams{Paymentstatuses: []int{1, 2, 30}})
			return err
		},
		func() error {
			_, err := halo.Invoice.GetInvoice(ctx, GetInvoiceParams{})
			return err
		},
	}
	for _, c := range calls {
		if err := c(); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{
		// Parameters in the spec's order; unset ones are not sent.
		"/api/Tickets?client_ids=1,2,3&count=10&open_only=false&pageinate=true&search=printer+%26+co%2F%C3%BC&utcoffset=-1.5",
		"/api/Holiday?start_date=2026-11-26T03%3A15%3A00Z",
		"/api/Invoice?paymentstatuses=1,2,30",
		"/api/Invoice?",
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("request %d:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
	// The query parses back to the values that were set.
	q, _ := url.ParseQuery(strings.SplitN(got[0], "?", 2)[1])
	if q.Get("search") != "printer & co/ü" || q.Get("client_ids") != "1,2,3" {
		t.Errorf("round trip: %v", q)
	}
}

func TestPathParameters(t *testing.T) {
	var gotPath string
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		gotPath = r.URL.EscapedPath()
		writeJSON(w, 200, `{}`)
	})
	halo := tn.client()
	ctx := ctxT(t)
	if _, err := halo.Webhook.GetWebhookByID(ctx, GetWebhookByIDParams{ID: "a b/../c?d"}); err != nil {
		t.Fatal(err)
	}
	if gotPath != "/api/Webhook/a%20b%2F..%2Fc%3Fd" {
		t.Fatalf("escaped path = %s", gotPath)
	}
	if _, err := halo.TicketApproval.DeleteTicketApprovalByIDBySeq(ctx, DeleteTicketApprovalByIDBySeqParams{ID: 12, Seq: 3}); err != nil {
		t.Fatal(err)
	}
	if gotPath != "/api/TicketApproval/12&3" {
		t.Fatalf("two parameters in one segment: path = %s", gotPath)
	}
	gotPath = ""
	_, err := halo.Webhook.GetWebhookByID(ctx, GetWebhookByIDParams{})
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Field != "ID" || gotPath != "" {
		t.Fatalf("empty string path parameter: err %v, request %q", err, gotPath)
	}
}

func TestAttachmentRoundTrip(t *testing.T) {
	var mu sync.Mutex
	files := map[int][]byte{}
	names := map[int]string{}
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case r.Method == "POST" && r.URL.Path == "/api/Attachment":
			var in []struct {
				Filename string `json:"filename"`
				Data     string `json:"data"`
				TicketID int    `json:"ticket_id"`
			}
			if err := json.NewDecoder(r.Body).Decode(&in); err != nil || len(in) != 1 {
				writeJSON(w, 400, `"bad body"`)
				return
			}
			data, err := base64.StdEncoding.DecodeString(in[0].Data)
			if err != nil {
				writeJSON(w, 400, `"bad base64"`)
				return
			}
			id := len(files) + 1
			files[id], names[id] = data, in[0].Filename
			writeJSON(w, 200, `{"id":`+itoa(int64(id))+`,"filename":"`+in[0].Filename+`","filesize":`+itoa(int64(len(data)))+`}`)
		case r.Method == "GET" && r.URL.Path == "/api/Attachment/1":
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Header().Set("Content-Disposition", `attachment; filename="`+names[1]+`"`)
			w.Write(files[1])
		default:
			writeJSON(w, 404, `"no"`)
		}
	})
	halo := tn.client()
	ctx := ctxT(t)
	content := make([]byte, 70_000)
	for i := range content {
		content[i] = byte(i * 7)
	}
	content[0], content[1] = 0, 0xff
	att, err := halo.Attachment.PostAttachment(ctx, PostAttachmentParams{Body: []Attachment{{
		Filename: Ptr("scan.pdf"), TicketID: Ptr(42), Data: content,
	}}})
	if err != nil {
		t.Fatal(err)
	}
	if *att.ID != 1 || *att.Filesize != len(content) {
		t.Fatalf("created %+v", att)
	}
	back, err := halo.Attachment.GetAttachmentByID(ctx, GetAttachmentByIDParams{ID: *att.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back, content) {
		t.Fatalf("downloaded %d bytes differ from the %d uploaded", len(back), len(content))
	}
}

func TestDo(t *testing.T) {
	var got string
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = r.Method + " " + r.URL.Path + "?" + r.URL.RawQuery + " " + string(b)
		writeJSON(w, 200, `{"id":3,"summary":"s","undeclared":true}`)
	})
	halo := tn.client()
	ctx := ctxT(t)
	var f Faults
	err := halo.Do(ctx, "post", "Tickets/Undocumented", url.Values{"x": {"1"}}, map[string]any{"a": 1}, &f)
	if err != nil {
		t.Fatal(err)
	}
	if got != `POST /api/Tickets/Undocumented?x=1 {"a":1}` || *f.ID != 3 || string(f.Extra["undeclared"]) != "true" {
		t.Fatalf("request %q, decoded %+v", got, f)
	}
	var raw []byte
	if err := halo.Do(ctx, "GET", "/Anything", nil, nil, &raw); err != nil || !bytes.Contains(raw, []byte(`"undeclared":true`)) {
		t.Fatalf("raw: %s %v", raw, err)
	}
	if err := halo.Do(ctx, "DELETE", "/Anything/1", nil, nil, nil); err != nil {
		t.Fatal(err)
	}
}

// TestLogsHoldNoSecrets drives every logging path (debug request lines,
// retries, errors, token failures, 401 replays) and checks that neither the
// client secret nor any bearer token appears.
func TestLogsHoldNoSecrets(t *testing.T) {
	var calls int
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		switch {
		case calls <= 3: // net/http retries one of these itself; the client sees at least two
			resetConn(t, w)
		case calls == 4:
			writeJSON(w, 200, `{"record_count":1,"tickets":[{"id":"not a number"}]}`)
		default:
			writeJSON(w, 500, `{"message":"boom"}`)
		}
	})
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	halo := tn.client(func(c *Config) { c.Logger = logger; c.Retry = true; c.Debug = true })
	noSleep(halo)
	ctx := ctxT(t)
	if _, err := halo.Tickets.GetTickets(ctx, GetTicketsParams{}); err != nil {
		t.Fatal(err)
	}
	tn.revokeAll()
	_, err := halo.Tickets.GetTickets(ctx, GetTicketsParams{})
	errText := err.Error()
	tn.tokenFail = func(w http.ResponseWriter) bool {
		w.WriteHeader(500)
		io.WriteString(w, "<html>"+testSecret+"</html>") // even if Halo echoed it
		return true
	}
	tn.revokeAll()
	_, err = halo.Tickets.GetTickets(ctx, GetTicketsParams{})
	errText += err.Error()
	_, err = halo.Notify.GetNotifyAdobeAcrobatByTenantBySecret(ctx, GetNotifyAdobeAcrobatByTenantBySecretParams{Tenant: 7, Secret: "webhook-secret-xyz"})
	errText += err.Error()
	logs := buf.String()
	for _, want := range []string{"level=DEBUG", "level=WARN", "retrying", "status=200", "attempt=", "duration="} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
	tn.mu.Lock()
	var secrets []string
	for tok := range tn.tokens {
		secrets = append(secrets, tok)
	}
	tn.mu.Unlock()
	secrets = append(secrets, testSecret, "tok-xxxxxxxx-1", "tok-xxxxxxxx-2", "webhook-secret-xyz")
	for _, s := range secrets {
		if strings.Contains(logs, s) || strings.Contains(errText, s) {
			t.Errorf("secret %q appears in logs or errors:\n%s\n%s", s, logs, errText)
		}
	}
}

func TestDefaultLoggerLevel(t *testing.T) {
	t.Setenv("HALO_PSA_DEBUG", "")
	c, _ := New(Config{CompanyURL: "https://a.halopsa.com", ClientID: "i", ClientSecret: "s"})
	if ctx := ctxT(t); c.log.Enabled(ctx, slog.LevelInfo) || !c.log.Enabled(ctx, slog.LevelWarn) {
		t.Fatal("default logger should log warnings (retries, values kept raw) only")
	}
	c, _ = New(Config{CompanyURL: "https://a.halopsa.com", ClientID: "i", ClientSecret: "s", Debug: true})
	if !c.log.Enabled(ctxT(t), slog.LevelDebug) {
		t.Fatal("Debug should enable debug lines")
	}
	t.Setenv("HALO_PSA_DEBUG", "1")
	c, _ = New(Config{CompanyURL: "https://a.halopsa.com", ClientID: "i", ClientSecret: "s"})
	if !c.log.Enabled(ctxT(t), slog.LevelDebug) {
		t.Fatal("HALO_PSA_DEBUG should enable debug lines")
	}
}

func TestPostOfSeveralRecordsNeedsMany(t *testing.T) {
	var posts int
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		posts++
		writeJSON(w, 201, `[{"id":1,"summary":"a"},{"id":2,"summary":"b"}]`)
	})
	halo := tn.client()
	two := PostTicketsParams{Body: []Faults{{Summary: Ptr("a")}, {Summary: Ptr("b")}}}
	_, err := halo.Tickets.PostTickets(ctxT(t), two)
	var pe *ParamError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "PostTicketsMany") || posts != 0 {
		t.Fatalf("err %v after %d posts; want a ParamError before sending", err, posts)
	}
	got, err := halo.Tickets.PostTicketsMany(ctxT(t), two)
	if err != nil || len(got) != 2 || *got[1].ID != 2 {
		t.Fatalf("PostTicketsMany: %v, %+v", err, got)
	}
	// One record sent, one object back: a slice of one.
	tn.setAPI(func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 201, `{"id":3}`) })
	got, err = halo.Tickets.PostTicketsMany(ctxT(t), PostTicketsParams{Body: []Faults{{}}})
	if err != nil || len(got) != 1 || *got[0].ID != 3 {
		t.Fatalf("one record: %v, %+v", err, got)
	}
}

// Query values that look like credentials are redacted in error messages,
// as in logs.
func TestErrorsRedactCredentialQueryValues(t *testing.T) {
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 404, `{"message":"no"}`) })
	_, err := tn.client().Attachment.GetAttachment(ctxT(t), GetAttachmentParams{Token: Ptr("SECRETVALUE"), TicketID: Ptr(5)})
	var ae *APIError
	if !errors.As(err, &ae) || strings.Contains(err.Error(), "SECRETVALUE") || strings.Contains(ae.URL, "SECRETVALUE") ||
		!strings.Contains(ae.URL, "token=REDACTED") || !strings.Contains(ae.URL, "ticket_id=5") {
		t.Fatalf("err %v (URL %q)", err, ae.URL)
	}
}

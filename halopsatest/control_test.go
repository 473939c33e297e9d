package halopsatest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/halopsa-go/halopsa"
	"github.com/halopsa-go/halopsa/halopsatest"
)

// The control surface is driven with plain net/http and no token, as a
// test in another language would drive the standalone fake.

func TestControlReset(t *testing.T) {
	srv := halopsatest.NewServer(t, halopsatest.WithRecords(map[string][]map[string]any{
		"Tickets": {{"id": 900, "summary": "from WithRecords"}},
	}))
	api := newRawAPI(t, srv)
	seeded := srv.Records("Tickets")
	if seeded[len(seeded)-1]["summary"] != "from WithRecords" {
		t.Fatal("WithRecords not loaded at start")
	}
	if status, body := api.do("POST", "/api/Tickets", []map[string]any{{"summary": "made in the test"}}); status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	api.do("DELETE", "/api/Tickets/1", nil)
	api.do("POST", "/api/Attachment", []map[string]any{{"filename": "a.txt", "data": "aGk="}})
	api.do("POST", "/_halopsatest/faults", `{"Kind":"Unavailable","PathPrefix":"/api/Status"}`)

	status, body := api.do("POST", "/_halopsatest/reset", nil)
	if status != 204 || len(body) != 0 {
		t.Fatalf("reset: %d %s", status, body)
	}
	if !reflect.DeepEqual(srv.Records("Tickets"), seeded) {
		t.Error("reset did not bring the tickets back to the seed and WithRecords")
	}
	if srv.RecordCount("Attachment") != 0 {
		t.Error("reset kept an attachment")
	}
	if len(srv.Requests()) != 0 || srv.TokenRequests() != 0 {
		t.Errorf("reset kept %d logged requests, %d token requests", len(srv.Requests()), srv.TokenRequests())
	}
	// The fault is gone, and the token issued before still works.
	if status, body := api.do("GET", "/api/Status", nil); status != 200 {
		t.Errorf("after reset: %d %s", status, body)
	}
	// The same seed again: created ids start where they did.
	if _, body := api.do("POST", "/api/Tickets", []map[string]any{{"summary": "again"}}); jsonText(decode(t, body).(map[string]any)["id"]) != "901" {
		t.Errorf("first id after reset: %s", body)
	}
	if status, _ := api.do("GET", "/_halopsatest/reset", nil); status != 405 {
		t.Errorf("GET reset: %d, want 405", status)
	}
}

func TestControlFaults(t *testing.T) {
	srv := halopsatest.NewServer(t)
	api := newRawAPI(t, srv)

	status, body := api.do("POST", "/_halopsatest/faults", `{"Kind":"RateLimited","PathPrefix":"/api/Status","Count":1,"RetryAfter":"2s"}`)
	if status != 201 {
		t.Fatalf("inject: %d %s", status, body)
	}
	if want := `{"Kind":"RateLimited","PathPrefix":"/api/Status","Count":1,"RetryAfter":"2s"}`; string(body) != want {
		t.Errorf("echo %s, want %s", body, want)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/Status", nil)
	req.Header.Set("Authorization", "Bearer "+api.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 429 || res.Header.Get("Retry-After") != "2" {
		t.Errorf("faulted request: %s, Retry-After %q", res.Status, res.Header.Get("Retry-After"))
	}
	if status, _ := api.do("GET", "/api/Status", nil); status != 200 {
		t.Errorf("after Count 1: %d", status)
	}

	// Kinds by number or in any case; durations also in nanoseconds.
	for _, f := range []string{`{"Kind":3,"Delay":1000}`, `{"kind":"unavailable","pathprefix":"/api/Nowhere"}`} {
		if status, body := api.do("POST", "/_halopsatest/faults", f); status != 201 {
			t.Errorf("%s: %d %s", f, status, body)
		}
	}
	if status, _ := api.do("DELETE", "/_halopsatest/faults", nil); status != 204 {
		t.Errorf("clear: %d", status)
	}
	srv.Inject(halopsatest.Fault{Kind: halopsatest.Unavailable}) // cleared over HTTP below as well
	api.do("DELETE", "/_halopsatest/faults", nil)
	if status, _ := api.do("GET", "/api/Status", nil); status != 200 {
		t.Errorf("after DELETE faults: %d", status)
	}

	for _, bad := range []string{
		`{"Kind":"Nope"}`, `{"Kind":"Delay","Dealy":"1s"}`, `{"Kind":"Delay","Delay":"soon"}`, `{}`,
		`{"Kind":"Delay","Probability":2}`, `{"Kind":"RateLimited","Count":-1}`, `not json`, `{"Kind":99}`,
	} {
		status, body := api.do("POST", "/_halopsatest/faults", bad)
		if status != 400 || !strings.Contains(string(body), "invalid fault") {
			t.Errorf("%s: %d %s", bad, status, body)
		}
	}
	if status, body := api.do("GET", "/api/Status", nil); status != 200 {
		t.Errorf("a refused fault was injected: %d %s", status, body)
	}
}

// A fault's JSON is the Go type's: what json.Marshal writes, the
// endpoint (and json.Unmarshal) reads back unchanged.
func TestFaultJSONRoundTrip(t *testing.T) {
	kinds := []halopsatest.FaultKind{halopsatest.ResetBeforeRead, halopsatest.ResetAfterApply, halopsatest.Delay,
		halopsatest.RateLimited, halopsatest.ServerErrorHTML, halopsatest.Unavailable, halopsatest.MalformedJSON, halopsatest.TokenFailure}
	for i, k := range kinds {
		f := halopsatest.Fault{Kind: k, Method: "POST", PathPrefix: "/api/Tickets", Count: i, Probability: 0.25,
			Delay: 1500 * time.Millisecond, RetryAfter: 250 * time.Millisecond, Status: 502}
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		var back halopsatest.Fault
		if err := json.Unmarshal(b, &back); err != nil || back != f {
			t.Errorf("%s: %+v (%v), want %+v", b, back, err, f)
		}
		if !strings.Contains(string(b), `"Kind":"`+kindGoName(k)+`"`) {
			t.Errorf("%s does not name the kind %s", b, kindGoName(k))
		}
	}
	if _, err := json.Marshal(halopsatest.Fault{Kind: 42}); err == nil {
		t.Error("an unknown kind marshalled")
	}
}

func kindGoName(k halopsatest.FaultKind) string {
	b, _ := k.MarshalText()
	return string(b)
}

func TestControlRequests(t *testing.T) {
	srv := halopsatest.NewServer(t)
	api := newRawAPI(t, srv)
	api.do("GET", "/api/Tickets?count=1&search=a%26b", nil)
	api.do("POST", "/api/Tickets", `[{"summary":"caf\u00e9"}]`)
	api.do("POST", "/api/Attachment", []map[string]any{{"filename": "b.bin", "data": "AAH/"}})
	srv.Inject(halopsatest.Fault{Kind: halopsatest.Unavailable, PathPrefix: "/api/Status", Count: 1})
	api.do("GET", "/api/Status", nil)

	status, body := api.do("GET", "/_halopsatest/requests", nil)
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	var log []struct {
		Method, Path, Query string
		Body                *string
		BodyBase64          string
		Status              int
		Fault               string
	}
	if err := json.Unmarshal(body, &log); err != nil {
		t.Fatal(err)
	}
	if len(log) != 5 {
		t.Fatalf("%d requests logged, want 5 (control requests are not logged): %s", len(log), body)
	}
	if log[0].Path != "/auth/token" || log[0].Body != nil || strings.Contains(string(body), srv.ClientSecret) {
		t.Errorf("token request %+v: its body holds the secret", log[0])
	}
	if log[1].Method != "GET" || log[1].Path != "/api/Tickets" || log[1].Query != "count=1&search=a%26b" || log[1].Status != 200 || log[1].Fault != "" {
		t.Errorf("list %+v", log[1])
	}
	if !strings.Contains(string(body), `"Query":"count=1&search=a%26b"`) {
		t.Errorf("the query is escaped for HTML: %s", body)
	}
	if log[2].Body == nil || *log[2].Body != `[{"summary":"caf\u00e9"}]` || log[2].Status != 201 {
		t.Errorf("create %+v", log[2])
	}
	if log[3].Body == nil || !strings.Contains(*log[3].Body, `"AAH/"`) {
		t.Errorf("upload %+v", log[3])
	}
	if log[4].Status != 503 || log[4].Fault != "Unavailable" {
		t.Errorf("faulted request %+v", log[4])
	}
	if status, _ := api.do("DELETE", "/_halopsatest/requests", nil); status != 204 || len(srv.Requests()) != 0 {
		t.Errorf("DELETE requests: %d, %d left", status, len(srv.Requests()))
	}

	// A body that is not UTF-8 comes as base64.
	b, _ := json.Marshal(halopsatest.Request{Method: "POST", Path: "/api/x", Body: []byte{0xff, 0}, Status: 200})
	if want := `{"Method":"POST","Path":"/api/x","Query":"","BodyBase64":"/wA=","Status":200}`; string(b) != want {
		t.Errorf("%s, want %s", b, want)
	}
}

func TestControlRecords(t *testing.T) {
	srv := halopsatest.NewServer(t)
	api := newRawAPI(t, srv)

	status, body := api.do("GET", "/_halopsatest/records/tickets", nil)
	if status != 200 || len(listed(t, body)) != srv.RecordCount("Tickets") {
		t.Fatalf("GET records: %d, %.200s", status, body)
	}
	if status, body := api.do("GET", "/_halopsatest/records/NoSuchSection", nil); status != 404 || !strings.Contains(string(body), "keeps no records") {
		t.Errorf("unknown section: %d %s", status, body)
	}

	// Records as a real tenant sent them: kept as given, ids and all.
	load := `[{"id":500,"summary":"loaded","client_id":"7","cf_custom":{"a":1},"dateoccurred":"2026-11-26T04:15:00"},{"summary":"no id"}]`
	status, body = api.do("PUT", "/_halopsatest/records/Tickets", load)
	if status != 200 {
		t.Fatalf("PUT: %d %s", status, body)
	}
	stored := listed(t, body)
	if got := ids(t, stored); !slices.Equal(got, []int{500, 501}) {
		t.Errorf("stored ids %v", got)
	}
	status, body = api.do("GET", "/api/Tickets/500", nil)
	if status != 200 {
		t.Fatalf("GET /api/Tickets/500: %d %s", status, body)
	}
	got := decode(t, body).(map[string]any)
	if got["client_id"] != "7" || got["dateoccurred"] != "2026-11-26T04:15:00" || got["status_id"] != nil ||
		!reflect.DeepEqual(got["cf_custom"], map[string]any{"a": json.Number("1")}) {
		t.Errorf("served %v", got)
	}
	// Through the client, the undeclared field lands in Extra.
	tk, err := e2eClient(t, srv).Tickets.GetTicketsByID(context.Background(), halopsa.GetTicketsByIDParams{ID: 500})
	if err != nil || string(tk.Extra["cf_custom"]) != `{"a":1}` || *tk.ClientID != 7 {
		t.Errorf("client: %v %+v", err, tk)
	}
	// A record with an existing id replaces it whole.
	if status, body := api.do("PUT", "/_halopsatest/records/Tickets", `[{"id":"500.0","summary":"replaced"}]`); status != 200 {
		t.Fatalf("PUT replacing 500: %d %s", status, body)
	}
	if rec, _ := srv.Record("Tickets", 500); rec["summary"] != "replaced" || rec["client_id"] != nil || len(rec) != 2 {
		t.Errorf("replaced record %v", rec)
	}

	n := srv.RecordCount("Tickets")
	for _, bad := range []string{`{"id":1}`, `[1]`, `[{"id":"abc"}]`, `[{"id":502},{"id":"x"}]`, `[`, `[] []`} {
		if status, body := api.do("PUT", "/_halopsatest/records/Tickets", bad); status != 400 {
			t.Errorf("PUT %s: %d %s", bad, status, body)
		}
	}
	if srv.RecordCount("Tickets") != n {
		t.Error("a refused PUT stored records")
	}
	if status, _ := api.do("PUT", "/_halopsatest/records/NoSuchSection", `[{}]`); status != 404 {
		t.Errorf("PUT into an unknown section: %d", status)
	}
	if status, _ := api.do("DELETE", "/_halopsatest/records/Tickets", nil); status != 405 {
		t.Errorf("DELETE records: %d, want 405", status)
	}
}

func TestControlExpireTokensAndUnknownPaths(t *testing.T) {
	srv := halopsatest.NewServer(t)
	api := newRawAPI(t, srv)
	if status, _ := api.do("POST", "/_halopsatest/expire-tokens", nil); status != 204 {
		t.Fatalf("expire-tokens: %d", status)
	}
	if status, _ := api.do("GET", "/api/Status", nil); status != 401 {
		t.Errorf("expired token: %d, want 401", status)
	}
	status, body := api.do("GET", "/_halopsatest/nothing", nil)
	if status != 404 || !strings.Contains(string(body), "PUT /_halopsatest/records/{section}") {
		t.Errorf("unknown control path: %d %s", status, body)
	}
}

func TestHandle(t *testing.T) {
	srv := halopsatest.NewServer(t)
	srv.Handle("GET", "/CustomThing/{id}", func(w http.ResponseWriter, r *http.Request) {
		// Server methods may be called from a handler.
		fmt.Fprintf(w, `{"id":%q,"tickets":%d}`, r.PathValue("id"), srv.RecordCount("Tickets"))
	})
	srv.Handle("POST", "/api/CustomThing", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusAccepted)
		w.Write(b)
	})
	// Before the spec's routes.
	srv.Handle("", "/Tickets/{id}/Custom", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `"custom"`) })
	srv.Handle("GET", "/Status", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `[{"id":1,"name":"Stubbed"}]`) })

	halo := e2eClient(t, srv)
	ctx := context.Background()
	var got map[string]any
	if err := halo.Do(ctx, "GET", "/CustomThing/42", nil, nil, &got); err != nil {
		t.Fatal(err)
	}
	if got["id"] != "42" || got["tickets"] != float64(srv.RecordCount("Tickets")) {
		t.Errorf("custom GET: %v", got)
	}
	var echoed map[string]any
	if err := halo.Do(ctx, "POST", "/CustomThing", nil, map[string]any{"x": 1}, &echoed); err != nil || echoed["x"] != float64(1) {
		t.Errorf("custom POST: %v %v", echoed, err)
	}
	last := lastAPIRequest(t, srv)
	if last.Path != "/api/CustomThing" || last.Status != 202 || string(last.Body) != `{"x":1}` {
		t.Errorf("logged %+v", last)
	}
	statuses, err := halo.Status.GetStatus(ctx, halopsa.GetStatusParams{})
	if err != nil || len(statuses) != 1 || *statuses[0].Name != "Stubbed" {
		t.Errorf("stubbed spec route: %v %v", statuses, err)
	}
	var s string
	if err := halo.Do(ctx, "PATCH", "/Tickets/3/Custom", nil, nil, &s); err != nil || s != "custom" {
		t.Errorf("any method: %q %v", s, err)
	}

	// A method without a custom route goes to the spec's routes.
	err = halo.Do(ctx, "DELETE", "/CustomThing/42", nil, nil, nil)
	var ae *halopsa.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 404 || !strings.Contains(ae.Message(), "No such endpoint") {
		t.Errorf("DELETE /CustomThing/42: %v", err)
	}
	// Behind the bearer auth...
	res, err := http.Get(srv.URL + "/api/CustomThing/1")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Errorf("without a token: %s", res.Status)
	}
	// ... and the faults.
	srv.Inject(halopsatest.Fault{Kind: halopsatest.Unavailable, PathPrefix: "/api/CustomThing", Count: 1})
	if err := halo.Do(ctx, "GET", "/CustomThing/1", nil, nil, nil); !errors.As(err, &ae) || ae.StatusCode != 503 {
		t.Errorf("faulted custom route: %v", err)
	}

	for name, f := range map[string]func(){
		"no leading /": func() { srv.Handle("GET", "CustomThing", nil) },
		"conflict":     func() { srv.Handle("GET", "/CustomThing/{id}", func(http.ResponseWriter, *http.Request) {}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: Handle did not panic", name)
				}
			}()
			f()
		}()
	}
}

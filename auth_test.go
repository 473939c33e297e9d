package halopsa

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func okTickets(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, 200, `{"record_count":0,"tickets":[]}`)
}

func TestTokenRequestForm(t *testing.T) {
	tn := newTenant(t, okTickets)
	halo := tn.client(func(c *Config) { c.Tenant = "acme"; c.Scope = "read:tickets" })
	if _, err := halo.Tickets.GetTickets(ctxT(t), GetTicketsParams{}); err != nil {
		t.Fatal(err)
	}
	if len(tn.forms) != 1 {
		t.Fatalf("%d token requests", len(tn.forms))
	}
	f := tn.forms[0]
	want := map[string]string{"grant_type": "client_credentials", "client_id": testID, "client_secret": testSecret, "scope": "read:tickets", "?tenant": "acme"}
	for k, v := range want {
		if len(f[k]) != 1 || f[k][0] != v {
			t.Errorf("token form %s = %v, want %q", k, f[k], v)
		}
	}
}

func TestTokenCachedAndSharedBySections(t *testing.T) {
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/Status" {
			writeJSON(w, 200, `[]`)
			return
		}
		okTickets(w, r)
	})
	halo := tn.client()
	ctx := ctxT(t)
	for range 3 {
		if _, err := halo.Tickets.GetTickets(ctx, GetTicketsParams{}); err != nil {
			t.Fatal(err)
		}
		if _, err := halo.Status.GetStatus(ctx, GetStatusParams{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := tn.tokenReqs.Load(); n != 1 {
		t.Fatalf("%d token requests for 6 calls, want 1", n)
	}
}

func TestConcurrentFirstUseFetchesOneToken(t *testing.T) {
	tn := newTenant(t, okTickets)
	tn.tokenGate = make(chan struct{})
	halo := tn.client()
	ctx := ctxT(t)
	const n = 50
	var started, done sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		started.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			started.Done()
			_, err := halo.Tickets.GetTickets(ctx, GetTicketsParams{})
			errs <- err
		}()
	}
	started.Wait()
	// Hold the one token request open until every goroutine is waiting for a token.
	time.Sleep(200 * time.Millisecond)
	close(tn.tokenGate)
	done.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got := tn.tokenReqs.Load(); got != 1 {
		t.Fatalf("%d token requests from %d concurrent first calls, want 1", got, n)
	}
}

func TestTwoClientsTwoTokens(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]string{}
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen[r.URL.Query().Get("search")] = r.Header.Get("Authorization")
		mu.Unlock()
		okTickets(w, r)
	})
	a, b := tn.client(), tn.client()
	ctx := ctxT(t)
	for _, c := range []struct {
		halo *Client
		tag  string
	}{{a, "a"}, {b, "b"}, {a, "a2"}, {b, "b2"}} {
		if _, err := c.halo.Tickets.GetTickets(ctx, GetTicketsParams{Search: Ptr(c.tag)}); err != nil {
			t.Fatal(err)
		}
	}
	if tn.tokenReqs.Load() != 2 {
		t.Fatalf("%d token requests for two clients, want 2", tn.tokenReqs.Load())
	}
	if seen["a"] == seen["b"] || seen["a"] != seen["a2"] || seen["b"] != seen["b2"] {
		t.Fatalf("tokens mixed between clients: %v", seen)
	}
}

func TestTokenRefreshedBeforeExpiry(t *testing.T) {
	tn := newTenant(t, okTickets)
	tn.lifetime = 3600
	halo := tn.client()
	now := time.Now()
	halo.tokens.now = func() time.Time { return now }
	ctx := ctxT(t)
	call := func() {
		t.Helper()
		if _, err := halo.Tickets.GetTickets(ctx, GetTicketsParams{}); err != nil {
			t.Fatal(err)
		}
	}
	call()
	now = now.Add(59 * time.Minute) // inside the token's life, before the 30s margin
	call()
	if n := tn.tokenReqs.Load(); n != 1 {
		t.Fatalf("%d token requests within the token's life", n)
	}
	now = now.Add(40 * time.Second) // 20s before expiry: inside the refresh margin
	call()
	if n := tn.tokenReqs.Load(); n != 2 {
		t.Fatalf("%d token requests after nearing expiry, want 2", n)
	}
}

func TestUnauthorizedRefreshesTokenAndReplaysOnce(t *testing.T) {
	var posts int
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "GET" {
			okTickets(w, r)
			return
		}
		b, _ := io.ReadAll(r.Body)
		if string(b) != `[{"summary":"x"}]` {
			t.Errorf("replayed body = %s", b)
		}
		posts++
		writeJSON(w, 200, `{"id":1}`)
	})
	halo := tn.client()
	ctx := ctxT(t)
	if _, err := halo.Tickets.GetTickets(ctx, GetTicketsParams{}); err != nil {
		t.Fatal(err)
	}
	tn.revokeAll() // the cached token is now rejected with 401
	got, err := halo.Tickets.PostTickets(ctx, PostTicketsParams{Body: []Faults{{Summary: Ptr("x")}}})
	if err != nil {
		t.Fatal(err)
	}
	if *got.ID != 1 || posts != 1 || tn.tokenReqs.Load() != 2 {
		t.Fatalf("id %v, %d posts handled, %d token requests; want 1, 1, 2", got.ID, posts, tn.tokenReqs.Load())
	}
}

func TestUnauthorizedTwiceIsAnAPIError(t *testing.T) {
	var calls int
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		writeJSON(w, 401, `{"message":"Your application does not have the required permissions"}`)
	})
	halo := tn.client()
	_, err := halo.Tickets.GetTickets(ctxT(t), GetTicketsParams{})
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 401 {
		t.Fatalf("err = %v, want a 401 APIError", err)
	}
	if calls != 2 || tn.tokenReqs.Load() != 2 {
		t.Fatalf("%d calls, %d token requests; want one replay with one new token", calls, tn.tokenReqs.Load())
	}
	if !strings.Contains(err.Error(), "required permissions") {
		t.Fatalf("message %q lacks Halo's text", err)
	}
}

func TestTokenFailures(t *testing.T) {
	cases := []struct {
		name       string
		fail       func(w http.ResponseWriter) bool
		secret     string
		wantStatus int
		wantText   string
	}{
		{"bad secret", nil, "wrong", 401, "invalid_client: bad credentials"},
		{"html 500", func(w http.ResponseWriter) bool {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(500)
			io.WriteString(w, "<!DOCTYPE html><html><body>Server Error in '/' Application.</body></html>")
			return true
		}, testSecret, 500, `"Agent to log in as" is missing or disabled`},
		{"plain 503", func(w http.ResponseWriter) bool {
			w.WriteHeader(503)
			io.WriteString(w, "maintenance")
			return true
		}, testSecret, 503, "maintenance"},
		// A 200 that is not a token (a proxy's page, a mistaken URL) is the
		// token endpoint's answer, not a network failure (review finding).
		{"200 without a token", func(w http.ResponseWriter) bool {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"status":"ok"}`)
			return true
		}, testSecret, 200, `the answer holds no access_token: {"status":"ok"}`},
		{"200 html page", func(w http.ResponseWriter) bool {
			w.Header().Set("Content-Type", "text/html")
			io.WriteString(w, "<html><body>Sign in to continue</body></html>")
			return true
		}, testSecret, 200, "HTML error page"},
		{"200 with an OAuth error", func(w http.ResponseWriter) bool {
			io.WriteString(w, `{"error":"unauthorized_client","error_description":"scope not allowed"}`)
			return true
		}, testSecret, 200, "unauthorized_client: scope not allowed"},
		{"not a bearer token", func(w http.ResponseWriter) bool {
			io.WriteString(w, `{"access_token":"LIVE-TOKEN-1","token_type":"mac","expires_in":60}`)
			return true
		}, testSecret, 200, `token_type "mac" is not Bearer`},
		{"a token in JSON the client cannot read", func(w http.ResponseWriter) bool {
			io.WriteString(w, `{"access_token":"LIVE-TOKEN-2","error":{},"expires_in":60}`)
			return true
		}, testSecret, 200, "the answer was not kept: it holds a token"},
		{"a token under a key in another case", func(w http.ResponseWriter) bool {
			io.WriteString(w, `{"Access_Token":"LIVE-TOKEN-3","token_type":"mac"}`)
			return true
		}, testSecret, 200, `token_type "mac" is not Bearer`},
		{"a token under an escaped key", func(w http.ResponseWriter) bool {
			io.WriteString(w, `{"access\u005f\u0074oken":"LIVE-TOKEN-4","token_type":"mac"}`)
			return true
		}, testSecret, 200, `token_type "mac" is not Bearer`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tn := newTenant(t, okTickets)
			tn.tokenFail = tc.fail
			halo := tn.client(func(c *Config) { c.ClientSecret = tc.secret })
			_, err := halo.Tickets.GetTickets(ctxT(t), GetTicketsParams{})
			var ae *AuthError
			if !errors.As(err, &ae) {
				t.Fatalf("err = %T %v, want *AuthError", err, err)
			}
			if ne := (*NetworkError)(nil); errors.As(err, &ne) {
				t.Fatalf("err = %v is a *NetworkError; the token endpoint answered", err)
			}
			if ae.StatusCode != tc.wantStatus || !strings.Contains(err.Error(), tc.wantText) {
				t.Fatalf("status %d, message %q; want %d and %q", ae.StatusCode, err, tc.wantStatus, tc.wantText)
			}
			if strings.Contains(err.Error(), tc.secret) || strings.Contains(err.Error(), testSecret) {
				t.Fatalf("error message leaks the secret: %q", err)
			}
			if strings.Contains(err.Error(), "LIVE-TOKEN") || strings.Contains(string(ae.Body), "LIVE-TOKEN") {
				t.Fatalf("the error holds the access token: %q, body %q", err, ae.Body)
			}
			// A failed fetch is not cached: the next call tries again.
			halo.Tickets.GetTickets(ctxT(t), GetTicketsParams{})
			if tn.tokenReqs.Load() != 2 {
				t.Fatalf("%d token requests after two calls", tn.tokenReqs.Load())
			}
		})
	}
}

// Token answers that are unusual but valid: expires_in as a string or a
// fraction, token_type in another case or missing, a lifetime missing.
func TestTokenExchangeAcceptsHaloVariants(t *testing.T) {
	for _, tc := range []struct {
		body       string
		wantExpiry time.Duration // 0: never expires
	}{
		{`{"access_token":"v1","token_type":"Bearer","expires_in":3600}`, time.Hour},
		{`{"access_token":"v2","token_type":"bearer","expires_in":"120"}`, 2 * time.Minute},
		{`{"access_token":"v3","expires_in":90.0}`, 90 * time.Second},
		{`{"access_token":"v4","token_type":"Bearer","id_token":"x","scope":"all"}`, 0},
		// Beyond any real lifetime: held at maxTokenLifetime, not wrapped
		// into the past (which fetched a token for every call).
		{`{"access_token":"v5","token_type":"Bearer","expires_in":10000000000}`, maxTokenLifetime},
		{`{"access_token":"v6","token_type":"Bearer","expires_in":"Infinity"}`, maxTokenLifetime},
		{`{"access_token":"v7","token_type":"Bearer","expires_in":1e400}`, maxTokenLifetime},
		{`{"access_token":"v8","token_type":"Bearer","expires_in":-5}`, 0},
	} {
		t.Run(tc.body, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
			ts := &tokenSource{tokenURL: srv.URL, clientID: "i", clientSecret: "s", httpc: srv.Client(),
				timeout: 5 * time.Second, now: func() time.Time { return now }}
			tok, err := ts.token(ctxT(t))
			if err != nil {
				t.Fatal(err)
			}
			var want time.Time
			if tc.wantExpiry != 0 {
				want = now.Add(tc.wantExpiry)
			}
			access := strings.SplitN(tc.body, `"`, 5)[3]
			if tok.header != "Bearer "+access || !tok.expiry.Equal(want) {
				t.Fatalf("token %q expiring %v, want %q at %v", tok.header, tok.expiry, "Bearer "+access, want)
			}
		})
	}
}

func TestTokenEndpointUnreachable(t *testing.T) {
	halo, err := New(Config{CompanyURL: "http://127.0.0.1:1", ClientID: "i", ClientSecret: testSecret, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = halo.Tickets.GetTickets(ctxT(t), GetTicketsParams{})
	var ae *AuthError
	if !errors.As(err, &ae) || ae.StatusCode != 0 || ae.Err == nil {
		t.Fatalf("err = %v, want AuthError without status", err)
	}
	if strings.Contains(err.Error(), testSecret) {
		t.Fatalf("leaks secret: %v", err)
	}
}

// A refresh that fails while the cached token is still valid (the early
// refresh window) does not fail the call: the valid token is used, and the
// refresh is tried again later, not on every call.
func TestFailedRefreshKeepsTheValidToken(t *testing.T) {
	var tokens []string
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		tokens = append(tokens, r.Header.Get("Authorization"))
		okTickets(w, r)
	})
	tn.lifetime = 3600
	halo := tn.client()
	now := time.Now()
	halo.tokens.now = func() time.Time { return now }
	ctx := ctxT(t)
	call := func() {
		t.Helper()
		if _, err := halo.Tickets.GetTickets(ctx, GetTicketsParams{}); err != nil {
			t.Fatal(err)
		}
	}
	call()
	down := true
	tn.tokenFail = func(w http.ResponseWriter) bool {
		if down {
			w.WriteHeader(503)
			io.WriteString(w, "maintenance")
		}
		return down
	}
	now = now.Add(time.Hour - 20*time.Second) // inside the refresh window, 20s before expiry
	call()
	if n := tn.tokenReqs.Load(); n != 2 {
		t.Fatalf("%d token requests, want a refresh attempt", n)
	}
	call() // at once: the refresh is not tried on every call
	if n := tn.tokenReqs.Load(); n != 2 {
		t.Fatalf("%d token requests, want the refresh retried later, not at once", n)
	}
	now = now.Add(10 * time.Second) // later, still before expiry
	call()
	if n := tn.tokenReqs.Load(); n != 3 {
		t.Fatalf("%d token requests, want the refresh tried again", n)
	}
	for i, tok := range tokens {
		if tok != tokens[0] {
			t.Fatalf("call %d used %q, want the first token %q", i, tok, tokens[0])
		}
	}
	down = false
	now = now.Add(5 * time.Second)
	call()
	if n := tn.tokenReqs.Load(); n != 4 || tokens[len(tokens)-1] == tokens[0] {
		t.Fatalf("%d token requests, last call with %q: want a new token", n, tokens[len(tokens)-1])
	}
	// Once the token has expired, a failed fetch fails the call.
	down = true
	now = now.Add(2 * time.Hour)
	_, err := halo.Tickets.GetTickets(ctx, GetTicketsParams{})
	var ae *AuthError
	if !errors.As(err, &ae) || ae.StatusCode != 503 {
		t.Fatalf("after expiry: err %v, want the 503 AuthError", err)
	}
}

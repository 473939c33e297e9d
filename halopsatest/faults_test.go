package halopsatest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/halopsa-go/halopsa"
	"github.com/halopsa-go/halopsa/halopsatest"
)

// newTicket posts one new ticket.
func newTicket(ctx context.Context, halo *halopsa.Client, summary string) (*halopsa.Faults, error) {
	return halo.Tickets.PostTickets(ctx, halopsa.PostTicketsParams{Body: []halopsa.Faults{{Summary: halopsa.Ptr(summary)}}})
}

// listStatus makes a cheap GET.
func listStatus(ctx context.Context, halo *halopsa.Client) error {
	_, err := halo.Status.GetStatus(ctx, halopsa.GetStatusParams{})
	return err
}

// faulted returns the logged requests that a fault hit.
func faulted(srv *halopsatest.Server, kind halopsatest.FaultKind) []halopsatest.Request {
	var out []halopsatest.Request
	for _, r := range srv.Requests() {
		if r.Fault == kind {
			out = append(out, r)
		}
	}
	return out
}

// rawToken fetches an access token with net/http.
func rawToken(t *testing.T, srv *halopsatest.Server, basic bool) (token string, expiresIn int) {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"all"}}
	if !basic {
		form.Set("client_id", srv.ClientID)
		form.Set("client_secret", srv.ClientSecret)
	}
	req, err := http.NewRequest("POST", srv.URL+"/auth/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic {
		req.SetBasicAuth(srv.ClientID, srv.ClientSecret)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if res.StatusCode != 200 {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("token: %s %s", res.Status, b)
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if body.AccessToken == "" || !strings.EqualFold(body.TokenType, "bearer") {
		t.Fatalf("token response %+v", body)
	}
	return body.AccessToken, body.ExpiresIn
}

// rawGet makes an API request with net/http.
func rawGet(t *testing.T, srv *halopsatest.Server, token, path string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+"/api"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, b
}

// waitForLog waits until the server has logged n requests a fault hit: a
// handler may still be running when the client has given up.
func waitForLog(t *testing.T, srv *halopsatest.Server, kind halopsatest.FaultKind, n int) []halopsatest.Request {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		rs := faulted(srv, kind)
		if len(rs) >= n || time.Now().After(deadline) {
			return rs
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func wantNetworkReset(t *testing.T, err error) *halopsa.NetworkError {
	t.Helper()
	var ne *halopsa.NetworkError
	if !errors.As(err, &ne) {
		t.Fatalf("got %T %v, want a *halopsa.NetworkError", err, err)
	}
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("%v: not ECONNRESET", err)
	}
	if !ne.MayHaveApplied {
		t.Errorf("%v: MayHaveApplied is false, but the request was written", err)
	}
	return ne
}

func TestFaultResetBeforeRead(t *testing.T) {
	srv := halopsatest.NewServer(t)
	halo := e2eClient(t, srv)
	ctx := context.Background()
	if err := listStatus(ctx, halo); err != nil { // token and a warm connection
		t.Fatal(err)
	}
	before := srv.RecordCount("Tickets")
	srv.Inject(halopsatest.Fault{Kind: halopsatest.ResetBeforeRead, Method: "POST", PathPrefix: "/api/Tickets", Count: 1})

	_, err := newTicket(ctx, halo, "lost on the way")
	ne := wantNetworkReset(t, err)
	if ne.Attempts != 1 || ne.Method != "POST" {
		t.Errorf("attempts %d, method %s", ne.Attempts, ne.Method)
	}
	if got := srv.RecordCount("Tickets"); got != before {
		t.Errorf("RecordCount %d, want %d: the reset came before the request was processed", got, before)
	}
	hits := faulted(srv, halopsatest.ResetBeforeRead)
	if len(hits) != 1 || hits[0].Status != 0 || hits[0].Method != "POST" || hits[0].Path != "/api/Tickets" {
		t.Errorf("server log: %+v", hits)
	}

	// The fault is used up: the same call now works.
	if _, err := newTicket(ctx, halo, "second try"); err != nil {
		t.Fatal(err)
	}
	if got := srv.RecordCount("Tickets"); got != before+1 {
		t.Errorf("RecordCount %d, want %d", got, before+1)
	}
}

func TestFaultResetBeforeReadGETRetried(t *testing.T) {
	srv := halopsatest.NewServer(t)
	cfg := quietConfig(srv)
	cfg.Retry = true
	cfg.RetryOptions = halopsa.RetryOptions{Retries: 4, MinTimeout: time.Millisecond, MaxTimeout: 5 * time.Millisecond}
	halo, err := halopsa.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject(halopsatest.Fault{Kind: halopsatest.ResetBeforeRead, Method: "GET", PathPrefix: "/api/Status", Count: 3})
	if err := listStatus(context.Background(), halo); err != nil {
		t.Fatalf("a GET is retried after resets: %v", err)
	}
	// net/http may itself resend a GET once per attempt, so the three
	// resets can take fewer than four client attempts.
	if hits := faulted(srv, halopsatest.ResetBeforeRead); len(hits) != 3 {
		t.Errorf("%d resets logged, want 3", len(hits))
	}
	if last := lastAPIRequest(t, srv); last.Status != 200 || last.Fault != halopsatest.NoFault {
		t.Errorf("last request %+v", last)
	}
}

func TestFaultResetAfterApply(t *testing.T) {
	for _, retry := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "with Retry"}[retry], func(t *testing.T) {
			srv := halopsatest.NewServer(t)
			cfg := quietConfig(srv)
			cfg.Retry = retry
			cfg.RetryOptions = halopsa.RetryOptions{Retries: 4, MinTimeout: time.Millisecond, MaxTimeout: 5 * time.Millisecond}
			halo, err := halopsa.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			before := srv.RecordCount("Tickets")
			srv.Inject(halopsatest.Fault{Kind: halopsatest.ResetAfterApply, Method: "POST", PathPrefix: "/api/Tickets", Count: 1})

			_, err = newTicket(ctx, halo, "applied, answer lost")
			ne := wantNetworkReset(t, err)
			if ne.Attempts != 1 {
				t.Errorf("a POST that may have applied was sent %d times", ne.Attempts)
			}
			if !strings.Contains(err.Error(), "may or may not have applied") {
				t.Errorf("message does not warn: %v", err)
			}
			if got := srv.RecordCount("Tickets"); got != before+1 {
				t.Errorf("RecordCount %d, want %d: the server applied the POST", got, before+1)
			}
			hits := faulted(srv, halopsatest.ResetAfterApply)
			if len(hits) != 1 || hits[0].Status != 0 || !strings.Contains(string(hits[0].Body), "applied, answer lost") {
				t.Errorf("server log: %+v", hits)
			}
			if n := len(apiRequests(srv)); n != 1 {
				t.Errorf("%d API requests, want 1", n)
			}
		})
	}
}

func TestFaultDelay(t *testing.T) {
	srv := halopsatest.NewServer(t)
	halo := e2eClient(t, srv)
	ctx := context.Background()
	if err := listStatus(ctx, halo); err != nil {
		t.Fatal(err)
	}
	const d = 300 * time.Millisecond
	srv.Inject(halopsatest.Fault{Kind: halopsatest.Delay, Delay: d, PathPrefix: "/api/Status", Count: 1})
	start := time.Now()
	if err := listStatus(ctx, halo); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < d {
		t.Errorf("call took %v, want at least %v", el, d)
	}
	hits := faulted(srv, halopsatest.Delay)
	if len(hits) != 1 || hits[0].Status != 200 {
		t.Errorf("server log: %+v", hits)
	}

	t.Run("longer than the client's timeout", func(t *testing.T) {
		cfg := quietConfig(srv)
		cfg.Timeout = 300 * time.Millisecond
		impatient, err := halopsa.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := listStatus(ctx, impatient); err != nil {
			t.Fatal(err)
		}
		before := srv.RecordCount("Tickets")
		srv.Inject(halopsatest.Fault{Kind: halopsatest.Delay, Delay: 1500 * time.Millisecond, Method: "POST", Count: 1})
		_, err = newTicket(ctx, impatient, "slow")
		var ne *halopsa.NetworkError
		if !errors.As(err, &ne) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %T %v, want a *NetworkError with DeadlineExceeded", err, err)
		}
		if !ne.MayHaveApplied {
			t.Error("MayHaveApplied is false for a POST that was sent")
		}
		// The server carries on once the client is gone, as Halo does:
		// the ticket is created although the client timed out.
		hits := waitForLog(t, srv, halopsatest.Delay, 2)
		if len(hits) != 2 || hits[1].Method != "POST" {
			t.Fatalf("server log: %+v", hits)
		}
		if got := srv.RecordCount("Tickets"); got != before+1 {
			t.Errorf("RecordCount %d, want %d", got, before+1)
		}
	})
}

func TestFaultRateLimited(t *testing.T) {
	t.Run("with Retry-After", func(t *testing.T) {
		srv := halopsatest.NewServer(t)
		tok, _ := rawToken(t, srv, false)
		// Whole seconds as Halo sends them; fractions (to keep tests fast)
		// as decimals.
		for _, c := range []struct {
			after time.Duration
			want  string
		}{{2 * time.Second, "2"}, {1500 * time.Millisecond, "1.5"}} {
			srv.Inject(halopsatest.Fault{Kind: halopsatest.RateLimited, RetryAfter: c.after, PathPrefix: "/api/Status", Count: 1})
			res, _ := rawGet(t, srv, tok, "/Status")
			if res.StatusCode != 429 || res.Header.Get("Retry-After") != c.want {
				t.Errorf("raw: %s, Retry-After %q, want %q", res.Status, res.Header.Get("Retry-After"), c.want)
			}
		}
		srv.Inject(halopsatest.Fault{Kind: halopsatest.RateLimited, RetryAfter: time.Second, PathPrefix: "/api/Status", Count: 1})
		_, body := rawGet(t, srv, tok, "/Status")
		if !strings.Contains(string(body), "Too many requests") {
			t.Errorf("body %s", body)
		}

		// A client that does not wait gets the 429 at once, with what
		// Retry-After asked for.
		cfg := quietConfig(srv)
		cfg.RateLimitWait = -1
		halo, err := halopsa.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		srv.Inject(halopsatest.Fault{Kind: halopsatest.RateLimited, RetryAfter: time.Second, PathPrefix: "/api/Status", Count: 1})
		err = listStatus(context.Background(), halo)
		var ae *halopsa.APIError
		if !errors.As(err, &ae) || ae.StatusCode != 429 {
			t.Fatalf("got %T %v, want a 429 *APIError", err, err)
		}
		var rl *halopsa.RateLimitError
		if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
			t.Errorf("got %v, want a *RateLimitError with RetryAfter 1s", err)
		}
		if ae.Message() == "" {
			t.Errorf("no message in %v", err)
		}

		// The default client waits Retry-After out and succeeds.
		halo = e2eClient(t, srv)
		srv.Inject(halopsatest.Fault{Kind: halopsatest.RateLimited, RetryAfter: 300 * time.Millisecond, PathPrefix: "/api/Status", Count: 1})
		start := time.Now()
		if err := listStatus(context.Background(), halo); err != nil {
			t.Fatalf("after waiting out a 429: %v", err)
		}
		if el := time.Since(start); el < 300*time.Millisecond {
			t.Errorf("retried after %v, before Retry-After (300ms)", el)
		}
		hits := faulted(srv, halopsatest.RateLimited)
		if len(hits) != 5 {
			t.Fatalf("%d 429s logged, want 5", len(hits))
		}
		for _, h := range hits {
			if h.Status != 429 {
				t.Errorf("logged %+v", h)
			}
		}
		if last := lastAPIRequest(t, srv); last.Status != 200 {
			t.Errorf("last request %+v", last)
		}
	})

	t.Run("without Retry-After", func(t *testing.T) {
		srv := halopsatest.NewServer(t)
		tok, _ := rawToken(t, srv, false)
		srv.Inject(halopsatest.Fault{Kind: halopsatest.RateLimited, Method: "GET"})
		res, _ := rawGet(t, srv, tok, "/Tickets")
		if res.StatusCode != 429 || res.Header.Values("Retry-After") != nil {
			t.Errorf("raw: %s, Retry-After %q", res.Status, res.Header.Values("Retry-After"))
		}
		cfg := quietConfig(srv)
		cfg.RateLimitWait = -1
		halo, err := halopsa.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		before := srv.RecordCount("Tickets")
		err = listStatus(context.Background(), halo)
		var ae *halopsa.APIError
		if !errors.As(err, &ae) || ae.StatusCode != 429 {
			t.Fatalf("got %T %v, want a 429 *APIError", err, err)
		}
		var rl *halopsa.RateLimitError
		if errors.As(err, &rl) && rl.RetryAfter != 0 {
			t.Errorf("RetryAfter %v without a header", rl.RetryAfter)
		}
		// The fault is limited to GET: a POST goes through.
		if _, err := newTicket(context.Background(), halo, "not rate limited"); err != nil {
			t.Fatal(err)
		}
		if srv.RecordCount("Tickets") != before+1 {
			t.Error("POST not applied")
		}
	})
}

func TestFaultServerErrorHTML(t *testing.T) {
	srv := halopsatest.NewServer(t)
	halo := e2eClient(t, srv)
	ctx := context.Background()
	before := srv.RecordCount("Tickets")
	srv.Inject(halopsatest.Fault{Kind: halopsatest.ServerErrorHTML, Method: "POST", PathPrefix: "/api/Tickets", Count: 1})
	_, err := newTicket(ctx, halo, "never stored")
	var ae *halopsa.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 500 {
		t.Fatalf("got %T %v, want a 500 *APIError", err, err)
	}
	if ae.Message() != "(HTML error page)" || !strings.Contains(string(ae.Body), "Runtime Error") || ae.Data != nil {
		t.Errorf("message %q, body %.80q, data %v", ae.Message(), ae.Body, ae.Data)
	}
	if srv.RecordCount("Tickets") != before {
		t.Error("the 500 page came with the record created")
	}
	hits := faulted(srv, halopsatest.ServerErrorHTML)
	if len(hits) != 1 || hits[0].Status != 500 {
		t.Errorf("server log: %+v", hits)
	}

	t.Run("GET retried with Retry", func(t *testing.T) {
		cfg := quietConfig(srv)
		cfg.Retry = true
		cfg.RetryOptions = halopsa.RetryOptions{Retries: 2, MinTimeout: time.Millisecond, MaxTimeout: 5 * time.Millisecond}
		halo, err := halopsa.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		srv.ResetRequests()
		srv.Inject(halopsatest.Fault{Kind: halopsatest.ServerErrorHTML, Method: "GET", Count: 2})
		if err := listStatus(ctx, halo); err != nil {
			t.Fatalf("a GET is retried after 500s: %v", err)
		}
		rs := apiRequests(srv)
		if len(rs) != 3 || rs[0].Status != 500 || rs[1].Status != 500 || rs[2].Status != 200 {
			t.Errorf("server log: %+v", rs)
		}
		// A POST is not: Halo may have applied it.
		srv.Inject(halopsatest.Fault{Kind: halopsatest.ServerErrorHTML, Method: "POST", Count: 1})
		if _, err := newTicket(ctx, halo, "x"); !errors.As(err, &ae) || ae.StatusCode != 500 {
			t.Errorf("POST: %v, want the 500", err)
		}
	})
}

func TestFaultUnavailable(t *testing.T) {
	srv := halopsatest.NewServer(t)
	halo := e2eClient(t, srv)
	srv.Inject(halopsatest.Fault{Kind: halopsatest.Unavailable})
	err := listStatus(context.Background(), halo)
	var ae *halopsa.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 503 {
		t.Fatalf("got %T %v, want a 503 *APIError", err, err)
	}
	if ae.Message() != "(HTML error page)" || !strings.Contains(ae.Status, "Service Unavailable") {
		t.Errorf("status %q, message %q", ae.Status, ae.Message())
	}
	hits := faulted(srv, halopsatest.Unavailable)
	if len(hits) != 1 || hits[0].Status != 503 || hits[0].Path != "/api/Status" {
		t.Errorf("server log: %+v", hits)
	}
	// The token endpoint is not an API path: the fault left it alone.
	if srv.TokenRequests() != 1 {
		t.Errorf("TokenRequests %d", srv.TokenRequests())
	}
}

func TestFaultMalformedJSON(t *testing.T) {
	srv := halopsatest.NewServer(t)
	halo := e2eClient(t, srv)
	ctx := context.Background()

	srv.Inject(halopsatest.Fault{Kind: halopsatest.MalformedJSON, Method: "GET", PathPrefix: "/api/Tickets", Count: 1})
	_, err := halo.Tickets.GetTickets(ctx, halopsa.GetTicketsParams{})
	var de *halopsa.DecodeError
	if !errors.As(err, &de) || de.StatusCode != 200 {
		t.Fatalf("got %T %v, want a *DecodeError with status 200", err, err)
	}
	if len(de.Body) == 0 || json.Valid(de.Body) {
		t.Errorf("body %.80q should be truncated JSON", de.Body)
	}

	// A write is applied; only its answer is broken.
	before := srv.RecordCount("Tickets")
	srv.Inject(halopsatest.Fault{Kind: halopsatest.MalformedJSON, Method: "POST", PathPrefix: "/api/Tickets", Count: 1})
	_, err = newTicket(ctx, halo, "applied, answer garbled")
	if !errors.As(err, &de) {
		t.Fatalf("got %T %v, want a *DecodeError", err, err)
	}
	if de.StatusCode < 200 || de.StatusCode > 299 || !strings.Contains(err.Error(), "the request itself succeeded") {
		t.Errorf("status %d, message %v", de.StatusCode, err)
	}
	if got := srv.RecordCount("Tickets"); got != before+1 {
		t.Errorf("RecordCount %d, want %d", got, before+1)
	}
	hits := faulted(srv, halopsatest.MalformedJSON)
	if len(hits) != 2 || hits[0].Status != 200 || hits[1].Status != de.StatusCode {
		t.Errorf("server log: %+v", hits)
	}
}

// On a download, MalformedJSON cuts the file short under its announced
// length: the client must see the cut, not a smaller file.
func TestFaultMalformedJSONDownload(t *testing.T) {
	srv := halopsatest.NewServer(t)
	halo := e2eClient(t, srv)
	ctx := context.Background()
	content := bytes.Repeat([]byte("0123456789"), 100)
	att, err := halo.Attachment.Upload(ctx, halopsa.Attachment{TicketID: halopsa.Ptr(1), Filename: halopsa.Ptr("f.bin")}, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject(halopsatest.Fault{Kind: halopsatest.MalformedJSON, Method: "GET", PathPrefix: "/api/Attachment/", Count: 1})
	var got bytes.Buffer
	n, _, err := halo.Attachment.Download(ctx, att.GetID(), &got)
	if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("a download cut short: %d bytes, err %v; want io.ErrUnexpectedEOF", n, err)
	}
	if n == 0 || n >= int64(len(content)) || !bytes.Equal(got.Bytes(), content[:n]) {
		t.Fatalf("%d bytes written, %q...; want a prefix of the file", n, got.Bytes()[:min(20, got.Len())])
	}
}

func TestFaultTokenFailure(t *testing.T) {
	for _, status := range []int{0, 403} {
		want := status
		if want == 0 {
			want = 500 // the default
		}
		t.Run(strconv.Itoa(want), func(t *testing.T) {
			srv := halopsatest.NewServer(t)
			halo := e2eClient(t, srv)
			srv.Inject(halopsatest.Fault{Kind: halopsatest.TokenFailure, Status: status})
			err := listStatus(context.Background(), halo)
			var ae *halopsa.AuthError
			if !errors.As(err, &ae) {
				t.Fatalf("got %T %v, want an *AuthError", err, err)
			}
			if ae.StatusCode != want || !strings.Contains(err.Error(), "Agent to log in as") {
				t.Errorf("status %d, message %v", ae.StatusCode, err)
			}
			if !strings.Contains(string(ae.Body), "<html>") {
				t.Errorf("body %.80q", ae.Body)
			}
			if strings.Contains(err.Error(), srv.ClientSecret) {
				t.Error("the error shows the secret")
			}
			hits := faulted(srv, halopsatest.TokenFailure)
			if len(hits) != 1 || hits[0].Path != "/auth/token" || hits[0].Status != want || hits[0].Body != nil {
				t.Errorf("server log: %+v", hits)
			}
			if len(apiRequests(srv)) != 0 {
				t.Error("an API request went out without a token")
			}
			// Once the tenant is fixed, the next call fetches a token.
			srv.ClearFaults()
			if err := listStatus(context.Background(), halo); err != nil {
				t.Fatal(err)
			}
			if srv.TokenRequests() != 2 {
				t.Errorf("TokenRequests %d, want 2", srv.TokenRequests())
			}
		})
	}

	t.Run("reset on the token endpoint", func(t *testing.T) {
		srv := halopsatest.NewServer(t)
		halo := e2eClient(t, srv)
		srv.Inject(halopsatest.Fault{Kind: halopsatest.ResetBeforeRead, PathPrefix: "/auth/token"})
		err := listStatus(context.Background(), halo)
		var ae *halopsa.AuthError
		if !errors.As(err, &ae) || ae.StatusCode != 0 || !errors.Is(err, syscall.ECONNRESET) {
			t.Fatalf("got %T %v, want an *AuthError wrapping ECONNRESET", err, err)
		}
	})
}

func TestFaultScoping(t *testing.T) {
	ctx := context.Background()

	t.Run("Count", func(t *testing.T) {
		srv := halopsatest.NewServer(t)
		halo := e2eClient(t, srv)
		srv.Inject(halopsatest.Fault{Kind: halopsatest.ServerErrorHTML, PathPrefix: "/api/Status", Count: 2})
		var got []bool
		for i := 0; i < 4; i++ {
			got = append(got, listStatus(ctx, halo) == nil)
		}
		if want := []bool{false, false, true, true}; !equalBools(got, want) {
			t.Errorf("successes %v, want %v", got, want)
		}
		if n := len(faulted(srv, halopsatest.ServerErrorHTML)); n != 2 {
			t.Errorf("%d hits logged", n)
		}
	})

	t.Run("Method and PathPrefix", func(t *testing.T) {
		srv := halopsatest.NewServer(t)
		halo := e2eClient(t, srv)
		// Prefixes compare without case, as Halo's routing does.
		srv.Inject(halopsatest.Fault{Kind: halopsatest.Unavailable, Method: "post", PathPrefix: "/API/tickets"})
		if _, err := halo.Tickets.GetTickets(ctx, halopsa.GetTicketsParams{Count: halopsa.Ptr(1)}); err != nil {
			t.Errorf("GET /Tickets: %v", err)
		}
		if _, err := halo.Actions.PostActions(ctx, halopsa.PostActionsParams{Body: []halopsa.Actions{{TicketID: halopsa.Ptr(1), Note: halopsa.Ptr("n")}}}); err != nil {
			t.Errorf("POST /Actions: %v", err)
		}
		for i := 0; i < 2; i++ {
			if _, err := newTicket(ctx, halo, "x"); !isStatus(err, 503) {
				t.Errorf("POST /Tickets: %v, want 503", err)
			}
		}
		for _, r := range srv.Requests() {
			wantFault := r.Method == "POST" && r.Path == "/api/Tickets"
			if (r.Fault == halopsatest.Unavailable) != wantFault {
				t.Errorf("%s %s: fault %v", r.Method, r.Path, r.Fault)
			}
		}
	})

	t.Run("first matching fault wins", func(t *testing.T) {
		srv := halopsatest.NewServer(t)
		halo := e2eClient(t, srv)
		srv.Inject(halopsatest.Fault{Kind: halopsatest.Unavailable, PathPrefix: "/api/Status", Count: 1})
		srv.Inject(halopsatest.Fault{Kind: halopsatest.ServerErrorHTML, Count: 1})
		if err := listStatus(ctx, halo); !isStatus(err, 503) {
			t.Errorf("first: %v", err)
		}
		if err := listStatus(ctx, halo); !isStatus(err, 500) {
			t.Errorf("second: %v", err)
		}
		if err := listStatus(ctx, halo); err != nil {
			t.Errorf("third: %v", err)
		}
	})

	t.Run("Probability", func(t *testing.T) {
		pattern := func(seed uint64) []bool {
			srv := halopsatest.NewServer(t, halopsatest.WithSeed(seed))
			halo := e2eClient(t, srv)
			srv.Inject(halopsatest.Fault{Kind: halopsatest.Unavailable, PathPrefix: "/api/Status", Probability: 0.5})
			var hit []bool
			for i := 0; i < 40; i++ {
				err := listStatus(ctx, halo)
				if err != nil && !isStatus(err, 503) {
					t.Fatal(err)
				}
				hit = append(hit, err != nil)
			}
			if n := len(faulted(srv, halopsatest.Unavailable)); n != count(hit) {
				t.Errorf("%d hits logged, %d seen", n, count(hit))
			}
			return hit
		}
		a := pattern(7)
		if n := count(a); n == 0 || n == len(a) {
			t.Errorf("probability 0.5 hit %d of %d", n, len(a))
		}
		if b := pattern(7); !equalBools(a, b) {
			t.Errorf("same seed, different hits:\n%v\n%v", a, b)
		}
	})

	t.Run("ClearFaults", func(t *testing.T) {
		srv := halopsatest.NewServer(t)
		halo := e2eClient(t, srv)
		srv.Inject(halopsatest.Fault{Kind: halopsatest.Unavailable})
		srv.Inject(halopsatest.Fault{Kind: halopsatest.RateLimited})
		if err := listStatus(ctx, halo); !isStatus(err, 503) {
			t.Fatalf("got %v", err)
		}
		srv.ClearFaults()
		if err := listStatus(ctx, halo); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("FaultKind names", func(t *testing.T) {
		for k, want := range map[halopsatest.FaultKind]string{
			halopsatest.NoFault: "none", halopsatest.ResetAfterApply: "reset after apply", halopsatest.RateLimited: "429",
			halopsatest.TokenFailure: "token failure", halopsatest.FaultKind(99): "FaultKind(99)",
		} {
			if k.String() != want {
				t.Errorf("%d: %q, want %q", int(k), k.String(), want)
			}
		}
	})
}

func isStatus(err error, status int) bool {
	var ae *halopsa.APIError
	return errors.As(err, &ae) && ae.StatusCode == status
}

func count(bs []bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTokenEndpoint(t *testing.T) {
	ctx := context.Background()

	t.Run("wrong secret", func(t *testing.T) {
		srv := halopsatest.NewServer(t)
		cfg := quietConfig(srv)
		cfg.ClientSecret = "not-the-secret"
		halo, err := halopsa.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		err = listStatus(ctx, halo)
		var ae *halopsa.AuthError
		if !errors.As(err, &ae) || ae.StatusCode != 401 || ae.Code != "invalid_client" {
			t.Fatalf("got %T %v, want a 401 invalid_client *AuthError", err, err)
		}
		if strings.Contains(err.Error(), "not-the-secret") {
			t.Error("the error shows the secret")
		}
		if len(apiRequests(srv)) != 0 {
			t.Error("an API request went out")
		}
	})

	t.Run("WithCredentials", func(t *testing.T) {
		srv := halopsatest.NewServer(t, halopsatest.WithCredentials("my-id", "my-secret"))
		if c := srv.Config(); c.ClientID != "my-id" || c.ClientSecret != "my-secret" {
			t.Fatalf("Config %+v", c)
		}
		if err := listStatus(ctx, e2eClient(t, srv)); err != nil {
			t.Fatal(err)
		}
		cfg := quietConfig(srv)
		cfg.ClientID = halopsatest.DefaultClientID
		cfg.ClientSecret = halopsatest.DefaultClientSecret
		halo, _ := halopsa.New(cfg)
		var ae *halopsa.AuthError
		if err := listStatus(ctx, halo); !errors.As(err, &ae) || ae.Code != "invalid_client" {
			t.Errorf("default credentials: %v", err)
		}
	})

	t.Run("WithTenant", func(t *testing.T) {
		srv := halopsatest.NewServer(t, halopsatest.WithTenant("acme"))
		if tenant := srv.Config().Tenant; tenant != "acme" {
			t.Fatalf("Config().Tenant = %q", tenant)
		}
		cfg := quietConfig(srv)
		if err := listStatus(ctx, e2eClient(t, srv)); err != nil {
			t.Fatal(err)
		}
		if rs := srv.Requests(); rs[0].Path != "/auth/token" || rs[0].Query != "tenant=acme" {
			t.Errorf("token request %+v", rs[0])
		}
		for _, tenant := range []string{"", "other"} {
			cfg.Tenant = tenant
			halo, err := halopsa.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			var ae *halopsa.AuthError
			if err := listStatus(ctx, halo); !errors.As(err, &ae) || ae.StatusCode != 400 || ae.Code != "invalid_request" {
				t.Errorf("tenant %q: %v, want a 400 invalid_request *AuthError", tenant, err)
			}
		}
	})

	t.Run("WithScopes", func(t *testing.T) {
		srv := halopsatest.NewServer(t, halopsatest.WithScopes("read:tickets", "all"))
		if err := listStatus(ctx, e2eClient(t, srv)); err != nil {
			t.Fatal(err)
		}
		cfg := quietConfig(srv)
		cfg.Scope = "admin"
		halo, _ := halopsa.New(cfg)
		var ae *halopsa.AuthError
		if err := listStatus(ctx, halo); !errors.As(err, &ae) || ae.Code != "invalid_scope" {
			t.Errorf("scope admin: %v, want invalid_scope", err)
		}
	})

	t.Run("HTTP Basic client authentication", func(t *testing.T) {
		srv := halopsatest.NewServer(t)
		tok, _ := rawToken(t, srv, true)
		res, body := rawGet(t, srv, tok, "/Status")
		if res.StatusCode != 200 || !json.Valid(body) {
			t.Errorf("GET /Status with a Basic-auth token: %s %.80s", res.Status, body)
		}
		if res, _ := rawGet(t, srv, "made-up", "/Status"); res.StatusCode != 401 {
			t.Errorf("made-up token: %s", res.Status)
		}
	})

	t.Run("wrong method and grant", func(t *testing.T) {
		srv := halopsatest.NewServer(t)
		res, err := http.Get(srv.URL + "/auth/token")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 405 {
			t.Errorf("GET /auth/token: %s", res.Status)
		}
		res, err = http.PostForm(srv.URL+"/auth/token", url.Values{"grant_type": {"password"}, "client_id": {srv.ClientID}, "client_secret": {srv.ClientSecret}})
		if err != nil {
			t.Fatal(err)
		}
		var e struct{ Error string }
		json.NewDecoder(res.Body).Decode(&e)
		res.Body.Close()
		if res.StatusCode != 400 || e.Error != "unsupported_grant_type" {
			t.Errorf("password grant: %s %q", res.Status, e.Error)
		}
		if srv.TokenRequests() != 2 {
			t.Errorf("TokenRequests %d, want 2", srv.TokenRequests())
		}
	})

	t.Run("ExpireTokens", func(t *testing.T) {
		srv := halopsatest.NewServer(t)
		halo := e2eClient(t, srv)
		if err := listStatus(ctx, halo); err != nil {
			t.Fatal(err)
		}
		if srv.TokenRequests() != 1 {
			t.Fatalf("TokenRequests %d", srv.TokenRequests())
		}
		srv.ExpireTokens()
		srv.ResetRequests()
		if err := listStatus(ctx, halo); err != nil {
			t.Fatalf("after ExpireTokens: %v", err)
		}
		if srv.TokenRequests() != 2 {
			t.Errorf("TokenRequests %d, want 2", srv.TokenRequests())
		}
		var seq []string
		for _, r := range srv.Requests() {
			seq = append(seq, r.Path+" "+http.StatusText(r.Status))
		}
		want := []string{"/api/Status Unauthorized", "/auth/token OK", "/api/Status OK"}
		if strings.Join(seq, ", ") != strings.Join(want, ", ") {
			t.Errorf("requests %v, want %v", seq, want)
		}
	})

	t.Run("WithTokenLifetime", func(t *testing.T) {
		srv := halopsatest.NewServer(t, halopsatest.WithTokenLifetime(90*time.Second))
		if _, exp := rawToken(t, srv, false); exp != 90 {
			t.Errorf("expires_in %d, want 90", exp)
		}

		short := halopsatest.NewServer(t, halopsatest.WithTokenLifetime(time.Second))
		if _, exp := rawToken(t, short, false); exp != 1 {
			t.Errorf("expires_in %d, want 1", exp)
		}
		halo := e2eClient(t, short)
		if err := listStatus(ctx, halo); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1100 * time.Millisecond)
		short.ResetRequests()
		if err := listStatus(ctx, halo); err != nil {
			t.Fatal(err)
		}
		// 1 raw + 2 by the client: it renewed the token before using an
		// expired one.
		if n := short.TokenRequests(); n != 3 {
			t.Errorf("TokenRequests %d, want 3", n)
		}
		for _, r := range short.Requests() {
			if r.Status == 401 {
				t.Errorf("the client sent an expired token: %+v", r)
			}
		}
	})
}

func TestInspection(t *testing.T) {
	srv := halopsatest.NewServer(t)
	halo := e2eClient(t, srv)
	ctx := context.Background()

	t.Run("Requests", func(t *testing.T) {
		srv.ResetRequests()
		if len(srv.Requests()) != 0 {
			t.Fatal("ResetRequests left requests")
		}
		if _, err := halo.Tickets.GetTickets(ctx, halopsa.GetTicketsParams{Count: halopsa.Ptr(2), Search: halopsa.Ptr("a b")}); err != nil {
			t.Fatal(err)
		}
		if _, err := newTicket(ctx, halo, "logged"); err != nil {
			t.Fatal(err)
		}
		rs := srv.Requests()
		if len(rs) != 3 {
			t.Fatalf("%d requests: %+v", len(rs), rs)
		}
		if rs[0].Path != "/auth/token" || rs[0].Body != nil || rs[0].Status != 200 {
			t.Errorf("token request %+v (its body holds the secret and must not be kept)", rs[0])
		}
		if q, _ := url.ParseQuery(rs[1].Query); rs[1].Method != "GET" || rs[1].Path != "/api/Tickets" || q.Get("count") != "2" || q.Get("search") != "a b" || rs[1].Status != 200 || rs[1].BodySize() != 0 {
			t.Errorf("list request %+v", rs[1])
		}
		if rs[2].Method != "POST" || rs[2].Status != 201 || !strings.Contains(string(rs[2].Body), `"summary":"logged"`) || rs[2].BodySize() != len(rs[2].Body) {
			t.Errorf("create request %+v", rs[2])
		}
		// Requests returns a copy.
		rs[0].Path = "changed"
		if srv.Requests()[0].Path != "/auth/token" {
			t.Error("Requests shares its slice")
		}
		if srv.TokenRequests() != 1 {
			t.Errorf("TokenRequests %d", srv.TokenRequests())
		}
	})

	t.Run("Record and Put", func(t *testing.T) {
		rec, ok := srv.Record("Tickets", 1)
		if !ok || rec["summary"] == nil {
			t.Fatalf("Record(Tickets, 1) = %v, %v", rec, ok)
		}
		rec["summary"] = "changed in the copy"
		again, _ := srv.Record("tickets", "1")
		if again["summary"] == "changed in the copy" {
			t.Error("Record returns the stored map")
		}
		if _, ok := srv.Record("Tickets", 99999); ok {
			t.Error("Record of a missing id")
		}
		if _, ok := srv.Record("NoSuchSection", 1); ok {
			t.Error("Record of a missing section")
		}

		n := srv.RecordCount("Tickets")
		id, err := srv.Put("Tickets", map[string]any{"summary": "put directly", "status_id": 2, "undeclared_field": true})
		if err != nil {
			t.Fatal(err)
		}
		if srv.RecordCount("Tickets") != n+1 {
			t.Errorf("RecordCount %d, want %d", srv.RecordCount("Tickets"), n+1)
		}
		tid, ok := id.(json.Number)
		if !ok {
			t.Fatalf("Put returned %T %v", id, id)
		}
		idn, _ := tid.Int64()
		tk, err := halo.Tickets.GetTicketsByID(ctx, halopsa.GetTicketsByIDParams{ID: int(idn)})
		if err != nil {
			t.Fatal(err)
		}
		if *tk.Summary != "put directly" || *tk.StatusID != 2 || tk.Extra["undeclared_field"] != nil {
			t.Errorf("ticket put directly: %+v", tk)
		}
		// Put with an id updates that record's fields.
		if _, err := srv.Put("Tickets", map[string]any{"id": idn, "status_id": 3}); err != nil {
			t.Fatal(err)
		}
		got, _ := srv.Record("Tickets", idn)
		if got["summary"] != "put directly" || got["status_id"] != json.Number("3") {
			t.Errorf("after update: %v", got)
		}
		if srv.RecordCount("Tickets") != n+1 {
			t.Error("Put with an id created a record")
		}
		if _, err := srv.Put("Tickets", map[string]any{"id": 99999}); err == nil {
			t.Error("Put of an unknown id succeeded")
		}
		if _, err := srv.Put("NoSuchSection", map[string]any{}); err == nil {
			t.Error("Put into a missing section succeeded")
		}
		if srv.RecordCount("NoSuchSection") != 0 {
			t.Error("RecordCount of a missing section")
		}
	})

	t.Run("AddRecords", func(t *testing.T) {
		n := srv.RecordCount("Site")
		ids, err := srv.AddRecords("Site", 250)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) != 250 || srv.RecordCount("Site") != n+250 {
			t.Fatalf("%d ids, RecordCount %d", len(ids), srv.RecordCount("Site"))
		}
		first, _ := srv.Record("Site", ids[0])
		if first["name"] != "Site 1" {
			t.Errorf("first added record %v", first)
		}
		var names []string
		for s, err := range halo.Site.GetSiteAll(ctx, halopsa.GetSiteParams{PageSize: halopsa.Ptr(500)}) {
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, *s.Name)
		}
		if len(names) != n+250 || names[len(names)-1] != "Site 250" {
			t.Errorf("walked %d sites, last %q", len(names), names[len(names)-1])
		}
		if _, err := srv.AddRecords("NoSuchSection", 1); err == nil {
			t.Error("AddRecords into a missing section succeeded")
		}
		empty := halopsatest.NewServer(t, halopsatest.WithoutSeedData())
		if empty.RecordCount("Tickets") != 0 || empty.RecordCount("Site") != 0 {
			t.Error("WithoutSeedData seeded records")
		}
	})

	t.Run("Handler and unknown paths", func(t *testing.T) {
		if srv.Handler() == nil {
			t.Fatal("no handler")
		}
		res, err := http.Get(srv.URL + "/nowhere")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 404 {
			t.Errorf("/nowhere: %s", res.Status)
		}
		var raw json.RawMessage
		err = halo.Do(ctx, "GET", "/NoSuchEndpoint/1", nil, nil, &raw)
		var ae *halopsa.APIError
		if !errors.As(err, &ae) || ae.StatusCode != 404 || !strings.Contains(ae.Message(), "No such endpoint") {
			t.Errorf("unknown endpoint: %v", err)
		}
	})
}

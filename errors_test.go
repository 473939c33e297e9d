package halopsa

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Not reaching the token endpoint is a network failure like any other: it
// matches *NetworkError (and *AuthError), and names the call.
func TestTokenEndpointUnreachableIsANetworkError(t *testing.T) {
	halo, err := New(Config{CompanyURL: "http://127.0.0.1:1", ClientID: "i", ClientSecret: testSecret, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	_, err = halo.Tickets.GetTicketsByID(ctxT(t), GetTicketsByIDParams{ID: 5})
	var ne *NetworkError
	var ae *AuthError
	if !errors.As(err, &ne) || !errors.As(err, &ae) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("err = %T %v, want a *NetworkError wrapping an *AuthError and ECONNREFUSED", err, err)
	}
	if ne.MayHaveApplied || ne.Method != "GET" || ne.URL != "http://127.0.0.1:1/api/Tickets/5" || ne.Attempts != 1 {
		t.Fatalf("NetworkError %+v", ne)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "halopsa: GET http://127.0.0.1:1/api/Tickets/5: token request to http://127.0.0.1:1/auth/token failed: ") ||
		strings.Count(msg, "halopsa:") != 1 || strings.Contains(msg, testSecret) {
		t.Fatalf("message %q", msg)
	}
}

// Every error a call returns names its method and URL, and a cancelled or
// expired context stays matchable wherever the call was waiting.
func TestCancelledCallsNameTheCallAndKeepTheContextError(t *testing.T) {
	short := func() context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		t.Cleanup(cancel)
		return ctx
	}
	check := func(what string, err error, wantURL string) {
		t.Helper()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: err %v does not match context.DeadlineExceeded", what, err)
		}
		if err == nil || !strings.Contains(err.Error(), "GET "+wantURL) {
			t.Errorf("%s: %v does not name the call GET %s", what, err, wantURL)
		}
	}
	// Waiting for the client's own rate limit.
	tn := newTenant(t, okTickets)
	halo := tn.client(func(c *Config) { c.RateLimit = RateLimit{Requests: 1, Per: time.Hour} })
	if _, err := halo.Tickets.GetTickets(ctxT(t), GetTicketsParams{}); err != nil {
		t.Fatal(err)
	}
	_, err := halo.Tickets.GetTickets(short(), GetTicketsParams{})
	check("limiter", err, tn.srv.URL+"/api/Tickets")

	// Waiting for a token another call is fetching.
	tn = newTenant(t, okTickets)
	gate := make(chan struct{})
	tn.tokenGate = gate
	t.Cleanup(func() { close(gate) })
	_, err = tn.client().Tickets.GetTickets(short(), GetTicketsParams{})
	check("token", err, tn.srv.URL+"/api/Tickets")

	// Waiting out a 429.
	tn = newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		writeJSON(w, 429, `{}`)
	})
	_, err = tn.client().Tickets.GetTickets(short(), GetTicketsParams{})
	check("429", err, tn.srv.URL+"/api/Tickets")

	// Waiting to retry a 503: the error also carries the 503.
	tn = newTenant(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 503, `{"message":"busy"}`) })
	halo = tn.client(func(c *Config) {
		c.Retry = true
		c.RetryOptions = RetryOptions{MinTimeout: time.Minute, MaxTimeout: time.Hour}
	})
	_, err = halo.Tickets.GetTickets(short(), GetTicketsParams{})
	check("retry wait", err, tn.srv.URL+"/api/Tickets")
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 503 || !strings.Contains(err.Error(), "busy") {
		t.Errorf("retry wait: %v does not carry the 503", err)
	}
}

// An attempt cut by Config.Timeout says so, with the value, while still
// matching context.DeadlineExceeded; a deadline of the caller's does not
// blame Config.Timeout.
func TestAttemptTimeoutSaysSo(t *testing.T) {
	release := make(chan struct{})
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) })
	halo := tn.client(func(c *Config) { c.Timeout = 100 * time.Millisecond })
	if _, err := halo.tokens.token(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	_, err := halo.Tickets.GetTickets(ctxT(t), GetTicketsParams{})
	var ne *NetworkError
	if !errors.As(err, &ne) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "Config.Timeout (100ms)") {
		t.Fatalf("err = %v, want a NetworkError naming Config.Timeout (100ms)", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = tn.client().Tickets.GetTickets(ctx, GetTicketsParams{})
	if !errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Config.Timeout") {
		t.Fatalf("caller's deadline: %v", err)
	}
	// The token request's timeout too.
	tn.tokenGate = make(chan struct{})
	defer close(tn.tokenGate)
	_, err = tn.client(func(c *Config) { c.Timeout = 100 * time.Millisecond }).Tickets.GetTickets(ctxT(t), GetTicketsParams{})
	if !errors.As(err, &ne) || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "Config.Timeout (100ms)") {
		t.Fatalf("token request: err = %v, want a NetworkError naming Config.Timeout (100ms)", err)
	}
}

// The default logger does not print the errors a call returns (the caller
// has them), but does print what the caller cannot see otherwise: retries
// and values kept raw.
func TestDefaultLoggerLogsNoReturnedErrors(t *testing.T) {
	t.Setenv("HALO_PSA_DEBUG", "")
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	stderr := os.Stderr
	os.Stderr = f
	defer func() { os.Stderr = stderr }()
	calls := 0
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		switch calls {
		case 1:
			writeJSON(w, 503, `{}`)
		case 2:
			writeJSON(w, 200, `{"id":"not a number"}`)
		default:
			resetConn(t, w)
		}
	})
	halo := tn.client(func(c *Config) {
		c.Retry = true
		c.RetryOptions = RetryOptions{Retries: 1, MinTimeout: time.Millisecond}
	})
	if _, err := halo.Tickets.GetTicketsByID(ctxT(t), GetTicketsByIDParams{ID: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := halo.Tickets.PostTickets(ctxT(t), PostTicketsParams{Body: []Faults{{}}}); err == nil {
		t.Fatal("no error from a reset POST")
	}
	os.Stderr = stderr
	f.Seek(0, io.SeekStart)
	out, _ := io.ReadAll(f)
	logs := string(out)
	if strings.Contains(logs, "level=ERROR") || strings.Contains(logs, "reset") {
		t.Errorf("the default logger printed a returned error:\n%s", logs)
	}
	if !strings.Contains(logs, "retrying") || !strings.Contains(logs, "kept raw") {
		t.Errorf("the default logger did not print the retry and the value kept raw:\n%s", logs)
	}
}

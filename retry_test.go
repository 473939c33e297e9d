package halopsa

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// resetConn drops the connection with a TCP RST, so that the client sees
// "connection reset by peer" instead of a response.
func resetConn(t *testing.T, w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// noSleep records backoff waits instead of sleeping.
func noSleep(c *Client) *[]time.Duration {
	var waits []time.Duration
	var mu sync.Mutex
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	c.jitter = func() float64 { return 0 }
	return &waits
}

func TestGetRetriedAfterReset(t *testing.T) {
	var calls atomic.Int64
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			resetConn(t, w)
			return
		}
		writeJSON(w, 200, `{"id":7}`)
	})
	halo := tn.client(func(c *Config) { c.Retry = true })
	waits := noSleep(halo)
	got, err := halo.Tickets.GetTicketsByID(ctxT(t), GetTicketsByIDParams{ID: 7})
	if err != nil {
		t.Fatal(err)
	}
	if *got.ID != 7 || calls.Load() != 3 {
		t.Fatalf("id %v after %d calls", got.ID, calls.Load())
	}
	// net/http itself retries a GET once when a reused connection fails, so
	// the client may see one or two of the resets; its waits must follow
	// the schedule 50ms, 100ms, ...
	want := []time.Duration{50 * time.Millisecond, 100 * time.Millisecond}
	if len(*waits) == 0 || len(*waits) > 2 || (*waits)[0] != want[0] || len(*waits) == 2 && (*waits)[1] != want[1] {
		t.Fatalf("backoff waits = %v, want a prefix of %v", *waits, want)
	}
}

func TestRetriesExhausted(t *testing.T) {
	var calls atomic.Int64
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		resetConn(t, w)
	})
	halo := tn.client(func(c *Config) { c.Retry = true; c.RetryOptions = RetryOptions{Retries: 3} })
	waits := noSleep(halo)
	_, err := halo.Tickets.GetTicketsByID(ctxT(t), GetTicketsByIDParams{ID: 7})
	var ne *NetworkError
	if !errors.As(err, &ne) || ne.Attempts != 4 || len(*waits) != 3 {
		t.Fatalf("err %v, %d waits; want 4 attempts and 3 waits", err, len(*waits))
	}
	if calls.Load() < 4 {
		t.Fatalf("server saw %d requests, want at least 4", calls.Load())
	}
}

func TestResetWithoutRetryIsNetworkError(t *testing.T) {
	var calls atomic.Int64
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		resetConn(t, w)
	})
	halo := tn.client()
	_, err := halo.Tickets.GetTicketsByID(ctxT(t), GetTicketsByIDParams{ID: 7})
	var ne *NetworkError
	if !errors.As(err, &ne) {
		t.Fatalf("err = %T %v, want *NetworkError", err, err)
	}
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("errors.Is(err, ECONNRESET) is false for %v", err)
	}
	if ne.Method != "GET" || !strings.HasSuffix(ne.URL, "/api/Tickets/7") || !ne.MayHaveApplied {
		t.Fatalf("NetworkError fields: %+v", ne)
	}
}

func TestPostNotReplayedAfterBodySent(t *testing.T) {
	var posts atomic.Int64
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		posts.Add(1)
		resetConn(t, w) // Halo may have created the ticket; the response is lost
	})
	halo := tn.client(func(c *Config) { c.Retry = true })
	waits := noSleep(halo)
	_, err := halo.Tickets.PostTickets(ctxT(t), PostTicketsParams{Body: []Faults{{Summary: Ptr("x")}}})
	var ne *NetworkError
	if !errors.As(err, &ne) || !ne.MayHaveApplied {
		t.Fatalf("err = %v, want NetworkError with MayHaveApplied", err)
	}
	if !strings.Contains(err.Error(), "may or may not have applied") {
		t.Fatalf("message %q does not warn the write may have happened", err)
	}
	if posts.Load() != 1 || len(*waits) != 0 {
		t.Fatalf("POST sent %d times with %d retries; want exactly once", posts.Load(), len(*waits))
	}
}

// failingDials makes the first n dials fail as "connection refused": the
// request never reaches the wire.
func failingDials(n int64) (*http.Client, *atomic.Int64) {
	var dials atomic.Int64
	d := &net.Dialer{}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) <= n {
			return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
		}
		return d.DialContext(ctx, network, addr)
	}
	return &http.Client{Transport: tr}, &dials
}

func TestPostRetriedWhenNeverSent(t *testing.T) {
	var posts atomic.Int64
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		writeJSON(w, 200, `{"id":9}`)
	})
	// The token request takes the first dial; the next two (the POST) fail.
	hc, _ := failingDials(0)
	halo := tn.client(func(c *Config) { c.Retry = true; c.HTTPClient = hc })
	noSleep(halo)
	if _, err := halo.Tickets.GetTickets(ctxT(t), GetTicketsParams{}); err == nil {
		t.Log("warm-up call decoded")
	}
	hc.CloseIdleConnections()
	var dials atomic.Int64
	d := &net.Dialer{}
	hc.Transport.(*http.Transport).DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) <= 2 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: syscall.ECONNREFUSED}
		}
		return d.DialContext(ctx, network, addr)
	}
	posts.Store(0)
	got, err := halo.Tickets.PostTickets(ctxT(t), PostTicketsParams{Body: []Faults{{Summary: Ptr("x")}}})
	if err != nil {
		t.Fatal(err)
	}
	if *got.ID != 9 || posts.Load() != 1 || dials.Load() != 3 {
		t.Fatalf("id %v, %d posts, %d dials; want 9, 1, 3", got.ID, posts.Load(), dials.Load())
	}
}

func TestRefusedWithoutRetry(t *testing.T) {
	tn := newTenant(t, okTickets)
	hc, dials := failingDials(1 << 30)
	halo := tn.client(func(c *Config) { c.HTTPClient = hc })
	_, err := halo.Tickets.GetTickets(ctxT(t), GetTicketsParams{})
	// The token request is the first to fail.
	if !errors.Is(err, syscall.ECONNREFUSED) || dials.Load() != 1 {
		t.Fatalf("err = %v after %d dials, want ECONNREFUSED after 1", err, dials.Load())
	}
}

func TestHTTPErrorsRetriedOnlyWhenSafe(t *testing.T) {
	cases := []struct {
		method      string
		status      int
		retry       bool
		wantCalls   int64
		description string
	}{
		{"GET", 400, true, 1, "4xx is never retried"},
		{"GET", 404, true, 1, "4xx is never retried"},
		{"GET", 500, false, 1, "5xx needs Retry"},
		{"GET", 500, true, 3, "5xx on an idempotent method is retried"},
		{"GET", 503, true, 3, "5xx on an idempotent method is retried"},
		{"DELETE", 502, true, 3, "DELETE is idempotent"},
		{"POST", 500, true, 1, "a POST may have been applied before the 5xx"},
		{"POST", 503, true, 1, "a POST may have been applied before the 5xx"},
	}
	for _, tc := range cases {
		var calls atomic.Int64
		tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			writeJSON(w, tc.status, `{"message":"nope"}`)
		})
		halo := tn.client(func(c *Config) { c.Retry = tc.retry; c.RetryOptions = RetryOptions{Retries: 2} })
		noSleep(halo)
		var err error
		switch tc.method {
		case "GET":
			_, err = halo.Tickets.GetTicketsByID(ctxT(t), GetTicketsByIDParams{ID: 1})
		case "DELETE":
			_, err = halo.Tickets.DeleteTicketsByID(ctxT(t), DeleteTicketsByIDParams{ID: 1})
		case "POST":
			_, err = halo.Tickets.PostTickets(ctxT(t), PostTicketsParams{Body: []Faults{{}}})
		}
		var ae *APIError
		if !errors.As(err, &ae) || ae.StatusCode != tc.status || calls.Load() != tc.wantCalls {
			t.Errorf("%s %d retry=%v (%s): err %v after %d calls, want %d calls", tc.method, tc.status, tc.retry, tc.description, err, calls.Load(), tc.wantCalls)
		}
	}
}

func TestAPIErrorFields(t *testing.T) {
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, `{"message":"Ticket 42 not found","id":42}`)
	})
	halo := tn.client()
	_, err := halo.Tickets.GetTicketsByID(ctxT(t), GetTicketsByIDParams{ID: 42, Includedetails: Ptr(true)})
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v", err)
	}
	data, _ := ae.Data.(map[string]any)
	if ae.StatusCode != 404 || ae.Status != "404 Not Found" || ae.Method != "GET" ||
		ae.URL != tn.srv.URL+"/api/Tickets/42?includedetails=true" ||
		string(ae.Body) != `{"message":"Ticket 42 not found","id":42}` || data["id"] != 42.0 {
		t.Fatalf("APIError = %+v", ae)
	}
	if want := "halopsa: GET " + ae.URL + ": 404 Not Found: Ticket 42 not found"; err.Error() != want {
		t.Fatalf("Error() = %q, want %q", err, want)
	}
	// A non-JSON body: Data stays nil, the text is still reported.
	tn.setAPI(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(500)
		io.WriteString(w, "<html><body>Runtime Error</body></html>")
	})
	_, err = halo.Tickets.GetTicketsByID(ctxT(t), GetTicketsByIDParams{ID: 42})
	if !errors.As(err, &ae) || ae.Data != nil || ae.StatusCode != 500 || !strings.Contains(err.Error(), "HTML error page") {
		t.Fatalf("html 500: %v (%+v)", err, ae)
	}
}

func TestTimeout(t *testing.T) {
	var calls atomic.Int64
	release := make(chan struct{})
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		io.ReadAll(r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) }) // runs before the server's Close
	halo := tn.client(func(c *Config) { c.Timeout = 100 * time.Millisecond })
	_, err := halo.Tickets.GetTicketsByID(ctxT(t), GetTicketsByIDParams{ID: 1})
	var ne *NetworkError
	if !errors.As(err, &ne) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a NetworkError wrapping DeadlineExceeded", err)
	}
	// With Retry, a timed-out GET is retried; a timed-out POST is not.
	halo = tn.client(func(c *Config) {
		c.Timeout = 100 * time.Millisecond
		c.Retry = true
		c.RetryOptions = RetryOptions{Retries: 2}
	})
	noSleep(halo)
	calls.Store(0)
	halo.Tickets.GetTicketsByID(ctxT(t), GetTicketsByIDParams{ID: 1})
	if calls.Load() != 3 {
		t.Fatalf("timed-out GET tried %d times, want 3", calls.Load())
	}
	calls.Store(0)
	_, err = halo.Tickets.PostTickets(ctxT(t), PostTicketsParams{Body: []Faults{{}}})
	if calls.Load() != 1 || !errors.As(err, &ne) || !ne.MayHaveApplied {
		t.Fatalf("timed-out POST tried %d times (%v), want once", calls.Load(), err)
	}
}

func TestCallerCancellationNotRetried(t *testing.T) {
	var calls atomic.Int64
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		<-r.Context().Done()
	})
	halo := tn.client(func(c *Config) { c.Retry = true })
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	_, err := halo.Tickets.GetTicketsByID(ctx, GetTicketsByIDParams{ID: 1})
	if !errors.Is(err, context.DeadlineExceeded) || calls.Load() != 1 {
		t.Fatalf("err %v after %d calls", err, calls.Load())
	}
}

func TestBackoffCapsAndGrows(t *testing.T) {
	halo, _ := New(Config{CompanyURL: "https://a.halopsa.com", ClientID: "i", ClientSecret: "s",
		RetryOptions: RetryOptions{Retries: 10, MinTimeout: 100 * time.Millisecond, MaxTimeout: time.Second, Factor: 3}})
	want := []time.Duration{100 * time.Millisecond, 300 * time.Millisecond, 900 * time.Millisecond, time.Second, time.Second}
	for i, w := range want {
		if got := retryBackoff(halo.cfg.RetryOptions, i+1, halo.jitter()); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	halo.cfg.RetryOptions.Randomize = true
	halo.jitter = func() float64 { return 0.5 }
	if got := retryBackoff(halo.cfg.RetryOptions, 1, halo.jitter()); got != 150*time.Millisecond {
		t.Errorf("randomized backoff(1) = %v, want 150ms", got)
	}
}

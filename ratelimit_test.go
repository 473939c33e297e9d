package halopsa

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a clock that sleeping advances: time moves only when a
// goroutine sleeps, so waits of minutes take no time and tests stay exact.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// sleepUntil advances the clock to at least now+d as seen by the sleeper.
func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	wake := f.now.Add(d)
	f.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	if wake.After(f.now) {
		f.now = wake
	}
	f.mu.Unlock()
	return nil
}

// SleepUntil advances the clock to at least t.
func (f *fakeClock) SleepUntil(ctx context.Context, t time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	if t.After(f.now) {
		f.now = t
	}
	f.mu.Unlock()
	return nil
}

func (f *fakeClock) install(c *Client) *[]time.Duration {
	var waits []time.Duration
	var mu sync.Mutex
	c.now = f.Now
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return f.Sleep(ctx, d)
	}
	c.jitter = func() float64 { return 0 }
	return &waits
}

func TestRateLimitedWithRetryAfter(t *testing.T) {
	var calls atomic.Int64
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			w.Header().Set("Retry-After", "42")
			writeJSON(w, 429, `{"message":"Too many requests"}`)
			return
		}
		writeJSON(w, 200, `{"id":1}`)
	})
	halo := tn.client() // Retry is off: 429s are retried regardless
	clock := newFakeClock()
	waits := clock.install(halo)
	got, err := halo.Tickets.PostTickets(ctxT(t), PostTicketsParams{Body: []Faults{{Summary: Ptr("x")}}})
	if err != nil {
		t.Fatal(err)
	}
	if *got.ID != 1 || calls.Load() != 3 || len(*waits) != 2 || (*waits)[0] != 42*time.Second || (*waits)[1] != 42*time.Second {
		t.Fatalf("id %v after %d calls, waits %v; want 3 calls and two 42s waits", got.ID, calls.Load(), *waits)
	}
}

func TestRateLimitedWithHTTPDate(t *testing.T) {
	clock := newFakeClock()
	var calls atomic.Int64
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", clock.Now().Add(90*time.Second).UTC().Format(http.TimeFormat))
			writeJSON(w, 429, `{}`)
			return
		}
		okTickets(w, r)
	})
	halo := tn.client()
	waits := clock.install(halo)
	if _, err := halo.Tickets.GetTickets(ctxT(t), GetTicketsParams{}); err != nil {
		t.Fatal(err)
	}
	if len(*waits) != 1 || (*waits)[0] != 90*time.Second {
		t.Fatalf("waits %v, want [1m30s]", *waits)
	}
}

func TestRateLimitedWithoutRetryAfterBacksOff(t *testing.T) {
	var calls atomic.Int64
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 8 {
			writeJSON(w, 429, `{}`)
			return
		}
		okTickets(w, r)
	})
	halo := tn.client()
	waits := clock(t, halo)
	if _, err := halo.Tickets.GetTickets(ctxT(t), GetTicketsParams{}); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{1, 2, 4, 8, 16, 32, 60, 60}
	if len(*waits) != len(want) {
		t.Fatalf("waits %v", *waits)
	}
	for i, w := range want {
		if (*waits)[i] != w*time.Second {
			t.Fatalf("waits %v, want %v seconds", *waits, want)
		}
	}
}

func clock(t *testing.T, c *Client) *[]time.Duration {
	t.Helper()
	return newFakeClock().install(c)
}

func TestRateLimitErrorAfterTheBudget(t *testing.T) {
	var calls atomic.Int64
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", "120")
		writeJSON(w, 429, `{"message":"Too many requests: 300 per 5 minutes"}`)
	})
	halo := tn.client()
	clock(t, halo)
	_, err := halo.Tickets.GetTickets(ctxT(t), GetTicketsParams{})
	var rl *RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("err = %T %v, want *RateLimitError", err, err)
	}
	// 120s waits fit three times in the default 6 minutes; the fourth 429 ends it.
	if rl.RetryAfter != 120*time.Second || rl.Waited != 6*time.Minute || calls.Load() != 4 {
		t.Fatalf("RetryAfter %v, Waited %v, %d calls", rl.RetryAfter, rl.Waited, calls.Load())
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 429 || rl.StatusCode != 429 || ae.Message() != "Too many requests: 300 per 5 minutes" {
		t.Fatalf("errors.As APIError: %v", ae)
	}
	// A negative RateLimitWait returns the first 429 at once.
	calls.Store(0)
	halo = tn.client(func(c *Config) { c.RateLimitWait = -1 })
	clock(t, halo)
	_, err = halo.Tickets.GetTickets(ctxT(t), GetTicketsParams{})
	if !errors.As(err, &rl) || calls.Load() != 1 || rl.Waited != 0 {
		t.Fatalf("err %v after %d calls", err, calls.Load())
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false}, {"abc", 0, false}, {"-3", 0, false}, {"0", 0, true}, {"7", 7 * time.Second, true},
		{"1.5", 1500 * time.Millisecond, true},
		{"Sat, 28 Nov 2026 12:01:00 GMT", time.Minute, true},
		{"Sat, 28 Nov 2026 11:59:00 GMT", 0, true},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestLimiterKeepsGoroutinesUnderTheRate drives the client-side limiter from
// 64 goroutines and checks, on the limiter's own clock, that no window of
// length Per ever holds more than Requests requests, and that the limiter
// does not throttle more than it must.
func TestLimiterKeepsGoroutinesUnderTheRate(t *testing.T) {
	var mu sync.Mutex
	var stamps []time.Time
	clk := newFakeClock()
	var served atomic.Int64
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		okTickets(w, r)
	})
	limit := RateLimit{Requests: 10, Per: 5 * time.Minute}
	halo := tn.client(func(c *Config) { c.RateLimit = limit })
	clk.install(halo)
	// Many goroutines sleep at once: each must wake when its deadline comes,
	// not a full sleep after the clock moved for another one.
	halo.limiter.sleepUntil = clk.SleepUntil
	// The limiter's own record of when it let each request go: the clock
	// jumps when goroutines sleep, so arrival times at the server would not
	// show the order the limiter enforced.
	halo.limiter.acquired = func(at time.Time) {
		mu.Lock()
		stamps = append(stamps, at)
		mu.Unlock()
	}
	const goroutines, each = 64, 3
	var wg sync.WaitGroup
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				if _, err := halo.Tickets.GetTickets(ctxT(t), GetTicketsParams{}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if len(stamps) != goroutines*each || served.Load() != goroutines*each {
		t.Fatalf("%d requests let through, %d served", len(stamps), served.Load())
	}
	sort.Slice(stamps, func(i, j int) bool { return stamps[i].Before(stamps[j]) })
	for i := limit.Requests; i < len(stamps); i++ {
		if d := stamps[i].Sub(stamps[i-limit.Requests]); d < limit.Per {
			t.Fatalf("requests %d and %d are %v apart: %d requests inside one %v window", i-limit.Requests, i, d, limit.Requests+1, limit.Per)
		}
	}
	// 192 requests at 10 per window: the last goes in the 20th window,
	// 19 windows after the first; a limiter throttling more would take longer.
	if span := stamps[len(stamps)-1].Sub(stamps[0]); span < 19*limit.Per || span > 19*limit.Per+time.Second {
		t.Fatalf("192 requests took %v of fake time, want %v", span, 19*limit.Per)
	}
}

func TestLimiterHonoursContext(t *testing.T) {
	l := newWindowLimiter(RateLimit{Requests: 1, Per: time.Hour}, time.Now,
		func(ctx context.Context, t time.Time) error { return sleepCtx(ctx, time.Until(t)) })
	if err := l.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := l.wait(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

// A Retry-After that asks for no wait (or is garbage) must not make a call
// loop: the budget counts time passed, and such answers back off.
func TestRateLimitedWithZeroOrBadRetryAfterEnds(t *testing.T) {
	for _, v := range []string{"0", "NaN", "Inf", "-5", "1e400", "soon"} {
		var calls atomic.Int64
		tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.Header().Set("Retry-After", v)
			writeJSON(w, 429, `{}`)
		})
		halo := tn.client()
		clock(t, halo)
		_, err := halo.Tickets.GetTickets(ctxT(t), GetTicketsParams{})
		var rl *RateLimitError
		if !errors.As(err, &rl) || calls.Load() > 20 || rl.Waited > DefaultRateLimitWait {
			t.Errorf("Retry-After %q: err %v after %d calls", v, err, calls.Load())
		}
	}
}

func TestTokenEndpointRateLimitedIsWaitedOut(t *testing.T) {
	tn := newTenant(t, okTickets)
	var n atomic.Int64
	tn.tokenFail = func(w http.ResponseWriter) bool {
		if n.Add(1) <= 2 {
			writeJSON(w, 429, `{"error":"slow_down"}`)
			return true
		}
		return false
	}
	halo := tn.client()
	waits := clock(t, halo)
	if _, err := halo.Tickets.GetTickets(ctxT(t), GetTicketsParams{}); err != nil {
		t.Fatal(err)
	}
	if tn.tokenReqs.Load() != 3 || len(*waits) != 2 {
		t.Fatalf("%d token requests, waits %v", tn.tokenReqs.Load(), *waits)
	}
}

func TestCancelledWhileRateLimitedIsTheContextError(t *testing.T) {
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		writeJSON(w, 429, `{}`)
	})
	halo := tn.client()
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := halo.Tickets.GetTickets(ctx, GetTicketsParams{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the context's error", err)
	}
}

// A 429 from the token endpoint is waited out as long as its Retry-After asks.
func TestTokenEndpointRetryAfterIsHonoured(t *testing.T) {
	tn := newTenant(t, okTickets)
	var n atomic.Int64
	tn.tokenFail = func(w http.ResponseWriter) bool {
		if n.Add(1) <= 2 {
			w.Header().Set("Retry-After", "17")
			writeJSON(w, 429, `{"error":"slow_down"}`)
			return true
		}
		return false
	}
	halo := tn.client()
	waits := clock(t, halo)
	if _, err := halo.Tickets.GetTickets(ctxT(t), GetTicketsParams{}); err != nil {
		t.Fatal(err)
	}
	if tn.tokenReqs.Load() != 3 || len(*waits) != 2 || (*waits)[0] != 17*time.Second || (*waits)[1] != 17*time.Second {
		t.Fatalf("%d token requests, waits %v; want 3 and two 17s waits", tn.tokenReqs.Load(), *waits)
	}
}

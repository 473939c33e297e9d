package halopsa

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// RateLimit is a client-side request budget: at most Requests requests in
// any window of length Per, shared by every goroutine using the Client.
// Hosted Halo allows 300 requests per rolling 5 minutes; staying under it
// is cheaper than being answered 429.
type RateLimit struct {
	Requests int
	Per      time.Duration
}

// DefaultRateLimitWait is how long, in all, a call waits out 429 answers
// before giving up with a *RateLimitError: long enough for Halo's rolling
// 5-minute window to move on.
const DefaultRateLimitWait = 6 * time.Minute

// RateLimitError is a 429 Too Many Requests that outlasted the client's
// patience (Config.RateLimitWait). It wraps the last 429 as an *APIError.
type RateLimitError struct {
	*APIError
	// RetryAfter is what Halo's last Retry-After asked for; 0 if it did not say.
	RetryAfter time.Duration
	// Waited is the time spent waiting on 429s before giving up.
	Waited time.Duration
}

func (e *RateLimitError) Error() string {
	var b strings.Builder
	b.WriteString(e.APIError.Error())
	b.WriteString(" (rate limited; waited ")
	b.WriteString(e.Waited.Round(time.Millisecond).String())
	if e.RetryAfter > 0 {
		b.WriteString(", Halo asks to retry after ")
		b.WriteString(e.RetryAfter.String())
	}
	b.WriteString(")")
	return b.String()
}

// Unwrap makes errors.As(err, &apiErr) find the 429 itself.
func (e *RateLimitError) Unwrap() error { return e.APIError }

// maxRetryAfter bounds what a Retry-After is taken to ask for.
const maxRetryAfter = 24 * time.Hour

// parseRetryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		switch {
		case !(n >= 0) || math.IsInf(n, 0): // negative, NaN, infinite
			return 0, false
		case n > maxRetryAfter.Seconds(): // beyond any budget; and no overflow
			return maxRetryAfter, true
		}
		return time.Duration(n * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := min(max(t.Sub(now), 0), maxRetryAfter)
		return d, true
	}
	return 0, false
}

// windowLimiter allows at most n acquisitions in any window of length per:
// an exact sliding window over the last n acquisition times, so that a
// burst at the start of a window cannot exceed the limit as a token
// bucket's would.
type windowLimiter struct {
	n   int
	per time.Duration
	now func() time.Time
	// sleepUntil takes a deadline, not a duration: a duration computed
	// before the sleep starts would move the wake-up later by however long
	// the goroutine took to get there.
	sleepUntil func(ctx context.Context, t time.Time) error

	mu    sync.Mutex
	times []time.Time // ring of the last n acquisitions
	next  int

	acquired func(time.Time) // test hook: called, under the lock, for each acquisition
}

func newWindowLimiter(l RateLimit, now func() time.Time, sleepUntil func(context.Context, time.Time) error) *windowLimiter {
	// The ring grows as requests come, up to Requests entries.
	return &windowLimiter{n: l.Requests, per: l.Per, now: now, sleepUntil: sleepUntil, times: make([]time.Time, 0, min(l.Requests, 1024))}
}

// wait blocks until a request may go, and counts it.
func (l *windowLimiter) wait(ctx context.Context) error {
	for {
		l.mu.Lock()
		now := l.now()
		if len(l.times) < l.n {
			l.times = append(l.times, now)
			l.took(now)
			return nil
		}
		oldest := l.times[l.next]
		free := oldest.Add(l.per) // when the oldest request leaves the window
		if !free.After(now) {
			l.times[l.next] = now
			l.next = (l.next + 1) % l.n
			l.took(now)
			return nil
		}
		l.mu.Unlock()
		if err := l.sleepUntil(ctx, free); err != nil {
			return err
		}
	}
}

func (l *windowLimiter) took(t time.Time) {
	if l.acquired != nil {
		l.acquired(t)
	}
	l.mu.Unlock()
}

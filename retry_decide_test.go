package halopsa

import (
	"testing"
	"time"
)

// TestDecideEveryOutcome holds the README's Retries table: every kind of
// outcome, for an idempotent method and a POST, with retries left and
// without.
func TestDecideEveryOutcome(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	opts := RetryOptions{Retries: 2, MinTimeout: 100 * time.Millisecond, MaxTimeout: 5 * time.Second, Factor: 2}
	get := retryPolicy{retries: 2, idempotent: true, backoff: opts, rateLimitWait: time.Minute}
	post := get
	post.idempotent = false
	noRetry := get
	noRetry.retries = 0
	once := post // an upload from an io.Reader that is not an io.Seeker
	once.bodyOnce = true
	first := retryState{attempt: 1}
	second := retryState{attempt: 2}
	last := retryState{attempt: 3} // Retries: 2 are used up
	replayed := retryState{attempt: 1, replayed: true}
	limited := retryState{attempt: 1, limited: 2, limitedSince: t0.Add(-50 * time.Second)}

	refused := outcome{stage: stageNetwork, transient: true, at: t0}
	reset := outcome{stage: stageNetwork, transient: true, sent: true, at: t0}
	badCert := outcome{stage: stageNetwork, at: t0}
	canceled := outcome{stage: stageNetwork, transient: true, sent: true, canceled: true, at: t0}
	answer := func(status int) outcome { return outcome{stage: stageAnswered, status: status, at: t0} }
	after := func(o outcome, d time.Duration) outcome { o.retryAfter, o.hasRetryAfter = d, true; return o }
	token := func(status int, transient bool) outcome {
		return outcome{stage: stageToken, status: status, transient: transient, at: t0}
	}
	bodyRead := func(o outcome) outcome { o.bodyUsed = true; return o }
	tooLarge := func(o outcome) outcome { o.tooLarge = true; return o }

	type want struct {
		retry, counts, newToken, rateLimited, notRewindable bool
		wait                                                time.Duration
		next                                                retryState
	}
	stop := func(s retryState) want { return want{next: s} }
	backoff := func(s retryState, wait time.Duration) want {
		n := s
		n.attempt++
		return want{retry: true, counts: true, wait: wait, next: n}
	}
	cases := []struct {
		name string
		p    retryPolicy
		s    retryState
		o    outcome
		want want
	}{
		{"2xx", get, first, answer(200), stop(first)},
		{"4xx", get, first, answer(404), stop(first)},
		{"could not connect: GET", get, first, refused, backoff(first, 100*time.Millisecond)},
		{"could not connect: POST", post, first, refused, backoff(first, 100*time.Millisecond)},
		{"could not connect: second retry waits longer", get, second, refused, backoff(second, 200*time.Millisecond)},
		{"could not connect: retries used up", get, last, refused, stop(last)},
		{"could not connect: Retry off", noRetry, first, refused, stop(first)},
		{"reset after sending: GET", get, first, reset, backoff(first, 100*time.Millisecond)},
		{"reset after sending: POST", post, first, reset, stop(first)},
		{"a failure that repeats (certificate)", get, first, badCert, stop(first)},
		{"the caller's context", get, first, canceled, stop(first)},
		{"the caller's context, on a 429", get, first, outcome{stage: stageAnswered, status: 429, canceled: true, at: t0}, stop(first)},
		{"5xx: GET", get, first, answer(503), backoff(first, 100*time.Millisecond)},
		{"5xx: GET, Retry-After longer than the backoff", get, first, after(answer(503), 3*time.Second), backoff(first, 3*time.Second)},
		{"5xx: GET, Retry-After beyond MaxTimeout", get, first, after(answer(503), time.Hour), backoff(first, 5*time.Second)},
		{"5xx: GET, Retry-After shorter than the backoff", get, first, after(answer(503), time.Millisecond), backoff(first, 100*time.Millisecond)},
		{"5xx: POST", post, first, answer(500), stop(first)},
		{"5xx: retries used up", get, last, answer(500), stop(last)},
		{"5xx: Retry off", noRetry, first, answer(500), stop(first)},
		{"401: replayed with a new token, any method", post, first, answer(401),
			want{retry: true, newToken: true, next: retryState{attempt: 1, replayed: true}}},
		{"401: replayed even without Retry", noRetry, last, answer(401),
			want{retry: true, newToken: true, next: retryState{attempt: 3, replayed: true}}},
		{"401 again", get, replayed, answer(401), stop(replayed)},
		{"429 with Retry-After, any method, Retry off", post, first, after(answer(429), 42*time.Second),
			want{retry: true, wait: 42 * time.Second, next: retryState{attempt: 1, limited: 1, limitedSince: t0}}},
		{"429 without Retry-After: backoff from 1s", noRetry, first, answer(429),
			want{retry: true, wait: time.Second, next: retryState{attempt: 1, limited: 1, limitedSince: t0}}},
		{"429 with Retry-After: 0 backs off", get, first, after(answer(429), 0),
			want{retry: true, wait: time.Second, next: retryState{attempt: 1, limited: 1, limitedSince: t0}}},
		{"third 429: backoff 4s, within the budget", get, limited, answer(429),
			want{retry: true, wait: 4 * time.Second, next: retryState{attempt: 1, limited: 3, limitedSince: limited.limitedSince}}},
		{"429 beyond the budget", get, limited, after(answer(429), 11*time.Second),
			want{rateLimited: true, next: retryState{attempt: 1, limited: 3, limitedSince: limited.limitedSince}}},
		{"429 with RateLimitWait negative", retryPolicy{rateLimitWait: -1}, first, after(answer(429), time.Second),
			want{rateLimited: true, next: retryState{attempt: 1, limited: 1, limitedSince: t0}}},
		{"token endpoint 429, Retry-After honoured", noRetry, first, after(token(429, false), 17*time.Second),
			want{retry: true, wait: 17 * time.Second, next: retryState{attempt: 1, limited: 1, limitedSince: t0}}},
		{"token endpoint unreachable", get, first, token(0, true), backoff(first, 100*time.Millisecond)},
		{"token endpoint unreachable, for a POST (nothing reached Halo)", post, first, token(0, true), backoff(first, 100*time.Millisecond)},
		{"token endpoint unreachable: Retry off", noRetry, first, token(0, true), stop(first)},
		{"token endpoint: a failure that repeats", get, first, token(0, false), stop(first)},
		{"token endpoint 5xx", post, first, token(502, false), backoff(first, 100*time.Millisecond)},
		{"token endpoint 401 (bad credentials)", get, first, token(401, false), stop(first)},
		{"token endpoint 400", get, first, token(400, false), stop(first)},
		{"token endpoint 5xx: retries used up", get, last, token(500, false), stop(last)},

		{"a response over its cap", get, first, tooLarge(answer(200)), stop(first)},
		{"a 5xx over its cap", get, first, tooLarge(answer(503)), stop(first)},
		{"a token response over its cap", get, first, tooLarge(token(0, false)), stop(first)},
		{"the caller's io.Reader or io.Writer failed", get, first, outcome{stage: stageNetwork, transient: true, callerIO: true, at: t0}, stop(first)},
		{"download: reset once bytes reached the io.Writer", get, first, outcome{stage: stageNetwork, transient: true, sent: true, outUsed: true, at: t0}, stop(first)},
		{"download: 429 before any byte reached the io.Writer", get, first, after(answer(429), time.Second),
			want{retry: true, wait: time.Second, next: retryState{attempt: 1, limited: 1, limitedSince: t0}}},
		{"upload that can be rewound: 401 after its body was read", post, first, bodyRead(answer(401)),
			want{retry: true, newToken: true, next: retryState{attempt: 1, replayed: true}}},
		{"upload that cannot be rewound: 401 after its body was read", once, first, bodyRead(answer(401)), want{notRewindable: true, next: first}},
		{"upload that cannot be rewound: 429 after its body was read", once, first, bodyRead(after(answer(429), time.Second)), want{notRewindable: true, next: first}},
		{"upload that cannot be rewound: 401 before its body was read", once, first, answer(401),
			want{retry: true, newToken: true, next: retryState{attempt: 1, replayed: true}}},
		{"upload that cannot be rewound: could not connect", once, first, refused, backoff(first, 100*time.Millisecond)},
		{"upload that cannot be rewound: a 400, not to be sent again anyway", once, first, bodyRead(answer(400)), stop(first)},
	}
	for _, tc := range cases {
		d, next := decide(tc.p, tc.s, tc.o, 0)
		got := want{retry: d.retry, counts: d.counts, newToken: d.newToken, rateLimited: d.rateLimited,
			notRewindable: d.notRewindable, wait: d.wait, next: next}
		if got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, tc.want)
		}
		if d.retry && d.counts != (next.attempt == tc.s.attempt+1) {
			t.Errorf("%s: counts %v but the attempt went from %d to %d", tc.name, d.counts, tc.s.attempt, next.attempt)
		}
		if d.retry && !d.newToken && d.why == "" {
			t.Errorf("%s: a retry with nothing to log", tc.name)
		}
	}
	// Jitter stretches the backoff when Randomize is on, and only then.
	rnd := get
	rnd.backoff.Randomize = true
	if d, _ := decide(rnd, first, refused, 0.5); d.wait != 150*time.Millisecond {
		t.Errorf("randomized wait %v, want 150ms", d.wait)
	}
	if d, _ := decide(get, first, refused, 0.5); d.wait != 100*time.Millisecond {
		t.Errorf("wait without Randomize %v, want 100ms", d.wait)
	}
	// The 429 budget is time passed, which decide reads from the outcomes.
	d, _ := decide(get, limited, outcome{stage: stageAnswered, status: 429, at: t0.Add(30 * time.Second)}, 0)
	if !d.rateLimited || d.waited != 80*time.Second {
		t.Errorf("429 after 80s of 429s: %+v, want the budget spent", d)
	}
}

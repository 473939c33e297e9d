package halopsa

import (
	"net/http"
	"time"
)

// What happens after an attempt is decided here, by decide: a pure
// function of the call's retry policy, what the call has been through and
// what the attempt came to. The loop in state.do sends attempts, asks
// decide, logs, waits and builds errors; it makes no decision of its own.
// The README's Retries table is this file in prose, and
// TestDecideEveryOutcome holds it.

// stage is where an attempt ended.
type stage uint8

const (
	stageToken    stage = iota + 1 // the token request failed: status is the token endpoint's, 0 if it could not be reached
	stageNetwork                   // no complete response from Halo
	stageAnswered                  // Halo answered with status
)

// outcome is what an attempt came to, as far as the decision needs it.
type outcome struct {
	stage     stage
	status    int  // the HTTP status, from Halo or the token endpoint; 0 without one
	sent      bool // stageNetwork: the request may have reached Halo
	transient bool // a network failure another attempt may not meet (see transient)
	// canceled is set when the caller's context ended the attempt (or the
	// wait before it): nothing is worth another try.
	canceled bool
	// retryAfter is what a Retry-After header asked for, when hasRetryAfter.
	retryAfter    time.Duration
	hasRetryAfter bool
	at            time.Time // when the outcome came: the 429 budget counts time passed
	// tooLarge is set when the response passed its cap (Config.MaxResponseBytes,
	// MaxDownloadBytes): another attempt would read the same body.
	tooLarge bool
	// callerIO is set when the caller's io.Reader (an upload) or io.Writer
	// (a download) failed: another attempt would not mend it.
	callerIO bool
	// bodyUsed is set when the attempt read some of a streamed request body
	// (an upload's io.Reader): sending it again needs it rewound.
	bodyUsed bool
	// outUsed is set when the attempt wrote some of the response to the
	// caller's io.Writer (a download): another attempt would write it twice.
	outUsed bool
}

// retryPolicy is what decide knows of the call and the configuration.
type retryPolicy struct {
	retries       int  // network and 5xx retries allowed: RetryOptions.Retries with Config.Retry, else 0
	idempotent    bool // the method may be sent again after it reached Halo
	backoff       RetryOptions
	rateLimitWait time.Duration // Config.RateLimitWait
	// bodyOnce is set when the request body is a stream that cannot be
	// rewound (an upload's io.Reader that is not an io.Seeker).
	bodyOnce bool
}

// retryState is what the call has been through.
type retryState struct {
	attempt      int       // the current attempt, counting from 1; 401 replays and 429 waits do not count
	replayed     bool      // the one replay after a 401 is used
	limited      int       // 429s so far
	limitedSince time.Time // when the first 429 came
}

// decision is what to do after an attempt.
type decision struct {
	retry    bool
	wait     time.Duration // before the next attempt
	counts   bool          // the next attempt counts against Retries
	newToken bool          // drop the token first: Halo rejected it
	why      string        // the warning to log about the retry; none when empty
	// rateLimited ends the call with a *RateLimitError: waiting out this
	// 429 would outlast Config.RateLimitWait.
	rateLimited bool
	waited      time.Duration // time spent on 429s so far (when the outcome is a 429)
	// notRewindable ends the call with ErrBodyNotRewindable: it would be
	// sent again, but its streamed body was partly read and cannot be
	// rewound, and a partial body is never sent.
	notRewindable bool
}

// decide returns what to do after an attempt, and the state the next
// attempt starts from.
func decide(p retryPolicy, s retryState, o outcome, jitter float64) (decision, retryState) {
	if o.canceled || o.tooLarge || o.callerIO {
		return decision{}, s
	}
	d, next := decideAgain(p, s, o, jitter)
	switch {
	case !d.retry:
	case o.outUsed:
		// Part of the response is in the caller's io.Writer, which cannot
		// take it back: the call ends with the attempt's error.
		return decision{}, s
	case o.bodyUsed && p.bodyOnce:
		return decision{notRewindable: true}, s
	}
	return d, next
}

// decideAgain is decide for a call whose body and result can be sent
// and received again.
func decideAgain(p retryPolicy, s retryState, o outcome, jitter float64) (decision, retryState) {
	if o.status == http.StatusTooManyRequests && (o.stage == stageAnswered || o.stage == stageToken) {
		// Not processed: waiting and sending again is safe for any
		// method, and does not use up retries.
		return waitOut429(p, s, o, jitter)
	}
	if o.stage == stageAnswered && o.status == http.StatusUnauthorized && !s.replayed {
		// The token was revoked or expired early: Halo did not process
		// the request, so a replay with a new token is safe for any method.
		s.replayed = true
		return decision{retry: true, newToken: true}, s
	}
	if s.attempt > p.retries {
		return decision{}, s
	}
	var why string
	switch o.stage {
	case stageToken:
		if o.status < 500 && (o.status != 0 || !o.transient) {
			return decision{}, s
		}
		why = "retrying the token request"
	case stageNetwork:
		// A request that reached Halo may have been applied: only an
		// idempotent method is sent again.
		if !o.transient || o.sent && !p.idempotent {
			return decision{}, s
		}
		why = "retrying after a network error"
	case stageAnswered:
		// A 5xx may come after Halo applied the request: the same rule.
		if o.status < 500 || !p.idempotent {
			return decision{}, s
		}
		why = "retrying after a server error"
	default:
		return decision{}, s
	}
	d := decision{retry: true, counts: true, why: why, wait: retryBackoff(p.backoff, s.attempt, jitter)}
	if o.hasRetryAfter && o.retryAfter > d.wait {
		d.wait = min(o.retryAfter, p.backoff.MaxTimeout)
	}
	s.attempt++
	return d, s
}

// waitOut429 decides on a 429 within Config.RateLimitWait, measured as
// time passed, not as the sum of the waits asked for: a server answering
// Retry-After: 0 must not make a call loop forever.
func waitOut429(p retryPolicy, s retryState, o outcome, jitter float64) (decision, retryState) {
	if s.limited == 0 {
		s.limitedSince = o.at
	}
	s.limited++
	waited := o.at.Sub(s.limitedSince)
	wait := o.retryAfter
	if !o.hasRetryAfter || wait <= 0 {
		wait = rateLimitBackoff(s.limited, jitter)
	}
	if p.rateLimitWait < 0 || waited+wait > p.rateLimitWait {
		return decision{rateLimited: true, waited: waited}, s
	}
	return decision{retry: true, wait: wait, why: "rate limited (429); waiting", waited: waited}, s
}

// retryBackoff is the wait before the retry that follows attempt n:
// MinTimeout * Factor^(n-1), times 1+jitter when Randomize is set, capped
// at MaxTimeout.
func retryBackoff(o RetryOptions, n int, jitter float64) time.Duration {
	d := float64(o.MinTimeout)
	for i := 1; i < n; i++ {
		d *= o.Factor
	}
	if o.Randomize {
		d *= 1 + jitter
	}
	if d > float64(o.MaxTimeout) {
		d = float64(o.MaxTimeout)
	}
	return time.Duration(d)
}

// rateLimitBackoff is the wait before retry n of a 429 that did not say
// how long to wait: 1s, 2s, 4s ... up to 60s, with jitter.
func rateLimitBackoff(n int, jitter float64) time.Duration {
	d := time.Second << min(n-1, 6)
	if d > time.Minute {
		d = time.Minute
	}
	return d + time.Duration(jitter*float64(d)/2)
}

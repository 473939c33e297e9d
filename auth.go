package halopsa

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
	"sync"
	"time"
)

// tokenSource fetches and caches one OAuth token per Client: one fetch at
// a time however many goroutines ask, refresh shortly before expiry, and
// dropping a token Halo rejected with 401.
//
// The exchange itself (a client-credentials form POST and its JSON answer)
// is written here rather than taken from golang.org/x/oauth2: that package
// reports failures as text (its body cap, its "missing access_token"), cuts
// bodies over 1 MiB short without saying so, and wanted a transport wrapper
// and context values to be capped. Measured on bench/sizes/onemethod it also
// cost 60 KB of the binary budget (issue 9). Halo's token endpoint takes
// the form fields below and answers JSON; TestTokenExchange* pin both.
type tokenSource struct {
	clientID, clientSecret, tokenURL, scope string

	httpc   *http.Client
	timeout time.Duration
	now     func() time.Time

	mu        sync.Mutex
	tok       *token
	refreshAt time.Time // zero: the token does not expire
	inflight  *tokenFetch
	fetches   int // token requests made, for tests and diagnostics
}

type tokenFetch struct {
	done chan struct{}
	tok  *token
	err  error
}

// token is a fetched access token with its Authorization header value
// built once, not on every request.
type token struct {
	header string
	expiry time.Time // zero: Halo gave no lifetime
}

func newTokenSource(cfg *resolved, httpc *http.Client) *tokenSource {
	return &tokenSource{
		clientID:     cfg.ClientID,
		clientSecret: cfg.ClientSecret,
		tokenURL:     cfg.tokenURL,
		scope:        cfg.Scope,
		httpc:        httpc,
		timeout:      cfg.Timeout,
		now:          time.Now,
	}
}

// token returns a valid token, fetching one if needed. Concurrent callers
// share one fetch; each may give up waiting when its own ctx ends. A
// refresh that fails while the cached token is still valid (it is
// refreshed early) does not fail the call: the cached token serves until
// the refresh, tried again later, succeeds.
func (ts *tokenSource) token(ctx context.Context) (*token, error) {
	ts.mu.Lock()
	cur := ts.tok
	if cur != nil && (ts.refreshAt.IsZero() || ts.now().Before(ts.refreshAt)) {
		ts.mu.Unlock()
		return cur, nil
	}
	f := ts.inflight
	if f == nil {
		f = &tokenFetch{done: make(chan struct{})}
		ts.inflight = f
		ts.fetches++
		// The fetch is shared, so one caller's cancellation must not fail
		// the others: it runs on its own context, bounded by the timeout.
		go ts.fetch(context.WithoutCancel(ctx), f)
	}
	ts.mu.Unlock()
	select {
	case <-f.done:
		if f.err != nil && cur != nil {
			ts.mu.Lock()
			valid := ts.tok == cur && ts.now().Before(cur.expiry)
			ts.mu.Unlock()
			if valid {
				return cur, nil
			}
		}
		return f.tok, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (ts *tokenSource) fetch(ctx context.Context, f *tokenFetch) {
	ctx, cancel := context.WithTimeout(ctx, ts.timeout)
	defer cancel()
	start := ts.now()
	tok, aerr := ts.exchange(ctx)
	if aerr != nil && aerr.StatusCode == 0 && ctx.Err() == context.DeadlineExceeded {
		// ctx has no other deadline: the timeout cut the request.
		aerr.Err = &timeoutError{limit: ts.timeout, err: aerr.Err}
	}
	ts.mu.Lock()
	if aerr == nil {
		ts.tok = tok
		ts.refreshAt = time.Time{}
		if !tok.expiry.IsZero() {
			// Refresh a little before expiry: a quarter of the lifetime,
			// at most 30s, so a request never carries a token that dies in
			// flight.
			early := min(tok.expiry.Sub(start)/4, 30*time.Second)
			ts.refreshAt = tok.expiry.Add(-early)
		}
	} else if now := ts.now(); ts.tok != nil && now.Before(ts.tok.expiry) {
		// A failed refresh of a token that is still valid: the token
		// serves on, and the refresh is tried again after a quarter of
		// the time it has left (at least a second, at least what a 429's
		// Retry-After asks), not by every call; at the latest when it expires.
		left := ts.tok.expiry.Sub(now)
		wait := max(left/4, time.Second)
		if after, ok := parseRetryAfter(aerr.retryAfter, now); ok {
			wait = max(wait, after)
		}
		ts.refreshAt = now.Add(min(wait, left))
	}
	ts.inflight = nil
	ts.mu.Unlock()
	if aerr != nil {
		f.err = aerr
	}
	f.tok = tok
	close(f.done)
}

// exchange makes one client-credentials request. Every failure is an
// *AuthError: StatusCode 0 with Err when no answer arrived, the status and
// what Halo said otherwise, also for a 2xx that holds no token (a proxy's
// login page, a wrong URL).
func (ts *tokenSource) exchange(ctx context.Context) (*token, *AuthError) {
	form := url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {ts.clientID},
		"client_secret": {ts.clientSecret},
	}
	if ts.scope != "" {
		form.Set("scope", ts.scope)
	}
	e := &AuthError{URL: ts.tokenURL}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ts.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		e.Err = err // the URL was checked by Config; this is unreachable in practice
		return nil, e
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := ts.httpc.Do(req)
	if err != nil {
		// *url.Error names only the token URL; the secret is in the body.
		e.Err = err
		return nil, e
	}
	defer resp.Body.Close()
	e.StatusCode, e.Status = resp.StatusCode, resp.Status
	e.retryAfter = resp.Header.Get("Retry-After")
	tooLarge := func() (*token, *AuthError) {
		e.Err = &ResponseTooLargeError{Limit: maxTokenResponse, Method: http.MethodPost, URL: ts.tokenURL, StatusCode: resp.StatusCode}
		e.StatusCode, e.Status = 0, "" // no answer was read
		return nil, e
	}
	if resp.ContentLength > maxTokenResponse {
		return tooLarge() // said up front: nothing is read, and the connection is closed
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxTokenResponse+1))
	if int64(len(body)) > maxTokenResponse {
		return tooLarge()
	}
	if err != nil {
		e.StatusCode, e.Status, e.Err = 0, "", err
		return nil, e
	}
	if resp.StatusCode/100 == 2 && holdsToken(body) {
		// A success the client refuses can still carry a live token: it
		// must not reach an error message or a log.
		e.Description = "the answer was not kept: it holds a token"
	} else {
		e.Body = body
	}
	var ans struct {
		AccessToken string          `json:"access_token"`
		TokenType   string          `json:"token_type"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
		Error       string          `json:"error"`
		Description string          `json:"error_description"`
	}
	if json.Unmarshal(body, &ans) != nil {
		ans.AccessToken = "" // not JSON: an HTML page, a proxy's answer
	}
	if ans.Error != "" {
		e.Code, e.Description = ans.Error, ans.Description
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, e
	}
	if ans.AccessToken == "" {
		if e.Code == "" && e.Description == "" && !looksHTML(body) {
			e.Description = "the answer holds no access_token"
		}
		return nil, e
	}
	if ans.TokenType != "" && !strings.EqualFold(ans.TokenType, "bearer") {
		e.Description = "token_type " + strconv.Quote(clip(ans.TokenType)) + " is not Bearer"
		return nil, e
	}
	tok := &token{header: "Bearer " + ans.AccessToken}
	// expires_in arrives as a number, and from some proxies as a string.
	// A lifetime beyond maxTokenLifetime (too large for a float64 too)
	// would overflow a Duration into the past: it is taken as that
	// maximum. Without a positive lifetime the token serves until Halo
	// answers 401.
	secs, err := strconv.ParseFloat(strings.Trim(string(ans.ExpiresIn), `"`), 64)
	if (err == nil || errors.Is(err, strconv.ErrRange)) && secs > 0 {
		tok.expiry = ts.now().Add(time.Duration(min(secs, maxTokenLifetime.Seconds()) * float64(time.Second)))
	}
	return tok, nil
}

// maxTokenLifetime bounds the lifetime a token answer may claim.
const maxTokenLifetime = 10 * 365 * 24 * time.Hour

// holdsToken reports whether a token endpoint's answer may hold a token:
// it names one, in any case, or has a JSON key that does (encoding/json
// matches keys case-insensitively and unescapes them).
func holdsToken(body []byte) bool {
	if bytes.Contains(bytes.ToLower(body), []byte("token")) {
		return true
	}
	var keys map[string]json.RawMessage
	if json.Unmarshal(body, &keys) == nil {
		for k := range keys {
			if strings.Contains(strings.ToLower(k), "token") {
				return true
			}
		}
	}
	return false
}

// invalidate drops tok if it is still the cached token (Halo answered 401
// to it), so that the next call fetches a new one.
func (ts *tokenSource) invalidate(tok *token) {
	ts.mu.Lock()
	if ts.tok == tok {
		ts.tok = nil
	}
	ts.mu.Unlock()
}

// maxTokenResponse caps the token endpoint's answer. A token response is
// a few KB (a JWT and some fields); the cap is far above that.
const maxTokenResponse = 256 << 10

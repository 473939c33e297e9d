package halopsa

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// tokenSource caches one OAuth token per Client. The OAuth exchange itself
// is golang.org/x/oauth2/clientcredentials; this type adds what Halo needs
// around it: one fetch at a time however many goroutines ask, refresh
// shortly before expiry, and dropping a token Halo rejected with 401.
type tokenSource struct {
	cc      clientcredentials.Config
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
	*oauth2.Token
	header string
}

func newTokenSource(cfg *resolved, httpc *http.Client) *tokenSource {
	return &tokenSource{
		cc: clientcredentials.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			TokenURL:     cfg.tokenURL,
			Scopes:       []string{cfg.Scope},
			// Halo reads the credentials from the form body. Saying so
			// avoids oauth2's probing (a failed request first).
			AuthStyle: oauth2.AuthStyleInParams,
		},
		httpc:   cappedTokenClient(httpc),
		timeout: cfg.Timeout,
		now:     time.Now,
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
			valid := ts.tok == cur && ts.now().Before(cur.Expiry)
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
	ctx = context.WithValue(ctx, oauth2.HTTPClient, ts.httpc)
	capped := new(tokenCap)
	ctx = context.WithValue(ctx, tokenCapKey{}, capped)
	start := ts.now()
	otok, err := ts.cc.Token(ctx)
	switch {
	case err != nil && capped.exceeded.Load():
		// oauth2 quotes the cap's error as text: put the typed one back.
		err = &ResponseTooLargeError{Limit: maxTokenResponse, Method: http.MethodPost, URL: ts.cc.TokenURL,
			StatusCode: int(capped.status.Load())}
	case err != nil && ctx.Err() == context.DeadlineExceeded:
		// ctx has no other deadline: the timeout cut the request.
		err = &timeoutError{limit: ts.timeout, err: err}
	}
	aerr := ts.authError(err)
	var tok *token
	ts.mu.Lock()
	if err == nil {
		tok = &token{Token: otok, header: "Bearer " + otok.AccessToken}
		ts.tok = tok
		ts.refreshAt = time.Time{}
		if !tok.Expiry.IsZero() {
			// Refresh a little before expiry: a quarter of the lifetime,
			// at most 30s, so a request never carries a token that dies in
			// flight.
			early := tok.Expiry.Sub(start) / 4
			if early > 30*time.Second {
				early = 30 * time.Second
			}
			ts.refreshAt = tok.Expiry.Add(-early)
		}
	} else if now := ts.now(); ts.tok != nil && now.Before(ts.tok.Expiry) {
		// A failed refresh of a token that is still valid: the token
		// serves on, and the refresh is tried again after a quarter of
		// the time it has left (at least a second, at least what a 429's
		// Retry-After asks), not by every call; at the latest when it expires.
		wait := max(ts.tok.Expiry.Sub(now)/4, time.Second)
		if after, ok := parseRetryAfter(aerr.retryAfter, now); ok {
			wait = max(wait, after)
		}
		ts.refreshAt = now.Add(min(wait, ts.tok.Expiry.Sub(now)))
	}
	ts.inflight = nil
	ts.mu.Unlock()
	if err != nil {
		f.err = aerr
	}
	f.tok = tok
	close(f.done)
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

// authError turns oauth2's error into an *AuthError. oauth2's own message
// quotes the response body; ours is built from parts that hold no secret.
func (ts *tokenSource) authError(err error) *AuthError {
	if err == nil {
		return nil
	}
	e := &AuthError{URL: ts.cc.TokenURL}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		if re.Response != nil {
			e.StatusCode, e.Status = re.Response.StatusCode, re.Response.Status
			e.retryAfter = re.Response.Header.Get("Retry-After")
		}
		e.Body = re.Body
		e.Code, e.Description = re.ErrorCode, re.ErrorDescription
		return e
	}
	// Transport errors come wrapped in *url.Error, whose text holds only
	// the token URL: safe to keep for errors.Is.
	e.Err = err
	return e
}

// maxTokenResponse caps the token endpoint's answer. A token response is
// a few KB (a JWT and some fields); the cap is far above that, and below
// the 1 MiB golang.org/x/oauth2 reads before it cuts a body short without
// saying so, so that an oversized answer is always reported as such.
const maxTokenResponse = 256 << 10

// tokenCap is how a token request's capped body tells fetch that it went
// over maxTokenResponse: oauth2 reports a failed read as text only.
type tokenCap struct {
	exceeded atomic.Bool
	status   atomic.Int32
}

type tokenCapKey struct{}

// cappedTokenClient returns a copy of c whose transport caps token
// responses at maxTokenResponse, for requests whose context holds a
// *tokenCap.
func cappedTokenClient(c *http.Client) *http.Client {
	cc := *c
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cc.Transport = &tokenCapTransport{base: base}
	return &cc
}

type tokenCapTransport struct{ base http.RoundTripper }

func (t *tokenCapTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	capped, _ := req.Context().Value(tokenCapKey{}).(*tokenCap)
	if err != nil || capped == nil {
		return resp, err
	}
	capped.status.Store(int32(resp.StatusCode))
	if resp.ContentLength > maxTokenResponse {
		// Said up front: nothing is read, and closing the body unread
		// closes the connection.
		resp.Body.Close()
		capped.exceeded.Store(true)
		return nil, errTokenTooLarge
	}
	resp.Body = &cappedBody{ReadCloser: resp.Body, left: maxTokenResponse, capped: capped}
	return resp, nil
}

var errTokenTooLarge = errors.New("halopsa: the token response is too large")

// cappedBody fails a read past its limit, having read at most one byte
// more: the caller closes it, unread, which closes the connection.
type cappedBody struct {
	io.ReadCloser
	left   int64
	capped *tokenCap
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, errTokenTooLarge
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		b.capped.exceeded.Store(true)
		return 0, errTokenTooLarge
	}
	return n, err
}

package halopsa

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Version is this library's version, sent in the User-Agent.
const Version = "0.1.0"

// state is the part of Client that is not generated: configuration, the one
// HTTP client and the one token source every section shares.
type state struct {
	cfg      *resolved
	httpc    *http.Client
	tokens   *tokenSource
	log      *slog.Logger
	ua       string
	uaHeader []string
	sleep    func(ctx context.Context, d time.Duration) error // injectable for tests
	jitter   func() float64                                   // in [0, 1)
	now      func() time.Time
	limiter  *windowLimiter // nil without Config.RateLimit
}

// service is the one value every section points at. It points at state,
// not Client, so that the methods of a section reach the core without
// reaching every other section.
type service struct{ client *state }

// New validates cfg and returns a Client. No network traffic happens until
// the first call.
func New(cfg Config) (*Client, error) {
	r, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	httpc := r.HTTPClient
	if httpc == nil {
		httpc = &http.Client{Transport: http.DefaultTransport}
		if t, ok := http.DefaultTransport.(*http.Transport); ok {
			t = t.Clone()
			// Syncs run many goroutines against one host: keep their
			// connections alive instead of the default 2 idle per host.
			t.MaxIdleConnsPerHost = 64
			httpc.Transport = t
		}
	}
	c := new(Client)
	c.common.client = &c.state
	c.initSections()
	c.state = state{
		cfg:    r,
		httpc:  httpc,
		tokens: newTokenSource(r, httpc),
		log:    newLogger(r),
		ua:     strings.TrimSpace(r.UserAgent + " halopsa-go/" + Version),
		sleep:  sleepCtx,
		jitter: randFloat,
		now:    time.Now,
	}
	c.uaHeader = []string{c.ua}
	if r.RateLimit != (RateLimit{}) {
		// The limiter sleeps through the client's sleep, so that tests
		// can drive it with a fake clock.
		// (The closures capture the state, not the Client: see service.)
		st := &c.state
		c.limiter = newWindowLimiter(r.RateLimit, func() time.Time { return st.now() },
			func(ctx context.Context, t time.Time) error { return st.sleep(ctx, t.Sub(st.now())) })
	}
	return c, nil
}

func newLogger(cfg *resolved) *slog.Logger {
	if cfg.Logger != nil {
		return cfg.Logger
	}
	level := slog.LevelError
	if cfg.Debug || os.Getenv("HALO_PSA_DEBUG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// request is one API call as the generated methods describe it.
type request struct {
	method  string
	path    string // below /api, escaped
	logPath string // logged instead of path when path holds a secret
	query   string // encoded
	body    body
	out     any // model, sliceTarget, *json.RawMessage, *[]byte or any
}

// Do calls an endpoint the generated methods do not cover, with the same
// authentication, retries, logging and errors. path is relative to /api
// ("/Tickets/123"); query may be nil. body, when not nil, is sent as JSON
// (a json.RawMessage or []byte is sent as is). out, when not nil, receives
// the response: a *[]byte gets the raw body, a *json.RawMessage the JSON,
// anything else is decoded (generated models with the client's tolerant
// decoder).
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	r := &request{method: strings.ToUpper(method), path: path, query: query.Encode(), out: out}
	if body != nil {
		r.body = valueBodyT{body}
	}
	if out == nil {
		var discard json.RawMessage
		r.out = &discard
	}
	return c.do(ctx, r)
}

func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// do runs a request: token, attempts with retries, one replay after a 401,
// error mapping and decoding.
func (c *state) do(ctx context.Context, r *request) error {
	var ctype string
	var payload []byte
	if r.body != nil {
		var err error
		ctype, payload, err = r.body.encodeBody()
		if err != nil {
			return err
		}
	}
	u := c.cfg.apiBase + r.path
	if r.query != "" {
		u += "?" + r.query
	}
	// Errors show the URL as logs do: secret path parameters as their
	// template, credential-like query values redacted. Most requests have
	// neither, and show the URL itself.
	shownURL := u
	if r.logPath != "" || hasSensitiveKey(r.query) {
		shownURL = c.cfg.apiBase + c.logPath(r)
	}
	retries := 0
	if c.cfg.Retry {
		retries = c.cfg.RetryOptions.Retries
	}
	replayed := false
	limited := 0             // 429s so far
	var limitStart time.Time // when the first 429 came
	// wait429 waits out a 429 (from the API or the token endpoint) within
	// Config.RateLimitWait, measured as time passed, not as the sum of the
	// waits asked for: a server answering Retry-After: 0 must not make a
	// call loop forever.
	wait429 := func(retryAfter string, apiErr *APIError) error {
		limited++
		if limited == 1 {
			limitStart = c.now()
		}
		waited := c.now().Sub(limitStart)
		after, told := parseRetryAfter(retryAfter, c.now())
		wait := after
		if wait <= 0 {
			wait = c.rateLimitBackoff(limited, c.jitter())
		}
		if c.cfg.RateLimitWait < 0 || waited+wait > c.cfg.RateLimitWait {
			return &RateLimitError{APIError: apiErr, RetryAfter: after, Waited: waited}
		}
		c.log.LogAttrs(ctx, slog.LevelWarn, "halopsa: rate limited (429); waiting",
			slog.String("method", r.method), slog.String("path", c.logPath(r)),
			slog.Duration("wait", wait), slog.Bool("retry_after", told), slog.Duration("waited", waited))
		if err := c.sleep(ctx, wait); err != nil {
			return fmt.Errorf("halopsa: %s %s: waiting out a 429: %w", r.method, shownURL, err)
		}
		return nil
	}
	for attempt := 1; ; attempt++ {
		if c.limiter != nil {
			if err := c.limiter.wait(ctx); err != nil {
				return err
			}
		}
		tok, err := c.tokens.token(ctx)
		if err != nil {
			// The token request is retried like the call itself: a 429
			// always, a network failure or a 5xx when Retry is on.
			var ae *AuthError
			if !errors.As(err, &ae) || ctx.Err() != nil {
				return err
			}
			switch {
			case ae.StatusCode == http.StatusTooManyRequests:
				if werr := wait429("", &APIError{StatusCode: ae.StatusCode, Status: ae.Status, Method: http.MethodPost, URL: ae.URL, Body: ae.Body}); werr != nil {
					return werr
				}
				attempt--
				continue
			case attempt <= retries && (ae.StatusCode >= 500 || ae.StatusCode == 0 && transient(ae.Err)):
				wait := c.backoff(attempt)
				c.log.LogAttrs(ctx, slog.LevelWarn, "halopsa: retrying the token request",
					slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.String("error", err.Error()))
				if c.sleep(ctx, wait) != nil {
					return err
				}
				continue
			}
			return err
		}
		res, err := c.attempt(ctx, r, u, ctype, payload, tok, attempt)
		if err != nil {
			ne := &NetworkError{Method: r.method, URL: shownURL, Attempts: attempt, MayHaveApplied: res.sent, Err: err}
			if attempt <= retries && c.retryable(ctx, r.method, res.sent, err) {
				wait := c.backoff(attempt)
				c.log.LogAttrs(ctx, slog.LevelWarn, "halopsa: retrying after a network error",
					slog.String("method", r.method), slog.String("path", c.logPath(r)),
					slog.Int("attempt", attempt), slog.Duration("wait", wait), slog.String("error", err.Error()))
				if c.sleep(ctx, wait) != nil {
					return ne
				}
				continue
			}
			if ctx.Err() == nil { // the caller's own cancellation is not a failure to report
				c.log.LogAttrs(ctx, slog.LevelError, "halopsa: request failed", slog.String("method", r.method),
					slog.String("path", c.logPath(r)), slog.Int("attempt", attempt), slog.String("error", err.Error()))
			}
			return ne
		}
		switch {
		case res.status == http.StatusUnauthorized && !replayed:
			// The token was revoked or expired early: fetch a new one and
			// replay once. Halo did not process the request, so this is
			// safe for any method.
			putBody(res.buf)
			c.tokens.invalidate(tok)
			replayed = true
			attempt--
			continue
		case res.status == http.StatusTooManyRequests:
			// Halo did not process the request: waiting and sending it
			// again is safe for any method, and does not use up retries.
			apiErr := newAPIError(r.method, shownURL, res.status, res.statusText, res.body)
			putBody(res.buf)
			if err := wait429(res.retryAfter, apiErr); err != nil {
				return err
			}
			attempt--
			continue
		case res.status >= 500 && attempt <= retries && idempotent(r.method):
			// A 5xx may come after Halo applied the request: only methods
			// that are safe to repeat are retried, and only with Retry.
			wait := c.backoff(attempt)
			if after, ok := parseRetryAfter(res.retryAfter, c.now()); ok && after > wait {
				wait = min(after, c.cfg.RetryOptions.MaxTimeout)
			}
			c.log.LogAttrs(ctx, slog.LevelWarn, "halopsa: retrying after a server error",
				slog.String("method", r.method), slog.String("path", c.logPath(r)),
				slog.Int("status", res.status), slog.Int("attempt", attempt), slog.Duration("wait", wait))
			if c.sleep(ctx, wait) == nil {
				putBody(res.buf)
				continue
			}
		}
		if res.status < 200 || res.status > 299 {
			err = newAPIError(r.method, shownURL, res.status, res.statusText, res.body)
		} else {
			err = c.decode(ctx, r, shownURL, res)
		}
		putBody(res.buf)
		return err
	}
}

func (c *state) decode(ctx context.Context, r *request, shownURL string, res attemptResult) error {
	if p, ok := r.out.(*[]byte); ok {
		if res.buf.Cap() > maxPooledBody {
			*p = res.body // the buffer does not go back to the pool: hand it over
		} else {
			*p = bytes.Clone(res.body)
		}
		return nil
	}
	issues, err := decodeJSON(res.body, r.out)
	if err != nil {
		return &DecodeError{Method: r.method, URL: shownURL, StatusCode: res.status, Body: bytes.Clone(res.body), Err: err}
	}
	if len(issues) > 0 {
		fields := make([]string, 0, len(issues))
		for _, is := range issues {
			fields = append(fields, is.Field)
		}
		c.log.LogAttrs(ctx, slog.LevelWarn, "halopsa: values kept raw in Extra: they do not fit their field's type",
			slog.String("method", r.method), slog.String("path", c.logPath(r)), slog.Any("fields", fields))
	}
	return nil
}

type attemptResult struct {
	sent       bool // the request was written: Halo may have acted on it
	status     int
	statusText string
	retryAfter string
	body       []byte // the response body; it lives in buf, which do returns to its pool
	buf        *bytes.Buffer
}

// attempt sends the request once and reads the whole response.
func (c *state) attempt(ctx context.Context, r *request, u, ctype string, payload []byte, tok *token, n int) (res attemptResult, err error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	traced := !idempotent(r.method)
	var wrote atomic.Bool // set on the transport's writing goroutine
	if traced {
		// Whether the request reached the wire decides if a failed write
		// may be retried: watch for it. Idempotent methods are retried
		// either way, so they skip the cost.
		trace := &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(true) }}
		ctx = httptrace.WithClientTrace(ctx, trace)
	}
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, rd)
	if err != nil {
		return res, scrub(err)
	}
	req.Header = http.Header{"Authorization": {tok.header}, "Accept": acceptJSON, "User-Agent": c.uaHeader}
	if ctype != "" {
		req.Header["Content-Type"] = []string{ctype}
	}
	start := time.Now()
	resp, err := c.httpc.Do(req)
	if err != nil {
		res.sent = wrote.Load()
		if !traced {
			// Without the trace: anything but a failed dial may have
			// reached the wire.
			res.sent = !dialFailed(err)
		}
		return res, scrub(err)
	}
	defer resp.Body.Close()
	res.status, res.statusText = resp.StatusCode, resp.Status
	res.retryAfter = resp.Header.Get("Retry-After")
	res.buf = getBody(resp.ContentLength)
	_, err = res.buf.ReadFrom(resp.Body)
	res.body = res.buf.Bytes()
	if err != nil {
		// The status line arrived, so Halo processed the request.
		res.sent = true
		return res, scrub(err)
	}
	if c.log.Enabled(ctx, slog.LevelDebug) {
		c.log.LogAttrs(ctx, slog.LevelDebug, "halopsa: request", slog.String("method", r.method),
			slog.String("path", c.logPath(r)), slog.Int("status", res.status),
			slog.Duration("duration", time.Since(start)), slog.Int("attempt", n), slog.Int("bytes", len(res.body)))
	}
	return res, nil
}

// scrub drops the request URL's query from a *url.Error's message while
// keeping the error chain for errors.Is.
func scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// logPath is the path and query as logged: secret path parameters and
// query values that look like credentials are redacted.
func (c *state) logPath(r *request) string {
	p := r.path
	if r.logPath != "" {
		p = r.logPath
	}
	if r.query == "" {
		return p
	}
	return p + "?" + redactQuery(r.query)
}

func redactQuery(q string) string {
	if !hasSensitiveKey(q) {
		return q
	}
	parts := strings.Split(q, "&")
	for i, kv := range parts {
		k, _, _ := strings.Cut(kv, "=")
		if sensitiveKey(k) {
			parts[i] = k + "=REDACTED"
		}
	}
	return strings.Join(parts, "&")
}

// hasSensitiveKey reports whether an encoded query has a key that looks
// like a credential, without allocating.
func hasSensitiveKey(q string) bool {
	for q != "" {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		if k, _, _ := strings.Cut(kv, "="); sensitiveKey(k) {
			return true
		}
	}
	return false
}

func sensitiveKey(k string) bool {
	k = strings.ToLower(k)
	for _, s := range []string{"secret", "token", "password", "apikey", "api_key"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// retryable classifies a network error. A request that never reached the
// wire may be retried whatever its method; one that did only when the
// method is idempotent. The caller's own cancellation is never retried.
func (c *state) retryable(ctx context.Context, method string, sent bool, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if sent && !idempotent(method) {
		return false
	}
	return transient(err)
}

func (c *state) backoff(attempt int) time.Duration {
	o := c.cfg.RetryOptions
	d := float64(o.MinTimeout)
	for i := 1; i < attempt; i++ {
		d *= o.Factor
	}
	if o.Randomize {
		d *= 1 + c.jitter()
	}
	if d > float64(o.MaxTimeout) {
		d = float64(o.MaxTimeout)
	}
	return time.Duration(d)
}

// pathInt and pathStr render path parameters.
func pathInt(v int64) string  { return strconv.FormatInt(v, 10) }
func pathStr(v string) string { return url.PathEscape(v) }

var acceptJSON = []string{"application/json"}

// Response bodies are read into pooled buffers: decoding copies what it
// keeps, so a buffer can serve the next response. Only buffers of single
// records go back to the pool: list pages are big, rarer, and a pool
// keeping them would double the memory a paged walk holds.
var bodyPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledBody = 128 << 10

func getBody(contentLength int64) *bytes.Buffer {
	b := bodyPool.Get().(*bytes.Buffer)
	b.Reset()
	if contentLength > 0 && contentLength < 256<<20 {
		b.Grow(int(contentLength) + bytes.MinRead)
	}
	return b
}

func putBody(b *bytes.Buffer) {
	if b != nil && b.Cap() <= maxPooledBody {
		bodyPool.Put(b)
	}
}

// dialFailed reports a failure to connect: nothing was sent.
func dialFailed(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

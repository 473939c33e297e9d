package halopsa

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
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

// newLogger returns Config.Logger, or the default: warnings to stderr (what
// a caller cannot learn from the results: retries, 429 waits, values kept
// raw), and debug lines with Debug. The client logs no error it returns:
// the caller has it, and would see it twice.
func newLogger(cfg *resolved) *slog.Logger {
	if cfg.Logger != nil {
		return cfg.Logger
	}
	level := slog.LevelWarn
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
	upload  streamedBody // a body streamed from the caller's io.Reader, instead of body
	out     any          // model, sliceTarget, *json.RawMessage, *[]byte, streamedOut or any
	// into receives the answer instead of out when the generated method
	// returns one record: a model stored in an interface keeps its whole
	// method table (every getter's name) and those of the models it holds
	// in the binary. Measured on bench/sizes/onemethod: 70 KB (issue 9's
	// budget); bench/link_test.go checks the getters' names stay out.
	into modelRef
}

// modelRef is a record's address and its decode table.
type modelRef struct {
	p     unsafe.Pointer
	table *decTable
}

// streamedBody is a request body read from the caller as it is sent (an
// upload), and streamedOut a response written to the caller as it arrives
// (a download). They are interfaces so that the code behind them (stream.go)
// is linked only into programs that stream: called directly from attempt,
// it added about 20 KB to a program calling one method (measured with
// bench/sizes/onemethod); bench/link_test.go checks it stays out.
type streamedBody interface {
	newBody(progress func()) attemptBody // what one attempt sends
	length() int64                       // -1 when unknown: sent chunked
	rewindable() bool
	rewind() error // back to where the call began, for the next attempt
}

// attemptBody is one attempt's streamed body, which the transport reads.
type attemptBody interface {
	io.ReadCloser
	// finish closes the body, waits until the transport no longer reads
	// it (or ctx ends), and reports whether the caller's reader was read
	// and how it failed.
	finish(ctx context.Context) (used bool, err error)
}

type streamedOut interface {
	// copyFrom writes a 2xx body to the caller, at most limit bytes (false
	// when it holds more), recording in cr what it wrote and how it failed.
	copyFrom(header http.Header, body io.Reader, limit int64, progress func(), cr *copyResult) (withinLimit bool)
}

// copyResult is what a streamed download wrote and how it failed. It is
// apart from attemptResult so that only downloads pay for its escape
// through the streamedOut interface (an allocation per call).
type copyResult struct {
	written  int64
	writeErr error // the caller's io.Writer failed
	readErr  error // the body could not be read to its end
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

// call is a request ready to send: its body encoded once, so that every
// attempt sends the same bytes, and its URL as sent and as errors show it.
// It holds a copy of the request, not a pointer: escape analysis does not
// tell a struct's fields apart, so a pointer would move every generated
// method's request to the heap (one more allocation per call).
type call struct {
	request
	url      string
	shownURL string // secret path parameters as their template, credential-like query values redacted
	ctype    string
	payload  []byte
}

// do runs a request: attempts until decide says to stop, then the result
// decoded or the error.
func (c *state) do(ctx context.Context, r *request) error {
	var cl call // on the stack: nothing keeps it past the call
	if err := c.newCall(&cl, r); err != nil {
		return err
	}
	p := retryPolicy{idempotent: idempotent(r.method), backoff: c.cfg.RetryOptions, rateLimitWait: c.cfg.RateLimitWait,
		bodyOnce: r.upload != nil && !r.upload.rewindable()}
	if c.cfg.Retry {
		p.retries = c.cfg.RetryOptions.Retries
	}
	s := retryState{attempt: 1}
	for {
		o, res := c.try(ctx, &cl, s.attempt)
		d, next := decide(p, s, o, c.jitter())
		if !d.retry {
			err := c.finish(ctx, &cl, o, res, d, s.attempt)
			putBody(res.buf)
			return err
		}
		if d.why != "" {
			c.logRetry(ctx, &cl, o, res, d, s.attempt)
		}
		if d.newToken {
			c.tokens.invalidate(res.tok)
		}
		if o.bodyUsed {
			if err := cl.upload.rewind(); err != nil {
				last := c.finish(ctx, &cl, o, res, decision{}, s.attempt)
				putBody(res.buf)
				return &callError{method: r.method, url: cl.shownURL, op: notSentAgain(o, res), err: err, last: last}
			}
		}
		if d.wait > 0 {
			if err := c.sleep(ctx, d.wait); err != nil {
				last := c.finish(ctx, &cl, o, res, decision{}, s.attempt)
				putBody(res.buf)
				return &callError{method: r.method, url: cl.shownURL, op: "waiting to retry", err: err, last: last}
			}
		}
		putBody(res.buf)
		s = next
	}
}

func (c *state) newCall(cl *call, r *request) error {
	u := c.cfg.apiBase + r.path
	if r.query != "" {
		u += "?" + r.query
	}
	*cl = call{request: *r, url: u, shownURL: u}
	// Errors show the URL as logs do. Most requests have nothing to hide,
	// and show the URL itself.
	if r.logPath != "" || hasSensitiveKey(r.query) {
		cl.shownURL = c.cfg.apiBase + c.logPath(r)
	}
	if r.upload != nil {
		cl.ctype = "application/json"
	}
	if r.body != nil {
		var err error
		cl.ctype, cl.payload, err = r.body.encodeBody()
		if err != nil {
			return &callError{method: r.method, url: cl.shownURL, op: "encoding the request body", err: err}
		}
	}
	return nil
}

// try makes attempt n: a place under Config.RateLimit, a token, the
// request. It classifies what happened for decide.
func (c *state) try(ctx context.Context, cl *call, n int) (outcome, attemptResult) {
	if c.limiter != nil {
		if err := c.limiter.wait(ctx); err != nil {
			return outcome{canceled: true}, attemptResult{err: err, waiting: "waiting for Config.RateLimit"}
		}
	}
	tok, err := c.tokens.token(ctx)
	if err != nil {
		var ae *AuthError
		if !errors.As(err, &ae) {
			// Only the caller's context ends a wait for a token.
			return outcome{canceled: true}, attemptResult{err: err, waiting: "waiting for a token"}
		}
		var tooLarge *ResponseTooLargeError
		o := outcome{stage: stageToken, status: ae.StatusCode, transient: ae.StatusCode == 0 && transient(ae.Err),
			canceled: ctx.Err() != nil, tooLarge: errors.As(ae, &tooLarge), at: c.now()}
		o.retryAfter, o.hasRetryAfter = parseRetryAfter(ae.retryAfter, o.at)
		return o, attemptResult{err: ae}
	}
	res := c.attempt(ctx, cl, tok, n)
	o := outcome{at: c.now(), tooLarge: res.tooLarge, callerIO: res.bodyErr != nil || res.writeErr != nil,
		bodyUsed: res.bodyUsed, outUsed: res.written > 0}
	if res.err != nil {
		o.stage, o.sent, o.transient, o.canceled = stageNetwork, res.sent, transient(res.err), ctx.Err() != nil
	} else {
		o.stage, o.status = stageAnswered, res.status
		o.retryAfter, o.hasRetryAfter = parseRetryAfter(res.retryAfter, o.at)
	}
	return o, res
}

// finish turns the last attempt into the call's result: nil after decoding
// a 2xx, else the error.
func (c *state) finish(ctx context.Context, cl *call, o outcome, res attemptResult, d decision, attempt int) error {
	switch {
	case res.waiting != "":
		return &callError{method: cl.method, url: cl.shownURL, op: res.waiting, err: res.err}
	case d.notRewindable:
		last := c.finish(ctx, cl, o, res, decision{}, attempt)
		return &callError{method: cl.method, url: cl.shownURL, op: notSentAgain(o, res), err: ErrBodyNotRewindable, last: last}
	case o.tooLarge && o.stage == stageToken:
		return &callError{method: cl.method, url: cl.shownURL, err: res.err}
	case o.tooLarge:
		return res.err // names the call itself
	case res.bodyErr != nil:
		return &callError{method: cl.method, url: cl.shownURL, op: "reading the io.Reader to upload", err: res.bodyErr}
	case res.writeErr != nil:
		return &callError{method: cl.method, url: cl.shownURL,
			op: "writing the download to the io.Writer (" + strconv.FormatInt(res.written, 10) + " bytes written)", err: res.writeErr}
	case o.stage == stageToken:
		if d.rateLimited {
			ae := res.err.(*AuthError)
			apiErr := newAPIError(http.MethodPost, ae.URL, ae.StatusCode, ae.Status, ae.Body)
			return &callError{method: cl.method, url: cl.shownURL,
				err: &RateLimitError{APIError: apiErr, RetryAfter: o.retryAfter, Waited: d.waited}}
		}
		if o.status == 0 {
			// The token endpoint could not be reached: a network failure
			// like any other, and nothing was sent to Halo.
			return &NetworkError{Method: cl.method, URL: cl.shownURL, Attempts: attempt, Err: res.err}
		}
		return &callError{method: cl.method, url: cl.shownURL, err: res.err}
	case o.stage == stageNetwork:
		return &NetworkError{Method: cl.method, URL: cl.shownURL, Attempts: attempt, MayHaveApplied: o.sent, Err: res.err}
	case d.rateLimited:
		apiErr := newAPIError(cl.method, cl.shownURL, res.status, res.statusText, res.body)
		return &RateLimitError{APIError: apiErr, RetryAfter: o.retryAfter, Waited: d.waited}
	case res.status < 200 || res.status > 299:
		return newAPIError(cl.method, cl.shownURL, res.status, res.statusText, res.body)
	}
	return c.decode(ctx, cl, res)
}

// logRetry logs a retry at warn level.
func (c *state) logRetry(ctx context.Context, cl *call, o outcome, res attemptResult, d decision, attempt int) {
	attrs := []slog.Attr{slog.String("method", cl.method), slog.String("path", c.logPath(&cl.request)),
		slog.Int("attempt", attempt), slog.Duration("wait", d.wait)}
	if o.status != 0 {
		attrs = append(attrs, slog.Int("status", o.status))
	}
	if o.status == http.StatusTooManyRequests {
		attrs = append(attrs, slog.Bool("retry_after", o.hasRetryAfter), slog.Duration("waited", d.waited))
	}
	if res.err != nil {
		attrs = append(attrs, slog.String("error", detail(res.err)))
	}
	c.log.LogAttrs(ctx, slog.LevelWarn, "halopsa: "+d.why, attrs...)
}

// notSentAgain says what a call was not sent again after.
func notSentAgain(o outcome, res attemptResult) string {
	if o.stage == stageAnswered {
		return "not sent again after " + res.statusText
	}
	return "not sent again after a network error"
}

func (c *state) decode(ctx context.Context, cl *call, res attemptResult) error {
	if _, ok := cl.out.(streamedOut); ok {
		return nil // written as it arrived
	}
	if p, ok := cl.out.(*[]byte); ok {
		if cap(res.buf.b) > maxPooledBody {
			*p = res.body // the buffer does not go back to the pool: hand it over
		} else {
			*p = bytes.Clone(res.body)
		}
		return nil
	}
	var issues []DecodeIssue
	var err error
	if cl.into.table != nil {
		into := cl.into
		issues, err = decodeWith(res.body, func(d *decoder) error { return decodeTopRecord(d, into.p, into.table, nil) })
	} else {
		issues, err = decodeJSON(res.body, cl.out)
	}
	if err != nil {
		return &DecodeError{Method: cl.method, URL: cl.shownURL, StatusCode: res.status, Body: bytes.Clone(res.body), Err: err}
	}
	if len(issues) > 0 {
		fields := make([]string, 0, len(issues))
		for _, is := range issues {
			fields = append(fields, is.Field)
		}
		c.log.LogAttrs(ctx, slog.LevelWarn, "halopsa: values kept raw in Extra: they do not fit their field's type",
			slog.String("method", cl.method), slog.String("path", c.logPath(&cl.request)), slog.Any("fields", fields))
	}
	return nil
}

// attemptResult is what try learnt beyond the outcome: what finish needs
// to build the result.
type attemptResult struct {
	err     error  // the failure: network, token, or the caller's context
	waiting string // set when the caller's context ended a wait: what the call was waiting for
	tok     *token // the token the request carried

	sent       bool // the request was written: Halo may have acted on it
	status     int
	statusText string
	retryAfter string
	body       []byte // the response body; it lives in buf, which do returns to its pool
	buf        *bodyBuffer

	tooLarge bool  // the body passed its cap: err is the *ResponseTooLargeError
	bodyUsed bool  // some of the upload's io.Reader was read
	bodyErr  error // the upload's io.Reader failed
	written  int64 // bytes of a download written to the caller's io.Writer
	writeErr error // the download's io.Writer failed
}

// attempt sends the request once and reads the whole response (or
// streams it to a download's io.Writer).
func (c *state) attempt(ctx context.Context, cl *call, tok *token, n int) (res attemptResult) {
	res.tok = tok
	dl, _ := cl.out.(streamedOut)
	var actx context.Context
	var stall *stallTimer
	var upBody attemptBody
	if cl.upload != nil || dl != nil {
		// A streamed transfer takes as long as the file needs: Timeout
		// bounds its stalls, not its length.
		var cancel context.CancelCauseFunc
		actx, cancel = context.WithCancelCause(ctx)
		stall = newStallTimer(c.cfg.Timeout, cancel)
		defer func() {
			stall.stop()
			cancel(context.Canceled)
			if upBody != nil {
				res.bodyUsed, res.bodyErr = upBody.finish(ctx)
			}
		}()
	} else {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, c.cfg.Timeout)
		defer cancel()
	}
	defer func() {
		// A cut by Config.Timeout, not by the caller's context: say so.
		if res.err == nil || ctx.Err() != nil {
			return
		}
		if stall != nil && context.Cause(actx) == errStalled {
			res.err = &timeoutError{limit: c.cfg.Timeout, err: res.err, stalled: true}
		} else if stall == nil && actx.Err() == context.DeadlineExceeded {
			res.err = &timeoutError{limit: c.cfg.Timeout, err: res.err}
		}
	}()
	traced := !idempotent(cl.method)
	var wrote atomic.Bool // set on the transport's writing goroutine
	if traced {
		// Whether the request reached the wire decides if a failed write
		// may be retried: watch for it. Idempotent methods are retried
		// either way, so they skip the cost.
		// A request whose writing failed never ended (its body cut short,
		// or its headers): Halo cannot have applied it.
		trace := &httptrace.ClientTrace{WroteRequest: func(w httptrace.WroteRequestInfo) { wrote.Store(w.Err == nil) }}
		actx = httptrace.WithClientTrace(actx, trace)
	}
	var rd io.Reader
	switch {
	case cl.upload != nil:
		upBody = cl.upload.newBody(stall.touch)
		rd = upBody
	case cl.payload != nil:
		rd = bytes.NewReader(cl.payload)
	}
	req, err := http.NewRequestWithContext(actx, cl.method, cl.url, rd)
	if err != nil {
		res.err = scrub(err)
		return res
	}
	if upBody != nil {
		req.ContentLength = cl.upload.length() // -1: unknown, sent chunked
	}
	req.Header = http.Header{"Authorization": {tok.header}, "Accept": acceptJSON, "User-Agent": c.uaHeader}
	if cl.ctype != "" {
		req.Header["Content-Type"] = []string{cl.ctype}
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
		res.err = scrub(err)
		return res
	}
	defer resp.Body.Close()
	res.status, res.statusText = resp.StatusCode, resp.Status
	res.retryAfter = resp.Header.Get("Retry-After")
	// Files (a 2xx into a []byte or an io.Writer) have their own cap.
	limit, setting := c.cfg.MaxResponseBytes, "MaxResponseBytes"
	if res.status >= 200 && res.status <= 299 {
		if _, raw := cl.out.(*[]byte); raw || dl != nil {
			limit, setting = c.cfg.MaxDownloadBytes, "MaxDownloadBytes"
		}
	}
	if resp.ContentLength > limit {
		// Said up front: nothing is read. Closing the body unread closes
		// the connection.
		res.setTooLarge(cl, limit, setting)
		return res
	}
	var size int64
	if dl != nil && res.status >= 200 && res.status <= 299 {
		var cr copyResult
		within := dl.copyFrom(resp.Header, resp.Body, limit, stall.touch, &cr)
		res.written, res.writeErr = cr.written, cr.writeErr
		if cr.readErr != nil {
			// The status line arrived, so Halo processed the request.
			res.sent, res.err = true, scrub(cr.readErr)
		}
		if !within {
			res.setTooLarge(cl, limit, setting)
			return res
		}
		if res.err != nil || res.writeErr != nil {
			return res
		}
		size = res.written
	} else {
		res.buf = getBody(resp.ContentLength)
		complete, err := res.buf.readFrom(resp.Body, limit)
		res.body = res.buf.b
		if !complete {
			res.setTooLarge(cl, limit, setting)
			return res
		}
		if err != nil {
			// The status line arrived, so Halo processed the request.
			res.sent = true
			res.err = scrub(err)
			return res
		}
		size = int64(len(res.body))
	}
	if c.log.Enabled(ctx, slog.LevelDebug) {
		c.log.LogAttrs(ctx, slog.LevelDebug, "halopsa: request", slog.String("method", cl.method),
			slog.String("path", c.logPath(&cl.request)), slog.Int("status", res.status),
			slog.Duration("duration", time.Since(start)), slog.Int("attempt", n), slog.Int64("bytes", size))
	}
	return res
}

// setTooLarge fails the attempt with a *ResponseTooLargeError. The body
// is closed unread (attempt's deferred Close), which closes the
// connection: the rest of a runaway body is never read.
func (res *attemptResult) setTooLarge(cl *call, limit int64, setting string) {
	res.tooLarge = true
	res.err = &ResponseTooLargeError{Limit: limit, Method: cl.method, URL: cl.shownURL, StatusCode: res.status, setting: setting}
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

// pathInt and pathStr render path parameters.
func pathInt(v int64) string  { return strconv.FormatInt(v, 10) }
func pathStr(v string) string { return url.PathEscape(v) }

var acceptJSON = []string{"application/json"}

// Response bodies are read into pooled buffers: decoding copies what it
// keeps, so a buffer can serve the next response. Only buffers of single
// records go back to the pool: list pages are big, rarer, and a pool
// keeping them would double the memory a paged walk holds.
var bodyPool = sync.Pool{New: func() any { return new(bodyBuffer) }}

const maxPooledBody = 128 << 10

// bodyBuffer holds a response body. It is not a bytes.Buffer, whose
// ReadFrom grows its buffer by doubling before every read, the last one
// too: a body of exactly the cap would double the memory to find its end,
// and the cap could not bound the buffer.
type bodyBuffer struct{ b []byte }

func getBody(contentLength int64) *bodyBuffer {
	b := bodyPool.Get().(*bodyBuffer)
	b.b = b.b[:0]
	// One byte more than announced, for the read that finds the end. An
	// announced length is trusted up to maxPreallocated only: a server
	// that announces much and sends nothing must not cost that memory per
	// call. Larger bodies (rarer than Halo's biggest pages) grow as they
	// arrive.
	if contentLength > 0 && contentLength < maxPreallocated && int64(cap(b.b)) <= contentLength {
		b.b = make([]byte, 0, contentLength+1)
	}
	return b
}

const maxPreallocated = 16 << 20

func putBody(b *bodyBuffer) {
	if b != nil && cap(b.b) <= maxPooledBody {
		bodyPool.Put(b)
	}
}

// readFrom reads r to its end into b, unless it holds more than limit
// bytes: then it stops reading, having read at most limit+1 bytes, and
// reports complete false. The buffer grows by doubling, never past
// limit+1, so that memory stays within about twice the cap however much
// the server sends.
func (b *bodyBuffer) readFrom(r io.Reader, limit int64) (complete bool, err error) {
	buf := b.b
	defer func() { b.b = buf }()
	// The most the buffer may hold: limit+1 bytes tell a body over the cap.
	most := math.MaxInt
	if limit < int64(math.MaxInt) {
		most = int(limit) + 1
	}
	for {
		room := min(cap(buf), most)
		if len(buf) == room { // then room < most: grow
			buf = slices.Grow(buf, min(max(cap(buf), 4096), most-cap(buf)))
			room = min(cap(buf), most)
		}
		n, err := r.Read(buf[len(buf):room])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return false, nil
		}
		if err == io.EOF {
			return true, nil
		}
		if err != nil {
			return true, err
		}
	}
}

// dialFailed reports a failure to connect: nothing was sent.
func dialFailed(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

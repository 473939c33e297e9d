package halopsa

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
)

// APIError is a response from Halo with a non-2xx status.
type APIError struct {
	StatusCode int
	Status     string // e.g. "404 Not Found"
	Method     string
	URL        string
	Body       []byte // the response body, as received
	Data       any    // Body parsed as JSON, when it is JSON
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString("halopsa: ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.URL)
	b.WriteString(": ")
	if e.Status != "" {
		b.WriteString(e.Status)
	} else {
		b.WriteString(strconv.Itoa(e.StatusCode))
	}
	if m := e.Message(); m != "" {
		b.WriteString(": ")
		b.WriteString(m)
	}
	return b.String()
}

// Message is Halo's error message from the body, if one can be found.
func (e *APIError) Message() string {
	switch d := e.Data.(type) {
	case string:
		return clip(d)
	case map[string]any:
		for _, k := range []string{"message", "Message", "error_description", "error", "title", "detail"} {
			if s, ok := d[k].(string); ok && s != "" {
				return clip(s)
			}
		}
	}
	if e.Data == nil && len(e.Body) > 0 {
		if looksHTML(e.Body) {
			return "(HTML error page)"
		}
		return clip(string(e.Body))
	}
	return ""
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

func looksHTML(b []byte) bool {
	b = bytes.TrimSpace(b)
	if len(b) > 64 {
		b = b[:64]
	}
	l := bytes.ToLower(b)
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body", "<title"} {
		if bytes.HasPrefix(l, []byte(p)) {
			return true
		}
	}
	return false
}

func newAPIError(method, url string, status int, statusText string, body []byte) *APIError {
	body = bytes.Clone(body) // the caller's buffer goes back to a pool
	e := &APIError{StatusCode: status, Status: statusText, Method: method, URL: url, Body: body}
	var v any
	if len(bytes.TrimSpace(body)) > 0 && json.Unmarshal(body, &v) == nil {
		e.Data = v
	}
	return e
}

// AuthError is a failed token request.
type AuthError struct {
	URL        string // the token endpoint (it holds no secret)
	StatusCode int    // 0 when no response arrived
	Status     string
	Body       []byte
	// Code and Description are the OAuth error fields, when Halo sent them.
	Code, Description string
	Err               error // the underlying error, when no response arrived

	retryAfter string // the response's Retry-After header
}

func (e *AuthError) Error() string {
	var b strings.Builder
	b.WriteString("halopsa: token request to ")
	b.WriteString(e.URL)
	b.WriteString(" failed: ")
	switch {
	case e.StatusCode == 0 && e.Err != nil:
		b.WriteString(detail(e.Err))
	default:
		if e.Status != "" {
			b.WriteString(e.Status)
		} else {
			b.WriteString(strconv.Itoa(e.StatusCode))
		}
		switch {
		case looksHTML(e.Body):
			b.WriteString(": Halo answered with an HTML error page; this usually means the API application's \"Agent to log in as\" is missing or disabled")
		case e.Code != "":
			b.WriteString(": " + e.Code)
			if e.Description != "" {
				b.WriteString(": " + clip(e.Description))
			}
		case e.Description != "":
			b.WriteString(": " + clip(e.Description))
			if len(e.Body) > 0 {
				b.WriteString(": " + clip(string(e.Body)))
			}
		case len(e.Body) > 0:
			b.WriteString(": " + clip(string(e.Body)))
		}
	}
	return b.String()
}

func (e *AuthError) Unwrap() error { return e.Err }

// NetworkError is a request that got no (complete) response, from Halo or
// from the token endpoint (Err is then an *AuthError).
type NetworkError struct {
	Method   string
	URL      string
	Attempts int
	// MayHaveApplied is set when the request reached the wire before the
	// failure: Halo may or may not have applied it. For a POST this is the
	// case the client never retries, because sending it again could create
	// the record twice; check Halo before you retry it yourself.
	MayHaveApplied bool
	Err            error
}

func (e *NetworkError) Error() string {
	var b strings.Builder
	b.WriteString("halopsa: ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.URL)
	b.WriteString(": ")
	b.WriteString(detail(e.Err))
	if e.Attempts > 1 {
		b.WriteString(" (after " + strconv.Itoa(e.Attempts) + " attempts)")
	}
	if e.MayHaveApplied && e.Method != "GET" && e.Method != "HEAD" {
		b.WriteString("; the request was sent, so Halo may or may not have applied it")
	}
	return b.String()
}

func (e *NetworkError) Unwrap() error { return e.Err }

// DecodeError is a 2xx response whose body could not be decoded. The request
// succeeded: for a write, Halo has applied it.
type DecodeError struct {
	Method     string
	URL        string
	StatusCode int
	Body       []byte
	Err        error
}

func (e *DecodeError) Error() string {
	return "halopsa: " + e.Method + " " + e.URL + ": " + strconv.Itoa(e.StatusCode) +
		" response could not be decoded (the request itself succeeded): " + e.Err.Error()
}

func (e *DecodeError) Unwrap() error { return e.Err }

// ParamError is a call with a parameter the client refuses to send.
type ParamError struct {
	Method  string // the Go method, e.g. "GetWebhookByID"
	Field   string
	Problem string
}

func (e *ParamError) Error() string {
	return "halopsa: " + e.Method + ": " + e.Field + " " + e.Problem
}

func errMissingPathParam(method, field string) error {
	return &ParamError{Method: method, Field: field, Problem: "is empty; it is a path parameter"}
}

func errManyRecords(method, many string, n int) error {
	return &ParamError{Method: method, Field: "Body", Problem: "holds " + strconv.Itoa(n) +
		" records: this method returns one record, so Halo's answer would not fit; use " + many + ", which returns them all"}
}

// callError names the call a failure belongs to when the failure does not
// name it itself: the caller's context ending while the call waited, a
// failed token request, a body that could not be encoded. It unwraps to
// the failure, and to the attempt the call was waiting to retry, so that
// errors.Is and errors.As see both.
type callError struct {
	method, url string
	op          string // what the call was doing, e.g. "waiting for a token"; may be empty
	err         error
	last        error // the failed attempt the call was waiting to retry, if any
}

func (e *callError) Error() string {
	var b strings.Builder
	call := e.method + " " + e.url
	b.WriteString("halopsa: " + call + ": ")
	if e.op != "" {
		b.WriteString(e.op + ": ")
	}
	b.WriteString(detail(e.err))
	if e.last != nil {
		b.WriteString("; the last attempt: " + strings.TrimPrefix(detail(e.last), call+": "))
	}
	return b.String()
}

func (e *callError) Unwrap() []error {
	if e.last == nil {
		return []error{e.err}
	}
	return []error{e.err, e.last}
}

// detail is an error's message without the package's prefix, for a
// message that quotes another.
func detail(err error) string { return strings.TrimPrefix(err.Error(), "halopsa: ") }

// timeoutError is an attempt cut by Config.Timeout rather than by the
// caller's context. It matches context.DeadlineExceeded, as the cut did.
type timeoutError struct {
	limit time.Duration
	err   error // what the transport reported
	// stalled: a streamed transfer, which Timeout bounds while it makes
	// no progress rather than as a whole.
	stalled bool
}

func (e *timeoutError) Error() string {
	if e.stalled {
		return "no progress within Config.Timeout (" + e.limit.String() + ")"
	}
	return "no complete response within Config.Timeout (" + e.limit.String() + ")"
}

func (e *timeoutError) Unwrap() error { return e.err }

func (e *timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// Timeout reports true, as net.Error timeouts do.
func (e *timeoutError) Timeout() bool { return true }

// ResponseTooLargeError is a response body larger than the client accepts:
// Config.MaxResponseBytes for JSON (and error) bodies, Config.MaxDownloadBytes
// for files, and a fixed cap for the token endpoint. The client stops
// reading at the limit, while the body arrives, and closes the connection;
// nothing of the body is decoded or returned as if complete. A download
// to an io.Writer has written at most Limit bytes when it fails.
type ResponseTooLargeError struct {
	Limit      int64  // the cap, in bytes
	Method     string // the call's method, e.g. "GET"
	URL        string // the call's URL, as errors show it (credentials redacted)
	StatusCode int    // the response's status

	setting string // the Config field that sets Limit; empty for the token endpoint
}

func (e *ResponseTooLargeError) Error() string {
	var b strings.Builder
	b.WriteString("halopsa: ")
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.URL)
	b.WriteString(": the response body is larger than ")
	if e.setting == "" {
		b.WriteString(formatBytes(e.Limit) + ", the most a token response may be")
		return b.String()
	}
	b.WriteString("Config." + e.setting + " (" + formatBytes(e.Limit) + "); the client stopped reading it. Raise Config." +
		e.setting + " if responses this large are expected")
	return b.String()
}

// formatBytes shows a size in the unit that writes it exactly.
func formatBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	case n == 1:
		return "1 byte"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// ErrBodyNotRewindable is matched (errors.Is) by the error of a call that
// would have been sent again (a 401 that needs a new token, a 429, a
// retry) when its body streams from an io.Reader that was partly read and
// cannot be rewound: it is not an io.Seeker, or its Seek failed. A partial
// body is never sent. The error also unwraps to the last attempt's own
// error (an *APIError, a *NetworkError).
var ErrBodyNotRewindable = errors.New("halopsa: the request body is an io.Reader that was partly read and is not an io.Seeker: it cannot be sent again")

package halopsa

import (
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Config configures a Client. CompanyURL, ClientID and ClientSecret are
// required; everything else has a default.
type Config struct {
	// CompanyURL is your Halo address, e.g. "https://yourcompany.halopsa.com".
	// A trailing "/" or "/api" is removed.
	CompanyURL string
	// ClientID and ClientSecret are the API application's client credentials
	// (Halo: Configuration > Integrations > Halo API > View Applications).
	ClientID     string
	ClientSecret string
	// Scope is the OAuth scope to ask for. Default "all".
	Scope string
	// Tenant is sent as ?tenant= on the token request; hosted Halo needs it
	// when the authorisation server is shared between tenants.
	Tenant string
	// AuthURL is Halo's authorisation server ("https://yourcompany.halopsa.com/auth")
	// or its token endpoint (".../auth/token"). Default CompanyURL + "/auth".
	AuthURL string
	// Timeout bounds each HTTP attempt (including reading the response),
	// and each token request. Default 20s. An attempt it cuts fails with a
	// *NetworkError that names Config.Timeout and matches
	// context.DeadlineExceeded. The streamed transfers (Attachment.Upload,
	// Attachment.Download), which take as long as the file needs, are
	// bounded by it while they make no progress instead: no byte of the
	// file moved, or no answer came, within Timeout. Bound a whole transfer
	// with its context. A Read that blocks in Upload's io.Reader cannot be
	// interrupted: the attempt is cut at Timeout, and the call returns
	// when that Read does, or when its context ends.
	Timeout time.Duration
	// MaxResponseBytes caps the body of a JSON response (and of an error
	// response), checked while it is read: a larger body fails the call
	// with a *ResponseTooLargeError, and the connection is closed, instead
	// of growing memory until Timeout cuts it. Default
	// DefaultMaxResponseBytes; negative means no limit.
	MaxResponseBytes int64
	// MaxDownloadBytes caps a binary response: a file read into a []byte
	// (GetAttachmentByID, Do with a *[]byte) or streamed to an io.Writer
	// (Attachment.Download), checked while it is read, as MaxResponseBytes.
	// Default DefaultMaxDownloadBytes; negative means no limit.
	MaxDownloadBytes int64
	// Retry turns on retrying of connection-level failures; see RetryOptions.
	// A request that may already have reached Halo is only retried when its
	// method is idempotent: a POST is never sent twice.
	Retry bool
	// RetryOptions tune Retry. The zero value means the defaults.
	RetryOptions RetryOptions
	// RateLimit, when set, keeps the client under a request budget
	// (e.g. {Requests: 300, Per: 5 * time.Minute}) shared by all goroutines.
	RateLimit RateLimit
	// RateLimitWait bounds the total time one call waits out 429 answers
	// (honouring Retry-After) before returning a *RateLimitError. Default
	// DefaultRateLimitWait; negative returns the first 429 at once.
	RateLimitWait time.Duration
	// Logger receives request lines (debug level) and what a caller cannot
	// learn from the results (warn level): retries, 429 waits, values kept
	// raw in Extra, paged walks that end early. Errors the client returns
	// are not logged: the caller has them. Default: warnings to stderr, plus
	// debug lines when Debug is set or HALO_PSA_DEBUG is in the
	// environment; slog.New(slog.DiscardHandler) silences it. Secrets are
	// never logged.
	Logger *slog.Logger
	// Debug logs every request with the default logger.
	Debug bool
	// HTTPClient replaces the client's own *http.Client (for proxies, custom
	// TLS, instrumentation). Its Timeout, if any, applies on top of Timeout.
	HTTPClient *http.Client
	// UserAgent is sent on every request, before the library's own token.
	UserAgent string
	// AllowInsecureHTTP permits http:// URLs for hosts that are not
	// loopback. Leave it off: the client secret would cross the network in
	// clear text.
	AllowInsecureHTTP bool
}

// RetryOptions tune retries when Config.Retry is on. The wait before retry
// n (counting from 1) is MinTimeout * Factor^(n-1), times a random factor
// in [1, 2) when Randomize is set, capped at MaxTimeout. Zero fields take
// their defaults; Randomize is only on by default when RetryOptions is
// entirely zero (a bool has no "unset"). Config.Retry = false turns
// retries off.
type RetryOptions struct {
	Retries    int           // retries after the first attempt; default 4
	MinTimeout time.Duration // default 50ms
	MaxTimeout time.Duration // default 20s
	Randomize  bool          // default true (when RetryOptions is zero)
	Factor     float64       // default 2
}

// DefaultRetryOptions are used when Config.RetryOptions is zero.
var DefaultRetryOptions = RetryOptions{Retries: 4, MinTimeout: 50 * time.Millisecond, MaxTimeout: 20 * time.Second, Randomize: true, Factor: 2}

const defaultTimeout = 20 * time.Second

// The default response caps. They are far above any response Halo sends
// (a page of 100 tickets with every detail is a few MB; an unpaged list
// of a large tenant's assets some tens of MB; Halo's own upload limit
// keeps files well under 2 GiB), and low enough that a body that never
// ends (a misbehaving proxy, a URL that serves a stream) fails the call
// before it can exhaust a small container's memory.
const (
	// DefaultMaxResponseBytes is Config.MaxResponseBytes when it is 0: 256 MiB.
	DefaultMaxResponseBytes int64 = 256 << 20
	// DefaultMaxDownloadBytes is Config.MaxDownloadBytes when it is 0: 2 GiB.
	DefaultMaxDownloadBytes int64 = 2 << 30
)

// ConfigError reports an invalid Config field.
type ConfigError struct {
	Field   string
	Problem string
}

func (e *ConfigError) Error() string {
	return "halopsa: Config." + e.Field + ": " + e.Problem
}

// resolved is a validated Config with defaults applied.
type resolved struct {
	Config
	apiBase  string // https://host/api
	tokenURL string
}

func (cfg Config) resolve() (*resolved, error) {
	r := &resolved{Config: cfg}
	if strings.TrimSpace(cfg.CompanyURL) == "" {
		return nil, &ConfigError{"CompanyURL", "required (e.g. https://yourcompany.halopsa.com)"}
	}
	base, err := checkURL("CompanyURL", cfg.CompanyURL, cfg.AllowInsecureHTTP)
	if err != nil {
		return nil, err
	}
	base.Path = strings.TrimRight(base.Path, "/")
	base.Path = strings.TrimSuffix(base.Path, "/api")
	base.Path = strings.TrimRight(base.Path, "/")
	base.RawQuery, base.Fragment = "", ""
	r.CompanyURL = base.String()
	r.apiBase = r.CompanyURL + "/api"

	switch {
	case cfg.ClientID == "":
		return nil, &ConfigError{"ClientID", "required"}
	case cfg.ClientSecret == "":
		return nil, &ConfigError{"ClientSecret", "required"}
	case cfg.Timeout < 0:
		return nil, &ConfigError{"Timeout", "must not be negative"}
	}
	if r.Scope == "" {
		r.Scope = "all"
	}
	if r.Timeout == 0 {
		r.Timeout = defaultTimeout
	}
	// Inside the client "no limit" is the largest int64, so that reads
	// need no special case.
	r.MaxResponseBytes = byteLimit(r.MaxResponseBytes, DefaultMaxResponseBytes)
	r.MaxDownloadBytes = byteLimit(r.MaxDownloadBytes, DefaultMaxDownloadBytes)
	if r.RateLimitWait == 0 {
		r.RateLimitWait = DefaultRateLimitWait
	}
	switch rl := r.RateLimit; {
	case rl.Requests < 0 || rl.Per < 0:
		return nil, &ConfigError{"RateLimit", "must not be negative"}
	case rl != (RateLimit{}) && (rl.Requests == 0 || rl.Per == 0):
		return nil, &ConfigError{"RateLimit", "needs both Requests and Per"}
	}

	auth := r.CompanyURL + "/auth"
	if cfg.AuthURL != "" {
		u, err := checkURL("AuthURL", cfg.AuthURL, cfg.AllowInsecureHTTP)
		if err != nil {
			return nil, err
		}
		u.RawQuery, u.Fragment = "", ""
		auth = strings.TrimRight(u.String(), "/")
	}
	if !strings.HasSuffix(auth, "/token") {
		auth += "/token"
	}
	if cfg.Tenant != "" {
		auth += "?tenant=" + url.QueryEscape(cfg.Tenant)
	}
	r.tokenURL = auth

	if r.RetryOptions == (RetryOptions{}) {
		r.RetryOptions = DefaultRetryOptions
	} else {
		ro := &r.RetryOptions
		switch {
		case ro.Retries < 0:
			return nil, &ConfigError{"RetryOptions.Retries", "must not be negative"}
		case ro.MinTimeout < 0 || ro.MaxTimeout < 0:
			return nil, &ConfigError{"RetryOptions", "timeouts must not be negative"}
		case ro.Factor < 0:
			return nil, &ConfigError{"RetryOptions.Factor", "must not be negative"}
		}
		if ro.Retries == 0 {
			ro.Retries = DefaultRetryOptions.Retries // Retry: false is how to turn retries off
		}
		if ro.MinTimeout == 0 {
			ro.MinTimeout = DefaultRetryOptions.MinTimeout
		}
		if ro.MaxTimeout == 0 {
			ro.MaxTimeout = DefaultRetryOptions.MaxTimeout
		}
		if ro.Factor == 0 {
			ro.Factor = DefaultRetryOptions.Factor
		}
		if ro.MaxTimeout < ro.MinTimeout {
			return nil, &ConfigError{"RetryOptions.MaxTimeout", "is less than MinTimeout"}
		}
	}
	return r, nil
}

// byteLimit applies a cap's default (for 0) and turns "no limit"
// (negative) into math.MaxInt64.
func byteLimit(v, def int64) int64 {
	switch {
	case v == 0:
		return def
	case v < 0:
		return math.MaxInt64
	}
	return v
}

// checkURL parses an absolute URL and refuses clear-text HTTP except to
// loopback hosts (tests, the fake tenant) or when explicitly allowed.
func checkURL(field, raw string, allowHTTP bool) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, &ConfigError{field, "not a URL: " + err.Error()}
	}
	if u.Host == "" {
		return nil, &ConfigError{field, "must be an absolute URL with a host, e.g. https://yourcompany.halopsa.com"}
	}
	if u.User != nil {
		return nil, &ConfigError{field, "must not contain user information"}
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !allowHTTP && !isLoopback(u.Hostname()) {
			return nil, &ConfigError{field, "must use https:// (the client secret would travel in clear text); set AllowInsecureHTTP to override"}
		}
	default:
		return nil, &ConfigError{field, "scheme must be https"}
	}
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

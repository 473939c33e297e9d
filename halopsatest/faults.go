package halopsatest

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// FaultKind is a way a request can go wrong.
type FaultKind int

// The faults the server can inject.
const (
	NoFault FaultKind = iota
	// ResetBeforeRead drops the connection (TCP RST) before the request is
	// processed: Halo did nothing.
	ResetBeforeRead
	// ResetAfterApply processes the request, then drops the connection
	// instead of answering: the change is made, the response is lost.
	ResetAfterApply
	// Delay waits Fault.Delay before processing the request.
	Delay
	// RateLimited answers 429 Too Many Requests, with Retry-After when
	// Fault.RetryAfter is set. The request is not processed.
	RateLimited
	// ServerErrorHTML answers 500 with an HTML error page, unprocessed.
	ServerErrorHTML
	// Unavailable answers 503, unprocessed.
	Unavailable
	// MalformedJSON processes the request and answers with its status and a
	// truncated JSON body.
	MalformedJSON
	// TokenFailure makes the token endpoint answer Fault.Status (default
	// 500) with Halo's HTML error page, as when the API application's
	// "Agent to log in as" is missing or disabled.
	TokenFailure
)

var faultNames = map[FaultKind]string{
	NoFault: "none", ResetBeforeRead: "reset before read", ResetAfterApply: "reset after apply",
	Delay: "delay", RateLimited: "429", ServerErrorHTML: "500 HTML", Unavailable: "503",
	MalformedJSON: "malformed JSON", TokenFailure: "token failure",
}

func (k FaultKind) String() string {
	if n, ok := faultNames[k]; ok {
		return n
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// Fault describes requests to disturb and how.
type Fault struct {
	Kind FaultKind
	// Method limits the fault to one HTTP method ("" for any).
	Method string
	// PathPrefix limits the fault to paths starting with it, compared
	// without case ("/api/Tickets"). Empty means every API path, or the
	// token endpoint for TokenFailure.
	PathPrefix string
	// Count is how many requests the fault hits; 0 for no limit.
	Count int
	// Probability, when in (0, 1), makes each matching request hit with that
	// chance, from the server's seeded random source.
	Probability float64
	// Delay is the wait of a Delay fault.
	Delay time.Duration
	// RetryAfter is sent with RateLimited, in seconds (whole seconds when
	// it is a whole number of them, as Halo sends; fractions otherwise, to
	// keep tests fast); 0 sends none.
	RetryAfter time.Duration
	// Status is the status of a TokenFailure (default 500).
	Status int
}

type faultState struct {
	Fault
	left int // remaining hits; -1 unlimited
}

// Inject adds a fault. Faults are tried in the order they were added; the
// first that matches a request hits it.
func (s *Server) Inject(f Fault) {
	left := f.Count
	if left <= 0 {
		left = -1
	}
	s.mu.Lock()
	s.faults = append(s.faults, &faultState{Fault: f, left: left})
	s.mu.Unlock()
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

func (s *Server) takeFault(r *http.Request, tokenEndpoint bool) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	path := strings.ToLower(r.URL.Path)
	for _, f := range s.faults {
		if f.left == 0 || (f.Method != "" && !strings.EqualFold(f.Method, r.Method)) {
			continue
		}
		switch {
		case f.PathPrefix != "":
			if !strings.HasPrefix(path, strings.ToLower(f.PathPrefix)) {
				continue
			}
		case (f.Kind == TokenFailure) != tokenEndpoint:
			continue
		}
		if f.Probability > 0 && f.Probability < 1 && s.rng.Float64() >= f.Probability {
			continue
		}
		if f.left > 0 {
			f.left--
		}
		cp := f.Fault
		return &cp
	}
	return nil
}

// haloErrorPage is the shape of the page Halo's IIS front end returns
// for unhandled errors.
const haloErrorPage = `<!DOCTYPE html>
<html><head><title>Runtime Error</title></head>
<body><h1>Server Error in '/' Application.</h1>
<h2><i>Runtime Error</i></h2>
<p>An application error occurred on the server.</p>
</body></html>`

// applyEarlyFault answers a request without processing it.
func (s *Server) applyEarlyFault(w http.ResponseWriter, f *Fault) int {
	switch f.Kind {
	case ResetBeforeRead, ResetAfterApply:
		resetConnection(w)
		return 0
	case RateLimited:
		if f.RetryAfter > 0 {
			v := strconv.FormatFloat(f.RetryAfter.Seconds(), 'f', -1, 64)
			w.Header().Set("Retry-After", v)
		}
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "Too many requests: 300 requests per rolling 5 minute window"})
		return http.StatusTooManyRequests
	case Unavailable:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "<html><body><h1>503 Service Unavailable</h1></body></html>")
		return http.StatusServiceUnavailable
	case TokenFailure:
		status := f.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		io.WriteString(w, haloErrorPage)
		return status
	default: // ServerErrorHTML, and anything early that is not modelled
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, haloErrorPage)
		return http.StatusInternalServerError
	}
}

// resetConnection drops the connection with a TCP RST.
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

package halopsatest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// controlPrefix is where the control surface lives: outside /api, so that
// no Halo path can clash with it.
const controlPrefix = "/_halopsatest/"

// controlEndpoints lists the control surface, for the 404 of a path that
// is not part of it.
var controlEndpoints = []string{
	"POST /_halopsatest/reset",
	"POST /_halopsatest/faults",
	"DELETE /_halopsatest/faults",
	"GET /_halopsatest/requests",
	"DELETE /_halopsatest/requests",
	"GET /_halopsatest/records/{section}",
	"PUT /_halopsatest/records/{section}",
	"POST /_halopsatest/expire-tokens",
}

// serveControl answers the control surface: the Go methods of Server
// over HTTP, for tests written in other languages. It needs no token and
// its requests are not logged.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, controlPrefix)
	allow := func(methods ...string) bool {
		for _, m := range methods {
			if r.Method == m {
				return true
			}
		}
		w.Header().Set("Allow", strings.Join(methods, ", "))
		controlError(w, http.StatusMethodNotAllowed, "%s %s: use %s", r.Method, r.URL.Path, strings.Join(methods, " or "))
		return false
	}
	switch {
	case rest == "reset":
		if allow(http.MethodPost) {
			s.Reset()
			w.WriteHeader(http.StatusNoContent)
		}
	case rest == "faults":
		if !allow(http.MethodPost, http.MethodDelete) {
			return
		}
		if r.Method == http.MethodDelete {
			s.ClearFaults()
			w.WriteHeader(http.StatusNoContent)
			return
		}
		var f Fault
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err == nil {
			err = json.Unmarshal(body, &f)
		}
		if err == nil {
			err = f.validate()
		}
		if err != nil {
			controlError(w, http.StatusBadRequest, "invalid fault: %v", err)
			return
		}
		s.Inject(f)
		writeJSON(w, http.StatusCreated, f)
	case rest == "requests":
		if !allow(http.MethodGet, http.MethodDelete) {
			return
		}
		if r.Method == http.MethodDelete {
			s.ResetRequests()
			w.WriteHeader(http.StatusNoContent)
			return
		}
		writeJSON(w, http.StatusOK, s.Requests())
	case rest == "expire-tokens":
		if allow(http.MethodPost) {
			s.ExpireTokens()
			w.WriteHeader(http.StatusNoContent)
		}
	case strings.HasPrefix(rest, "records/") && !strings.Contains(rest[len("records/"):], "/") && len(rest) > len("records/"):
		section := rest[len("records/"):]
		if !allow(http.MethodGet, http.MethodPut) {
			return
		}
		if r.Method == http.MethodGet {
			recs := s.Records(section)
			if recs == nil {
				controlError(w, http.StatusNotFound, "section %s keeps no records", section)
				return
			}
			writeJSON(w, http.StatusOK, recs)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 256<<20))
		if err != nil {
			return
		}
		var recs []map[string]any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		err = dec.Decode(&recs)
		if err == nil && dec.Decode(new(json.RawMessage)) != io.EOF {
			err = fmt.Errorf("more than one JSON value")
		}
		if err != nil {
			controlError(w, http.StatusBadRequest, "PUT %s takes a JSON array of records: %v", r.URL.Path, err)
			return
		}
		s.mu.Lock()
		stored, err := s.loadLocked(section, recs)
		s.mu.Unlock()
		switch {
		case err != nil && s.Records(section) == nil:
			controlError(w, http.StatusNotFound, "section %s keeps no records", section)
		case err != nil:
			writeJSON(w, http.StatusBadRequest, map[string]any{"message": err.Error()})
		default:
			if stored == nil {
				stored = []record{}
			}
			writeJSON(w, http.StatusOK, stored)
		}
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{
			"message":   "halopsatest: no control endpoint " + r.Method + " " + r.URL.Path,
			"endpoints": controlEndpoints,
		})
	}
}

func controlError(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, map[string]any{"message": "halopsatest: " + fmt.Sprintf(format, args...)})
}

// ---- JSON forms of the Go types ----

// kindNames are the JSON names of the fault kinds: their Go names.
var kindNames = map[FaultKind]string{
	NoFault: "NoFault", ResetBeforeRead: "ResetBeforeRead", ResetAfterApply: "ResetAfterApply",
	Delay: "Delay", RateLimited: "RateLimited", ServerErrorHTML: "ServerErrorHTML",
	Unavailable: "Unavailable", MalformedJSON: "MalformedJSON", TokenFailure: "TokenFailure",
}

// MarshalText implements encoding.TextMarshaler: a kind is written as its
// Go name ("RateLimited").
func (k FaultKind) MarshalText() ([]byte, error) {
	if n, ok := kindNames[k]; ok {
		return []byte(n), nil
	}
	return nil, fmt.Errorf("halopsatest: unknown FaultKind %d", int(k))
}

// UnmarshalJSON implements json.Unmarshaler. It accepts a kind's Go name,
// in any case ("RateLimited", "ratelimited"), or its number.
func (k *FaultKind) UnmarshalJSON(b []byte) error {
	var name string
	if err := json.Unmarshal(b, &name); err == nil {
		for kind, n := range kindNames {
			if strings.EqualFold(n, name) {
				*k = kind
				return nil
			}
		}
		return fmt.Errorf("unknown fault kind %q (one of %s)", name, kindList())
	}
	var n int
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("a fault kind is a name (one of %s) or a number, not %s", kindList(), b)
	}
	if _, ok := kindNames[FaultKind(n)]; !ok {
		return fmt.Errorf("unknown fault kind %d", n)
	}
	*k = FaultKind(n)
	return nil
}

func kindList() string {
	names := make([]string, 0, len(kindNames))
	for k := FaultKind(1); int(k) < len(kindNames); k++ {
		names = append(names, kindNames[k])
	}
	return strings.Join(names, ", ")
}

// faultJSON is the JSON form of a Fault: its fields under their Go names,
// the durations as Go duration strings ("250ms").
type faultJSON struct {
	Kind        FaultKind
	Method      string       `json:",omitempty"`
	PathPrefix  string       `json:",omitempty"`
	Count       int          `json:",omitempty"`
	Probability float64      `json:",omitempty"`
	Delay       jsonDuration `json:",omitzero"`
	RetryAfter  jsonDuration `json:",omitzero"`
	Status      int          `json:",omitempty"`
}

// MarshalJSON implements json.Marshaler: the fields under their Go names,
// Kind as its Go name and the durations as Go duration strings, e.g.
// {"Kind":"Delay","PathPrefix":"/api/Tickets","Delay":"250ms"}. This is
// the form POST /_halopsatest/faults takes.
func (f Fault) MarshalJSON() ([]byte, error) {
	return marshal(faultJSON{f.Kind, f.Method, f.PathPrefix, f.Count, f.Probability,
		jsonDuration(f.Delay), jsonDuration(f.RetryAfter), f.Status})
}

// UnmarshalJSON implements json.Unmarshaler for the form MarshalJSON
// writes. Field names match without case; durations may also be numbers
// of nanoseconds (as encoding/json writes a time.Duration); unknown
// fields are an error.
func (f *Fault) UnmarshalJSON(b []byte) error {
	var j faultJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return err
	}
	*f = Fault{Kind: j.Kind, Method: j.Method, PathPrefix: j.PathPrefix, Count: j.Count,
		Probability: j.Probability, Delay: time.Duration(j.Delay), RetryAfter: time.Duration(j.RetryAfter), Status: j.Status}
	return nil
}

// validate reports a fault that cannot be injected as given.
func (f Fault) validate() error {
	switch {
	case f.Kind == NoFault:
		return fmt.Errorf("Kind is missing (one of %s)", kindList())
	case f.Count < 0:
		return fmt.Errorf("Count %d is negative", f.Count)
	case f.Probability < 0 || f.Probability > 1:
		return fmt.Errorf("Probability %v is not between 0 and 1", f.Probability)
	case f.Delay < 0 || f.RetryAfter < 0:
		return fmt.Errorf("a negative duration")
	case f.Status != 0 && (f.Status < 100 || f.Status > 599):
		return fmt.Errorf("Status %d is not an HTTP status", f.Status)
	}
	return nil
}

type jsonDuration time.Duration

func (d jsonDuration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

func (d *jsonDuration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		v, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("duration %q: want a Go duration such as \"250ms\" or \"1.5s\"", s)
		}
		*d = jsonDuration(v)
		return nil
	}
	var n int64
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("duration %s: want a string such as \"250ms\" or a number of nanoseconds", b)
	}
	*d = jsonDuration(n)
	return nil
}

// MarshalJSON implements json.Marshaler, for GET /_halopsatest/requests:
// the fields under their Go names, the body as text when it is UTF-8
// (BodyBase64 otherwise), Fault as the kind's Go name (left out when
// none hit the request), and for a body cut short (a large upload's)
// BodyTruncated and BodySize.
func (r Request) MarshalJSON() ([]byte, error) {
	type requestJSON struct {
		Method     string
		Path       string
		Query      string
		Body       *string   `json:",omitempty"`
		BodyBase64 string    `json:",omitempty"`
		Status     int       // 0 when the connection was reset
		Fault      FaultKind `json:",omitzero"`
		// A large upload's body is cut: the size it had.
		BodyTruncated bool `json:",omitempty"`
		BodySize      int  `json:",omitempty"`
	}
	j := requestJSON{Method: r.Method, Path: r.Path, Query: r.Query, Status: r.Status, Fault: r.Fault}
	if r.BodyTruncated {
		j.BodyTruncated, j.BodySize = true, r.BodySize()
	}
	switch {
	case r.Body == nil:
	case utf8.Valid(r.Body):
		s := string(r.Body)
		j.Body = &s
	default:
		j.BodyBase64 = base64.StdEncoding.EncodeToString(r.Body)
	}
	return marshal(j)
}

// marshal is json.Marshal without HTML escaping: a query's & stays &.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

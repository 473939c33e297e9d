package halopsa

import (
	"bytes"
	"errors"
	"io"
	"math"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// endless writes a body that never ends (JSON-looking, so that nothing
// but its size can fail it) until the client goes away, and reports the
// handler's end on done: the client closed the connection.
func endless(contentType string, done chan<- struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			select {
			case done <- struct{}{}:
			default: // a retry's handler: the first end is the one awaited
			}
		}()
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(200)
		io.WriteString(w, `{"id":1,"notes":"`)
		chunk := bytes.Repeat([]byte("x"), 32<<10)
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
}

// peakHeapGrowth runs f and reports how far the heap grew above what it
// held before, sampled every half millisecond (runtime/metrics reads
// without stopping the world).
func peakHeapGrowth(t *testing.T, f func()) uint64 {
	t.Helper()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	base := read()
	var peak atomic.Uint64
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(500 * time.Microsecond)
		defer tick.Stop()
		for {
			peak.Store(max(peak.Load(), read()))
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(stop)
	<-stopped
	peak.Store(max(peak.Load(), read()))
	return peak.Load() - min(peak.Load(), base)
}

// closedPromptly fails the test unless the server saw the connection
// closed soon after the call returned.
func closedPromptly(t *testing.T, done <-chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the server still writes: the client did not close the connection")
	}
}

func wantTooLarge(t *testing.T, err error, limit int64, method, setting string) *ResponseTooLargeError {
	t.Helper()
	var tl *ResponseTooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("err = %T %v, want a *ResponseTooLargeError", err, err)
	}
	if tl.Limit != limit || tl.Method != method || !strings.Contains(tl.URL, "/api/") {
		t.Errorf("Limit %d, Method %q, URL %q; want %d, %s and the call's URL", tl.Limit, tl.Method, tl.URL, limit, method)
	}
	if !strings.Contains(err.Error(), "Config."+setting+" ("+formatBytes(limit)+")") {
		t.Errorf("message %q does not name Config.%s and its value", err, setting)
	}
	if strings.Contains(err.Error(), testSecret) {
		t.Errorf("message %q holds the secret", err)
	}
	return tl
}

func TestEndlessJSONBodyIsTooLarge(t *testing.T) {
	done := make(chan struct{}, 1)
	tn := newTenant(t, endless("application/json", done))
	const limit = 8 << 20
	var requests atomic.Int64
	tn.setAPI(func(w http.ResponseWriter, r *http.Request) { requests.Add(1); endless("application/json", done)(w, r) })
	halo := tn.client(func(c *Config) { c.MaxResponseBytes = limit; c.Retry = true })
	var err error
	growth := peakHeapGrowth(t, func() {
		_, err = halo.Tickets.GetTicketsByID(ctxT(t), GetTicketsByIDParams{ID: 1})
	})
	wantTooLarge(t, err, limit, "GET", "MaxResponseBytes")
	closedPromptly(t, done)
	t.Logf("peak heap growth %.1f MiB, cap %d MiB", float64(growth)/(1<<20), limit>>20)
	// The buffer grows by doubling up to the cap, and no further: well
	// under the default cap, whatever the server sends.
	if growth > 4*limit {
		t.Errorf("the heap grew by %d MiB reading a body capped at %d MiB", growth>>20, limit>>20)
	}
	if n := requests.Load(); n != 1 {
		t.Errorf("%d requests: a response over the cap is not retried", n)
	}
}

func TestEndlessBinaryBodyIsTooLarge(t *testing.T) {
	const limit = 8 << 20
	t.Run("into a []byte", func(t *testing.T) {
		done := make(chan struct{}, 1)
		tn := newTenant(t, endless("application/octet-stream", done))
		// The JSON cap is lower: the binary one applies.
		halo := tn.client(func(c *Config) { c.MaxDownloadBytes = limit; c.MaxResponseBytes = 1 << 20 })
		var got []byte
		var err error
		growth := peakHeapGrowth(t, func() {
			got, err = halo.Attachment.GetAttachmentByID(ctxT(t), GetAttachmentByIDParams{ID: 1})
		})
		wantTooLarge(t, err, limit, "GET", "MaxDownloadBytes")
		closedPromptly(t, done)
		if got != nil {
			t.Errorf("%d bytes returned with the error", len(got))
		}
		if growth > 4*limit {
			t.Errorf("the heap grew by %d MiB reading a body capped at %d MiB", growth>>20, limit>>20)
		}
	})
	t.Run("to an io.Writer", func(t *testing.T) {
		done := make(chan struct{}, 1)
		tn := newTenant(t, endless("application/octet-stream", done))
		halo := tn.client(func(c *Config) { c.MaxDownloadBytes = limit })
		var w countingWriter
		var n int64
		var err error
		growth := peakHeapGrowth(t, func() {
			n, _, err = halo.Attachment.Download(ctxT(t), 1, &w)
		})
		wantTooLarge(t, err, limit, "GET", "MaxDownloadBytes")
		closedPromptly(t, done)
		if n != w.n || n > limit || n < limit-64<<10 {
			t.Errorf("Download reported %d bytes, the writer got %d: want all written up to the cap (%d)", n, w.n, limit)
		}
		if growth > 4<<20 {
			t.Errorf("the heap grew by %d MiB streaming to a writer", growth>>20)
		}
	})
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// fixedBody serves a body of n bytes: a JSON object padded with spaces,
// with or without Content-Length (then chunked).
func fixedBody(n int, withLength bool) http.HandlerFunc {
	body := []byte(`{"id":7}`)
	body = append(body, bytes.Repeat([]byte(" "), n-len(body))...)
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if withLength {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		}
		w.Write(body[:len(body)/2])
		if f, ok := w.(http.Flusher); ok && !withLength {
			f.Flush() // chunked: the client cannot know the length
		}
		w.Write(body[len(body)/2:])
	}
}

func TestBodyAtTheLimit(t *testing.T) {
	const limit = 100_000
	for _, withLength := range []bool{true, false} {
		name := map[bool]string{true: "Content-Length", false: "chunked"}[withLength]
		t.Run(name, func(t *testing.T) {
			tn := newTenant(t, fixedBody(limit, withLength))
			halo := tn.client(func(c *Config) { c.MaxResponseBytes = limit; c.MaxDownloadBytes = limit })
			ctx := ctxT(t)
			rec, err := halo.Tickets.GetTicketsByID(ctx, GetTicketsByIDParams{ID: 1})
			if err != nil || rec.GetID() != 7 {
				t.Fatalf("JSON body of exactly the cap: %v, %v", rec, err)
			}
			raw, err := halo.Attachment.GetAttachmentByID(ctx, GetAttachmentByIDParams{ID: 1})
			if err != nil || len(raw) != limit {
				t.Fatalf("binary body of exactly the cap: %d bytes, %v", len(raw), err)
			}
			var w countingWriter
			if n, _, err := halo.Attachment.Download(ctx, 1, &w); err != nil || n != limit || w.n != limit {
				t.Fatalf("download of exactly the cap: %d bytes (writer %d), %v", n, w.n, err)
			}

			tn.setAPI(fixedBody(limit+1, withLength))
			_, err = halo.Tickets.GetTicketsByID(ctx, GetTicketsByIDParams{ID: 1})
			wantTooLarge(t, err, limit, "GET", "MaxResponseBytes")
			raw, err = halo.Attachment.GetAttachmentByID(ctx, GetAttachmentByIDParams{ID: 1})
			wantTooLarge(t, err, limit, "GET", "MaxDownloadBytes")
			if raw != nil {
				t.Errorf("%d bytes returned with the error", len(raw))
			}
			w = countingWriter{}
			n, _, err := halo.Attachment.Download(ctx, 1, &w)
			wantTooLarge(t, err, limit, "GET", "MaxDownloadBytes")
			if n > limit || n != w.n {
				t.Errorf("download over the cap wrote %d bytes (reported %d)", w.n, n)
			}
			if withLength && n != 0 {
				t.Errorf("download announced over the cap wrote %d bytes: the announcement is enough to refuse it", n)
			}
		})
	}
}

func TestErrorBodiesAreCapped(t *testing.T) {
	done := make(chan struct{}, 1)
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			select {
			case done <- struct{}{}:
			default:
			}
		}()
		w.WriteHeader(500)
		for {
			if _, err := io.WriteString(w, "<html>"+strings.Repeat("error ", 5000)); err != nil {
				return
			}
		}
	})
	halo := tn.client(func(c *Config) { c.MaxResponseBytes = 1 << 20; c.Retry = true })
	_, err := halo.Tickets.GetTicketsByID(ctxT(t), GetTicketsByIDParams{ID: 1})
	tl := wantTooLarge(t, err, 1<<20, "GET", "MaxResponseBytes")
	if tl.StatusCode != 500 {
		t.Errorf("StatusCode %d, want 500", tl.StatusCode)
	}
	closedPromptly(t, done)
}

func TestNoLimit(t *testing.T) {
	tn := newTenant(t, fixedBody(3<<20, false))
	small := tn.client(func(c *Config) { c.MaxResponseBytes = 1 << 20 })
	if _, err := small.Tickets.GetTicketsByID(ctxT(t), GetTicketsByIDParams{ID: 1}); err == nil {
		t.Fatal("a 3 MiB body passed a 1 MiB cap")
	}
	unlimited := tn.client(func(c *Config) { c.MaxResponseBytes = -1 })
	if rec, err := unlimited.Tickets.GetTicketsByID(ctxT(t), GetTicketsByIDParams{ID: 1}); err != nil || rec.GetID() != 7 {
		t.Fatalf("no limit: %v, %v", rec, err)
	}
}

func TestResponseCapDefaults(t *testing.T) {
	cases := []struct{ set, wantJSON, wantBinary int64 }{
		{0, DefaultMaxResponseBytes, DefaultMaxDownloadBytes},
		{-1, math.MaxInt64, math.MaxInt64},
		{12345, 12345, 12345},
	}
	for _, tc := range cases {
		r, err := Config{CompanyURL: "https://x.halopsa.com", ClientID: "a", ClientSecret: "b",
			MaxResponseBytes: tc.set, MaxDownloadBytes: tc.set}.resolve()
		if err != nil {
			t.Fatal(err)
		}
		if r.MaxResponseBytes != tc.wantJSON || r.MaxDownloadBytes != tc.wantBinary {
			t.Errorf("set %d: got %d and %d, want %d and %d", tc.set, r.MaxResponseBytes, r.MaxDownloadBytes, tc.wantJSON, tc.wantBinary)
		}
	}
}

func TestTokenResponseIsCapped(t *testing.T) {
	tokenBody := func(n int) []byte {
		b := []byte(`{"access_token":"tok-big","token_type":"Bearer","expires_in":3600}`)
		return append(b, bytes.Repeat([]byte(" "), n-len(b))...)
	}
	cases := []struct {
		name string
		fail func(w http.ResponseWriter) bool
		ok   bool
	}{
		{"endless", func(w http.ResponseWriter) bool {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"access_token":"`)
			for {
				if _, err := w.Write(bytes.Repeat([]byte("x"), 32<<10)); err != nil {
					return true
				}
			}
		}, false},
		{"announced too large", func(w http.ResponseWriter) bool {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(maxTokenResponse+1))
			w.Write(tokenBody(maxTokenResponse + 1))
			return true
		}, false},
		{"one byte over, chunked", func(w http.ResponseWriter) bool {
			w.Header().Set("Content-Type", "application/json")
			b := tokenBody(maxTokenResponse + 1)
			w.Write(b[:10])
			w.(http.Flusher).Flush()
			w.Write(b[10:])
			return true
		}, false},
		{"exactly at the cap, chunked", func(w http.ResponseWriter) bool {
			w.Header().Set("Content-Type", "application/json")
			b := tokenBody(maxTokenResponse)
			w.Write(b[:10])
			w.(http.Flusher).Flush()
			w.Write(b[10:])
			return true
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"id":1}`) })
			tn.tokenFail = tc.fail
			tn.mu.Lock()
			tn.tokens["tok-big"] = true
			tn.mu.Unlock()
			halo := tn.client(func(c *Config) { c.Retry = true })
			_, err := halo.Tickets.GetTicketsByID(ctxT(t), GetTicketsByIDParams{ID: 1})
			if tc.ok {
				if err != nil {
					t.Fatalf("a token response of exactly the cap: %v", err)
				}
				return
			}
			var tl *ResponseTooLargeError
			var ae *AuthError
			if !errors.As(err, &tl) || !errors.As(err, &ae) {
				t.Fatalf("err = %T %v, want a *ResponseTooLargeError in an *AuthError", err, err)
			}
			if tl.Limit != maxTokenResponse || tl.Method != "POST" || !strings.HasSuffix(tl.URL, "/auth/token") {
				t.Errorf("%+v", tl)
			}
			var ne *NetworkError
			if errors.As(err, &ne) {
				t.Errorf("a token response too large is not a network failure: %v", err)
			}
			if strings.Contains(err.Error(), testSecret) || !strings.Contains(err.Error(), "/api/Tickets/1") {
				t.Errorf("message %q: want the call named and no secret", err)
			}
			if n := tn.tokenReqs.Load(); n != 1 {
				t.Errorf("%d token requests: a response over the cap is not retried", n)
			}
		})
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{1: "1 byte", 100: "100 bytes", 1024: "1 KiB", 1536: "1536 bytes",
		256 << 20: "256 MiB", 2 << 30: "2 GiB", 3<<30 + 1<<20: "3073 MiB"} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

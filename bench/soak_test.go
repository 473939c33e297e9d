package bench

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/halopsa-go/halopsa"
)

// soakHandler is the fixture server with what a long run meets besides
// answers: a request that hangs until the caller gives up, a body that
// never ends, a file to download, a 404.
func soakHandler(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/api/Tickets/999": // hangs: the caller's context ends it
		<-r.Context().Done()
	case "/api/Tickets/404":
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message":"Ticket 404 not found"}`)
	case "/api/Tickets/888": // never ends: the client's cap ends it
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":888,"details":"`)
		chunk := []byte(strings.Repeat("x", 32<<10))
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	case "/api/Attachment": // an upload: read whole, answered
		n, _ := io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":7,"filesize":`+strconv.FormatInt(n, 10)+`}`)
	case "/api/Attachment/2": // a file that never ends: its caller gives up
		w.Header().Set("Content-Type", "application/pdf")
		for r.Context().Err() == nil {
			if _, err := w.Write(soakFile[:4096]); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			time.Sleep(time.Millisecond)
		}
	case "/api/Attachment/1":
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `attachment; filename="scan.pdf"`)
		w.Write(soakFile)
	default:
		fixtures.ServeHTTP(w, r)
	}
}

var soakFile = []byte(strings.Repeat("%PDF-1.7 scanned page ", 20_000)) // 440 KB

// soakRound is one round of the soak: 26 calls of every kind a long-running
// integration makes, the failing ones included.
func soakRound(ctx context.Context, c *halopsa.Client) (calls int, err error) {
	for range 14 {
		if _, err := c.Tickets.GetTicketsByID(ctx, halopsa.GetTicketsByIDParams{ID: 1}); err != nil {
			return calls, err
		}
		calls++
	}
	// A call the caller gives up on while it waits for the answer.
	cctx, cancel := context.WithTimeout(ctx, 2*time.Millisecond)
	_, err = c.Tickets.GetTicketsByID(cctx, halopsa.GetTicketsByIDParams{ID: 999})
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		return calls, errors.New("the hanging call did not end with the deadline: " + errString(err))
	}
	calls++
	// A walk broken off in its second page.
	n := 0
	for _, err := range c.Tickets.GetTicketsAll(ctx, halopsa.GetTicketsParams{}) {
		if err != nil {
			return calls, err
		}
		if n++; n == 150 {
			break
		}
	}
	calls += 2
	// A walk whose context ends in its third page.
	wctx, wcancel := context.WithCancel(ctx)
	n = 0
	for _, err := range c.Tickets.GetTicketsAll(wctx, halopsa.GetTicketsParams{}) {
		if n++; n == 250 {
			wcancel()
		}
		if err != nil {
			break
		}
	}
	wcancel()
	calls += 3
	// A body over the cap, a download, a 404.
	var tl *halopsa.ResponseTooLargeError
	if _, err := c.Tickets.GetTicketsByID(ctx, halopsa.GetTicketsByIDParams{ID: 888}); !errors.As(err, &tl) {
		return calls, errors.New("the endless body did not hit the cap: " + errString(err))
	}
	if n, _, err := c.Attachment.Download(ctx, 1, io.Discard); err != nil || n != int64(len(soakFile)) {
		return calls, errors.New("download: " + errString(err))
	}
	var apiErr *halopsa.APIError
	if _, err := c.Tickets.GetTicketsByID(ctx, halopsa.GetTicketsByIDParams{ID: 404}); !errors.As(err, &apiErr) {
		return calls, errors.New("the 404 did not come back as one: " + errString(err))
	}
	calls += 3
	// A download its caller gives up on once the first bytes arrive, and
	// uploads: from an io.Seeker, and from a pipe (chunked, read once).
	dctx, dcancel := context.WithCancel(ctx)
	if _, _, err := c.Attachment.Download(dctx, 2, cancelOnWrite(dcancel)); !errors.Is(err, context.Canceled) {
		dcancel()
		return calls, errors.New("the abandoned download did not end with its context: " + errString(err))
	}
	dcancel()
	if _, err := c.Attachment.Upload(ctx, halopsa.Attachment{}, bytes.NewReader(soakFile)); err != nil {
		return calls, errors.New("upload: " + errString(err))
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeAll(pw, soakFile)) }()
	_, err = c.Attachment.Upload(ctx, halopsa.Attachment{}, pr)
	pr.Close() // the writer ends however the upload did
	if err != nil {
		return calls, errors.New("upload from a pipe: " + errString(err))
	}
	return calls + 3, nil
}

// cancelOnWrite is an io.Writer that cancels its download at the first
// bytes it is given.
type cancelOnWrite context.CancelFunc

func (c cancelOnWrite) Write(p []byte) (int, error) {
	c()
	return len(p), nil
}

func writeAll(w io.Writer, b []byte) error {
	_, err := w.Write(b)
	return err
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}

// BenchmarkSoak makes rounds of 26 calls (cancellations, uploads, walks broken off
// early or cut by their context, bodies over the cap, downloads, errors)
// and reports the live heap and the goroutines after a warm-up and at the
// end: on a long run both must stay flat. bench/run prints them.
func BenchmarkSoak(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(soakHandler))
	defer srv.Close()
	c, err := halopsa.New(halopsa.Config{CompanyURL: srv.URL, ClientID: "bench", ClientSecret: "bench",
		MaxResponseBytes: 1 << 20, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for range 3 { // warm-up: connections, pools, the token, the pages the walks read
		if _, err := soakRound(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
	heapStart, goStart := heapInUse(), settledGoroutines(0)
	calls := 0
	for b.Loop() {
		n, err := soakRound(ctx, c)
		calls += n
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	goEnd := settledGoroutines(goStart)
	heapEnd := heapInUse()
	b.ReportMetric(float64(calls), "calls")
	b.ReportMetric(float64(heapStart)/1e6, "heap-start-MB")
	b.ReportMetric(float64(heapEnd)/1e6, "heap-end-MB")
	b.ReportMetric(float64(goStart), "goroutines-start")
	b.ReportMetric(float64(goEnd), "goroutines-end")
	b.ReportMetric(0, "ns/op") // the time of a mixed round means nothing
}

// settledGoroutines counts goroutines once connections closed by
// cancellations have wound down: it waits (up to a second) for the count
// to reach want.
func settledGoroutines(want int) int {
	deadline := time.Now().Add(time.Second)
	for {
		n := runtime.NumGoroutine()
		if n <= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
}

package bench

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"testing"

	"github.com/halopsa-go/halopsa"
)

// The benchmarks compare the client with what it is built on. Run them all
// with bench/run, which prints the ratios side by side; absolute numbers
// on a shared machine are noise, ratios within one run are the figure.

var (
	fixtures = NewServer()
	srvURL   string
)

func TestMain(m *testing.M) {
	if u := os.Getenv("BENCH_SERVER_URL"); u != "" {
		srvURL = u
	} else {
		ts := fixtures.Start()
		defer ts.Close()
		srvURL = ts.URL
	}
	code := m.Run()
	os.Exit(code)
}

func newClient(b *testing.B) *halopsa.Client {
	c, err := halopsa.New(halopsa.Config{CompanyURL: srvURL, ClientID: "bench", ClientSecret: "bench", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// rawClient is net/http as a hand-written client would use it.
var rawClient = &http.Client{Transport: func() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	return t
}()}

func rawGet(b *testing.B, url string) []byte {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer bench-token")
	req.Header.Set("Accept", "application/json")
	resp, err := rawClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		b.Fatal(resp.Status, err)
	}
	return body
}

// BenchmarkGetByID: one 15 KB ticket over loopback keep-alive.
func BenchmarkGetByID(b *testing.B) {
	ctx := context.Background()
	url := srvURL + "/api/Tickets/1?includedetails=true"
	b.Run("client", func(b *testing.B) {
		c := newClient(b)
		if _, err := c.Tickets.GetTicketsByID(ctx, halopsa.GetTicketsByIDParams{ID: 1}); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			t, err := c.Tickets.GetTicketsByID(ctx, halopsa.GetTicketsByIDParams{ID: 1, Includedetails: halopsa.Ptr(true)})
			if err != nil || t.ID == nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("nethttp-readall", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rawGet(b, url)
		}
	})
	b.Run("nethttp-same-decoder", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var t halopsa.Faults
			if err := t.UnmarshalJSON(rawGet(b, url)); err != nil || t.ID == nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("nethttp-encodingjson", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var t PlainFaults
			if err := json.Unmarshal(rawGet(b, url), &t); err != nil || t.ID == nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecodeList: a 500-ticket list (2.2 MB) into typed models.
func BenchmarkDecodeList(b *testing.B) {
	data := fixtures.List
	b.Run("halopsa", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var v halopsa.TicketsView
			if err := v.UnmarshalJSON(data); err != nil || len(v.Tickets) != 500 {
				b.Fatal(err)
			}
		}
	})
	b.Run("encodingjson-structs", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var v PlainTickets
			if err := json.Unmarshal(data, &v); err != nil || len(v.Tickets) != 500 {
				b.Fatal(err)
			}
		}
	})
	b.Run("encodingjson-map", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var v map[string]any
			if err := json.Unmarshal(data, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkParallelGet: 64 goroutines getting tickets by id.
func BenchmarkParallelGet(b *testing.B) {
	ctx := context.Background()
	url := srvURL + "/api/Tickets/1"
	par := max(1, 64/runtime.GOMAXPROCS(0))
	b.Run("client", func(b *testing.B) {
		c := newClient(b)
		c.Tickets.GetTicketsByID(ctx, halopsa.GetTicketsByIDParams{ID: 1})
		b.SetParallelism(par)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := c.Tickets.GetTicketsByID(ctx, halopsa.GetTicketsByIDParams{ID: 1}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("nethttp-readall", func(b *testing.B) {
		b.SetParallelism(par)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				rawGet(b, url)
			}
		})
	})
}

// heapInUse reads the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkHeap reports the bytes a decoded ticket keeps alive, and the
// peak heap of walking 10,000 tickets page by page (it must stay around one
// page, not grow with the walk).
func BenchmarkHeap(b *testing.B) {
	b.Run("bytes-per-list-ticket", func(b *testing.B) {
		for b.Loop() {
			before := heapInUse()
			var v halopsa.TicketsView
			if err := v.UnmarshalJSON(fixtures.List); err != nil {
				b.Fatal(err)
			}
			after := heapInUse()
			b.ReportMetric(float64(after-before)/float64(len(v.Tickets)), "B/ticket")
			b.ReportMetric(float64(len(fixtures.List))/float64(len(v.Tickets)), "json-B/ticket")
			runtime.KeepAlive(&v)
		}
	})
	b.Run("paged-walk-10k", func(b *testing.B) {
		c := newClient(b)
		ctx := context.Background()
		for p := 1; p <= fixtures.Total/fixtures.PageSize; p++ {
			fixtures.page(p) // build the pages before measuring
		}
		for b.Loop() {
			base := heapInUse()
			var peak uint64
			n := 0
			for _, err := range c.Tickets.GetTicketsAll(ctx, halopsa.GetTicketsParams{}) {
				if err != nil {
					b.Fatal(err)
				}
				n++
				if n%fixtures.PageSize == fixtures.PageSize/2 {
					// Mid-page: the live heap is the walk's working set.
					peak = max(peak, heapInUse())
				}
			}
			if n != fixtures.Total {
				b.Fatalf("walked %d tickets", n)
			}
			b.ReportMetric(float64(peak-min(peak, base))/1e6, "live-MB")
			b.ReportMetric(float64(len(fixtures.page(1)))/1e6, "page-json-MB")
		}
	})
}

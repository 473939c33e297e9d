package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
// Everything served is in Halo's format (see fixtures.go); the list
// decoding also runs on the older fixtures our own encoder writes.

var (
	fixtures    = NewServer()
	encodedList = EncodedTicketList(1, 500, 500)
	srvURL      string
)

// walkPageSize is the page size of BenchmarkPagedWalk.
const walkPageSize = 500

func TestMain(m *testing.M) { os.Exit(runMain(m)) }

// runMain starts the fixture server (unless BENCH_SERVER_URL names one),
// runs the tests and closes the server. It returns rather than exits, so
// that its deferred Close runs: os.Exit skips deferred calls.
func runMain(m interface{ Run() int }) int {
	if u := os.Getenv("BENCH_SERVER_URL"); u != "" {
		srvURL = u
	} else {
		ts := fixtures.Start()
		defer ts.Close()
		srvURL = ts.URL
	}
	return m.Run()
}

func newClient(b testing.TB) *halopsa.Client {
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

func rawGet(b testing.TB, url string) []byte {
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
			if err := plainUnmarshal(rawGet(b, url), &t); err != nil || t.ID == nil {
				b.Fatal(err)
			}
		}
	})
}

// plainUnmarshal is encoding/json's Unmarshal, accepting the type errors
// Halo's format causes it (21.0 or "21" for an int): it still decodes
// everything else, and that is the work being compared.
func plainUnmarshal(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	if _, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
		return nil
	}
	return err
}

// BenchmarkDecodeList: a 500-ticket list (2.2 MB) into typed models, in
// Halo's format ("halo") and as our encoder writes it ("encoded").
func BenchmarkDecodeList(b *testing.B) {
	for _, fx := range []struct {
		name string
		data []byte
	}{{"halo", fixtures.List}, {"encoded", encodedList}} {
		data := fx.data
		b.Run(fx.name+"/halopsa", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var v halopsa.TicketsView
				if err := v.UnmarshalJSON(data); err != nil || len(v.Tickets) != 500 {
					b.Fatal(err)
				}
			}
		})
		b.Run(fx.name+"/encodingjson-structs", func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				var v PlainTickets
				if err := plainUnmarshal(data, &v); err != nil || len(v.Tickets) != 500 {
					b.Fatal(err)
				}
			}
		})
		b.Run(fx.name+"/encodingjson-map", func(b *testing.B) {
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
}

// BenchmarkPagedWalk: all Total tickets in pages of walkPageSize over
// loopback, through the client's iterator and as net/http reads the same
// pages into []byte.
func BenchmarkPagedWalk(b *testing.B) {
	ctx := context.Background()
	n := (fixtures.Total + walkPageSize - 1) / walkPageSize
	var total int64
	for p := 1; p <= n; p++ {
		total += int64(len(fixtures.Page(walkPageSize, p))) // built before measuring
	}
	b.Run("client", func(b *testing.B) {
		c := newClient(b)
		b.SetBytes(total)
		b.ReportAllocs()
		for b.Loop() {
			got := 0
			for _, err := range c.Tickets.GetTicketsAll(ctx, halopsa.GetTicketsParams{PageSize: halopsa.Ptr(walkPageSize)}) {
				if err != nil {
					b.Fatal(err)
				}
				got++
			}
			if got != fixtures.Total {
				b.Fatalf("walked %d tickets", got)
			}
		}
	})
	b.Run("nethttp-readall", func(b *testing.B) {
		b.SetBytes(total)
		b.ReportAllocs()
		for b.Loop() {
			for p := 1; p <= n; p++ {
				rawGet(b, fmt.Sprintf("%s/api/Tickets?pageinate=true&page_size=%d&page_no=%d", srvURL, walkPageSize, p))
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
			fixtures.Page(fixtures.PageSize, p) // build the pages before measuring
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
			b.ReportMetric(float64(len(fixtures.Page(fixtures.PageSize, 1)))/1e6, "page-json-MB")
		}
	})
}

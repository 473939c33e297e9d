// Command loadgen drives the halopsa client against a fixture server for a
// fixed time, one request after another, and prints how many it made as
// JSON: the Go side of bench/run's comparison with axios, measured as a
// process of its own so that its memory can be compared too.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/halopsa-go/halopsa"
)

func main() {
	url := flag.String("url", "", "fixture server URL")
	mode := flag.String("mode", "get", "get (one ticket by id) or list (500 tickets)")
	seconds := flag.Float64("seconds", 5, "how long to run")
	flag.Parse()
	halo, err := halopsa.New(halopsa.Config{CompanyURL: *url, ClientID: "bench", ClientSecret: "bench", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx := context.Background()
	deadline := time.Now().Add(time.Duration(*seconds * float64(time.Second)))
	start := time.Now()
	ops := 0
	for time.Now().Before(deadline) {
		switch *mode {
		case "get":
			t, err := halo.Tickets.GetTicketsByID(ctx, halopsa.GetTicketsByIDParams{ID: 1})
			if err != nil || t.ID == nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		case "list":
			l, err := halo.Tickets.GetTickets(ctx, halopsa.GetTicketsParams{})
			if err != nil || len(l.Tickets) != 500 {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		default:
			fmt.Fprintln(os.Stderr, "unknown mode", *mode)
			os.Exit(2)
		}
		ops++
	}
	json.NewEncoder(os.Stdout).Encode(map[string]any{"ops": ops, "seconds": time.Since(start).Seconds()})
}

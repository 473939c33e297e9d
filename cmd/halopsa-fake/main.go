// Command halopsa-fake runs the fake HaloPSA tenant of package halopsatest
// as a standalone server, for testing integrations written in any language.
//
//	go run ./cmd/halopsa-fake -addr 127.0.0.1:8080 -seed 1
//	go run ./cmd/halopsa-fake -data records.json -lenient
//
// It prints the URL and the client credentials to use, and serves until
// interrupted. Tests drive it over HTTP: the API under /api (with a bearer
// token from /auth/token), and the control surface under /_halopsatest/
// (no token): POST reset, POST and DELETE faults, GET and DELETE
// requests, GET and PUT records/{section}, POST expire-tokens. The
// package documentation of halopsatest describes them all.
//
// -data names a JSON file of records by section, loaded after the seed
// data at start and on every reset, kept as given (ids included):
//
//	{"Tickets": [{"id": 500, "summary": "Printer offline", "status_id": 1}],
//	 "Client": [{"id": 12, "name": "Acme Ltd"}]}
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/halopsa-go/halopsa/halopsatest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "halopsa-fake:", err)
		}
		os.Exit(2)
	}
}

// run starts the fake as the flags in args say, prints how to reach it to
// out, and serves until ctx is done.
func run(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := flag.NewFlagSet("halopsa-fake", flag.ContinueOnError)
	fs.SetOutput(errOut)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	seed := fs.Uint64("seed", 1, "seed of the generated records")
	noSeed := fs.Bool("no-seed-data", false, "start without the demo records (the configuration of a fresh tenant stays)")
	data := fs.String("data", "", "JSON `file` of records by section ({\"Tickets\": [...], ...}) to load at start and on every reset")
	lenient := fs.Bool("lenient", false, "accept list parameters the fake does not simulate, with a warning, instead of answering 400")
	quirks := fs.Bool("quirks", false, "answer as real tenants do (integers as strings or decimals, zone-less timestamps, undeclared fields, bare arrays)")
	pageCap := fs.Int("page-cap", 100, "largest page size the server returns")
	lifetime := fs.Duration("token-lifetime", time.Hour, "lifetime of issued tokens")
	id := fs.String("client-id", halopsatest.DefaultClientID, "client ID to accept")
	secret := fs.String("client-secret", halopsatest.DefaultClientSecret, "client secret to accept")
	tenant := fs.String("tenant", "", "require ?tenant= on token requests")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}

	opts := []halopsatest.Option{
		halopsatest.WithAddr(*addr), halopsatest.WithSeed(*seed), halopsatest.WithPageSizeCap(*pageCap),
		halopsatest.WithTokenLifetime(*lifetime), halopsatest.WithCredentials(*id, *secret),
	}
	if *noSeed {
		opts = append(opts, halopsatest.WithoutSeedData())
	}
	if *data != "" {
		records, err := readRecords(*data)
		if err != nil {
			return err
		}
		opts = append(opts, halopsatest.WithRecords(records))
	}
	if *lenient {
		opts = append(opts, halopsatest.WithLenientParams())
	}
	if *quirks {
		opts = append(opts, halopsatest.WithQuirks())
	}
	if *tenant != "" {
		opts = append(opts, halopsatest.WithTenant(*tenant))
	}
	srv, err := start(opts)
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(out, "fake HaloPSA tenant listening\n")
	fmt.Fprintf(out, "  HALO_COMPANY_URL=%s\n", srv.URL)
	fmt.Fprintf(out, "  HALO_API_CLIENT_ID=%s\n", srv.ClientID)
	fmt.Fprintf(out, "  HALO_API_CLIENT_SECRET=%s\n", srv.ClientSecret)
	if *tenant != "" {
		fmt.Fprintf(out, "  HALO_TENANT=%s\n", *tenant)
	}
	fmt.Fprintf(out, "  token endpoint: POST %s/auth/token (grant_type=client_credentials, scope=all)\n", srv.URL)
	fmt.Fprintf(out, "  API: %s/api/...\n", srv.URL)
	fmt.Fprintf(out, "  control (no token): %s/_halopsatest/{reset,faults,requests,records/{section},expire-tokens}\n", srv.URL)
	<-ctx.Done()
	return nil
}

// readRecords reads a -data file: a JSON object of arrays of records.
func readRecords(path string) (map[string][]map[string]any, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // ids and amounts as written, not as float64
	var records map[string][]map[string]any
	if err := dec.Decode(&records); err != nil {
		return nil, fmt.Errorf("%s: want an object of arrays of records by section ({\"Tickets\": [...]}): %w", path, err)
	}
	if dec.Decode(new(json.RawMessage)) != io.EOF {
		return nil, fmt.Errorf("%s: more than one JSON value", path)
	}
	return records, nil
}

// start is halopsatest.NewServer with its panics (an address in use, a
// record that cannot be stored) returned as errors.
func start(opts []halopsatest.Option) (srv *halopsatest.Server, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%v", p)
		}
	}()
	return halopsatest.NewServer(nil, opts...), nil
}

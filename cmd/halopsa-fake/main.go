// Command halopsa-fake runs the fake HaloPSA tenant of package halopsatest
// as a standalone server, for testing integrations written in any language.
//
//	go run ./cmd/halopsa-fake -addr 127.0.0.1:8080 -seed 1
//
// It prints the URL and the client credentials to use, and serves until
// interrupted.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/halopsa-go/halopsa/halopsatest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	seed := flag.Uint64("seed", 1, "seed of the generated records")
	quirks := flag.Bool("quirks", false, "answer as real tenants do (integers as strings or decimals, zone-less timestamps, undeclared fields, bare arrays)")
	pageCap := flag.Int("page-cap", 100, "largest page size the server returns")
	lifetime := flag.Duration("token-lifetime", time.Hour, "lifetime of issued tokens")
	id := flag.String("client-id", halopsatest.DefaultClientID, "client ID to accept")
	secret := flag.String("client-secret", halopsatest.DefaultClientSecret, "client secret to accept")
	tenant := flag.String("tenant", "", "require ?tenant= on token requests")
	flag.Parse()

	opts := []halopsatest.Option{
		halopsatest.WithAddr(*addr), halopsatest.WithSeed(*seed), halopsatest.WithPageSizeCap(*pageCap),
		halopsatest.WithTokenLifetime(*lifetime), halopsatest.WithCredentials(*id, *secret),
	}
	if *quirks {
		opts = append(opts, halopsatest.WithQuirks())
	}
	if *tenant != "" {
		opts = append(opts, halopsatest.WithTenant(*tenant))
	}
	srv := halopsatest.NewServer(nil, opts...)
	defer srv.Close()
	fmt.Printf("fake HaloPSA tenant listening\n")
	fmt.Printf("  HALO_COMPANY_URL=%s\n", srv.URL)
	fmt.Printf("  HALO_API_CLIENT_ID=%s\n", srv.ClientID)
	fmt.Printf("  HALO_API_CLIENT_SECRET=%s\n", srv.ClientSecret)
	if *tenant != "" {
		fmt.Printf("  HALO_TENANT=%s\n", *tenant)
	}
	fmt.Printf("  token endpoint: POST %s/auth/token (grant_type=client_credentials, scope=all)\n", srv.URL)
	fmt.Printf("  API: %s/api/...\n", srv.URL)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
}

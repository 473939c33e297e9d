// Command onemethod calls one method of the client: bench/run compares its
// size with plain, which does the same with net/http and encoding/json, to
// check that the linker drops the sections a program does not use.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/halopsa-go/halopsa"
)

func main() {
	halo, err := halopsa.New(halopsa.Config{CompanyURL: os.Getenv("HALO_COMPANY_URL"), ClientID: os.Getenv("HALO_API_CLIENT_ID"), ClientSecret: os.Getenv("HALO_API_CLIENT_SECRET")})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	t, err := halo.Tickets.GetTicketsByID(context.Background(), halopsa.GetTicketsByIDParams{ID: 1})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(t.GetSummary())
}

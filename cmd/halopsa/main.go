// Command halopsa calls every operation of the HaloPSA API from a shell,
// and serves them to AI agents over the Model Context Protocol.
//
//	go install github.com/halopsa-go/halopsa/cmd/halopsa@latest
//	halopsa tickets get-by-id --id 123
//	halopsa tickets list --client-id 12 -o table --fields id,summary,status_id
//	halopsa api GET /Tickets -q count=5
//	halopsa fake                 # a fake tenant to try it on
//	halopsa mcp                  # the MCP server, over stdio
//
// Every section of the API is a command (tickets, client-contract, ...),
// every operation a subcommand named after its library method (GetTicketsByID
// is tickets get-by-id), and every parameter a flag. Credentials come from
// HALO_COMPANY_URL, HALO_API_CLIENT_ID, HALO_API_CLIENT_SECRET and
// HALO_TENANT, or from a profile (--profile). Exit codes: 0 success, 1 an
// API, network or auth error, 2 a usage error.
package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first Ctrl-C cancels the request in flight; a second one, once
	// the signal is no longer caught, ends the program at once.
	context.AfterFunc(ctx, stop)
	code := run(ctx, os.Args[1:], &env{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		getenv:   os.Getenv,
		terminal: term.IsTerminal(int(os.Stdout.Fd())),
	})
	stop()
	os.Exit(code)
}

// env is what the program reads and writes besides the network: tests
// replace it.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	terminal       bool // stdout is a terminal
}

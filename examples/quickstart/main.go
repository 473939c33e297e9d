// Command quickstart shows the halopsa client end to end: authenticating,
// listing tickets, getting one, creating a ticket and an action, uploading
// an attachment and downloading it back, and a typed error.
//
//	go run ./examples/quickstart
//
// With no HALO_* variables it starts the built-in fake Halo (package
// halopsatest) in-process. With HALO_COMPANY_URL, HALO_API_CLIENT_ID and
// HALO_API_CLIENT_SECRET set (and HALO_TENANT when your tenant needs it) it
// runs against that tenant, read-only unless -write is given.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/halopsa-go/halopsa"
	"github.com/halopsa-go/halopsa/halopsatest"
)

func main() {
	write := flag.Bool("write", false, "against a real tenant, also run the steps that create data")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, os.Getenv, *write); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, getenv func(string) string, write bool) error {
	say := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }
	var cfg halopsa.Config
	if getenv("HALO_COMPANY_URL") == "" {
		srv := halopsatest.NewServer(nil)
		defer srv.Close()
		cfg = srv.Config()
		write = true
		say("No HALO_* variables set: using the built-in fake Halo at %s", srv.URL)
	} else {
		cfg = halopsa.Config{
			CompanyURL:   getenv("HALO_COMPANY_URL"),
			ClientID:     getenv("HALO_API_CLIENT_ID"),
			ClientSecret: getenv("HALO_API_CLIENT_SECRET"),
			Tenant:       getenv("HALO_TENANT"),
			Scope:        getenv("HALO_SCOPE"),
		}
		say("Using the tenant at %s", cfg.CompanyURL)
	}
	halo, err := halopsa.New(cfg)
	if err != nil {
		return err
	}

	say("\n1. Authenticating and listing the five most recent tickets")
	list, err := halo.Tickets.GetTickets(ctx, halopsa.GetTicketsParams{Count: halopsa.Ptr(5), Order: halopsa.Ptr("id"), Orderdesc: halopsa.Ptr(true)})
	if err != nil {
		return err
	}
	say("   %d tickets in all; here are %d:", deref(list.RecordCount), len(list.Tickets))
	for _, t := range list.Tickets {
		say("   #%-6d %s", deref(t.ID), deref(t.Summary))
	}
	if len(list.Tickets) == 0 {
		say("   (no tickets: skipping the get)")
	} else {
		say("\n2. Getting ticket #%d", deref(list.Tickets[0].ID))
		t, err := halo.Tickets.GetTicketsByID(ctx, halopsa.GetTicketsByIDParams{ID: deref(list.Tickets[0].ID)})
		if err != nil {
			return err
		}
		opened := "unknown"
		if t.Dateoccurred != nil && t.Dateoccurred.IsSet() {
			opened = t.Dateoccurred.Format("2006-01-02 15:04 MST")
		}
		say("   %q, opened %s, %d fields Halo sent that the spec does not declare", deref(t.Summary), opened, len(t.Extra))
	}

	if !write {
		say("\n3-4. Skipping the steps that create a ticket, an action and an attachment (run with -write to include them)")
	} else {
		say("\n3. Creating a ticket and adding an action to it")
		created, err := halo.Tickets.PostTickets(ctx, halopsa.PostTicketsParams{Body: []halopsa.Faults{{
			Summary: halopsa.Ptr("Printer offline (halopsa quickstart)"),
			Details: halopsa.Ptr("Created by the halopsa Go client's quickstart."),
		}}})
		if err != nil {
			return err
		}
		say("   created ticket #%d", deref(created.ID))
		action, err := halo.Actions.PostActions(ctx, halopsa.PostActionsParams{Body: []halopsa.Actions{{
			TicketID: created.ID,
			Outcome:  halopsa.Ptr("Note"),
			Note:     halopsa.Ptr("Checked the cable; the printer is back online."),
		}}})
		if err != nil {
			return err
		}
		say("   added action #%d", deref(action.ID))

		say("\n4. Uploading an attachment and downloading it back")
		content := []byte("%PDF-1.4\n% a tiny file with a zero byte \x00 and a high byte \xff\n")
		att, err := halo.Attachment.PostAttachment(ctx, halopsa.PostAttachmentParams{Body: []halopsa.Attachment{{
			TicketID: created.ID, Filename: halopsa.Ptr("quickstart.pdf"), Data: content,
		}}})
		if err != nil {
			return err
		}
		back, err := halo.Attachment.GetAttachmentByID(ctx, halopsa.GetAttachmentByIDParams{ID: deref(att.ID)})
		if err != nil {
			return err
		}
		say("   uploaded %d bytes as attachment #%d, downloaded %d bytes: identical = %v", len(content), deref(att.ID), len(back), bytes.Equal(back, content))
		if !bytes.Equal(back, content) {
			return errors.New("the downloaded attachment differs from the upload")
		}
	}

	say("\n5. Asking for a ticket that does not exist")
	_, err = halo.Tickets.GetTicketsByID(ctx, halopsa.GetTicketsByIDParams{ID: 987654321})
	var apiErr *halopsa.APIError
	switch {
	case errors.As(err, &apiErr):
		say("   got a typed *halopsa.APIError: status %d, message %q", apiErr.StatusCode, apiErr.Message())
	case err == nil:
		say("   the tenant returned a record for #987654321")
	default:
		return err
	}
	say("\nDone.")
	return nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

package main

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/spf13/cobra"
)

// apiCommand calls any path below /api through Client.Do: the escape hatch
// for endpoints the spec lacks.
func (a *app) apiCommand() *cobra.Command {
	var query []string
	var body string
	cmd := &cobra.Command{
		Use:   "api METHOD PATH",
		Short: "Call any path below /api (endpoints the spec lacks)",
		Long: `Call any path below /api with the same authentication, retries, logging and
errors as the operations: halopsa api GET /Tickets/123 -q includedetails=true.

The answer is printed as received (-o json indents JSON on a terminal; -o jsonl
and -o table find the records of a list by its shape).`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			method := strings.ToUpper(args[0])
			switch method {
			case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			default:
				return inputErrorf("method %q: want GET, POST, PUT, PATCH or DELETE", args[0])
			}
			q := url.Values{}
			for _, kv := range query {
				k, v, ok := strings.Cut(kv, "=")
				if !ok || k == "" {
					return inputErrorf("-q %q: want key=value", kv)
				}
				q.Add(k, v)
			}
			var payload any
			if cmd.Flags().Changed("body") {
				b, err := a.readBody(body)
				if err != nil {
					return err
				}
				payload = b
			}
			format, err := a.format(outJSON)
			if err != nil {
				return err
			}
			c, err := a.client(cmd.Context())
			if err != nil {
				return err
			}
			var out []byte
			if err := c.Do(cmd.Context(), method, args[1], q, payload, &out); err != nil {
				return asRunError(err)
			}
			p := a.newPrinter(format)
			if err := p.result(rawResult(out)); err != nil {
				return asRunError(err)
			}
			return asRunError(p.close())
		},
	}
	cmd.Flags().StringArrayVarP(&query, "query", "q", nil, "a query parameter, key=value (repeat for more)")
	cmd.Flags().StringVar(&body, "body", "", "request body: JSON, inline, from a file, or - for stdin")
	cmd.ValidArgsFunction = func(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return []string{"GET", "POST", "PUT", "PATCH", "DELETE"}, cobra.ShellCompDirectiveNoFileComp
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return cmd
}

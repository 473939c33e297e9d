package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/halopsa-go/halopsa"
	"github.com/spf13/cobra"
)

// errorReport is an error as --errors json writes it: one JSON object on
// stderr.
type errorReport struct {
	// Kind is usage, api, auth, network, rate_limit, decode, interrupted
	// or error.
	Kind    string `json:"error"`
	Message string `json:"message"`
	Status  int    `json:"status,omitempty"`
	Method  string `json:"method,omitempty"`
	URL     string `json:"url,omitempty"`
	// HaloMessage is Halo's own message from the error body.
	HaloMessage string `json:"halo_message,omitempty"`
	// Body is the error body Halo sent, when it is JSON.
	Body           any    `json:"body,omitempty"`
	Code           string `json:"code,omitempty"` // OAuth error code
	MayHaveApplied *bool  `json:"may_have_applied,omitempty"`
	Attempts       int    `json:"attempts,omitempty"`
	RetryAfter     string `json:"retry_after,omitempty"`
	Usage          string `json:"usage,omitempty"` // the command whose --help explains it
}

// classify describes err for a report.
func classify(err error) errorReport {
	r := errorReport{Kind: "error", Message: describeErr(err)}
	var (
		apiErr   *halopsa.APIError
		authErr  *halopsa.AuthError
		netErr   *halopsa.NetworkError
		rateErr  *halopsa.RateLimitError
		decErr   *halopsa.DecodeError
		inputErr *inputError
	)
	switch {
	case errors.As(err, &rateErr):
		r.Kind = "rate_limit"
		r.RetryAfter = rateErr.RetryAfter.Round(time.Second).String()
		if rateErr.APIError != nil {
			r.Status, r.Method, r.URL = rateErr.APIError.StatusCode, rateErr.APIError.Method, rateErr.APIError.URL
		}
	case errors.As(err, &apiErr):
		r.Kind = "api"
		r.Status, r.Method, r.URL, r.HaloMessage, r.Body = apiErr.StatusCode, apiErr.Method, apiErr.URL, apiErr.Message(), apiErr.Data
	case errors.As(err, &authErr):
		r.Kind = "auth"
		r.Status, r.URL, r.Code = authErr.StatusCode, authErr.URL, authErr.Code
		r.HaloMessage = authErr.Description
	case errors.Is(err, context.Canceled):
		r.Kind = "interrupted"
	case errors.As(err, &netErr):
		r.Kind = "network"
		r.Method, r.URL, r.Attempts = netErr.Method, netErr.URL, netErr.Attempts
		applied := netErr.MayHaveApplied
		r.MayHaveApplied = &applied
	case errors.As(err, &decErr):
		r.Kind = "decode"
		r.Status, r.Method, r.URL = decErr.StatusCode, decErr.Method, decErr.URL
	case errors.As(err, &inputErr):
		r.Kind = "usage"
	}
	return r
}

// report writes err to stderr and returns the exit code: 1 for an error of
// the call, 2 for a usage error.
func (a *app) report(cmd *cobra.Command, err error) int {
	code := 2
	var re *runError
	if errors.As(err, &re) {
		code = 1
	}
	r := classify(err)
	if code == 2 {
		r.Kind = "usage"
		if cmd != nil {
			r.Usage = cmd.CommandPath() + " --help"
		}
	}
	if a.errorsFormat == "json" {
		b, _ := json.Marshal(r)
		fmt.Fprintf(a.stderr, "%s\n", b)
		return code
	}
	fmt.Fprintf(a.stderr, "halopsa: %s\n", r.Message)
	if r.Usage != "" {
		fmt.Fprintf(a.stderr, "Run '%s' for usage.\n", r.Usage)
	}
	return code
}

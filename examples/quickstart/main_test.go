package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestQuickstartOnTheFake runs the README's first command's logic, as a
// newcomer would with no HALO_* variables, and checks every step ran.
func TestQuickstartOnTheFake(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	if err := run(ctx, &out, func(string) string { return "" }, false); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	for _, want := range []string{
		"using the built-in fake Halo at http://127.0.0.1:",
		"120 tickets in all; here are 5:",
		"2. Getting ticket #120",
		"created ticket #121",
		"added action #",
		"identical = true",
		"typed *halopsa.APIError: status 404",
		"Done.",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

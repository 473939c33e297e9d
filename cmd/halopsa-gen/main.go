// Command halopsa-gen generates package halopsa from Halo's OpenAPI spec.
//
//	go run ./cmd/halopsa-gen [-spec path-or-url] [-overlay file] [-out dir] [-v]
//
// The spec defaults to $HALOPSA_SPEC, else ../shared/spec/halopsa-openapi.json.
// A tenant serves its own spec, so -spec may be a URL such as
// https://yourcompany.halopsa.com/api/swagger/v2/swagger.json.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/halopsa-go/halopsa/internal/gen"
)

func main() {
	spec := flag.String("spec", "", "spec path or http(s) URL (default $HALOPSA_SPEC, else "+gen.DefaultSpec+")")
	overlay := flag.String("overlay", "internal/gen/overlay.json", "overlay file; empty for none")
	out := flag.String("out", ".", "output directory")
	verbose := flag.Bool("v", false, "list every spec defect worked around")
	flag.Parse()
	_, _, err := gen.Run(context.Background(), gen.Options{
		Spec: gen.SpecSource(*spec), Overlay: *overlay, Out: *out, Log: os.Stderr, Verbose: *verbose,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "halopsa-gen:", err)
		os.Exit(1)
	}
}

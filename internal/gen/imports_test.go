package gen

import (
	"go/format"
	"testing"
)

func TestFormatFileDropsUnusedImports(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"some used", `package p

import (
	"context"
	"encoding/json"
	"net/http"

	"example.com/x/unsafe"
)

// json.Marshal in a comment does not count, nor "http.Get" in a string.
var _ = context.Background
var s = "http.Get"
var _ = unsafe.Sizeof
`, `package p

import (
	"context"

	"example.com/x/unsafe"
)

// json.Marshal in a comment does not count, nor "http.Get" in a string.
var _ = context.Background
var s = "http.Get"
var _ = unsafe.Sizeof
`},
		{"adjacent groups", `package p

import (
	"context"

	"example.com/x/unsafe"
)

var _ = context.Background
var _ = unsafe.Sizeof
`, `package p

import (
	"context"

	"example.com/x/unsafe"
)

var _ = context.Background
var _ = unsafe.Sizeof
`},
		{"none used", `package p

import (
	"context"
	"time"
)

var x = 1
`, `package p

var x = 1
`},
		{"no imports", "package p\n\nvar x  = 1\n", "package p\n\nvar x = 1\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := formatFile([]byte(tc.src))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tc.want)
			}
			if again, err := format.Source(got); err != nil || string(again) != string(got) {
				t.Fatalf("not gofmt-stable: %v", err)
			}
		})
	}
	if _, err := formatFile([]byte("package p\n\nvar s = \"unterminated\n")); err == nil {
		t.Fatal("a file that does not scan gave no error")
	}
}

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
		{"aliases, versions, blank imports", `package p

import (
	"math/rand/v2"
	"net/url"
	_ "embed"

	lib "example.com/halopsa/v2"
	"example.com/x/v3"
	other "example.com/x/y"
)

var _ = rand.IntN
var _ = lib.New
var _ = x.Y
`, `package p

import (
	_ "embed"
	"math/rand/v2"

	lib "example.com/halopsa/v2"
	"example.com/x/v3"
)

var _ = rand.IntN
var _ = lib.New
var _ = x.Y
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
	for _, bad := range []string{
		"package p\n\nvar s = \"unterminated\n",
		"package p\n\nimport \"fmt\"\n\nvar _ = fmt.Sprint\n",            // the emitter writes a block
		"package p\n\nimport (\n\t\"fmt\"\n)\n\nimport (\n\t\"os\"\n)\n", // and one
	} {
		if _, err := formatFile([]byte(bad)); err == nil {
			t.Errorf("formatFile(%q) gave no error", bad)
		}
	}
}

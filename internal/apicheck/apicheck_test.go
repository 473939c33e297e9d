package apicheck

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the API snapshot files in api/")

// snapshots are the packages whose exported API is pinned, and their files.
var snapshots = []struct{ pkg, file string }{
	{"github.com/halopsa-go/halopsa", "halopsa.txt"},
	{"github.com/halopsa-go/halopsa/halopsatest", "halopsatest.txt"},
}

const repoRoot = "../.."

// TestAPISnapshot fails when the exported API of a library package differs
// from its snapshot in api/: a change to the public API must be deliberate
// (go test ./internal/apicheck -update, then commit the snapshot with it).
func TestAPISnapshot(t *testing.T) {
	for _, s := range snapshots {
		got, err := Describe(repoRoot, s.pkg)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(repoRoot, "api", s.file)
		text := strings.Join(got, "\n") + "\n"
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (create the snapshot with go test ./internal/apicheck -update)", err)
		}
		if added, removed := diff(strings.Split(strings.TrimSuffix(string(data), "\n"), "\n"), got); len(added)+len(removed) > 0 {
			t.Errorf("the exported API of %s differs from api/%s:\n%s\nIf the change is deliberate, run: go test ./internal/apicheck -update",
				s.pkg, s.file, describeDiff(added, removed))
		}
	}
}

// diff returns the lines only in got (added) and only in want (removed).
func diff(want, got []string) (added, removed []string) {
	in := func(lines []string) map[string]bool {
		m := make(map[string]bool, len(lines))
		for _, l := range lines {
			m[l] = true
		}
		return m
	}
	w, g := in(want), in(got)
	for _, l := range got {
		if !w[l] {
			added = append(added, l)
		}
	}
	for _, l := range want {
		if !g[l] {
			removed = append(removed, l)
		}
	}
	return added, removed
}

func describeDiff(added, removed []string) string {
	var b strings.Builder
	show := func(sign string, lines []string) {
		for i, l := range lines {
			if i == 20 {
				fmt.Fprintf(&b, "%s ... and %d more\n", sign, len(lines)-20)
				break
			}
			fmt.Fprintf(&b, "%s %s\n", sign, l)
		}
	}
	show("+", added)
	show("-", removed)
	return b.String()
}

// TestDescribe checks the snapshot's form on a small package, including
// what a change to it looks like.
func TestDescribe(t *testing.T) {
	src := `package p
type T struct { A *string; b int; Embedded }
type Embedded struct{}
type Alias = T
type L[X any] struct { Items []X }
func (t *T) GetA() string { return "" }
func (l L[X]) Len() int { return 0 }
func New() (*T, error) { return nil, nil }
const C = 1
var V []T
type unexported int`
	got := describeSource(t, src)
	want := []string{
		"pkg p, const C untyped int",
		"pkg p, func New() (*T, error)",
		"pkg p, method (*T) GetA() string",
		"pkg p, method (L[X any]) Len() int",
		"pkg p, type Alias = T",
		"pkg p, type Embedded struct",
		"pkg p, type L[X any] struct",
		"pkg p, type L[X any] struct, Items []X",
		"pkg p, type T struct",
		"pkg p, type T struct, A *string",
		"pkg p, type T struct, embedded Embedded",
		"pkg p, var V []T",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	changed := describeSource(t, strings.Replace(src, "A *string", "A *int", 1))
	added, removed := diff(got, changed)
	if len(added) != 1 || added[0] != "pkg p, type T struct, A *int" || len(removed) != 1 || removed[0] != "pkg p, type T struct, A *string" {
		t.Fatalf("a changed field: added %q, removed %q", added, removed)
	}
}

func describeSource(t *testing.T, src string) []string {
	t.Helper()
	pkg, err := typeCheck(src)
	if err != nil {
		t.Fatal(err)
	}
	return describe(pkg)
}

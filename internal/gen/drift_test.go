package gen

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// driftSpec resolves the spec the drift test regenerates from, as the
// generator does (halopsa.go's go:generate line runs it in the repository
// root): $HALOPSA_SPEC, else DefaultSpec. Relative paths are relative to
// the repository root, not to this package. ok is false when the spec is a
// local file that does not exist.
func driftSpec(t *testing.T) (src string, ok bool) {
	t.Helper()
	src = SpecSource("")
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		return src, true
	}
	if !filepath.IsAbs(src) {
		src = filepath.Join(repoRoot, src)
	}
	if _, err := os.Stat(src); err != nil {
		if os.IsNotExist(err) {
			return src, false
		}
		t.Fatal(err)
	}
	return src, true
}

// generateReal runs the generator on the real spec and the repository's
// overlay once for all the tests that need it (it takes seconds).
var generateReal = func() func(src string) (*API, map[string][]byte, error) {
	var once sync.Once
	var api *API
	var files map[string][]byte
	var err error
	return func(src string) (*API, map[string][]byte, error) {
		once.Do(func() {
			api, files, err = Run(context.Background(), Options{Spec: src, Overlay: "overlay.json", Package: "halopsa"})
		})
		return api, files, err
	}
}()

// TestGeneratedFilesUpToDate regenerates the package from the real spec and
// the repository's overlay, in memory, and compares the result byte for
// byte with the committed generated files (those that start with Header) in
// the repository root, in halopsatest and in cmd/halopsa.
func TestGeneratedFilesUpToDate(t *testing.T) {
	src, ok := driftSpec(t)
	if !ok {
		if os.Getenv("HALOPSA_REQUIRE_SPEC") == "1" {
			t.Fatalf("spec %s not found, and HALOPSA_REQUIRE_SPEC=1 says the generated files must be checked", src)
		}
		t.Skipf("spec %s not found: set $HALOPSA_SPEC to Halo's OpenAPI spec to check the generated files", src)
	}
	_, files, err := generateReal(src)
	if err != nil {
		t.Fatalf("regenerate from %s: %v", src, err)
	}
	var committed []string
	for _, dir := range []string{repoRoot, filepath.Join(repoRoot, "halopsatest"), filepath.Join(repoRoot, "cmd", "halopsa")} {
		all, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range all {
			if IsGenerated(p) {
				committed = append(committed, p)
			}
		}
	}
	onDisk := map[string]bool{}
	var changed, missing, extra []string
	for _, p := range committed {
		rel, _ := filepath.Rel(repoRoot, p)
		name := filepath.ToSlash(rel)
		onDisk[name] = true
		want, ok := files[name]
		if !ok {
			extra = append(extra, name)
			continue
		}
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			changed = append(changed, name)
		}
	}
	for name := range files {
		if !onDisk[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	if len(changed)+len(missing)+len(extra) == 0 {
		return
	}
	var msg strings.Builder
	msg.WriteString("generated files are out of date with the generator, overlay.json or " + src + ":\n")
	for _, l := range []struct {
		what  string
		names []string
	}{
		{"differ", changed},
		{"missing", missing},
		{"no longer generated", extra},
	} {
		if len(l.names) > 0 {
			msg.WriteString("  " + l.what + ": " + strings.Join(l.names, ", ") + "\n")
		}
	}
	msg.WriteString("run `go generate ./...` in the repository root and commit the result")
	t.Error(msg.String())
}

// TestReadmeMatchesGenerator checks the README's table of response rules,
// and its count of untyped GETs, against what the generator reports for
// the shared spec.
func TestReadmeMatchesGenerator(t *testing.T) {
	src, ok := driftSpec(t)
	if !ok {
		if os.Getenv("HALOPSA_REQUIRE_SPEC") == "1" {
			t.Fatalf("spec %s not found, and HALOPSA_REQUIRE_SPEC=1 says the README must be checked", src)
		}
		t.Skipf("spec %s not found", src)
	}
	api, _, err := generateReal(src)
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	total := 0
	for _, src := range RespSources {
		row := fmt.Sprintf("| %s | %d |\n", src, api.RespCounts[src])
		if !strings.Contains(text, row) {
			t.Errorf("README lacks the row %q", strings.TrimSpace(row))
		}
		total += api.RespCounts[src]
	}
	if row := fmt.Sprintf("| **total** | **%d** |\n", total); !strings.Contains(text, row) {
		t.Errorf("README lacks the row %q", strings.TrimSpace(row))
	}
	gets, _, _ := api.Untyped()
	if want := fmt.Sprintf("Untyped `GET` operations: %d ", gets); !strings.Contains(text, want) {
		t.Errorf("README lacks %q", want)
	}
}

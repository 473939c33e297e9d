package gen

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// repoRoot is the module root, seen from this package's directory.
const repoRoot = "../.."

// coreFiles returns the names of the hand-written, non-test Go files of
// package halopsa in the repository root: everything the generated code is
// compiled with.
func coreFiles(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(repoRoot, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range paths {
		n := filepath.Base(p)
		if IsGenerated(p) || strings.HasSuffix(n, "_test.go") {
			continue
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		t.Fatalf("no hand-written Go files in %s", repoRoot)
	}
	return out
}

// extendsSection reports whether the hand-written file at path declares
// methods of a generated section (AttachmentAPI.Download): it needs the
// real spec's types, which the fixtures do not have.
func extendsSection(t *testing.T, path string) bool {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && strings.HasSuffix(recvName(fn), "API") {
			return true
		}
	}
	return false
}

// TestEmittedCodeCompiles builds the code generated from each fixture, with
// and without its overlay, together with the repository's hand-written core
// files: every shape the fixtures exercise (odd parameter kinds, forms,
// enums, binary results, list wrappers, renamed fields) must compile
// against the real runtime helpers. All four variants are packages of one
// temporary module, so a single `go build` checks them.
func TestEmittedCodeCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles four generated packages with the go tool; skipped in -short mode")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not in PATH")
	}
	dir := t.TempDir()
	for _, name := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(repoRoot, name))
		if err != nil {
			if name == "go.sum" && os.IsNotExist(err) {
				continue
			}
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, name), data)
	}
	core := coreFiles(t)
	for _, v := range fixtureVariants {
		pkgDir := filepath.Join(dir, v.dir)
		if err := os.Mkdir(pkgDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, n := range core {
			if extendsSection(t, filepath.Join(repoRoot, n)) {
				continue
			}
			data, err := os.ReadFile(filepath.Join(repoRoot, n))
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(pkgDir, n), data)
		}
		files := emitFixture(t, v.spec, v.overlay)
		for n, src := range files {
			if contains(core, n) {
				t.Fatalf("generated file %s has the name of a core file", n)
			}
			if n == fileCLI {
				writeCLI(t, filepath.Join(dir, v.dir+"cli"), v.dir, src)
				continue
			}
			if dir := filepath.Dir(n); dir != "." {
				// The fake's tables compile with the file declaring their
				// types, which imports nothing else of the fake.
				if err := os.MkdirAll(filepath.Join(pkgDir, dir), 0o755); err != nil {
					t.Fatal(err)
				}
				types, err := os.ReadFile(filepath.Join(repoRoot, dir, "routes.go"))
				if err != nil {
					t.Fatal(err)
				}
				writeFile(t, filepath.Join(pkgDir, dir, "routes.go"), types)
			}
			writeFile(t, filepath.Join(pkgDir, n), src)
		}
	}
	cmd := exec.Command(goTool, "build", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GOFLAGS="+strings.TrimSpace(os.Getenv("GOFLAGS")+" -mod=mod"),
		"GOWORK=off",
		"GOTOOLCHAIN=local",
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("generated code does not compile: %v\n%s", err, out)
	}
}

// writeCLI writes the CLI's table generated from a fixture into dir, as a
// command of its own: with the hand-written file that declares what the
// table uses (cmd/halopsa/table.go, which imports nothing else of the
// command), a stand-in main, and the library import pointed at the
// fixture's package.
func writeCLI(t *testing.T, dir, libDir string, table []byte) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	types, err := os.ReadFile(filepath.Join(repoRoot, "cmd", "halopsa", "table.go"))
	if err != nil {
		t.Fatal(err)
	}
	lib := []byte(strconv.Quote(libraryImport))
	fixture := []byte("halopsa " + strconv.Quote(libraryImport+"/"+libDir))
	writeFile(t, filepath.Join(dir, "table.go"), bytes.ReplaceAll(types, lib, fixture))
	writeFile(t, filepath.Join(dir, "ops_gen.go"), bytes.ReplaceAll(table, lib, fixture))
	writeFile(t, filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() { indexOps() }\n"))
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

package gen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fixtures under testdata are hand-written specs in the two shapes Halo
// serves (see testdata/old-shape.json and testdata/new-shape.json), each
// with a small overlay of its own.
const (
	oldSpec    = "old-shape.json"
	newSpec    = "new-shape.json"
	oldOverlay = "overlay-old.json"
	newOverlay = "overlay-new.json"
	// surfaceSpec exercises the rules about names people know: aliases,
	// getters, "(array of int)" parameters, ids typed as numbers, lists
	// found by shape, /me, generic Records, Lazy pins.
	surfaceSpec    = "surface.json"
	surfaceOverlay = "overlay-surface.json"
)

// fixtureVariants are the four inputs most tests run over.
var fixtureVariants = []struct {
	dir, spec, overlay string
}{
	{"oldplain", oldSpec, ""},
	{"oldoverlay", oldSpec, oldOverlay},
	{"newplain", newSpec, ""},
	{"newoverlay", newSpec, newOverlay},
	{"surface", surfaceSpec, surfaceOverlay},
}

// loadFixture parses a fixture spec afresh: Build patches the spec it is
// given, so every build needs its own copy.
func loadFixture(t *testing.T, name string) *Spec {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	spec, err := ParseSpec(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return spec
}

func loadTestOverlay(t *testing.T, name string) *Overlay {
	t.Helper()
	if name == "" {
		return nil
	}
	ov, err := LoadOverlay(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return ov
}

// buildFixture runs Build on a fresh copy of a fixture, with the named
// overlay ("" for none).
func buildFixture(t *testing.T, spec, overlay string) *API {
	t.Helper()
	api, err := Build(loadFixture(t, spec), loadTestOverlay(t, overlay))
	if err != nil {
		t.Fatalf("Build(%s, %q): %v", spec, overlay, err)
	}
	return api
}

// emitFixture runs Build and Emit on a fixture.
func emitFixture(t *testing.T, spec, overlay string) map[string][]byte {
	t.Helper()
	files, err := Emit(buildFixture(t, spec, overlay), "halopsa")
	if err != nil {
		t.Fatalf("Emit(%s, %q): %v", spec, overlay, err)
	}
	return files
}

func findOp(t *testing.T, api *API, method, path string) *Op {
	t.Helper()
	for _, op := range api.Ops {
		if op.Method == method && op.Path == path {
			return op
		}
	}
	t.Fatalf("no operation %s %s", method, path)
	return nil
}

func findSection(t *testing.T, api *API, wire string) *Section {
	t.Helper()
	for _, s := range api.Sections {
		if s.Wire == wire {
			return s
		}
	}
	t.Fatalf("no section %q", wire)
	return nil
}

func findType(t *testing.T, api *API, schema string) *Type {
	t.Helper()
	for _, ty := range api.Types {
		if ty.Schema == schema {
			return ty
		}
	}
	t.Fatalf("no type for schema %s", schema)
	return nil
}

func hasType(api *API, schema string) bool {
	for _, ty := range api.Types {
		if ty.Schema == schema {
			return true
		}
	}
	return false
}

func findField(t *testing.T, ty *Type, wire string) *Field {
	t.Helper()
	for _, f := range ty.Fields {
		if f.Wire == wire {
			return f
		}
	}
	t.Fatalf("type %s has no field for %q", ty.Name, wire)
	return nil
}

func findParam(t *testing.T, op *Op, wire string) *Param {
	t.Helper()
	var found *Param
	n := 0
	for _, p := range append(append([]*Param(nil), op.PathParams...), op.Query...) {
		if p.Wire == wire {
			found = p
			n++
		}
	}
	switch n {
	case 0:
		t.Fatalf("%s %s has no parameter %q", op.Method, op.Path, wire)
	case 1:
	default:
		t.Fatalf("%s %s has parameter %q %d times", op.Method, op.Path, wire, n)
	}
	return found
}

// warningsWith returns the warnings that contain every one of substrs.
func warningsWith(api *API, substrs ...string) []string {
	var out []string
next:
	for _, w := range api.Warnings {
		for _, s := range substrs {
			if !strings.Contains(w, s) {
				continue next
			}
		}
		out = append(out, w)
	}
	return out
}

// sourceOf returns the concatenated generated source, for substring checks.
func sourceOf(files map[string][]byte) string {
	var b strings.Builder
	for _, n := range sortedKeys(files) {
		b.Write(files[n])
	}
	return b.String()
}

// wantSource reports each snippet the generated source src lacks.
func wantSource(t *testing.T, src string, snippets ...string) {
	t.Helper()
	for _, s := range snippets {
		if !strings.Contains(src, s) {
			t.Errorf("generated code lacks %q", s)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	return keysOf(m)
}

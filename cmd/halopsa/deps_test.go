package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLibraryDependencies checks that the library does not depend on what
// the command uses: its import graph is the standard library and itself,
// as the README says. (golang.org/x modules are allowed by the project's
// rules; one added must be named here and in the README's Install.)
func TestLibraryDependencies(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go tool not in PATH")
	}
	out, err := exec.Command(goTool, "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "github.com/halopsa-go/halopsa").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) == 0 {
		t.Fatal("go list printed no package, not even the library")
	}
	for _, dep := range deps {
		if dep == "github.com/halopsa-go/halopsa" {
			continue
		}
		t.Errorf("the library depends on %s", dep)
	}
}

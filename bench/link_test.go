package bench

import (
	"bufio"
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestOneMethodLinksWhatItUses builds sizes/onemethod (a program calling
// GetTicketsByID) and asks the linker what it kept. The binary-size target
// rests on properties that a harmless-looking change can break: the code
// of a method the program does not call must not be linked (Client's type
// links every section type and its method names, but not their code); an
// eager field of a record type that can contain itself links the whole web
// of Halo's record types; a registry links everything.
// bench/run measures the bytes; this test names the cause when they grow.
func TestOneMethodLinksWhatItUses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	bin := filepath.Join(t.TempDir(), "onemethod")
	cmd := exec.Command("go", "build", "-ldflags=-dumpdep", "-o", bin, "./sizes/onemethod")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("go build: %v\n%s", err, tail(errOut.String()))
	}
	const pkg = "github.com/halopsa-go/halopsa."
	record := regexp.MustCompile(`^type:github\.com/halopsa-go/halopsa\.([A-Z]\w*)$`)
	reached := map[string]bool{}
	inIface := map[string]bool{} // types the linker saw stored in an interface
	types := map[string]bool{}
	sc := bufio.NewScanner(&errOut)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		_, to, ok := strings.Cut(sc.Text(), " -> ")
		if !ok {
			continue
		}
		to, marks, _ := strings.Cut(to, " ") // drop markers like <UsedInIface>
		reached[to] = true
		if strings.Contains(marks, "<UsedInIface>") {
			inIface[to] = true
		}
		if m := record.FindStringSubmatch(to); m != nil && !strings.HasSuffix(m[1], "API") {
			types[m[1]] = true
		}
	}
	if len(reached) < 1000 {
		t.Fatalf("the linker's dependency dump looks wrong (%d symbols)", len(reached))
	}
	for _, sym := range []string{
		pkg + "(*ActionsAPI).GetActions",    // a section the program does not use
		"type:" + pkg + "GetActionsParams",  // its params
		"type:" + pkg + "WorkflowTarget",    // reached only through a Lazy
		"type:" + pkg + "Users",             // the same
		"type:" + pkg + "TicketsView",       // a list the program does not read
		pkg + "(*TicketsAPI).GetTicketsAll", // a method it does not call
		pkg + "(*uploadBody).fill",          // streaming, behind interfaces: only with Upload
		pkg + "(*downloadTarget).copyFrom",  // and Download
	} {
		if reached[sym] {
			t.Errorf("the one-method program links %s", sym)
		}
	}
	// Getters: only the one the program calls (inlined, it shows as the
	// DWARF of its abstract function). Every model has one per pointer
	// field; linking them all would cost every program.
	getter := regexp.MustCompile(`halopsa\.\(\*(\w+)\)\.(Get\w+)`)
	called := false
	for sym := range reached {
		m := getter.FindStringSubmatch(sym)
		switch {
		case m == nil || strings.HasSuffix(m[1], "API"):
		case m[1] == "Faults" && m[2] == "GetSummary":
			called = true
		default:
			t.Errorf("the one-method program links a getter it does not call: %s", sym)
		}
	}
	// A record stored in an interface keeps its whole method table, every
	// getter's name with it, and so do the records it holds: 70 KB for
	// GetTicketsByID (request.into is why it is not).
	if inIface["type:*"+pkg+"Faults"] {
		t.Error("the one-method program stores *Faults in an interface: its method table is linked (see request.into)")
	}
	if !reached["type:"+pkg+"Faults"] || !called {
		t.Error("the one-method program does not link Faults and the getter it calls: is the test reading the dump right?")
	}
	// Exported types other than the sections (which Client names): the
	// records GetTicketsByID's record reaches, and a few non-records
	// (Config, errors). The bound leaves room for the spec to grow.
	if len(types) > 100 {
		t.Errorf("the one-method program links %d exported types", len(types))
	}
	t.Logf("%d exported types linked", len(types))
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}

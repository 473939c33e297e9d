package gen

import (
	"bytes"
	"strings"
	"testing"
)

func TestCLICommandNames(t *testing.T) {
	api := buildFixture(t, oldSpec, oldOverlay)
	for _, c := range []struct{ method, path, want string }{
		{"GET", "/Actions", "get"},
		{"GET", "/Actions/{id}", "get-by-id"},
		{"DELETE", "/Actions/{id}", "delete-by-id"},
		{"POST", "/Actions/Review", "post-review"},
		{"DELETE", "/TicketApproval/{id}&{seq}", "delete-by-id-by-seq"},
		{"POST", "/Automation/{runbookId}", "post-by-runbook-id"},
		{"GET", "/azureadconnection", "get"},
	} {
		if got := opCommand(findOp(t, api, c.method, c.path)); got != c.want {
			t.Errorf("%s %s: command %q, want %q", c.method, c.path, got, c.want)
		}
	}
	for in, want := range map[string]string{"get": "list", "get-by-id": "list-by-id", "post-view": "list-post-view"} {
		if got := listCommand(in); got != want {
			t.Errorf("listCommand(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCLIParamFlags checks the flags' names: kebab case of the Go field,
// named after where they go when that name is a global flag, unique.
func TestCLIParamFlags(t *testing.T) {
	op := &Op{Method: "GET", Path: "/X/{help}",
		PathParams: []*Param{{Wire: "help", Name: "Help", In: "path", Kind: PString}},
		Query: []*Param{
			{Wire: "client_id", Name: "ClientID", In: "query", Kind: PInt},
			{Wire: "debug", Name: "Debug", In: "query", Kind: PBool},
			{Wire: "output", Name: "Output", In: "query", Kind: PString, Required: true},
			{Wire: "ids", Name: "Ids", In: "query", Kind: PInts},
			{Wire: "query-debug", Name: "QueryDebug", In: "query", Kind: PString},
		},
	}
	var got []string
	for _, p := range cliParams(op) {
		got = append(got, p.flag+":"+p.setter)
	}
	want := []string{"path-help:req", "client-id:opt", "query-debug:opt", "query-output:req", "ids:list", "query-debug2:opt"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("flags %v, want %v", got, want)
	}
}

// TestCLISectionNames renames a section whose command would be one of the
// CLI's own.
func TestCLISectionNames(t *testing.T) {
	api := &API{}
	for _, field := range []string{"Api", "ClientContract", "Mcp"} {
		s := &Section{Wire: field, Field: field, TypeName: field + "API"}
		op := &Op{Section: s, Method: "GET", Path: "/" + field, Name: "Get" + field, ParamsType: "Get" + field + "Params", Resp: Resp{Kind: RespRaw}}
		s.Ops = []*Op{op}
		api.Sections = append(api.Sections, s)
		api.Ops = append(api.Ops, op)
	}
	var b bytes.Buffer
	emitCLI(api, &b)
	src := b.String()
	for _, want := range []string{`name: "api-section"`, `name: "client-contract"`, `name: "mcp-section"`} {
		if !strings.Contains(src, want) {
			t.Errorf("generated table lacks %s", want)
		}
	}
}

func TestLibType(t *testing.T) {
	for in, want := range map[string]string{
		"[]Faults":                   "[]halopsa.Faults",
		"*List[FaultsList]":          "*halopsa.List[halopsa.FaultsList]",
		"json.RawMessage":            "json.RawMessage",
		"map[string]json.RawMessage": "map[string]json.RawMessage",
		"map[string]Faults":          "map[string]halopsa.Faults",
		"*Time":                      "*halopsa.Time",
		"[]byte":                     "[]byte",
		"*int":                       "*int",
	} {
		if got := libType(in); got != want {
			t.Errorf("libType(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCLITableCoversEveryOperation checks the generated table: an entry
// and a call function for every operation, an iterator for every paged
// list, the companion for a POST of several records.
func TestCLITableCoversEveryOperation(t *testing.T) {
	for _, v := range fixtureVariants {
		api := buildFixture(t, v.spec, v.overlay)
		files, err := Emit(api, "halopsa")
		if err != nil {
			t.Fatal(err)
		}
		src := string(files[fileCLI])
		for _, op := range api.Ops {
			if !strings.Contains(src, "goName: \""+op.Name+"\"") || !strings.Contains(src, "c."+op.Section.Field+"."+op.Name+"(ctx, p)") {
				t.Errorf("%s: %s %s has no entry or call", v.dir, op.Method, op.Path)
			}
			if op.AllName != "" && !strings.Contains(src, "c."+op.Section.Field+"."+op.AllName+"(ctx, p)") {
				t.Errorf("%s: %s %s: iterator %s not called", v.dir, op.Method, op.Path, op.AllName)
			}
			if op.ManyName != "" && !strings.Contains(src, "c."+op.Section.Field+"."+op.ManyName+"(ctx, p)") {
				t.Errorf("%s: %s %s: %s not called", v.dir, op.Method, op.Path, op.ManyName)
			}
		}
	}
}

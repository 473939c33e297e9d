package gen

import (
	"encoding/json"
	"go/token"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestWords(t *testing.T) {
	for in, want := range map[string][]string{
		"ticket_id":           {"ticket", "id"},
		"runbookId":           {"runbook", "Id"},
		"file_stream.CanRead": {"file", "stream", "Can", "Read"},
		"2faemailallowed":     {"2faemailallowed"},
		"_signature":          {"signature"},
		"Faults_View":         {"Faults", "View"},
		"ticket2Id":           {"ticket2", "Id"},
		"HTTPServer":          {"HTTPServer"}, // no split inside an upper-case run
		"a--b  c":             {"a", "b", "c"},
		"List<int>":           {"List", "int"},
		"{id}&{seq}":          {"id", "seq"},
		"café_x":              {"caf", "x"}, // non-ASCII letters separate words
		"":                    nil,
		"__":                  nil,
	} {
		if got := words(in); !reflect.DeepEqual(got, want) {
			t.Errorf("words(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGoName(t *testing.T) {
	for in, want := range map[string]string{
		"ticket_id":           "TicketID",
		"id":                  "ID",
		"Id":                  "ID",
		"runbookId":           "RunbookID",
		"2faemailallowed":     "N2faemailallowed",
		"2":                   "N2",
		"action_contract_id":  "ActionContractID",
		"actioncontractid":    "Actioncontractid",
		"signature":           "Signature",
		"_signature":          "Signature",
		"validate":            "Validate",
		"file_stream.CanRead": "FileStreamCanRead",
		"Faults_View":         "FaultsView",
		"Faults_List":         "FaultsList",
		"api_url":             "APIURL",
		"sla_id":              "SLAID",
		"json_data":           "JSONData",
		"Html":                "HTML",
		"utf8":                "UTF8",
		"guid":                "GUID",
		"ids":                 "Ids",
		"type":                "Type",
		"azureadconnection":   "Azureadconnection",
		"x":                   "X",
		"":                    "X",
		"___":                 "X",
	} {
		if got := GoName(in); got != want {
			t.Errorf("GoName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzGoName checks that GoName always makes an exported Go identifier that
// is not a keyword, and is stable.
func FuzzGoName(f *testing.F) {
	for _, s := range []string{"", "2fa", "_signature", "a.b", "List<int>", "ñ", "\x00", "id", "ÿ9", "9_"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := GoName(s)
		if !token.IsIdentifier(n) || !token.IsExported(n) {
			t.Fatalf("GoName(%q) = %q: not an exported identifier", s, n)
		}
		if GoName(s) != n {
			t.Fatalf("GoName(%q) not stable", s)
		}
	})
}

func TestUpperFirst(t *testing.T) {
	for in, want := range map[string]string{
		"azureadconnection": "Azureadconnection",
		"create-webhook":    "Createwebhook",
		"TicketApproval":    "TicketApproval",
		"api_docs.v2":       "Apidocsv2",
		"2fa":               "2fa", // sections() adds the S prefix, not upperFirst
		"":                  "",
		"---":               "",
	} {
		if got := upperFirst(in); got != want {
			t.Errorf("upperFirst(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanDoc(t *testing.T) {
	for in, want := range map[string]string{
		"":          "",
		"  plain  ": "plain",
		"Lists actions.<br>Filtered by\tticket.\r\n": "Lists actions.\nFiltered by ticket.",
		"a<br/>b<br />c":             "a\nb\nc",
		"a\r\n\r\n\r\nb":             "a\nb",
		"many    spaces\t\tand tabs": "many spaces and tabs",
		"<br><br>":                   "",
	} {
		if got := cleanDoc(in); got != want {
			t.Errorf("cleanDoc(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUniqueNamer(t *testing.T) {
	u := newUniqueNamer("Extra")
	for _, c := range []struct {
		name, owner, want string
		renamed           bool
	}{
		{"Signature", "signature", "Signature", false},
		{"Signature", "_signature", "Signature2", true},
		{"Signature", "__signature", "Signature3", true},
		{"Extra", "extra", "Extra2", true},
		{"Signature2", "signature2", "Signature22", true},
		{"ID", "id", "ID", false},
	} {
		got, renamed := u.claim(c.name, c.owner)
		if got != c.want || renamed != c.renamed {
			t.Errorf("claim(%q) = %q, %v; want %q, %v", c.name, got, renamed, c.want, c.renamed)
		}
	}
	if u.taken["Extra"] != "(reserved)" || u.taken["Signature2"] != "_signature" {
		t.Errorf("taken = %v", u.taken)
	}
	// The same claims in the same order give the same names: the namer has
	// no state but its map, and never iterates it.
	seq := []string{"A", "B", "A", "A2", "A", "B", "C", "A"}
	run := func() []string {
		n := newUniqueNamer("C")
		var out []string
		for i, s := range seq {
			got, _ := n.claim(s, strconv.Itoa(i))
			out = append(out, got)
		}
		return out
	}
	first := run()
	if want := []string{"A", "B", "A2", "A22", "A3", "B2", "C2", "A4"}; !reflect.DeepEqual(first, want) {
		t.Errorf("claims = %v, want %v", first, want)
	}
	for i := 0; i < 20; i++ {
		if got := run(); !reflect.DeepEqual(got, first) {
			t.Fatalf("run %d: %v, first run %v", i, got, first)
		}
	}
	// Many clashes: suffixes past 9 are decimal.
	n := newUniqueNamer()
	var last string
	for i := 0; i < 12; i++ {
		last, _ = n.claim("X", "")
	}
	if last != "X12" {
		t.Errorf("12th claim of X = %q, want X12", last)
	}
}

func TestItoa(t *testing.T) {
	for _, i := range []int{0, 1, 9, 10, 11, 99, 100, 12345} {
		if got := itoa(i); got != strconv.Itoa(i) {
			t.Errorf("itoa(%d) = %q", i, got)
		}
	}
}

func TestParamKind(t *testing.T) {
	sch := func(typ, format string) *Schema { return &Schema{Type: typ, Format: format} }
	for _, c := range []struct {
		p    Parameter
		want ParamKind
	}{
		// Halo's non-OpenAPI types.
		{Parameter{Schema: sch("bool", "")}, PBool},
		{Parameter{Schema: sch("int", "")}, PInt},
		{Parameter{Schema: sch("double", "")}, PFloat},
		{Parameter{Schema: sch("List<int>", "")}, PInts},
		{Parameter{Schema: sch("DateTime", "")}, PTime},
		{Parameter{Schema: sch("obj", "")}, PString},
		// OpenAPI types.
		{Parameter{Schema: sch("boolean", "")}, PBool},
		{Parameter{Schema: sch("integer", "int32")}, PInt},
		{Parameter{Schema: sch("integer", "int64")}, PInt64},
		{Parameter{Schema: sch("int", "int64")}, PInt64},
		{Parameter{Schema: sch("number", "double")}, PFloat},
		{Parameter{Schema: sch("number", "float")}, PFloat},
		{Parameter{Schema: sch("string", "")}, PString},
		{Parameter{Schema: sch("string", "uuid")}, PString},
		{Parameter{Schema: sch("string", "date-time")}, PTime},
		{Parameter{Schema: sch("string", "byte")}, PString},
		{Parameter{Schema: &Schema{Type: "array", Items: sch("integer", "int32")}}, PInts},
		{Parameter{Schema: &Schema{Type: "array", Items: sch("string", "")}}, PStrings},
		// No type: the description's "(type)" prefix decides.
		{Parameter{Description: "(int) The agent"}, PInt},
		{Parameter{Description: "  (bool) Include closed"}, PBool},
		{Parameter{Description: "(double) Offset"}, PFloat},
		{Parameter{Description: "(string) Search"}, PString},
		{Parameter{Description: "The agent (int)"}, PString},
		{Parameter{}, PString},
		{Parameter{Description: "(int) typed elsewhere", Schema: &Schema{}}, PInt},
		{Parameter{Description: "(int) but a string", Schema: sch("string", "")}, PString},
	} {
		if got := paramKind(&c.p); got != c.want {
			s, _ := json.Marshal(c.p.Schema)
			t.Errorf("paramKind(schema %s, description %q) = %d, want %d", s, c.p.Description, got, c.want)
		}
	}
}

func TestMethodName(t *testing.T) {
	for _, c := range []struct{ method, path, want string }{
		{"get", "/Tickets", "GetTickets"},
		{"get", "/Actions/{id}", "GetActionsByID"},
		{"post", "/Actions/Review", "PostActionsReview"},
		{"delete", "/TicketApproval/{id}&{seq}", "DeleteTicketApprovalByIDBySeq"},
		{"post", "/Automation/{runbookId}", "PostAutomationByRunbookID"},
		{"get", "/azureadconnection", "GetAzureadconnection"},
		{"get", "/Webhook/create-webhook", "GetWebhookCreatewebhook"},
		{"patch", "/X/{id}/sub", "PatchXByIDSub"},
		{"PUT", "/X/", "PutX"},
	} {
		if got := methodName(c.method, c.path); got != c.want {
			t.Errorf("methodName(%s, %s) = %s, want %s", c.method, c.path, got, c.want)
		}
	}
}

func TestSectionOf(t *testing.T) {
	for in, want := range map[string]string{
		"/Tickets":                   "Tickets",
		"/Tickets/{id}":              "Tickets",
		"/TicketApproval/{id}&{seq}": "TicketApproval",
		"/":                          "",
	} {
		if got := sectionOf(in); got != want {
			t.Errorf("sectionOf(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestJSONKeyLiteral checks the Go literal of an encoded JSON key: a Go
// string literal holding a JSON string that decodes to the key, then a colon.
func TestJSONKeyLiteral(t *testing.T) {
	for _, wire := range []string{"id", "2faemailallowed", "file_stream.CanRead", `a"b`, `back\slash`, "tick`tick", "tab\there", "cr\rhere"} {
		lit := jsonKeyLiteral(wire)
		got, err := strconv.Unquote(lit)
		if err != nil {
			t.Errorf("jsonKeyLiteral(%q) = %s: not a Go string literal: %v", wire, lit, err)
			continue
		}
		key, ok := strings.CutSuffix(got, ":")
		var back string
		if !ok || json.Unmarshal([]byte(key), &back) != nil || back != wire {
			t.Errorf("jsonKeyLiteral(%q) holds %q: not the JSON key and a colon", wire, got)
		}
	}
	if got := jsonKeyLiteral("id"); got != "`\"id\":`" {
		t.Errorf("jsonKeyLiteral(id) = %s, want a raw string literal", got)
	}
}

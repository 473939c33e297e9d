package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/halopsa-go/halopsa"
	"github.com/halopsa-go/halopsa/halopsatest"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// mcpSession connects the SDK's own client to a server for srv over an
// in-memory transport.
func mcpSession(t *testing.T, srv *halopsatest.Server, configure func(*mcpServer)) *mcp.ClientSession {
	t.Helper()
	c, err := halopsa.New(srv.Config())
	if err != nil {
		t.Fatal(err)
	}
	s := &mcpServer{client: c, budget: defaultResultBudget}
	if configure != nil {
		configure(s)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	st, ct := mcp.NewInMemoryTransports()
	ss, err := s.newServer().Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// callTool calls a tool and returns its text and whether it is an error.
func callTool(t *testing.T, cs *mcp.ClientSession, name string, args any) (string, bool) {
	t.Helper()
	res, err := cs.CallTool(context.Background(), &mcp.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var text strings.Builder
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			text.WriteString(tc.Text)
		}
	}
	return text.String(), res.IsError
}

// callJSON calls a tool that must succeed and decodes its JSON.
func callJSON[T any](t *testing.T, cs *mcp.ClientSession, name string, args any) T {
	t.Helper()
	text, isErr := callTool(t, cs, name, args)
	if isErr {
		t.Fatalf("%s: tool error: %s", name, text)
	}
	var out T
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		t.Fatalf("%s: result is not JSON: %v\n%s", name, err, text)
	}
	return out
}

func TestMCPListsTools(t *testing.T) {
	cs := mcpSession(t, halopsatest.NewServer(t), nil)
	res, err := cs.ListTools(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
		if tool.Description == "" || tool.InputSchema == nil {
			t.Errorf("tool %s lacks a description or input schema", tool.Name)
		}
	}
	want := []string{"add_ticket_note", "call_operation", "describe_operation", "get_ticket", "list_tickets", "search_clients", "search_operations"}
	slices.Sort(names)
	if !slices.Equal(names, want) {
		t.Errorf("tools %v, want %v", names, want)
	}
}

func TestMCPSearch(t *testing.T) {
	cs := mcpSession(t, halopsatest.NewServer(t), nil)
	for _, c := range []struct{ query, want string }{
		{"get ticket by id", "Tickets.GetTicketsByID"},
		{"list tickets", "Tickets.GetTickets"},
		{"delete client contract", "ClientContract.DeleteClientContractByID"},
		{"review actions", "Actions.PostActionsReview"},
	} {
		out := callJSON[struct{ Results []opSummary }](t, cs, "search_operations", map[string]any{"query": c.query, "limit": 5})
		var got []string
		for _, r := range out.Results {
			got = append(got, r.Operation)
			if r.Method == "" || r.Path == "" {
				t.Errorf("%q: result %+v lacks method or path", c.query, r)
			}
		}
		if !slices.Contains(got, c.want) {
			t.Errorf("search %q: %v, want %s among them", c.query, got, c.want)
		}
	}
	out := callJSON[struct{ Results []opSummary }](t, cs, "search_operations", map[string]any{"query": "tickets", "limit": 3})
	if len(out.Results) != 3 {
		t.Errorf("limit 3: %d results", len(out.Results))
	}
}

// described is what describe_operation returns, as a test reads it.
type described struct {
	Operation string
	Method    string
	Params    []paramInfo
	Result    map[string]any
	Body      map[string]any
	Refused   string
}

func TestMCPDescribe(t *testing.T) {
	cs := mcpSession(t, halopsatest.NewServer(t), nil)
	d := callJSON[described](t, cs, "describe_operation", map[string]any{"operation": "Tickets.GetTicketsByID"})
	if d.Method != "GET" || len(d.Params) == 0 || d.Params[0] != (paramInfo{Name: "id", In: "path", Type: "int", Required: true}) {
		t.Errorf("describe GetTicketsByID: %+v", d)
	}
	props, _ := d.Result["properties"].(map[string]any)
	if d.Result["type"] != "object" || props["summary"] == nil || props["dateoccurred"].(map[string]any)["format"] != "date-time" {
		t.Errorf("result schema: %v", d.Result)
	}
	d = callJSON[described](t, cs, "describe_operation", map[string]any{"operation": "Tickets.PostTickets"})
	if d.Body["type"] != "array" || !strings.Contains(d.Refused, "--allow-write") {
		t.Errorf("describe PostTickets: body %v, refused %q", d.Body, d.Refused)
	}
	if text, isErr := callTool(t, cs, "describe_operation", map[string]any{"operation": "Tickets.GetTicketByID"}); !isErr || !strings.Contains(text, "Tickets.GetTicketsByID") {
		t.Errorf("unknown operation: %v %q", isErr, text)
	}
}

// TestDescribeFitsTheBudget describes every operation within the default
// result budget.
func TestDescribeFitsTheBudget(t *testing.T) {
	s := &mcpServer{budget: defaultResultBudget}
	for _, op := range allOps() {
		out, err := s.describe(context.Background(), describeInput{op.fullName()})
		if err != nil || len(out) > s.budget {
			t.Errorf("%s: %d bytes, %v", op.fullName(), len(out), err)
		}
	}
}

func TestMCPCall(t *testing.T) {
	srv := halopsatest.NewServer(t)
	cs := mcpSession(t, srv, nil)
	out := callJSON[callOutput](t, cs, "call_operation", map[string]any{"operation": "Tickets.GetTicketsByID", "params": map[string]any{"id": 3}})
	var rec map[string]any
	if err := json.Unmarshal(out.Result, &rec); err != nil || rec["id"] != float64(3) {
		t.Errorf("GetTicketsByID 3: %s (%v)", out.Result, err)
	}
	// Ids as agents send them: "3", 3.0.
	for _, id := range []any{"3", 3.0} {
		out = callJSON[callOutput](t, cs, "call_operation", map[string]any{"operation": "Tickets.GetTicketsByID", "params": map[string]any{"id": id}, "fields": []string{"id", "summary"}})
		if string(out.Result) != `{"id":3,"summary":"Phone system down"}` && !strings.HasPrefix(string(out.Result), `{"id":3,"summary":`) {
			t.Errorf("id %v: %s", id, out.Result)
		}
	}
	if text, isErr := callTool(t, cs, "call_operation", map[string]any{"operation": "Tickets.GetTicketsByID", "params": map[string]any{"id": 99999}}); !isErr || !strings.Contains(text, "404") {
		t.Errorf("404: %v %q", isErr, text)
	}
	if text, isErr := callTool(t, cs, "call_operation", map[string]any{"operation": "Tickets.GetTicketsByID"}); !isErr || !strings.Contains(text, "id is required") {
		t.Errorf("missing id: %v %q", isErr, text)
	}
	if text, isErr := callTool(t, cs, "call_operation", map[string]any{"operation": "Tickets.GetTicketsByID", "params": map[string]any{"id": 3, "bogus": 1}}); !isErr || !strings.Contains(text, "bogus") {
		t.Errorf("unknown parameter: %v %q", isErr, text)
	}
	if text, isErr := callTool(t, cs, "call_operation", map[string]any{"operation": "Tickets.GetTicketsByID", "params": map[string]any{"id": "three"}}); !isErr || !strings.Contains(text, "id") {
		t.Errorf("bad id: %v %q", isErr, text)
	}
	ticket := callJSON[callOutput](t, cs, "get_ticket", map[string]any{"id": 2})
	if !strings.Contains(string(ticket.Result), `"id":2`) {
		t.Errorf("get_ticket: %s", ticket.Result)
	}
	clients := callJSON[callOutput](t, cs, "search_clients", map[string]any{"search": ""})
	if len(clients.Records) == 0 || !strings.Contains(string(clients.Records[0]), `"name"`) {
		t.Errorf("search_clients: %+v", clients)
	}
}

// TestMCPPaging pages a list larger than a page, and a list Halo sends
// whole, and keeps a result within the size budget.
func TestMCPPaging(t *testing.T) {
	srv := halopsatest.NewServer(t)
	total := srv.RecordCount("Tickets")
	cs := mcpSession(t, srv, nil)
	seen := map[float64]bool{}
	page := 1
	for ; page < 100; page++ {
		out := callJSON[callOutput](t, cs, "call_operation", map[string]any{"operation": "Tickets.GetTickets", "page": page, "page_size": 50, "fields": []string{"id"}})
		if out.RecordCount == nil || *out.RecordCount != total || out.PageSize != 50 {
			t.Fatalf("page %d: record_count %v, page_size %d", page, out.RecordCount, out.PageSize)
		}
		for _, r := range out.Records {
			var rec struct{ ID float64 }
			json.Unmarshal(r, &rec)
			if seen[rec.ID] {
				t.Errorf("record %v on two pages", rec.ID)
			}
			seen[rec.ID] = true
		}
		if out.NextPage == 0 {
			break
		}
		if out.NextPage != page+1 || !strings.Contains(out.Note, "more") {
			t.Errorf("page %d: next_page %d, note %q", page, out.NextPage, out.Note)
		}
	}
	if len(seen) != total || page != (total+49)/50 {
		t.Errorf("%d records over %d pages, want %d", len(seen), page, total)
	}
	// list_tickets pages the same way, with a small default set of fields.
	lt := callJSON[callOutput](t, cs, "list_tickets", map[string]any{"page_size": 5})
	if len(lt.Records) != 5 || lt.NextPage != 2 || !strings.Contains(string(lt.Records[0]), `"summary"`) {
		t.Errorf("list_tickets: %+v", lt)
	}

	// A small budget: fewer records, and the result says so.
	small := mcpSession(t, srv, func(s *mcpServer) { s.budget = 4096 })
	text, isErr := callTool(t, small, "call_operation", map[string]any{"operation": "Tickets.GetTickets", "page_size": 100})
	if isErr || len(text) > 4096 {
		t.Fatalf("budget 4096: %d bytes (error %v)", len(text), isErr)
	}
	var out callOutput
	json.Unmarshal([]byte(text), &out)
	if len(out.Records) == 0 || len(out.Records) >= 100 || !strings.Contains(out.Note, "budget") {
		t.Errorf("budget: %d records, note %q", len(out.Records), out.Note)
	}
}

// TestMCPPagesWholeLists pages a list Halo sends whole (a bare array) on
// the server side.
func TestMCPPagesWholeLists(t *testing.T) {
	srv := halopsatest.NewServer(t)
	cs := mcpSession(t, srv, nil)
	first := callJSON[callOutput](t, cs, "call_operation", map[string]any{"operation": "Status.GetStatus", "page_size": 2})
	if first.RecordCount == nil || *first.RecordCount <= 2 || len(first.Records) != 2 || first.NextPage != 2 {
		t.Fatalf("Status page 1: %+v", first)
	}
	second := callJSON[callOutput](t, cs, "call_operation", map[string]any{"operation": "Status.GetStatus", "page_size": 2, "page": 2})
	if len(second.Records) == 0 || string(second.Records[0]) == string(first.Records[0]) {
		t.Errorf("Status page 2: %+v", second)
	}
}

func TestMCPRefusesWrites(t *testing.T) {
	srv := halopsatest.NewServer(t)
	before := srv.RecordCount("Tickets")
	ro := mcpSession(t, srv, nil)
	for _, c := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{"call_operation", map[string]any{"operation": "Tickets.PostTickets", "body": map[string]any{"summary": "x"}}, "--allow-write"},
		{"call_operation", map[string]any{"operation": "Tickets.DeleteTicketsByID", "params": map[string]any{"id": 1}}, "--allow-delete"},
		{"add_ticket_note", map[string]any{"ticket_id": 1, "note": "hello"}, "--allow-write"},
	} {
		if text, isErr := callTool(t, ro, c.tool, c.args); !isErr || !strings.Contains(text, c.want) {
			t.Errorf("read-only %s %v: %v %q", c.tool, c.args["operation"], isErr, text)
		}
	}
	rw := mcpSession(t, srv, func(s *mcpServer) { s.allowWrite = true })
	if text, isErr := callTool(t, rw, "call_operation", map[string]any{"operation": "Tickets.DeleteTicketsByID", "params": map[string]any{"id": 1}}); !isErr || !strings.Contains(text, "--allow-delete") {
		t.Errorf("delete with --allow-write only: %v %q", isErr, text)
	}
	if srv.RecordCount("Tickets") != before {
		t.Fatalf("a refused call changed the tenant")
	}
	created := callJSON[callOutput](t, rw, "call_operation", map[string]any{"operation": "Tickets.PostTickets", "body": map[string]any{"summary": "from an agent"}})
	if !strings.Contains(string(created.Result), "from an agent") || srv.RecordCount("Tickets") != before+1 {
		t.Errorf("write with --allow-write: %s", created.Result)
	}
	note := callJSON[callOutput](t, rw, "add_ticket_note", map[string]any{"ticket_id": 1, "note": "called the user"})
	if !strings.Contains(string(note.Result), "called the user") {
		t.Errorf("add_ticket_note: %s", note.Result)
	}
	rwd := mcpSession(t, srv, func(s *mcpServer) { s.allowWrite, s.allowDelete = true, true })
	callJSON[callOutput](t, rwd, "call_operation", map[string]any{"operation": "Tickets.DeleteTicketsByID", "params": map[string]any{"id": 1}})
	if _, ok := srv.Record("Tickets", 1); ok {
		t.Error("ticket 1 not deleted with --allow-delete")
	}
}

// TestMCPNoSecrets checks that no tool result carries the client secret or
// the bearer token, errors included.
func TestMCPNoSecrets(t *testing.T) {
	srv := halopsatest.NewServer(t)
	cs := mcpSession(t, srv, nil)
	var all strings.Builder
	for _, c := range []struct {
		tool string
		args map[string]any
	}{
		{"call_operation", map[string]any{"operation": "Tickets.GetTicketsByID", "params": map[string]any{"id": 99999}}},
		{"call_operation", map[string]any{"operation": "Tickets.GetTickets"}},
		{"describe_operation", map[string]any{"operation": "Tickets.GetTickets"}},
	} {
		text, _ := callTool(t, cs, c.tool, c.args)
		all.WriteString(text)
	}
	srv.ExpireTokens()
	text, _ := callTool(t, cs, "get_ticket", map[string]any{"id": 1})
	all.WriteString(text)
	for _, secret := range []string{srv.ClientSecret, "Bearer", "access_token"} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("a tool result holds %q", secret)
		}
	}
}

// TestBinaryMCPStdio runs halopsa mcp as an MCP client starts it: over
// stdin and stdout, through the SDK's command transport.
func TestBinaryMCPStdio(t *testing.T) {
	srv := halopsatest.NewServer(t)
	cmd := exec.Command(binary, "mcp")
	cmd.Env = append(baseEnv(t), fakeEnv(srv)...)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, &mcp.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	out := callJSON[callOutput](t, cs, "get_ticket", map[string]any{"id": 3, "fields": []string{"id"}})
	if string(out.Result) != `{"id":3}` {
		t.Errorf("get_ticket over stdio: %s", out.Result)
	}
	if text, isErr := callTool(t, cs, "call_operation", map[string]any{"operation": "Tickets.PostTickets", "body": []any{}}); !isErr || !strings.Contains(text, "--allow-write") {
		t.Errorf("write over stdio: %v %q", isErr, text)
	}
}

// TestBinaryMCPHTTP serves streamable HTTP on a loopback port, and refuses
// any other address.
func TestBinaryMCPHTTP(t *testing.T) {
	srv := halopsatest.NewServer(t)
	cmd := exec.Command(binary, "mcp", "--http", "127.0.0.1:0")
	cmd.Env = append(baseEnv(t), fakeEnv(srv)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(stderr).ReadString('\n')
	if err != nil {
		t.Fatalf("no address printed: %v", err)
	}
	i := strings.Index(line, "http://")
	if i < 0 {
		t.Fatalf("no address in %q", line)
	}
	go io.Copy(io.Discard, stderr)
	endpoint := strings.TrimSpace(line[i:])
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, &mcp.StreamableClientTransport{Endpoint: endpoint}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	res := callJSON[struct{ Results []opSummary }](t, cs, "search_operations", map[string]any{"query": "ticket"})
	if len(res.Results) == 0 {
		t.Error("search over HTTP found nothing")
	}

	if r := cli(t, fakeEnv(srv), "", "mcp", "--http", "0.0.0.0:0"); r.code != 2 || !strings.Contains(r.stderr, "loopback") {
		t.Errorf("--http 0.0.0.0:0: exit %d, %q", r.code, r.stderr)
	}
	if r := cli(t, fakeEnv(srv), "", "mcp", "--allow-delete"); r.code != 2 || !strings.Contains(r.stderr, "--allow-write") {
		t.Errorf("--allow-delete alone: exit %d, %q", r.code, r.stderr)
	}
}

func TestJSONParam(t *testing.T) {
	for _, c := range []struct {
		kind paramKind
		in   string
		want any
	}{
		{kInt, `21`, 21},
		{kInt, `21.0`, 21},
		{kInt, `"21"`, 21},
		{kInt64, `9007199254740993`, int64(9007199254740993)},
		{kBool, `true`, true},
		{kBool, `"false"`, false},
		{kString, `12`, "12"},
		{kFloat, `"2.5"`, 2.5},
		{kInts, `[1, 2]`, []int{1, 2}},
		{kInts, `5`, []int{5}},
		{kInts, `"1,2"`, []int{1, 2}},
		{kStrings, `["a", "b"]`, []string{"a", "b"}},
	} {
		got, err := jsonParam(param{kind: c.kind}, json.RawMessage(c.in))
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("jsonParam(%v, %s) = %#v, %v; want %#v", c.kind, c.in, got, err, c.want)
		}
	}
	for _, c := range []struct {
		kind paramKind
		in   string
	}{{kInt, `21.5`}, {kInt, `{}`}, {kBool, `[true]`}, {kInts, `[{}]`}, {kFile, `"/etc/passwd"`}, {kPairs, `[1]`}} {
		if _, err := jsonParam(param{kind: c.kind}, json.RawMessage(c.in)); err == nil {
			t.Errorf("jsonParam(%v, %s): no error", c.kind, c.in)
		}
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, ok := range []string{"127.0.0.1:8765", "[::1]:0", "localhost:9000"} {
		if err := checkLoopback(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"0.0.0.0:8765", ":8765", "192.168.1.2:80", "example.com:80", "nonsense"} {
		if err := checkLoopback(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestSearchWords(t *testing.T) {
	if got := searchWords("Tickets.GetTicketsByID client-contract"); !slices.Equal(got, []string{"tickets", "get", "tickets", "by", "id", "client", "contract"}) {
		t.Errorf("searchWords = %v", got)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/halopsa-go/halopsa"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/spf13/cobra"
)

// The MCP server offers a few tools rather than one per operation (agents
// do worse with long tool lists): search_operations finds operations,
// describe_operation explains one, call_operation calls it; a few task
// tools cover what agents are asked most. It is read-only unless started
// with --allow-write (and --allow-delete for deletes).

// Defaults of the MCP server's result paging and size budget.
const (
	defaultPageSize     = 20
	maxPageSize         = 100
	defaultResultBudget = 60 << 10
	defaultSearchLimit  = 10
	maxSearchLimit      = 50
)

// mcpServer serves the API's operations as MCP tools.
type mcpServer struct {
	client      *halopsa.Client
	allowWrite  bool
	allowDelete bool
	budget      int // most bytes of JSON a tool result holds
}

func (a *app) mcpCommand() *cobra.Command {
	var httpAddr string
	s := &mcpServer{}
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve the API to AI agents over the Model Context Protocol (stdio, or --http)",
		Long: `Serve the API over the Model Context Protocol: on stdin and stdout (what MCP
clients start), or with --http ADDR as streamable HTTP on a loopback address.

Tools: search_operations, describe_operation and call_operation reach every
operation; get_ticket, list_tickets, search_clients and add_ticket_note are
shortcuts for common tasks. Lists come back a page at a time, within a size
budget (--max-result-bytes).

The server is read-only: an operation that writes (POST, PUT, PATCH) is
refused unless it was started with --allow-write, and DELETE needs
--allow-delete as well. Credentials are read as for every command; they never
appear in tool results.

  claude mcp add halopsa -e HALO_COMPANY_URL=... -- halopsa mcp`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if s.allowDelete && !s.allowWrite {
				return inputErrorf("--allow-delete needs --allow-write: a DELETE is a write")
			}
			if s.budget < 1024 {
				return inputErrorf("--max-result-bytes %d: at least 1024", s.budget)
			}
			if httpAddr != "" {
				if err := checkLoopback(httpAddr); err != nil {
					return err
				}
			}
			c, err := a.client(cmd.Context())
			if err != nil {
				return err
			}
			s.client = c
			srv := s.newServer()
			if httpAddr == "" {
				err := srv.Run(cmd.Context(), &mcp.IOTransport{Reader: io.NopCloser(a.stdin), Writer: nopWriteCloser{a.stdout}})
				if err != nil && cmd.Context().Err() == nil {
					return asRunError(err)
				}
				return nil
			}
			return asRunError(a.serveHTTP(cmd.Context(), httpAddr, srv))
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&httpAddr, "http", "", "serve streamable HTTP on this loopback address (127.0.0.1:8765) instead of stdio")
	fs.BoolVar(&s.allowWrite, "allow-write", false, "allow operations that write (POST, PUT, PATCH)")
	fs.BoolVar(&s.allowDelete, "allow-delete", false, "allow DELETE operations as well (needs --allow-write)")
	fs.IntVar(&s.budget, "max-result-bytes", defaultResultBudget, "most bytes of JSON in one tool result")
	return cmd
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// checkLoopback refuses addresses other machines can reach: the server
// has no authentication of its own, and holds the tenant's credentials.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return inputErrorf("--http %s: %v", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return inputErrorf("--http %s: not a loopback address; the MCP server has no authentication of its own, so it listens on 127.0.0.1 or ::1 only", addr)
}

func (a *app) serveHTTP(ctx context.Context, addr string, srv *mcp.Server) error {
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: http.NewCrossOriginProtection().Handler(h), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(a.stderr, "MCP server (streamable HTTP) on http://%s/\n", l.Addr())
	done := make(chan error, 1)
	go func() { done <- hs.Serve(l) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return hs.Shutdown(shut)
	}
}

// Tool inputs. Their JSON Schemas are derived by the SDK.
type (
	searchInput struct {
		Query string `json:"query" jsonschema:"words to look for in operation names, paths and summaries, e.g. 'ticket actions' or 'delete client'"`
		Limit int    `json:"limit,omitempty" jsonschema:"most results (default 10, at most 50)"`
	}
	describeInput struct {
		Operation string `json:"operation" jsonschema:"an operation's name, as search_operations gives it: Tickets.GetTicketsByID"`
	}
	callInput struct {
		Operation string                     `json:"operation" jsonschema:"an operation's name, as search_operations gives it: Tickets.GetTicketsByID"`
		Params    map[string]json.RawMessage `json:"params,omitempty" jsonschema:"parameters by Halo's name (describe_operation lists them), e.g. {\"id\": 123} or {\"client_id\": 12, \"open_only\": true}"`
		Body      json.RawMessage            `json:"body,omitempty" jsonschema:"the request body, for operations that take one (describe_operation gives its schema)"`
		Page      int                        `json:"page,omitempty" jsonschema:"page of a list to return, from 1 (default 1)"`
		PageSize  int                        `json:"page_size,omitempty" jsonschema:"records per page of a list (default 20, at most 100)"`
		Fields    []string                   `json:"fields,omitempty" jsonschema:"fields of each record to return, by Halo's names (id, summary, client_name); default all"`
	}
	getTicketInput struct {
		ID             int      `json:"id" jsonschema:"the ticket's id"`
		IncludeDetails bool     `json:"include_details,omitempty" jsonschema:"include the ticket's related objects"`
		Fields         []string `json:"fields,omitempty" jsonschema:"fields to return, by Halo's names; default all"`
	}
	listTicketsInput struct {
		ClientID *int     `json:"client_id,omitempty" jsonschema:"only this client's tickets"`
		AgentID  *int     `json:"agent_id,omitempty" jsonschema:"only tickets of this agent"`
		StatusID *int     `json:"status_id,omitempty" jsonschema:"only tickets in this status"`
		OpenOnly bool     `json:"open_only,omitempty" jsonschema:"only open tickets"`
		Search   string   `json:"search,omitempty" jsonschema:"text to search for"`
		Page     int      `json:"page,omitempty" jsonschema:"page to return, from 1 (default 1)"`
		PageSize int      `json:"page_size,omitempty" jsonschema:"tickets per page (default 20, at most 100)"`
		Fields   []string `json:"fields,omitempty" jsonschema:"fields of each ticket, by Halo's names (default: id, summary, client, status, agent, dates)"`
	}
	searchClientsInput struct {
		Search   string   `json:"search" jsonschema:"text to search for in clients' names"`
		Page     int      `json:"page,omitempty" jsonschema:"page to return, from 1 (default 1)"`
		PageSize int      `json:"page_size,omitempty" jsonschema:"clients per page (default 20, at most 100)"`
		Fields   []string `json:"fields,omitempty" jsonschema:"fields of each client (default: id, name, toplevel_name, inactive)"`
	}
	addNoteInput struct {
		TicketID       int    `json:"ticket_id" jsonschema:"the ticket's id"`
		Note           string `json:"note" jsonschema:"the note's text (HTML is allowed)"`
		Outcome        string `json:"outcome,omitempty" jsonschema:"the action's outcome, as configured in Halo (default: Private Note when hidden from the user, else Note)"`
		HiddenFromUser bool   `json:"hidden_from_user,omitempty" jsonschema:"hide the note from the end user"`
	}
)

// Default fields of the task tools' lists, to keep results small.
var (
	ticketListFields = []string{"id", "summary", "client_id", "client_name", "status_id", "agent_id", "priority_id", "dateoccurred", "lastactiondate"}
	clientListFields = []string{"id", "name", "toplevel_name", "inactive"}
)

func (s *mcpServer) newServer() *mcp.Server {
	srv := mcp.NewServer(&mcp.Implementation{Name: "halopsa", Title: "HaloPSA", Version: halopsa.Version}, &mcp.ServerOptions{
		Instructions: "Tools for a HaloPSA tenant (" + specTitle + " " + specVersion + "). Find an operation with search_operations, " +
			"read its parameters with describe_operation, and run it with call_operation; get_ticket, list_tickets, " +
			"search_clients and add_ticket_note are shortcuts. " + s.writePolicy(),
	})
	readOnly := &mcp.ToolAnnotations{ReadOnlyHint: true, OpenWorldHint: ptr(true)}
	addTool(srv, &mcp.Tool{Name: "search_operations", Annotations: readOnly,
		Description: "Find HaloPSA API operations by words in their name, path and summary, best first. Each result's operation name is what describe_operation and call_operation take."},
		s.search)
	addTool(srv, &mcp.Tool{Name: "describe_operation", Annotations: readOnly,
		Description: "Describe one operation: its parameters (Halo's names, types, required or not), and its body and result as JSON Schema."},
		s.describe)
	addTool(srv, &mcp.Tool{Name: "call_operation", Annotations: &mcp.ToolAnnotations{ReadOnlyHint: !s.allowWrite, DestructiveHint: ptr(s.allowDelete), OpenWorldHint: ptr(true)},
		Description: "Call one operation with its parameters (by Halo's names) and body, and return its JSON result. Lists come back a page at a time (page, page_size) within a size budget; the result says when there is more. " + s.writePolicy()},
		s.callTool)
	addTool(srv, &mcp.Tool{Name: "get_ticket", Annotations: readOnly,
		Description: "Get one ticket by id (GET /Tickets/{id})."}, s.getTicket)
	addTool(srv, &mcp.Tool{Name: "list_tickets", Annotations: readOnly,
		Description: "List tickets, newest first, filtered by client, agent, status, open or not, or search text (GET /Tickets); a page at a time."},
		s.listTickets)
	addTool(srv, &mcp.Tool{Name: "search_clients", Annotations: readOnly,
		Description: "Find clients (customers) by name (GET /Client); a page at a time."}, s.searchClients)
	addTool(srv, &mcp.Tool{Name: "add_ticket_note", Annotations: &mcp.ToolAnnotations{ReadOnlyHint: false, DestructiveHint: ptr(false), OpenWorldHint: ptr(true)},
		Description: "Add a note (an action) to a ticket (POST /Actions). It writes, so it needs a server started with --allow-write."},
		s.addNote)
	return srv
}

func ptr[T any](v T) *T { return &v }

// addTool adds a tool whose input schema is derived from In, with raw JSON
// values accepted as any JSON (the SDK's default describes them as bytes).
func addTool[In any](srv *mcp.Server, t *mcp.Tool, h func(context.Context, In) (string, error)) {
	schema, err := jsonschema.For[In](&jsonschema.ForOptions{TypeSchemas: map[reflect.Type]*jsonschema.Schema{
		reflect.TypeFor[json.RawMessage](): {},
	}})
	if err != nil {
		panic(err) // the inputs above are fixed: a test builds every tool
	}
	t.InputSchema = schema
	mcp.AddTool(srv, t, func(ctx context.Context, _ *mcp.CallToolRequest, in In) (*mcp.CallToolResult, any, error) {
		text, err := h(ctx, in)
		if err != nil {
			return nil, nil, err
		}
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}}, nil, nil
	})
}

func (s *mcpServer) writePolicy() string {
	switch {
	case s.allowDelete:
		return "This server may write and delete."
	case s.allowWrite:
		return "This server may write, but not delete (DELETE needs --allow-delete)."
	}
	return "This server is read-only: operations that write (POST, PUT, PATCH, DELETE) are refused unless it is started with --allow-write (and --allow-delete for DELETE)."
}

// refuse says why op may not be called, or "" when it may.
func (s *mcpServer) refuse(op *operation) string {
	switch {
	case !op.writes():
		return ""
	case op.method == http.MethodDelete && (!s.allowWrite || !s.allowDelete):
		return fmt.Sprintf("%s is a DELETE and this server does not delete: it must be started with --allow-write --allow-delete to allow it", op.fullName())
	case !s.allowWrite:
		return fmt.Sprintf("%s is a %s, which writes to Halo, and this server is read-only: it must be started with --allow-write to allow it", op.fullName(), op.method)
	}
	return ""
}

func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf(`{"error": %q}`, err.Error())
	}
	return string(b)
}

// opSummary is an operation as search_operations lists it.
type opSummary struct {
	Operation string `json:"operation"`
	Method    string `json:"method"`
	Path      string `json:"path"`
	Summary   string `json:"summary"`
	Command   string `json:"command"` // the CLI's command
	Writes    bool   `json:"writes,omitempty"`
	Paged     bool   `json:"paged,omitempty"`
}

func summarize(op *operation) opSummary {
	return opSummary{Operation: op.fullName(), Method: op.method, Path: op.path, Summary: op.summary,
		Command: "halopsa " + op.sectionCommand + " " + op.name, Writes: op.writes(), Paged: op.paging != nil}
}

func (s *mcpServer) search(_ context.Context, in searchInput) (string, error) {
	if strings.TrimSpace(in.Query) == "" {
		return "", errors.New("query is empty: give words such as 'ticket' or 'client contract'")
	}
	limit := in.Limit
	switch {
	case limit <= 0:
		limit = defaultSearchLimit
	case limit > maxSearchLimit:
		limit = maxSearchLimit
	}
	ops := searchOps(in.Query, limit)
	out := struct {
		Results []opSummary `json:"results"`
		Note    string      `json:"note,omitempty"`
	}{Results: []opSummary{}}
	for _, op := range ops {
		out.Results = append(out.Results, summarize(op))
	}
	if len(ops) == 0 {
		out.Note = "no operation matches; try other words (Halo calls tickets Faults in places, customers Clients)"
	}
	return toJSON(out), nil
}

// paramInfo is a parameter as describe_operation lists it.
type paramInfo struct {
	Name        string `json:"name"`
	In          string `json:"in"`
	Type        string `json:"type"`
	Required    bool   `json:"required,omitempty"`
	Description string `json:"description,omitempty"`
}

func (s *mcpServer) describe(_ context.Context, in describeInput) (string, error) {
	op := findOp(in.Operation)
	if op == nil {
		return "", unknownOp(in.Operation)
	}
	out := struct {
		opSummary
		Doc         string      `json:"doc,omitempty"`
		Params      []paramInfo `json:"params"`
		Body        *schema     `json:"body,omitempty"`
		BodyNote    string      `json:"body_note,omitempty"`
		Result      *schema     `json:"result"`
		ResultNote  string      `json:"result_note,omitempty"`
		Refused     string      `json:"refused,omitempty"`
		PagingHints string      `json:"paging,omitempty"`
		Times       string      `json:"times"`
	}{opSummary: summarize(op), Doc: op.doc, Params: []paramInfo{}, Times: timeNote}
	for _, p := range op.params {
		out.Params = append(out.Params, paramInfo{Name: p.wire, In: p.in.String(), Type: p.kind.String(), Required: p.required, Description: p.doc})
	}
	// The schemas share what the budget leaves.
	room := s.budget - len(toJSON(out)) - 2048
	if op.body == bodyJSON || op.body == bodyRecords {
		room /= 2
	}
	room = max(room, 1024)
	depthNote := func(depth int) string {
		switch {
		case depth < 0:
			return "too large to describe whole: see the description of the record for the fields left out"
		case depth < 2:
			return fmt.Sprintf("records nested more than %d levels deep are named, not expanded, to keep this description small", depth)
		}
		return ""
	}
	switch op.body {
	case bodyJSON, bodyRecords:
		var depth int
		out.Body, depth = boundedSchema(op.bodyType(), room)
		out.BodyNote = depthNote(depth)
		if op.body == bodyRecords {
			out.BodyNote = strings.TrimPrefix(out.BodyNote+"; one object is taken as a list of one", "; ")
		}
	case bodyForm:
		out.BodyNote = "a multipart form: its fields are the params with in=form; file uploads are not available over MCP"
	}
	if rt := op.resultType(); rt == reflect.TypeFor[[]byte]() {
		out.ResultNote = "binary (a file download): not returned over MCP"
	} else {
		var depth int
		out.Result, depth = boundedSchema(rt, room)
		out.ResultNote = depthNote(depth)
	}
	if op.paging != nil {
		out.PagingHints = "a paged list: call_operation takes page and page_size and sets Halo's pageinate, page_no and page_size"
	}
	out.Refused = s.refuse(op)
	return toJSON(out), nil
}

func unknownOp(name string) error {
	msg := fmt.Sprintf("no operation %q", name)
	if hits := searchOps(name, 3); len(hits) > 0 {
		names := make([]string, len(hits))
		for i, op := range hits {
			names[i] = op.fullName()
		}
		msg += "; did you mean " + strings.Join(names, ", ") + "?"
	}
	return errors.New(msg + " (search_operations finds operations)")
}

// callRequest is one call: an operation, its parameters by wire name, its
// body, and how to page and trim its result.
type callRequest struct {
	op       *operation
	params   map[string]json.RawMessage
	body     json.RawMessage
	page     int
	pageSize int
	fields   []string
}

func (s *mcpServer) callTool(ctx context.Context, in callInput) (string, error) {
	op := findOp(in.Operation)
	if op == nil {
		return "", unknownOp(in.Operation)
	}
	return s.call(ctx, callRequest{op: op, params: in.Params, body: in.Body, page: in.Page, pageSize: in.PageSize, fields: in.Fields})
}

// call checks, runs and shapes one call.
func (s *mcpServer) call(ctx context.Context, r callRequest) (string, error) {
	op := r.op
	if why := s.refuse(op); why != "" {
		return "", errors.New(why)
	}
	vals := newArgs(op)
	for name, raw := range r.params {
		i := paramIndex(op, name)
		if i < 0 {
			return "", fmt.Errorf("%s has no parameter %q (describe_operation lists them)", op.fullName(), name)
		}
		v, err := jsonParam(op.params[i], raw)
		if err != nil {
			return "", fmt.Errorf("parameter %s: %v", op.params[i].wire, err)
		}
		vals.values[i] = v
	}
	if r.page < 0 || r.pageSize < 0 {
		return "", errors.New("page and page_size start at 1")
	}
	page, size := r.page, r.pageSize
	if page == 0 {
		page = 1
	}
	if size == 0 {
		size = defaultPageSize
	}
	size = min(size, maxPageSize)
	serverPaged := false
	if pg := op.paging; pg != nil && pg.pageinate >= 0 && pg.pageNo >= 0 && pg.pageSize >= 0 {
		// Parameters the agent set itself win over page and page_size.
		if vals.values[pg.pageinate] == nil && vals.values[pg.pageNo] == nil {
			vals.values[pg.pageinate], vals.values[pg.pageNo] = true, page
			if vals.values[pg.pageSize] == nil {
				vals.values[pg.pageSize] = size
			}
			serverPaged = true
		}
	}
	if p := vals.missing(); p != nil {
		return "", fmt.Errorf("parameter %s is required (%s)", p.wire, p.kind)
	}
	if len(r.body) > 0 && string(r.body) != "null" {
		if op.body != bodyJSON && op.body != bodyRecords {
			return "", fmt.Errorf("%s takes no JSON body", op.fullName())
		}
		vals.body = r.body
	}
	res, err := op.call(ctx, s.client, vals)
	if err != nil {
		return "", errors.New(describeErr(err))
	}
	return s.shape(op, res, page, size, serverPaged, r.fields), nil
}

// jsonParam converts a parameter's JSON value to its Go value; strings
// are taken for numbers and booleans too, as agents send them either way.
func jsonParam(p param, raw json.RawMessage) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	text := func(v any) (string, bool) {
		if n, ok := v.(json.Number); ok && (p.kind == kInt || p.kind == kInt64 || p.kind == kInts) && strings.ContainsAny(n.String(), ".eE") {
			// 21.0 is an integer too.
			if f, err := n.Float64(); err == nil && f == float64(int64(f)) {
				return strconv.FormatInt(int64(f), 10), true
			}
		}
		switch x := v.(type) {
		case string:
			return x, true
		case json.Number:
			return x.String(), true
		case bool:
			return strconv.FormatBool(x), true
		}
		return "", false
	}
	switch p.kind {
	case kFile:
		return nil, errors.New("file uploads are not available over MCP")
	case kInts, kStrings:
		items, ok := v.([]any)
		if !ok {
			items = []any{v}
		}
		var out any
		for _, it := range items {
			s, ok := text(it)
			if !ok {
				return nil, fmt.Errorf("want a list of %s", map[paramKind]string{kInts: "integers", kStrings: "strings"}[p.kind])
			}
			var err error
			if out, err = parseValue(p.kind, s, out); err != nil {
				return nil, err
			}
		}
		return out, nil
	case kPairs:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, errors.New(`want an object of keys and values: {"key": "value"} or {"key": ["v1", "v2"]}`)
		}
		var out []pair
		for k, val := range obj {
			items, ok := val.([]any)
			if !ok {
				items = []any{val}
			}
			pr := pair{key: &k}
			for _, it := range items {
				s, ok := text(it)
				if !ok {
					return nil, fmt.Errorf("key %q: want text values", k)
				}
				pr.values = append(pr.values, s)
			}
			out = append(out, pr)
		}
		return out, nil
	}
	s, ok := text(v)
	if !ok {
		return nil, fmt.Errorf("want a %s", p.kind)
	}
	return parseValue(p.kind, s, nil)
}

// callOutput is a call's result as an agent gets it.
type callOutput struct {
	Operation   string            `json:"operation"`
	Result      json.RawMessage   `json:"result,omitempty"`
	Records     []json.RawMessage `json:"records,omitempty"`
	RecordCount *int              `json:"record_count,omitempty"`
	Page        int               `json:"page,omitempty"`
	PageSize    int               `json:"page_size,omitempty"`
	Returned    *int              `json:"returned,omitempty"`
	NextPage    int               `json:"next_page,omitempty"`
	Note        string            `json:"note,omitempty"`
}

// shape turns a result into what the agent gets: a list a page at a time
// (Halo's page, or a page cut from a list Halo sends whole), records
// trimmed to the fields asked for, all within the size budget.
func (s *mcpServer) shape(op *operation, res *result, page, size int, serverPaged bool, fields []string) string {
	out := callOutput{Operation: op.fullName()}
	var notes []string
	switch {
	case res.isBinary:
		out.Note = fmt.Sprintf("the answer is binary (%d bytes, a file): not returned over MCP; use the halopsa command line to download it", len(res.binary))
		return toJSON(out)
	case !res.list:
		js := res.json
		if len(fields) > 0 && len(res.records) == 1 {
			js = project(js, fields)
		}
		if len(bytes.TrimSpace(js)) == 0 {
			out.Note = "Halo answered with no body"
			return toJSON(out)
		}
		out.Result = compactJSON(js)
		if len(out.Result) > s.budget {
			out.Result, out.Note = s.trimRecord(out.Result)
		}
		return toJSON(out)
	}
	recs := res.records
	out.RecordCount = res.recordCount
	out.Page, out.PageSize = page, size
	total := len(recs)
	if serverPaged {
		if res.recordCount != nil {
			total = *res.recordCount
		} else if len(recs) == size {
			total = page*size + 1 // a full page: there may be more
		}
	} else {
		// Halo sent the whole list: cut the page here.
		n := len(recs)
		out.RecordCount = &n
		from := min((page-1)*size, n)
		recs = recs[from:min(from+size, n)]
	}
	if page*size < total {
		out.NextPage = page + 1
	}
	if len(fields) > 0 {
		for i, r := range recs {
			recs[i] = project(r, fields)
		}
	}
	out.Records = make([]json.RawMessage, 0, len(recs))
	used := len(toJSON(out)) + 200 // the envelope and the note
	for _, r := range recs {
		r = compactJSON(r)
		if used+len(r)+1 > s.budget {
			break
		}
		used += len(r) + 1
		out.Records = append(out.Records, r)
	}
	n := len(out.Records)
	out.Returned = &n
	if n < len(recs) {
		notes = append(notes, fmt.Sprintf("only %d of this page's %d records fit in the result budget (%d bytes): ask for fewer fields or a page_size of %d", n, len(recs), s.budget, max(n, 1)))
		out.NextPage = 0
	}
	if out.NextPage > 0 {
		notes = append(notes, fmt.Sprintf("there are more records: ask for page %d", out.NextPage))
	}
	out.Note = strings.Join(notes, "; ")
	return toJSON(out)
}

// trimRecord makes a record too large for the budget fit: its nested
// objects and lists are left out (and named) until it does.
func (s *mcpServer) trimRecord(js []byte) (json.RawMessage, string) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(js, &obj) != nil {
		return nil, fmt.Sprintf("the result (%d bytes) is over the budget (%d bytes) and is not a record that can be trimmed", len(js), s.budget)
	}
	var dropped []string
	for k, v := range obj {
		if c := firstByte(v); c == '{' || c == '[' {
			dropped = append(dropped, k)
			delete(obj, k)
		}
	}
	b, _ := json.Marshal(obj)
	if len(b) > s.budget {
		return nil, fmt.Sprintf("the result (%d bytes) is over the budget (%d bytes): ask for some fields with fields", len(js), s.budget)
	}
	return b, fmt.Sprintf("the record was over the budget (%d bytes): its nested objects and lists were left out (%s); ask for them with fields", s.budget, strings.Join(slices.Sorted(slices.Values(dropped)), ", "))
}

// rawParams encodes task tools' parameters.
func rawParams(kv map[string]any) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for k, v := range kv {
		b, _ := json.Marshal(v)
		out[k] = b
	}
	return out
}

func mustOp(name string) *operation {
	op := findOp(name)
	if op == nil {
		panic("no operation " + name) // a test calls every task tool
	}
	return op
}

func (s *mcpServer) getTicket(ctx context.Context, in getTicketInput) (string, error) {
	p := map[string]any{"id": in.ID}
	if in.IncludeDetails {
		p["includedetails"] = true
	}
	return s.call(ctx, callRequest{op: mustOp("Tickets.GetTicketsByID"), params: rawParams(p), fields: in.Fields})
}

func (s *mcpServer) listTickets(ctx context.Context, in listTicketsInput) (string, error) {
	p := map[string]any{"order": "dateoccurred", "orderdesc": true}
	if in.ClientID != nil {
		p["client_id"] = *in.ClientID
	}
	if in.AgentID != nil {
		p["agent_id"] = *in.AgentID
	}
	if in.StatusID != nil {
		p["status_id"] = *in.StatusID
	}
	if in.OpenOnly {
		p["open_only"] = true
	}
	if in.Search != "" {
		p["search"] = in.Search
	}
	fields := in.Fields
	if len(fields) == 0 {
		fields = ticketListFields
	}
	return s.call(ctx, callRequest{op: mustOp("Tickets.GetTickets"), params: rawParams(p), page: in.Page, pageSize: in.PageSize, fields: fields})
}

func (s *mcpServer) searchClients(ctx context.Context, in searchClientsInput) (string, error) {
	fields := in.Fields
	if len(fields) == 0 {
		fields = clientListFields
	}
	return s.call(ctx, callRequest{op: mustOp("Client.GetClient"), params: rawParams(map[string]any{"search": in.Search}),
		page: in.Page, pageSize: in.PageSize, fields: fields})
}

func (s *mcpServer) addNote(ctx context.Context, in addNoteInput) (string, error) {
	if strings.TrimSpace(in.Note) == "" {
		return "", errors.New("note is empty")
	}
	outcome := in.Outcome
	if outcome == "" {
		outcome = "Note"
		if in.HiddenFromUser {
			outcome = "Private Note"
		}
	}
	body, _ := json.Marshal([]map[string]any{{
		"ticket_id": in.TicketID, "note": in.Note, "outcome": outcome, "hiddenfromuser": in.HiddenFromUser,
	}})
	return s.call(ctx, callRequest{op: mustOp("Actions.PostActions"), body: body})
}

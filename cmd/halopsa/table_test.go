package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/halopsa-go/halopsa"
	"github.com/spf13/pflag"
)

// recorder is a tenant that answers every API call with an empty object
// and keeps the requests, to check what a call sends.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
	srv  *httptest.Server
}

type recorded struct {
	method, path string
	query        url.Values
	ctype        string
	body         []byte
}

func newRecorder(t *testing.T) *recorder {
	r := &recorder{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if req.URL.Path == "/auth/token" {
			io.WriteString(w, `{"access_token": "test-token", "token_type": "Bearer", "expires_in": 3600}`)
			return
		}
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.reqs = append(r.reqs, recorded{req.Method, req.URL.EscapedPath(), req.URL.Query(), req.Header.Get("Content-Type"), body})
		r.mu.Unlock()
		io.WriteString(w, `{}`)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *recorder) client(t *testing.T) *halopsa.Client {
	c, err := halopsa.New(halopsa.Config{CompanyURL: r.srv.URL, ClientID: "id", ClientSecret: "secret", RateLimitWait: -1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.reqs)
}

func (r *recorder) last() (recorded, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		return recorded{}, false
	}
	return r.reqs[len(r.reqs)-1], true
}

// sampleValue is a value of each kind, as the flags parse them.
func sampleValue(k paramKind) any {
	key := "k"
	return map[paramKind]any{
		kString: "s", kInt: 7, kInt64: int64(7), kFloat: 1.5, kBool: true,
		kTime: time.Date(2026, 11, 26, 4, 15, 0, 0, time.UTC), kInts: []int{1, 2}, kStrings: []string{"a", "b"},
		kFile:  halopsa.File{Name: "f.txt", ContentType: "text/plain", Data: []byte("file data")},
		kPairs: []pair{{key: &key, values: []string{"v"}}},
	}[k]
}

// sampleJSON is a JSON value of a body's Go type.
func sampleJSON(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[json.RawMessage]():
		return `{"x": 1}`
	case t.Kind() == reflect.Pointer:
		return sampleJSON(t.Elem())
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return `"eA=="`
	case t.Kind() == reflect.Slice:
		return "[" + sampleJSON(t.Elem()) + "]"
	case t.Kind() == reflect.Struct, t.Kind() == reflect.Map:
		return `{"x": 1}`
	case t.Kind() == reflect.String:
		return `"s"`
	case t.Kind() == reflect.Bool:
		return "true"
	}
	return "1"
}

// TestEveryOperationSendsEveryParameter calls every operation with every
// parameter set, and checks the request: the generated table and the
// library agree on every field (a mismatch is an error, not a value
// dropped), and each value reaches the wire under Halo's name.
func TestEveryOperationSendsEveryParameter(t *testing.T) {
	rec := newRecorder(t)
	c := rec.client(t)
	ctx := context.Background()
	n := 0
	for _, op := range allOps() {
		vals := newArgs(op)
		for i, p := range op.params {
			vals.values[i] = sampleValue(p.kind)
		}
		if op.body == bodyJSON || op.body == bodyRecords {
			vals.body = []byte(sampleJSON(op.bodyType()))
		}
		before := rec.count()
		_, err := op.call(ctx, c, vals)
		var decErr *halopsa.DecodeError
		var shapeErr *halopsa.ListShapeError
		if err != nil && !errors.As(err, &decErr) && !errors.As(err, &shapeErr) {
			t.Errorf("%s: %v", op.fullName(), err)
			continue
		}
		got, ok := rec.last()
		if !ok || rec.count() == before {
			t.Errorf("%s: no request sent", op.fullName())
			continue
		}
		n++
		if got.method != op.method {
			t.Errorf("%s: sent %s", op.fullName(), got.method)
		}
		wantPath := "/api" + op.path
		for _, p := range op.params {
			if p.in == inPath {
				v := "s"
				if p.kind == kInt || p.kind == kInt64 {
					v = "7"
				}
				wantPath = strings.Replace(wantPath, "{"+p.wire+"}", v, 1)
			}
		}
		if !strings.EqualFold(got.path, wantPath) {
			t.Errorf("%s: path %s, want %s", op.fullName(), got.path, wantPath)
		}
		var form map[string][]string
		if op.body == bodyForm {
			form = formFields(t, got)
		}
		for _, p := range op.params {
			switch p.in {
			case inQuery:
				if _, ok := got.query[p.wire]; !ok {
					t.Errorf("%s: query parameter %s not sent (query %v)", op.fullName(), p.wire, got.query)
				}
			case inForm:
				key := p.wire
				if p.kind == kPairs {
					key = "k"
				}
				if _, ok := form[key]; !ok {
					t.Errorf("%s: form field %s not sent (%v)", op.fullName(), key, form)
				}
			}
		}
		if (op.body == bodyJSON || op.body == bodyRecords) && len(got.body) == 0 {
			t.Errorf("%s: body not sent", op.fullName())
		}
	}
	if n != len(allOps()) {
		t.Errorf("%d of %d operations checked", n, len(allOps()))
	}
}

// formFields reads a multipart body's field and file names.
func formFields(t *testing.T, r recorded) map[string][]string {
	_, params, err := mime.ParseMediaType(r.ctype)
	if err != nil {
		t.Fatalf("content type %q: %v", r.ctype, err)
	}
	mr := multipart.NewReader(strings.NewReader(string(r.body)), params["boundary"])
	out := map[string][]string{}
	for {
		part, err := mr.NextPart()
		if err != nil {
			break
		}
		b, _ := io.ReadAll(part)
		out[part.FormName()] = append(out[part.FormName()], string(b))
	}
	return out
}

// TestEveryListWalksPages starts every iterator: it asks for the first page
// with paging on.
func TestEveryListWalksPages(t *testing.T) {
	rec := newRecorder(t)
	c := rec.client(t)
	lists := 0
	for _, op := range allOps() {
		if op.all == nil {
			continue
		}
		lists++
		if op.listName == "" || op.paging == nil {
			t.Errorf("%s: iterator without a list command name or paging", op.fullName())
		}
		vals := newArgs(op)
		err := op.all(context.Background(), c, vals, func([]byte) error { return nil })
		var shapeErr *halopsa.ListShapeError
		if err != nil && !errors.As(err, &shapeErr) {
			t.Errorf("%s: %v", op.fullName(), err)
		}
		got, _ := rec.last()
		if got.query.Get("pageinate") != "true" || got.query.Get("page_no") != "1" {
			t.Errorf("%s: first page asked with %v", op.fullName(), got.query)
		}
	}
	if lists == 0 {
		t.Error("no operation has an iterator")
	}
}

// TestCommandNames checks the naming rules on the examples of the issue.
func TestCommandNames(t *testing.T) {
	for _, c := range []struct{ section, op, full string }{
		{"tickets", "get-by-id", "Tickets.GetTicketsByID"},
		{"tickets", "get", "Tickets.GetTickets"},
		{"tickets", "post", "Tickets.PostTickets"},
		{"tickets", "delete-by-id", "Tickets.DeleteTicketsByID"},
		{"actions", "post-review", "Actions.PostActionsReview"},
		{"client-contract", "get", "ClientContract.GetClientContract"},
		{"azureadconnection", "get", "Azureadconnection.GetAzureadconnection"},
		{"client", "get", "Client.GetClient"},
	} {
		op := findOp(c.full)
		if op == nil {
			t.Errorf("no operation %s", c.full)
			continue
		}
		if op.sectionCommand != c.section || op.name != c.op {
			t.Errorf("%s is %s %s, want %s %s", c.full, op.sectionCommand, op.name, c.section, c.op)
		}
	}
	if op := findOp("Tickets.GetTickets"); op.listName != "list" {
		t.Errorf("Tickets.GetTickets: list command %q", op.listName)
	}
	op := findOp("Tickets.GetTickets")
	for _, want := range []string{"client-id", "open-only", "page-size", "agent"} {
		if paramIndex(op, want) < 0 {
			t.Errorf("tickets get has no --%s", want)
		}
	}
}

// TestReservedNames checks that the generator reserved every global flag
// and command the CLI has, so that no parameter or section shadows one.
func TestReservedNames(t *testing.T) {
	a := &app{env: &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}}
	root := a.newRoot([]string{"tickets"})
	root.InitDefaultHelpFlag()
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpCmd()
	root.PersistentFlags().VisitAll(func(f *pflag.Flag) {
		if !hasName(reservedFlags, f.Name) {
			t.Errorf("global flag --%s is not in the generator's reserved flags", f.Name)
		}
	})
	if !hasName(reservedFlags, "body") || !hasName(reservedFlags, "help") {
		t.Error("--body and --help are not reserved")
	}
	secs := map[string]bool{}
	for _, s := range sections {
		secs[s.name] = true
	}
	for _, c := range root.Commands() {
		if !secs[c.Name()] && !hasName(reservedCommands, c.Name()) {
			t.Errorf("command %s is not in the generator's reserved commands", c.Name())
		}
	}
	// Every operation's flags are unique, and none is a global one.
	for _, op := range allOps() {
		seen := map[string]bool{}
		for _, p := range op.params {
			if seen[p.flag] || hasName(reservedFlags, p.flag) {
				t.Errorf("%s: flag --%s taken twice or reserved", op.fullName(), p.flag)
			}
			seen[p.flag] = true
		}
	}
}

func hasName(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

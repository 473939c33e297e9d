package halopsatest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/halopsa-go/halopsa"
	"github.com/halopsa-go/halopsa/halopsatest"
)

// ---- helpers shared by the tests of this package ----

// quietConfig is srv.Config() with the client's log discarded: the fault
// tests make it log errors on purpose.
func quietConfig(srv *halopsatest.Server) halopsa.Config {
	cfg := srv.Config()
	cfg.Logger = slog.New(slog.DiscardHandler)
	return cfg
}

// e2eClient returns a client for srv.
func e2eClient(t testing.TB, srv *halopsatest.Server) *halopsa.Client {
	t.Helper()
	halo, err := halopsa.New(quietConfig(srv))
	if err != nil {
		t.Fatal(err)
	}
	return halo
}

// apiRequests returns the logged requests below /api.
func apiRequests(srv *halopsatest.Server) []halopsatest.Request {
	var out []halopsatest.Request
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "/api/") {
			out = append(out, r)
		}
	}
	return out
}

// lastAPIRequest returns the newest logged request below /api.
func lastAPIRequest(t testing.TB, srv *halopsatest.Server) halopsatest.Request {
	t.Helper()
	rs := apiRequests(srv)
	if len(rs) == 0 {
		t.Fatal("no API request logged")
	}
	return rs[len(rs)-1]
}

// as404 reports whether err is an *APIError with status 404.
func as404(err error) bool {
	var ae *halopsa.APIError
	return errors.As(err, &ae) && ae.StatusCode == 404
}

// ---- TestEveryMethod ----

// apiSection is one section of the client: a field such as halo.Tickets.
type apiSection struct {
	name string        // field name, e.g. "Tickets"
	val  reflect.Value // the *TicketsAPI
}

// clientSections lists the exported fields of *halopsa.Client whose type is
// a pointer to a type named ...API.
func clientSections(halo *halopsa.Client) []apiSection {
	v := reflect.ValueOf(halo).Elem()
	var out []apiSection
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if !f.IsExported() || f.Type.Kind() != reflect.Pointer || !strings.HasSuffix(f.Type.Elem().Name(), "API") {
			continue
		}
		out = append(out, apiSection{f.Name, v.Field(i)})
	}
	return out
}

var (
	ctxType   = reflect.TypeFor[context.Context]()
	errType   = reflect.TypeFor[error]()
	timeType  = reflect.TypeFor[time.Time]()
	fileType  = reflect.TypeFor[halopsa.File]()
	rawType   = reflect.TypeFor[json.RawMessage]()
	bytesType = reflect.TypeFor[[]byte]()
	fixedDate = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)
)

// queryValue is a representative value of a query parameter's type.
func queryValue(t reflect.Type) (reflect.Value, bool) {
	switch {
	case t.Kind() == reflect.Pointer && t.Elem() == timeType:
		return reflect.ValueOf(&fixedDate), true
	case t.Kind() == reflect.Pointer:
		v := reflect.New(t.Elem())
		switch t.Elem().Kind() {
		case reflect.Bool:
			v.Elem().SetBool(true)
		case reflect.Int, reflect.Int64, reflect.Int32:
			v.Elem().SetInt(1)
		case reflect.Float64, reflect.Float32:
			v.Elem().SetFloat(1.5)
		case reflect.String:
			v.Elem().SetString("x")
		default:
			return reflect.Value{}, false
		}
		return v, true
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Int:
		return reflect.ValueOf([]int{1, 2}), true
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return reflect.ValueOf([]string{"a"}), true
	}
	return reflect.Value{}, false
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name
}

// setOneField sets one string or int field of a model (never its id, nor
// a field the fake would read as file content), preferring a name.
func setOneField(m reflect.Value) {
	t := m.Type()
	skip := map[string]bool{"id": true, "guid": true, "data": true, "data_base64": true}
	for _, want := range []string{"name", "summary", "note", "filename", "value"} {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if jsonName(f) == want && f.Type == reflect.TypeFor[*string]() {
				m.Field(i).Set(reflect.ValueOf(halopsa.Ptr("halopsatest " + want)))
				return
			}
		}
	}
	for _, k := range []reflect.Type{reflect.TypeFor[*string](), reflect.TypeFor[*int]()} {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || f.Type != k || skip[jsonName(f)] {
				continue
			}
			if k.Elem().Kind() == reflect.String {
				m.Field(i).Set(reflect.ValueOf(halopsa.Ptr("x")))
			} else {
				m.Field(i).Set(reflect.ValueOf(halopsa.Ptr(1)))
			}
			return
		}
	}
}

// fillForm populates a multipart form type: files with bytes, strings and
// key/values pairs with values.
func fillForm(t *testing.T, v reflect.Value) {
	for i := 0; i < v.NumField(); i++ {
		f, fv := v.Type().Field(i), v.Field(i)
		if !f.IsExported() {
			continue
		}
		switch {
		case f.Type == reflect.PointerTo(fileType):
			fv.Set(reflect.ValueOf(&halopsa.File{Name: "form.bin", Data: []byte{0, 1, 2, 0xff}}))
		case f.Type == reflect.TypeFor[*string]():
			fv.Set(reflect.ValueOf(halopsa.Ptr("x")))
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct:
			el := reflect.New(f.Type.Elem()).Elem()
			for j := 0; j < el.NumField(); j++ {
				ef := el.Field(j)
				switch ef.Type() {
				case reflect.TypeFor[*string]():
					ef.Set(reflect.ValueOf(halopsa.Ptr("k")))
				case reflect.TypeFor[[]string]():
					ef.Set(reflect.ValueOf([]string{"v1", "v2"}))
				}
			}
			fv.Set(reflect.Append(reflect.MakeSlice(f.Type, 0, 1), el))
		default:
			t.Errorf("form %s: no value for field %s %s", v.Type(), f.Name, f.Type)
		}
	}
}

// bodyValue builds a Body of type t.
func bodyValue(t *testing.T, bt reflect.Type) reflect.Value {
	switch {
	case bt.Kind() == reflect.Slice && bt.Elem().Kind() == reflect.Struct:
		el := reflect.New(bt.Elem()).Elem()
		setOneField(el)
		if f := el.FieldByName("Data"); f.IsValid() && f.Type() == bytesType {
			f.SetBytes([]byte{0, 1, 0xff}) // an upload: give it content
		}
		return reflect.Append(reflect.MakeSlice(bt, 0, 1), el)
	case bt.Kind() == reflect.Pointer && bt.Elem().Kind() == reflect.Struct && strings.HasSuffix(bt.Elem().Name(), "Form"):
		v := reflect.New(bt.Elem())
		fillForm(t, v.Elem())
		return v
	case bt.Kind() == reflect.Pointer && bt.Elem().Kind() == reflect.Struct:
		return reflect.New(bt.Elem())
	case bt == reflect.TypeFor[[]int]():
		return reflect.ValueOf([]int{1, 2})
	case bt == reflect.TypeFor[[]string]():
		return reflect.ValueOf([]string{"a"})
	case bt == reflect.TypeFor[*string]():
		return reflect.ValueOf(halopsa.Ptr("x"))
	case bt == reflect.TypeFor[map[string]json.RawMessage]():
		return reflect.ValueOf(map[string]json.RawMessage{"key": json.RawMessage(`"value"`)})
	}
	t.Errorf("no body value for %s", bt)
	return reflect.Zero(bt)
}

// plannedCall is one generated method with its arguments.
type plannedCall struct {
	section, method string
	fn              reflect.Value
	params          reflect.Value
	httpMethod      string   // from the method name: Get, Post, Put, Delete, ...
	hasPath         bool     // it has path parameters
	queryKeys       []string // query parameters set
	uuidIDField     int      // index of a string {id} parameter, or -1
}

// uuidOne is the id the fake gives the first record of a section whose
// ids are strings.
const uuidOne = "00000000-0000-4000-8000-000000000001"

func planCall(t *testing.T, sec apiSection, m reflect.Method) plannedCall {
	ft := m.Func.Type() // receiver, ctx, params
	if ft.NumIn() != 3 || ft.In(1) != ctxType || ft.In(2).Kind() != reflect.Struct || ft.NumOut() != 2 || ft.Out(1) != errType {
		t.Fatalf("%s.%s: unexpected signature %s", sec.name, m.Name, ft)
	}
	switch r := ft.Out(0); {
	case r == rawType, r == bytesType:
	case r.Kind() == reflect.Pointer && r.Elem().Kind() == reflect.Struct:
	case r.Kind() == reflect.Slice && r.Elem().Kind() == reflect.Struct:
	default:
		t.Errorf("%s.%s: unexpected result type %s", sec.name, m.Name, r)
	}
	pt := ft.In(2)
	p := reflect.New(pt).Elem()
	c := plannedCall{section: sec.name, method: m.Name, fn: sec.val.MethodByName(m.Name), params: p, uuidIDField: -1}
	for _, verb := range []string{"Get", "Post", "Put", "Delete", "Patch", "Head"} {
		if strings.HasPrefix(m.Name, verb) {
			c.httpMethod = strings.ToUpper(verb)
			break
		}
	}
	nq := 0
	for i := 0; i < pt.NumField(); i++ {
		f := pt.Field(i)
		fv := p.Field(i)
		switch {
		case f.Tag.Get("path") != "":
			c.hasPath = true
			switch f.Type.Kind() {
			case reflect.Int, reflect.Int64, reflect.Int32:
				fv.SetInt(1)
			case reflect.String:
				// "1", or (see uuidIDField) the id of the first record
				// where a section holds records with uuid-like ids.
				fv.SetString("1")
				if f.Tag.Get("path") == "id" {
					c.uuidIDField = i
				}
			default:
				t.Errorf("%s.%s: path parameter %s has type %s", sec.name, m.Name, f.Name, f.Type)
			}
		case f.Tag.Get("query") != "":
			nq++
			if nq%2 == 0 { // every other optional parameter
				continue
			}
			v, ok := queryValue(f.Type)
			if !ok {
				t.Errorf("%s.%s: query parameter %s has type %s", sec.name, m.Name, f.Name, f.Type)
				continue
			}
			fv.Set(v)
			c.queryKeys = append(c.queryKeys, f.Tag.Get("query"))
		case f.Name == "Body":
			fv.Set(bodyValue(t, f.Type))
		default:
			t.Errorf("%s.%s: field %s has neither a path nor a query tag", sec.name, m.Name, f.Name)
		}
	}
	return c
}

// handWritten are the sections' methods that are not generated: the
// streamed attachment transfers (attachments_test.go in package halopsa).
var handWritten = map[string]bool{"Attachment.Download": true, "Attachment.Upload": true}

func TestEveryMethod(t *testing.T) {
	// Lenient: the calls send every other query parameter with a made-up
	// value, most of which the fake does not simulate.
	srv := halopsatest.NewServer(t, halopsatest.WithLenientParams())
	halo := e2eClient(t, srv)
	ctx := context.Background()

	var calls []plannedCall
	var iters []iterCall
	var manies []reflect.Value
	for _, sec := range clientSections(halo) {
		typ := sec.val.Type()
		for i := 0; i < typ.NumMethod(); i++ {
			m := typ.Method(i)
			if handWritten[sec.name+"."+m.Name] {
				continue // not generated, and tested on their own
			}
			if isIterator(m) {
				iters = append(iters, iterCall{sec.name, m.Name, sec.val.MethodByName(m.Name), m.Func.Type().In(2)})
				continue
			}
			if base, ok := strings.CutSuffix(m.Name, "Many"); ok {
				if _, single := typ.MethodByName(base); single {
					// The multi-record companion of a POST: called below.
					manies = append(manies, sec.val.MethodByName(m.Name))
					continue
				}
			}
			calls = append(calls, planCall(t, sec, m))
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	// Writes go first, so that gets by id find the records they created
	// in sections without seed data, and deletes last, so that no get
	// meets a record a delete removed.
	phase := func(c plannedCall) int {
		switch c.httpMethod {
		case "GET":
			return 1
		case "DELETE":
			return 2
		}
		return 0
	}
	sort.SliceStable(calls, func(i, j int) bool { return phase(calls[i]) < phase(calls[j]) })

	seeded := map[string]int{}
	for _, sec := range clientSections(halo) {
		seeded[sec.name] = srv.RecordCount(sec.name)
	}
	var notFound []string
	called := 0
	logged := len(apiRequests(srv))
	for _, c := range calls {
		if c.uuidIDField >= 0 {
			if _, ok := srv.Record(c.section, uuidOne); ok {
				c.params.Field(c.uuidIDField).SetString(uuidOne)
			}
		}
		out := c.fn.Call([]reflect.Value{reflect.ValueOf(ctx), c.params})
		called++
		name := c.section + "." + c.method
		reqs := apiRequests(srv)
		if len(reqs) != logged+1 {
			t.Errorf("%s: %d API requests logged, want 1", name, len(reqs)-logged)
		}
		logged = len(reqs)
		if len(reqs) > 0 {
			last := reqs[len(reqs)-1]
			if c.httpMethod != "" && last.Method != c.httpMethod {
				t.Errorf("%s: server saw %s %s", name, last.Method, last.Path)
			}
			q, err := url.ParseQuery(last.Query)
			if err != nil {
				t.Errorf("%s: query %q: %v", name, last.Query, err)
			}
			for _, k := range c.queryKeys {
				if !q.Has(k) {
					t.Errorf("%s: query parameter %s not sent (query %q)", name, k, last.Query)
				}
			}
		}
		err, _ := out[1].Interface().(error)
		if err == nil {
			continue
		}
		var ae *halopsa.APIError
		if as404(err) && errors.As(err, &ae) && c.hasPath && (c.httpMethod == "GET" || c.httpMethod == "DELETE") &&
			strings.HasSuffix(ae.Message(), " not found") {
			if _, exists := srv.Record(c.section, "1"); exists {
				t.Errorf("%s: 404, yet the server holds %s 1", name, c.section)
			}
			if seeded[c.section] > 0 {
				t.Errorf("%s: 404 in a seeded section", name)
			}
			notFound = append(notFound, name)
			continue
		}
		var de *halopsa.DecodeError
		var ne *halopsa.NetworkError
		switch {
		case errors.As(err, &de):
			t.Errorf("%s: decode error: %v\nbody: %.300s", name, err, de.Body)
		case errors.As(err, &ne):
			t.Errorf("%s: transport error: %v", name, err)
		default:
			t.Errorf("%s: %T: %v", name, err, err)
		}
	}
	if called != 1216 {
		t.Errorf("called %d methods, want 1216", called)
	}
	// Every <Post...>Many companion, with two records: it returns both.
	for _, m := range manies {
		pt := m.Type().In(1)
		p := reflect.New(pt).Elem()
		body := p.FieldByName("Body")
		body.Set(reflect.MakeSlice(body.Type(), 2, 2))
		out := m.Call([]reflect.Value{reflect.ValueOf(ctx), p})
		if err, _ := out[1].Interface().(error); err != nil {
			t.Errorf("%s: %v", pt.Name(), err)
			continue
		}
		if n := out[0].Len(); n != 2 {
			t.Errorf("%s: %d records back for 2 sent", pt.Name(), n)
		}
	}
	if len(manies) == 0 {
		t.Error("no multi-record companions found")
	}
	if n := len(apiRequests(srv)); n < 1216 {
		t.Errorf("server logged %d API requests, want at least 1216", n)
	}
	gets := 0
	for _, n := range notFound {
		if strings.Contains(n, ".Get") {
			gets++
		}
	}
	t.Logf("called %d methods; %d answered 404 for a record that does not exist (%d gets, %d deletes)",
		called, len(notFound), gets, len(notFound)-gets)
	if testing.Verbose() {
		t.Logf("404s: %s", strings.Join(notFound, " "))
	}

	// The paging iterators (GetTicketsAll, ...) walk every page without error.
	for _, it := range iters {
		seq := it.fn.Call([]reflect.Value{reflect.ValueOf(ctx), reflect.New(it.params).Elem()})[0]
		n := 0
		for _, errv := range seq.Seq2() {
			if err, _ := errv.Interface().(error); err != nil {
				t.Errorf("%s.%s: %v", it.section, it.method, err)
				break
			}
			n++
		}
		if want := srv.RecordCount(it.section); n != want {
			t.Errorf("%s.%s yielded %d records; the server holds %d", it.section, it.method, n, want)
		}
	}
	t.Logf("walked %d paging iterators", len(iters))
}

// iterCall is a paging iterator: func(ctx, Params) iter.Seq2[T, error].
type iterCall struct {
	section, method string
	fn              reflect.Value
	params          reflect.Type
}

func isIterator(m reflect.Method) bool {
	ft := m.Func.Type()
	return ft.NumOut() == 1 && ft.Out(0).Kind() == reflect.Func && ft.Out(0).CanSeq2()
}

// ---- TestCRUDRoundTrips ----

// modelID reads a model's ID field (*int or *string) as a string.
func modelID(t testing.TB, m any) string {
	t.Helper()
	v := reflect.ValueOf(m)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			t.Fatalf("nil %T", m)
		}
		v = v.Elem()
	}
	f := v.FieldByName("ID")
	if !f.IsValid() || f.IsNil() {
		t.Fatalf("%T has no ID", m)
	}
	return fmt.Sprint(f.Elem().Interface())
}

// sentBody decodes a logged JSON body: an array of one object or an object.
func sentBody(t testing.TB, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("body %s: %v", b, err)
	}
	if a, ok := v.([]any); ok {
		if len(a) != 1 {
			t.Fatalf("body %s: want one record", b)
		}
		v = a[0]
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("body %s is not an object", b)
	}
	return m
}

// crudCase drives one section through the typed client methods.
type crudCase struct {
	section string
	// list returns record_count and the number of records listed.
	list func(ctx context.Context) (recordCount *int, n int, err error)
	// get returns the record as the typed model (a pointer).
	get func(ctx context.Context, id int) (any, error)
	// create posts rec (nil: the case's own new record) and returns the result.
	create func(ctx context.Context) (any, error)
	// update posts {id, field: value} and reports the JSON field changed.
	update func(ctx context.Context, id int) (field string, value any, err error)
	// setField sets that field on a typed record (for the comparison).
	setField func(m any)
	del      func(ctx context.Context, id int) error
}

func TestCRUDRoundTrips(t *testing.T) {
	srv := halopsatest.NewServer(t)
	halo := e2eClient(t, srv)
	p := halopsa.Ptr[string]

	cases := []crudCase{
		{
			section: "Tickets",
			list: func(ctx context.Context) (*int, int, error) {
				l, err := halo.Tickets.GetTickets(ctx, halopsa.GetTicketsParams{})
				if err != nil {
					return nil, 0, err
				}
				return l.RecordCount, len(l.Tickets), nil
			},
			get: func(ctx context.Context, id int) (any, error) {
				return halo.Tickets.GetTicketsByID(ctx, halopsa.GetTicketsByIDParams{ID: id})
			},
			create: func(ctx context.Context) (any, error) {
				return halo.Tickets.PostTickets(ctx, halopsa.PostTicketsParams{Body: []halopsa.Faults{{Summary: p("Printer on fire"), ClientID: halopsa.Ptr(1)}}})
			},
			update: func(ctx context.Context, id int) (string, any, error) {
				_, err := halo.Tickets.PostTickets(ctx, halopsa.PostTicketsParams{Body: []halopsa.Faults{{ID: &id, Summary: p("Printer fixed")}}})
				return "summary", "Printer fixed", err
			},
			setField: func(m any) { m.(*halopsa.Faults).Summary = p("Printer fixed") },
			del: func(ctx context.Context, id int) error {
				_, err := halo.Tickets.DeleteTicketsByID(ctx, halopsa.DeleteTicketsByIDParams{ID: id})
				return err
			},
		},
		{
			section: "Actions",
			list: func(ctx context.Context) (*int, int, error) {
				l, err := halo.Actions.GetActions(ctx, halopsa.GetActionsParams{})
				if err != nil {
					return nil, 0, err
				}
				return l.RecordCount, len(l.Actions), nil
			},
			get: func(ctx context.Context, id int) (any, error) {
				return halo.Actions.GetActionsByID(ctx, halopsa.GetActionsByIDParams{ID: id})
			},
			create: func(ctx context.Context) (any, error) {
				return halo.Actions.PostActions(ctx, halopsa.PostActionsParams{Body: []halopsa.Actions{{TicketID: halopsa.Ptr(3), Note: p("Called back")}}})
			},
			update: func(ctx context.Context, id int) (string, any, error) {
				_, err := halo.Actions.PostActions(ctx, halopsa.PostActionsParams{Body: []halopsa.Actions{{ID: &id, Note: p("Called back twice")}}})
				return "note", "Called back twice", err
			},
			setField: func(m any) { m.(*halopsa.Actions).Note = p("Called back twice") },
			del: func(ctx context.Context, id int) error {
				_, err := halo.Actions.DeleteActionsByID(ctx, halopsa.DeleteActionsByIDParams{ID: id})
				return err
			},
		},
		{
			section: "Client",
			list: func(ctx context.Context) (*int, int, error) {
				l, err := halo.Client.GetClient(ctx, halopsa.GetClientParams{})
				if err != nil {
					return nil, 0, err
				}
				return l.RecordCount, len(l.Clients), nil
			},
			get: func(ctx context.Context, id int) (any, error) {
				return halo.Client.GetClientByID(ctx, halopsa.GetClientByIDParams{ID: id})
			},
			create: func(ctx context.Context) (any, error) {
				return halo.Client.PostClient(ctx, halopsa.PostClientParams{Body: []halopsa.Area{{Name: p("Oceanic Airlines")}}})
			},
			update: func(ctx context.Context, id int) (string, any, error) {
				_, err := halo.Client.PostClient(ctx, halopsa.PostClientParams{Body: []halopsa.Area{{ID: &id, Name: p("Oceanic Air")}}})
				return "name", "Oceanic Air", err
			},
			setField: func(m any) { m.(*halopsa.Area).Name = p("Oceanic Air") },
			del: func(ctx context.Context, id int) error {
				_, err := halo.Client.DeleteClientByID(ctx, halopsa.DeleteClientByIDParams{ID: id})
				return err
			},
		},
		{
			section: "Site",
			list: func(ctx context.Context) (*int, int, error) {
				l, err := halo.Site.GetSite(ctx, halopsa.GetSiteParams{})
				if err != nil {
					return nil, 0, err
				}
				return l.RecordCount, len(l.Sites), nil
			},
			get: func(ctx context.Context, id int) (any, error) {
				return halo.Site.GetSiteByID(ctx, halopsa.GetSiteByIDParams{ID: id})
			},
			create: func(ctx context.Context) (any, error) {
				return halo.Site.PostSite(ctx, halopsa.PostSiteParams{Body: []halopsa.Site{{Name: p("Hangar 7"), ClientID: halopsa.Ptr(2)}}})
			},
			update: func(ctx context.Context, id int) (string, any, error) {
				_, err := halo.Site.PostSite(ctx, halopsa.PostSiteParams{Body: []halopsa.Site{{ID: &id, Name: p("Hangar 8")}}})
				return "name", "Hangar 8", err
			},
			setField: func(m any) { m.(*halopsa.Site).Name = p("Hangar 8") },
			del: func(ctx context.Context, id int) error {
				_, err := halo.Site.DeleteSiteByID(ctx, halopsa.DeleteSiteByIDParams{ID: id})
				return err
			},
		},
		{
			section: "Users",
			list: func(ctx context.Context) (*int, int, error) {
				l, err := halo.Users.GetUsers(ctx, halopsa.GetUsersParams{})
				if err != nil {
					return nil, 0, err
				}
				return l.RecordCount, len(l.Users), nil
			},
			get: func(ctx context.Context, id int) (any, error) {
				return halo.Users.GetUsersByID(ctx, halopsa.GetUsersByIDParams{ID: id})
			},
			create: func(ctx context.Context) (any, error) {
				return halo.Users.PostUsers(ctx, halopsa.PostUsersParams{Body: []halopsa.Users{{Name: p("Zoë Ångström"), ClientID: halopsa.Ptr(1)}}})
			},
			update: func(ctx context.Context, id int) (string, any, error) {
				_, err := halo.Users.PostUsers(ctx, halopsa.PostUsersParams{Body: []halopsa.Users{{ID: &id, Name: p("Zoë Å. Ångström")}}})
				return "name", "Zoë Å. Ångström", err
			},
			setField: func(m any) { m.(*halopsa.Users).Name = p("Zoë Å. Ångström") },
			del: func(ctx context.Context, id int) error {
				_, err := halo.Users.DeleteUsersByID(ctx, halopsa.DeleteUsersByIDParams{ID: id})
				return err
			},
		},
		{
			section: "Asset",
			list: func(ctx context.Context) (*int, int, error) {
				l, err := halo.Asset.GetAsset(ctx, halopsa.GetAssetParams{})
				if err != nil {
					return nil, 0, err
				}
				return l.RecordCount, len(l.Assets), nil
			},
			get: func(ctx context.Context, id int) (any, error) {
				return halo.Asset.GetAssetByID(ctx, halopsa.GetAssetByIDParams{ID: id})
			},
			create: func(ctx context.Context) (any, error) {
				return halo.Asset.PostAsset(ctx, halopsa.PostAssetParams{Body: []halopsa.Device{{InventoryNumber: p("AST-99999"), SiteID: halopsa.Ptr(1)}}})
			},
			update: func(ctx context.Context, id int) (string, any, error) {
				_, err := halo.Asset.PostAsset(ctx, halopsa.PostAssetParams{Body: []halopsa.Device{{ID: &id, InventoryNumber: p("AST-00042")}}})
				return "inventory_number", "AST-00042", err
			},
			setField: func(m any) { m.(*halopsa.Device).InventoryNumber = p("AST-00042") },
			del: func(ctx context.Context, id int) error {
				_, err := halo.Asset.DeleteAssetByID(ctx, halopsa.DeleteAssetByIDParams{ID: id})
				return err
			},
		},
	}

	for _, c := range cases {
		t.Run(c.section, func(t *testing.T) {
			ctx := context.Background()
			count := srv.RecordCount(c.section)
			if count == 0 {
				t.Fatalf("%s has no seeded records", c.section)
			}

			// List: the wrapper decodes and counts what the server holds.
			rc, n, err := c.list(ctx)
			if err != nil {
				t.Fatal("list:", err)
			}
			if rc == nil || *rc != count || n != count {
				t.Fatalf("list: record_count %v, %d records; server holds %d", rc, n, count)
			}

			// Get by id.
			got, err := c.get(ctx, 2)
			if err != nil {
				t.Fatal("get:", err)
			}
			if id := modelID(t, got); id != "2" {
				t.Fatalf("get 2: id %s", id)
			}

			// Create: no id in, a new id out.
			created, err := c.create(ctx)
			if err != nil {
				t.Fatal("create:", err)
			}
			if srv.RecordCount(c.section) != count+1 {
				t.Fatalf("create: RecordCount %d, want %d", srv.RecordCount(c.section), count+1)
			}
			if b := sentBody(t, lastAPIRequest(t, srv).Body); b["id"] != nil {
				t.Errorf("create sent an id: %v", b)
			}
			newID, err := strconv.Atoi(modelID(t, created))
			if err != nil {
				t.Fatal(err)
			}
			if newID <= count {
				t.Errorf("create: new id %d is not new (%d records)", newID, count)
			}
			if _, ok := srv.Record(c.section, newID); !ok {
				t.Fatalf("create: record %d not stored", newID)
			}
			fetched, err := c.get(ctx, newID)
			if err != nil {
				t.Fatal("get created:", err)
			}
			if !reflect.DeepEqual(fetched, created) {
				t.Errorf("created record read back differs:\n got  %+v\n want %+v", fetched, created)
			}

			// Update: only id and the one field go over the wire, and only
			// that field changes.
			const target = 5
			before, _ := srv.Record(c.section, target)
			typedBefore, err := c.get(ctx, target)
			if err != nil {
				t.Fatal(err)
			}
			field, value, err := c.update(ctx, target)
			if err != nil {
				t.Fatal("update:", err)
			}
			if srv.RecordCount(c.section) != count+1 {
				t.Errorf("update changed the record count to %d", srv.RecordCount(c.section))
			}
			sent := sentBody(t, lastAPIRequest(t, srv).Body)
			if keys := slices.Sorted(maps.Keys(sent)); !reflect.DeepEqual(keys, slices.Sorted(slices.Values([]string{"id", field}))) {
				t.Errorf("update sent fields %v, want id and %s", keys, field)
			}
			if fmt.Sprint(sent["id"]) != strconv.Itoa(target) || sent[field] != value {
				t.Errorf("update sent %v", sent)
			}
			after, _ := srv.Record(c.section, target)
			if after[field] != value {
				t.Errorf("stored %s = %v, want %v", field, after[field], value)
			}
			// Halo stamps a ticket's last_update on every write.
			stamped := c.section == "Tickets"
			for k := range mergeKeys(before, after) {
				if k != field && !reflect.DeepEqual(before[k], after[k]) && !(stamped && k == "last_update") {
					t.Errorf("update changed %s: %v -> %v", k, before[k], after[k])
				}
			}
			if stamped && reflect.DeepEqual(before["last_update"], after["last_update"]) {
				t.Errorf("update left last_update at %v", after["last_update"])
			}
			typedAfter, err := c.get(ctx, target)
			if err != nil {
				t.Fatal(err)
			}
			c.setField(typedBefore)
			if stamped {
				typedBefore.(*halopsa.Faults).LastUpdate = typedAfter.(*halopsa.Faults).LastUpdate
			}
			if !reflect.DeepEqual(typedAfter, typedBefore) {
				t.Errorf("typed record after update:\n got  %+v\n want %+v", typedAfter, typedBefore)
			}

			// Delete: gone, and a get answers 404.
			if err := c.del(ctx, newID); err != nil {
				t.Fatal("delete:", err)
			}
			if srv.RecordCount(c.section) != count {
				t.Errorf("delete: RecordCount %d, want %d", srv.RecordCount(c.section), count)
			}
			_, err = c.get(ctx, newID)
			var ae *halopsa.APIError
			if !errors.As(err, &ae) || ae.StatusCode != 404 {
				t.Errorf("get after delete: %v, want a 404 *APIError", err)
			}
			if err := c.del(ctx, newID); !as404(err) {
				t.Errorf("second delete: %v, want a 404 *APIError", err)
			}
		})
	}

	t.Run("Attachment", func(t *testing.T) {
		ctx := context.Background()
		count := srv.RecordCount("Attachment")
		payloads := map[string][]byte{
			"empty.bin":  {},
			"zeros.bin":  {0, 0, 0},
			"high.bin":   {0xff, 0xfe, 0x00, 0xff},
			"all.bin":    allBytes(),
			"notes.txt":  []byte("line one\r\nline two\n"),
			"räksmörgås": []byte("\x00unicode name\xff"),
		}
		ids := map[string]int{}
		for _, name := range slices.Sorted(maps.Keys(payloads)) {
			data := payloads[name]
			a, err := halo.Attachment.PostAttachment(ctx, halopsa.PostAttachmentParams{Body: []halopsa.Attachment{{
				Filename: p(name), TicketID: halopsa.Ptr(1), Data: data,
			}}})
			if err != nil {
				t.Fatalf("upload %s: %v", name, err)
			}
			if a.ID == nil || *a.ID == 0 {
				t.Fatalf("upload %s: no id", name)
			}
			if a.Filesize == nil || *a.Filesize != len(data) {
				t.Errorf("upload %s: filesize %v, want %d", name, a.Filesize, len(data))
			}
			ids[name] = *a.ID
		}
		if got := srv.RecordCount("Attachment"); got != count+len(payloads) {
			t.Fatalf("RecordCount %d, want %d", got, count+len(payloads))
		}
		for name, id := range ids {
			got, err := halo.Attachment.GetAttachmentByID(ctx, halopsa.GetAttachmentByIDParams{ID: id})
			if err != nil {
				t.Fatalf("download %s: %v", name, err)
			}
			if !bytes.Equal(got, payloads[name]) {
				t.Errorf("download %s: got %x, want %x", name, got, payloads[name])
			}
		}

		list, err := halo.Attachment.GetAttachment(ctx, halopsa.GetAttachmentParams{TicketID: halopsa.Ptr(1)})
		if err != nil {
			t.Fatal("list:", err)
		}
		if list.RecordCount == nil || *list.RecordCount != len(payloads) || len(list.Attachments) != len(payloads) {
			t.Fatalf("list: record_count %v, %d records, want %d", list.RecordCount, len(list.Attachments), len(payloads))
		}
		names := map[string]bool{}
		for _, a := range list.Attachments {
			if a.Filename != nil {
				names[*a.Filename] = true
			}
		}
		for name := range payloads {
			if !names[name] {
				t.Errorf("list: %s missing", name)
			}
		}

		// Update the file name only: the content stays.
		id := ids["high.bin"]
		before, _ := srv.Record("Attachment", id)
		if _, err := halo.Attachment.PostAttachment(ctx, halopsa.PostAttachmentParams{Body: []halopsa.Attachment{{ID: &id, Filename: p("renamed.bin")}}}); err != nil {
			t.Fatal("rename:", err)
		}
		sent := sentBody(t, lastAPIRequest(t, srv).Body)
		if keys := slices.Sorted(maps.Keys(sent)); !reflect.DeepEqual(keys, []string{"filename", "id"}) {
			t.Errorf("rename sent %v", keys)
		}
		after, _ := srv.Record("Attachment", id)
		for k := range mergeKeys(before, after) {
			if k != "filename" && !reflect.DeepEqual(before[k], after[k]) {
				t.Errorf("rename changed %s: %v -> %v", k, before[k], after[k])
			}
		}
		if after["filename"] != "renamed.bin" {
			t.Errorf("filename %v", after["filename"])
		}
		if got, err := halo.Attachment.GetAttachmentByID(ctx, halopsa.GetAttachmentByIDParams{ID: id}); err != nil || !bytes.Equal(got, payloads["high.bin"]) {
			t.Errorf("download after rename: %x, %v", got, err)
		}

		// Delete.
		if _, err := halo.Attachment.DeleteAttachmentByID(ctx, halopsa.DeleteAttachmentByIDParams{ID: id}); err != nil {
			t.Fatal("delete:", err)
		}
		if got := srv.RecordCount("Attachment"); got != count+len(payloads)-1 {
			t.Errorf("RecordCount after delete %d", got)
		}
		if _, err := halo.Attachment.GetAttachmentByID(ctx, halopsa.GetAttachmentByIDParams{ID: id}); !as404(err) {
			t.Errorf("download after delete: %v, want a 404 *APIError", err)
		}
	})
}

func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func mergeKeys(ms ...map[string]any) map[string]bool {
	out := map[string]bool{}
	for _, m := range ms {
		for k := range m {
			out[k] = true
		}
	}
	return out
}

// ---- paging and filters ----

func TestListPagingAndFilters(t *testing.T) {
	srv := halopsatest.NewServer(t, halopsatest.WithPageSizeCap(100))
	halo := e2eClient(t, srv)
	ctx := context.Background()
	total := srv.RecordCount("Tickets")
	if total <= 100 {
		t.Fatalf("need more than 100 tickets, have %d", total)
	}

	t.Run("pages capped", func(t *testing.T) {
		seen := map[int]bool{}
		for page := 1; ; page++ {
			l, err := halo.Tickets.GetTickets(ctx, halopsa.GetTicketsParams{
				Pageinate: halopsa.Ptr(true), PageNo: halopsa.Ptr(page), PageSize: halopsa.Ptr(500),
			})
			if err != nil {
				t.Fatal(err)
			}
			if l.PageSize == nil || *l.PageSize != 100 {
				t.Errorf("page %d: page_size %v, want 100", page, l.PageSize)
			}
			if l.PageNo == nil || *l.PageNo != page {
				t.Errorf("page %d: page_no %v", page, l.PageNo)
			}
			if l.RecordCount == nil || *l.RecordCount != total {
				t.Errorf("page %d: record_count %v, want %d", page, l.RecordCount, total)
			}
			want := min(100, total-(page-1)*100)
			if want < 0 {
				want = 0
			}
			if len(l.Tickets) != want {
				t.Errorf("page %d: %d tickets, want %d", page, len(l.Tickets), want)
			}
			for _, tk := range l.Tickets {
				if seen[*tk.ID] {
					t.Errorf("ticket %d on two pages", *tk.ID)
				}
				seen[*tk.ID] = true
			}
			if len(l.Tickets) == 0 {
				break
			}
			if page > 10 {
				t.Fatal("paging does not end")
			}
		}
		if len(seen) != total {
			t.Errorf("paged through %d tickets, want %d", len(seen), total)
		}
		q, _ := url.ParseQuery(lastAPIRequest(t, srv).Query)
		if q.Get("pageinate") != "true" || q.Get("page_size") != "500" {
			t.Errorf("query sent: %v", q)
		}
	})

	t.Run("count", func(t *testing.T) {
		l, err := halo.Tickets.GetTickets(ctx, halopsa.GetTicketsParams{Count: halopsa.Ptr(7)})
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Tickets) != 7 || l.RecordCount == nil || *l.RecordCount != total {
			t.Errorf("count=7: %d tickets, record_count %v", len(l.Tickets), l.RecordCount)
		}
		if l.PageSize != nil || l.PageNo != nil {
			t.Errorf("unpaged list has paging fields %v %v", l.PageSize, l.PageNo)
		}
	})

	t.Run("search", func(t *testing.T) {
		all, err := halo.Tickets.GetTickets(ctx, halopsa.GetTicketsParams{})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, tk := range all.Tickets {
			if tk.Summary != nil && strings.Contains(strings.ToLower(*tk.Summary), "printer") {
				want++
			}
		}
		if want == 0 {
			t.Fatal("no printer tickets seeded")
		}
		l, err := halo.Tickets.GetTickets(ctx, halopsa.GetTicketsParams{Search: halopsa.Ptr("PRINTER")})
		if err != nil {
			t.Fatal(err)
		}
		if l.RecordCount == nil || *l.RecordCount < want || *l.RecordCount >= total || len(l.Tickets) != *l.RecordCount {
			t.Errorf("search: record_count %v, %d tickets; %d summaries match", l.RecordCount, len(l.Tickets), want)
		}
		for _, tk := range l.Tickets {
			full, _ := srv.Record("Tickets", *tk.ID)
			hit := false
			for _, v := range full {
				if s, ok := v.(string); ok && strings.Contains(strings.ToLower(s), "printer") {
					hit = true
				}
			}
			if !hit {
				t.Errorf("search returned ticket %d without a match", *tk.ID)
			}
		}
		none, err := halo.Tickets.GetTickets(ctx, halopsa.GetTicketsParams{Search: halopsa.Ptr("no such text anywhere")})
		if err != nil {
			t.Fatal(err)
		}
		if len(none.Tickets) != 0 || none.RecordCount == nil || *none.RecordCount != 0 {
			t.Errorf("search without match: %d tickets, record_count %v", len(none.Tickets), none.RecordCount)
		}
	})

	t.Run("ticket_id filters actions", func(t *testing.T) {
		all, err := halo.Actions.GetActions(ctx, halopsa.GetActionsParams{})
		if err != nil {
			t.Fatal(err)
		}
		byTicket := map[int]int{}
		for _, a := range all.Actions {
			byTicket[*a.TicketID]++
		}
		for _, tid := range []int{1, 2, 50} {
			l, err := halo.Actions.GetActions(ctx, halopsa.GetActionsParams{TicketID: halopsa.Ptr(tid)})
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Actions) == 0 || len(l.Actions) != byTicket[tid] || *l.RecordCount != byTicket[tid] {
				t.Errorf("ticket %d: %d actions (record_count %v), want %d", tid, len(l.Actions), l.RecordCount, byTicket[tid])
			}
			for _, a := range l.Actions {
				if a.TicketID == nil || *a.TicketID != tid {
					t.Errorf("ticket %d: action %d of ticket %v", tid, *a.ID, a.TicketID)
				}
			}
		}
	})

	t.Run("section cap", func(t *testing.T) {
		srv := halopsatest.NewServer(t, halopsatest.WithSectionPageSizeCap("Tickets", 7))
		halo := e2eClient(t, srv)
		l, err := halo.Tickets.GetTickets(ctx, halopsa.GetTicketsParams{Pageinate: halopsa.Ptr(true), PageSize: halopsa.Ptr(50), PageNo: halopsa.Ptr(2)})
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Tickets) != 7 || *l.PageSize != 7 || *l.PageNo != 2 || *l.Tickets[0].ID != 8 {
			t.Errorf("page 2 capped at 7: %d tickets, page_size %v, first %v", len(l.Tickets), *l.PageSize, *l.Tickets[0].ID)
		}
	})
}

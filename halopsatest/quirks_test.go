package halopsatest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/halopsa-go/halopsa"
	"github.com/halopsa-go/halopsa/halopsatest"
)

// quirkSections are the seeded sections.
var quirkSections = []string{"Tickets", "Actions", "Client", "Site", "Users", "Asset", "Agent", "Team", "Status", "Priority", "TicketType", "Category"}

// quirkExtra is what the quirks server adds that no schema declares.
var quirkExtra = []string{"_quirk_undeclared", "cf_halopsatest_score"}

var halopsaTimeType = reflect.TypeFor[halopsa.Time]()

// callSection calls halo.<section>.<method>(ctx, params) by reflection;
// set fills the params.
func callSection(halo *halopsa.Client, section, method string, set func(p reflect.Value)) (reflect.Value, error) {
	sec := reflect.ValueOf(halo).Elem().FieldByName(section)
	m := sec.MethodByName(method)
	if !m.IsValid() {
		return reflect.Value{}, fmt.Errorf("no method %s.%s", section, method)
	}
	p := reflect.New(m.Type().In(1)).Elem()
	if set != nil {
		set(p)
	}
	out := m.Call([]reflect.Value{reflect.ValueOf(context.Background()), p})
	err, _ := out[1].Interface().(error)
	return out[0], err
}

// listRecords lists a section and returns its records (elements of the
// wrapper's list field, or of the bare list) and the wrapper, if any.
func listRecords(halo *halopsa.Client, section string, paged bool) (recs []reflect.Value, wrapper reflect.Value, err error) {
	out, err := callSection(halo, section, "Get"+section, func(p reflect.Value) {
		if f := p.FieldByName("Pageinate"); paged && f.IsValid() {
			f.Set(reflect.ValueOf(halopsa.Ptr(true)))
			p.FieldByName("PageSize").Set(reflect.ValueOf(halopsa.Ptr(100)))
			p.FieldByName("PageNo").Set(reflect.ValueOf(halopsa.Ptr(1)))
		}
	})
	if err != nil {
		return nil, reflect.Value{}, err
	}
	list := out
	if out.Kind() == reflect.Pointer {
		wrapper = out.Elem()
		list = reflect.Value{}
		for i := 0; i < wrapper.NumField(); i++ {
			if f := wrapper.Field(i); f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.Struct {
				list = f
			}
		}
		if !list.IsValid() {
			return nil, wrapper, fmt.Errorf("%s: no list field in %s", section, wrapper.Type())
		}
	}
	for i := 0; i < list.Len(); i++ {
		recs = append(recs, list.Index(i))
	}
	return recs, wrapper, nil
}

// getRecord fetches one record by id.
func getRecord(halo *halopsa.Client, section string, id string) (reflect.Value, error) {
	var convErr error
	out, err := callSection(halo, section, "Get"+section+"ByID", func(p reflect.Value) {
		f := p.FieldByName("ID")
		switch f.Kind() {
		case reflect.String:
			f.SetString(id)
		default:
			_, convErr = fmt.Sscan(id, f.Addr().Interface())
		}
	})
	if convErr != nil {
		return reflect.Value{}, convErr
	}
	if err != nil {
		return reflect.Value{}, err
	}
	return out.Elem(), nil
}

func recordID(rec reflect.Value) string {
	f := rec.FieldByName("ID")
	if !f.IsValid() || f.IsNil() {
		return ""
	}
	return fmt.Sprint(f.Elem().Interface())
}

// extraOf returns a record's Extra map.
func extraOf(rec reflect.Value) map[string]json.RawMessage {
	return rec.FieldByName("Extra").Interface().(map[string]json.RawMessage)
}

// normaliseTyped clears Extra in copies of a and b and, checking that the
// times they hold are equal instants, their Time fields; what is left can
// be compared with reflect.DeepEqual. It reports the paths of times that
// differ.
func normaliseTyped(a, b reflect.Value) (na, nb reflect.Value, timeDiffs []string) {
	na, nb = reflect.New(a.Type()).Elem(), reflect.New(b.Type()).Elem()
	na.Set(a)
	nb.Set(b)
	var walk func(x, y reflect.Value, path string)
	walk = func(x, y reflect.Value, path string) {
		switch {
		case x.Type() == halopsaTimeType:
			tx, ty := x.Interface().(halopsa.Time), y.Interface().(halopsa.Time)
			if !tx.Time.Equal(ty.Time) {
				timeDiffs = append(timeDiffs, fmt.Sprintf("%s: %v != %v", path, tx.Time, ty.Time))
			}
			x.Set(reflect.Zero(x.Type()))
			y.Set(reflect.Zero(y.Type()))
		case x.Kind() == reflect.Pointer:
			if x.IsNil() || y.IsNil() {
				return
			}
			// Copy what the pointers point at before changing it.
			cx, cy := reflect.New(x.Type().Elem()), reflect.New(y.Type().Elem())
			cx.Elem().Set(x.Elem())
			cy.Elem().Set(y.Elem())
			x.Set(cx)
			y.Set(cy)
			walk(x.Elem(), y.Elem(), path)
		case x.Kind() == reflect.Struct:
			for i := 0; i < x.NumField(); i++ {
				f := x.Type().Field(i)
				if !f.IsExported() {
					continue
				}
				if f.Name == "Extra" {
					x.Field(i).Set(reflect.Zero(f.Type))
					y.Field(i).Set(reflect.Zero(f.Type))
					continue
				}
				walk(x.Field(i), y.Field(i), path+"."+f.Name)
			}
		case x.Kind() == reflect.Slice:
			if x.Len() != y.Len() {
				return
			}
			cx, cy := reflect.MakeSlice(x.Type(), x.Len(), x.Len()), reflect.MakeSlice(y.Type(), y.Len(), y.Len())
			reflect.Copy(cx, x)
			reflect.Copy(cy, y)
			x.Set(cx)
			y.Set(cy)
			for i := 0; i < x.Len(); i++ {
				walk(x.Index(i), y.Index(i), fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	walk(na, nb, "")
	return na, nb, timeDiffs
}

// sameTyped compares a record decoded from the quirks server with the
// same record from the plain one.
func sameTyped(t *testing.T, what string, quirky, plain reflect.Value) {
	t.Helper()
	sameTypedValues(t, what, quirky, plain)
	// The undeclared fields are in Extra, and nothing else is: every
	// quirky value fit its field.
	ex := extraOf(quirky)
	if keys := slices.Sorted(maps.Keys(ex)); !reflect.DeepEqual(keys, quirkExtra) {
		t.Errorf("%s: Extra holds %v, want %v", what, keys, quirkExtra)
	}
	var s string
	if err := json.Unmarshal(ex["_quirk_undeclared"], &s); err != nil || s == "" {
		t.Errorf("%s: _quirk_undeclared = %s", what, ex["_quirk_undeclared"])
	}
	if string(ex["cf_halopsatest_score"]) != "7" {
		t.Errorf("%s: cf_halopsatest_score = %s", what, ex["cf_halopsatest_score"])
	}
	if len(extraOf(plain)) != 0 {
		t.Errorf("%s: the plain server's record has Extra %v", what, extraOf(plain))
	}
}

// sameTypedValues compares the typed fields only.
func sameTypedValues(t *testing.T, what string, quirky, plain reflect.Value) {
	t.Helper()
	q, p, timeDiffs := normaliseTyped(quirky, plain)
	for _, d := range timeDiffs {
		t.Errorf("%s: time %s", what, d)
	}
	if !reflect.DeepEqual(q.Interface(), p.Interface()) {
		t.Errorf("%s: typed values differ:\n quirks %+v\n plain  %+v", what, q.Interface(), p.Interface())
	}
}

func TestQuirks(t *testing.T) {
	const seed = 42
	quirks := halopsatest.NewServer(t, halopsatest.WithSeed(seed), halopsatest.WithQuirks())
	plain := halopsatest.NewServer(t, halopsatest.WithSeed(seed))
	hq, hp := e2eClient(t, quirks), e2eClient(t, plain)
	ctx := context.Background()

	t.Run("raw bodies are quirky", func(t *testing.T) {
		var q, p []byte
		if err := hq.Do(ctx, "GET", "/Tickets/1", nil, nil, &q); err != nil {
			t.Fatal(err)
		}
		if err := hp.Do(ctx, "GET", "/Tickets/1", nil, nil, &p); err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(q, p) || !bytes.Contains(q, []byte(`"_quirk_undeclared"`)) || bytes.Contains(p, []byte(`"_quirk_undeclared"`)) {
			t.Errorf("quirks:\n%s\nplain:\n%s", q, p)
		}
		var qm, pm map[string]json.RawMessage
		json.Unmarshal(q, &qm)
		json.Unmarshal(p, &pm)
		var d string
		if json.Unmarshal(qm["dateoccurred"], &d); d == "" || strings.HasSuffix(d, "Z") {
			t.Errorf("quirks dateoccurred %q should have no zone", d)
		}
		if json.Unmarshal(pm["dateoccurred"], &d); !strings.HasSuffix(d, "Z") {
			t.Errorf("plain dateoccurred %q should be in UTC", d)
		}
		// Some numbers and booleans come as strings, decimals or 0/1.
		changed := 0
		for k, v := range pm {
			if k != "dateoccurred" && k != "dateclosed" && !bytes.Equal(qm[k], v) {
				changed++
			}
		}
		if changed == 0 {
			t.Error("no value is rendered differently")
		}
	})

	for _, section := range quirkSections {
		t.Run(section, func(t *testing.T) {
			n := plain.RecordCount(section)
			if n == 0 || quirks.RecordCount(section) != n {
				t.Fatalf("RecordCount: plain %d, quirks %d", n, quirks.RecordCount(section))
			}
			// Site and Users come as bare arrays when unpaged (see
			// TestQuirksBareList); their paged lists are wrapped.
			paged := section == "Site" || section == "Users"
			qrecs, qw, err := listRecords(hq, section, paged)
			if err != nil {
				t.Fatalf("list (quirks): %v", err)
			}
			precs, pw, err := listRecords(hp, section, paged)
			if err != nil {
				t.Fatalf("list (plain): %v", err)
			}
			if len(qrecs) != n || len(precs) != n {
				t.Fatalf("listed %d (quirks) and %d (plain) records, want %d", len(qrecs), len(precs), n)
			}
			if qw.IsValid() {
				sameTypedValues(t, "list wrapper", qw, pw)
			}
			for i := range qrecs {
				sameTyped(t, "list record "+recordID(precs[i]), qrecs[i], precs[i])
			}

			for _, pr := range precs {
				id := recordID(pr)
				if id == "" {
					t.Fatalf("record without id: %+v", pr.Interface())
				}
				q, err := getRecord(hq, section, id)
				if err != nil {
					t.Fatalf("get %s (quirks): %v", id, err)
				}
				p, err := getRecord(hp, section, id)
				if err != nil {
					t.Fatalf("get %s (plain): %v", id, err)
				}
				sameTyped(t, "get "+id, q, p)
				if recordID(q) != id {
					t.Errorf("get %s: id %s", id, recordID(q))
				}
			}
		})
	}
}

func TestQuirksBareList(t *testing.T) {
	quirks := halopsatest.NewServer(t, halopsatest.WithQuirks())
	plain := halopsatest.NewServer(t)
	hq, hp := e2eClient(t, quirks), e2eClient(t, plain)
	ctx := context.Background()

	for _, section := range []string{"Site", "Users"} {
		t.Run(section, func(t *testing.T) {
			n := quirks.RecordCount(section)
			var raw []byte
			if err := hq.Do(ctx, "GET", "/"+section, nil, nil, &raw); err != nil {
				t.Fatal(err)
			}
			var arr []map[string]any
			if err := json.Unmarshal(raw, &arr); err != nil || len(arr) != n {
				t.Fatalf("the quirks server's unpaged %s list is not a bare array of %d: %v\n%.200s", section, n, err, raw)
			}
			if err := hp.Do(ctx, "GET", "/"+section, nil, nil, &raw); err != nil || raw[0] != '{' {
				t.Fatalf("the plain server's list should be wrapped: %v %.80s", err, raw)
			}

			// The typed method accepts the bare array and puts its records
			// in the wrapper's list field.
			qrecs, _, err := listRecords(hq, section, false)
			if err != nil {
				t.Fatalf("Get%s on a bare array: %v", section, err)
			}
			if len(qrecs) != n {
				t.Fatalf("Get%s on a bare array: %d records in the list field, want %d", section, len(qrecs), n)
			}
			precs, _, err := listRecords(hp, section, false)
			if err != nil {
				t.Fatal(err)
			}
			for i := range qrecs {
				sameTyped(t, "record "+recordID(precs[i]), qrecs[i], precs[i])
			}
		})
	}
}

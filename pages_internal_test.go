package halopsa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// pagedTenant serves n tickets with a paging rule of the test's choosing.
func pagedTenant(t *testing.T, n int, page func(pageNo, size int) (from, to int), withCount bool) *tenant {
	return newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		no, _ := strconv.Atoi(q.Get("page_no"))
		size, _ := strconv.Atoi(q.Get("page_size"))
		from, to := page(no, size)
		from, to = max(0, min(from, n)), max(0, min(to, n))
		var recs []string
		for id := from + 1; id <= to; id++ {
			recs = append(recs, fmt.Sprintf(`{"id":%d,"summary":"t%d"}`, id, id))
		}
		body := `{"tickets":[` + strings.Join(recs, ",") + `]`
		if withCount {
			body += `,"record_count":` + strconv.Itoa(n)
		}
		writeJSON(w, 200, body+"}")
	})
}

func walk(t *testing.T, halo *Client, p GetTicketsParams) (ids []int, err error) {
	for tk, e := range halo.Tickets.GetTicketsAll(ctxT(t), p) {
		if e != nil {
			return ids, e
		}
		ids = append(ids, *tk.ID)
	}
	return ids, nil
}

func checkOnce(t *testing.T, ids []int, n int) {
	t.Helper()
	seen := map[int]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("record %d yielded twice", id)
		}
		seen[id] = true
	}
	if len(seen) != n {
		t.Fatalf("%d records, want %d", len(seen), n)
	}
}

// A server that caps the page at 50 but computes offsets from the size it
// was asked for would skip records 51-100 if the walk kept asking for 100:
// the walk must switch to the size it was given.
func TestPagesAdaptToCapComputedFromRequestedSize(t *testing.T) {
	tn := pagedTenant(t, 777, func(no, size int) (int, int) {
		from := (no - 1) * size
		return from, from + min(size, 50)
	}, true)
	ids, err := walk(t, tn.client(), GetTicketsParams{})
	if err != nil {
		t.Fatal(err)
	}
	checkOnce(t, ids, 777)
}

func TestPagesSkipOverlappingRecords(t *testing.T) {
	// Each page repeats the last record of the one before.
	tn := pagedTenant(t, 250, func(no, size int) (int, int) {
		from := (no - 1) * (size - 1)
		return from, from + size
	}, true)
	ids, err := walk(t, tn.client(), GetTicketsParams{})
	if err != nil {
		t.Fatal(err)
	}
	checkOnce(t, ids, 250)
}

func TestPagesWithoutRecordCount(t *testing.T) {
	tn := pagedTenant(t, 205, func(no, size int) (int, int) { return (no - 1) * size, no * size }, false)
	ids, err := walk(t, tn.client(), GetTicketsParams{})
	if err != nil {
		t.Fatal(err)
	}
	checkOnce(t, ids, 205)
	// A server that ignores page_no and sends no record_count: the walk
	// must end instead of looping forever.
	calls := 0
	tn = newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		writeJSON(w, 200, `{"tickets":[{"id":1},{"id":2}]}`)
	})
	ids, err = walk(t, tn.client(), GetTicketsParams{})
	if err != nil || len(ids) != 2 || calls != 2 {
		t.Fatalf("ids %v, err %v, %d calls", ids, err, calls)
	}
}

func TestPagesReportWrongListKey(t *testing.T) {
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"record_count":2,"faults":[{"id":1},{"id":2}]}`)
	})
	_, err := walk(t, tn.client(), GetTicketsParams{})
	var lse *ListShapeError
	if !errors.As(err, &lse) || lse.RecordCount != 2 {
		t.Fatalf("err = %v, want a ListShapeError", err)
	}
}

func TestPagesYieldErrorsOnce(t *testing.T) {
	calls := 0
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 2 {
			writeJSON(w, 500, `{"message":"boom"}`)
			return
		}
		recs := make([]map[string]int, 100)
		for i := range recs {
			recs[i] = map[string]int{"id": i + 1}
		}
		b, _ := json.Marshal(map[string]any{"record_count": 1000, "tickets": recs})
		writeJSON(w, 200, string(b))
	})
	var errs, got int
	for _, err := range tn.client().Tickets.GetTicketsAll(ctxT(t), GetTicketsParams{}) {
		if err != nil {
			errs++
			continue
		}
		got++
	}
	if got != 100 || errs != 1 {
		t.Fatalf("%d records and %d errors, want 100 and 1", got, errs)
	}
}

func TestBareArrayIntoListWrapper(t *testing.T) {
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page_no") == "2" {
			writeJSON(w, 200, `[]`)
			return
		}
		writeJSON(w, 200, `[{"id":1,"name":"Head Office"},{"id":"2","name":"Warehouse"}]`)
	})
	halo := tn.client()
	list, err := halo.Site.GetSite(ctxT(t), GetSiteParams{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Sites) != 2 || *list.Sites[1].ID != 2 || list.RecordCount != nil {
		t.Fatalf("bare array into SiteView: %+v", list)
	}
	// The iterator walks bare pages too, until an empty one.
	var names []string
	for s, err := range halo.Site.GetSiteAll(ctxT(t), GetSiteParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, *s.Name)
	}
	if strings.Join(names, ",") != "Head Office,Warehouse" {
		t.Fatalf("walk: %v", names)
	}
}

func TestListIteratorFindsRecordsByShape(t *testing.T) {
	// GET /Appointment has no wrapper in the spec: its records are found
	// by the page's shape, and typed.
	pages := map[string]string{
		"1": `{"record_count":5,"page_no":1,"appointments":[{"id":1},{"id":2.0,"x_custom":"red"}],"columns":["a","b"]}`,
		"2": `{"record_count":5,"page_no":2,"appointments":[{"id":"3"},{"id":4}]}`,
		"3": `{"record_count":5,"page_no":3,"appointments":[{"id":4},{"id":5}]}`,
	}
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, pages[r.URL.Query().Get("page_no")])
	})
	var ids []int
	var colour string
	for rec, err := range tn.client().Appointment.GetAppointmentAll(ctxT(t), GetAppointmentParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, rec.GetID())
		if c, ok := rec.Extra["x_custom"]; ok {
			colour = string(c)
		}
	}
	if fmt.Sprint(ids) != "[1 2 3 4 5]" || colour != `"red"` {
		t.Fatalf("records: %v, colour %s", ids, colour)
	}
	// One page read alone: the wrapper's other fields are kept.
	page, err := tn.client().Appointment.GetAppointment(ctxT(t), GetAppointmentParams{PageNo: Ptr(1)})
	if err != nil || page.Key != "appointments" || page.RecordCount == nil || *page.RecordCount != 5 ||
		string(page.Extra["columns"]) != `["a","b"]` || string(page.Extra["page_no"]) != "1" {
		t.Fatalf("page: %+v, %v", page, err)
	}
	// Two arrays of records: ambiguous, reported.
	pages["1"] = `{"record_count":2,"a":[{"id":1}],"b":[{"id":2}]}`
	for _, err := range tn.client().Appointment.GetAppointmentAll(ctxT(t), GetAppointmentParams{}) {
		var lse *ListShapeError
		if !errors.As(err, &lse) || strings.Join(lse.Keys, ",") != "a,b" {
			t.Fatalf("err = %v, want ListShapeError", err)
		}
	}
	// A bare array works too.
	pages["1"], pages["2"] = `[{"id":7},{"id":8}]`, `[]`
	n := 0
	for _, err := range tn.client().Appointment.GetAppointmentAll(ctxT(t), GetAppointmentParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2 {
		t.Fatalf("%d records from a bare array", n)
	}
}

// A server that ignores page_no but sends record_count: the walk must end.
func TestPagesStopOnARepeatedPageWithRecordCount(t *testing.T) {
	calls := 0
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		writeJSON(w, 200, `{"record_count":500,"tickets":[{"id":1},{"id":2}]}`)
	})
	ids, err := walk(t, tn.client(), GetTicketsParams{})
	if err != nil || len(ids) != 2 || calls != 2 {
		t.Fatalf("ids %v, err %v, %d calls", ids, err, calls)
	}
}

// A server that ignores page_no, with records that have no integer id and
// no record_count: the walk must end when a page brings nothing new, and
// still yield every id-less record of the pages that do.
func TestPagesOfRecordsWithoutIDsEnd(t *testing.T) {
	for _, body := range []string{
		`{"tickets":[{"summary":"a"},{"summary":"a"}]}`,
		`{"tickets":[{"summary":"a","id":null},{"summary":"b","id":"x"}]}`,
		`[{"summary":"a"},{"summary":"b"}]`,
	} {
		calls := 0
		tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
			calls++
			if calls > 20 {
				writeJSON(w, 200, `{"tickets":[]}`) // end the walk a test without the fix would never end
				return
			}
			writeJSON(w, 200, body)
		})
		n := 0
		for _, err := range tn.client().Tickets.GetTicketsAll(ctxT(t), GetTicketsParams{}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		if n != 2 || calls != 2 {
			t.Errorf("%s: %d records in %d requests, want 2 in 2", body, n, calls)
		}
	}
	// Raw records whose ids are not integers.
	calls := 0
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls > 20 {
			writeJSON(w, 200, `[]`)
			return
		}
		writeJSON(w, 200, `{"appointments":[{"id":"g-1"},{"id":"g-2"}]}`)
	})
	n := 0
	for _, err := range tn.client().Appointment.GetAppointmentAll(ctxT(t), GetAppointmentParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 2 || calls != 2 {
		t.Errorf("raw: %d records in %d requests, want 2 in 2", n, calls)
	}
	// Pages of id-less records that differ are all walked.
	calls = 0
	tn = newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		calls++
		switch r.URL.Query().Get("page_no") {
		case "1":
			writeJSON(w, 200, `{"tickets":[{"summary":"a"},{"summary":"b"}]}`)
		case "2":
			writeJSON(w, 200, `{"tickets":[{"summary":"a"},{"summary":"c"}]}`)
		default:
			writeJSON(w, 200, `{"tickets":[]}`)
		}
	})
	var got []string
	for tk, err := range tn.client().Tickets.GetTicketsAll(ctxT(t), GetTicketsParams{}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, *tk.Summary)
	}
	if strings.Join(got, ",") != "a,b,a,c" {
		t.Errorf("walk of differing id-less pages: %v", got)
	}
}

// A walk whose pages never end (without record_count, a page of new
// records every time) or that takes far more pages than record_count
// explains (every page shifted by one record) stops with a *PagingError
// instead of running on.
func TestPagesAreBounded(t *testing.T) {
	halo := newTenant(t, okTickets).client()
	for _, tc := range []struct {
		name     string
		count    *int
		size     int
		maxPages int
	}{
		{"no record_count", nil, 1, maxPagesWithoutCount + 1},
		{"record_count", Ptr(1000), 100, 2*1000/100 + 3},
	} {
		pagesFetched, n := 0, 0
		fetch := func(ctx context.Context, no, size int) ([]Faults, *int, error) {
			pagesFetched++
			if pagesFetched > 2*maxPagesWithoutCount {
				return nil, nil, errors.New("unbounded")
			}
			recs := make([]Faults, size) // ids no .. no+size-1: one new record a page
			for i := range recs {
				recs[i].ID = Ptr(no + i)
			}
			return recs, tc.count, nil
		}
		var err error
		for _, e := range pages(ctxT(t), &halo.state, "GET", "/Tickets", &tc.size, func(f *Faults) *int { return f.ID }, fetch) {
			if e != nil {
				err = e
				break
			}
			n++
		}
		var pe *PagingError
		if !errors.As(err, &pe) || pagesFetched > tc.maxPages || pe.Pages != pagesFetched || pe.Received != n {
			t.Errorf("%s: err %v after %d pages and %d records", tc.name, err, pagesFetched, n)
		}
	}
}

// A server that caps pages at 50 and computes offsets from the size asked
// for, and sends no record_count: the walk must still adopt the size it
// got, or it skips records 51-100 of every 100 without a word.
func TestPagesAdaptToCapWithoutRecordCount(t *testing.T) {
	tn := pagedTenant(t, 777, func(no, size int) (int, int) {
		from := (no - 1) * size
		return from, from + min(size, 50)
	}, false)
	ids, err := walk(t, tn.client(), GetTicketsParams{})
	if err != nil {
		t.Fatal(err)
	}
	checkOnce(t, ids, 777)
}

// The errors the walk itself reports name the list's method and URL.
func TestPagingErrorsNameTheList(t *testing.T) {
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"record_count":5,"tickets":[]}`)
	})
	_, err := walk(t, tn.client(), GetTicketsParams{})
	var lse *ListShapeError
	if !errors.As(err, &lse) || lse.Method != "GET" || !strings.HasSuffix(lse.URL, "/api/Tickets") || !strings.Contains(err.Error(), "GET "+lse.URL+": ") {
		t.Fatalf("err = %v (%+v)", err, lse)
	}
}

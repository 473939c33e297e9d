package halopsa

import (
	"context"
	"encoding/json"
	"iter"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
)

// defaultPageSize is the page size the iterators ask for: Halo's usual cap.
const defaultPageSize = 100

// pageFetcher fetches one page: its records and Halo's record_count.
type pageFetcher[T any] func(ctx context.Context, pageNo, pageSize int) ([]T, *int, error)

// maxPagesWithoutCount bounds the walk of a list that sends no
// record_count: a server whose pages never run out of new records would
// otherwise be walked forever. (With record_count, the bound is twice the
// pages it explains; see pageLimit.)
const maxPagesWithoutCount = 10_000

// pages walks a paged list for the generated <Method>All iterators.
//
// Halo caps page_size (100, some sections 50) without saying so, and
// clients that take a short page for the last one lose records. So the
// walk never trusts the size it asked for: when the first page is shorter
// than asked while record_count says there is more, it continues with the
// size Halo returned, so that page_no offsets agree whichever way the
// server counts them. It stops when it has record_count records or a page
// is empty, skips records it has already yielded (by id, when records have
// one), stops if a server ignoring page_no sends the same page again, and
// reports a *PagingError rather than walk on when the pages do not add up.
// method and path name the list in the errors the walk reports itself.
func pages[T any](ctx context.Context, c *state, method, path string, size *int, idOf func(*T) *int, fetch pageFetcher[T]) iter.Seq2[T, error] {
	if idOf == nil { // records without an integer id
		idOf = func(*T) *int { return nil }
	}
	return func(yield func(T, error) bool) {
		pageSize := defaultPageSize
		if size != nil && *size > 0 {
			pageSize = *size
		}
		seen := map[int]struct{}{}
		var idless []T // the records without an id of the page before
		received := 0
		for pageNo := 1; ; pageNo++ {
			recs, count, err := fetch(ctx, pageNo, pageSize)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			if len(recs) == 0 {
				if count != nil && received == 0 && *count > 0 {
					// Records exist but none came under the records key: the
					// wrapper's key is wrong for this tenant. Say so rather
					// than yield an empty list.
					var zero T
					yield(zero, &ListShapeError{Method: method, URL: c.cfg.apiBase + path, RecordCount: *count})
					return
				}
				if count != nil && received < *count {
					c.log.LogAttrs(ctx, slog.LevelWarn, "halopsa: list ended early; records may have been deleted during the walk",
						slog.Int("received", received), slog.Int("record_count", *count))
				}
				return
			}
			if pageNo > 1 && !freshPage(recs, idOf, seen, idless) {
				// Nothing new: the server ignores page_no (or went back).
				// Stop rather than loop forever, with or without
				// record_count.
				if count != nil && received < *count {
					c.log.LogAttrs(ctx, slog.LevelWarn, "halopsa: list page repeats the one before; the server seems to ignore page_no",
						slog.Int("page_no", pageNo), slog.Int("received", received), slog.Int("record_count", *count))
				}
				return
			}
			if pageNo == 1 && len(recs) < pageSize && (count == nil || len(recs) < *count) {
				// A short first page: Halo capped the size, or this is all
				// there is. Go on at the size it returned; without
				// record_count, the next page then comes back empty if it
				// was all.
				pageSize = len(recs)
			}
			if pageNo > pageLimit(count, pageSize) {
				var zero T
				yield(zero, &PagingError{Method: method, URL: c.cfg.apiBase + path, Pages: pageNo, Received: received, RecordCount: count, PageSize: pageSize})
				return
			}
			idless = idless[:0]
			for i := range recs {
				if id := idOf(&recs[i]); id != nil {
					if _, dup := seen[*id]; dup {
						continue // overlapping pages: yielded already
					}
					seen[*id] = struct{}{}
				} else {
					idless = append(idless, recs[i])
				}
				received++
				if !yield(recs[i], nil) {
					return
				}
			}
			if count != nil && received >= *count {
				return
			}
		}
	}
}

// freshPage reports whether a page holds anything new: a record whose id
// was not yielded yet, or records without an id that differ from those of
// the page before. Records without an id cannot be told apart from a
// repeat in general (two may be alike), so they are all yielded; but a
// page that repeats the one before, records without an id included, means
// the server ignores page_no.
func freshPage[T any](recs []T, idOf func(*T) *int, seen map[int]struct{}, idlessBefore []T) bool {
	n := 0 // records without an id
	for i := range recs {
		id := idOf(&recs[i])
		if id == nil {
			if n >= len(idlessBefore) || !reflect.DeepEqual(recs[i], idlessBefore[n]) {
				return true
			}
			n++
			continue
		}
		if _, dup := seen[*id]; !dup {
			return true
		}
	}
	return n != len(idlessBefore)
}

// pageLimit is the number of pages after which a walk is stopped: twice
// the pages record_count explains at the page size in use (pages may
// overlap when records are added during the walk), or
// maxPagesWithoutCount.
func pageLimit(count *int, pageSize int) int {
	if count == nil {
		return maxPagesWithoutCount
	}
	explained := (max(*count, 0) + pageSize - 1) / pageSize
	return 2*explained + 2
}

// PagingError reports a paged walk that the client stopped because its
// pages do not add up: more pages than twice what record_count explains,
// or, for a list without record_count, endless pages of new records. The
// records yielded before it are all distinct.
type PagingError struct {
	Method, URL string // the list: "GET", https://.../api/Tickets
	Pages       int    // pages fetched
	Received    int    // records yielded
	RecordCount *int   // the last page's record_count; nil when the list sends none
	PageSize    int    // the page size the walk used
}

func (e *PagingError) Error() string {
	var b strings.Builder
	b.WriteString("halopsa: ")
	if e.URL != "" {
		b.WriteString(e.Method + " " + e.URL + ": ")
	}
	b.WriteString("paged walk stopped after " + strconv.Itoa(e.Pages) + " pages and " + strconv.Itoa(e.Received) + " records: ")
	if e.RecordCount == nil {
		b.WriteString("the list sends no record_count and its pages kept bringing new records")
	} else {
		b.WriteString("record_count " + strconv.Itoa(*e.RecordCount) + " at " + strconv.Itoa(e.PageSize) +
			" a page explains far fewer pages; the server's pages overlap or ignore page_no")
	}
	return b.String()
}

// ListShapeError reports a list whose record_count says there are records
// while none arrived where the client expects them: Halo's list key for
// the section is not the one the client was generated with.
type ListShapeError struct {
	// Method and URL name the list, when the paged walk reports the error
	// (inside a *DecodeError, that error names the call).
	Method, URL string
	RecordCount int
	// Keys, when set, are the keys of the several arrays of records a
	// wrapper held: the client cannot tell which holds the list's records.
	Keys []string
}

func (e *ListShapeError) Error() string {
	where := ""
	if e.URL != "" {
		where = e.Method + " " + e.URL + ": "
	}
	if len(e.Keys) > 1 {
		return "halopsa: " + where + "the list holds several arrays of records (" + strings.Join(e.Keys, ", ") + "); the client cannot tell which are the list's records (please report the section)"
	}
	return "halopsa: " + where + "the list reports " + strconv.Itoa(e.RecordCount) + " records but none arrived under its records key; the records are in the page's Extra map (please report the section)"
}

// rawPage splits an untyped list page into its records, found by the
// page's shape as List finds them (see readWrapper).
func rawPage(body json.RawMessage) ([]json.RawMessage, *int, error) {
	var recs []json.RawMessage
	var count *int
	_, err := decodeWith(body, func(d *decoder) error {
		w, err := readWrapper(d)
		if err != nil || w.records == nil {
			count = w.count
			return err
		}
		sub := getDecoder(w.records)
		sub.raws(&recs)
		err = sub.errOrNil()
		putDecoder(sub)
		count = w.count
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return recs, count, nil
}

// rawID reads the integer id of a raw record, for the raw iterators'
// each-record-once rule.
func rawID(r *json.RawMessage) *int {
	d := getDecoder(*r)
	defer putDecoder(d)
	if d.peek() != '{' || !d.enter() {
		return nil
	}
	for d.field() {
		if string(d.key) == "id" {
			var id *int
			d.int(&id)
			if id == nil {
				return nil
			}
			v := *id
			return &v
		}
		d.skip()
	}
	return nil
}

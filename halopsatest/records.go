package halopsatest

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// upsert creates or updates a record as Halo's POST does, then sets what
// Halo sets itself: defaults on a new ticket or action, last_update on
// every ticket write, dateclosed when a ticket closes.
func (s *Server) upsert(t *table, in record) (record, error) {
	key, update := idKey(in["id"])
	wasClosed := update && t.rows[key] != nil && isClosed(t.rows[key])
	saved, err := t.upsert(in)
	if err != nil {
		return nil, err
	}
	now := s.opts.now().UTC().Truncate(time.Second).Format(time.RFC3339)
	setDefault := func(field string, v any) {
		if _, declared := t.fields[field]; declared && saved[field] == nil {
			saved[field] = v
		}
	}
	switch strings.ToLower(t.section) {
	case "tickets":
		if !update {
			setDefault("dateoccurred", now)
			setDefault("tickettype_id", json.Number("1"))
			tt := s.ticketType(saved["tickettype_id"])
			status := json.Number("1")
			if v, ok := tt["initial_status"]; ok && positive(v) {
				status = json.Number(fmt.Sprint(v))
			}
			setDefault("status_id", status)
			if v, ok := tt["default_priority"]; ok && positive(v) {
				setDefault("priority_id", json.Number(fmt.Sprint(v)))
			}
		}
		saved["last_update"] = now
		if isClosed(saved) && !wasClosed {
			setDefault("dateclosed", now)
			saved["hasbeenclosed"] = true
		}
	case "actions":
		if !update {
			setDefault("datetime", now)
			setDefault("actiondatecreated", now)
		}
	}
	return saved, nil
}

// ticketType returns the TicketType record with the given id, or nil.
func (s *Server) ticketType(id any) record {
	t := s.tables["tickettype"]
	if t == nil {
		return nil
	}
	k, _ := idKey(id)
	return t.rows[k]
}

// store saves a record as given, keeping its id (a record with an
// existing id replaces it), or giving it a new id when it has none. Only
// the id is rewritten, in the form the section's ids take.
func (t *table) store(rec record) (record, error) {
	key, has := idKey(rec["id"])
	if !has {
		key = t.newID()
	} else if !t.stringID {
		n, err := strconv.ParseInt(key, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: id %v is not an integer", t.section, rec["id"])
		}
		if n >= t.nextID {
			t.nextID = n + 1
		}
	} else if n, ok := countedID(key); ok && n >= t.nextID {
		t.nextID = n + 1
	}
	if t.stringID {
		rec["id"] = key
	} else {
		rec["id"] = json.Number(key)
	}
	t.rows[key] = rec
	return rec, nil
}

// newID takes the next id of a section.
func (t *table) newID() string {
	id := t.nextID
	t.nextID++
	if t.stringID {
		// Counted, not random: the same seed must give the same records,
		// and ids sort in creation order.
		return fmt.Sprintf(countedIDFormat, id)
	}
	return strconv.FormatInt(id, 10)
}

const countedIDFormat = "00000000-0000-4000-8000-%012x"

// countedID reads an id newID made for a section with text ids.
func countedID(key string) (int64, bool) {
	hex, ok := strings.CutPrefix(key, "00000000-0000-4000-8000-")
	if !ok || len(hex) != 12 {
		return 0, false
	}
	n, err := strconv.ParseInt(hex, 16, 64)
	return n, err == nil
}

// Load stores records in a section exactly as given, keeping their ids: a
// record whose id exists replaces that record, one without an id gets a
// new one. Unlike Put (and Halo's POST) it keeps fields the schema does
// not declare and sets no defaults, so that a test can hold the tenant to
// the records a real one returned. It returns the records' ids. On an
// error (a section that keeps no records, an id that is not an integer
// where the section's ids are, a value JSON cannot hold) nothing is
// stored.
func (s *Server) Load(section string, records []map[string]any) ([]any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, err := s.loadLocked(section, records)
	if err != nil {
		return nil, err
	}
	ids := make([]any, len(stored))
	for i, r := range stored {
		ids[i] = r["id"]
	}
	return ids, nil
}

// loadLocked is Load; it returns copies of the stored records.
func (s *Server) loadLocked(section string, records []map[string]any) ([]record, error) {
	t := s.tables[strings.ToLower(section)]
	if t == nil {
		return nil, fmt.Errorf("halopsatest: section %s keeps no records", section)
	}
	recs := make([]record, len(records))
	for i, rec := range records {
		if rec == nil {
			return nil, fmt.Errorf("halopsatest: %s record %d is null, not an object", section, i)
		}
		// A copy in the form decoded JSON takes, so that records loaded
		// and records posted look the same, and the caller's maps are not
		// kept.
		b, err := json.Marshal(rec)
		if err != nil {
			return nil, fmt.Errorf("halopsatest: %s record %d: %w", section, i, err)
		}
		one, err := decodeRecords(b)
		if err != nil || len(one) != 1 {
			return nil, fmt.Errorf("halopsatest: %s record %d is not an object", section, i)
		}
		if key, has := idKey(one[0]["id"]); has && !t.stringID {
			if _, err := strconv.ParseInt(key, 10, 64); err != nil {
				return nil, fmt.Errorf("halopsatest: %s record %d: id %v is not an integer", section, i, one[0]["id"])
			}
		}
		recs[i] = one[0]
	}
	out := make([]record, len(recs))
	for i, rec := range recs {
		saved, err := t.store(rec)
		if err != nil { // checked above
			return nil, err
		}
		out[i] = cloneRecord(saved)
	}
	return out, nil
}

// Records returns copies of a section's records in id order, as stored
// (nil for a section that keeps no records).
func (s *Server) Records(section string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tables[strings.ToLower(section)]
	if t == nil {
		return nil
	}
	rows := t.filter(nil)
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		out[i] = cloneRecord(r)
	}
	return out
}

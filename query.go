package halopsa

import (
	"strconv"
	"time"
)

// query builds an encoded query string for the generated params types.
// Unset (nil) parameters are left out; lists are sent comma-separated
// (agent=1,2), the form Halo documents for its "(array of int)" parameters:
// the commas between values are sent as they are, commas inside a value
// escaped.
type query struct{ b []byte }

func (q *query) encode() string { return string(q.b) }

func (q *query) key(k string) {
	if len(q.b) > 0 {
		q.b = append(q.b, '&')
	}
	q.b = appendQueryEscape(q.b, k)
	q.b = append(q.b, '=')
}

func (q *query) str(k string, v *string) {
	if v != nil {
		q.key(k)
		q.b = appendQueryEscape(q.b, *v)
	}
}

func (q *query) int(k string, v *int) {
	if v != nil {
		q.key(k)
		q.b = strconv.AppendInt(q.b, int64(*v), 10)
	}
}

func (q *query) int64(k string, v *int64) {
	if v != nil {
		q.key(k)
		q.b = strconv.AppendInt(q.b, *v, 10)
	}
}

func (q *query) float(k string, v *float64) {
	if v != nil {
		q.key(k)
		q.b = strconv.AppendFloat(q.b, *v, 'f', -1, 64)
	}
}

func (q *query) bool(k string, v *bool) {
	if v != nil {
		q.key(k)
		q.b = strconv.AppendBool(q.b, *v)
	}
}

// time sends a timestamp in UTC, RFC 3339 ("2026-11-26T04:15:00Z").
func (q *query) time(k string, v *time.Time) {
	if v != nil {
		q.key(k)
		q.b = appendQueryEscape(q.b, v.UTC().Format(time.RFC3339Nano))
	}
}

func (q *query) ints(k string, v []int) {
	if v == nil {
		return
	}
	q.key(k)
	for i, n := range v {
		if i > 0 {
			q.b = append(q.b, ',')
		}
		q.b = strconv.AppendInt(q.b, int64(n), 10)
	}
}

func (q *query) strs(k string, v []string) {
	if v == nil {
		return
	}
	q.key(k)
	for i, s := range v {
		if i > 0 {
			q.b = append(q.b, ',')
		}
		q.b = appendQueryEscape(q.b, s)
	}
}

// appendQueryEscape escapes s like url.QueryEscape, without allocating.
func appendQueryEscape(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '_', c == '.', c == '~':
			b = append(b, c)
		case c == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
		}
	}
	return b
}

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"
)

// printer writes results in one output format. Records given one by one
// (a list) are streamed, except in a table, whose columns are aligned over
// all rows.
type printer struct {
	w      *bufio.Writer
	format string
	fields []string
	indent bool // json on a terminal
	stream bool // a list, record by record: -o json prints an array
	n      int  // records written by record
	rows   [][]byte
}

func (a *app) newPrinter(format string) *printer {
	return &printer{w: bufio.NewWriter(a.stdout), format: format, fields: a.fields, indent: a.terminal}
}

// result prints a whole result.
func (p *printer) result(r *result) error {
	switch {
	case r.isBinary:
		_, err := p.w.Write(r.binary)
		return err
	case p.format == outJSON:
		if len(bytes.TrimSpace(r.json)) == 0 {
			return nil // Halo sent no body
		}
		p.writeJSON(r.json, "")
		return p.w.WriteByte('\n')
	}
	for _, rec := range r.records {
		if err := p.record(rec); err != nil {
			return err
		}
	}
	return nil
}

// record prints one record of a list.
func (p *printer) record(js []byte) error {
	p.n++
	switch p.format {
	case outTable:
		p.rows = append(p.rows, js)
		return nil
	case outJSONL:
		if len(p.fields) > 0 {
			js = project(js, p.fields)
		}
		p.w.Write(compactJSON(js))
		return p.w.WriteByte('\n')
	}
	// json: the records as one array, written as they come.
	if p.n == 1 {
		p.w.WriteString("[")
	} else {
		p.w.WriteString(",")
	}
	if p.indent {
		p.w.WriteString("\n  ")
		p.writeJSON(js, "  ")
	} else {
		p.w.Write(compactJSON(js))
	}
	if p.indent {
		return p.w.Flush()
	}
	return nil
}

// writeJSON writes js, indented on a terminal.
func (p *printer) writeJSON(js []byte, prefix string) {
	if p.indent {
		var b bytes.Buffer
		if json.Indent(&b, js, prefix, "  ") == nil {
			p.w.Write(b.Bytes())
			return
		}
	}
	p.w.Write(compactJSON(js))
}

// close ends the output: it closes a streamed JSON array and writes a
// table.
func (p *printer) close() error {
	switch p.format {
	case outJSON:
		switch {
		case !p.stream:
		case p.n == 0:
			p.w.WriteString("[]\n")
		case p.indent:
			p.w.WriteString("\n]\n")
		default:
			p.w.WriteString("]\n")
		}
	case outTable:
		writeTable(p.w, p.rows, p.fields)
	}
	return p.w.Flush()
}

// abort flushes what was printed before an error, leaving a streamed JSON
// array open: a truncated list must not parse as a complete one.
func (p *printer) abort() {
	if p.format == outTable {
		writeTable(p.w, p.rows, p.fields)
	}
	if p.format == outJSON && p.n > 0 {
		p.w.WriteString("\n")
	}
	p.w.Flush()
}

// fieldValue finds a field of a record by its (dotted) path: "id",
// "client.name". ok is false when the record has no such field.
func fieldValue(js []byte, path string) (json.RawMessage, bool) {
	cur := json.RawMessage(js)
	for _, key := range strings.Split(path, ".") {
		var obj map[string]json.RawMessage
		if json.Unmarshal(cur, &obj) != nil {
			return nil, false
		}
		v, ok := obj[key]
		if !ok {
			return nil, false
		}
		cur = v
	}
	return cur, true
}

// project keeps the given fields of a record, in their order; a field the
// record lacks is null.
func project(js []byte, fields []string) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range fields {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f)
		b.Write(k)
		b.WriteByte(':')
		if v, ok := fieldValue(js, f); ok {
			b.Write(compactJSON(v))
		} else {
			b.WriteString("null")
		}
	}
	b.WriteByte('}')
	return b.Bytes()
}

// maxDefaultColumns bounds the columns of a table without --fields.
const maxDefaultColumns = 8

// defaultColumns are the first record's scalar fields, in its order.
func defaultColumns(js []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(js))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var cols []string
	for dec.More() && len(cols) < maxDefaultColumns {
		t, err := dec.Token()
		if err != nil {
			return cols
		}
		key, _ := t.(string)
		var v json.RawMessage
		if dec.Decode(&v) != nil {
			return cols
		}
		if c := firstByte(v); c != '{' && c != '[' {
			cols = append(cols, key)
		}
	}
	return cols
}

func firstByte(b []byte) byte {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

// maxCell bounds the width of a table cell.
const maxCell = 60

// cell renders a JSON value for a table: strings without quotes, null as
// nothing, objects and arrays as compact JSON, all on one line.
func cell(v json.RawMessage) string {
	var s string
	switch firstByte(v) {
	case 0, 'n':
		return ""
	case '"':
		if json.Unmarshal(v, &s) != nil {
			s = string(v)
		}
	default:
		s = string(compactJSON(v))
	}
	s = strings.Map(func(r rune) rune {
		if r < ' ' {
			return ' '
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > maxCell {
		s = string([]rune(s)[:maxCell-1]) + "…"
	}
	return s
}

// writeTable writes records as aligned columns: fields, else the first
// record's scalar fields. Records that are not objects are one column.
func writeTable(w io.Writer, rows [][]byte, fields []string) {
	if len(rows) == 0 {
		return
	}
	cols := fields
	if len(cols) == 0 {
		cols = defaultColumns(rows[0])
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(cols) == 0 { // not records: one value a line
		for _, r := range rows {
			fmt.Fprintln(tw, cell(r))
		}
		tw.Flush()
		return
	}
	fmt.Fprintln(tw, strings.ToUpper(strings.Join(cols, "\t")))
	for _, r := range rows {
		vals := make([]string, len(cols))
		for i, c := range cols {
			if v, ok := fieldValue(r, c); ok {
				vals[i] = cell(v)
			}
		}
		fmt.Fprintln(tw, strings.Join(vals, "\t"))
	}
	tw.Flush()
}

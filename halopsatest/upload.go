package halopsatest

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
)

// Attachments of any size: an upload's JSON body is read as it arrives,
// and the base64 string of each file ("data" or "data_base64") is decoded
// straight into a blob, so that a body with a file of gigabytes is never
// held in memory. A blob stays in memory up to spillSize and is kept in a
// temporary file the server owns beyond that (outside the Go heap: a test
// measuring its heap sees the client, not the fake's files). A download is
// copied from the blob as it is sent.

// spillSize is the largest file a server keeps in memory.
const spillSize = 4 << 20

// maxUploadFields bounds what an upload body may hold besides its files:
// the records' other fields are read into memory.
const maxUploadFields = 64 << 20

// maxLoggedBody is the most of one upload body the request log keeps.
const maxLoggedBody = 1 << 20

// blob is a file's content, in memory or in a temporary file.
type blob struct {
	data []byte
	path string // set when spilled to a file
	size int64
}

// open returns the content to read.
func (b *blob) open() (io.ReadCloser, error) {
	if b.path == "" {
		return io.NopCloser(bytes.NewReader(b.data)), nil
	}
	return os.Open(b.path)
}

// remove deletes a spilled blob's file. A download reading it goes on: an
// open file outlives its name.
func (b *blob) remove() {
	if b != nil && b.path != "" {
		os.Remove(b.path)
	}
}

// spillFile creates a temporary file for a blob, in the server's own
// directory (made on first use, removed by Close).
func (s *Server) spillFile() (*os.File, error) {
	s.spillMu.Lock()
	defer s.spillMu.Unlock()
	if s.spillClosed {
		return nil, errors.New("halopsatest: the server is closed")
	}
	if s.spillDir == "" {
		dir, err := os.MkdirTemp("", "halopsatest-attachments-")
		if err != nil {
			return nil, err
		}
		s.spillDir = dir
	}
	return os.CreateTemp(s.spillDir, "attachment-")
}

// removeSpillDir removes the blobs' directory; blobs cannot be made after.
func (s *Server) removeSpillDir() {
	s.spillMu.Lock()
	dir := s.spillDir
	s.spillDir, s.spillClosed = "", true
	s.spillMu.Unlock()
	if dir != "" {
		os.RemoveAll(dir)
	}
}

// blobWriter collects a blob, in memory until it outgrows spillSize.
type blobWriter struct {
	s    *Server
	mem  []byte
	f    *os.File
	bw   *bufio.Writer // f's: the base64 decoder writes in small pieces
	size int64
}

func (w *blobWriter) Write(p []byte) (int, error) {
	if w.f == nil && len(w.mem)+len(p) > spillSize {
		f, err := w.s.spillFile()
		if err != nil {
			return 0, err
		}
		w.f, w.bw = f, bufio.NewWriterSize(f, 256<<10)
		if _, err := w.bw.Write(w.mem); err != nil {
			return 0, err
		}
		w.mem = nil
	}
	if w.f != nil {
		n, err := w.bw.Write(p)
		w.size += int64(n)
		return n, err
	}
	w.mem = append(w.mem, p...)
	w.size += int64(len(p))
	return len(p), nil
}

// finish returns the blob, or removes what was written after a failure.
func (w *blobWriter) finish(failed bool) *blob {
	if w.f == nil {
		if failed {
			return nil
		}
		return &blob{data: w.mem, size: w.size}
	}
	err := w.bw.Flush()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if failed || err != nil {
		os.Remove(w.f.Name())
		return nil
	}
	return &blob{path: w.f.Name(), size: w.size}
}

// parsedUpload is an upload body read as it arrived.
type parsedUpload struct {
	recs  []record // without their data and data_base64 keys
	files []*blob  // by record; nil for a record that sent no file
	// bad is why the body is not what Halo takes (answered 400, after the
	// token is checked); readErr a failure to read it (the client went
	// away: nothing is answered).
	bad, readErr error
	logged       []byte // the body's first maxLoggedBody bytes
	size         int64  // the body's length
}

// discard removes the files of the upload that were not stored (storing
// one takes it out of files).
func (u *parsedUpload) discard() {
	if u == nil {
		return
	}
	for _, b := range u.files {
		b.remove()
	}
}

// logTee keeps the first maxLoggedBody bytes read through it, and counts
// them all.
type logTee struct {
	r    io.Reader
	kept []byte
	n    int64
}

func (t *logTee) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if room := maxLoggedBody - len(t.kept); room > 0 {
		t.kept = append(t.kept, p[:min(n, room)]...)
	}
	t.n += int64(n)
	return n, err
}

// parseUpload reads an upload body: one record or an array of records.
func (s *Server) parseUpload(body io.Reader) *parsedUpload {
	tee := &logTee{r: body}
	p := &uploadParser{s: s, r: bufio.NewReaderSize(tee, 64<<10)}
	u := &parsedUpload{}
	err := p.body(u)
	if err == nil {
		// Trailing bytes are ignored, as encoding/json's Decoder does; they
		// are read (up to a bound) so that the log has the whole body.
		_, err = io.Copy(io.Discard, io.LimitReader(p.r, 256<<20))
	}
	var syn *syntaxError
	switch {
	case errors.As(err, &syn):
		u.bad = syn
	case err != nil:
		u.readErr = err
	}
	if err != nil {
		u.discard()
		u.files = nil
	}
	u.logged, u.size = tee.kept, tee.n
	return u
}

// syntaxError is a body the fake refuses: with 400, or status.
type syntaxError struct {
	status int
	msg    string
}

func (e *syntaxError) Error() string { return e.msg }

func bad(format string, args ...any) error {
	return &syntaxError{status: 400, msg: fmt.Sprintf(format, args...)}
}

type uploadParser struct {
	s    *Server
	r    *bufio.Reader
	meta int // bytes of fields read into memory
}

// next skips whitespace and returns the next byte, unread.
func (p *uploadParser) next() (byte, error) {
	for {
		c, err := p.r.ReadByte()
		if err != nil {
			return 0, p.eof(err)
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		p.r.UnreadByte()
		return c, nil
	}
}

// eof turns the end of the body inside a value into a syntax error; any
// other failure is the connection's.
func (p *uploadParser) eof(err error) error {
	if err == io.EOF {
		return bad("unexpected end of JSON input")
	}
	return err
}

func (p *uploadParser) body(u *parsedUpload) error {
	c, err := p.next()
	if err != nil {
		return err
	}
	switch c {
	case '{':
		return p.record(u)
	case '[':
		p.r.ReadByte()
		if c, err = p.next(); err != nil {
			return err
		}
		if c == ']' {
			p.r.ReadByte()
			return nil
		}
		for {
			if c, err = p.next(); err != nil {
				return err
			}
			if c != '{' {
				return bad("array element is not an object")
			}
			if err := p.record(u); err != nil {
				return err
			}
			if c, err = p.next(); err != nil {
				return err
			}
			p.r.ReadByte()
			switch c {
			case ',':
			case ']':
				return nil
			default:
				return bad("invalid character %q after array element", c)
			}
		}
	}
	return bad("body is neither an object nor an array of objects")
}

// record reads an object; its file, if any, goes to a blob.
func (p *uploadParser) record(u *parsedUpload) error {
	p.r.ReadByte() // '{'
	rec := record{}
	var file *blob
	u.recs, u.files = append(u.recs, rec), append(u.files, nil)
	defer func() { u.files[len(u.files)-1] = file }()
	c, err := p.next()
	if err != nil {
		return err
	}
	if c == '}' {
		p.r.ReadByte()
		return nil
	}
	for {
		if c != '"' {
			return bad("invalid character %q looking for an object key", c)
		}
		raw, err := p.raw()
		if err != nil {
			return err
		}
		var key string
		if err := json.Unmarshal(raw, &key); err != nil {
			return bad("invalid object key: %v", err)
		}
		if c, err = p.next(); err != nil {
			return err
		}
		if c != ':' {
			return bad("invalid character %q after object key", c)
		}
		p.r.ReadByte()
		if c, err = p.next(); err != nil {
			return err
		}
		switch {
		case (key == "data" || key == "data_base64") && c == '"':
			b, err := p.file(key)
			if err != nil {
				return err
			}
			file.remove() // a second file in one record: the last one counts
			file = b
		default:
			raw, err := p.raw()
			if err != nil {
				return err
			}
			if key == "data" || key == "data_base64" {
				break // not a string: no file, as before
			}
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				return bad("invalid value of %s: %v", key, err)
			}
			rec[key] = v
		}
		if c, err = p.next(); err != nil {
			return err
		}
		p.r.ReadByte()
		switch c {
		case ',':
			if c, err = p.next(); err != nil {
				return err
			}
		case '}':
			return nil
		default:
			return bad("invalid character %q after object value", c)
		}
	}
}

// raw reads one JSON value as it is, for encoding/json to decode.
func (p *uploadParser) raw() ([]byte, error) {
	var buf []byte
	depth := 0
	inString, escaped := false, false
	for {
		c, err := p.r.ReadByte()
		if err != nil {
			if err == io.EOF && depth == 0 && !inString && len(buf) > 0 {
				return buf, nil // a number or literal at the very end: the caller finds the syntax error
			}
			return nil, p.eof(err)
		}
		if p.meta++; p.meta > maxUploadFields {
			return nil, bad("the records' fields other than data exceed %d bytes", maxUploadFields)
		}
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
				p.r.UnreadByte()
				return buf, nil
			}
			depth--
		case depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n'):
			p.r.UnreadByte()
			return buf, nil
		}
		buf = append(buf, c)
		if depth == 0 && !inString && (c == '"' || c == '}' || c == ']') && len(buf) > 1 {
			return buf, nil
		}
	}
}

// file decodes a base64 string value into a blob as it is read: as
// strictly as base64.StdEncoding.DecodeString (padding only at the end;
// line breaks ignored), in chunks, so that the blob is written in large
// pieces.
func (p *uploadParser) file(key string) (*blob, error) {
	p.r.ReadByte() // '"'
	str := &jsonString{r: p.r}
	w := &blobWriter{s: p.s}
	err := decodeBase64(w, str)
	var ce base64.CorruptInputError
	switch {
	case str.err != nil:
		err = p.eof(str.err)
	case errors.As(err, &ce):
		err = bad("%s is not base64", key)
	case err != nil:
		err = &syntaxError{status: 500, msg: "storing the file failed: " + err.Error()}
	}
	b := w.finish(err != nil)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// decodeBase64 decodes r (standard base64, padded) into w.
func decodeBase64(w io.Writer, r io.Reader) error {
	in := make([]byte, 64<<10)
	out := make([]byte, len(in)/4*3)
	have := 0      // bytes of in waiting to be decoded
	ended := false // padding was decoded: nothing may follow
	for {
		n, rerr := r.Read(in[have:])
		chunk := in[have : have+n]
		if bytes.ContainsAny(chunk, "\r\n") {
			chunk = slices.DeleteFunc(chunk, func(c byte) bool { return c == '\r' || c == '\n' })
		}
		have += len(chunk)
		whole := have / 4 * 4
		if rerr == io.EOF {
			if have != whole {
				return base64.CorruptInputError(have)
			}
		}
		if whole > 0 {
			if ended {
				return base64.CorruptInputError(0)
			}
			k, err := base64.StdEncoding.Decode(out, in[:whole])
			if err != nil {
				return err
			}
			ended = in[whole-1] == '='
			if _, err := w.Write(out[:k]); err != nil {
				return err
			}
			have = copy(in, in[whole:have])
		}
		if rerr == io.EOF {
			return nil
		}
		if rerr != nil {
			return rerr
		}
	}
}

// jsonString reads the content of a JSON string (after its opening quote)
// unescaped, and ends at its closing quote.
type jsonString struct {
	r    *bufio.Reader
	done bool  // the closing quote was read
	err  error // reading the body failed
	pend []byte
}

func (s *jsonString) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(s.pend) > 0 {
			c := copy(p[n:], s.pend)
			s.pend = s.pend[c:]
			n += c
			continue
		}
		if s.done {
			break
		}
		// The plain run up to the next quote or escape goes in bulk.
		if s.r.Buffered() == 0 {
			if _, err := s.r.Peek(1); err != nil {
				s.err = err
				return n, err
			}
		}
		avail, _ := s.r.Peek(min(s.r.Buffered(), len(p)-n))
		run := len(avail)
		if i := bytes.IndexByte(avail, '"'); i >= 0 {
			run = i
		}
		if i := bytes.IndexByte(avail[:run], '\\'); i >= 0 {
			run = i
		}
		if run > 0 {
			n += copy(p[n:], avail[:run])
			s.r.Discard(run)
			continue
		}
		c, err := s.r.ReadByte()
		if err != nil {
			s.err = err
			return n, err
		}
		switch c {
		case '"':
			s.done = true
		case '\\':
			e, err := s.r.ReadByte()
			if err != nil {
				s.err = err
				return n, err
			}
			switch e {
			case 'n':
				p[n] = '\n'
			case 'r':
				p[n] = '\r'
			case 't':
				p[n] = '\t'
			case 'b':
				p[n] = '\b'
			case 'f':
				p[n] = '\f'
			case 'u':
				var hex [4]byte
				if _, err := io.ReadFull(s.r, hex[:]); err != nil {
					s.err = err
					return n, err
				}
				r, err := strconv.ParseUint(string(hex[:]), 16, 16)
				if err != nil {
					return n, base64.CorruptInputError(0)
				}
				s.pend = []byte(string(rune(r)))
				continue
			default: // '"', '\\', '/'
				p[n] = e
			}
			n++
		default:
			p[n] = c
			n++
		}
	}
	if n == 0 && s.done {
		return 0, io.EOF
	}
	return n, nil
}

package halopsa

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"
)

// Streamed transfers: a request body read from the caller's io.Reader as
// it is sent, and a response body written to the caller's io.Writer as it
// arrives, so that a file of any size takes the same memory.

// upload is a JSON request body one string value of which streams from an
// io.Reader, base64-encoded as it is sent: prefix, the content in
// base64, suffix.
type upload struct {
	prefix, suffix []byte
	content        io.Reader
	seeker         io.Seeker // content, when it can be rewound; nil otherwise
	start          int64     // content's offset when the call began: where a rewind goes
	size           int64     // content's length, -1 when unknown
}

// newUpload measures content: an io.Seeker whose Seek works can be
// rewound and has a length (an *os.File of a pipe is an io.Seeker whose
// Seek fails); otherwise a Len method (bytes.Buffer) gives the length,
// and without one the body is sent chunked.
func newUpload(prefix, suffix []byte, content io.Reader) (*upload, error) {
	u := &upload{prefix: prefix, suffix: suffix, content: content, size: -1}
	if sk, ok := content.(io.Seeker); ok {
		if pos, err := sk.Seek(0, io.SeekCurrent); err == nil {
			end, err := sk.Seek(0, io.SeekEnd)
			if _, err2 := sk.Seek(pos, io.SeekStart); err2 != nil {
				return nil, err2 // it moved, and cannot go back: nothing is sent
			}
			if err == nil {
				u.seeker, u.start, u.size = sk, pos, max(end-pos, 0)
			}
		}
	}
	if l, ok := content.(interface{ Len() int }); ok && u.size < 0 {
		u.size = int64(l.Len())
	}
	return u, nil
}

// length is the body's length, or -1 when the content's is unknown.
func (u *upload) length() int64 {
	if u.size < 0 {
		return -1
	}
	return int64(len(u.prefix)) + (u.size+2)/3*4 + int64(len(u.suffix))
}

func (u *upload) rewindable() bool { return u.seeker != nil }

// rewind moves the content back to where the call found it.
func (u *upload) rewind() error {
	if u.seeker == nil {
		return ErrBodyNotRewindable
	}
	if _, err := u.seeker.Seek(u.start, io.SeekStart); err != nil {
		return &rewindError{err}
	}
	return nil
}

// rewindError is a failed Seek back to the start of an upload's content.
type rewindError struct{ err error }

func (e *rewindError) Error() string {
	return "halopsa: the request body's io.Reader could not be rewound to send it again: " + e.err.Error()
}
func (e *rewindError) Unwrap() error        { return e.err }
func (e *rewindError) Is(target error) bool { return target == ErrBodyNotRewindable }

// newBody starts an attempt's reading of the upload. progress is called
// whenever content is read.
func (u *upload) newBody(progress func()) attemptBody {
	return &uploadBody{u: u, progress: progress, quiet: make(chan struct{})}
}

// uploadBody is one attempt's request body. The transport reads it on its
// own goroutine, and may still do so after the attempt ended (RoundTrip
// may close a body after it returns): finish closes it and waits until no
// Read runs, so that the content is never read by two attempts at once,
// nor after the call returned.
type uploadBody struct {
	u        *upload
	progress func()

	mu      sync.Mutex
	closed  bool
	reading bool
	quiet   chan struct{} // closed once the body is closed and no Read runs

	// Only Read touches these (the transport does not read concurrently);
	// finish reads them after quiet.
	phase  int // 0 prefix, 1 content, 2 suffix, 3 done
	off    int // into prefix or suffix
	in     []byte
	carry  int    // bytes at the start of in not yet encoded (fewer than 3)
	out    []byte // encoded bytes not yet returned, within outBuf
	outBuf []byte
	eof    bool  // the content is read to its end
	got    int64 // content bytes read
	used   bool  // content was read from
	err    error // the content's failure
}

var errAttemptOver = errors.New("halopsa: the attempt is over")

// Read implements io.Reader for the transport.
func (b *uploadBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return 0, errAttemptOver
	}
	b.reading = true
	b.mu.Unlock()
	n, err := b.read(p)
	b.mu.Lock()
	b.reading = false
	if b.closed {
		close(b.quiet)
	}
	b.mu.Unlock()
	return n, err
}

// Close implements io.Closer for the transport: later Reads fail, and
// the content is not touched again.
func (b *uploadBody) Close() error {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		if !b.reading {
			close(b.quiet)
		}
	}
	b.mu.Unlock()
	return nil
}

// finish ends the attempt's use of the body and reports whether the
// content was read from and how it failed. If ctx ends first (a Read
// blocked in the caller's io.Reader), the content counts as read.
func (b *uploadBody) finish(ctx context.Context) (used bool, err error) {
	b.Close()
	select {
	case <-b.quiet:
		return b.used, b.err
	case <-ctx.Done():
		return true, nil
	}
}

func (b *uploadBody) read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		switch b.phase {
		case 0, 2:
			src := b.u.prefix
			if b.phase == 2 {
				src = b.u.suffix
			}
			c := copy(p[n:], src[b.off:])
			n += c
			b.off += c
			if b.off == len(src) {
				b.phase++
				b.off = 0
			}
		case 1:
			if len(b.out) > 0 {
				c := copy(p[n:], b.out)
				b.out = b.out[c:]
				n += c
				continue
			}
			if b.eof {
				b.phase = 2
				continue
			}
			if n > 0 {
				return n, nil // what is ready goes first; the content may block
			}
			if err := b.fill(); err != nil {
				b.err = err
				return n, err
			}
		default:
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		}
	}
	return n, nil
}

// uploadChunk is how much content one read asks for: a multiple of 3, so
// that each chunk encodes to base64 without padding.
const uploadChunk = 48 << 10

// fill reads the next chunk of content and encodes it into out. Up to two
// bytes wait in in for the next chunk (base64 encodes 3 bytes at a time);
// at the end they are encoded with padding.
func (b *uploadBody) fill() error {
	b.used = true
	if b.in == nil {
		b.in = make([]byte, uploadChunk)
		b.outBuf = make([]byte, uploadChunk/3*4)
	}
	m, err := b.readContent(b.in[b.carry:])
	if m > 0 {
		b.progress()
	}
	total := b.carry + m
	switch {
	case err == io.EOF:
		k := base64.StdEncoding.EncodedLen(total)
		base64.StdEncoding.Encode(b.outBuf[:k], b.in[:total])
		b.out, b.carry, b.eof = b.outBuf[:k], 0, true
		return nil
	case err != nil:
		return err
	}
	whole := total / 3 * 3
	k := whole / 3 * 4
	base64.StdEncoding.Encode(b.outBuf[:k], b.in[:whole])
	b.out = b.outBuf[:k]
	b.carry = copy(b.in, b.in[whole:total])
	return nil
}

// readContent reads the content, holding it to the length measured when
// the call began: a body sent with that Content-Length must be exactly
// that long, and a reader that grew or shrank since is an error rather
// than a body silently cut or padded.
func (b *uploadBody) readContent(p []byte) (int, error) {
	size := b.u.size
	if size < 0 {
		n, err := b.u.content.Read(p)
		b.got += int64(n)
		return n, err
	}
	left := size - b.got
	if left == 0 {
		var one [1]byte
		for range 100 {
			n, err := b.u.content.Read(one[:])
			switch {
			case n > 0:
				return 0, errors.New("the io.Reader holds more than the " + strconv.FormatInt(size, 10) + " bytes it had when the upload began")
			case err != nil:
				return 0, err // io.EOF: the end, as measured
			}
		}
		return 0, io.ErrNoProgress
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	n, err := b.u.content.Read(p)
	b.got += int64(n)
	if err == io.EOF {
		if b.got < size {
			return n, errors.New("the io.Reader ended after " + strconv.FormatInt(b.got, 10) + " of the " +
				strconv.FormatInt(size, 10) + " bytes it had when the upload began")
		}
		err = nil // the next read checks that this is the end
	}
	return n, err
}

// downloadTarget is the out of a download: the body goes to w as it
// arrives.
type downloadTarget struct {
	w        io.Writer
	n        int64  // bytes written to w
	filename string // from Content-Disposition
}

var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// copyFrom takes the file name from header and writes r to the target, at
// most limit bytes: it reports false,
// having written no byte past the limit, when r holds more. A failure to
// read is the attempt's network error; a failure to write, the caller's.
// progress is called whenever bytes arrive.
func (dl *downloadTarget) copyFrom(header http.Header, r io.Reader, limit int64, progress func(), cr *copyResult) (withinLimit bool) {
	dl.filename = attachmentFilename(header.Get("Content-Disposition"))
	bp := copyBuffers.Get().(*[]byte)
	defer copyBuffers.Put(bp)
	buf := *bp
	for {
		n, err := r.Read(buf)
		if n > 0 {
			progress()
			if cr.written+int64(n) > limit {
				return false
			}
			w, werr := dl.w.Write(buf[:n])
			w = max(0, min(w, n)) // a misbehaving Writer's count
			cr.written += int64(w)
			dl.n += int64(w)
			if werr == nil && w < n {
				werr = io.ErrShortWrite
			}
			if werr != nil {
				cr.writeErr = werr
				return true
			}
		}
		if err == io.EOF {
			return true
		}
		if err != nil {
			cr.readErr = err
			return true
		}
	}
}

// attachmentFilename is the file name a Content-Disposition header gives
// (filename*, RFC 5987, when present), made safe to join to a directory:
// no directory part, no control characters, no ':' (a drive or, on
// Windows, an alternate data stream), no surrounding spaces. A header mime
// cannot parse still gives its name. "" when there is none.
func attachmentFilename(cd string) string {
	if cd == "" {
		return ""
	}
	var name string
	if _, params, err := mime.ParseMediaType(cd); err == nil {
		name = params["filename"] // filename* decoded, when UTF-8 or US-ASCII
	}
	if name == "" {
		// mime rejected the header, or the filename* charset.
		params := dispositionParams(cd)
		if name = extendedValue(params["filename*"]); name == "" {
			name = params["filename"]
		}
	}
	name = name[strings.LastIndexAny(name, `/\`)+1:]
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == ':' || r == utf8.RuneError {
			return '_'
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "." || name == ".." {
		return ""
	}
	return name
}

// dispositionParams reads the parameters of a Content-Disposition header
// that mime.ParseMediaType rejects (a space in a token, stray bytes):
// key=value or key="quoted \"value\"", separated by ';', keys lower-cased,
// the first of a repeated key kept. It indexes only the header itself, so
// no input makes it panic (FuzzAttachmentFilename).
func dispositionParams(cd string) map[string]string {
	params := map[string]string{}
	_, rest, _ := strings.Cut(cd, ";")
	for {
		key, after, ok := strings.Cut(rest, "=")
		if !ok {
			return params
		}
		key = strings.ToLower(strings.TrimSpace(key[strings.LastIndexByte(key, ';')+1:]))
		after = strings.TrimLeft(after, " \t")
		var value string
		if quoted, ok := strings.CutPrefix(after, `"`); ok {
			var b strings.Builder
			i := 0
			for ; i < len(quoted) && quoted[i] != '"'; i++ {
				if quoted[i] == '\\' && i+1 < len(quoted) {
					i++
				}
				b.WriteByte(quoted[i])
			}
			value = b.String()
			_, rest, _ = strings.Cut(quoted[min(i+1, len(quoted)):], ";")
		} else {
			value, rest, _ = strings.Cut(after, ";")
			value = strings.TrimSpace(value)
		}
		if _, seen := params[key]; !seen {
			params[key] = value
		}
	}
}

// extendedValue decodes an RFC 5987 value (charset'language'percent-encoded)
// in UTF-8 or ISO-8859-1, the two charsets the RFC requires; "" otherwise.
func extendedValue(v string) string {
	charset, rest, ok := strings.Cut(v, "'")
	if !ok {
		return ""
	}
	_, enc, ok := strings.Cut(rest, "'")
	if !ok {
		return ""
	}
	raw, err := url.PathUnescape(enc)
	if err != nil {
		return ""
	}
	switch strings.ToLower(charset) {
	case "utf-8", "us-ascii":
		return strings.ToValidUTF8(raw, "_")
	case "iso-8859-1":
		runes := make([]rune, len(raw))
		for i := range len(raw) {
			runes[i] = rune(raw[i]) // ISO-8859-1 is the first 256 code points
		}
		return string(runes)
	}
	return ""
}

// stallTimer cancels a streamed attempt that makes no progress for
// Config.Timeout: touch on every read or write of the content restarts it.
type stallTimer struct {
	d    time.Duration
	t    *time.Timer
	done atomic.Bool
}

// errStalled is the cause a stallTimer cancels with.
var errStalled = errors.New("halopsa: no progress within Config.Timeout")

func newStallTimer(d time.Duration, cancel context.CancelCauseFunc) *stallTimer {
	s := &stallTimer{d: d}
	s.t = time.AfterFunc(d, func() { cancel(errStalled) })
	return s
}

func (s *stallTimer) touch() {
	if !s.done.Load() {
		s.t.Reset(s.d)
	}
}

func (s *stallTimer) stop() {
	s.done.Store(true)
	s.t.Stop()
}

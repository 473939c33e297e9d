package halopsa

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestAttachmentFilename(t *testing.T) {
	cases := map[string]string{
		``:                                "",
		`attachment; filename="scan.pdf"`: "scan.pdf",
		`attachment; filename=scan.pdf`:   "scan.pdf",
		`inline; FILENAME="a b.txt"`:      "a b.txt",
		`attachment; filename="a\"b.txt"`: `a"b.txt`,
		`attachment; filename*=UTF-8''r%C3%A4ksm%C3%B6rg%C3%A5s.txt`: "räksmörgås.txt",
		// ASP.NET's form (Halo's): the RFC 5987 name wins.
		`attachment; filename=r_ksm_rg_s.txt; filename*=UTF-8''r%C3%A4ksm%C3%B6rg%C3%A5s.txt`: "räksmörgås.txt",
		// Not parseable by mime (a space in a token), still a name.
		`attachment; filename=my scan.pdf`:          "my scan.pdf",
		`attachment; filename="../../etc/passwd"`:   "passwd",
		`attachment; filename="C:\\temp\\evil.exe"`: "evil.exe",
		`attachment; filename=".."`:                 "",
		`attachment`:                                "",
		// Review findings: names that would not join safely, and the
		// RFC 5987 forms mime leaves out.
		`attachment; filename*=UTF-8''a%00b%0A.txt`:              "a_b_.txt",
		`attachment; filename="C:evil.exe"`:                      "C_evil.exe",
		`attachment; filename=" "`:                               "",
		`attachment; filename*=ISO-8859-1''r%E4ksm%F6rg%E5s.txt`: "räksmörgås.txt",
		`attachment; filename*=UTF-8''bad%FF.txt`:                "bad_.txt",
		`attachment; filename*=KOI8-R''%C1.txt`:                  "",
		// Bytes that grow when lower-cased once sent the search for the key
		// out of the header (a panic); a key inside another's quoted value
		// is not a key; an unusable filename* leaves filename=.
		"attachment; x=\xff\xff\xff\xff\xff\xff\xff\xff; filename=a.pdf":       "a.pdf",
		"attachment; title=\"\xff\xff\xff\xff\"; filename*=iso-8859-2''abc":    "",
		`attachment; title="filename=evil.exe"`:                                "",
		`attachment; filename="resume.pdf"; filename*=KOI8-R''%C1.txt`:         "resume.pdf",
		`attachment; filename=my scan.pdf; title="a;b"; filename="second.pdf"`: "my scan.pdf",
		// Not parseable by mime: filename* still wins.
		`attachment; filename=my scan.pdf; filename*=UTF-8''my%20sc%C3%A4n.pdf`: "my scän.pdf",
	}
	for cd, want := range cases {
		if got := attachmentFilename(cd); got != want {
			t.Errorf("attachmentFilename(%q) = %q, want %q", cd, got, want)
		}
	}
}

// FuzzAttachmentFilename: whatever header Halo (or a proxy) sends, the
// name is safe to join to a directory, and nothing panics: it runs on the
// caller's goroutine.
func FuzzAttachmentFilename(f *testing.F) {
	for _, seed := range []string{
		`attachment; filename="scan.pdf"`,
		`attachment; filename=my scan.pdf; filename*=UTF-8''my%20sc%C3%A4n.pdf`,
		"attachment; x=\xff\xff; filename=a.pdf",
		`attachment; filename*=ISO-8859-1''r%E4ksm%F6rg%E5s.txt; title="x\"y"`,
		`inline; filename="..\\..\\C:evil"`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, cd string) {
		name := attachmentFilename(cd)
		if name == "." || name == ".." || strings.ContainsAny(name, "/\\:") || name != strings.TrimSpace(name) {
			t.Fatalf("attachmentFilename(%q) = %q: not safe to join to a directory", cd, name)
		}
		for _, r := range name {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("attachmentFilename(%q) = %q: holds a control character", cd, name)
			}
		}
	})
}

// TestDownloadNotRetriedOnceWritten: a download cut after bytes reached
// the io.Writer is not retried (they would be written twice); one cut
// before any byte is, and the file arrives whole.
func TestDownloadNotRetriedOnceWritten(t *testing.T) {
	var requests atomic.Int64
	var cutAfter atomic.Int64 // the first request is cut after this many bytes
	content := bytes.Repeat([]byte("0123456789"), 10_000)
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		n := requests.Add(1)
		w.Header().Set("Content-Length", strconv.Itoa(len(content)))
		w.WriteHeader(200)
		if n == 1 {
			w.Write(content[:cutAfter.Load()])
			w.(http.Flusher).Flush()
			resetConn(t, w)
			return
		}
		w.Write(content)
	})
	halo := tn.client(func(c *Config) { c.Retry = true })
	noSleep(halo)

	cutAfter.Store(40_000)
	var buf bytes.Buffer
	n, _, err := halo.Attachment.Download(ctxT(t), 1, &buf)
	var ne *NetworkError
	if !errors.As(err, &ne) || n != 40_000 || buf.Len() != 40_000 || requests.Load() != 1 {
		t.Fatalf("cut mid-file: %d bytes (writer %d), %d requests, %v; want one request and a *NetworkError", n, buf.Len(), requests.Load(), err)
	}

	requests.Store(0)
	cutAfter.Store(0)
	buf.Reset()
	n, _, err = halo.Attachment.Download(ctxT(t), 1, &buf)
	if err != nil || n != int64(len(content)) || !bytes.Equal(buf.Bytes(), content) || requests.Load() != 2 {
		t.Fatalf("cut before any byte: %d bytes, %d requests, %v; want the whole file in two requests", n, requests.Load(), err)
	}
}

// TestStreamsBoundStallsNotLength: Config.Timeout cuts a streamed
// transfer that stops moving, not one that takes long.
func TestStreamsBoundStallsNotLength(t *testing.T) {
	const timeout = 300 * time.Millisecond
	const pieces, pause = 12, 80 * time.Millisecond // about 1s in all, no pause near the timeout
	slowFile := func(stallAt int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(pieces*1000))
			for i := range pieces {
				if i == stallAt {
					<-r.Context().Done()
					return
				}
				w.Write(bytes.Repeat([]byte{byte(i)}, 1000))
				w.(http.Flusher).Flush()
				time.Sleep(pause)
			}
		}
	}
	tn := newTenant(t, slowFile(-1))
	halo := tn.client(func(c *Config) { c.Timeout = timeout })
	start := time.Now()
	n, _, err := halo.Attachment.Download(ctxT(t), 1, io.Discard)
	if err != nil || n != pieces*1000 {
		t.Fatalf("a download longer than Timeout, never stalled: %d bytes, %v", n, err)
	}
	if d := time.Since(start); d < timeout {
		t.Fatalf("the download took %v: it does not outlast Timeout, the test proves nothing", d)
	}
	// The same for the JSON path would be cut: Timeout bounds it whole.
	if _, err := halo.Attachment.GetAttachmentByID(ctxT(t), GetAttachmentByIDParams{ID: 1}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a []byte download longer than Timeout: %v, want it cut", err)
	}

	tn.setAPI(slowFile(3))
	n, _, err = halo.Attachment.Download(ctxT(t), 1, io.Discard)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "no progress within Config.Timeout (300ms)") || n != 3000 {
		t.Fatalf("a stalled download: %d bytes, %v", n, err)
	}

	// An upload whose content comes slowly, longer than Timeout in all.
	tn.setAPI(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		writeJSON(w, 201, `{"id":5,"bodysize":`+strconv.FormatInt(n, 10)+`}`)
	})
	start = time.Now()
	att, err := halo.Attachment.Upload(ctxT(t), Attachment{}, &slowReader{left: pieces, pause: pause})
	if err != nil || att.GetID() != 5 {
		t.Fatalf("an upload longer than Timeout, never stalled: %v, %v", att, err)
	}
	if d := time.Since(start); d < timeout {
		t.Fatalf("the upload took %v: it does not outlast Timeout, the test proves nothing", d)
	}
	// Halo that never answers once it has the body.
	tn.setAPI(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	})
	_, err = halo.Attachment.Upload(ctxT(t), Attachment{}, bytes.NewReader(make([]byte, 1000)))
	var ne *NetworkError
	if !errors.As(err, &ne) || !strings.Contains(err.Error(), "no progress within Config.Timeout") || !ne.MayHaveApplied {
		t.Fatalf("an upload never answered: %v", err)
	}
	// A reader that stalls longer than Timeout in the middle of the
	// content: the call is cut, and since the body never ended, Halo
	// cannot have applied it. (The call returns once the blocked Read
	// does: Timeout cannot interrupt the caller's reader.)
	tn.setAPI(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		writeJSON(w, 201, `{"id":6}`)
	})
	stalled := &stallingReader{first: 3000, stall: 3 * timeout}
	_, err = halo.Attachment.Upload(ctxT(t), Attachment{}, stalled)
	if !errors.As(err, &ne) || !strings.Contains(err.Error(), "no progress within Config.Timeout") || ne.MayHaveApplied {
		t.Fatalf("an upload whose reader stalled: %v (MayHaveApplied must be false: the body never ended)", err)
	}
}

// stallingReader gives first bytes, then blocks for stall, then gives the
// rest of a file as long again.
type stallingReader struct {
	first, given int
	stall        time.Duration
}

func (r *stallingReader) Read(p []byte) (int, error) {
	switch {
	case r.given == r.first:
		time.Sleep(r.stall)
	case r.given >= 2*r.first:
		return 0, io.EOF
	}
	n := min(len(p), 1000, r.first-r.given%r.first)
	for i := range p[:n] {
		p[i] = 'x'
	}
	r.given += n
	return n, nil
}

// seekFailsLater is an io.Seeker whose Seek works while the upload
// measures it, and fails when it is to be rewound.
type seekFailsLater struct {
	*bytes.Reader
	seeks int
}

func (s *seekFailsLater) Seek(off int64, whence int) (int64, error) {
	if s.seeks++; s.seeks > 3 {
		return 0, errors.New("tape jammed")
	}
	return s.Reader.Seek(off, whence)
}

func TestUploadRewindFails(t *testing.T) {
	var posts atomic.Int64
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		posts.Add(1)
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Retry-After", "0.001")
		writeJSON(w, 429, `{"message":"slow down"}`)
	})
	halo := tn.client()
	noSleep(halo)
	_, err := halo.Attachment.Upload(ctxT(t), Attachment{}, &seekFailsLater{Reader: bytes.NewReader(make([]byte, 5000))})
	var apiErr *APIError
	if !errors.Is(err, ErrBodyNotRewindable) || !strings.Contains(err.Error(), "tape jammed") || !errors.As(err, &apiErr) || apiErr.StatusCode != 429 {
		t.Fatalf("err = %v, want ErrBodyNotRewindable with the Seek's error and the 429", err)
	}
	if posts.Load() != 1 {
		t.Errorf("%d POSTs, want 1", posts.Load())
	}
}

// TestUploadFromAPipe: an *os.File of a pipe is an io.Seeker whose Seek
// fails: it is sent chunked, as any io.Reader.
func TestUploadFromAPipe(t *testing.T) {
	var got []byte
	var chunked bool
	tn := newTenant(t, func(w http.ResponseWriter, r *http.Request) {
		chunked = r.ContentLength == -1
		var in []struct {
			Data []byte `json:"data"`
		}
		json.NewDecoder(r.Body).Decode(&in)
		if len(in) == 1 {
			got = in[0].Data
		}
		writeJSON(w, 201, `{"id":1}`)
	})
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	content := bytes.Repeat([]byte("pipe "), 30_000)
	go func() {
		pw.Write(content)
		pw.Close()
	}()
	u, err := newUpload(nil, nil, pr)
	if err != nil || u.seeker != nil || u.size != -1 {
		t.Fatalf("a pipe measured as seekable (%v) or sized (%d): %v", u.seeker != nil, u.size, err)
	}
	if _, err := tn.client().Attachment.Upload(ctxT(t), Attachment{}, pr); err != nil {
		t.Fatal(err)
	}
	if !chunked || !bytes.Equal(got, content) {
		t.Errorf("chunked %v; received %d bytes, want the %d sent", chunked, len(got), len(content))
	}
}

// TestUploadBodyEncoding: the body is the prefix, the content in
// standard base64 and the suffix, whatever the sizes of the reads the
// transport and the reader make.
func TestUploadBodyEncoding(t *testing.T) {
	for _, size := range []int{0, 1, 2, 3, 4, uploadChunk - 1, uploadChunk, uploadChunk + 1, 3*uploadChunk + 2} {
		content := make([]byte, size)
		for i := range content {
			content[i] = byte(i*31 + i/7)
		}
		want := `[{"x":1,"data":"` + base64.StdEncoding.EncodeToString(content) + `"}]`
		for _, readSize := range []int{1, 7, 4096, 1 << 20} {
			u, _ := newUpload([]byte(`[{"x":1,"data":"`), []byte(`"}]`), &oneByteReader{content})
			var out []byte
			b := u.newBody(func() {})
			buf := make([]byte, readSize)
			for {
				n, err := b.Read(buf)
				out = append(out, buf[:n]...)
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if string(out) != want {
				t.Fatalf("size %d, reads of %d: body differs (%d bytes, want %d)", size, readSize, len(out), len(want))
			}
		}
	}
}

// oneByteReader returns a byte per Read, as a slow reader may.
type oneByteReader struct{ b []byte }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	p[0], r.b = r.b[0], r.b[1:]
	return 1, nil
}

// slowReader returns 1000 bytes per Read after a pause, left times.
type slowReader struct {
	left  int
	pause time.Duration
}

func (r *slowReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	r.left--
	time.Sleep(r.pause)
	return copy(p, bytes.Repeat([]byte("s"), 1000)), nil
}

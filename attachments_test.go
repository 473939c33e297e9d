package halopsa_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/halopsa-go/halopsa"
	"github.com/halopsa-go/halopsa/halopsatest"
)

// randomContent is n bytes of a seeded random stream: content no offset
// error can hide in (a repeating pattern could), made as it is read. It
// is an io.Seeker (a rewind regenerates the stream), as a file is; wrap
// it in onlyReader for an io.Reader that is not.
type randomContent struct {
	seed     uint64
	size     int64
	off      int64 // where Read goes on from
	gen      *rand.ChaCha8
	genOff   int64        // how far gen has generated
	reads    atomic.Int64 // Read calls, to see whether the content was touched
	hashTees io.Writer    // when set, receives what is read
}

func newRandomContent(seed uint64, size int64) *randomContent {
	return &randomContent{seed: seed, size: size, gen: rand.NewChaCha8(seedBytes(seed))}
}

func seedBytes(seed uint64) (s [32]byte) {
	for i := range s {
		s[i] = byte(seed >> (8 * (i % 8)))
	}
	return s
}

func (c *randomContent) Read(p []byte) (int, error) {
	c.reads.Add(1)
	if c.off >= c.size {
		return 0, io.EOF
	}
	if c.off < c.genOff {
		c.gen, c.genOff = rand.NewChaCha8(seedBytes(c.seed)), 0 // back: the stream starts over
	}
	var skip [4096]byte
	for c.genOff < c.off {
		k := min(int64(len(skip)), c.off-c.genOff)
		c.gen.Read(skip[:k])
		c.genOff += k
	}
	p = p[:min(int64(len(p)), c.size-c.off)]
	c.gen.Read(p)
	c.off += int64(len(p))
	c.genOff = c.off
	if c.hashTees != nil {
		c.hashTees.Write(p)
	}
	return len(p), nil
}

// Seek moves where Read goes on from; the stream catches up on Read.
func (c *randomContent) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekCurrent:
		offset += c.off
	case io.SeekEnd:
		offset += c.size
	}
	if offset < 0 {
		return 0, errors.New("negative position")
	}
	c.off = offset
	return offset, nil
}

// onlyReader hides every method but Read: an io.Reader that cannot be
// rewound and has no known length (a pipe, a network stream).
type onlyReader struct{ r io.Reader }

func (o *onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func sum(r io.Reader) [32]byte {
	h := sha256.New()
	io.Copy(h, r)
	return [32]byte(h.Sum(nil))
}

func streamClient(t *testing.T, srv *halopsatest.Server, mod ...func(*halopsa.Config)) *halopsa.Client {
	t.Helper()
	cfg := srv.Config()
	for _, m := range mod {
		m(&cfg)
	}
	halo, err := halopsa.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return halo
}

func ctxWithin(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// TestUploadDownloadSizes streams files of the sizes base64 and the
// client's chunks turn on, from each kind of reader, and reads them back.
func TestUploadDownloadSizes(t *testing.T) {
	srv := halopsatest.NewServer(t)
	halo := streamClient(t, srv)
	ctx := ctxWithin(t, time.Minute)
	const chunk = 48 << 10
	sizes := []int64{0, 1, 2, 3, 4, 5, chunk - 1, chunk, chunk + 1, chunk + 2, 3*chunk + 1, 5<<20 + 7}
	readers := map[string]func(c *randomContent) io.Reader{
		"io.Seeker":    func(c *randomContent) io.Reader { return c },
		"io.Reader":    func(c *randomContent) io.Reader { return &onlyReader{c} },
		"bytes.Buffer": func(c *randomContent) io.Reader { b, _ := io.ReadAll(c); return bytes.NewBuffer(b) },
	}
	for name, reader := range readers {
		for _, size := range sizes {
			want := sum(newRandomContent(uint64(size), size))
			att, err := halo.Attachment.Upload(ctx, halopsa.Attachment{TicketID: halopsa.Ptr(1), Filename: halopsa.Ptr("f.bin")},
				reader(newRandomContent(uint64(size), size)))
			if err != nil {
				t.Fatalf("%s, %d bytes: %v", name, size, err)
			}
			if att.GetFilesize() != int(size) || att.GetFilename() != "f.bin" || att.GetTicketID() != 1 {
				t.Errorf("%s, %d bytes: created %+v", name, size, att)
			}
			h := sha256.New()
			n, filename, err := halo.Attachment.Download(ctx, att.GetID(), h)
			if err != nil || n != size || filename != "f.bin" || [32]byte(h.Sum(nil)) != want {
				t.Errorf("%s, %d bytes: downloaded %d bytes of %q, %v; same content: %v", name, size, n, filename, err, [32]byte(h.Sum(nil)) == want)
			}
		}
	}
}

// TestUploadSendsWhatPostAttachmentSends: the streamed body is the record
// PostAttachment would send with Data, its other fields and Extra
// included.
func TestUploadSendsWhatPostAttachmentSends(t *testing.T) {
	srv := halopsatest.NewServer(t)
	halo := streamClient(t, srv)
	ctx := ctxWithin(t, time.Minute)
	content := []byte("%PDF-1.7 \x00\xff scanned")
	rec := halopsa.Attachment{TicketID: halopsa.Ptr(1), Filename: halopsa.Ptr("scan.pdf"), Note: halopsa.Ptr(`a "quoted" note`),
		Extra: map[string]json.RawMessage{"_custom": json.RawMessage(`{"k":[1,2]}`)}}
	withData := rec
	withData.Data = content
	if _, err := halo.Attachment.PostAttachment(ctx, halopsa.PostAttachmentParams{Body: []halopsa.Attachment{withData}}); err != nil {
		t.Fatal(err)
	}
	if _, err := halo.Attachment.Upload(ctx, rec, bytes.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	if _, err := halo.Attachment.Upload(ctx, halopsa.Attachment{}, bytes.NewReader(content)); err != nil {
		t.Fatal("a record with no fields:", err)
	}
	var bodies []any
	for _, r := range srv.Requests() {
		if r.Method == "POST" && r.Path == "/api/Attachment" {
			var v any
			if err := json.Unmarshal(r.Body, &v); err != nil {
				t.Fatalf("body %s: %v", r.Body, err)
			}
			bodies = append(bodies, v)
		}
	}
	if len(bodies) != 3 {
		t.Fatalf("%d uploads logged", len(bodies))
	}
	a, _ := json.Marshal(bodies[0])
	b, _ := json.Marshal(bodies[1])
	if !bytes.Equal(a, b) {
		t.Errorf("Upload sent\n%s\nPostAttachment sent\n%s", b, a)
	}
	if c, _ := json.Marshal(bodies[2]); string(c) != `[{"data":"`+base64.StdEncoding.EncodeToString(content)+`"}]` {
		t.Errorf("Upload of an empty record sent %s", c)
	}
}

func TestUploadRefusesAmbiguousContent(t *testing.T) {
	srv := halopsatest.NewServer(t)
	halo := streamClient(t, srv)
	ctx := ctxWithin(t, time.Minute)
	cases := map[string]struct {
		rec     halopsa.Attachment
		content io.Reader
		field   string
	}{
		"Data set":          {halopsa.Attachment{Data: []byte("x")}, strings.NewReader("y"), "Data"},
		"DataBase64 set":    {halopsa.Attachment{DataBase64: halopsa.Ptr("eA==")}, strings.NewReader("y"), "DataBase64"},
		"data in Extra":     {halopsa.Attachment{Extra: map[string]json.RawMessage{"data": json.RawMessage(`"eA=="`)}}, strings.NewReader("y"), `Extra["data"]`},
		"no content reader": {halopsa.Attachment{}, nil, "content"},
	}
	for name, tc := range cases {
		_, err := halo.Attachment.Upload(ctx, tc.rec, tc.content)
		var pe *halopsa.ParamError
		if !errors.As(err, &pe) || pe.Field != tc.field || pe.Method != "Upload" {
			t.Errorf("%s: %v, want a *ParamError on %s", name, err, tc.field)
		}
	}
	if _, _, err := halo.Attachment.Download(ctx, 1, nil); err == nil {
		t.Error("Download to a nil io.Writer")
	}
	if len(srv.Requests()) != 0 {
		t.Errorf("%d requests sent for calls refused up front", len(srv.Requests()))
	}
}

// TestUploadReplay: a 401 after Halo read the body (its token expired)
// replays an upload whose reader can be rewound, and fails one whose
// reader cannot with ErrBodyNotRewindable, never sending part of it.
func TestUploadReplay(t *testing.T) {
	srv := halopsatest.NewServer(t)
	halo := streamClient(t, srv)
	ctx := ctxWithin(t, time.Minute)
	const size = 200_000
	if _, err := halo.Status.GetStatus(ctx, halopsa.GetStatusParams{}); err != nil { // a token
		t.Fatal(err)
	}
	count := srv.RecordCount("Attachment")

	t.Run("io.Seeker", func(t *testing.T) {
		srv.ExpireTokens()
		content := newRandomContent(7, size)
		content.Seek(1000, io.SeekStart) // Upload sends from where the reader is
		att, err := halo.Attachment.Upload(ctx, halopsa.Attachment{Filename: halopsa.Ptr("r.bin")}, content)
		if err != nil {
			t.Fatal(err)
		}
		if count++; srv.RecordCount("Attachment") != count {
			t.Fatalf("%d attachments, want %d: one upload, one record", srv.RecordCount("Attachment"), count)
		}
		h := sha256.New()
		n, _, err := halo.Attachment.Download(ctx, att.GetID(), h)
		want := newRandomContent(7, size)
		want.Seek(1000, io.SeekStart)
		if err != nil || n != size-1000 || [32]byte(h.Sum(nil)) != sum(want) {
			t.Fatalf("downloaded %d bytes, %v; the content differs: %v", n, err, [32]byte(h.Sum(nil)) != sum(want))
		}
	})

	t.Run("io.Reader", func(t *testing.T) {
		srv.ExpireTokens()
		srv.ResetRequests()
		content := newRandomContent(8, size)
		_, err := halo.Attachment.Upload(ctx, halopsa.Attachment{Filename: halopsa.Ptr("r.bin")}, &onlyReader{content})
		if !errors.Is(err, halopsa.ErrBodyNotRewindable) {
			t.Fatalf("err = %v, want ErrBodyNotRewindable", err)
		}
		var apiErr *halopsa.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 401 {
			t.Errorf("err = %v, want the 401 too", err)
		}
		if msg := err.Error(); !strings.Contains(msg, "POST") || !strings.Contains(msg, "/api/Attachment") ||
			!strings.Contains(msg, "not sent again after 401") || !strings.Contains(msg, "not an io.Seeker") {
			t.Errorf("message %q: want the call, what it was not sent again after, and why", msg)
		}
		posts := 0
		for _, r := range srv.Requests() {
			if r.Method == "POST" {
				posts++
			}
		}
		if posts != 1 || srv.RecordCount("Attachment") != count {
			t.Errorf("%d POSTs, %d attachments (want 1 and %d)", posts, srv.RecordCount("Attachment"), count)
		}
		// After the call the reader is left alone.
		reads := content.reads.Load()
		time.Sleep(50 * time.Millisecond)
		if content.reads.Load() != reads {
			t.Error("the io.Reader was read after Upload returned")
		}
	})
}

type failingReader struct {
	left int
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.left == 0 {
		return 0, f.err
	}
	n := min(len(p), f.left)
	f.left -= n
	return n, nil
}

type lyingLen struct {
	io.Reader
	n int
}

func (l lyingLen) Len() int { return l.n }

func TestUploadReaderFailures(t *testing.T) {
	srv := halopsatest.NewServer(t)
	halo := streamClient(t, srv, func(c *halopsa.Config) { c.Retry = true })
	ctx := ctxWithin(t, time.Minute)
	count := srv.RecordCount("Attachment")
	broken := errors.New("disk on fire")
	cases := map[string]struct {
		content io.Reader
		want    string
	}{
		"fails":  {&failingReader{left: 100_000, err: broken}, "disk on fire"},
		"shrank": {lyingLen{strings.NewReader("short"), 10}, "ended after 5 of the 10 bytes"},
		"grew":   {lyingLen{strings.NewReader("longer than said"), 4}, "holds more than the 4 bytes"},
	}
	for name, tc := range cases {
		_, err := halo.Attachment.Upload(ctx, halopsa.Attachment{Filename: halopsa.Ptr("x")}, tc.content)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "reading the io.Reader to upload") {
			t.Errorf("%s: %v, want an error saying %q", name, err, tc.want)
		}
		var ne *halopsa.NetworkError
		if errors.As(err, &ne) {
			t.Errorf("%s: the caller's reader failing is not a network error: %v", name, err)
		}
	}
	if _, err := halo.Attachment.Upload(ctx, halopsa.Attachment{}, &failingReader{left: 10, err: broken}); !errors.Is(err, broken) {
		t.Errorf("err = %v, want it to wrap the reader's error", err)
	}
	if srv.RecordCount("Attachment") != count {
		t.Errorf("%d attachments created from failed reads", srv.RecordCount("Attachment")-count)
	}
}

type failingWriter struct{ left int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.left {
		n := w.left
		w.left = 0
		return n, errors.New("disk full")
	}
	w.left -= len(p)
	return len(p), nil
}

func TestDownloadErrors(t *testing.T) {
	srv := halopsatest.NewServer(t)
	halo := streamClient(t, srv)
	ctx := ctxWithin(t, time.Minute)
	att, err := halo.Attachment.Upload(ctx, halopsa.Attachment{Filename: halopsa.Ptr("big.bin")}, newRandomContent(1, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	n, _, err := halo.Attachment.Download(ctx, att.GetID(), &failingWriter{left: 100_000})
	if n != 100_000 || err == nil || !strings.Contains(err.Error(), "disk full") || !strings.Contains(err.Error(), "100000 bytes written") {
		t.Errorf("writer failing: %d bytes, %v", n, err)
	}
	var w bytes.Buffer
	n, name, err := halo.Attachment.Download(ctx, 99999, &w)
	var apiErr *halopsa.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || n != 0 || w.Len() != 0 || name != "" {
		t.Errorf("missing attachment: %d bytes, %q, %v", n, name, err)
	}
}

// TestStreamLargeAttachment streams a large file up and down through the
// fake: the bytes come back the same, and the heap does not grow with
// the file. The fake keeps the file in a temporary file, so the heap is
// the client's (and the fake's buffers). 64 MiB (twice the heap bound, so
// that a client holding the file fails) unless HALOPSA_STREAM_TEST_BYTES
// says otherwise: .ci/run runs it once with 1 GiB, without the race
// detector, which makes base64 some ten times slower. -short skips it.
func TestStreamLargeAttachment(t *testing.T) {
	size := int64(64 << 20)
	if v := os.Getenv("HALOPSA_STREAM_TEST_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			t.Fatalf("HALOPSA_STREAM_TEST_BYTES=%q: want a number of bytes", v)
		}
		size = n
	} else if testing.Short() {
		t.Skip("streams 64 MiB up and down twice; -short skips it")
	}
	srv := halopsatest.NewServer(t, halopsatest.WithoutSeedData())
	halo := streamClient(t, srv)
	ctx := ctxWithin(t, 15*time.Minute)

	for _, kind := range []string{"io.Seeker", "io.Reader"} {
		t.Run(kind, func(t *testing.T) {
			content := newRandomContent(42, size)
			up := sha256.New()
			content.hashTees = up
			var r io.Reader = content
			if kind == "io.Reader" {
				r = &onlyReader{content}
			}
			var att *halopsa.Attachment
			var err error
			start := time.Now()
			growth := peakHeapGrowth(func() {
				att, err = halo.Attachment.Upload(ctx, halopsa.Attachment{Filename: halopsa.Ptr("big.bin")}, r)
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("upload of %d MiB: %v, heap growth %.1f MiB", size>>20, time.Since(start).Round(time.Millisecond), float64(growth)/(1<<20))
			if att.GetFilesize() != int(size) {
				t.Fatalf("filesize %d, want %d", att.GetFilesize(), size)
			}
			if growth > 32<<20 {
				t.Errorf("the heap grew by %d MiB uploading %d MiB", growth>>20, size>>20)
			}

			down := sha256.New()
			var n int64
			var name string
			start = time.Now()
			growth = peakHeapGrowth(func() {
				n, name, err = halo.Attachment.Download(ctx, att.GetID(), down)
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("download: %v, heap growth %.1f MiB", time.Since(start).Round(time.Millisecond), float64(growth)/(1<<20))
			if n != size || name != "big.bin" {
				t.Errorf("downloaded %d bytes of %q, want %d of big.bin", n, name, size)
			}
			if !bytes.Equal(up.Sum(nil), down.Sum(nil)) {
				t.Errorf("SHA-256 down %x, up %x", down.Sum(nil), up.Sum(nil))
			}
			if growth > 32<<20 {
				t.Errorf("the heap grew by %d MiB downloading %d MiB", growth>>20, size>>20)
			}
			for _, rq := range srv.Requests() {
				if rq.Method == "POST" && rq.Path == "/api/Attachment" && rq.BodySize() < int(size) {
					t.Errorf("the fake logged a %d-byte body for a %d-byte file: %+v", rq.BodySize(), size, rq)
				}
			}
			srv.ResetRequests()
			if _, err := halo.Attachment.DeleteAttachmentByID(ctx, halopsa.DeleteAttachmentByIDParams{ID: att.GetID()}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// peakHeapGrowth runs f and reports how far the heap grew above what it
// held before, sampled every millisecond (runtime/metrics reads without
// stopping the world).
func peakHeapGrowth(f func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	runtime.GC()
	base := read()
	var peak atomic.Uint64
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			peak.Store(max(peak.Load(), read()))
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(stop)
	<-stopped
	peak.Store(max(peak.Load(), read()))
	return peak.Load() - min(peak.Load(), base)
}

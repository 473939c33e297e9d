package halopsa

import (
	"bytes"
	"context"
	"io"
	"net/http"
)

// Download writes the content of attachment id to w as it arrives, without
// holding the file in memory (GetAttachmentByID returns it as a []byte),
// and returns the number of bytes written and the file name Halo sends
// (its Content-Disposition, without any directory part; "" when it sends
// none).
//
// Config.MaxDownloadBytes caps the file, and Config.Timeout bounds each
// stall rather than the whole transfer: bound that with ctx. A download
// that failed once bytes reached w is not retried, since w cannot take
// them back: on error, w holds the n bytes written before the failure,
// and the file is incomplete. A 401 or a 429 that comes before the file
// is answered as for any call (see the README's Retries). It calls the
// operation of GetAttachmentByID (GET on /Attachment/{id}).
func (s *AttachmentAPI) Download(ctx context.Context, id int, w io.Writer) (n int64, filename string, err error) {
	if w == nil {
		return 0, "", &ParamError{Method: "Download", Field: "w", Problem: "is nil"}
	}
	dl := &downloadTarget{w: w}
	err = s.client.do(ctx, &request{method: http.MethodGet, path: "/Attachment/" + pathInt(int64(id)), out: dl})
	return dl.n, dl.filename, err
}

// Upload creates an attachment with rec's fields (TicketID, Filename, ...)
// and the content read from content, which is base64-encoded into the
// JSON body as it is sent (under "data", as PostAttachment sends Data): the
// memory it takes does not depend on the file's size. It returns the
// record Halo sends back.
//
// rec's Data and DataBase64 must be empty. When content is an io.Seeker
// (an *os.File, a *bytes.Reader) its length is sent as Content-Length, and
// it can be rewound: the call is then sent again when Halo asks for it (a
// 401 that needs a new token, a 429). Any other io.Reader is sent chunked
// and read once: where the call would be sent again, it returns an error
// matching ErrBodyNotRewindable (and the attempt's own error) instead.
// Upload, a POST, is never retried once Halo may have applied it.
// Config.Timeout bounds each stall rather than the whole transfer: bound
// that with ctx. content is not read after Upload returns (a Read that
// blocks holds Upload until it returns, or ctx ends). It calls the
// operation of PostAttachment (POST on /Attachment).
func (s *AttachmentAPI) Upload(ctx context.Context, rec Attachment, content io.Reader) (*Attachment, error) {
	const method = "Upload"
	switch {
	case content == nil:
		return nil, &ParamError{Method: method, Field: "content", Problem: "is nil"}
	case rec.Data != nil:
		return nil, &ParamError{Method: method, Field: "Data", Problem: "is set: Upload sends the content of its io.Reader; leave Data empty"}
	case rec.DataBase64 != nil:
		return nil, &ParamError{Method: method, Field: "DataBase64", Problem: "is set: Upload sends the content of its io.Reader; leave DataBase64 empty"}
	}
	for _, k := range []string{"data", "data_base64"} {
		if _, ok := rec.Extra[k]; ok {
			return nil, &ParamError{Method: method, Field: `Extra["` + k + `"]`, Problem: "is set: Upload sends the content of its io.Reader"}
		}
	}
	url := s.client.cfg.apiBase + "/Attachment"
	obj, err := marshalModel(&rec)
	if err != nil {
		return nil, &callError{method: http.MethodPost, url: url, op: "encoding the request body", err: err}
	}
	// [{<rec's fields>,"data":"<content in base64>"}]: the record's JSON
	// is an object, which the content's key goes at the end of.
	obj = bytes.TrimSuffix(obj, []byte("}"))
	prefix := make([]byte, 0, len(obj)+16)
	prefix = append(append(prefix, '['), obj...)
	if len(obj) > 1 {
		prefix = append(prefix, ',')
	}
	prefix = append(prefix, `"data":"`...)
	u, err := newUpload(prefix, []byte(`"}]`), content)
	if err != nil {
		return nil, &callError{method: http.MethodPost, url: url, op: "measuring the io.Reader to upload", err: err}
	}
	out := new(Attachment)
	if err := s.client.do(ctx, &request{method: http.MethodPost, path: "/Attachment", upload: u, out: out}); err != nil {
		return nil, err
	}
	return out, nil
}

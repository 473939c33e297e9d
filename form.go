package halopsa

import (
	"bytes"
	"mime/multipart"
	"net/textproto"
	"strings"
)

// File is a file sent in a multipart/form-data body.
type File struct {
	Name        string // file name Halo stores
	ContentType string // default application/octet-stream
	Data        []byte
}

// formWriter writes the parts of a multipart body for the generated form
// types. The body is built in memory once, so a retry resends the same bytes.
type formWriter struct {
	mw  *multipart.Writer
	err error
}

func (w *formWriter) keep(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *formWriter) field(name string, v *string) {
	if v != nil {
		w.keep(w.mw.WriteField(name, *v))
	}
}

// values sends a key/values pair (Halo's form collections) as form fields.
func (w *formWriter) values(key *string, vals []string) {
	if key == nil {
		return
	}
	if len(vals) == 0 {
		w.keep(w.mw.WriteField(*key, ""))
	}
	for _, v := range vals {
		w.keep(w.mw.WriteField(*key, v))
	}
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "", "\n", "")

func (w *formWriter) file(name string, f *File) {
	if f == nil {
		return
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", `form-data; name="`+quoteEscaper.Replace(name)+`"; filename="`+quoteEscaper.Replace(f.Name)+`"`)
	ct := f.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	p, err := w.mw.CreatePart(h)
	if err != nil {
		w.keep(err)
		return
	}
	_, err = p.Write(f.Data)
	w.keep(err)
}

// form is implemented by the generated multipart body types.
type form interface {
	writeForm(w *formWriter)
}

type formBodyT struct{ f form }

func (b formBodyT) encodeBody() (string, []byte, error) {
	var buf bytes.Buffer
	w := &formWriter{mw: multipart.NewWriter(&buf)}
	b.f.writeForm(w)
	w.keep(w.mw.Close())
	if w.err != nil {
		return "", nil, w.err
	}
	return w.mw.FormDataContentType(), buf.Bytes(), nil
}

// formBody makes a multipart body; nil sends none.
func formBody[F any, P interface {
	*F
	form
}](f *F) body {
	if f == nil {
		return nil
	}
	return formBodyT{P(f)}
}

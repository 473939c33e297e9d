package halopsatest

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
)

type storedFile struct {
	name        string
	contentType string
	content     *blob
}

// exchange carries what an API request streams, past the in-memory
// answer: the upload it sent, the file to send back.
type exchange struct {
	upload   *parsedUpload
	download io.ReadCloser // sent after the answer's headers
}

// isUpload reports whether r is an attachment upload, whose body is read
// as it arrives (parseUpload) rather than whole.
func (s *Server) isUpload(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	if _, pattern := s.custom.Handler(r); pattern != "" {
		return false
	}
	rt, _ := s.router.match(r.Method, r.URL.Path[len("/api"):])
	return rt != nil && strings.EqualFold(rt.section, "Attachment") && (rt.path == "/Attachment" || rt.path == "/Attachment/document")
}

// attachmentRoute serves the attachment operations that move file content:
// uploads carry base64 in data (or data_base64), downloads return the raw
// bytes. It reports false for every other route.
func (s *Server) attachmentRoute(w http.ResponseWriter, rt *route, params map[string]string, body []byte, ex *exchange) (int, bool) {
	if !strings.EqualFold(rt.section, "Attachment") {
		return 0, false
	}
	t := s.tables["attachment"]
	switch {
	case t == nil:
		return 0, false
	case rt.method == http.MethodPost && (rt.path == "/Attachment" || rt.path == "/Attachment/document"):
		up := ex.upload
		if up == nil {
			up = s.parseUpload(bytes.NewReader(body))
			defer up.discard()
		}
		if up.bad != nil {
			status := up.bad.(*syntaxError).status
			writeJSON(w, status, map[string]any{"message": "invalid body: " + up.bad.Error()})
			return status, true
		}
		out := make([]any, 0, len(up.recs))
		for i, rec := range up.recs {
			content := up.files[i]
			name, _ := rec["filename"].(string)
			if content != nil {
				rec["filesize"] = json.Number(strconv.FormatInt(content.size, 10))
				if _, ok := rec["content_type"]; !ok {
					ct := mime.TypeByExtension(filepath.Ext(name))
					if ct == "" {
						ct = "application/octet-stream"
					}
					rec["content_type"] = ct
				}
			}
			saved, err := t.upsert(rec)
			if err != nil {
				writeJSON(w, http.StatusNotFound, map[string]any{"message": err.Error()})
				return http.StatusNotFound, true
			}
			id, _ := idKey(saved["id"])
			if content != nil {
				ct, _ := saved["content_type"].(string)
				s.files[id].content.remove() // replaced
				s.files[id] = storedFile{name: name, contentType: ct, content: content}
				up.files[i] = nil // stored: not discarded
			}
			out = append(out, s.out(t.schema, saved))
		}
		if len(out) == 1 {
			writeJSON(w, http.StatusCreated, out[0])
		} else {
			writeJSON(w, http.StatusCreated, out)
		}
		return http.StatusCreated, true
	case rt.method == http.MethodGet && rt.resp == respBinary && (rt.path == "/Attachment/{id}" || rt.path == "/Attachment/document/{id}"):
		// Only where the spec (with its overlay) says the answer is a
		// file: the client decodes the others as JSON.
		f, ok := s.files[params["id"]]
		if !ok {
			return notFound(w, "Attachment", params["id"]), true
		}
		rc, err := f.content.open()
		if err != nil {
			writeJSON(w, http.StatusInternalServerError, map[string]any{"message": "reading the file failed: " + err.Error()})
			return http.StatusInternalServerError, true
		}
		ct := f.contentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.name}))
		w.Header().Set("Content-Length", strconv.FormatInt(f.content.size, 10))
		w.WriteHeader(http.StatusOK)
		ex.download = rc // sent by serveAPI, outside the lock
		return http.StatusOK, true
	case rt.method == http.MethodDelete && rt.path == "/Attachment/{id}":
		s.files[params["id"]].content.remove()
		delete(s.files, params["id"])
	}
	return 0, false
}

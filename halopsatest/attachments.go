package halopsatest

import (
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
)

type storedFile struct {
	name        string
	contentType string
	data        []byte
}

// attachmentRoute serves the attachment operations that move file content:
// uploads carry base64 in data (or data_base64), downloads return the raw
// bytes. It reports false for every other route.
func (s *Server) attachmentRoute(w http.ResponseWriter, rt *route, params map[string]string, body []byte) (int, bool) {
	if !strings.EqualFold(rt.section, "Attachment") {
		return 0, false
	}
	t := s.tables["attachment"]
	switch {
	case t == nil:
		return 0, false
	case rt.method == http.MethodPost && (rt.path == "/Attachment" || rt.path == "/Attachment/document"):
		recs, err := decodeRecords(body)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"message": "invalid body: " + err.Error()})
			return http.StatusBadRequest, true
		}
		out := make([]any, 0, len(recs))
		for _, rec := range recs {
			var data []byte
			hasData := false
			for _, k := range []string{"data", "data_base64"} {
				if v, ok := rec[k].(string); ok {
					b, err := base64.StdEncoding.DecodeString(v)
					if err != nil {
						writeJSON(w, http.StatusBadRequest, map[string]any{"message": k + " is not base64"})
						return http.StatusBadRequest, true
					}
					data, hasData = b, true
				}
				delete(rec, k)
			}
			name, _ := rec["filename"].(string)
			if hasData {
				rec["filesize"] = json.Number(strconv.Itoa(len(data)))
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
			if hasData {
				ct, _ := saved["content_type"].(string)
				s.files[id] = storedFile{name: name, contentType: ct, data: data}
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
		ct := f.contentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.name}))
		w.Header().Set("Content-Length", strconv.Itoa(len(f.data)))
		w.WriteHeader(http.StatusOK)
		w.Write(f.data)
		return http.StatusOK, true
	case rt.method == http.MethodDelete && rt.path == "/Attachment/{id}":
		delete(s.files, params["id"])
	}
	return 0, false
}

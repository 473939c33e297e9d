package halopsatest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/halopsa-go/halopsa/halopsatest"
)

// TestUploadBodies: the fake reads uploads as they arrive (their files
// never whole in memory) with the rules encoding/json and
// base64.StdEncoding have: what Halo's clients send is stored, anything
// else is refused with 400.
func TestUploadBodies(t *testing.T) {
	srv := halopsatest.NewServer(t)
	api := newRawAPI(t, srv)
	cases := []struct {
		name, body string
		status     int
		files      []string // the content stored per record; "-" for none
		message    string   // part of a 400's message
	}{
		{"array", `[{"filename":"a.txt","data":"aGk="}]`, 201, []string{"hi"}, ""},
		{"one object", `{"filename":"a.txt","data":"aGk="}`, 201, []string{"hi"}, ""},
		{"data_base64", `[{"filename":"a.txt","data_base64":"aGk="}]`, 201, []string{"hi"}, ""},
		{"escaped slash", `[{"data":"a\/8="}]`, 201, []string{"k\xff"}, ""},
		{"line breaks", `[{"data":"aGVs\r\nbG8="}]`, 201, []string{"hello"}, ""},
		{"unicode escape", `[{"data":"aGVs\u0062G8="}]`, 201, []string{"hello"}, ""},
		{"whitespace everywhere", " [ { \"data\" : \"aGk=\" , \"filename\" : \"w\" } ] ", 201, []string{"hi"}, ""},
		{"empty file", `[{"data":""}]`, 201, []string{""}, ""},
		{"data null", `[{"filename":"n","data":null}]`, 201, []string{"-"}, ""},
		{"data a number", `[{"filename":"n","data":5}]`, 201, []string{"-"}, ""},
		{"the last file counts", `[{"data":"aGk=","data_base64":"aG8="}]`, 201, []string{"ho"}, ""},
		{"two records", `[{"filename":"a","data":"YQ=="},{"filename":"b","data":"Yg=="}]`, 201, []string{"a", "b"}, ""},
		{"nested values", `[{"note":"q\"}]","_x":{"a":[1,{"b":"}"}]},"isimage":false,"ticket_id":1,"data":"YQ=="}]`, 201, []string{"a"}, ""},
		{"trailing data ignored", `[{"data":"YQ=="}] xyz`, 201, []string{"a"}, ""},
		{"unpadded", `[{"data":"aGk"}]`, 400, nil, "data is not base64"},
		{"padding inside", `[{"data":"QQ==QUJD"}]`, 400, nil, "data is not base64"},
		{"not base64", `[{"data_base64":"a*k="}]`, 400, nil, "data_base64 is not base64"},
		{"element not an object", `[1]`, 400, nil, "array element is not an object"},
		{"a string", `"x"`, 400, nil, "neither an object nor an array"},
		{"cut in the file", `[{"data":"aGk=`, 400, nil, "unexpected end"},
		{"cut in a field", `[{"filename":"a`, 400, nil, "unexpected end"},
		{"no colon", `{"a" 1}`, 400, nil, "after object key"},
		{"bad value", `{"a":tru}`, 400, nil, "invalid value of a"},
	}
	for _, tc := range cases {
		status, body := api.do("POST", "/api/Attachment", tc.body)
		if status != tc.status {
			t.Errorf("%s: %d %s, want %d", tc.name, status, body, tc.status)
			continue
		}
		if status == 400 {
			if !strings.Contains(string(body), tc.message) {
				t.Errorf("%s: %s, want a message with %q", tc.name, body, tc.message)
			}
			continue
		}
		var recs []map[string]any
		if bytes.HasPrefix(body, []byte("[")) {
			json.Unmarshal(body, &recs)
		} else {
			var one map[string]any
			json.Unmarshal(body, &one)
			recs = append(recs, one)
		}
		if len(recs) != len(tc.files) {
			t.Errorf("%s: %d records back, want %d: %s", tc.name, len(recs), len(tc.files), body)
			continue
		}
		for i, want := range tc.files {
			id := fmt.Sprint(recs[i]["id"])
			status, got := api.do("GET", "/api/Attachment/"+id, nil)
			switch {
			case want == "-" && status != 404:
				t.Errorf("%s: record %d has a file (%d %q), want none", tc.name, i, status, got)
			case want != "-" && (status != 200 || string(got) != want):
				t.Errorf("%s: record %d: %d %q, want %q", tc.name, i, status, got, want)
			case want != "-" && fmt.Sprint(recs[i]["filesize"]) != fmt.Sprint(len(want)):
				t.Errorf("%s: filesize %v, want %d", tc.name, recs[i]["filesize"], len(want))
			}
		}
		if tc.name == "nested values" {
			rec, _ := srv.Record("Attachment", recs[0]["id"])
			if rec["note"] != `q"}]` || fmt.Sprint(rec["ticket_id"]) != "1" || rec["isimage"] != false {
				t.Errorf("nested values: stored %v", rec)
			}
		}
	}
	// The token comes first, as for every request: a bad body without one
	// is a 401.
	res, err := http.Post(srv.URL+"/api/Attachment", "application/json", strings.NewReader(`[1]`))
	if err != nil || res.StatusCode != 401 {
		t.Fatalf("a bad body without a token: %v, %v; want 401", res, err)
	}
	res.Body.Close()
}

// spillDir points the server's temporary files at a directory of the
// test's, and returns a function listing the attachment files in it.
func spillDir(t *testing.T) func() []string {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	return func() []string {
		files, _ := filepath.Glob(filepath.Join(dir, "halopsatest-attachments-*", "*"))
		return files
	}
}

// TestLargeAttachmentsSpillToFiles: files above a few MiB are kept in
// temporary files the server owns, removed with the attachment, by Reset,
// and by Close, and the request log keeps only the first MiB of their
// bodies.
func TestLargeAttachmentsSpillToFiles(t *testing.T) {
	files := spillDir(t)
	srv := halopsatest.NewServer(nil)
	defer srv.Close()
	api := newRawAPI(t, srv)
	content := bytes.Repeat([]byte("0123456789abcdef"), 6<<20/16) // 6 MiB
	big := []map[string]any{{"filename": "big.bin", "data": content}}

	status, body := api.do("POST", "/api/Attachment", big)
	if status != 201 || len(files()) != 1 {
		t.Fatalf("upload: %d %s; %d temporary files, want 1", status, body, len(files()))
	}
	var rec map[string]any
	json.Unmarshal(body, &rec)
	if status, got := api.do("GET", fmt.Sprint("/api/Attachment/", rec["id"]), nil); status != 200 || !bytes.Equal(got, content) {
		t.Fatalf("download: %d, %d bytes (same: %v)", status, len(got), bytes.Equal(got, content))
	}
	if _, small := api.do("POST", "/api/Attachment", `[{"data":"aGk="}]`); len(files()) != 1 {
		t.Errorf("a small file went to a temporary file too: %s", small)
	}
	var logged *halopsatest.Request
	for _, r := range srv.Requests() {
		if r.Method == "POST" && r.BodySize() > 6<<20 {
			logged = &r
		}
	}
	if logged == nil || !logged.BodyTruncated || len(logged.Body) != 1<<20 {
		t.Errorf("the large upload is logged as %+v, want its first MiB and BodyTruncated", logged)
	}
	if status, log := api.do("GET", "/_halopsatest/requests", nil); status != 200 || !strings.Contains(string(log), `"BodyTruncated":true,"BodySize":`) {
		t.Errorf("the control surface does not show the truncation")
	}

	api.do("DELETE", fmt.Sprint("/api/Attachment/", rec["id"]), nil)
	if len(files()) != 0 {
		t.Errorf("delete left %v", files())
	}
	api.do("POST", "/api/Attachment", big)
	// Replacing the file of an attachment removes the old one.
	var again map[string]any
	_, body = api.do("POST", "/api/Attachment", big)
	json.Unmarshal(body, &again)
	api.do("POST", "/api/Attachment", []map[string]any{{"id": again["id"], "data": content}})
	if len(files()) != 2 {
		t.Errorf("%d temporary files for two attachments", len(files()))
	}
	srv.Reset()
	if len(files()) != 0 {
		t.Errorf("Reset left %v", files())
	}
	api = newRawAPI(t, srv)
	api.do("POST", "/api/Attachment", big)
	srv.Close()
	if dirs, _ := filepath.Glob(filepath.Join(os.Getenv("TMPDIR"), "halopsatest-attachments-*")); len(dirs) != 0 {
		t.Errorf("Close left %v", dirs)
	}
}

// TestUploadCutShort: a client that goes away in the middle of a large
// upload leaves no record and no file, and its request is logged with
// status 0.
func TestUploadCutShort(t *testing.T) {
	files := spillDir(t)
	srv := halopsatest.NewServer(t)
	api := newRawAPI(t, srv)
	count := srv.RecordCount("Attachment")
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /api/Attachment HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n",
		api.token, 100<<20)
	io.WriteString(conn, `[{"filename":"cut.bin","data":"`)
	conn.Write(bytes.Repeat([]byte("QUJD"), 8<<20/4)) // 8 MiB of base64: spilled
	conn.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rs := srv.Requests()
		if len(rs) > 0 && rs[len(rs)-1].Path == "/api/Attachment" {
			if r := rs[len(rs)-1]; r.Status != 0 {
				t.Errorf("logged %+v, want status 0", r)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the cut upload was never logged")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if srv.RecordCount("Attachment") != count || len(files()) != 0 {
		t.Errorf("%d records, files %v after a cut upload", srv.RecordCount("Attachment")-count, files())
	}
}

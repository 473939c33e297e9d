package halopsatest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/halopsa-go/halopsa/halopsatest"
)

// rawAPI talks to a fake tenant with plain net/http, as a test written in
// another language would: no client, so nothing our client does (or gets
// wrong) stands between the test and the server.
type rawAPI struct {
	t     *testing.T
	srv   *halopsatest.Server
	token string
}

func newRawAPI(t *testing.T, srv *halopsatest.Server) *rawAPI {
	tok, _ := rawToken(t, srv, false)
	return &rawAPI{t: t, srv: srv, token: tok}
}

// do sends a request (with the bearer token when path is below /api) and
// returns the status and body.
func (a *rawAPI) do(method, path string, body any) (int, []byte) {
	a.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, a.srv.URL+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if strings.HasPrefix(path, "/api/") {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		a.t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return res.StatusCode, b
}

// decode decodes a JSON body, keeping numbers as json.Number.
func decode(t *testing.T, b []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("body is not JSON: %v\n%.300s", err, b)
	}
	return v
}

// listed returns the records of a list answer: a bare array, or the one
// array of a wrapper.
func listed(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	v := decode(t, b)
	if m, ok := v.(map[string]any); ok {
		var arr []any
		n := 0
		for _, x := range m {
			if a, ok := x.([]any); ok {
				arr = a
				n++
			}
		}
		if n != 1 {
			t.Fatalf("wrapper with %d arrays: %.300s", n, b)
		}
		v = arr
	}
	arr, ok := v.([]any)
	if !ok {
		t.Fatalf("not a list: %.300s", b)
	}
	out := make([]map[string]any, len(arr))
	for i, x := range arr {
		if out[i], ok = x.(map[string]any); !ok {
			t.Fatalf("list element %d is not an object: %.300s", i, b)
		}
	}
	return out
}

// ids returns the records' ids as integers, in order.
func ids(t *testing.T, recs []map[string]any) []int {
	t.Helper()
	out := make([]int, len(recs))
	for i, r := range recs {
		n, err := strconv.Atoi(strings.TrimSuffix(jsonText(r["id"]), ".0"))
		if err != nil {
			t.Fatalf("record without an integer id: %v", r)
		}
		out[i] = n
	}
	return out
}

func jsonText(v any) string {
	switch x := v.(type) {
	case json.Number:
		return x.String()
	case string:
		return x
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// logCapture is a testing.TB whose Logf lines are kept, to check what the
// server logs.
type logCapture struct {
	testing.TB
	mu    sync.Mutex
	lines []string
}

func (c *logCapture) Logf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	line := strings.TrimSpace(fmt.Sprintf(format, args...))
	c.lines = append(c.lines, line)
	c.TB.Logf("%s", line)
}

func (c *logCapture) logged() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.lines...)
}

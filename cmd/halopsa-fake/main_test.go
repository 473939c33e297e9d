package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startFake runs the command with args and returns its URL; it stops when
// the test ends.
func startFake(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	})
	lines := bufio.NewScanner(pr)
	for lines.Scan() {
		if u, ok := strings.CutPrefix(strings.TrimSpace(lines.Text()), "HALO_COMPANY_URL="); ok {
			go io.Copy(io.Discard, pr)
			return u
		}
	}
	t.Fatal("the command printed no URL")
	return ""
}

func token(t *testing.T, base string) string {
	t.Helper()
	res, err := http.PostForm(base+"/auth/token", url.Values{"grant_type": {"client_credentials"},
		"client_id": {"halopsatest-client"}, "client_secret": {"halopsatest-secret"}})
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %v %s", err, res.Status)
	}
	return tok.AccessToken
}

func get(t *testing.T, u, tok string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestDataAndLenient(t *testing.T) {
	data := filepath.Join(t.TempDir(), "records.json")
	os.WriteFile(data, []byte(`{"Tickets": [{"id": 500, "summary": "from the file", "cf_extra": 1.50}],
		"client": [{"id": 12, "name": "Acme Ltd"}]}`), 0o600)
	base := startFake(t, "-data", data, "-lenient", "-no-seed-data")
	tok := token(t, base)

	status, body := get(t, base+"/api/Tickets/500", tok)
	if status != 200 || !strings.Contains(body, `"summary":"from the file"`) || !strings.Contains(body, `"cf_extra":1.50`) {
		t.Errorf("loaded ticket: %d %s", status, body)
	}
	if status, body := get(t, base+"/api/Client/12", tok); status != 200 || !strings.Contains(body, "Acme Ltd") {
		t.Errorf("loaded client: %d %s", status, body)
	}
	// -no-seed-data: only the file's tickets. -lenient: xyz is ignored.
	status, body = get(t, base+"/api/Tickets?xyz=1", tok)
	if status != 200 || !strings.Contains(body, `"record_count":1,`) {
		t.Errorf("lenient list: %d %s", status, body)
	}
	// A reset loads the file again.
	req, _ := http.NewRequest("PUT", base+"/_halopsatest/records/Tickets", strings.NewReader(`[{"id":500,"summary":"changed"}]`))
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Fatalf("PUT: %v %v", err, res)
	}
	if res, err := http.Post(base+"/_halopsatest/reset", "", nil); err != nil || res.StatusCode != 204 {
		t.Fatalf("reset: %v %v", err, res)
	}
	if _, body := get(t, base+"/_halopsatest/records/Tickets", ""); !strings.Contains(body, "from the file") {
		t.Errorf("after reset: %s", body)
	}
}

func TestStrictByDefault(t *testing.T) {
	base := startFake(t)
	status, body := get(t, base+"/api/Tickets?xyz=1", token(t, base))
	if status != 400 || !strings.Contains(body, `halopsatest: GET /Tickets parameter \"xyz\" is not simulated`) {
		t.Errorf("%d %s", status, body)
	}
}

func TestBadArguments(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		return p
	}
	cases := map[string][]string{
		"missing file":    {"-data", filepath.Join(dir, "none.json")},
		"not an object":   {"-data", write("array.json", `[{"id":1}]`)},
		"two values":      {"-data", write("two.json", `{} {}`)},
		"unknown section": {"-data", write("section.json", `{"NoSuchSection": [{"id": 1}]}`)},
		"text id":         {"-data", write("id.json", `{"Tickets": [{"id": "abc"}]}`)},
		"unknown flag":    {"-nope"},
		"extra argument":  {"extra"},
		"address":         {"-addr", "256.0.0.1:1"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			args := append([]string{"-addr", "127.0.0.1:0"}, args...)
			if err := run(ctx, args, io.Discard, io.Discard); err == nil {
				t.Errorf("run %q succeeded", args)
			} else if ctx.Err() != nil {
				t.Errorf("run %q served instead of failing", args)
			}
		})
	}
}

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/halopsa-go/halopsa/halopsatest"
)

func TestBinaryGetByID(t *testing.T) {
	srv := halopsatest.NewServer(t)
	want, ok := srv.Record("Tickets", 3)
	if !ok {
		t.Fatal("the fake has no ticket 3")
	}
	for _, args := range [][]string{
		{"tickets", "get-by-id", "--id", "3"},
		{"tickets", "get-by-id", "3"}, // the path parameter as an argument
	} {
		r := cli(t, fakeEnv(srv), "", args...).mustSucceed(t)
		var got map[string]any
		if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
			t.Fatalf("%v: output is not JSON: %v\n%s", args, err, r.stdout)
		}
		if got["id"] != float64(3) || got["summary"] != want["summary"] {
			t.Errorf("%v: got id %v summary %v, want 3 and %v", args, got["id"], got["summary"], want["summary"])
		}
	}
}

// TestBinaryQuirks reads what real tenants send (ids as 21.0 or "21",
// undeclared fields, zone-less times): everything is printed, the fields
// the spec does not declare included.
func TestBinaryQuirks(t *testing.T) {
	srv := halopsatest.NewServer(t, halopsatest.WithQuirks())
	r := cli(t, fakeEnv(srv), "", "api", "GET", "/Tickets/3").mustSucceed(t)
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &raw); err != nil {
		t.Fatal(err)
	}
	typed := cli(t, fakeEnv(srv), "", "tickets", "get-by-id", "3").mustSucceed(t)
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(typed.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["_quirk_undeclared"]; !ok {
		t.Fatal("the fake sent no undeclared field: the test checks nothing")
	}
	for k := range raw {
		if _, ok := got[k]; !ok {
			t.Errorf("field %q Halo sent is missing from the output", k)
		}
	}
	var id float64
	if err := json.Unmarshal(got["id"], &id); err != nil || id != 3 {
		t.Errorf("id = %s, want 3", got["id"])
	}
}

// TestBinaryListAcrossPageCaps walks a list whose pages Halo caps below
// the size asked for: every record is printed once.
func TestBinaryListAcrossPageCaps(t *testing.T) {
	srv := halopsatest.NewServer(t, halopsatest.WithPageSizeCap(7))
	total := srv.RecordCount("Tickets")
	if total <= 7 {
		t.Fatalf("the fake has %d tickets: too few to page", total)
	}
	srv.ResetRequests()
	r := cli(t, fakeEnv(srv), "", "tickets", "list", "--page-size", "50").mustSucceed(t)
	seen := map[float64]bool{}
	sc := bufio.NewScanner(strings.NewReader(r.stdout))
	sc.Buffer(nil, 1<<20)
	lines := 0
	for sc.Scan() {
		lines++
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %d is not a JSON record: %v", lines, err)
		}
		id, _ := rec["id"].(float64)
		if seen[id] {
			t.Errorf("record %v printed twice", id)
		}
		seen[id] = true
	}
	if lines != total || len(seen) != total {
		t.Errorf("printed %d lines, %d distinct records; the fake has %d", lines, len(seen), total)
	}
	pages := 0
	for _, req := range srv.Requests() {
		if req.Method == "GET" && strings.HasPrefix(req.Path, "/api/Tickets") {
			pages++
		}
	}
	if want := (total + 6) / 7; pages < want {
		t.Errorf("%d page requests; at least %d pages of 7 are needed", pages, want)
	}
	// -o json prints the same records as one array.
	r = cli(t, fakeEnv(srv), "", "tickets", "list", "-o", "json").mustSucceed(t)
	var all []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &all); err != nil || len(all) != total {
		t.Errorf("-o json: %d records (%v), want %d", len(all), err, total)
	}
}

func TestBinaryCreateWithBody(t *testing.T) {
	srv := halopsatest.NewServer(t)
	before := srv.RecordCount("Tickets")
	file := filepath.Join(t.TempDir(), "ticket.json")
	if err := os.WriteFile(file, []byte(`{"summary": "Printer offline", "client_id": 2}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := cli(t, fakeEnv(srv), "", "tickets", "post", "--body", file).mustSucceed(t)
	var created map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &created); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, r.stdout)
	}
	if created["summary"] != "Printer offline" || created["id"] == nil {
		t.Errorf("created %v", created)
	}
	if rec, ok := srv.Record("Tickets", created["id"]); !ok || rec["summary"] != "Printer offline" {
		t.Errorf("the fake holds %v, %v", rec, ok)
	}
	// Several records from stdin: each is created and printed.
	r = cli(t, fakeEnv(srv), `[{"summary": "one"}, {"summary": "two"}]`, "tickets", "post", "--body", "-", "-o", "jsonl", "--fields", "summary").mustSucceed(t)
	if r.stdout != "{\"summary\":\"one\"}\n{\"summary\":\"two\"}\n" {
		t.Errorf("stdout = %q", r.stdout)
	}
	// Inline JSON.
	cli(t, fakeEnv(srv), "", "tickets", "post", "--body", `{"summary": "three"}`).mustSucceed(t)
	if got := srv.RecordCount("Tickets"); got != before+4 {
		t.Errorf("the fake has %d tickets, want %d", got, before+4)
	}
}

func TestBinaryTableFields(t *testing.T) {
	srv := halopsatest.NewServer(t)
	r := cli(t, fakeEnv(srv), "", "tickets", "get", "--count", "3", "-o", "table", "--fields", "id,summary,status_id").mustSucceed(t)
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("want a header and 3 rows, got:\n%s", r.stdout)
	}
	if h := strings.Fields(lines[0]); strings.Join(h, " ") != "ID SUMMARY STATUS_ID" {
		t.Errorf("header %q", lines[0])
	}
	for i, line := range lines[1:] {
		rec, _ := srv.Record("Tickets", i+1)
		f := strings.Fields(line)
		if f[0] != fmt.Sprint(i+1) || !strings.Contains(line, rec["summary"].(string)) || f[len(f)-1] != fmt.Sprint(rec["status_id"]) {
			t.Errorf("row %q does not show ticket %d (%v)", line, i+1, rec)
		}
	}
	// --fields does not apply to -o json.
	if r := cli(t, fakeEnv(srv), "", "tickets", "get", "--fields", "id"); r.code != 2 || !strings.Contains(r.stderr, "--fields") {
		t.Errorf("--fields with -o json: exit %d, stderr %q", r.code, r.stderr)
	}
}

func TestBinaryUsageErrors(t *testing.T) {
	srv := halopsatest.NewServer(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"tickets", "get-by-id", "--id", "3", "--bogus"}, "--bogus"},
		{[]string{"tickets", "get-by-id", "--id", "abc"}, "--id"},
		{[]string{"tickets", "get-by-id"}, "--id"},
		{[]string{"tickets", "get", "--open-only=maybe"}, "--open-only"},
		{[]string{"tickets", "get", "--agent", "1,x"}, "--agent"},
		{[]string{"tickets", "bogus"}, "bogus"},
		{[]string{"bogus"}, "bogus"},
		{[]string{"tickets", "get", "-o", "yaml"}, "yaml"},
		{[]string{"tickets", "post", "--body", "{not json"}, "--body"},
		{[]string{"tickets", "post", "--body", "/no/such/file"}, "--body"},
		{[]string{"tickets", "get", "--rate-limit", "many"}, "--rate-limit"},
		{[]string{"agent-image", "get-by-id", "--id", ""}, "ID"}, // the library refuses an empty path parameter
	} {
		r := cli(t, fakeEnv(srv), "", c.args...)
		if r.code != 2 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 naming %s", c.args, r.code, r.stderr, c.want)
		}
	}
	// Without credentials: a usage error that says what to set.
	r := cli(t, nil, "", "tickets", "get-by-id", "3")
	if r.code != 2 || !strings.Contains(r.stderr, "HALO_COMPANY_URL") {
		t.Errorf("no credentials: exit %d, stderr %q", r.code, r.stderr)
	}
	// --errors json: one JSON object on stderr.
	r = cli(t, fakeEnv(srv), "", "--errors", "json", "tickets", "get-by-id", "--bogus")
	var rep errorReport
	if err := json.Unmarshal([]byte(r.stderr), &rep); err != nil || r.code != 2 || rep.Kind != "usage" || !strings.Contains(rep.Message, "--bogus") {
		t.Errorf("--errors json usage error: exit %d, %q (%v)", r.code, r.stderr, err)
	}
}

func TestBinaryNotFound(t *testing.T) {
	srv := halopsatest.NewServer(t)
	r := cli(t, fakeEnv(srv), "", "tickets", "get-by-id", "99999")
	if r.code != 1 {
		t.Fatalf("exit code %d, want 1; stderr %q", r.code, r.stderr)
	}
	for _, want := range []string{"404", "GET", srv.URL + "/api/Tickets/99999", "not found"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr %q lacks %q", r.stderr, want)
		}
	}
	if r.stdout != "" {
		t.Errorf("stdout %q, want nothing", r.stdout)
	}
	r = cli(t, fakeEnv(srv), "", "tickets", "get-by-id", "99999", "--errors", "json")
	var rep errorReport
	if err := json.Unmarshal([]byte(r.stderr), &rep); err != nil {
		t.Fatalf("--errors json: stderr is not JSON: %v\n%s", err, r.stderr)
	}
	if r.code != 1 || rep.Kind != "api" || rep.Status != 404 || rep.Method != "GET" || rep.URL != srv.URL+"/api/Tickets/99999" || rep.HaloMessage == "" {
		t.Errorf("exit %d, report %+v", r.code, rep)
	}
}

// TestBinarySecretsNeverPrinted runs with --debug and with a wrong secret:
// neither the client secret nor a bearer token reaches the output.
func TestBinarySecretsNeverPrinted(t *testing.T) {
	srv := halopsatest.NewServer(t)
	r := cli(t, fakeEnv(srv), "", "--debug", "tickets", "get-by-id", "3").mustSucceed(t)
	if !strings.Contains(r.stderr, "/Tickets/3") {
		t.Errorf("--debug logged no request line: %q", r.stderr)
	}
	wrong := "wrong-secret-value-0123"
	bad := cli(t, []string{"HALO_COMPANY_URL=" + srv.URL, "HALO_API_CLIENT_ID=" + srv.ClientID, "HALO_API_CLIENT_SECRET=" + wrong},
		"", "--debug", "--errors", "json", "tickets", "get-by-id", "3")
	if bad.code != 1 || !strings.Contains(bad.stderr, `"auth"`) {
		t.Errorf("wrong secret: exit %d, stderr %q", bad.code, bad.stderr)
	}
	for _, out := range []string{r.stdout, r.stderr, bad.stdout, bad.stderr} {
		for _, secret := range []string{srv.ClientSecret, wrong, "Bearer "} {
			if strings.Contains(out, secret) {
				t.Errorf("output holds %q:\n%s", secret, out)
			}
		}
	}
}

func TestBinaryAPI(t *testing.T) {
	srv := halopsatest.NewServer(t)
	r := cli(t, fakeEnv(srv), "", "api", "GET", "/Tickets", "-q", "count=2", "-o", "jsonl", "--fields", "id").mustSucceed(t)
	if r.stdout != "{\"id\":1}\n{\"id\":2}\n" {
		t.Errorf("api GET: %q", r.stdout)
	}
	r = cli(t, fakeEnv(srv), "", "api", "post", "Tickets", "--body", `[{"summary": "via api"}]`).mustSucceed(t)
	if !strings.Contains(r.stdout, "via api") {
		t.Errorf("api POST: %q", r.stdout)
	}
	if r := cli(t, fakeEnv(srv), "", "api", "GET", "/Tickets/99999"); r.code != 1 || !strings.Contains(r.stderr, "404") {
		t.Errorf("api 404: exit %d, %q", r.code, r.stderr)
	}
	if r := cli(t, fakeEnv(srv), "", "api", "FETCH", "/Tickets"); r.code != 2 {
		t.Errorf("api FETCH: exit %d, want 2", r.code)
	}
}

func TestBinaryHelp(t *testing.T) {
	r := cli(t, nil, "", "--help").mustSucceed(t)
	for _, want := range []string{"tickets", "client-contract", "azureadconnection", "mcp", "fake", "api"} {
		if !strings.Contains(r.stdout, "\n  "+want+" ") {
			t.Errorf("halopsa --help does not list %s", want)
		}
	}
	r = cli(t, nil, "", "tickets", "--help").mustSucceed(t)
	for _, want := range []string{"get-by-id", "Get one Faults", "list", "post", "delete-by-id"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("halopsa tickets --help lacks %q", want)
		}
	}
	r = cli(t, nil, "", "tickets", "get", "--help").mustSucceed(t)
	for _, want := range []string{"--client-id int", "Filters by the specified client.", "--open-only", "--agent ints", "GET /Tickets"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("halopsa tickets get --help lacks %q", want)
		}
	}
}

func TestBinaryCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		r := cli(t, nil, "", "completion", shell).mustSucceed(t)
		if len(r.stdout) < 500 || !strings.Contains(r.stdout, "halopsa") {
			t.Errorf("completion %s: %d bytes", shell, len(r.stdout))
		}
	}
	r := cli(t, nil, "", "__complete", "tic").mustSucceed(t)
	if !strings.Contains(r.stdout, "tickets\t") {
		t.Errorf("completing sections: %q", r.stdout)
	}
	r = cli(t, nil, "", "__complete", "tickets", "get-b").mustSucceed(t)
	if !strings.Contains(r.stdout, "get-by-id\tGet one Faults") {
		t.Errorf("completing operations: %q", r.stdout)
	}
	r = cli(t, nil, "", "__complete", "tickets", "get", "--client-").mustSucceed(t)
	if !strings.Contains(r.stdout, "--client-id\t") {
		t.Errorf("completing flags: %q", r.stdout)
	}
	r = cli(t, nil, "", "__complete", "tickets", "get", "-o", "").mustSucceed(t)
	if !strings.Contains(r.stdout, "table") {
		t.Errorf("completing -o: %q", r.stdout)
	}
}

// writeConfig writes a config file with one profile for srv.
func writeConfig(t *testing.T, srv *halopsatest.Server, mode os.FileMode, extra string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.json")
	body := fmt.Sprintf(`{"fake": {"company_url": %q, "client_id": %q%s}}`, srv.URL, srv.ClientID, extra)
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // past the umask
		t.Fatal(err)
	}
	return path
}

func TestBinaryProfiles(t *testing.T) {
	srv := halopsatest.NewServer(t)
	secretEnv := "MY_HALO_SECRET=" + srv.ClientSecret

	path := writeConfig(t, srv, 0o600, `, "secret_env": "MY_HALO_SECRET"`)
	r := cli(t, []string{"HALOPSA_CONFIG=" + path, secretEnv}, "", "--profile", "fake", "tickets", "get-by-id", "3").mustSucceed(t)
	if !strings.Contains(r.stdout, `"id":3`) {
		t.Errorf("profile with secret_env: %q", r.stdout)
	}
	// --config, $HALOPSA_PROFILE and secret_command.
	if runtime.GOOS != "windows" {
		path = writeConfig(t, srv, 0o600, fmt.Sprintf(`, "secret_command": "printf '%%s\\n' %s"`, srv.ClientSecret))
		r = cli(t, []string{"HALOPSA_PROFILE=fake"}, "", "--config", path, "tickets", "get-by-id", "3").mustSucceed(t)
		if strings.Contains(r.stdout+r.stderr, srv.ClientSecret) {
			t.Errorf("secret_command's output was printed")
		}
	}
	// A file others can read is refused, and the error says why.
	if runtime.GOOS != "windows" {
		path = writeConfig(t, srv, 0o644, `, "secret_env": "MY_HALO_SECRET"`)
		r = cli(t, []string{"HALOPSA_CONFIG=" + path, secretEnv}, "", "--profile", "fake", "tickets", "get-by-id", "3")
		if r.code != 2 || !strings.Contains(r.stderr, "chmod 600") || r.stdout != "" {
			t.Errorf("config readable by others: exit %d, stderr %q", r.code, r.stderr)
		}
	}
	// A secret in the file is refused.
	path = writeConfig(t, srv, 0o600, fmt.Sprintf(`, "client_secret": %q`, srv.ClientSecret))
	r = cli(t, []string{"HALOPSA_CONFIG=" + path}, "", "--profile", "fake", "tickets", "get-by-id", "3")
	if r.code != 2 || !strings.Contains(r.stderr, "secret_env") || strings.Contains(r.stderr, srv.ClientSecret) {
		t.Errorf("secret in the file: exit %d, stderr %q", r.code, r.stderr)
	}
	// An unknown profile names the ones there are.
	path = writeConfig(t, srv, 0o600, "")
	r = cli(t, []string{"HALOPSA_CONFIG=" + path}, "", "--profile", "prod", "tickets", "get-by-id", "3")
	if r.code != 2 || !strings.Contains(r.stderr, `"prod"`) || !strings.Contains(r.stderr, "fake") {
		t.Errorf("unknown profile: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestBinaryFake runs halopsa fake and uses the settings it prints.
func TestBinaryFake(t *testing.T) {
	cmd := exec.Command(binary, "fake", "--addr", "127.0.0.1:0")
	cmd.Env = baseEnv(t)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	var env []string
	sc := bufio.NewScanner(out)
	for len(env) < 3 && sc.Scan() {
		line := strings.TrimPrefix(sc.Text(), "export ")
		k, v, _ := strings.Cut(line, "=")
		env = append(env, k+"="+strings.Trim(v, "'"))
	}
	if len(env) != 3 || !strings.HasPrefix(env[0], "HALO_COMPANY_URL=http://127.0.0.1:") {
		t.Fatalf("halopsa fake printed %q", env)
	}
	go io.Copy(io.Discard, out)
	r := cli(t, env, "", "tickets", "get-by-id", "1").mustSucceed(t)
	if !strings.Contains(r.stdout, `"id":1`) {
		t.Errorf("against halopsa fake: %q", r.stdout)
	}
}

// TestBinaryInterrupt sends Ctrl-C while a request waits: the request is
// cancelled at once, and the exit code is 1.
func TestBinaryInterrupt(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT on Windows")
	}
	srv := halopsatest.NewServer(t)
	srv.Inject(halopsatest.Fault{Kind: halopsatest.Delay, Delay: 30 * time.Second, PathPrefix: "/api/Tickets"})
	cmd := exec.Command(binary, "tickets", "get-by-id", "3")
	cmd.Env = append(baseEnv(t), fakeEnv(srv)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the token was fetched: the request follows at once (the
	// fake logs it only once answered).
	deadline := time.Now().Add(20 * time.Second)
	for srv.TokenRequests() == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("exited %v after Ctrl-C", took)
	}
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 || !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("after Ctrl-C: %v, stderr %q", err, stderr.String())
	}
}

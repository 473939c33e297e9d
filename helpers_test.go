package halopsa

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// tenant is a minimal Halo stand-in for the client's own tests: a token
// endpoint and a handler for /api, both scriptable.
type tenant struct {
	t         *testing.T
	srv       *httptest.Server
	tokenReqs atomic.Int64
	mu        sync.Mutex
	tokens    map[string]bool // valid access tokens
	lifetime  int             // expires_in seconds
	tokenFail func(w http.ResponseWriter) bool
	api       http.HandlerFunc
	forms     []map[string][]string // token request forms, in order
	tokenGate chan struct{}         // when set, token requests wait for it
}

const (
	testID     = "client-id-123"
	testSecret = "s3cr3t-value-never-logged"
)

func newTenant(t *testing.T, api http.HandlerFunc) *tenant {
	t.Helper()
	tn := &tenant{t: t, tokens: map[string]bool{}, lifetime: 3600, api: api}
	mux := http.NewServeMux()
	mux.HandleFunc("/auth/token", tn.token)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		tn.mu.Lock()
		ok := strings.HasPrefix(auth, "Bearer ") && tn.tokens[strings.TrimPrefix(auth, "Bearer ")]
		api := tn.api
		tn.mu.Unlock()
		if !ok {
			http.Error(w, `{"message":"unauthorised"}`, http.StatusUnauthorized)
			return
		}
		api(w, r)
	})
	tn.srv = httptest.NewServer(mux)
	t.Cleanup(tn.srv.Close)
	return tn
}

// setAPI replaces the handler of /api/. A request of an earlier step may
// still be in its handler (a call cut by its timeout has no answer to
// order it before the test's next step): the lock orders them.
func (tn *tenant) setAPI(h http.HandlerFunc) {
	tn.mu.Lock()
	tn.api = h
	tn.mu.Unlock()
}

func (tn *tenant) token(w http.ResponseWriter, r *http.Request) {
	n := tn.tokenReqs.Add(1)
	if g := tn.tokenGate; g != nil {
		<-g
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", 400)
		return
	}
	tn.mu.Lock()
	form := map[string][]string{}
	for k, v := range r.PostForm {
		form[k] = v
	}
	form["?tenant"] = r.URL.Query()["tenant"]
	tn.forms = append(tn.forms, form)
	fail := tn.tokenFail
	tn.mu.Unlock()
	if fail != nil && fail(w) {
		return
	}
	if r.PostForm.Get("client_id") != testID || r.PostForm.Get("client_secret") != testSecret {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		io.WriteString(w, `{"error":"invalid_client","error_description":"bad credentials"}`)
		return
	}
	tok := "tok-" + strings.Repeat("x", 8) + "-" + itoa(n)
	tn.mu.Lock()
	tn.tokens[tok] = true
	lifetime := tn.lifetime
	tn.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": lifetime})
}

func (tn *tenant) revokeAll() {
	tn.mu.Lock()
	tn.tokens = map[string]bool{}
	tn.mu.Unlock()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func (tn *tenant) config() Config {
	return Config{CompanyURL: tn.srv.URL, ClientID: testID, ClientSecret: testSecret}
}

func (tn *tenant) client(mod ...func(*Config)) *Client {
	tn.t.Helper()
	cfg := tn.config()
	for _, m := range mod {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		tn.t.Fatal(err)
	}
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

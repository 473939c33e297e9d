package halopsa

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"
)

func TestConfigValidation(t *testing.T) {
	ok := Config{CompanyURL: "https://acme.halopsa.com", ClientID: "id", ClientSecret: "secret"}
	cases := []struct {
		name  string
		mod   func(*Config)
		field string
	}{
		{"no company url", func(c *Config) { c.CompanyURL = "" }, "CompanyURL"},
		{"relative url", func(c *Config) { c.CompanyURL = "acme.halopsa.com" }, "CompanyURL"},
		{"ftp", func(c *Config) { c.CompanyURL = "ftp://acme.halopsa.com" }, "CompanyURL"},
		{"clear text", func(c *Config) { c.CompanyURL = "http://acme.halopsa.com" }, "CompanyURL"},
		{"user info", func(c *Config) { c.CompanyURL = "https://u:p@acme.halopsa.com" }, "CompanyURL"},
		{"clear-text auth url", func(c *Config) { c.AuthURL = "http://auth.example.com/auth" }, "AuthURL"},
		{"no client id", func(c *Config) { c.ClientID = "" }, "ClientID"},
		{"no secret", func(c *Config) { c.ClientSecret = "" }, "ClientSecret"},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, "Timeout"},
		{"negative retries", func(c *Config) { c.RetryOptions.Retries = -1 }, "RetryOptions.Retries"},
		{"max below min", func(c *Config) { c.RetryOptions = RetryOptions{MinTimeout: time.Second, MaxTimeout: time.Millisecond} }, "RetryOptions.MaxTimeout"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.mod(&cfg)
			_, err := New(cfg)
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *ConfigError", err)
			}
			if ce.Field != tc.field {
				t.Fatalf("field = %q, want %q (%v)", ce.Field, tc.field, err)
			}
			if got := err.Error(); !strings.Contains(got, "Config."+tc.field) {
				t.Fatalf("message %q does not name the field", got)
			}
		})
	}
}

func TestConfigNormalisation(t *testing.T) {
	cases := []struct {
		company, auth, tenant string
		insecure              bool
		wantAPI, wantToken    string
	}{
		{"https://acme.halopsa.com", "", "", false, "https://acme.halopsa.com/api", "https://acme.halopsa.com/auth/token"},
		{"https://acme.halopsa.com/", "", "", false, "https://acme.halopsa.com/api", "https://acme.halopsa.com/auth/token"},
		{"https://acme.halopsa.com/api", "", "", false, "https://acme.halopsa.com/api", "https://acme.halopsa.com/auth/token"},
		{"https://acme.halopsa.com/api/", "", "", false, "https://acme.halopsa.com/api", "https://acme.halopsa.com/auth/token"},
		{" https://acme.halopsa.com/halo/api ", "", "", false, "https://acme.halopsa.com/halo/api", "https://acme.halopsa.com/halo/auth/token"},
		{"https://acme.halopsa.com", "https://auth.halopsa.com/auth", "acme", false, "https://acme.halopsa.com/api", "https://auth.halopsa.com/auth/token?tenant=acme"},
		{"https://acme.halopsa.com", "https://auth.halopsa.com/auth/token/", "", false, "https://acme.halopsa.com/api", "https://auth.halopsa.com/auth/token"},
		{"http://127.0.0.1:8080", "", "", false, "http://127.0.0.1:8080/api", "http://127.0.0.1:8080/auth/token"},
		{"http://localhost:8080/api", "", "", false, "http://localhost:8080/api", "http://localhost:8080/auth/token"},
		{"http://[::1]:8080", "", "", false, "http://[::1]:8080/api", "http://[::1]:8080/auth/token"},
		{"http://halo.internal", "", "", true, "http://halo.internal/api", "http://halo.internal/auth/token"},
	}
	for _, tc := range cases {
		r, err := Config{CompanyURL: tc.company, AuthURL: tc.auth, Tenant: tc.tenant, AllowInsecureHTTP: tc.insecure, ClientID: "i", ClientSecret: "s"}.resolve()
		if err != nil {
			t.Errorf("%s: %v", tc.company, err)
			continue
		}
		if r.apiBase != tc.wantAPI || r.tokenURL != tc.wantToken {
			t.Errorf("%s: api %s token %s, want %s %s", tc.company, r.apiBase, r.tokenURL, tc.wantAPI, tc.wantToken)
		}
	}
}

func TestConfigDefaults(t *testing.T) {
	r, err := Config{CompanyURL: "https://acme.halopsa.com", ClientID: "i", ClientSecret: "s"}.resolve()
	if err != nil {
		t.Fatal(err)
	}
	if r.Scope != "all" || r.Timeout != 20*time.Second || r.RetryOptions != DefaultRetryOptions {
		t.Fatalf("defaults: scope %q timeout %v retry %+v", r.Scope, r.Timeout, r.RetryOptions)
	}
	if DefaultRetryOptions != (RetryOptions{Retries: 4, MinTimeout: 50 * time.Millisecond, MaxTimeout: 20 * time.Second, Randomize: true, Factor: 2}) {
		t.Fatalf("DefaultRetryOptions = %+v", DefaultRetryOptions)
	}
	// A partly set RetryOptions keeps what was set and fills the rest.
	r, err = Config{CompanyURL: "https://acme.halopsa.com", ClientID: "i", ClientSecret: "s", RetryOptions: RetryOptions{Retries: 2}}.resolve()
	if err != nil {
		t.Fatal(err)
	}
	want := RetryOptions{Retries: 2, MinTimeout: 50 * time.Millisecond, MaxTimeout: 20 * time.Second, Factor: 2}
	if r.RetryOptions != want {
		t.Fatalf("partial retry options = %+v, want %+v", r.RetryOptions, want)
	}
	// Setting only a timeout keeps the default number of retries.
	r, _ = Config{CompanyURL: "https://acme.halopsa.com", ClientID: "i", ClientSecret: "s", RetryOptions: RetryOptions{MaxTimeout: 5 * time.Second}}.resolve()
	if r.RetryOptions.Retries != 4 || r.RetryOptions.MaxTimeout != 5*time.Second {
		t.Fatalf("only MaxTimeout set: %+v", r.RetryOptions)
	}
}

func TestSectionsShareOneService(t *testing.T) {
	c, err := New(Config{CompanyURL: "https://acme.halopsa.com", ClientID: "i", ClientSecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	// Every section field, by reflection: one that initSections misses
	// would be nil.
	v := reflect.ValueOf(c).Elem()
	n := 0
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if !f.IsExported() || f.Type.Kind() != reflect.Pointer {
			continue
		}
		n++
		if v.Field(i).UnsafePointer() != unsafe.Pointer(&c.common) {
			t.Fatalf("section %s does not point at the client's one service", f.Name)
		}
	}
	if n == 0 {
		t.Fatal("no section fields found")
	}
	if c.common.client != &c.state {
		t.Fatal("the service does not point at the client's state")
	}
}

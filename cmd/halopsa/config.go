package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/halopsa-go/halopsa"
)

// profile is one entry of the config file. It holds no secret: the client
// secret comes from the environment variable secret_env names, or from
// what secret_command prints.
type profile struct {
	CompanyURL    string `json:"company_url"`
	ClientID      string `json:"client_id"`
	Tenant        string `json:"tenant"`
	SecretEnv     string `json:"secret_env"`
	SecretCommand string `json:"secret_command"`
	Retry         bool   `json:"retry"`
	RateLimit     string `json:"rate_limit"`
	Timeout       string `json:"timeout"`
}

// secretKeys are keys a profile may not have: a secret in a file is one
// copy too many.
var secretKeys = []string{"client_secret", "secret", "clientsecret", "password", "token"}

// secretCommandTimeout bounds secret_command (a password manager may ask
// for a passphrase).
const secretCommandTimeout = 2 * time.Minute

// configPathOf is the config file: --config, $HALOPSA_CONFIG, else
// halopsa/config.json in the user's config directory.
func (a *app) configPathOf() (string, error) {
	if a.configPath != "" {
		return a.configPath, nil
	}
	if p := a.getenv("HALOPSA_CONFIG"); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "halopsa", "config.json"), nil
}

// readConfig reads the config file's profiles, refusing a file that other
// users can read or change.
func (a *app) readConfig() (map[string]json.RawMessage, string, error) {
	path, err := a.configPathOf()
	if err != nil {
		return nil, "", inputErrorf("config file: %v", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, path, inputErrorf("config file: %v", err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return nil, path, inputErrorf("config file %s is refused: other users can read or change it (mode %04o); run: chmod 600 %s",
			path, info.Mode().Perm(), path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, path, inputErrorf("config file: %v", err)
	}
	var profiles map[string]json.RawMessage
	if err := json.Unmarshal(data, &profiles); err != nil {
		return nil, path, inputErrorf("config file %s: %v (want a JSON object of profiles by name)", path, err)
	}
	return profiles, path, nil
}

// loadProfile reads one profile of the config file.
func (a *app) loadProfile(name string) (*profile, error) {
	profiles, path, err := a.readConfig()
	if err != nil {
		return nil, err
	}
	raw, ok := profiles[name]
	if !ok {
		names := make([]string, 0, len(profiles))
		for n := range profiles {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, inputErrorf("config file %s has no profile %q (it has: %s)", path, name, strings.Join(names, ", "))
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		return nil, inputErrorf("config file %s: profile %q: %v", path, name, err)
	}
	for k := range keys {
		if hasKey(secretKeys, k) {
			return nil, inputErrorf("config file %s: profile %q has %q: secrets are not read from the file; set secret_env (an environment variable's name) or secret_command", path, name, k)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var p profile
	if err := dec.Decode(&p); err != nil {
		return nil, inputErrorf("config file %s: profile %q: %v", path, name, err)
	}
	return &p, nil
}

func hasKey(list []string, k string) bool {
	for _, x := range list {
		if strings.EqualFold(x, k) {
			return true
		}
	}
	return false
}

// profileNames lists the config file's profiles, for completion.
func (a *app) profileNames() []string {
	profiles, _, err := a.readConfig()
	if err != nil {
		return nil
	}
	names := make([]string, 0, len(profiles))
	for n := range profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// config builds the client's configuration from the profile, if one is
// chosen, else from HALO_*, and the global flags.
func (a *app) config(ctx context.Context) (halopsa.Config, error) {
	var cfg halopsa.Config
	var rate, timeout string
	if a.profile != "" {
		p, err := a.loadProfile(a.profile)
		if err != nil {
			return cfg, err
		}
		cfg.CompanyURL, cfg.ClientID, cfg.Tenant, cfg.Retry = p.CompanyURL, p.ClientID, p.Tenant, p.Retry
		rate, timeout = p.RateLimit, p.Timeout
		if cfg.ClientSecret, err = a.profileSecret(ctx, p); err != nil {
			return cfg, err
		}
		var missing []string
		if cfg.CompanyURL == "" {
			missing = append(missing, "company_url")
		}
		if cfg.ClientID == "" {
			missing = append(missing, "client_id")
		}
		if len(missing) > 0 {
			return cfg, inputErrorf("profile %q: %s not set", a.profile, strings.Join(missing, " and "))
		}
	} else {
		cfg.CompanyURL = a.getenv("HALO_COMPANY_URL")
		cfg.ClientID = a.getenv("HALO_API_CLIENT_ID")
		cfg.ClientSecret = a.getenv("HALO_API_CLIENT_SECRET")
		cfg.Tenant = a.getenv("HALO_TENANT")
		var missing []string
		for _, kv := range [][2]string{{"HALO_COMPANY_URL", cfg.CompanyURL}, {"HALO_API_CLIENT_ID", cfg.ClientID}, {"HALO_API_CLIENT_SECRET", cfg.ClientSecret}} {
			if kv[1] == "" {
				missing = append(missing, kv[0])
			}
		}
		if len(missing) > 0 {
			return cfg, inputErrorf("%s not set: set HALO_COMPANY_URL, HALO_API_CLIENT_ID and HALO_API_CLIENT_SECRET (and HALO_TENANT if your tenant needs it), or use --profile", strings.Join(missing, ", "))
		}
	}
	if a.retry {
		cfg.Retry = true
	}
	if a.rateLimit != "" {
		rate = a.rateLimit
	}
	if rate != "" {
		rl, err := parseRateLimit(rate)
		if err != nil {
			return cfg, inputErrorf("rate limit %s: %v", rate, err)
		}
		cfg.RateLimit = rl
	}
	if a.timeout > 0 {
		cfg.Timeout = a.timeout
	} else if timeout != "" {
		d, err := time.ParseDuration(timeout)
		if err != nil || d <= 0 {
			return cfg, inputErrorf("profile %q: timeout %q is not a positive duration (30s, 2m)", a.profile, timeout)
		}
		cfg.Timeout = d
	}
	cfg.Debug = a.debug || a.getenv("HALO_PSA_DEBUG") != ""
	cfg.Logger = a.logger(cfg.Debug)
	cfg.UserAgent = "halopsa-cli"
	return cfg, nil
}

// client is a client for the configured tenant.
func (a *app) client(ctx context.Context) (*halopsa.Client, error) {
	cfg, err := a.config(ctx)
	if err != nil {
		return nil, err
	}
	c, err := halopsa.New(cfg)
	if err != nil {
		return nil, &inputError{err.Error()}
	}
	return c, nil
}

// profileSecret is a profile's client secret: what secret_command prints,
// else the variable secret_env names, else HALO_API_CLIENT_SECRET.
func (a *app) profileSecret(ctx context.Context, p *profile) (string, error) {
	if p.SecretCommand != "" {
		ctx, cancel := context.WithTimeout(ctx, secretCommandTimeout)
		defer cancel()
		var cmd *exec.Cmd
		if runtime.GOOS == "windows" {
			cmd = exec.CommandContext(ctx, "cmd", "/C", p.SecretCommand)
		} else {
			cmd = exec.CommandContext(ctx, "sh", "-c", p.SecretCommand)
		}
		// No stdin: it may be the MCP protocol's; password managers ask
		// on the terminal.
		cmd.Stderr = a.stderr
		out, err := cmd.Output()
		if err != nil {
			// Its output is never shown: it may be the secret.
			return "", inputErrorf("profile %q: secret_command failed: %v", a.profile, err)
		}
		s := strings.TrimRight(string(out), "\r\n")
		if s == "" {
			return "", inputErrorf("profile %q: secret_command printed nothing", a.profile)
		}
		return s, nil
	}
	name := p.SecretEnv
	if name == "" {
		name = "HALO_API_CLIENT_SECRET"
	}
	s := a.getenv(name)
	if s == "" {
		return "", inputErrorf("profile %q: the client secret is read from $%s, which is not set", a.profile, name)
	}
	return s, nil
}

// parseRateLimit reads a request budget: "300/5m", "10/s".
func parseRateLimit(s string) (halopsa.RateLimit, error) {
	n, per, ok := strings.Cut(s, "/")
	if !ok {
		return halopsa.RateLimit{}, errors.New("want requests/period, e.g. 300/5m")
	}
	req, err := strconv.Atoi(n)
	if err != nil || req <= 0 {
		return halopsa.RateLimit{}, fmt.Errorf("%q is not a positive number of requests", n)
	}
	d, err := time.ParseDuration(per)
	if err != nil {
		d, err = time.ParseDuration("1" + per) // "10/s"
	}
	if err != nil || d <= 0 {
		return halopsa.RateLimit{}, fmt.Errorf("%q is not a positive period (5m, 1h, s)", per)
	}
	return halopsa.RateLimit{Requests: req, Per: d}, nil
}

// logger is the library's logger: request lines with --debug, retries and
// rate-limit waits always; errors are left to the error report (they
// would be written twice).
func (a *app) logger(debug bool) *slog.Logger {
	level := slog.LevelWarn
	if debug {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	if a.errorsFormat == "json" {
		h = slog.NewJSONHandler(a.stderr, opts)
	} else {
		h = slog.NewTextHandler(a.stderr, opts)
	}
	return slog.New(belowError{h})
}

// belowError drops records of level error and above.
type belowError struct{ slog.Handler }

func (h belowError) Enabled(ctx context.Context, l slog.Level) bool {
	return l < slog.LevelError && h.Handler.Enabled(ctx, l)
}

func (h belowError) WithAttrs(as []slog.Attr) slog.Handler {
	return belowError{h.Handler.WithAttrs(as)}
}
func (h belowError) WithGroup(n string) slog.Handler { return belowError{h.Handler.WithGroup(n)} }

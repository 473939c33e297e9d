package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/halopsa-go/halopsa/halopsatest"
)

// binary is the halopsa command, built once for the tests that run it.
var binary string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "halopsa-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "halopsa")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	args := []string{"build", "-o", binary}
	if raceEnabled {
		args = append(args, "-race")
	}
	cmd := exec.Command("go", append(args, ".")...)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building halopsa:", err)
		return 1
	}
	return m.Run()
}

// cliResult is one run of the binary.
type cliResult struct {
	code           int
	stdout, stderr string
}

// cli runs the binary with args and the environment env (nothing else of
// the test's environment: HALO_* must come from the test).
func cli(t *testing.T, env []string, stdin string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append(baseEnv(t), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("halopsa %s: %v", strings.Join(args, " "), err)
		}
		code = ee.ExitCode()
	}
	return cliResult{code, out.String(), errb.String()}
}

// baseEnv is the environment every run of the binary gets: a home of its
// own, and no exit delay of the race detector (one second a run).
func baseEnv(t *testing.T) []string {
	return []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "GORACE=atexit_sleep_ms=0"}
}

// fakeEnv is the HALO_* environment of a fake tenant.
func fakeEnv(srv *halopsatest.Server) []string {
	return []string{
		"HALO_COMPANY_URL=" + srv.URL,
		"HALO_API_CLIENT_ID=" + srv.ClientID,
		"HALO_API_CLIENT_SECRET=" + srv.ClientSecret,
	}
}

// mustSucceed fails the test unless the run exited 0.
func (r cliResult) mustSucceed(t *testing.T) cliResult {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit code %d; stderr:\n%s", r.code, r.stderr)
	}
	return r
}

package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

func quietEnv() *env {
	return &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
}

// BenchmarkHelp measures the work of halopsa --help and its kin inside the
// process (start-up adds the loading of the binary: see the README).
func BenchmarkHelp(b *testing.B) {
	for _, c := range []struct {
		name string
		args []string
	}{
		{"root", []string{"--help"}},
		{"section", []string{"tickets", "--help"}},
		{"operation", []string{"tickets", "get", "--help"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if code := run(context.Background(), c.args, quietEnv()); code != 0 {
					b.Fatalf("exit code %d", code)
				}
			}
		})
	}
}

// BenchmarkBuildEveryCommand builds the command of every operation with
// its flags, as a run would if they were not built only for the sections
// its arguments name.
func BenchmarkBuildEveryCommand(b *testing.B) {
	names := make([]string, len(sections))
	for i, s := range sections {
		names[i] = s.name
	}
	for b.Loop() {
		a := &app{env: quietEnv()}
		a.newRoot(names)
	}
}

//go:build race

package main

// raceEnabled makes the tests build the binary with -race, like themselves,
// so that the build reuses their compiled dependencies.
const raceEnabled = true

// Command benchrun is bench/run: it runs the benchmarks of package bench
// in interleaved rounds, measures binary size, cold builds and the axios
// baseline, and prints one table of ratios with each target's verdict.
// Ratios from one run are the figure; absolute times on a shared machine
// are noise.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/halopsa-go/halopsa/bench"
)

var (
	rounds    = flag.Int("rounds", 3, "benchmark rounds (medians are reported)")
	benchtime = flag.String("benchtime", "1s", "-test.benchtime per benchmark per round")
	seconds   = flag.Float64("seconds", 4, "duration of each load-generator run")
	quick     = flag.Bool("quick", false, "skip the cold builds and the axios comparison")
	out       = flag.String("out", "", "also write the table to this file")
)

type row struct {
	what, value, target, verdict string
}

var rows []row

func add(what, value, target string, ok *bool) {
	v := "info"
	if ok != nil {
		v = map[bool]string{true: "met", false: "NOT met"}[*ok]
	}
	rows = append(rows, row{what, value, target, v})
}

func check(b bool) *bool { return &b }

func main() {
	flag.Parse()
	start := time.Now()
	tmp, err := os.MkdirTemp("", "halopsa-bench")
	die(err)
	tmpDir = tmp
	defer os.RemoveAll(tmp)

	benchmarks(tmp)
	sizes(tmp)
	if !*quick {
		coldBuilds(tmp)
		axios(tmp)
	}

	var buf bytes.Buffer
	fmt.Fprintf(&buf, "| Comparison | Result | Target | |\n|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&buf, "| %s | %s | %s | %s |\n", r.what, r.value, r.target, r.verdict)
	}
	fmt.Fprintf(&buf, "\n%s, %d rounds of %s, medians; %s in all.\n", machine(), *rounds, *benchtime, time.Since(start).Round(time.Second))
	os.Stdout.Write(buf.Bytes())
	if *out != "" {
		die(os.WriteFile(*out, buf.Bytes(), 0o644))
	}
}

// tmpDir holds the build caches and binaries; die removes it, since
// os.Exit skips deferred calls.
var tmpDir string

func die(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/run:", err)
		if tmpDir != "" {
			os.RemoveAll(tmpDir)
		}
		os.Exit(1)
	}
}

func run(dir string, env []string, name string, args ...string) (string, *syscall.Rusage, time.Duration) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	t := time.Now()
	if err := cmd.Run(); err != nil {
		die(fmt.Errorf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String()))
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	return stdout.String(), ru, time.Since(t)
}

func progress(format string, a ...any) { fmt.Fprintf(os.Stderr, "bench/run: "+format+"\n", a...) }

// ---- benchmarks ----

// results holds every metric of every benchmark, one value per round.
var results = map[string]map[string][]float64{}

func benchmarks(tmp string) {
	bin := filepath.Join(tmp, "bench.test")
	progress("building the benchmarks")
	run(".", nil, "go", "test", "-c", "-o", bin, "./bench")
	for r := 1; r <= *rounds; r++ {
		progress("benchmark round %d of %d", r, *rounds)
		outText, _, _ := run("bench", nil, bin, "-test.run", "^$", "-test.bench", ".", "-test.benchmem", "-test.benchtime", *benchtime)
		sc := bufio.NewScanner(strings.NewReader(outText))
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
				continue
			}
			name := strings.TrimPrefix(f[0], "Benchmark")
			if i := strings.LastIndex(name, "-"); i > 0 {
				name = name[:i]
			}
			if results[name] == nil {
				results[name] = map[string][]float64{}
			}
			for i := 2; i+1 < len(f); i += 2 {
				v, err := strconv.ParseFloat(f[i], 64)
				if err == nil {
					results[name][f[i+1]] = append(results[name][f[i+1]], v)
				}
			}
		}
	}
	m := func(name, unit string) float64 {
		vs := append([]float64(nil), results[name][unit]...)
		if len(vs) == 0 {
			die(fmt.Errorf("no %s for %s", unit, name))
		}
		sort.Float64s(vs)
		return vs[len(vs)/2]
	}
	// Everything below is measured on fixtures in Halo's own format (see
	// bench/fixtures.go), except the rows that name the older fixture.
	client, same := m("GetByID/client", "ns/op"), m("GetByID/nethttp-same-decoder", "ns/op")
	floor, std := m("GetByID/nethttp-readall", "ns/op"), m("GetByID/nethttp-encodingjson", "ns/op")
	add("GET 15 KB ticket: client vs net/http + io.ReadAll (speed)", fmt.Sprintf("%.2f× (%.0f vs %.0f µs)", floor/client, client/1e3, floor/1e3), "≥ 0.8×", check(floor/client >= 0.8))
	add("GET 15 KB ticket: client vs net/http + the same decoder (time)", fmt.Sprintf("%.2f× (%.0f vs %.0f µs)", client/same, client/1e3, same/1e3), "≤ 1.10×", check(client/same <= 1.10))
	extra := m("GetByID/client", "allocs/op") - m("GetByID/nethttp-same-decoder", "allocs/op")
	add("GET 15 KB ticket: extra allocations per call", fmt.Sprintf("%+.0f (%.0f vs %.0f)", extra, m("GetByID/client", "allocs/op"), m("GetByID/nethttp-same-decoder", "allocs/op")), "≤ 8", check(extra <= 8))
	add("GET 15 KB ticket: net/http + encoding/json vs client", fmt.Sprintf("%.2f× slower", std/client), "", nil)
	ours, structs, maps := m("DecodeList/halo/halopsa", "MB/s"), m("DecodeList/halo/encodingjson-structs", "MB/s"), m("DecodeList/halo/encodingjson-map", "MB/s")
	add("Decode 500-ticket list (2.2 MB): vs encoding/json into the same structs", fmt.Sprintf("%.2f× (%.0f vs %.0f MB/s)", ours/structs, ours, structs), "≥ 5×", check(ours/structs >= 5))
	add("Decode 500-ticket list: vs encoding/json into map[string]any", fmt.Sprintf("%.2f× (%.0f vs %.0f MB/s)", ours/maps, ours, maps), "≥ 4×", check(ours/maps >= 4))
	perRecord := m("DecodeList/halo/halopsa", "allocs/op") / 500
	add("Decode 500-ticket list: allocations per ticket", fmt.Sprintf("%.1f (encoding/json: %.0f)", perRecord, m("DecodeList/halo/encodingjson-structs", "allocs/op")/500),
		fmt.Sprintf("≤ %.1f (before issue 13)", allocsPerTicketBefore), check(perRecord <= allocsPerTicketBefore))
	eOurs, eStructs := m("DecodeList/encoded/halopsa", "MB/s"), m("DecodeList/encoded/encodingjson-structs", "MB/s")
	add("Decode 500-ticket list, older fixture (our encoder's output): vs encoding/json into the same structs", fmt.Sprintf("%.2f× (%.0f vs %.0f MB/s), %.1f allocations per ticket", eOurs/eStructs, eOurs, eStructs, m("DecodeList/encoded/halopsa", "allocs/op")/500), "", nil)
	walk, walkRaw := m("PagedWalk/client", "MB/s"), m("PagedWalk/nethttp-readall", "MB/s")
	add("Paged walk of 10,000 tickets in pages of 500: client vs net/http + io.ReadAll of the same pages (speed)", fmt.Sprintf("%.2f× (%.0f vs %.0f MB/s)", walk/walkRaw, walk, walkRaw), "≥ 0.5×", check(walk/walkRaw >= 0.5))
	pc, pr := m("ParallelGet/client", "ns/op"), m("ParallelGet/nethttp-readall", "ns/op")
	add("64 goroutines GET by id: client vs net/http + io.ReadAll (requests/s)", fmt.Sprintf("%.2f× (%.0f vs %.0f req/s)", pr/pc, 1e9/pc, 1e9/pr), "", nil)
	add("Heap kept per decoded list ticket", fmt.Sprintf("%.0f B (JSON: %.0f B)", m("Heap/bytes-per-list-ticket", "B/ticket"), m("Heap/bytes-per-list-ticket", "json-B/ticket")), "", nil)
	live, page := m("Heap/paged-walk-10k", "live-MB"), m("Heap/paged-walk-10k", "page-json-MB")
	add("Paged walk of 10,000 tickets: live heap", fmt.Sprintf("%.2f MB (one page of JSON: %.2f MB)", live, page), "about one page (≤ 3 pages)", check(live <= 3*page))
	add(fmt.Sprintf("Soak: %.0f calls with cancellations, broken walks, capped bodies: live heap, goroutines", m("Soak", "calls")), fmt.Sprintf("%.2f → %.2f MB, %.0f → %.0f", m("Soak", "heap-start-MB"), m("Soak", "heap-end-MB"), m("Soak", "goroutines-start"), m("Soak", "goroutines-end")), "flat (≤ +1 MB, no goroutine more)", check(m("Soak", "heap-end-MB") <= m("Soak", "heap-start-MB")+1 && m("Soak", "goroutines-end") <= m("Soak", "goroutines-start")))
}

// allocsPerTicketBefore is what decoding a 500-ticket page in Halo's format
// allocated per ticket before issue 13's work (commit 7bd9e32, which tried
// time.Parse layouts in turn): the count the issue asks to hold or lower.
const allocsPerTicketBefore = 79.8

// ---- binary size ----

func sizes(tmp string) {
	progress("building the size programs")
	size := func(pkg string) int64 {
		bin := filepath.Join(tmp, filepath.Base(pkg))
		run(".", nil, "go", "build", "-o", bin, pkg)
		st, err := os.Stat(bin)
		die(err)
		return st.Size()
	}
	one, plain := size("./bench/sizes/onemethod"), size("./bench/sizes/plain")
	d := float64(one-plain) / 1e6
	add("Binary: one method (GetTicketsByID) vs plain net/http + encoding/json", fmt.Sprintf("+%.2f MB (%.1f vs %.1f MB)", d, float64(one)/1e6, float64(plain)/1e6), "≤ +1.1 MB", check(d <= 1.1))
}

// ---- cold builds ----

func coldBuilds(tmp string) {
	// Cold: an empty build cache of our own, so the user's is left alone.
	progress("cold build of the package and everything it needs")
	cache := filepath.Join(tmp, "cache-full")
	_, ru, wall := run(".", []string{"GOCACHE=" + cache}, "go", "build", ".")
	add("Cold build, standard library included (empty cache)", fmt.Sprintf("%.0f s, %.2f GB peak RSS", wall.Seconds(), float64(ru.Maxrss)/1e6), "", nil)

	progress("cold build of the package alone")
	cache = filepath.Join(tmp, "cache-pkg")
	deps, _, _ := run(".", nil, "go", "list", "-deps", ".")
	var others []string
	for _, p := range strings.Fields(deps) {
		if p != "github.com/halopsa-go/halopsa" {
			others = append(others, p)
		}
	}
	run(".", []string{"GOCACHE=" + cache}, "go", append([]string{"build"}, others...)...)
	_, ru, wall = run(".", []string{"GOCACHE=" + cache}, "go", "build", ".")
	gb := float64(ru.Maxrss) / 1e6
	add("Cold build of package halopsa (its dependencies built)", fmt.Sprintf("%.0f s, %.2f GB peak RSS", wall.Seconds(), gb), "≤ 40 s, ≤ 2 GB", check(wall.Seconds() <= 40 && gb <= 2))
}

// ---- axios ----

type load struct {
	Ops     int     `json:"ops"`
	Seconds float64 `json:"seconds"`
	rss     float64 // MB
}

func (l load) rate() float64 { return float64(l.Ops) / l.Seconds }

func axios(tmp string) {
	if _, err := exec.LookPath("node"); err != nil {
		add("axios comparison", "skipped: node not found", "", nil)
		return
	}
	if _, err := os.Stat("bench/node/node_modules/axios"); err != nil {
		progress("installing axios with npm")
		run("bench/node", nil, "npm", "install", "--no-audit", "--no-fund", "--silent")
	}
	srv := bench.NewServer().Start()
	defer srv.Close()
	gen := filepath.Join(tmp, "loadgen")
	run(".", nil, "go", "build", "-o", gen, "./bench/cmd/loadgen")
	secs := strconv.FormatFloat(*seconds, 'f', -1, 64)
	measure := func(name string, args ...string) load {
		o, ru, _ := run(".", nil, name, args...)
		var l load
		die(json.Unmarshal([]byte(strings.TrimSpace(o)), &l))
		l.rss = float64(ru.Maxrss) / 1e3
		return l
	}
	results := map[string][2]load{}
	for _, mode := range []string{"get", "list"} {
		progress("axios and the client, %s", mode)
		node := measure("node", "bench/node/axios-bench.js", srv.URL, mode, secs)
		goLoad := measure(gen, "-url", srv.URL, "-mode", mode, "-seconds", secs)
		results[mode] = [2]load{goLoad, node}
	}
	g, l := results["get"], results["list"]
	add("vs axios (Halo's TypeScript client's stack): GETs/s", fmt.Sprintf("%.1f× (%.0f vs %.0f/s)", g[0].rate()/g[1].rate(), g[0].rate(), g[1].rate()), "≥ 2×", check(g[0].rate()/g[1].rate() >= 2))
	add("vs axios: 500-ticket lists/s", fmt.Sprintf("%.1f× (%.1f vs %.1f/s)", l[0].rate()/l[1].rate(), l[0].rate(), l[1].rate()), "≥ 3×", check(l[0].rate()/l[1].rate() >= 3))
	ours, theirs := max(g[0].rss, l[0].rss), max(g[1].rss, l[1].rss)
	add("vs axios: peak RSS", fmt.Sprintf("1/%.1f (%.0f vs %.0f MB)", theirs/ours, ours, theirs), "≤ 1/4", check(ours <= theirs/4))
}

func machine() string {
	o, err := exec.Command("go", "env", "GOVERSION", "GOOS", "GOARCH").Output()
	f := strings.Fields(string(o))
	cpus := strconv.Itoa(numCPU())
	if err != nil || len(f) < 3 {
		return cpus + " CPUs"
	}
	return fmt.Sprintf("%s %s/%s, %s CPUs", f[0], f[1], f[2], cpus)
}

package gen

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// DefaultSpec is where the spec is read from when -spec and $HALOPSA_SPEC
// are both empty: the team's shared copy next to the repository.
const DefaultSpec = "../shared/spec/halopsa-openapi.json"

// Options configure one generator run.
type Options struct {
	Spec    string // path or http(s) URL
	Overlay string // path; "" for none
	Package string
	Out     string // directory; "" to only return the files
	Log     io.Writer
	Verbose bool
}

// SpecSource resolves the spec location: flag, then $HALOPSA_SPEC, then DefaultSpec.
func SpecSource(flag string) string {
	if flag != "" {
		return flag
	}
	if env := os.Getenv("HALOPSA_SPEC"); env != "" {
		return env
	}
	return DefaultSpec
}

// Run loads the spec and overlay, builds the API and renders it. When
// opts.Out is set the files are written there.
func Run(ctx context.Context, opts Options) (*API, map[string][]byte, error) {
	spec, err := LoadSpec(ctx, opts.Spec)
	if err != nil {
		return nil, nil, err
	}
	var ov *Overlay
	if opts.Overlay != "" {
		if ov, err = LoadOverlay(opts.Overlay); err != nil {
			return nil, nil, err
		}
	}
	api, err := Build(spec, ov)
	if err != nil {
		return nil, nil, err
	}
	pkg := opts.Package
	if pkg == "" {
		pkg = "halopsa"
	}
	files, err := Emit(api, pkg)
	if err != nil {
		return nil, nil, err
	}
	if opts.Out != "" {
		if err := WriteFiles(opts.Out, files); err != nil {
			return nil, nil, err
		}
	}
	if opts.Log != nil {
		api.Report(opts.Log, opts.Verbose)
	}
	return api, files, nil
}

// Report prints what was generated: counts, response typing, and the
// spec's defects that were worked around (all of them with verbose).
func (api *API) Report(w io.Writer, verbose bool) {
	schemas := 0
	for _, t := range api.Types {
		if t.Synthesized == "" {
			schemas++
		}
	}
	fmt.Fprintf(w, "halopsa-gen: %s %s: %d sections, %d operations, %d schema types (+%d made up: list wrappers, Record)\n",
		api.Title, api.Version, len(api.Sections), len(api.Ops), schemas, len(api.Types)-schemas)
	fmt.Fprintf(w, "response types (rule: operations):\n")
	for _, src := range RespSources {
		fmt.Fprintf(w, "  %-40s %4d\n", src, api.RespCounts[src])
	}
	untypedGets, iters, rawIters := api.Untyped()
	fmt.Fprintf(w, "untyped GET operations: %d; paged-list iterators: %d, of which yield raw JSON: %d\n", untypedGets, iters, rawIters)
	lazy, getters, clashes := 0, 0, 0
	for _, t := range api.Types {
		for _, f := range t.Fields {
			if f.T.Lazy {
				lazy++
			}
			if f.Getter != "" {
				getters++
				if f.Getter != "Get"+f.Name {
					clashes++
				}
			}
		}
	}
	fmt.Fprintf(w, "%d aliases; %d getters (%d renamed to avoid a field); %d id properties typed number made int\n",
		len(api.Aliases), getters, clashes, api.IDsAsInt)
	fmt.Fprintf(w, "%d record types are Lazy where nested: %d fields are Lazy or LazyList\n", api.LazyTypes, lazy)
	kinds := map[string]int{}
	for _, wmsg := range api.Warnings {
		kinds[warningKind(wmsg)]++
	}
	keys := make([]string, 0, len(kinds))
	for k := range kinds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(w, "worked around %d spec defects and notes:\n", len(api.Warnings))
	for _, k := range keys {
		fmt.Fprintf(w, "  %-40s %4d\n", k, kinds[k])
	}
	if verbose {
		for _, wmsg := range api.Warnings {
			fmt.Fprintln(w, "  "+wmsg)
		}
	}
}

// Untyped counts the GET operations whose result is untyped, the paged-list
// iterators, and the iterators that yield raw JSON.
func (api *API) Untyped() (gets, iterators, rawIterators int) {
	for _, op := range api.Ops {
		if op.Method == "GET" && op.Resp.Kind == RespRaw {
			gets++
		}
		if op.AllName != "" {
			iterators++
			if op.Resp.Kind == RespRaw {
				rawIterators++
			}
		}
	}
	return gets, iterators, rawIterators
}

func warningKind(msg string) string {
	for _, k := range []struct{ substr, kind string }{
		{"declared twice", "duplicate parameter"},
		{"overlay", "overlay entry not applied"},
		{"Go name", "schema name clash"},
		{"property", "property name clash"},
		{"method name", "method name clash"},
		{"parameter", "parameter name clash"},
		{"enum", "bad enum value"},
		{"list wrapper", "ambiguous list wrapper"},
		{"contain themselves", "recursive record map kept raw"},
		{"lazy:", "lazy pin differs from the rule"},
		{"records typed", "section records: POST body beats name"},
		{"getter", "getter name clash"},
		{"alias", "alias not applied"},
	} {
		if strings.Contains(msg, k.substr) {
			return k.kind
		}
	}
	return "other"
}

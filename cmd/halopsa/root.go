package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/halopsa-go/halopsa"
	"github.com/spf13/cobra"
)

// app holds the global flags and the environment of one run.
type app struct {
	*env
	output       string
	fields       []string
	profile      string
	configPath   string
	errorsFormat string
	retry        bool
	rateLimit    string
	timeout      time.Duration
	debug        bool
}

// Output formats.
const (
	outJSON  = "json"
	outJSONL = "jsonl"
	outTable = "table"
)

func init() { indexOps() }

// run runs the command line args and returns the exit code.
func run(ctx context.Context, args []string, e *env) int {
	a := &app{env: e, errorsFormat: errorsFormatOf(args)}
	root := a.newRoot(args)
	root.SetArgs(args)
	root.SetIn(e.stdin)
	root.SetOut(e.stdout)
	root.SetErr(e.stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return 0
	}
	return a.report(cmd, err)
}

// errorsFormatOf finds --errors in args before they are parsed: a usage
// error can stop parsing before the flag is read.
func errorsFormatOf(args []string) string {
	for i, arg := range args {
		switch {
		case arg == "--":
			return "text"
		case arg == "--errors" && i+1 < len(args):
			return args[i+1]
		case strings.HasPrefix(arg, "--errors="):
			return strings.TrimPrefix(arg, "--errors=")
		}
	}
	return "text"
}

// newRoot builds the command tree. Every section is a command, but the
// operations (and their flags) are built only for the sections args names
// (any argument equal to a section's name: a flag's value that happens to
// be one only builds a section more). Building all of them takes 13 ms
// (BenchmarkBuildEveryCommand), six times all of --help's own work, on
// every run, shell completion's included.
func (a *app) newRoot(args []string) *cobra.Command {
	root := &cobra.Command{
		Use:   "halopsa",
		Short: "Call every operation of the HaloPSA API, from a shell or an AI agent",
		Long: `halopsa calls every operation of the HaloPSA API (` + specTitle + ` ` + specVersion + `): each section is a
command, each operation a subcommand, each parameter a flag.

  halopsa tickets get-by-id --id 123
  halopsa tickets list --client-id 12 -o table --fields id,summary,status_id
  halopsa tickets post --body '{"summary": "Printer offline", "client_id": 12}'
  halopsa api GET /Tickets -q count=5
  halopsa mcp

Credentials: HALO_COMPANY_URL, HALO_API_CLIENT_ID, HALO_API_CLIENT_SECRET and
HALO_TENANT (if your tenant needs it), or --profile NAME from the config file
(` + "$HALOPSA_CONFIG" + `, else config.json in your config directory's halopsa folder).
Exit codes: 0 success, 1 an API, network or auth error, 2 a usage error.`,
		SilenceErrors:     true,
		SilenceUsage:      true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return a.checkGlobals() },
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &inputError{err.Error()} })
	pf := root.PersistentFlags()
	pf.StringVarP(&a.output, "output", "o", "", "output format: json (default; indented on a terminal), jsonl (one record a line; the default for list) or table")
	pf.StringSliceVar(&a.fields, "fields", nil, "fields to print with -o table or -o jsonl, by Halo's names (id,summary,client.name)")
	pf.StringVar(&a.profile, "profile", a.getenv("HALOPSA_PROFILE"), "profile of the config file to use (default $HALOPSA_PROFILE)")
	pf.StringVar(&a.configPath, "config", "", "config file (default $HALOPSA_CONFIG, else halopsa/config.json in your config directory)")
	pf.StringVar(&a.errorsFormat, "errors", a.errorsFormat, "how errors are written to stderr: text or json")
	pf.BoolVar(&a.retry, "retry", false, "retry connection failures (a POST is never sent twice)")
	pf.StringVar(&a.rateLimit, "rate-limit", "", "client-side request budget, e.g. 300/5m")
	pf.DurationVar(&a.timeout, "timeout", 0, "bound on each HTTP attempt (default 20s)")
	pf.BoolVar(&a.debug, "debug", false, "log every request to stderr (secrets are never logged)")
	_ = root.RegisterFlagCompletionFunc("output", fixedCompletion(outJSON, outJSONL, outTable))
	_ = root.RegisterFlagCompletionFunc("errors", fixedCompletion("text", "json"))
	_ = root.RegisterFlagCompletionFunc("profile", func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return a.profileNames(), cobra.ShellCompDirectiveNoFileComp
	})

	root.AddGroup(&cobra.Group{ID: "sections", Title: "Sections of the API (halopsa SECTION --help lists its operations):"},
		&cobra.Group{ID: "tools", Title: "Other commands:"})
	root.SetHelpCommandGroupID("tools")
	root.SetCompletionCommandGroupID("tools")
	root.AddCommand(a.apiCommand(), a.fakeCommand(), a.mcpCommand(), a.versionCommand())
	for _, c := range root.Commands() {
		c.GroupID = "tools"
	}
	named := map[string]bool{}
	for _, arg := range args {
		named[arg] = true
	}
	for i := range sections {
		s := &sections[i]
		sc := a.sectionCommand(s)
		if named[s.name] {
			a.addOperations(sc, s)
		}
		root.AddCommand(sc)
	}
	return root
}

func fixedCompletion(values ...string) cobra.CompletionFunc {
	return func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// checkGlobals validates the global flags once they are parsed.
func (a *app) checkGlobals() error {
	switch a.output {
	case "", outJSON, outJSONL, outTable:
	default:
		return inputErrorf("-o %s: the output format is json, jsonl or table", a.output)
	}
	switch a.errorsFormat {
	case "text", "json":
	default:
		return inputErrorf("--errors %s: errors are written as text or json", a.errorsFormat)
	}
	if a.rateLimit != "" {
		if _, err := parseRateLimit(a.rateLimit); err != nil {
			return inputErrorf("--rate-limit %s: %v", a.rateLimit, err)
		}
	}
	if a.timeout < 0 {
		return inputErrorf("--timeout %s: must not be negative", a.timeout)
	}
	return nil
}

func (a *app) sectionCommand(s *section) *cobra.Command {
	n := len(s.ops)
	what := "operations"
	if n == 1 {
		what = "operation"
	}
	return &cobra.Command{
		Use:     s.name,
		Short:   fmt.Sprintf("%d %s under /%s", n, what, s.wire),
		Long:    fmt.Sprintf("The %d %s under /%s of Halo's API (in Go: halo.%s).", n, what, s.wire, s.field),
		GroupID: "sections",
		Args:    cobra.NoArgs,
		RunE:    func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
}

// addOperations adds the commands of a section's operations.
func (a *app) addOperations(sc *cobra.Command, s *section) {
	for i := range s.ops {
		op := &s.ops[i]
		sc.AddCommand(a.opCommand(op, false))
		if op.all != nil {
			sc.AddCommand(a.opCommand(op, true))
		}
	}
}

// opCommand is the command of an operation, or with isList of its
// iterator over every page.
func (a *app) opCommand(op *operation, isList bool) *cobra.Command {
	vals := newArgs(op)
	name, short := op.name, op.summary
	if isList {
		name, short = op.listName, "Every record of "+op.name+", page after page (as jsonl by default)"
	}
	use := name
	var pathFlags []string
	for _, p := range op.params {
		if p.in == inPath {
			use += " [" + strings.ToUpper(p.flag) + "]"
			pathFlags = append(pathFlags, p.flag)
		}
	}
	var body string
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Long:  opLong(op, isList),
		Args:  cobra.MaximumNArgs(len(pathFlags)),
		RunE: func(cmd *cobra.Command, positional []string) error {
			if err := a.setPositional(cmd, vals, positional); err != nil {
				return err
			}
			if cmd.Flags().Changed("body") {
				b, err := a.readBody(body)
				if err != nil {
					return err
				}
				vals.body = b
			}
			if isList {
				return a.runList(cmd.Context(), vals)
			}
			return a.runOp(cmd.Context(), vals)
		},
	}
	fs := cmd.Flags()
	fs.SortFlags = false
	for i, p := range op.params {
		if isList && op.paging != nil && (i == op.paging.pageinate || i == op.paging.pageNo) {
			continue // the iterator sets them
		}
		usage := flagUsage(p)
		f := fs.VarPF(&paramValue{a: vals, i: i, stdin: a.stdin}, p.flag, "", usage)
		if p.kind == kBool {
			f.NoOptDefVal = "true"
		}
	}
	if op.body == bodyJSON || op.body == bodyRecords {
		what := "JSON"
		if op.body == bodyRecords {
			what = "a JSON array of records (one object is a list of one)"
		}
		fs.StringVar(&body, "body", "", "request body: "+what+", inline, from a file, or - for stdin")
	}
	return cmd
}

// flagUsage is a parameter's help line: Halo's description without its
// leading "(type)", which the flag's type shows.
func flagUsage(p param) string {
	doc := p.doc
	if strings.HasPrefix(doc, "(") {
		if i := strings.Index(doc, ")"); i > 0 && i < 20 {
			doc = strings.TrimSpace(doc[i+1:])
		}
	}
	var notes []string
	if p.required {
		notes = append(notes, "required")
	}
	if p.in == inPath {
		notes = append(notes, "path")
	}
	if p.wire != strings.ReplaceAll(p.flag, "-", "_") && p.in != inPath {
		notes = append(notes, "Halo's "+p.wire)
	}
	if len(notes) > 0 {
		if doc != "" {
			doc += " "
		}
		doc += "(" + strings.Join(notes, "; ") + ")"
	}
	return doc
}

// opLong is an operation's help text.
func opLong(op *operation, isList bool) string {
	var b strings.Builder
	if isList {
		fmt.Fprintf(&b, "Every record of %s %s (%s), page after page: the pages are\nasked for and walked by the library's iterator (%sAll), each record printed once.\n", op.method, op.path, op.summary, op.goName)
		b.WriteString("A --page-size you set is the page size asked for; Halo may cap it.\n")
	} else {
		b.WriteString(op.summary + ".\n")
		if op.doc != "" {
			b.WriteString("\n" + op.doc + "\n")
		}
	}
	fmt.Fprintf(&b, "\n  %s %s\n  Go: halo.%s.%s\n", op.method, op.path, op.sectionField, op.goName)
	if op.body != bodyNone {
		fmt.Fprintf(&b, "  Body: %s\n", op.bodyType())
	}
	fmt.Fprintf(&b, "  Result: %s\n", op.resultType())
	if op.writes() {
		b.WriteString("\nThis operation changes data in Halo.\n")
	}
	return b.String()
}

// setPositional takes positional arguments as the path parameters, in the
// order of the path.
func (a *app) setPositional(cmd *cobra.Command, vals *args, positional []string) error {
	k := 0
	for i, p := range vals.op.params {
		if p.in != inPath || k >= len(positional) {
			continue
		}
		if cmd.Flags().Changed(p.flag) {
			return inputErrorf("%s given both as --%s and as an argument", strings.ToUpper(p.flag), p.flag)
		}
		v, err := parseValue(p.kind, positional[k], nil)
		if err != nil {
			return inputErrorf("argument %q for %s: %v", positional[k], strings.ToUpper(p.flag), err)
		}
		vals.values[i] = v
		k++
	}
	return nil
}

// paramValue is the flag of one parameter: it parses into args.values.
type paramValue struct {
	a     *args
	i     int
	stdin io.Reader // for a file parameter given as -
}

func (v *paramValue) String() string {
	if x := v.a.values[v.i]; x != nil {
		return fmt.Sprint(x)
	}
	return ""
}

func (v *paramValue) Set(s string) error {
	p := v.a.op.params[v.i]
	if p.kind == kFile {
		f, err := readFile(s, v.stdin)
		if err != nil {
			return err
		}
		v.a.values[v.i] = f
		return nil
	}
	x, err := parseValue(p.kind, s, v.a.values[v.i])
	if err != nil {
		return err
	}
	v.a.values[v.i] = x
	return nil
}

func (v *paramValue) Type() string {
	k := v.a.op.params[v.i].kind
	if k == kBool {
		return "bool"
	}
	return k.String()
}

// parseValue parses one command-line value of a parameter; prev is the
// value so far, to which repeated list flags add.
func parseValue(kind paramKind, s string, prev any) (any, error) {
	switch kind {
	case kString:
		return s, nil
	case kInt:
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, errors.New("not an integer")
		}
		return n, nil
	case kInt64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, errors.New("not an integer")
		}
		return n, nil
	case kFloat:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, errors.New("not a number")
		}
		return f, nil
	case kBool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, errors.New("not true or false")
		}
		return b, nil
	case kTime:
		return parseTime(s)
	case kInts:
		out, _ := prev.([]int)
		for _, part := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(part))
			if err != nil {
				return nil, fmt.Errorf("%q is not an integer (a list is 1,2,3)", part)
			}
			out = append(out, n)
		}
		return out, nil
	case kStrings:
		out, _ := prev.([]string)
		return append(out, strings.Split(s, ",")...), nil
	case kPairs:
		k, val, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return nil, errors.New("not key=value")
		}
		out, _ := prev.([]pair)
		for i := range out {
			if *out[i].key == k {
				out[i].values = append(out[i].values, val)
				return out, nil
			}
		}
		return append(out, pair{key: &k, values: []string{val}}), nil
	}
	return nil, fmt.Errorf("unknown parameter kind %d", kind)
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the versions of this tool and of the API spec it was built from",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(a.stdout, "halopsa %s (spec: %s %s)\n", halopsa.Version, specTitle, specVersion)
			return nil
		},
	}
}

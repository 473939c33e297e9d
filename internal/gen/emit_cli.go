package gen

import (
	"bytes"
	"fmt"
	"strings"
)

// The command-line tool (cmd/halopsa) is generated from the same API model
// as the library: one table entry per operation (its command name, flags,
// documentation and types) and a small function per operation that fills
// the library's params struct from parsed flag values and calls the typed
// method. The types these entries use (section, operation, param, args,
// result and the helpers opt, req, list, ...) are hand-written in
// cmd/halopsa/table.go.

// fileCLI is the CLI's generated table.
const fileCLI = "cmd/halopsa/ops_gen.go"

// libraryImport is the import path of the generated library, as the CLI
// sees it.
const libraryImport = "github.com/halopsa-go/halopsa"

// cliImports are the imports the CLI's file may need (unused ones are
// dropped).
var cliImports = []string{"context", "encoding/json", "reflect", libraryImport}

// cliCommands are the CLI's own top-level commands: a section named like
// one gets the suffix "-section".
var cliCommands = []string{"api", "fake", "mcp", "completion", "help", "version"}

// cliGlobalFlags are the flags every command of the CLI has (and --body,
// which every operation with a JSON body has): a parameter whose flag would
// take one of these names is named after where it goes instead
// (--query-debug). The CLI checks its own flags against this list.
var cliGlobalFlags = []string{
	"help", "output", "fields", "profile", "errors", "retry", "rate-limit",
	"timeout", "debug", "body", "config",
}

// opCommand is an operation's command name: its method name without the
// section, in kebab case, the verb kept (GetTicketsByID -> get-by-id,
// PostActionsReview -> post-review).
func opCommand(op *Op) string {
	verb := methodConst(op.Method)
	rest := strings.TrimPrefix(op.Name, verb)
	if rest == op.Name {
		return Kebab(op.Name)
	}
	rest = strings.TrimPrefix(rest, op.Section.Field)
	return Kebab(verb + rest)
}

// listCommand names the command that walks every page of op: its command
// name with "list" for the verb (get -> list, get-foo -> list-foo).
func listCommand(cmd string) string {
	if rest, ok := strings.CutPrefix(cmd, "get"); ok {
		return "list" + rest
	}
	return "list-" + cmd
}

// cliParam is one flag of an operation: a path, query or form parameter.
type cliParam struct {
	flag, wire, field, in, kind, doc string
	required                         bool
	setter                           string // how the params builder fills it
}

var cliParamKind = map[ParamKind]string{
	PString: "kString", PInt: "kInt", PInt64: "kInt64", PFloat: "kFloat",
	PBool: "kBool", PTime: "kTime", PInts: "kInts", PStrings: "kStrings",
}

// cliParams lists op's flags, named uniquely within the operation.
func cliParams(op *Op) []*cliParam {
	names := newUniqueNamer(cliGlobalFlags...)
	name := func(field, in string) string {
		f := Kebab(field)
		if hasString(cliGlobalFlags, f) {
			f = in + "-" + f
		}
		n, _ := names.claim(f, field)
		return n
	}
	var out []*cliParam
	add := func(p *Param) {
		setter := "opt"
		switch t := p.goType(); {
		case strings.HasPrefix(t, "[]"):
			setter = "list"
		case !strings.HasPrefix(t, "*"):
			setter = "req"
		}
		out = append(out, &cliParam{flag: name(p.Name, p.In), wire: p.Wire, field: p.Name, in: "in" + upperFirst(p.In),
			kind: cliParamKind[p.Kind], doc: p.Doc, required: p.Required || p.In == "path", setter: setter})
	}
	for _, p := range op.PathParams {
		add(p)
	}
	for _, p := range op.Query {
		add(p)
	}
	if op.Body != nil && op.Body.Form != nil {
		for _, ff := range op.Body.Form.Fields {
			cp := &cliParam{flag: name(ff.Name, "form"), wire: ff.Wire, field: ff.Name, in: "inForm", kind: "kString", setter: "opt"}
			switch {
			case ff.File:
				cp.kind, cp.doc = "kFile", "A file to upload (a path; - for stdin)."
			case ff.Pairs:
				cp.kind, cp.setter, cp.doc = "kPairs", "pairs", "A key=value pair, sent as a form field; repeat the flag for more (the same key again adds a value)."
			}
			out = append(out, cp)
		}
	}
	return out
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// emitCLI writes the CLI's table: every section with its operations.
func emitCLI(api *API, b *bytes.Buffer) {
	types := typeByName(api)
	fmt.Fprintf(b, "// specTitle and specVersion name the spec the table was generated from.\nconst (\n\tspecTitle = %q\n\tspecVersion = %q\n)\n\n", api.Title, api.Version)
	writeList := func(name, doc string, items []string) {
		fmt.Fprintf(b, "// %s\nvar %s = []string{", doc, name)
		for i, s := range items {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(b, "%q", s)
		}
		b.WriteString("}\n\n")
	}
	writeList("reservedFlags", "reservedFlags are the flag names no parameter takes (see internal/gen/emit_cli.go).", cliGlobalFlags)
	writeList("reservedCommands", "reservedCommands are the command names no section takes.", cliCommands)

	secNames := newUniqueNamer(cliCommands...)
	funcs := newUniqueNamer()
	marshalers := map[string]bool{}
	var marshalOrder []string
	marshaler := func(model string) string {
		if !marshalers[model] {
			marshalers[model] = true
			marshalOrder = append(marshalOrder, model)
		}
		return "marshal" + model
	}
	var code bytes.Buffer
	b.WriteString("// sections lists every section of the API, by command name.\nvar sections = []section{\n")
	for _, s := range api.Sections {
		want := Kebab(s.Field)
		sname, _ := secNames.claim(want, s.Wire)
		if sname != want {
			sname = want + "-section"
		}
		fmt.Fprintf(b, "\t{name: %q, field: %q, wire: %q, ops: []operation{\n", sname, s.Field, s.Wire)
		opNames := newUniqueNamer()
		for _, op := range s.Ops {
			cmd, _ := opNames.claim(opCommand(op), op.Name)
			params := cliParams(op)
			summary, doc := op.Doc, ""
			if i := strings.IndexByte(summary, '\n'); i >= 0 {
				summary, doc = summary[:i], summary[i+1:]
			}
			summary = strings.TrimSuffix(summary, ".")
			if summary == "" {
				summary = op.Method + " " + op.Path
			}
			fn, _ := funcs.claim(op.Name, s.Wire)
			fmt.Fprintf(b, "\t\t{\n\t\t\tname: %q, goName: %q, method: %q, path: %q,\n", cmd, op.Name, op.Method, op.Path)
			fmt.Fprintf(b, "\t\t\tsummary: %q,\n", summary)
			if doc != "" {
				fmt.Fprintf(b, "\t\t\tdoc: %q,\n", doc)
			}
			if len(params) > 0 {
				b.WriteString("\t\t\tparams: []param{\n")
				for _, p := range params {
					fmt.Fprintf(b, "\t\t\t\t{flag: %q, wire: %q, field: %q, in: %s, kind: %s", p.flag, p.wire, p.field, p.in, p.kind)
					if p.required {
						b.WriteString(", required: true")
					}
					if p.doc != "" {
						fmt.Fprintf(b, ", doc: %q", p.doc)
					}
					b.WriteString("},\n")
				}
				b.WriteString("\t\t\t},\n")
			}
			if op.Paged {
				idx := [3]int{-1, -1, -1}
				for i, p := range params {
					for j, name := range op.Paging {
						if p.field == name && p.in == "inQuery" {
							idx[j] = i
						}
					}
				}
				fmt.Fprintf(b, "\t\t\tpaging: &paging{pageinate: %d, pageNo: %d, pageSize: %d},\n", idx[0], idx[1], idx[2])
			}
			if op.Body != nil {
				kind := "bodyJSON"
				switch op.Body.Kind {
				case BodyModels:
					kind = "bodyRecords"
				case BodyMultipart:
					kind = "bodyForm"
				}
				fmt.Fprintf(b, "\t\t\tbody: %s, bodyType: reflect.TypeFor[%s],\n", kind, libType(op.Body.GoType))
			}
			fmt.Fprintf(b, "\t\t\tresultType: reflect.TypeFor[%s],\n", libType(op.Resp.GoType()))
			item, key := "", ""
			switch op.Resp.Kind {
			case RespModels:
				item = op.Resp.Model
			case RespList:
				item = op.Resp.Item
			case RespModel:
				if t := types[op.Resp.Model]; t != nil && t.List != nil {
					item, key = t.List.Item, t.List.Key
				}
			}
			if key != "" {
				fmt.Fprintf(b, "\t\t\trecordsKey: %q,\n", key)
			}
			fmt.Fprintf(b, "\t\t\tcall: call%s,\n", fn)
			if op.AllName != "" {
				fmt.Fprintf(b, "\t\t\tlistName: %q, all: all%s,\n", listCommand(cmd), fn)
			}
			b.WriteString("\t\t},\n")

			emitCLIParams(op, fn, params, &code)
			emitCLICall(op, fn, item, key, marshaler, &code)
			if op.AllName != "" {
				recMarshal := "rawRecord"
				iterItem := item
				if op.Resp.Kind == RespRaw {
					iterItem = ""
				}
				if iterItem != "" {
					recMarshal = marshaler(iterItem)
				}
				fmt.Fprintf(&code, "func all%s(ctx context.Context, c *halopsa.Client, a *args, emit func([]byte) error) error {\n", fn)
				fmt.Fprintf(&code, "\tp := params%s(a)\n\tif a.err != nil {\n\t\treturn a.err\n\t}\n", fn)
				fmt.Fprintf(&code, "\treturn each(c.%s.%s(ctx, p), %s, emit)\n}\n\n", s.Field, op.AllName, recMarshal)
			}
		}
		b.WriteString("\t}},\n")
	}
	b.WriteString("}\n\n")
	b.Write(code.Bytes())
	for _, m := range marshalOrder {
		fmt.Fprintf(b, "func marshal%s(r *halopsa.%s) ([]byte, error) { return halopsa.Marshal(r) }\n\n", m, m)
	}
}

// libType qualifies the library's type names in a Go type expression
// ("[]Faults" -> "[]halopsa.Faults", "*List[X]" -> "*halopsa.List[halopsa.X]").
func libType(t string) string {
	var out strings.Builder
	for len(t) > 0 {
		i := 0
		for i < len(t) && (t[i] == '*' || t[i] == '[' || t[i] == ']') {
			i++
		}
		out.WriteString(t[:i])
		t = t[i:]
		j := 0
		for j < len(t) && t[j] != '[' && t[j] != ']' {
			j++
		}
		ident := t[:j]
		t = t[j:]
		switch {
		case ident == "":
		case strings.Contains(ident, ".") || !isExported(ident) || ident == "map":
			out.WriteString(ident)
		default:
			out.WriteString("halopsa." + ident)
		}
	}
	return out.String()
}

func isExported(s string) bool { return s != "" && s[0] >= 'A' && s[0] <= 'Z' }

// emitCLIParams writes params<fn>, which fills op's params struct from the
// parsed flags (errors are kept in a.err).
func emitCLIParams(op *Op, fn string, params []*cliParam, b *bytes.Buffer) {
	fmt.Fprintf(b, "func params%s(a *args) (p halopsa.%s) {\n", fn, op.ParamsType)
	form := op.Body != nil && op.Body.Form != nil
	for i, p := range params {
		if p.in == "inForm" {
			continue
		}
		fmt.Fprintf(b, "\t%s(a, %d, &p.%s)\n", p.setter, i, p.field)
	}
	switch {
	case form:
		fmt.Fprintf(b, "\tif a.formGiven() {\n\t\tp.Body = &halopsa.%s{}\n", op.Body.Form.Name)
		for i, p := range params {
			if p.in != "inForm" {
				continue
			}
			if p.setter == "pairs" {
				var ff *FormField
				for _, f := range op.Body.Form.Fields {
					if f.Name == p.field {
						ff = f
					}
				}
				fmt.Fprintf(b, "\t\tfor _, kv := range pairs(a, %d) {\n\t\t\tp.Body.%s = append(p.Body.%s, halopsa.%s{%s: kv.key, %s: kv.values})\n\t\t}\n",
					i, p.field, p.field, ff.PairsType, ff.PairKey, ff.PairValue)
				continue
			}
			fmt.Fprintf(b, "\t\t%s(a, %d, &p.Body.%s)\n", p.setter, i, p.field)
		}
		b.WriteString("\t}\n")
	case op.Body != nil && op.Body.Kind == BodyModels:
		b.WriteString("\tbodyRecordsOf(a, &p.Body)\n")
	case op.Body != nil:
		b.WriteString("\tbodyOf(a, &p.Body)\n")
	}
	b.WriteString("\treturn p\n}\n\n")
}

// emitCLICall writes call<fn>, which calls op and turns its result into
// JSON: item is the Go type of a list's records, key the wrapper's key of
// its records.
func emitCLICall(op *Op, fn, item, key string, marshaler func(string) string, b *bytes.Buffer) {
	fmt.Fprintf(b, "func call%s(ctx context.Context, c *halopsa.Client, a *args) (*result, error) {\n", fn)
	fmt.Fprintf(b, "\tp := params%s(a)\n\tif a.err != nil {\n\t\treturn nil, a.err\n\t}\n", fn)
	if op.ManyName != "" {
		// The method takes one record; its companion any number.
		fmt.Fprintf(b, "\tif len(p.Body) > 1 {\n\t\tout, err := c.%s.%s(ctx, p)\n\t\tif err != nil {\n\t\t\treturn nil, err\n\t\t}\n\t\treturn recordsResult(out, %s)\n\t}\n",
			op.Section.Field, op.ManyName, marshaler(op.Resp.Model))
	}
	fmt.Fprintf(b, "\tout, err := c.%s.%s(ctx, p)\n\tif err != nil {\n\t\treturn nil, err\n\t}\n", op.Section.Field, op.Name)
	switch op.Resp.Kind {
	case RespModel:
		if key != "" {
			fmt.Fprintf(b, "\tjs, err := halopsa.Marshal(out)\n\treturn pageResult(js, err, %q)\n}\n\n", key)
			return
		}
		b.WriteString("\treturn recordResult(halopsa.Marshal(out))\n}\n\n")
	case RespModels:
		fmt.Fprintf(b, "\treturn recordsResult(out, %s)\n}\n\n", marshaler(item))
	case RespList:
		fmt.Fprintf(b, "\treturn listResult(out.Records, out.RecordCount, out.Key, out.Extra, %s)\n}\n\n", marshaler(item))
	case RespBinary:
		b.WriteString("\treturn binaryResult(out), nil\n}\n\n")
	default:
		b.WriteString("\treturn rawResult(out), nil\n}\n\n")
	}
}

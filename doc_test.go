package halopsa

import (
	"bufio"
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestPackageDocTable checks every row of the package documentation's
// table of sections against the code: the Client field exists, the record
// name is an alias of (or is) the schema's type, and the list method exists
// and yields or returns what the row says.
func TestPackageDocTable(t *testing.T) {
	aliases := apiAliases(t) // alias -> type
	resolve := func(name string) string {
		if target, ok := aliases[name]; ok {
			return target
		}
		return name
	}
	src, err := os.ReadFile("halopsa.go")
	if err != nil {
		t.Fatal(err)
	}
	client := reflect.TypeFor[Client]()
	rows, inTable := 0, false
	for _, line := range strings.Split(string(src), "\n") {
		switch {
		case strings.HasPrefix(line, "//\tHalo's UI"):
			inTable = true
			continue
		case !strings.HasPrefix(line, "//\t"):
			inTable = false
		}
		if !inTable {
			continue
		}
		rows++
		cols := strings.Split(strings.TrimPrefix(line, "//\t"), "  ")
		var fields []string
		for _, c := range cols {
			if c = strings.TrimSpace(c); c != "" {
				fields = append(fields, c)
			}
		}
		if len(fields) != 4 {
			t.Errorf("row %q: %d columns", line, len(fields))
			continue
		}
		section, record, listing := strings.TrimPrefix(fields[1], "halo."), fields[2], fields[3]
		f, ok := client.FieldByName(section)
		if !ok {
			t.Errorf("row %q: Client has no field %s", line, section)
			continue
		}
		alias, schemaPart, _ := strings.Cut(record, " (")
		schemaType := strings.TrimSuffix(schemaPart, ")")
		if resolve(alias) != schemaType { // these schemas' Go names are their names
			t.Errorf("row %q: %s is %s, not Halo's %s", line, alias, resolve(alias), schemaType)
		}
		method, result, _ := strings.Cut(listing, ", ")
		m, ok := f.Type.MethodByName(method)
		if !ok {
			t.Errorf("row %q: %s has no method %s", line, f.Type, method)
			continue
		}
		verb, want, _ := strings.Cut(result, " ")
		out := m.Type.Out(0)
		var got string
		switch verb {
		case "yields": // iter.Seq2[T, error]: func(yield func(T, error) bool)
			got = out.In(0).In(0).Name()
		case "returns":
			got = out.String()
			want = "halopsa." + resolveTypeExpr(want, resolve)
			want = strings.ReplaceAll(strings.ReplaceAll(want, "halopsa.*", "*halopsa."), "halopsa.[]", "[]halopsa.")
			if strings.Contains(want, "List[") {
				inner := want[strings.Index(want, "[")+1 : len(want)-1]
				want = "*halopsa.List[github.com/halopsa-go/halopsa." + strings.TrimPrefix(inner, "halopsa.") + "]"
			}
		default:
			t.Errorf("row %q: %q", line, result)
			continue
		}
		if verb == "yields" {
			want = resolve(want)
		}
		if got != want {
			t.Errorf("row %q: %s %s %s, not %s", line, method, verb, got, want)
		}
	}
	if rows < 20 {
		t.Errorf("%d rows in the table, want 20", rows)
	}
}

// resolveTypeExpr resolves the aliases in a type expression such as
// []AgentListItem or *List[Outcome].
func resolveTypeExpr(expr string, resolve func(string) string) string {
	prefix := ""
	for strings.HasPrefix(expr, "*") || strings.HasPrefix(expr, "[]") {
		n := 1
		if expr[0] == '[' {
			n = 2
		}
		prefix, expr = prefix+expr[:n], expr[n:]
	}
	if name, arg, ok := strings.Cut(expr, "["); ok {
		return prefix + name + "[" + resolve(strings.TrimSuffix(arg, "]")) + "]"
	}
	return prefix + resolve(expr)
}

// apiAliases reads the type aliases from the API snapshot.
func apiAliases(t *testing.T) map[string]string {
	f, err := os.Open("api/halopsa.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "pkg halopsa, type "); ok {
			if name, target, ok := strings.Cut(rest, " = "); ok {
				m[name] = target
			}
		}
	}
	if len(m) == 0 {
		t.Fatal("no aliases in api/halopsa.txt")
	}
	return m
}

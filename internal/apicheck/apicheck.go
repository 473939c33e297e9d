// Package apicheck keeps a checked-in snapshot of the exported API of the
// library's packages (api/*.txt, one line per exported identifier, field and
// method, like the Go project's own api/ files), so that a change to the
// public API is never an accident: TestAPISnapshot fails when the API
// differs from the snapshot, and says what changed. After a deliberate
// change, rewrite the snapshot with
//
//	go test ./internal/apicheck -update
//
// and commit it with the change.
package apicheck

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// Describe loads the package at pattern (an import path) and returns its
// exported API, one sorted line each.
func Describe(dir, pattern string) ([]string, error) {
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes, Dir: dir}
	pkgs, err := packages.Load(cfg, pattern)
	if err != nil {
		return nil, err
	}
	if len(pkgs) != 1 {
		return nil, fmt.Errorf("%s: %d packages", pattern, len(pkgs))
	}
	p := pkgs[0]
	if len(p.Errors) > 0 {
		return nil, fmt.Errorf("%s: %v", pattern, p.Errors[0])
	}
	return describe(p.Types), nil
}

func describe(pkg *types.Package) []string {
	prefix := "pkg " + pkg.Name() + ", "
	qual := func(other *types.Package) string {
		if other == pkg {
			return ""
		}
		return other.Name()
	}
	var lines []string
	add := func(s string) { lines = append(lines, prefix+s) }
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		switch o := obj.(type) {
		case *types.Const:
			add(fmt.Sprintf("const %s %s", o.Name(), types.TypeString(o.Type(), qual)))
		case *types.Var:
			add(fmt.Sprintf("var %s %s", o.Name(), types.TypeString(o.Type(), qual)))
		case *types.Func:
			add("func " + o.Name() + strings.TrimPrefix(types.TypeString(o.Type(), qual), "func"))
		case *types.TypeName:
			describeType(o, qual, add)
		}
	}
	sort.Strings(lines)
	return lines
}

func describeType(o *types.TypeName, qual types.Qualifier, add func(string)) {
	name := o.Name()
	if o.IsAlias() {
		add(fmt.Sprintf("type %s = %s", name, types.TypeString(types.Unalias(o.Type()), qual)))
		return
	}
	named, ok := o.Type().(*types.Named)
	if !ok {
		return
	}
	if tps := named.TypeParams(); tps.Len() > 0 {
		var ps []string
		for i := range tps.Len() {
			tp := tps.At(i)
			ps = append(ps, tp.Obj().Name()+" "+types.TypeString(tp.Constraint(), qual))
		}
		name += "[" + strings.Join(ps, ", ") + "]"
	}
	switch u := named.Underlying().(type) {
	case *types.Struct:
		add("type " + name + " struct")
		for i := range u.NumFields() {
			f := u.Field(i)
			switch {
			case f.Embedded():
				add(fmt.Sprintf("type %s struct, embedded %s", name, types.TypeString(f.Type(), qual)))
			case f.Exported():
				add(fmt.Sprintf("type %s struct, %s %s", name, f.Name(), types.TypeString(f.Type(), qual)))
			}
		}
	case *types.Interface:
		add("type " + name + " interface")
		for i := range u.NumExplicitMethods() {
			m := u.ExplicitMethod(i)
			if m.Exported() {
				add(fmt.Sprintf("type %s interface, %s%s", name, m.Name(), strings.TrimPrefix(types.TypeString(m.Type(), qual), "func")))
			}
		}
	default:
		add(fmt.Sprintf("type %s %s", name, types.TypeString(u, qual)))
	}
	for i := range named.NumMethods() {
		m := named.Method(i)
		if !m.Exported() {
			continue
		}
		sig := m.Type().(*types.Signature)
		recv := name
		if _, ptr := sig.Recv().Type().(*types.Pointer); ptr {
			recv = "*" + name
		}
		add(fmt.Sprintf("method (%s) %s%s", recv, m.Name(), strings.TrimPrefix(types.TypeString(sig, qual), "func")))
	}
}

// typeCheck type-checks one file of source with no imports (for tests).
func typeCheck(src string) (*types.Package, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, 0)
	if err != nil {
		return nil, err
	}
	return (&types.Config{}).Check("p", fset, []*ast.File{f}, nil)
}

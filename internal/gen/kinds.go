package gen

import (
	"bytes"
	"fmt"
	"strings"
)

// codecKind is one kind of field in the codec's tables: what Go type sits
// at the field's offset, which the runtime's decode and encode loops read
// and write through unsafe pointers. This registry is the one list of
// kinds: the generator maps field types to it (codecKindOf), emits it for
// the runtime (kinds_gen.go: the constants and each one's Go type, which a
// test checks every generated table against) and for the fake tenant (its
// coarser field kinds).
type codecKind struct {
	Name string // the runtime constant
	// GoType is the Go type at the field's offset. T is the nested record
	// type whose table the field's sub names; "*int" also stands for a
	// pointer to a named integer type (the spec's enums).
	GoType string
	Fake   string // the fake tenant's field kind
	Slice  bool   // the fake holds a list of Fake values
}

// codecKinds are numbered in this order at run time. Append new kinds at
// the end; the runtime's loops must handle each (the codec tests decode
// and encode a field of every kind).
var codecKinds = []codecKind{
	{"kStr", "*string", "fString", false},
	{"kInt", "*int", "fInt", false},
	{"kInt64", "*int64", "fInt", false},
	{"kF64", "*float64", "fFloat", false},
	{"kF32", "*float32", "fFloat", false},
	{"kBool", "*bool", "fBool", false},
	{"kTime", "*Time", "fTime", false},
	{"kBytes", "[]byte", "fBytes", false},
	{"kRaw", "json.RawMessage", "fRaw", false},
	{"kMap", "map[string]json.RawMessage", "fRaw", false},
	{"kStrs", "[]string", "fString", true},
	{"kInts", "[]int", "fInt", true},
	{"kInt64s", "[]int64", "fInt", true},
	{"kF64s", "[]float64", "fFloat", true},
	{"kBools", "[]bool", "fBool", true},
	{"kTimes", "[]Time", "fTime", true},
	{"kRaws", "[]json.RawMessage", "fRaw", true},
	{"kOne", "*T", "fModel", false},
	{"kMany", "[]T", "fModel", true},
	{"kPage", "[]T", "fModel", true},
	{"kRecMap", "map[string]T", "fRaw", false},
	{"kLazy", "Lazy[T]", "fModel", false},
	{"kLazyList", "LazyList[T]", "fModel", true},
}

// sliceShaped reports whether the Go type at the field's offset is a slice
// header (a slice, json.RawMessage, or a Lazy holding one); the others are
// one pointer word (pointers and maps).
func (k codecKind) sliceShaped() bool {
	return strings.HasPrefix(k.GoType, "[]") || k.GoType == "json.RawMessage" || strings.HasPrefix(k.GoType, "Lazy")
}

func kindByName(name string) *codecKind {
	for i := range codecKinds {
		if codecKinds[i].Name == name {
			return &codecKinds[i]
		}
	}
	panic("gen: no codec kind " + name)
}

// codecKindOf maps a field type to its codec kind. page marks the records
// of a list wrapper.
func codecKindOf(t FieldType, page bool) *codecKind {
	var name string
	switch t.Kind {
	case KModel:
		switch {
		case t.Lazy && t.Slice:
			name = "kLazyList"
		case t.Lazy:
			name = "kLazy"
		case page:
			name = "kPage"
		case t.Slice:
			name = "kMany"
		default:
			name = "kOne"
		}
	case KModelMap:
		name = "kRecMap"
	default:
		one := map[Kind]string{
			KString: "kStr", KInt: "kInt", KEnum: "kInt", KInt64: "kInt64", KFloat64: "kF64",
			KFloat32: "kF32", KBool: "kBool", KTime: "kTime", KBytes: "kBytes", KRaw: "kRaw", KMap: "kMap",
		}
		many := map[Kind]string{
			KString: "kStrs", KInt: "kInts", KEnum: "kInts", KInt64: "kInt64s", KFloat64: "kF64s",
			KBool: "kBools", KTime: "kTimes", KRaw: "kRaws",
		}
		if t.Slice {
			name = many[t.Kind]
		} else {
			name = one[t.Kind]
		}
		if name == "" {
			panic(fmt.Sprintf("gen: field type %+v has no codec kind", t))
		}
	}
	return kindByName(name)
}

// emitKinds writes the registry for the runtime.
func emitKinds(b *bytes.Buffer) {
	b.WriteString("// The kinds of fields in the codec's tables, from the generator's registry\n")
	b.WriteString("// (internal/gen/kinds.go). A kind names the Go type at a field's offset,\n")
	b.WriteString("// which codectable.go's loops read and write.\n")
	b.WriteString("const (\n")
	for i, k := range codecKinds {
		if i == 0 {
			fmt.Fprintf(b, "\t%s uint8 = iota // %s\n", k.Name, k.GoType)
		} else {
			fmt.Fprintf(b, "\t%s // %s\n", k.Name, k.GoType)
		}
	}
	b.WriteString(")\n\n")
	b.WriteString("// kindGoTypes gives each kind's Go type, for the test that checks every\n")
	b.WriteString("// generated table entry against its struct field (T is the nested record\n")
	b.WriteString("// the entry's table describes; *int also covers named integer types).\n")
	b.WriteString("var kindGoTypes = [...]string{\n")
	for _, k := range codecKinds {
		fmt.Fprintf(b, "\t%s: %q,\n", k.Name, k.GoType)
	}
	b.WriteString("}\n\n")
	b.WriteString("// kindSliceShaped says which kinds hold a slice header at the field's\n")
	b.WriteString("// offset (the others hold one pointer word).\n")
	b.WriteString("var kindSliceShaped = [...]bool{\n")
	for _, k := range codecKinds {
		fmt.Fprintf(b, "\t%s: %v,\n", k.Name, k.sliceShaped())
	}
	b.WriteString("}\n")
}

// checkTableLimits checks what the codec's compact decode tables can hold:
// a field's name is at most 255 bytes long (decField in codectable.go; the
// Go compiler would refuse the table too, less clearly).
func checkTableLimits(api *API) error {
	for _, t := range api.Types {
		for _, f := range t.Fields {
			if len(f.Wire) > 255 {
				return fmt.Errorf("schema %s: property name %.40q... is longer than the codec's tables allow (255 bytes)", t.Schema, f.Wire)
			}
		}
	}
	return nil
}

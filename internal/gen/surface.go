package gen

import "strings"

// This file holds the parts of the generated surface that are about names
// people know rather than the spec's: aliases, the generic Record, getters.

// claimAliases reserves the overlay's alias names before anything else
// claims a Go name: they are public API, fixed by the overlay, so a schema
// of the same name in some tenant's spec is the one renamed.
func (b *builder) claimAliases(aliases []OverlayAlias) {
	b.aliasOwner = map[string]string{}
	for _, a := range aliases {
		for _, n := range a.Names {
			if _, renamed := b.names.claim(n, "alias of "+a.Schema); renamed {
				b.warn("overlay: alias %s of %s: the name is taken; skipped", n, a.Schema)
				continue
			}
			b.aliasOwner[n] = a.Schema
		}
	}
}

// applyAliases attaches the aliases to their types.
func (b *builder) applyAliases(aliases []OverlayAlias) {
	for _, a := range aliases {
		t := b.api.typeBySchema[a.Schema]
		if t == nil || t.IntEnum != nil || t.StrEnum {
			b.warn("overlay: aliases of %s: no such record schema; skipped", a.Schema)
			continue
		}
		t.What = a.What
		for _, n := range a.Names {
			if b.aliasOwner[n] != a.Schema {
				continue // taken: reported by claimAliases
			}
			t.Aliases = append(t.Aliases, n)
			b.api.Aliases = append(b.api.Aliases, &Alias{Name: n, Target: t})
		}
	}
}

// recordSchema is the schema of Record, the records of paged lists whose
// section has no record type in the spec: an id (which the iterators need
// to yield each record once) and everything else in Extra.
const recordSchema = "Record"

// synthesizeRecord adds Record to the spec's schemas unless the spec has a
// schema of that name (then the generic lists stay untyped).
func (b *builder) synthesizeRecord() {
	if b.spec.Components.Schemas.Get(recordSchema) != nil {
		b.warn("the spec has a schema named %s: lists without a record type stay untyped", recordSchema)
		return
	}
	b.spec.Components.Schemas = append(b.spec.Components.Schemas, NamedSchema{recordSchema, &Schema{
		Type: "object",
		Description: "Record is a record of a list whose records Halo's spec does not describe: its id, and " +
			"everything else Halo sends in Extra (which encoding sends back).",
		Properties: OrderedSchemas{{"id", &Schema{Type: "integer", Format: "int32", Nullable: true}}},
	}})
	b.synth[recordSchema] = "generic record"
}

// getterResult is the result type of a field's getter, "" when the field
// gets none (it is not a pointer).
func getterResult(t FieldType) string {
	if t.Slice || t.Lazy {
		return ""
	}
	switch t.Kind {
	case KModel:
		return "*" + t.Ref
	case KEnum:
		return t.Ref
	case KTime:
		return "Time"
	case KString, KInt, KInt64, KFloat64, KFloat32, KBool:
		return fieldGoBase[t.Kind]
	}
	return ""
}

// getters names a nil-safe getter for every pointer field: Get<Field>, or
// where a field already has that name, the first free Get<Field>2, ...
func (b *builder) getters() {
	for _, t := range b.api.Types {
		if t.IntEnum != nil || t.StrEnum {
			continue
		}
		names := newUniqueNamer("Extra", "UnmarshalJSON", "MarshalJSON")
		for _, f := range t.Fields {
			names.taken[f.Name] = f.Wire
		}
		for _, f := range t.Fields {
			if getterResult(f.T) == "" {
				continue
			}
			want := "Get" + f.Name
			name, renamed := names.claim(want, "getter of "+f.Name)
			if renamed {
				b.warn("schema %s: getter %s would clash with field %s; named %s", t.Schema, want, want, name)
			}
			f.Getter = name
		}
	}
}

// describeWhat is the opening of a model's documentation: what it is in
// Halo's words when the overlay says, and always which schema it is.
func describeWhat(t *Type) string {
	switch {
	case t.What != "" && len(t.Aliases) > 0:
		names := t.Aliases
		list := names[0]
		if n := len(names); n > 1 {
			list = strings.Join(names[:n-1], ", ") + " and " + names[n-1]
		}
		return t.Name + " is " + t.What + " (Halo's " + t.Schema + " schema; also named " + list + ")"
	case t.Synthesized == "overlay list wrapper":
		return t.Name + " is Halo's list wrapper for " + strings.TrimSuffix(t.Schema, "_View")
	case t.Synthesized == "generic record":
		return t.Name + " is a record of a list Halo's spec does not describe"
	}
	return t.Name + " is Halo's " + t.Schema + " schema"
}

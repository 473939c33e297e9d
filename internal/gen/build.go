package gen

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Kind is the Go-side kind of a value, which picks its Go type and codec.
type Kind int

// The kinds of values the generated code handles.
const (
	KString Kind = iota
	KInt
	KInt64
	KFloat64
	KFloat32
	KBool
	KTime
	KBytes    // base64 in JSON, []byte in Go
	KRaw      // anything else: json.RawMessage
	KModel    // a generated struct
	KEnum     // a generated named integer type
	KMap      // map[string]json.RawMessage
	KModelMap // map[string]Model
)

// FieldType is the type of one model field.
type FieldType struct {
	Kind  Kind
	Slice bool
	Ref   string // Go type name for KModel, KEnum, KModelMap
	// Lazy marks a nested record (KModel) whose type can contain itself
	// and reaches many others: it is generated as Lazy[T] or LazyList[T]
	// (see lazyRecursive).
	Lazy bool
	// Cycle marks a typed nested record whose type can reach the type
	// holding it: its codec table is reached through a stand-in.
	Cycle bool
}

// Field is one property of a model.
type Field struct {
	Wire   string
	Name   string
	Doc    string
	T      FieldType
	Getter string // the nil-safe getter of a pointer field; "" for others
}

// Type is one generated model type.
type Type struct {
	Schema      string // the spec's schema name
	Name        string
	Doc         string
	Synthesized string // why the generator made this type up, if it did
	IntEnum     []int64
	StrEnum     bool // a string enum: generated as an alias of string
	Fields      []*Field
	List        *ListInfo // set when this is Halo's list wrapper
	What        string    // what the record is in Halo's words (overlay aliases)
	Aliases     []string  // Go aliases of the type
}

// ListInfo says where the records are in a list wrapper.
type ListInfo struct {
	Key   string // wire name of the records array
	Field string // its Go field name
	Item  string // Go type of one record
}

// ParamKind is the Go-side kind of a query or path parameter.
type ParamKind int

// The parameter kinds.
const (
	PString ParamKind = iota
	PInt
	PInt64
	PFloat
	PBool
	PTime
	PInts
	PStrings
)

// Param is one path or query parameter.
type Param struct {
	Wire     string
	Name     string
	In       string
	Doc      string
	Kind     ParamKind
	Required bool
}

// BodyKind is the shape of a request body.
type BodyKind int

// The body kinds.
const (
	BodyModels    BodyKind = iota // []Model
	BodyModel                     // *Model
	BodyJSON                      // any other JSON value, typed by GoType
	BodyMultipart                 // a generated form struct
)

// Body is the request body of a write operation.
type Body struct {
	Kind   BodyKind
	GoType string // type of the Params.Body field
	Model  string // Go model name for BodyModels/BodyModel
	Form   *Form  // for BodyMultipart
}

// Form is a multipart/form-data body.
type Form struct {
	Name   string
	Fields []*FormField
}

// FormField is one part of a multipart body.
type FormField struct {
	Wire string
	Name string
	// File is a file part; Pairs is a list of key/values pairs each sent as
	// a form field; otherwise the field is a plain string value.
	File, Pairs bool
	PairsType   string
	// PairKey and PairValue are the Go fields of PairsType holding the key
	// (*string) and the values ([]string).
	PairKey, PairValue string
}

// RespKind is the shape of a response.
type RespKind int

// The response kinds.
const (
	RespRaw    RespKind = iota // json.RawMessage
	RespModel                  // *Model
	RespModels                 // []Model
	RespBinary                 // []byte
	RespList                   // *List[Item]: a list whose wrapper is found by its shape
)

// Response-typing sources, in precedence order. The generator reports how
// many operations got each.
const (
	SrcSpec     = "spec response schema"
	SrcOverlay  = "overlay"
	SrcInferred = "inferred from section name"
	SrcPostRule = "inferred from POST body"
	SrcList     = "list of the section's records"
	SrcMe       = "the section's record (/me)"
	SrcAnyList  = "paged list of generic Records"
	SrcBinary   = "binary"
	SrcRaw      = "untyped (json.RawMessage)"
)

// RespSources are the response-typing rules in precedence order, as the
// generator reports them.
var RespSources = []string{SrcSpec, SrcOverlay, SrcInferred, SrcPostRule, SrcList, SrcMe, SrcAnyList, SrcBinary, SrcRaw}

// Resp is the response of an operation.
type Resp struct {
	Kind   RespKind
	Model  string
	Item   string // the records' type of a RespList
	Source string
}

// GoType is the Go result type of the method.
func (r Resp) GoType() string {
	switch r.Kind {
	case RespModel:
		return "*" + r.Model
	case RespModels:
		return "[]" + r.Model
	case RespBinary:
		return "[]byte"
	case RespList:
		return "*List[" + r.Item + "]"
	}
	return "json.RawMessage"
}

// Op is one operation, one generated method.
type Op struct {
	Section    *Section
	Method     string // upper case
	Path       string
	Name       string
	ParamsType string
	Doc        string
	PathParams []*Param
	Query      []*Param
	Body       *Body
	Resp       Resp
	Sensitive  bool // the path carries a secret: log the template, not the value
	Paged      bool // takes pageinate, page_no and page_size
	// AllName names the iterator over every page (set for paged lists
	// whose response is a list wrapper).
	AllName string
	// ManyName names the companion of a POST that takes []X but returns
	// one record: it returns every record Halo sends back.
	ManyName string
	// Paging holds the Go names of the pageinate, page_no and page_size fields.
	Paging [3]string
}

// Section is one first path segment: a field of Client.
type Section struct {
	Wire     string
	Field    string
	TypeName string
	Ops      []*Op
}

// API is everything the emitter writes.
type API struct {
	Title, Version string
	Sections       []*Section
	Ops            []*Op
	Types          []*Type
	typeBySchema   map[string]*Type
	Warnings       []string
	RespCounts     map[string]int
	LazyTypes      int // record types made Lazy where nested (see lazyRecursive)
	IDsAsInt       int // id properties the spec types as numbers, made int
	Aliases        []*Alias
}

// Alias is a Go type alias for a model, in the words Halo's users know.
type Alias struct {
	Name   string
	Target *Type
}

// Reserved names: hand-written identifiers of package halopsa that generated
// names must not take.
var reservedNames = []string{
	"Client", "Config", "RetryOptions", "Time", "APIError", "AuthError",
	"RateLimitError", "DecodeError", "NetworkError", "File", "Ptr", "New",
	"NewTime", "Version", "ConfigError", "RateLimit", "Lazy", "LazyList",
	"DecodeIssue", "ParamError", "DefaultRetryOptions", "ListShapeError",
	"DefaultRateLimitWait", "Marshal", "List", "PagingError",
	"DefaultMaxResponseBytes", "DefaultMaxDownloadBytes", "ResponseTooLargeError", "ErrBodyNotRewindable",
}

// Build turns a (patched) spec into the API model. It modifies spec: the
// overlay's patches and the list wrappers it synthesizes are added to it, so
// parse a fresh Spec for every Build. The overlay is left as it is.
func Build(spec *Spec, ov *Overlay) (*API, error) {
	b := &builder{spec: spec, synth: map[string]string{}, reported: map[*Section]bool{}, api: &API{
		Title: spec.Info.Title, Version: spec.Info.Version,
		typeBySchema: map[string]*Type{}, RespCounts: map[string]int{},
	}}
	var ovr *overlayResult
	if ov != nil {
		ovr = ov.Apply(spec)
		b.api.Warnings = append(b.api.Warnings, ovr.warnings...)
	} else {
		ovr = &overlayResult{responses: map[string]*OverlayResponse{}}
	}
	b.names = newUniqueNamer(reservedNames...)
	var aliases []OverlayAlias
	var pins *OverlayLazy
	if ov != nil {
		aliases, pins = ov.Aliases, ov.Lazy
	}
	b.claimAliases(aliases) // public names the overlay fixes come first
	if err := b.sections(); err != nil {
		return nil, err
	}
	b.claimOpNames()
	b.synthesizeLists(ovr)
	b.synthesizeRecord()
	b.types()
	b.applyAliases(aliases)
	if err := b.operations(); err != nil {
		return nil, err
	}
	b.responses(ovr)
	b.listInfo()
	b.iterators()
	b.manies()
	if err := b.lazyRecursive(pins); err != nil {
		return nil, err
	}
	b.getters()
	if err := checkTableLimits(b.api); err != nil {
		return nil, err
	}
	sort.Strings(b.api.Warnings)
	return b.api, nil
}

type builder struct {
	aliasOwner map[string]string // alias name -> schema
	reported   map[*Section]bool // sections whose record conflict was reported
	byName     map[string]*Type  // types by Go name, once types() ran
	spec       *Spec
	api        *API
	names      *uniqueNamer // package-level Go names
	secs       map[string]*Section
	// opNames holds the method, params and form type names of "get /path".
	opNames map[string][3]string
	// methods names the methods of each section type.
	methods map[*Section]*uniqueNamer
	synth   map[string]string // synthesized schema -> why
}

func (b *builder) warn(f string, a ...any) {
	b.api.Warnings = append(b.api.Warnings, fmt.Sprintf(f, a...))
}

var methodOrder = []string{"get", "post", "put", "patch", "delete"}

// skippedMethods are operations no generated method is made for (Halo's
// spec has none); the builder reports them.
var skippedMethods = []string{"head", "options", "trace"}

func (b *builder) sortedPaths() []string {
	paths := make([]string, 0, len(b.spec.Paths))
	for p := range b.spec.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

func sectionOf(path string) string {
	s := strings.TrimPrefix(path, "/")
	s, _, _ = strings.Cut(s, "/")
	return s
}

func (b *builder) sections() error {
	b.secs = map[string]*Section{}
	fields := newUniqueNamer("Do") // Client's own exported members
	for _, p := range b.sortedPaths() {
		w := sectionOf(p)
		if _, ok := b.secs[w]; ok {
			continue
		}
		f := upperFirst(w)
		if f == "" || f[0] >= '0' && f[0] <= '9' {
			f = "S" + f
		}
		if nf, renamed := fields.claim(f, w); renamed {
			b.warn("section %q: field %s taken, named %s", w, f, nf)
			f = nf
		}
		tn, renamed := b.names.claim(f+"API", "section "+w)
		if renamed {
			b.warn("section %q: type %sAPI taken, named %s", w, f, tn)
		}
		s := &Section{Wire: w, Field: f, TypeName: tn}
		b.secs[w] = s
		b.api.Sections = append(b.api.Sections, s)
	}
	sort.Slice(b.api.Sections, func(i, j int) bool { return b.api.Sections[i].Field < b.api.Sections[j].Field })
	return nil
}

// synthesizeLists adds a <S>_View schema for every overlay list wrapper whose
// section has none in the spec, and points the overlay entry at it.
func (b *builder) synthesizeLists(ovr *overlayResult) {
	keys := make([]string, 0, len(ovr.responses))
	for k := range ovr.responses {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r := ovr.responses[k]
		if r.List == nil {
			continue
		}
		method, path, _ := splitOpKey(k)
		if b.specTypesResponse((*b.spec.Paths[path])[method]) {
			// The spec's own response wins (see responses): a wrapper made
			// up for it would be an unused type.
			continue
		}
		name := sectionOf(path) + "_View"
		if existing := b.spec.Components.Schemas.Get(name); existing != nil {
			if existing.Properties.Get(r.List.Key) == nil {
				b.warn("overlay: %s: spec schema %s has no %q; using the spec's schema", k, name, r.List.Key)
			}
			r.Ref, r.List = name, nil
			continue
		}
		intProp := func() *Schema { return &Schema{Type: "integer", Format: "int32", Nullable: true} }
		s := &Schema{
			Type:        "object",
			Description: "Halo's list wrapper for " + path + " (shape from the overlay: the spec has no response schema).",
			Properties: OrderedSchemas{
				{"record_count", intProp()},
				{r.List.Key, &Schema{Type: "array", Items: &Schema{Ref: "#/components/schemas/" + r.List.Items}}},
				{"page_no", intProp()},
				{"page_size", intProp()},
			},
		}
		b.spec.Components.Schemas = append(b.spec.Components.Schemas, NamedSchema{name, s})
		b.synth[name] = "overlay list wrapper"
		r.Ref, r.List = name, nil
	}
}

func (b *builder) types() {
	// Claim type names first (sorted by schema name, so the result does not
	// depend on map order), then fill fields, which refer to other types.
	sorted := append(OrderedSchemas(nil), b.spec.Components.Schemas...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	for _, ns := range sorted {
		want := GoName(ns.Name)
		name, renamed := b.names.claim(want, "schema "+ns.Name)
		if renamed {
			b.warn("schema %s: Go name %s taken, named %s", ns.Name, want, name)
		}
		t := &Type{Schema: ns.Name, Name: name, Doc: cleanDoc(ns.Schema.Description)}
		t.Synthesized = b.synth[ns.Name]
		b.api.typeBySchema[ns.Name] = t
		b.api.Types = append(b.api.Types, t)
	}
	for _, ns := range sorted {
		t := b.api.typeBySchema[ns.Name]
		s := ns.Schema
		if len(s.Enum) > 0 {
			if s.Type == "integer" {
				for _, raw := range s.Enum {
					v, err := strconv.ParseInt(string(raw), 10, 64)
					if err != nil {
						b.warn("schema %s: enum value %s is not an integer; skipped", ns.Name, raw)
						continue
					}
					t.IntEnum = append(t.IntEnum, v)
				}
				if len(t.IntEnum) == 0 {
					t.IntEnum = []int64{}
				}
			} else {
				t.StrEnum = true
			}
			continue
		}
		// Extra is the field every model has; MarshalJSON and UnmarshalJSON
		// are the methods every model has (a field may not share a method's
		// name: "marshal_json" would otherwise not compile).
		fields := newUniqueNamer("Extra", "MarshalJSON", "UnmarshalJSON")
		// Two passes: names whose wire form has no leading underscore claim
		// their Go name first, so that "signature" keeps Signature when
		// "_signature" is also present.
		order := make([]int, 0, len(s.Properties))
		for i, p := range s.Properties {
			if !strings.HasPrefix(p.Name, "_") {
				order = append(order, i)
			}
		}
		for i, p := range s.Properties {
			if strings.HasPrefix(p.Name, "_") {
				order = append(order, i)
			}
		}
		byIndex := make([]*Field, len(s.Properties))
		for _, i := range order {
			p := s.Properties[i]
			want := GoName(p.Name)
			name, renamed := fields.claim(want, p.Name)
			if renamed {
				b.warn("schema %s: property %q would be %s, taken by %q; named %s", ns.Name, p.Name, want, fields.taken[want], name)
			}
			ft := b.fieldType(p.Schema)
			if isIDName(p.Name) && (ft.Kind == KFloat64 || ft.Kind == KFloat32) {
				// Halo's ids are integers; a few schemas declare them as
				// numbers. Decoding still takes 21.0.
				ft.Kind = KInt
				b.api.IDsAsInt++
			}
			byIndex[i] = &Field{Wire: p.Name, Name: name, Doc: propDoc(p.Schema), T: ft}
		}
		t.Fields = byIndex
	}
	sort.Slice(b.api.Types, func(i, j int) bool { return b.api.Types[i].Name < b.api.Types[j].Name })
	b.byName = typeByName(b.api)
}

// isIDName reports a property that holds a Halo id: id, or a name ending
// in _id.
func isIDName(wire string) bool {
	return wire == "id" || strings.HasSuffix(wire, "_id")
}

func propDoc(s *Schema) string {
	d := cleanDoc(s.Description)
	var notes []string
	if s.ReadOnly {
		notes = append(notes, "Read-only.")
	}
	if s.MaxLength != nil {
		notes = append(notes, fmt.Sprintf("At most %d characters.", *s.MaxLength))
	}
	if s.Format == "date-span" {
		notes = append(notes, "A .NET TimeSpan, e.g. \"01:30:00\".")
	}
	if len(notes) > 0 {
		if d != "" {
			d += "\n"
		}
		d += strings.Join(notes, " ")
	}
	return d
}

// fieldType maps a property schema to a Go field type.
func (b *builder) fieldType(s *Schema) FieldType {
	if s == nil {
		return FieldType{Kind: KRaw}
	}
	if ref := s.RefName(); ref != "" || (len(s.AllOf) == 1 && s.AllOf[0].RefName() != "") {
		if ref == "" {
			ref = s.AllOf[0].RefName()
		}
		t := b.api.typeBySchema[ref]
		if t == nil {
			b.warn("unresolved $ref %s; typed as json.RawMessage", s.Ref)
			return FieldType{Kind: KRaw}
		}
		target := b.spec.Components.Schemas.Get(ref)
		switch {
		case t.IntEnum != nil || (len(target.Enum) > 0 && target.Type == "integer"):
			return FieldType{Kind: KEnum, Ref: t.Name}
		case len(target.Enum) > 0:
			return FieldType{Kind: KString}
		}
		return FieldType{Kind: KModel, Ref: t.Name}
	}
	switch s.Type {
	case "string":
		switch s.Format {
		case "date-time":
			return FieldType{Kind: KTime}
		case "byte":
			return FieldType{Kind: KBytes}
		case "binary":
			return FieldType{Kind: KRaw}
		}
		return FieldType{Kind: KString}
	case "integer":
		if s.Format == "int64" {
			return FieldType{Kind: KInt64}
		}
		return FieldType{Kind: KInt}
	case "number":
		if s.Format == "float" {
			return FieldType{Kind: KFloat32}
		}
		return FieldType{Kind: KFloat64}
	case "boolean":
		return FieldType{Kind: KBool}
	case "array":
		if s.Items == nil {
			return FieldType{Kind: KRaw, Slice: true}
		}
		it := b.fieldType(s.Items)
		switch {
		case it.Slice, it.Kind == KBytes, it.Kind == KFloat32, it.Kind == KMap, it.Kind == KModelMap:
			// Rare shapes (one property each in Halo's spec): kept raw.
			return FieldType{Kind: KRaw}
		}
		it.Slice = true
		return it
	case "object":
		if a := s.AdditionalSchema(); a != nil && a.RefName() != "" {
			if t := b.fieldType(a); t.Kind == KModel {
				return FieldType{Kind: KModelMap, Ref: t.Ref}
			}
		}
		return FieldType{Kind: KMap}
	}
	return FieldType{Kind: KRaw}
}

var pathParamRe = regexp.MustCompile(`\{([^}]+)\}`)

// methodName builds <Verb><PathSegments>: {id} -> ByID, {x} -> By<X>, other
// segments with their first letter upper-cased and non-alphanumerics dropped.
func methodName(method, path string) string {
	var sb strings.Builder
	sb.WriteString(upperFirst(strings.ToLower(method)))
	for _, seg := range strings.Split(strings.Trim(path, "/"), "/") {
		if ms := pathParamRe.FindAllStringSubmatch(seg, -1); len(ms) > 0 {
			for _, m := range ms {
				sb.WriteString("By" + GoName(m[1]))
			}
			continue
		}
		sb.WriteString(upperFirst(seg))
	}
	return sb.String()
}

// sensitiveParam matches path parameters whose values are credentials; it
// is the rule of the client's sensitiveKey (client.go), which redacts query
// values the same way.
var sensitiveParam = regexp.MustCompile(`(?i)secret|token|password|api_?key`)

// claimOpNames names every method (unique within its section) and every
// params and form type (unique in the package) before schemas claim theirs:
// these names are the public API's and follow fixed rules.
func (b *builder) claimOpNames() {
	for _, path := range b.sortedPaths() {
		for _, m := range skippedMethods {
			if (*b.spec.Paths[path])[m] != nil {
				b.warn("%s %s: %s operations are not generated", strings.ToUpper(m), path, strings.ToUpper(m))
			}
		}
	}
	b.opNames = map[string][3]string{}
	b.methods = map[*Section]*uniqueNamer{}
	methods := b.methods
	for _, path := range b.sortedPaths() {
		item := b.spec.Paths[path]
		for _, m := range methodOrder {
			o := (*item)[m]
			if o == nil {
				continue
			}
			sec := b.secs[sectionOf(path)]
			if methods[sec] == nil {
				methods[sec] = newUniqueNamer()
			}
			want := methodName(m, path)
			name, renamed := methods[sec].claim(want, m+" "+path)
			if renamed {
				b.warn("%s %s: method name %s taken, named %s", strings.ToUpper(m), path, want, name)
			}
			pt, renamed := b.names.claim(name+"Params", "params of "+name)
			if renamed {
				b.warn("%s %s: params type %sParams taken, named %s", strings.ToUpper(m), path, name, pt)
			}
			var form string
			if o.RequestBody != nil && o.RequestBody.Content["multipart/form-data"] != nil && jsonMedia(o.RequestBody.Content) == nil {
				form, renamed = b.names.claim(name+"Form", "form of "+name)
				if renamed {
					b.warn("%s %s: form type %sForm taken, named %s", strings.ToUpper(m), path, name, form)
				}
			}
			b.opNames[m+" "+path] = [3]string{name, pt, form}
		}
	}
}

func (b *builder) operations() error {
	for _, path := range b.sortedPaths() {
		item := b.spec.Paths[path]
		for _, m := range methodOrder {
			o := (*item)[m]
			if o == nil {
				continue
			}
			sec := b.secs[sectionOf(path)]
			n := b.opNames[m+" "+path]
			name, pt := n[0], n[1]
			op := &Op{Section: sec, Method: strings.ToUpper(m), Path: path, Name: name, ParamsType: pt}
			op.Doc = opDoc(o)
			b.params(op, o)
			if err := b.body(op, o); err != nil {
				return err
			}
			sec.Ops = append(sec.Ops, op)
			b.api.Ops = append(b.api.Ops, op)
		}
	}
	return nil
}

func opDoc(o *Operation) string {
	s, d := cleanDoc(o.Summary), cleanDoc(o.Description)
	switch {
	case s == "":
		return d
	case d == "" || d == s:
		return s
	}
	return s + ".\n" + d
}

// paramKind maps Halo's (often non-OpenAPI) parameter types. A parameter
// whose description starts "(array of int)" is a list of ids, whatever
// type the spec declares (Halo's spec says string): it is []int, sent
// comma-separated.
func paramKind(p *Parameter) ParamKind {
	if strings.HasPrefix(strings.TrimSpace(p.Description), "(array of int)") {
		return PInts
	}
	t, f := "", ""
	if p.Schema != nil {
		t, f = p.Schema.Type, p.Schema.Format
		if t == "array" {
			if p.Schema.Items != nil {
				switch p.Schema.Items.Type {
				case "integer", "int":
					return PInts
				}
			}
			return PStrings
		}
	}
	if t == "" {
		// No type: Halo's descriptions usually start with one, "(int) ...".
		d := strings.TrimSpace(p.Description)
		switch {
		case strings.HasPrefix(d, "(bool)"):
			return PBool
		case strings.HasPrefix(d, "(int)"):
			return PInt
		case strings.HasPrefix(d, "(double)"):
			return PFloat
		}
		return PString
	}
	switch t {
	case "bool", "boolean":
		return PBool
	case "int", "integer":
		if f == "int64" {
			return PInt64
		}
		return PInt
	case "double", "number", "float", "decimal":
		return PFloat
	case "DateTime":
		return PTime
	case "List<int>":
		return PInts
	case "string":
		if f == "date-time" {
			return PTime
		}
	}
	return PString
}

func (b *builder) params(op *Op, o *Operation) {
	seen := map[string]bool{}
	var declared []*Parameter
	for _, p := range o.Parameters {
		key := p.In + ":" + p.Name
		if seen[key] {
			b.warn("%s %s: parameter %s (%s) declared twice; kept the first", op.Method, op.Path, p.Name, p.In)
			continue
		}
		seen[key] = true
		declared = append(declared, p)
	}
	fields := newUniqueNamer("Body")
	mk := func(p *Parameter, required bool) *Param {
		want := GoName(p.Name)
		name, renamed := fields.claim(want, p.Name)
		if renamed {
			b.warn("%s %s: parameter %q would be field %s, taken; named %s", op.Method, op.Path, p.Name, want, name)
		}
		doc := cleanDoc(p.Description)
		return &Param{Wire: p.Name, Name: name, In: p.In, Doc: doc, Kind: paramKind(p), Required: required}
	}
	// Path parameters in the order of the template, so that the method name
	// and the params struct read the same way.
	for _, m := range pathParamRe.FindAllStringSubmatch(op.Path, -1) {
		var decl *Parameter
		for _, p := range declared {
			if p.In == "path" && p.Name == m[1] {
				decl = p
			}
		}
		if decl == nil {
			b.warn("%s %s: path parameter %s not declared; typed as string", op.Method, op.Path, m[1])
			decl = &Parameter{Name: m[1], In: "path", Schema: &Schema{Type: "string"}}
		}
		pp := mk(decl, true)
		if pp.Kind != PInt && pp.Kind != PInt64 {
			pp.Kind = PString
		}
		if sensitiveParam.MatchString(pp.Wire) {
			op.Sensitive = true
		}
		op.PathParams = append(op.PathParams, pp)
	}
	var paging int
	for _, p := range declared {
		switch p.In {
		case "query":
			qp := mk(p, p.Required)
			op.Query = append(op.Query, qp)
			switch p.Name {
			case "pageinate", "page_no", "page_size":
				paging++
			}
		case "path":
			// handled above
		default:
			b.warn("%s %s: %s parameter %s not supported; skipped", op.Method, op.Path, p.In, p.Name)
		}
	}
	op.Paged = paging == 3
	if op.Paged {
		for _, q := range op.Query {
			switch {
			case q.Wire == "pageinate" && q.Kind == PBool && !q.Required:
				op.Paging[0] = q.Name
			case q.Wire == "page_no" && q.Kind == PInt && !q.Required:
				op.Paging[1] = q.Name
			case q.Wire == "page_size" && q.Kind == PInt && !q.Required:
				op.Paging[2] = q.Name
			}
		}
		if op.Paging[0] == "" || op.Paging[1] == "" || op.Paging[2] == "" {
			b.warn("%s %s: paging parameters are not (bool, int, int); no iterator", op.Method, op.Path)
			op.Paged = false
		}
	}
}

func jsonMedia(content map[string]*MediaType) *Schema {
	for _, ct := range []string{"application/json", "text/json", "application/*+json", "application/json-patch+json"} {
		if m := content[ct]; m != nil && m.Schema != nil {
			return m.Schema
		}
	}
	keys := make([]string, 0, len(content))
	for k := range content {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if strings.Contains(k, "json") && content[k].Schema != nil {
			return content[k].Schema
		}
	}
	return nil
}

func (b *builder) body(op *Op, o *Operation) error {
	if o.RequestBody == nil || len(o.RequestBody.Content) == 0 {
		return nil
	}
	if s := jsonMedia(o.RequestBody.Content); s != nil {
		op.Body = b.jsonBody(s)
		return nil
	}
	if m := o.RequestBody.Content["multipart/form-data"]; m != nil && m.Schema != nil {
		name := b.opNames[strings.ToLower(op.Method)+" "+op.Path][2]
		f := &Form{Name: name}
		fields := newUniqueNamer()
		for _, p := range m.Schema.Properties {
			fn, _ := fields.claim(GoName(p.Name), p.Name)
			ff := &FormField{Wire: p.Name, Name: fn}
			switch {
			case p.Schema.Format == "binary":
				ff.File = true
			case p.Schema.Type == "array" && p.Schema.Items != nil && p.Schema.Items.RefName() != "":
				t := b.api.typeBySchema[p.Schema.Items.RefName()]
				if t == nil { // an unresolved $ref: no pairs type to send
					t = &Type{}
				}
				for _, tf := range t.Fields {
					switch {
					case tf.Wire == "key" && tf.T == FieldType{Kind: KString}:
						ff.PairKey = tf.Name
					case tf.Wire == "value" && tf.T == FieldType{Kind: KString, Slice: true}:
						ff.PairValue = tf.Name
					}
				}
				if ff.PairKey == "" || ff.PairValue == "" {
					b.warn("%s %s: form field %s is not a list of key/values pairs; sent as text", op.Method, op.Path, p.Name)
					break
				}
				ff.Pairs, ff.PairsType = true, t.Name
			}
			f.Fields = append(f.Fields, ff)
		}
		op.Body = &Body{Kind: BodyMultipart, GoType: "*" + name, Form: f}
		return nil
	}
	b.warn("%s %s: request body media types %v not supported; sent as raw JSON", op.Method, op.Path, keysOf(o.RequestBody.Content))
	op.Body = &Body{Kind: BodyJSON, GoType: "json.RawMessage"}
	return nil
}

func keysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (b *builder) jsonBody(s *Schema) *Body {
	ft := b.fieldType(s)
	switch {
	case ft.Kind == KModel && ft.Slice:
		return &Body{Kind: BodyModels, GoType: "[]" + ft.Ref, Model: ft.Ref}
	case ft.Kind == KModel:
		return &Body{Kind: BodyModel, GoType: "*" + ft.Ref, Model: ft.Ref}
	}
	return &Body{Kind: BodyJSON, GoType: jsonGoType(ft)}
}

// jsonGoType is the Go type of a non-model JSON value (bodies, results).
func jsonGoType(ft FieldType) string {
	var base string
	switch ft.Kind {
	case KString:
		base = "string"
	case KInt:
		base = "int"
	case KInt64:
		base = "int64"
	case KFloat64:
		base = "float64"
	case KFloat32:
		base = "float32"
	case KBool:
		base = "bool"
	case KTime:
		base = "Time"
	case KEnum, KModel:
		base = ft.Ref
	case KBytes:
		return "[]byte"
	case KMap:
		return "map[string]json.RawMessage"
	case KModelMap:
		return "map[string]" + ft.Ref
	default:
		return "json.RawMessage"
	}
	if ft.Slice {
		return "[]" + base
	}
	return "*" + base
}

// responseSchema returns the JSON schema of the first 2xx response, and
// whether that response is binary.
func responseSchema(o *Operation) (*Schema, bool) {
	codes := keysOf(o.Responses)
	for _, c := range codes {
		if !strings.HasPrefix(c, "2") {
			continue
		}
		r := o.Responses[c]
		if r == nil || len(r.Content) == 0 {
			continue
		}
		if s := jsonMedia(r.Content); s != nil {
			return s, false
		}
		for ct, m := range r.Content {
			if ct == "application/octet-stream" || (m.Schema != nil && m.Schema.Format == "binary") {
				return nil, true
			}
		}
	}
	return nil, false
}

// specTypesResponse reports whether responses will type o from the spec
// itself (binary, or a $ref or array of $ref to a non-enum schema): the same
// outcome as responseSchema followed by respFromSchema, decided before the
// types exist.
func (b *builder) specTypesResponse(o *Operation) bool {
	s, binary := responseSchema(o)
	switch {
	case binary:
		return true
	case s == nil:
		return false
	case s.Type == "array" && s.Ref == "" && s.Items != nil:
		s = s.Items
	}
	ref := s.RefName()
	if ref == "" && len(s.AllOf) == 1 {
		ref = s.AllOf[0].RefName()
	}
	target := b.spec.Components.Schemas.Get(ref)
	return ref != "" && target != nil && len(target.Enum) == 0
}

type sectionHints struct{ base, view string }

func (b *builder) responses(ovr *overlayResult) {
	hasSchema := func(n string) bool { return n != "" && b.api.typeBySchema[n] != nil }
	// 1. Typed responses from the spec, and hints per section from them.
	hints := map[*Section]*sectionHints{}
	specTyped := map[*Op]bool{}
	overridden := func(op *Op) {
		if ovr.responses[strings.ToLower(op.Method)+" "+op.Path] != nil {
			b.warn("overlay: %s %s: the spec types the response; overlay response not used", op.Method, op.Path)
		}
	}
	for _, op := range b.api.Ops {
		o := (*b.spec.Paths[op.Path])[strings.ToLower(op.Method)]
		s, binary := responseSchema(o)
		if binary {
			op.Resp = Resp{Kind: RespBinary, Source: SrcBinary}
			specTyped[op] = true
			overridden(op)
			continue
		}
		if s == nil {
			continue
		}
		r, ok := b.respFromSchema(s)
		if !ok {
			continue
		}
		r.Source = SrcSpec
		op.Resp, specTyped[op] = r, true
		overridden(op)
		h := hints[op.Section]
		if h == nil {
			h = &sectionHints{}
			hints[op.Section] = h
		}
		ref := s.RefName()
		sec := "/" + op.Section.Wire
		switch {
		case op.Method == "GET" && op.Path == sec && ref != "":
			h.view = ref
			if base := strings.TrimSuffix(ref, "_View"); base != ref && hasSchema(base) && h.base == "" {
				h.base = base
			}
		case ref != "" && !strings.HasSuffix(ref, "_View") &&
			((op.Method == "GET" && op.Path == sec+"/{id}") || (op.Method == "POST" && op.Path == sec)):
			h.base = ref
		}
	}
	// 2. Overlay, 3. inference from the section's record type.
	for _, op := range b.api.Ops {
		if specTyped[op] {
			continue
		}
		if r := ovr.responses[strings.ToLower(op.Method)+" "+op.Path]; r != nil {
			switch {
			case r.Binary:
				op.Resp = Resp{Kind: RespBinary, Source: SrcOverlay}
			case r.Ref != "":
				op.Resp = Resp{Kind: RespModel, Model: b.api.typeBySchema[r.Ref].Name, Source: SrcOverlay}
			case r.Array != "":
				op.Resp = Resp{Kind: RespModels, Model: b.api.typeBySchema[r.Array].Name, Source: SrcOverlay}
			}
			if op.Resp.Source == SrcOverlay {
				continue
			}
		}
		sec := op.Section
		view := ""
		if h := hints[sec]; h != nil {
			view = h.view
		}
		if view == "" && hasSchema(sec.Wire+"_View") {
			view = sec.Wire + "_View"
		}
		rec, recSrc := b.sectionRecord(sec, hints[sec])
		p := "/" + sec.Wire
		isList := op.Method == "GET" && op.Path == p
		isOne := (op.Method == "GET" && op.Path == p+"/{id}") || (op.Method == "POST" && op.Path == p) ||
			((op.Method == "PUT" || op.Method == "PATCH") && op.Path == p+"/{id}")
		switch {
		case isList && view != "":
			op.Resp = Resp{Kind: RespModel, Model: b.api.typeBySchema[view].Name, Source: SrcInferred}
		case isList && rec != nil:
			op.Resp = Resp{Kind: RespList, Item: b.listItem(rec).Name, Source: SrcList}
		case isList && op.Paged && b.api.typeBySchema[recordSchema] != nil && b.synth[recordSchema] != "":
			op.Resp = Resp{Kind: RespList, Item: b.api.typeBySchema[recordSchema].Name, Source: SrcAnyList}
		case op.Method == "GET" && op.Path == p+"/me" && rec != nil:
			op.Resp = Resp{Kind: RespModel, Model: rec.Name, Source: SrcMe}
		case isOne && rec != nil && (recSrc == SrcInferred || op.Method != "PUT" && op.Method != "PATCH"):
			op.Resp = Resp{Kind: RespModel, Model: rec.Name, Source: recSrc}
		default:
			op.Resp = Resp{Kind: RespRaw, Source: SrcRaw}
		}
	}
	for _, op := range b.api.Ops {
		b.api.RespCounts[op.Resp.Source]++
	}
}

// sectionRecord is the type of a section's records, and the rule that
// found it: the spec's own typing of the section's other operations, else
// the records its POST /<S> takes, else the schema named like the section.
// The POST body beats the name: GET /Supplier/{id} returns what POST
// /Supplier takes (Company), not the two-field schema named Supplier.
// Sections where the two disagree are reported.
func (b *builder) sectionRecord(sec *Section, h *sectionHints) (*Type, string) {
	if h != nil && h.base != "" {
		return b.api.typeBySchema[h.base], SrcInferred
	}
	named := b.api.typeBySchema[sec.Wire]
	if named != nil && (named.IntEnum != nil || named.StrEnum) {
		named = nil
	}
	if x := b.postBodyModel(sec); x != "" {
		t := b.byName[x]
		if named == t {
			return t, SrcInferred // the name and the body agree
		}
		if named != nil && !b.reported[sec] {
			b.warn("section %s: records typed %s (its POST body), not %s (the schema named like the section)", sec.Wire, t.Name, named.Name)
			b.reported[sec] = true
		}
		return t, SrcPostRule
	}
	if named != nil {
		return named, SrcInferred
	}
	return nil, ""
}

// listItem is the type of the records of a list of rec: rec's <X>_List
// schema when the spec has one (Halo lists carry fewer fields than a
// record read by id), else rec itself.
func (b *builder) listItem(rec *Type) *Type {
	if t := b.api.typeBySchema[rec.Schema+"_List"]; t != nil && t.IntEnum == nil && !t.StrEnum {
		return t
	}
	return rec
}

// postBodyModel returns the model X when POST /<S> takes []X.
func (b *builder) postBodyModel(sec *Section) string {
	for _, op := range sec.Ops {
		if op.Method == "POST" && op.Path == "/"+sec.Wire && op.Body != nil && op.Body.Kind == BodyModels {
			return op.Body.Model
		}
	}
	return ""
}

func (b *builder) respFromSchema(s *Schema) (Resp, bool) {
	ft := b.fieldType(s)
	switch {
	case ft.Kind == KModel && ft.Slice:
		return Resp{Kind: RespModels, Model: ft.Ref}, true
	case ft.Kind == KModel:
		return Resp{Kind: RespModel, Model: ft.Ref}, true
	}
	return Resp{}, false
}

// manies names a <Method>Many companion for every POST that takes a list
// of records but is typed to return one: posting several records in one
// call must return them all, not fail to decode after Halo applied them.
func (b *builder) manies() {
	for _, op := range b.api.Ops {
		if op.Method != "POST" || op.Body == nil || op.Body.Kind != BodyModels || op.Resp.Kind != RespModel {
			continue
		}
		op.ManyName = b.companion(op, "Many")
	}
}

// companion names a method that goes with op's (op.Name + suffix) in op's
// section, reporting a clash.
func (b *builder) companion(op *Op, suffix string) string {
	name, renamed := b.methods[op.Section].claim(op.Name+suffix, suffix+" of "+op.Name)
	if renamed {
		b.warn("%s %s: name %s%s taken, named %s", op.Method, op.Path, op.Name, suffix, name)
	}
	return name
}

// iterators names an <Method>All iterator for every paged GET whose
// response is a list: a list wrapper, a List found by shape, or untyped (the
// iterator then yields raw records, found by shape at run time). Records
// without an integer id are yielded too (see pages).
func (b *builder) iterators() {
	for _, op := range b.api.Ops {
		if !op.Paged || op.Method != "GET" {
			continue
		}
		switch op.Resp.Kind {
		case RespRaw, RespList:
		case RespModel:
			if t := b.byName[op.Resp.Model]; t == nil || t.List == nil {
				continue
			}
		default:
			continue
		}
		op.AllName = b.companion(op, "All")
	}
}

// listInfo marks list wrappers: objects with record_count and an array of
// records. The records array is the one whose item type is the section's
// record type, else the only array of models.
func (b *builder) listInfo() {
	byName := typeByName(b.api)
	for _, op := range b.api.Ops {
		if op.Method != "GET" || op.Path != "/"+op.Section.Wire || op.Resp.Kind != RespModel {
			continue
		}
		t := byName[op.Resp.Model]
		if t == nil || t.List != nil {
			continue
		}
		var hasCount bool
		var arrays []*Field
		for _, f := range t.Fields {
			if f.Wire == "record_count" {
				hasCount = true
			}
			if f.T.Kind == KModel && f.T.Slice {
				arrays = append(arrays, f)
			}
		}
		if !hasCount || len(arrays) == 0 {
			continue
		}
		pick := arrays[0]
		if len(arrays) > 1 {
			pick = nil
			base := strings.TrimSuffix(t.Schema, "_View")
			for _, f := range arrays {
				if it := byName[f.T.Ref]; it != nil && (it.Schema == base || it.Schema == base+"_List") {
					pick = f
				}
			}
			if pick == nil {
				b.warn("%s: list wrapper %s has several record arrays; not paged", op.Path, t.Name)
				continue
			}
		}
		t.List = &ListInfo{Key: pick.Wire, Field: pick.Name, Item: pick.T.Ref}
	}
}

// maxEagerWeb is the most record types a type that can contain itself may
// reach and still be typed where it is nested (a milestone's dependencies,
// a lookup's sub-lookups): beyond it, such a type is Lazy.
// (A variable so that tests can use the fixtures' small webs.)
var maxEagerWeb = 10

// lazyRecursive makes lazy the nested records of types that can contain
// themselves and reach many others. Halo's schemas link record types into
// webs: Users, Device and WorkflowTarget can contain themselves through
// other records, and through them a ticket reaches most of Halo's record
// types. Typed eagerly, every program that reads a ticket would link them
// all (type metadata and decode tables). A field of such a type is
// generated as Lazy[T] or LazyList[T] instead, which hold the JSON and
// decode it on demand, so a program links the records it actually reaches.
// The records of a list page stay typed; a map of such records becomes a
// map of raw JSON. Types that can contain themselves but reach few others
// stay typed, and the fields that close their cycles are marked Cycle.
// With pins (the overlay's), the pins decide which fields are Lazy and the
// rule's differing decisions are reported.
func (b *builder) lazyRecursive(pins *OverlayLazy) error {
	byName := map[string]*Type{}
	for _, t := range b.api.Types {
		byName[t.Name] = t
	}
	isPage := func(t *Type, f *Field) bool { return t.List != nil && f.Name == t.List.Field }
	// reach returns the types reachable from a type through its nested
	// record fields: all of them, or only the typed (not Lazy) ones, and
	// with noCycle not those marked Cycle.
	reach := func(from string, typed, noCycle bool) map[string]bool {
		seen := map[string]bool{}
		stack := []string{from}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			t := byName[n]
			if t == nil {
				continue
			}
			for _, f := range t.Fields {
				if f.T.Kind != KModel && f.T.Kind != KModelMap || typed && f.T.Lazy || noCycle && f.T.Cycle {
					continue
				}
				if !seen[f.T.Ref] {
					seen[f.T.Ref] = true
					stack = append(stack, f.T.Ref)
				}
			}
		}
		return seen
	}
	lazy := map[string]bool{}
	for _, t := range b.api.Types {
		r := reach(t.Name, false, false)
		if r[t.Name] && len(r) > maxEagerWeb {
			lazy[t.Name] = true
		}
	}
	// The rule's decision per field, and the overlay's pin when there is
	// one: the pin decides, and every difference is reported, so that a
	// new spec cannot flip a field between typed and Lazy unnoticed.
	ruleLazy := func(t *Type, f *Field) bool { return lazy[f.T.Ref] && !isPage(t, f) }
	decide := ruleLazy
	if pins != nil {
		pinned := map[string]bool{}
		for _, p := range pins.Fields {
			pinned[p] = true
		}
		found := map[string]bool{}
		for _, t := range b.api.Types {
			for _, f := range t.Fields {
				key := t.Schema + "." + f.Wire
				if !pinned[key] {
					if ruleLazy(t, f) {
						b.warn("lazy: %s would be Lazy by the rule (its type can contain itself and reaches more than %d others), but the overlay does not pin it: kept typed", key, maxEagerWeb)
					}
					continue
				}
				found[key] = true
				switch {
				case f.T.Kind != KModel && f.T.Kind != KModelMap || isPage(t, f):
					b.warn("lazy: the overlay pins %s, which is not a nested record; kept as it is", key)
					delete(pinned, key)
				case !ruleLazy(t, f):
					b.warn("lazy: the overlay pins %s as Lazy; by the rule it would now be typed", key)
				}
			}
		}
		for _, p := range pins.Fields {
			if !found[p] {
				b.warn("lazy: the overlay pins %s, which the spec does not have", p)
			}
		}
		decide = func(t *Type, f *Field) bool { return pinned[t.Schema+"."+f.Wire] }
	}
	made := map[string]bool{} // the types that are Lazy where nested
	for _, t := range b.api.Types {
		for _, f := range t.Fields {
			if !decide(t, f) {
				continue
			}
			made[f.T.Ref] = true
			switch f.T.Kind {
			case KModel:
				f.T.Lazy = true
			case KModelMap:
				b.warn("%s.%s: a map of %s records, which can contain themselves, is kept as raw JSON", t.Name, f.Name, f.T.Ref)
				f.T = FieldType{Kind: KMap}
			}
		}
	}
	// The typed fields left that close a cycle reach their tables through
	// a stand-in; the rest point at each other statically, which Go allows
	// only without cycles: check that none is left.
	typedReach := map[string]map[string]bool{} // by type, computed once
	for _, t := range b.api.Types {
		for _, f := range t.Fields {
			if f.T.Kind != KModel && f.T.Kind != KModelMap || f.T.Lazy {
				continue
			}
			r, ok := typedReach[f.T.Ref]
			if !ok {
				r = reach(f.T.Ref, true, false)
				typedReach[f.T.Ref] = r
			}
			if f.T.Ref == t.Name || r[t.Name] {
				f.T.Cycle = true
			}
		}
	}
	for _, t := range b.api.Types {
		if reach(t.Name, true, true)[t.Name] {
			return fmt.Errorf("record type %s still contains itself through static tables", t.Name)
		}
	}
	b.api.LazyTypes = len(made)
	return nil
}

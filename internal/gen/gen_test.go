package gen

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestMethodNames checks the method, params type and section of operations
// whose paths are odd in Halo's spec: two parameters in one segment, one
// route template with two parameter names, a lower-case section.
func TestMethodNames(t *testing.T) {
	api := buildFixture(t, oldSpec, "")
	for _, c := range []struct {
		method, path, section, name string
	}{
		{"GET", "/Actions", "Actions", "GetActions"},
		{"GET", "/Actions/{id}", "Actions", "GetActionsByID"},
		{"DELETE", "/Actions/{id}", "Actions", "DeleteActionsByID"},
		{"POST", "/Actions/Review", "Actions", "PostActionsReview"},
		{"DELETE", "/TicketApproval/{id}&{seq}", "TicketApproval", "DeleteTicketApprovalByIDBySeq"},
		{"GET", "/Automation/{id}", "Automation", "GetAutomationByID"},
		{"DELETE", "/Automation/{id}", "Automation", "DeleteAutomationByID"},
		{"POST", "/Automation/{runbookId}", "Automation", "PostAutomationByRunbookID"},
		{"GET", "/azureadconnection", "Azureadconnection", "GetAzureadconnection"},
		{"GET", "/Agent/{secret_token}", "Agent", "GetAgentBySecretToken"},
		{"PUT", "/Widget/{id}", "Widget", "PutWidgetByID"},
	} {
		op := findOp(t, api, c.method, c.path)
		if op.Name != c.name || op.Section.Field != c.section || op.ParamsType != c.name+"Params" {
			t.Errorf("%s %s: got %s.%s(%s), want %s.%s(%sParams)", c.method, c.path,
				op.Section.Field, op.Name, op.ParamsType, c.section, c.name, c.name)
		}
	}
	if n := len(api.Ops); n != 22 {
		t.Errorf("old shape: %d operations, want 22", n)
	}
	if w := warningsWith(api, "method name"); len(w) != 0 {
		t.Errorf("unexpected method name clashes: %q", w)
	}
}

// TestSections checks the Client fields: one per first path segment,
// upper-cased (the wire name keeps its case), sorted by field name.
func TestSections(t *testing.T) {
	api := buildFixture(t, oldSpec, "")
	az := findSection(t, api, "azureadconnection")
	if az.Field != "Azureadconnection" || az.TypeName != "AzureadconnectionAPI" {
		t.Errorf("azureadconnection: field %s type %s", az.Field, az.TypeName)
	}
	if len(az.Ops) != 1 || az.Ops[0].Name != "GetAzureadconnection" {
		t.Errorf("azureadconnection ops: %v", az.Ops)
	}
	var fields []string
	for _, s := range api.Sections {
		fields = append(fields, s.Field)
	}
	want := []string{"Actions", "Agent", "Appointment", "Attachment", "Automation",
		"Azureadconnection", "FormSubmit", "TicketApproval", "Widget"}
	if !reflect.DeepEqual(fields, want) {
		t.Errorf("sections = %v, want %v", fields, want)
	}
	if got := len(findSection(t, api, "Automation").Ops); got != 3 {
		t.Errorf("Automation has %d operations, want 3 (both route templates)", got)
	}
	// Client is a reserved name: the section keeps its field, its type is ClientAPI.
	newAPI := buildFixture(t, newSpec, "")
	if c := findSection(t, newAPI, "Client"); c.Field != "Client" || c.TypeName != "ClientAPI" {
		t.Errorf("Client section: field %s type %s", c.Field, c.TypeName)
	}
	src := sourceOf(emitFixture(t, oldSpec, ""))
	wantSource(t, src,
		"\tAzureadconnection *AzureadconnectionAPI\n",
		"\tc.Azureadconnection = (*AzureadconnectionAPI)(s)\n",
		"type AzureadconnectionAPI service\n",
		"func (s *AzureadconnectionAPI) GetAzureadconnection(ctx context.Context, p GetAzureadconnectionParams) (json.RawMessage, error) {",
	)
}

// TestFieldNames checks the Go names of properties that Halo's spec makes
// awkward: leading digits, names that collide once normalised, a leading
// underscore, names of generated members.
func TestFieldNames(t *testing.T) {
	api := buildFixture(t, oldSpec, "")
	uname := findType(t, api, "Uname")
	for wire, want := range map[string]string{
		"2faemailallowed":    "N2faemailallowed",
		"action_contract_id": "ActionContractID",
		"actioncontractid":   "Actioncontractid",
		"signature":          "Signature",
		"id":                 "ID",
	} {
		if got := findField(t, uname, wire).Name; got != want {
			t.Errorf("Uname.%s: Go name %s, want %s", wire, got, want)
		}
	}
	// "_signature" comes first in the spec, but "signature" keeps Signature.
	us := findField(t, uname, "_signature").Name
	if us == "Signature" || us == "" {
		t.Errorf("Uname._signature: Go name %q, want a name distinct from Signature", us)
	}
	if w := warningsWith(api, "Uname", `"_signature"`, us); len(w) != 1 {
		t.Errorf("want one warning about _signature named %s, got %q", us, w)
	}
	// Fields keep the spec's order.
	var order []string
	for _, f := range uname.Fields {
		order = append(order, f.Wire)
	}
	if order[0] != "_signature" || order[2] != "signature" || order[len(order)-1] != "name" {
		t.Errorf("Uname fields out of spec order: %v", order)
	}
	field := findType(t, api, "Field")
	if got := findField(t, field, "validate").Name; got != "Validate" {
		t.Errorf("Field.validate: Go name %s, want Validate", got)
	}
	// A field may not take the name of a generated method.
	if got := findField(t, field, "marshal_json").Name; got == "MarshalJSON" || got == "UnmarshalJSON" {
		t.Errorf("Field.marshal_json: Go name %s clashes with the generated method", got)
	}
	// Extra is every model's own field: an overlay-added "extra" is renamed.
	appt := findType(t, buildFixture(t, oldSpec, oldOverlay), "Appointment")
	if got := findField(t, appt, "extra").Name; got == "Extra" {
		t.Errorf("Appointment.extra: Go name %s clashes with the Extra field", got)
	}
}

// TestFieldTypes checks how property schemas map to Go field types,
// including enums, date-span, maps and allOf.
func TestFieldTypes(t *testing.T) {
	api := buildFixture(t, oldSpec, "")
	uname := findType(t, api, "Uname")
	for wire, want := range map[string]FieldType{
		"2faemailallowed": {Kind: KBool},
		"id":              {Kind: KInt},
		"status":          {Kind: KEnum, Ref: "TicketStatusEnum"},
		"statuses":        {Kind: KEnum, Slice: true, Ref: "TicketStatusEnum"},
		"colour":          {Kind: KString}, // a string enum
		"blob":            {Kind: KBytes},
		"weight":          {Kind: KFloat32},
		"custom":          {Kind: KMap},
		"bydate":          {Kind: KModelMap, Ref: "Actions"},
		"actions":         {Kind: KModel, Slice: true, Ref: "Actions"},
	} {
		if got := findField(t, uname, wire).T; got != want {
			t.Errorf("Uname.%s: type %+v, want %+v", wire, got, want)
		}
	}
	if d := findField(t, uname, "name").Doc; d != "Read-only. At most 50 characters." {
		t.Errorf("Uname.name doc = %q", d)
	}
	appt := findType(t, api, "Appointment")
	for wire, want := range map[string]FieldType{
		"duration":   {Kind: KString},
		"start_date": {Kind: KTime},
		"agent":      {Kind: KModel, Ref: "Uname"}, // allOf of one $ref
	} {
		if got := findField(t, appt, wire).T; got != want {
			t.Errorf("Appointment.%s: type %+v, want %+v", wire, got, want)
		}
	}
	if d := findField(t, appt, "duration").Doc; !strings.Contains(d, "TimeSpan") {
		t.Errorf("date-span field doc %q does not say it is a TimeSpan", d)
	}
	enum := findType(t, api, "TicketStatusEnum")
	if !reflect.DeepEqual(enum.IntEnum, []int64{0, 1, 2, 5}) || enum.Fields != nil {
		t.Errorf("TicketStatusEnum: IntEnum %v, fields %v", enum.IntEnum, enum.Fields)
	}
	if c := findType(t, api, "ColourName"); !c.StrEnum {
		t.Errorf("ColourName is not a string enum")
	}
	src := sourceOf(emitFixture(t, oldSpec, ""))
	wantSource(t, src,
		"// Values: 0, 1, 2, 5.\ntype TicketStatusEnum int\n",
		"type ColourName = string\n",
		// additionalProperties: false does not stop undeclared fields.
		"type Actions struct {",
		"Extra map[string]json.RawMessage `json:\"-\"`",
		// The codec tables: wire name, Go field, kind.
		"{nil, 21, uint16(unsafe.Offsetof(Uname{}.N2faemailallowed)), 15, kBool},",
		"{`\"2faemailallowed\":`, nil, uint32(unsafe.Offsetof(Uname{}.N2faemailallowed)), kBool},",
		"uint32(unsafe.Offsetof(Appointment{}.Status)), kInt},",
		"{&dectActions, 98, uint16(unsafe.Offsetof(Uname{}.Bydate)), 6, kRecMap},",
	)
}

// TestParamKinds checks Halo's non-OpenAPI parameter types, the parameter
// without a schema, and the parameter declared twice.
func TestParamKinds(t *testing.T) {
	api := buildFixture(t, oldSpec, "")
	op := findOp(t, api, "GET", "/Actions")
	for wire, want := range map[string]ParamKind{
		"ticket_id":  PInt,     // int
		"excludesys": PBool,    // bool
		"utcoffset":  PFloat,   // double, declared twice
		"ids":        PInts,    // List<int>
		"startdate":  PTime,    // DateTime
		"filter":     PString,  // obj
		"agent_id":   PInt,     // no schema, "(int) ..."
		"count":      PInt,     // integer/int32
		"big":        PInt64,   // integer/int64
		"since":      PTime,    // string/date-time
		"tags":       PStrings, // array of string
	} {
		if got := findParam(t, op, wire).Kind; got != want {
			t.Errorf("GET /Actions %s: kind %d, want %d", wire, got, want)
		}
	}
	if !findParam(t, op, "count").Required || findParam(t, op, "ticket_id").Required {
		t.Errorf("GET /Actions: required flags wrong")
	}
	if !op.Paged {
		t.Errorf("GET /Actions takes pageinate, page_no and page_size but is not Paged")
	}
	if len(op.Query) != 14 {
		t.Errorf("GET /Actions has %d query parameters, want 14 (15 declared, one twice)", len(op.Query))
	}
	if w := warningsWith(api, "GET /Actions", "utcoffset", "declared twice"); len(w) != 1 {
		t.Errorf("duplicate parameter not reported once: %q", api.Warnings)
	}
	if got := warningKind(warningsWith(api, "declared twice")[0]); got != "duplicate parameter" {
		t.Errorf("duplicate parameter warning kind = %q", got)
	}

	ta := findOp(t, api, "DELETE", "/TicketApproval/{id}&{seq}")
	if len(ta.PathParams) != 2 || ta.PathParams[0].Name != "ID" || ta.PathParams[1].Name != "Seq" ||
		ta.PathParams[0].Kind != PInt || ta.PathParams[1].Kind != PInt {
		t.Errorf("TicketApproval path params: %+v %+v", ta.PathParams[0], ta.PathParams[1])
	}
	rb := findOp(t, api, "POST", "/Automation/{runbookId}")
	if p := findParam(t, rb, "runbookId"); p.Name != "RunbookID" || p.Kind != PString || p.In != "path" {
		t.Errorf("runbookId: %+v", p)
	}
	if ag := findOp(t, api, "GET", "/Agent/{secret_token}"); !ag.Sensitive {
		t.Errorf("GET /Agent/{secret_token} is not Sensitive")
	}
	if op := findOp(t, api, "GET", "/Actions/{id}"); op.Sensitive {
		t.Errorf("GET /Actions/{id} is Sensitive")
	}

	napi := buildFixture(t, newSpec, "")
	img := findOp(t, napi, "GET", "/Attachment/image")
	if p := findParam(t, img, "file_stream.CanRead"); p.Name != "FileStreamCanRead" || p.Kind != PBool {
		t.Errorf("file_stream.CanRead: %+v", p)
	}

	src := sourceOf(emitFixture(t, oldSpec, ""))
	nsrc := sourceOf(emitFixture(t, newSpec, ""))
	wantSource(t, src,
		"\tUtcoffset  *float64   `query:\"utcoffset\"`\n",
		"\tIds        []int      `query:\"ids\"`\n",
		"\tStartdate  *time.Time `query:\"startdate\"`\n",
		"\tq.ints(\"ids\", p.Ids)\n",
		"\tq.int(\"count\", &p.Count)\n", // required: not a pointer
		"\tq.float(\"utcoffset\", p.Utcoffset)\n",
		`path: "/TicketApproval/" + pathInt(int64(p.ID)) + "&" + pathInt(int64(p.Seq))`,
		`path: "/Agent/" + pathStr(p.SecretToken), logPath: "/Agent/{secret_token}"`,
		`return nil, errMissingPathParam("PostAutomationByRunbookID", "RunbookID")`,
	)
	if n := strings.Count(src, `q.float("utcoffset"`); n != 1 {
		t.Errorf("utcoffset encoded %d times", n)
	}
	if !strings.Contains(nsrc, "\tq.bool(\"file_stream.CanRead\", p.FileStreamCanRead)\n") {
		t.Errorf("dotted query parameter not sent under its wire name")
	}
}

// TestBodies checks request bodies: one JSON schema under four media types,
// a single model, multipart with a file, multipart with key/values pairs.
func TestBodies(t *testing.T) {
	api := buildFixture(t, oldSpec, "")
	if b := findOp(t, api, "POST", "/Actions").Body; b == nil || b.Kind != BodyModels || b.GoType != "[]Actions" || b.Model != "Actions" {
		t.Errorf("POST /Actions body: %+v", b)
	}
	if b := findOp(t, api, "POST", "/Actions/Review").Body; b == nil || b.Kind != BodyModel || b.GoType != "*ActionReview" {
		t.Errorf("POST /Actions/Review body: %+v", b)
	}
	if b := findOp(t, api, "GET", "/Actions").Body; b != nil {
		t.Errorf("GET /Actions has a body: %+v", b)
	}

	doc := findOp(t, api, "POST", "/Attachment/document").Body
	if doc == nil || doc.Kind != BodyMultipart || doc.GoType != "*PostAttachmentDocumentForm" || doc.Form == nil {
		t.Fatalf("POST /Attachment/document body: %+v", doc)
	}
	if f := doc.Form.Fields; len(f) != 2 || !f[0].File || f[0].Wire != "file" || f[0].Name != "File" ||
		f[1].File || f[1].Pairs || f[1].Name != "TicketID" {
		t.Errorf("document form fields: %+v %+v", f[0], f[1])
	}
	fs := findOp(t, api, "POST", "/FormSubmit").Body
	if fs == nil || fs.Kind != BodyMultipart || fs.Form == nil || len(fs.Form.Fields) != 2 {
		t.Fatalf("POST /FormSubmit body: %+v", fs)
	}
	if f := fs.Form.Fields[0]; !f.Pairs || f.PairsType != "KeyValues" || f.PairKey != "Key" || f.PairValue != "Value" {
		t.Errorf("fields form field: %+v", f)
	}

	src := sourceOf(emitFixture(t, oldSpec, ""))
	wantSource(t, src,
		"\tFile     *File   `form:\"file\"`\n",
		"\tw.file(\"file\", f.File)\n",
		"\tFields []KeyValues `form:\"fields\"`\n",
		"\tfor _, kv := range f.Fields {\n\t\tw.values(kv.Key, kv.Value)\n\t}\n",
		"body: modelsBody(p.Body)",
		"body: modelBody(p.Body)",
		"body: formBody(p.Body)",
	)

	// Newer specs leave POST /Attachment untyped; the overlay types it.
	plain := findOp(t, buildFixture(t, newSpec, ""), "POST", "/Attachment").Body
	if plain == nil || plain.Kind != BodyJSON || plain.GoType != "json.RawMessage" {
		t.Errorf("untyped POST /Attachment body: %+v", plain)
	}
	patched := findOp(t, buildFixture(t, newSpec, newOverlay), "POST", "/Attachment").Body
	if patched == nil || patched.Kind != BodyModels || patched.GoType != "[]Attachment" {
		t.Errorf("overlaid POST /Attachment body: %+v", patched)
	}
}

// TestResponsePrecedence checks the response type and its source for each
// rule: spec > overlay > name inference > POST rule > raw, and binary.
func TestResponsePrecedence(t *testing.T) {
	for _, c := range []struct {
		spec, overlay, method, path string
		want                        Resp
	}{
		// Old shape without overlay: inference, POST rule, raw.
		{oldSpec, "", "GET", "/Attachment", Resp{Kind: RespModel, Model: "AttachmentView", Source: SrcInferred}}, // spec's <S>_View
		{oldSpec, "", "GET", "/Attachment/{id}", Resp{Kind: RespModel, Model: "Attachment", Source: SrcInferred}},
		{oldSpec, "", "GET", "/Actions/{id}", Resp{Kind: RespModel, Model: "Actions", Source: SrcInferred}},
		{oldSpec, "", "POST", "/Actions", Resp{Kind: RespModel, Model: "Actions", Source: SrcInferred}},
		// The POST body's AppointmentEdit beats the schema named like the
		// section (which is reported).
		{oldSpec, "", "GET", "/Appointment/{id}", Resp{Kind: RespModel, Model: "AppointmentEdit", Source: SrcPostRule}},
		{oldSpec, "", "POST", "/Appointment", Resp{Kind: RespModel, Model: "AppointmentEdit", Source: SrcPostRule}},
		{oldSpec, "", "GET", "/Widget/{id}", Resp{Kind: RespModel, Model: "WidgetDetail", Source: SrcPostRule}},
		{oldSpec, "", "POST", "/Widget", Resp{Kind: RespModel, Model: "WidgetDetail", Source: SrcPostRule}},
		{oldSpec, "", "PUT", "/Widget/{id}", Resp{Kind: RespRaw, Model: "", Source: SrcRaw}}, // no base, no POST rule for PUT
		// Lists of a section with a record type: a List found by shape.
		{oldSpec, "", "GET", "/Widget", Resp{Kind: RespList, Item: "WidgetDetail", Source: SrcList}},
		{oldSpec, "", "GET", "/Actions", Resp{Kind: RespList, Item: "Actions", Source: SrcList}},
		{oldSpec, "", "DELETE", "/Actions/{id}", Resp{Kind: RespRaw, Model: "", Source: SrcRaw}},
		{oldSpec, "", "GET", "/azureadconnection", Resp{Kind: RespRaw, Model: "", Source: SrcRaw}},
		// Old shape with overlay: overlay beats inference and the POST rule.
		{oldSpec, oldOverlay, "GET", "/Attachment/{id}", Resp{Kind: RespBinary, Model: "", Source: SrcOverlay}},
		{oldSpec, oldOverlay, "GET", "/Widget", Resp{Kind: RespModel, Model: "WidgetView", Source: SrcOverlay}},
		{oldSpec, oldOverlay, "GET", "/Widget/{id}", Resp{Kind: RespModel, Model: "AppointmentEdit", Source: SrcOverlay}},
		{oldSpec, oldOverlay, "POST", "/Widget", Resp{Kind: RespModel, Model: "WidgetDetail", Source: SrcPostRule}},
		{oldSpec, oldOverlay, "GET", "/Appointment", Resp{Kind: RespModels, Model: "Appointment", Source: SrcOverlay}},
		{oldSpec, oldOverlay, "GET", "/Attachment", Resp{Kind: RespModel, Model: "AttachmentView", Source: SrcOverlay}},
		{oldSpec, oldOverlay, "GET", "/azureadconnection", Resp{Kind: RespRaw, Model: "", Source: SrcRaw}}, // entry skipped
		// New shape without overlay: the spec's types, and hints from them.
		{newSpec, "", "GET", "/Tickets", Resp{Kind: RespModel, Model: "FaultsView", Source: SrcSpec}},
		{newSpec, "", "GET", "/Tickets/{id}", Resp{Kind: RespModel, Model: "Faults", Source: SrcInferred}}, // Faults_View -> Faults
		{newSpec, "", "POST", "/Tickets", Resp{Kind: RespModel, Model: "Faults", Source: SrcInferred}},
		{newSpec, "", "GET", "/Client/{id}", Resp{Kind: RespModel, Model: "Area", Source: SrcSpec}},
		{newSpec, "", "GET", "/Client/all", Resp{Kind: RespModels, Model: "Area", Source: SrcSpec}},
		{newSpec, "", "POST", "/Client", Resp{Kind: RespModel, Model: "Area", Source: SrcInferred}}, // hint beats POST body AreaInput
		{newSpec, "", "GET", "/Client", Resp{Kind: RespList, Item: "Area", Source: SrcList}},
		{newSpec, "", "GET", "/Attachment/image", Resp{Kind: RespBinary, Model: "", Source: SrcBinary}},
		{newSpec, "", "GET", "/Attachment/{id}", Resp{Kind: RespModel, Model: "Attachment", Source: SrcInferred}},
		{newSpec, "", "GET", "/Tickets/priority", Resp{Kind: RespRaw, Model: "", Source: SrcRaw}}, // an enum is not a model
		// New shape with overlay: the spec still wins where it types.
		{newSpec, newOverlay, "GET", "/Tickets", Resp{Kind: RespModel, Model: "FaultsView", Source: SrcSpec}},
		{newSpec, newOverlay, "GET", "/Client/{id}", Resp{Kind: RespModel, Model: "Area", Source: SrcSpec}},
		{newSpec, newOverlay, "GET", "/Attachment/image", Resp{Kind: RespBinary, Model: "", Source: SrcBinary}},
		{newSpec, newOverlay, "GET", "/Tickets/{id}", Resp{Kind: RespModel, Model: "FaultsList", Source: SrcOverlay}},
		{newSpec, newOverlay, "GET", "/Client", Resp{Kind: RespModel, Model: "ClientView", Source: SrcOverlay}},
		{newSpec, newOverlay, "GET", "/Attachment/{id}", Resp{Kind: RespBinary, Model: "", Source: SrcOverlay}},
	} {
		api := buildFixture(t, c.spec, c.overlay)
		if got := findOp(t, api, c.method, c.path).Resp; got != c.want {
			t.Errorf("%s+%q: %s %s: response %+v, want %+v", c.spec, c.overlay, c.method, c.path, got, c.want)
		}
	}
	for _, v := range fixtureVariants {
		spec := loadFixture(t, v.spec)
		api, err := Build(spec, loadTestOverlay(t, v.overlay))
		if err != nil {
			t.Fatal(err)
		}
		// specTypesResponse (used before the types exist) agrees with what
		// the response pass decided.
		b := &builder{spec: spec}
		for _, op := range api.Ops {
			fromSpec := op.Resp.Source == SrcSpec || op.Resp.Source == SrcBinary
			if got := b.specTypesResponse((*spec.Paths[op.Path])[strings.ToLower(op.Method)]); got != fromSpec {
				t.Errorf("%s: %s %s: specTypesResponse = %v, response source %q", v.dir, op.Method, op.Path, got, op.Resp.Source)
			}
		}
		total := 0
		for src, n := range api.RespCounts {
			total += n
			got := 0
			for _, op := range api.Ops {
				if op.Resp.Source == src {
					got++
				}
			}
			if got != n {
				t.Errorf("%s: RespCounts[%q] = %d, operations with it: %d", v.dir, src, n, got)
			}
		}
		if total != len(api.Ops) {
			t.Errorf("%s: RespCounts add up to %d, %d operations", v.dir, total, len(api.Ops))
		}
	}
	nsrc := sourceOf(emitFixture(t, newSpec, newOverlay))
	wantSource(t, nsrc,
		"func (s *AttachmentAPI) GetAttachmentImage(ctx context.Context, p GetAttachmentImageParams) ([]byte, error) {\n\tvar out []byte\n",
		"func (s *ClientAPI) GetClientAll(ctx context.Context, p GetClientAllParams) ([]Area, error) {\n\tvar out []Area\n",
		"out: modelsOut(&out)",
		"func (s *TicketsAPI) GetTickets(ctx context.Context, p GetTicketsParams) (*FaultsView, error) {\n\tout := new(FaultsView)\n",
		"// The result type comes from this library's overlay: Halo's spec does not give one.\n",
		"// The result type is inferred from the section's name: Halo's spec does not give one.\n",
	)
}

// TestListWrappers checks list wrappers: synthesized from the overlay when
// the spec has no <S>_View, the spec's own otherwise, and ListInfo on both.
func TestListWrappers(t *testing.T) {
	api := buildFixture(t, oldSpec, oldOverlay)
	wv := findType(t, api, "Widget_View")
	if wv.Name != "WidgetView" || wv.Synthesized == "" {
		t.Errorf("Widget_View: name %s, synthesized %q", wv.Name, wv.Synthesized)
	}
	var wires []string
	for _, f := range wv.Fields {
		wires = append(wires, f.Wire)
	}
	if !reflect.DeepEqual(wires, []string{"record_count", "widgets", "page_no", "page_size"}) {
		t.Errorf("Widget_View fields: %v", wires)
	}
	if f := findField(t, wv, "widgets"); f.T != (FieldType{Kind: KModel, Slice: true, Ref: "WidgetDetail"}) {
		t.Errorf("Widget_View.widgets: %+v", f.T)
	}
	if wv.List == nil || *wv.List != (ListInfo{Key: "widgets", Field: "Widgets", Item: "WidgetDetail"}) {
		t.Errorf("Widget_View.List = %+v", wv.List)
	}
	// The spec's own Attachment_View is kept, even though the overlay names
	// another key (reported).
	av := findType(t, api, "Attachment_View")
	if av.Synthesized != "" || av.List == nil || av.List.Key != "attachments" || av.List.Item != "Attachment" {
		t.Errorf("Attachment_View: synthesized %q, list %+v", av.Synthesized, av.List)
	}
	if w := warningsWith(api, "Attachment_View", `"files"`); len(w) != 1 {
		t.Errorf("missing list key not reported: %q", api.Warnings)
	}
	// Without the overlay, no wrapper is made up.
	if hasType(buildFixture(t, oldSpec, ""), "Widget_View") {
		t.Errorf("Widget_View exists without the overlay")
	}

	napi := buildFixture(t, newSpec, newOverlay)
	cv := findType(t, napi, "Client_View")
	if cv.Synthesized == "" || cv.List == nil || *cv.List != (ListInfo{Key: "clients", Field: "Clients", Item: "Area"}) {
		t.Errorf("Client_View: synthesized %q, list %+v", cv.Synthesized, cv.List)
	}
	// The spec's Faults_View has two arrays of models: the records are the
	// ones of the section's record type.
	fv := findType(t, napi, "Faults_View")
	if fv.List == nil || *fv.List != (ListInfo{Key: "tickets", Field: "Tickets", Item: "FaultsList"}) {
		t.Errorf("Faults_View.List = %+v", fv.List)
	}
	// The spec types GET /Tickets: the overlay's list entry for it must not
	// leave an unused wrapper type behind, and is reported.
	if hasType(napi, "Tickets_View") {
		t.Errorf("unused Tickets_View synthesized for an operation the spec types")
	}
	if w := warningsWith(napi, "GET /Tickets:", "overlay response not used"); len(w) != 1 {
		t.Errorf("overridden overlay entry not reported: %q", napi.Warnings)
	}

	src := sourceOf(emitFixture(t, oldSpec, oldOverlay))
	wantSource(t, src,
		"// WidgetView is Halo's list wrapper for Widget: returned by GET /Widget.\n",
		"// The records are in Widgets (JSON \"widgets\").\ntype WidgetView struct {\n",
		"\tWidgets     []WidgetDetail `json:\"widgets,omitempty\"`\n",
	)
}

// TestOverlayMissingTargets checks that overlay entries whose target a spec
// lacks are reported in Warnings and skipped, not fatal.
func TestOverlayMissingTargets(t *testing.T) {
	api := buildFixture(t, oldSpec, oldOverlay)
	for _, want := range [][]string{
		{"operation GET /Nowhere not in spec"},
		{`"Widget" is not "METHOD /path"`},
		{"PUT /Widget/{id}", "NoSuchBody", "not in spec"},
		{"GET /azureadconnection", "NoSuchRef", "not in spec"},
		{"DELETE /Actions/{id}", "NoSuchItems", "not in spec"},
		{"schema NoSuchSchema not in spec"},
	} {
		w := warningsWith(api, want...)
		if len(w) != 1 {
			t.Errorf("want one warning with %q, got %q", want, w)
			continue
		}
		if k := warningKind(w[0]); k != "overlay entry not applied" {
			t.Errorf("warning %q has kind %q", w[0], k)
		}
	}
	if b := findOp(t, api, "PUT", "/Widget/{id}").Body; b != nil {
		t.Errorf("PUT /Widget/{id} got a body from a skipped overlay entry: %+v", b)
	}
	if r := findOp(t, api, "DELETE", "/Actions/{id}").Resp; r.Source != SrcRaw {
		t.Errorf("DELETE /Actions/{id} typed from a skipped overlay entry: %+v", r)
	}
	// The rest of the overlay still applies: the schema patch.
	appt := findType(t, api, "Appointment")
	if f := findField(t, appt, "site_name"); f.T.Kind != KString {
		t.Errorf("overlay-added site_name: %+v", f.T)
	}
	if f := findField(t, appt, "subject"); f.T.Kind != KInt {
		t.Errorf("overlay-retyped subject: %+v", f.T)
	}
	if len(appt.Fields) != 8 {
		t.Errorf("Appointment has %d fields, want 6 from the spec + 2 from the overlay", len(appt.Fields))
	}
	// Warnings are sorted, so that the report is stable.
	for i := 1; i < len(api.Warnings); i++ {
		if api.Warnings[i-1] > api.Warnings[i] {
			t.Errorf("warnings not sorted: %q before %q", api.Warnings[i-1], api.Warnings[i])
		}
	}
	var rep bytes.Buffer
	api.Report(&rep, true)
	if !strings.Contains(rep.String(), "overlay entry not applied") || !strings.Contains(rep.String(), "GET /Nowhere") {
		t.Errorf("report does not list the skipped overlay entries:\n%s", rep.String())
	}
}

// TestLoadOverlayRejects checks that an overlay entry without a reason, or
// with a field the generator does not know, is an error.
func TestLoadOverlayRejects(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{
		"noreason.json":   `{"operations": [{"op": "GET /X", "reason": " ", "response": {"binary": true}}]}`,
		"noreason2.json":  `{"schemas": [{"schema": "X", "properties": {}}]}`,
		"unknown.json":    `{"operations": [{"op": "GET /X", "reason": "r", "respons": {"binary": true}}]}`,
		"notoverlay.json": `[1, 2]`,
	} {
		p := filepath.Join(dir, name)
		writeFile(t, p, []byte(text))
		if _, err := LoadOverlay(p); err == nil {
			t.Errorf("LoadOverlay(%s) accepted %s", name, text)
		}
	}
	if _, err := LoadOverlay(filepath.Join(dir, "absent.json")); err == nil {
		t.Errorf("LoadOverlay of a missing file succeeded")
	}
	// The repository's overlay loads, and every entry has a reason.
	if _, err := LoadOverlay("overlay.json"); err != nil {
		t.Errorf("repository overlay: %v", err)
	}
}

// TestParseSpecRejects checks the few things ParseSpec refuses.
func TestParseSpecRejects(t *testing.T) {
	for _, doc := range []string{
		`{"swagger": "2.0", "paths": {"/X": {}}}`,
		`{"openapi": "3.0.1", "paths": {}}`,
		`{"openapi": "3.0.1", "paths": `,
	} {
		if _, err := ParseSpec([]byte(doc)); err == nil {
			t.Errorf("ParseSpec accepted %s", doc)
		}
	}
}

// TestOverlayNotModified checks that Build leaves the overlay it is given
// as it was, so one overlay can serve several specs.
func TestOverlayNotModified(t *testing.T) {
	for _, v := range fixtureVariants {
		if v.overlay == "" {
			continue
		}
		ov := loadTestOverlay(t, v.overlay)
		before := loadTestOverlay(t, v.overlay)
		a1, err := Build(loadFixture(t, v.spec), ov)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ov, before) {
			t.Errorf("%s: Build modified the overlay", v.dir)
		}
		a2, err := Build(loadFixture(t, v.spec), ov)
		if err != nil {
			t.Fatal(err)
		}
		f1, _ := Emit(a1, "halopsa")
		f2, _ := Emit(a2, "halopsa")
		if !reflect.DeepEqual(f1, f2) || !reflect.DeepEqual(a1.Warnings, a2.Warnings) {
			t.Errorf("%s: a second Build with the same overlay differs", v.dir)
		}
	}
}

// TestEmitHeaderAndFormat checks every emitted file: the generated-code
// header, gofmt'ed, the package clause, imports all used, and the file name
// scheme.
func TestEmitHeaderAndFormat(t *testing.T) {
	// The exact form Go tools recognise (https://go.dev/s/generatedcode).
	if Header != "// Code generated by halopsa-gen. DO NOT EDIT." {
		t.Fatalf("Header = %q", Header)
	}
	for _, v := range fixtureVariants {
		files := emitFixture(t, v.spec, v.overlay)
		if _, ok := files[fileSections]; !ok {
			t.Errorf("%s: no %s", v.dir, fileSections)
		}
		for name, src := range files {
			if !bytes.HasPrefix(src, []byte(Header+"\n")) {
				t.Errorf("%s/%s: does not start with %q", v.dir, name, Header)
			}
			fmted, err := format.Source(src)
			if err != nil {
				t.Errorf("%s/%s: %v", v.dir, name, err)
			} else if !bytes.Equal(fmted, src) {
				t.Errorf("%s/%s: not gofmt'ed", v.dir, name)
			}
			if !validGenName(name) {
				t.Errorf("%s: unexpected file name %s", v.dir, name)
			}
			f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
			if err != nil {
				t.Errorf("%s/%s: %v", v.dir, name, err)
				continue
			}
			want := "halopsa"
			switch {
			case strings.HasPrefix(name, "halopsatest/"):
				want = "halopsatest"
			case name == fileCLI:
				want = "main"
			}
			if f.Name.Name != want {
				t.Errorf("%s/%s: package %s", v.dir, name, f.Name.Name)
			}
			if again, _ := formatFile(src); !bytes.Equal(again, src) {
				t.Errorf("%s/%s: has unused imports or is not gofmt-stable", v.dir, name)
			}
		}
	}
	// The package name is a parameter.
	files, err := Emit(buildFixture(t, newSpec, ""), "tenant")
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range files {
		if strings.HasPrefix(name, "halopsatest/") || name == fileCLI {
			continue
		}
		if !bytes.HasPrefix(src, []byte(Header+"\n\npackage tenant\n")) {
			t.Errorf("%s: package clause not tenant", name)
		}
	}
}

// validGenName reports whether name is one of the generator's file names:
// the fixed ones, or <snake_case>_gen.go for a section.
func validGenName(name string) bool {
	switch name {
	case fileSections, fileKinds, fileUnowned, fileModelsTest, fileFakeSpec, fileCLI:
		return true
	}
	base, ok := strings.CutSuffix(name, "_gen.go")
	if !ok || base == "" {
		return false
	}
	for _, r := range base {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// TestEmitDeterministic checks that Build+Emit on the same input gives the
// same bytes and the same warnings, run after run.
func TestEmitDeterministic(t *testing.T) {
	for _, v := range fixtureVariants {
		first := buildFixture(t, v.spec, v.overlay)
		firstFiles, err := Emit(first, "halopsa")
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 3; i++ {
			api := buildFixture(t, v.spec, v.overlay)
			files, err := Emit(api, "halopsa")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(api.Warnings, first.Warnings) {
				t.Errorf("%s: warnings differ between runs", v.dir)
			}
			if len(files) != len(firstFiles) {
				t.Errorf("%s: %d files, then %d", v.dir, len(firstFiles), len(files))
			}
			for name, src := range firstFiles {
				if !bytes.Equal(files[name], src) {
					t.Errorf("%s: %s differs between runs", v.dir, name)
				}
			}
		}
	}
}

// TestRunWritesFiles checks Run end to end on a fixture: files written to
// Out equal the returned ones, and a stale generated file is removed while
// hand-written files are left alone.
func TestRunWritesFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "gen_api_q.go"), []byte(Header+"\n\npackage halopsa\n"))
	writeFile(t, filepath.Join(dir, "notes_gen.go"), []byte("package halopsa\n"))
	writeFile(t, filepath.Join(dir, "client.go"), []byte("package halopsa\n"))
	var log bytes.Buffer
	_, files, err := Run(t.Context(), Options{
		Spec: filepath.Join("testdata", oldSpec), Overlay: filepath.Join("testdata", oldOverlay),
		Out: dir, Log: &log,
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, src) {
			t.Errorf("%s not written as returned (%v)", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "gen_api_q.go")); !os.IsNotExist(err) {
		t.Errorf("stale gen_api_q.go not removed (%v)", err)
	}
	for _, keep := range []string{"client.go", "notes_gen.go"} {
		if _, err := os.Stat(filepath.Join(dir, keep)); err != nil {
			t.Errorf("hand-written %s removed: %v", keep, err)
		}
	}
	if !strings.Contains(log.String(), "9 sections, 22 operations") {
		t.Errorf("report: %s", log.String())
	}
}

// TestReservedNamesCoverCore checks that every exported package-level name
// of the hand-written files in the repository root is in reservedNames, so
// that no schema, section or params type can take it; and that Client's
// only exported method is Do, the one name section fields may not take.
func TestReservedNamesCoverCore(t *testing.T) {
	reserved := map[string]bool{}
	for _, n := range reservedNames {
		reserved[n] = true
	}
	fset := token.NewFileSet()
	for _, name := range coreFiles(t) {
		f, err := parser.ParseFile(fset, filepath.Join(repoRoot, name), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					if d.Name.IsExported() && !reserved[d.Name.Name] {
						t.Errorf("%s: func %s is not in reservedNames", name, d.Name.Name)
					}
					continue
				}
				if recvIs(d, "Client") && d.Name.IsExported() && d.Name.Name != "Do" {
					t.Errorf("%s: method Client.%s: section fields may take its name (only Do is reserved)", name, d.Name.Name)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					var ids []*ast.Ident
					switch s := s.(type) {
					case *ast.TypeSpec:
						ids = []*ast.Ident{s.Name}
					case *ast.ValueSpec:
						ids = s.Names
					}
					for _, id := range ids {
						if id.IsExported() && !reserved[id.Name] {
							t.Errorf("%s: %s is not in reservedNames", name, id.Name)
						}
					}
				}
			}
		}
	}
}

func recvIs(d *ast.FuncDecl, typ string) bool {
	return recvName(d) == typ
}

// recvName is the name of d's receiver type ("" for a function).
func recvName(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) != 1 {
		return ""
	}
	x := d.Recv.List[0].Type
	if s, ok := x.(*ast.StarExpr); ok {
		x = s.X
	}
	if id, ok := x.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

// TestSchemaNameClashes checks that a schema whose Go name a params type,
// a section type or a reserved name holds is renamed and reported.
func TestSchemaNameClashes(t *testing.T) {
	spec, err := ParseSpec([]byte(`{
		"openapi": "3.0.1",
		"paths": {"/Widget": {"get": {"responses": {"200": {"description": "ok"}}}}},
		"components": {"schemas": {
			"GetWidgetParams": {"type": "object", "properties": {"a": {"type": "string"}}},
			"WidgetAPI": {"type": "object"},
			"ParamError": {"type": "object"},
			"widget_api": {"type": "object"}
		}}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	api, err := Build(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, ty := range api.Types {
		names[ty.Schema] = ty.Name
	}
	want := map[string]string{
		"GetWidgetParams": "GetWidgetParams2",
		"ParamError":      "ParamError2",
		"Record":          "Record",
		"WidgetAPI":       "WidgetAPI2",
		"widget_api":      "WidgetAPI3",
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("type names = %v, want %v", names, want)
	}
	if w := warningsWith(api, "Go name"); len(w) != 4 {
		t.Errorf("want 4 schema name warnings, got %q", w)
	}
	if _, err := Emit(api, "halopsa"); err != nil {
		t.Fatal(err)
	}
}

// TestFormPairsUnresolvedRef checks that a multipart field whose items
// $ref names no schema is reported and sent as text, not a crash.
func TestFormPairsUnresolvedRef(t *testing.T) {
	spec, err := ParseSpec([]byte(`{
		"openapi": "3.0.1",
		"paths": {"/Upload": {"post": {
			"requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
				"pairs": {"type": "array", "items": {"$ref": "#/components/schemas/Gone"}}
			}}}}},
			"responses": {"200": {"description": "ok"}}
		}}}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	api, err := Build(spec, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := findOp(t, api, "POST", "/Upload").Body.Form.Fields[0]
	if f.Pairs || f.File || f.Name != "Pairs" {
		t.Errorf("form field: %+v", f)
	}
	if w := warningsWith(api, "POST /Upload", "pairs"); len(w) != 1 {
		t.Errorf("unresolved form items not reported: %q", api.Warnings)
	}
	if _, err := Emit(api, "halopsa"); err != nil {
		t.Fatal(err)
	}
}

// TestLazyRecursive: a record type that can contain itself and reaches
// more than maxEagerWeb types is Lazy where it is nested (its cycles are
// broken, so the decode tables can point at each other statically), and a
// map of it is raw; one that reaches fewer stays typed, its cycles closed
// through stand-in tables; other nested records stay typed.
func TestLazyRecursive(t *testing.T) {
	areaFields := func(api *API) map[string]FieldType {
		got := map[string]FieldType{}
		for _, ty := range api.Types {
			if ty.Name == "Area" {
				for _, f := range ty.Fields {
					got[f.Wire] = f.T
				}
			}
		}
		return got
	}
	check := func(api *API, want map[string]FieldType) {
		t.Helper()
		got := areaFields(api)
		for wire, w := range want {
			if got[wire] != w {
				t.Errorf("%s: %+v, want %+v", wire, got[wire], w)
			}
		}
	}

	// Area reaches 2 record types (itself and Faults): a small web, typed.
	api := buildFixture(t, newSpec, "")
	if api.LazyTypes != 0 {
		t.Errorf("LazyTypes = %d, want 0", api.LazyTypes)
	}
	check(api, map[string]FieldType{
		"parent_area":   {Kind: KModel, Ref: "Area", Cycle: true},
		"sub_areas":     {Kind: KModel, Slice: true, Ref: "Area", Cycle: true},
		"areas_by_name": {Kind: KModelMap, Ref: "Area", Cycle: true},
		"top_ticket":    {Kind: KModel, Ref: "Faults"},
	})
	src := sourceOf(emitFixture(t, newSpec, ""))
	wantSource(t, src,
		"\tParentArea  *Area           `json:\"parent_area,omitempty\"`\n",
		"{&refDecArea, 17, uint16(unsafe.Offsetof(Area{}.SubAreas)), 9, kMany},",
		"{`\"areas_by_name\":`, &refEncArea, uint32(unsafe.Offsetof(Area{}.AreasByName)), kRecMap},",
		"{&dectFaults, 39, uint16(unsafe.Offsetof(Area{}.TopTicket)), 10, kOne},",
		"\trefDecArea = decTable{ref: decTableOf[Area]}\n",
	)

	// With a smaller bound, Area is a web to make lazy.
	defer func(n int) { maxEagerWeb = n }(maxEagerWeb)
	maxEagerWeb = 1
	api = buildFixture(t, newSpec, "")
	if api.LazyTypes != 1 {
		t.Errorf("LazyTypes = %d, want 1 (Area)", api.LazyTypes)
	}
	check(api, map[string]FieldType{
		"parent_area":   {Kind: KModel, Ref: "Area", Lazy: true},
		"sub_areas":     {Kind: KModel, Slice: true, Ref: "Area", Lazy: true},
		"areas_by_name": {Kind: KMap},
		"top_ticket":    {Kind: KModel, Ref: "Faults"},
	})
	found := false
	for _, w := range api.Warnings {
		found = found || strings.Contains(w, "Area.AreasByName") && warningKind(w) == "recursive record map kept raw"
	}
	if !found {
		t.Errorf("no warning for the map of Area records: %v", api.Warnings)
	}
	src = sourceOf(emitFixture(t, newSpec, ""))
	wantSource(t, src,
		"\tParentArea  Lazy[Area]                 `json:\"parent_area,omitzero\"`\n",
		"\tSubAreas    LazyList[Area]             `json:\"sub_areas,omitzero\"`\n",
		"{nil, 6, uint16(unsafe.Offsetof(Area{}.ParentArea)), 11, kLazy},",
		"{`\"sub_areas\":`, nil, uint32(unsafe.Offsetof(Area{}.SubAreas)), kLazyList},",
		"{&dectFaults, 39, uint16(unsafe.Offsetof(Area{}.TopTicket)), 10, kOne},",
	)
}

// TestLayout: each section's file holds its API and the models it owns by
// the rule of layout.go; models no operation reaches are in models_gen.go;
// file names are the sections' names in snake case.
func TestLayout(t *testing.T) {
	files := emitFixture(t, newSpec, "")
	has := func(file, decl string) bool { return strings.Contains(string(files[file]), decl) }
	for _, c := range []struct{ file, decl string }{
		{"tickets_gen.go", "type TicketsAPI service\n"},
		{"tickets_gen.go", "type Faults struct {"},       // GET /Tickets/{id}, POST /Tickets
		{"tickets_gen.go", "type FaultsView struct {"},   // GET /Tickets
		{"tickets_gen.go", "type FaultsList struct {"},   // the records of GET /Tickets
		{"tickets_gen.go", "var dectFaults = decTable{"}, // with its codec tables
		{"client_gen.go", "type ClientAPI service\n"},
		{"client_gen.go", "type Area struct {"},
		{"attachment_gen.go", "type AttachmentAPI service\n"},
		{fileSections, "type Client struct {"},
		{fileKinds, "\tkStr      uint8 = iota // *string\n"},
		{fileModelsTest, "\t(*Faults)(nil),\n"},
	} {
		if !has(c.file, c.decl) {
			t.Errorf("%s does not hold %q", c.file, c.decl)
		}
	}
	for name, src := range files {
		if strings.Count(string(src), "type Faults struct {") > 0 && name != "tickets_gen.go" {
			t.Errorf("Faults is also in %s", name)
		}
	}
	for in, want := range map[string]string{
		"ClientContract": "client-contract", "AISuggestion": "ai-suggestion", "Azureadconnection": "azureadconnection",
		"GetTicketsByID": "get-tickets-by-id", "AWSDetails": "aws-details", "PostActionsReview": "post-actions-review",
		"N2faemailallowed": "n2faemailallowed", "Test1": "test1",
	} {
		if got := Kebab(in); got != want {
			t.Errorf("Kebab(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSurface checks the rules about names people know, on the surface
// fixture: aliases, getters (and their clashes), "(array of int)"
// parameters, ids the spec types as numbers, lists found by shape, /me,
// generic Records, and the overlay's Lazy pins.
func TestSurface(t *testing.T) {
	api := buildFixture(t, surfaceSpec, surfaceOverlay)
	thing := findType(t, api, "Thing")
	fields := map[string]*Field{}
	for _, f := range thing.Fields {
		fields[f.Wire] = f
	}
	for wire, want := range map[string]FieldType{
		"id":        {Kind: KInt},
		"owner_id":  {Kind: KInt},
		"weight":    {Kind: KFloat64},                        // not an id
		"main_part": {Kind: KModel, Ref: "Part", Lazy: true}, // pinned
		"parts":     {Kind: KModel, Slice: true, Ref: "Part"},
	} {
		if got := fields[wire].T; got != want {
			t.Errorf("Thing.%s: %+v, want %+v", wire, got, want)
		}
	}
	for wire, want := range map[string]string{
		"id": "GetID", "name": "GetName2", "get_name": "GetGetName", "when": "GetWhen", "parts": "", "main_part": "",
	} {
		if got := fields[wire].Getter; got != want {
			t.Errorf("Thing.%s getter %q, want %q", wire, got, want)
		}
	}
	if fmt.Sprint(thing.Aliases) != "[Widget Gadget]" || len(api.Aliases) != 2 {
		t.Errorf("aliases %v (%d in all)", thing.Aliases, len(api.Aliases))
	}
	if p := findOp(t, api, "GET", "/Thing").Query[0]; p.Name != "Owner" || p.Kind != PInts {
		t.Errorf("owner: %+v", p)
	}
	for _, c := range []struct {
		method, path string
		want         Resp
		iterator     bool
	}{
		{"GET", "/Thing", Resp{Kind: RespList, Item: "ThingList", Source: SrcList}, true},
		{"GET", "/Thing/me", Resp{Kind: RespModel, Model: "Thing", Source: SrcMe}, false},
		{"GET", "/Thing/{id}", Resp{Kind: RespModel, Model: "Thing", Source: SrcInferred}, false},
		{"GET", "/Log", Resp{Kind: RespList, Item: "Record", Source: SrcAnyList}, true},
	} {
		op := findOp(t, api, c.method, c.path)
		if op.Resp != c.want || (op.AllName != "") != c.iterator {
			t.Errorf("%s %s: %+v (iterator %q), want %+v", c.method, c.path, op.Resp, op.AllName, c.want)
		}
	}
	for _, w := range []string{
		"overlay: alias Client of Part: the name is taken",
		"overlay: aliases of NoSuchSchema: no such record schema",
		"lazy: the overlay pins Thing.nowhere, which the spec does not have",
		"lazy: the overlay pins Thing.name, which is not a nested record",
		"lazy: the overlay pins Thing.main_part as Lazy; by the rule it would now be typed",
	} {
		if len(warningsWith(api, w)) != 1 {
			t.Errorf("no warning %q in %q", w, api.Warnings)
		}
	}
	src := sourceOf(emitFixture(t, surfaceSpec, surfaceOverlay))
	wantSource(t, src,
		"// Thing is a widget or gadget (Halo's Thing schema; also named Widget and Gadget): returned by POST /Thing, GET /Thing/me, GET /Thing/{id}; sent by POST /Thing.\n",
		"type Widget = Thing\n",
		"func (x *Thing) GetName2() string {\n\tif x == nil || x.Name == nil {\n",
		"func (x *Thing) GetWhen() Time {\n",
		"\tOwner     []int `query:\"owner\"`\n",
		"func (s *ThingAPI) GetThing(ctx context.Context, p GetThingParams) (*List[ThingList], error) {\n\tout := new(List[ThingList])\n",
		"func (s *LogAPI) GetLogAll(ctx context.Context, p GetLogParams) iter.Seq2[Record, error] {\n",
		"\t\treturn page.Records, page.RecordCount, nil\n",
		"// Record is a record of a list Halo's spec does not describe",
	)
	// Without the overlay, the rule decides alone, and nothing is pinned.
	plain := buildFixture(t, surfaceSpec, "")
	if f := findType(t, plain, "Thing").Fields[6]; f.Wire != "main_part" || f.T.Lazy {
		t.Errorf("without pins: %+v", f)
	}
}

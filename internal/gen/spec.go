// Package gen turns Halo's OpenAPI 3 document into the halopsa client.
//
// It reads the spec leniently (Halo's spec uses type names that are not
// OpenAPI, repeats parameters, and so on), patches it with the overlay kept
// in this repository, builds a language-neutral model of sections,
// operations and schemas, and writes Go source from that model.
package gen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// Spec is the part of an OpenAPI 3 document the generator reads.
type Spec struct {
	OpenAPI    string `json:"openapi"`
	Info       struct{ Title, Version string }
	Paths      map[string]*PathItem `json:"paths"`
	Components struct {
		Schemas OrderedSchemas `json:"schemas"`
	} `json:"components"`
}

// PathItem holds the operations of one path, keyed by lower-case method.
type PathItem map[string]*Operation

var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true, "options": true, "head": true, "patch": true, "trace": true}

// UnmarshalJSON reads the operations of a path item. Path-level parameters
// are copied into every operation that does not declare its own; other
// path-level keys (summary, servers, ...) are ignored.
func (p *PathItem) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	var shared []*Parameter
	if ps, ok := raw["parameters"]; ok {
		if err := json.Unmarshal(ps, &shared); err != nil {
			return fmt.Errorf("path parameters: %w", err)
		}
	}
	*p = PathItem{}
	for k, v := range raw {
		m := strings.ToLower(k)
		if !httpMethods[m] {
			continue
		}
		var op *Operation
		if err := json.Unmarshal(v, &op); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		if op == nil {
			continue
		}
		for _, sp := range shared {
			if sp == nil {
				continue
			}
			found := false
			for _, own := range op.Parameters {
				if own != nil && own.Name == sp.Name && own.In == sp.In {
					found = true
				}
			}
			if !found {
				op.Parameters = append(op.Parameters, sp)
			}
		}
		(*p)[m] = op
	}
	return nil
}

// Operation is one OpenAPI operation.
type Operation struct {
	OperationID string               `json:"operationId"`
	Tags        []string             `json:"tags"`
	Summary     string               `json:"summary"`
	Description string               `json:"description"`
	Parameters  []*Parameter         `json:"parameters"`
	RequestBody *RequestBody         `json:"requestBody"`
	Responses   map[string]*Response `json:"responses"`
}

// Parameter is one path or query parameter.
type Parameter struct {
	Name        string  `json:"name"`
	In          string  `json:"in"`
	Description string  `json:"description"`
	Required    bool    `json:"required"`
	Schema      *Schema `json:"schema"`
}

// RequestBody maps media types to body schemas.
type RequestBody struct {
	Required bool                  `json:"required"`
	Content  map[string]*MediaType `json:"content"`
}

// Response is one response of an operation.
type Response struct {
	Description string                `json:"description"`
	Content     map[string]*MediaType `json:"content"`
}

// MediaType wraps the schema of one media type.
type MediaType struct {
	Schema *Schema `json:"schema"`
}

// Schema is the subset of an OpenAPI schema object the generator uses.
// AdditionalProperties is kept raw because it may be a bool or a schema.
type Schema struct {
	Ref                  string            `json:"$ref"`
	Type                 string            `json:"type"`
	Format               string            `json:"format"`
	Description          string            `json:"description"`
	Nullable             bool              `json:"nullable"`
	ReadOnly             bool              `json:"readOnly"`
	MaxLength            *int              `json:"maxLength"`
	Items                *Schema           `json:"items"`
	Properties           OrderedSchemas    `json:"properties"`
	Required             []string          `json:"required"`
	AdditionalProperties json.RawMessage   `json:"additionalProperties"`
	Enum                 []json.RawMessage `json:"enum"`
	AllOf                []*Schema         `json:"allOf"`
}

// RefName returns the component name a local $ref points to, or "".
func (s *Schema) RefName() string {
	if s == nil {
		return ""
	}
	return strings.TrimPrefix(s.Ref, "#/components/schemas/")
}

// AdditionalSchema returns the schema of additionalProperties when it is an
// object schema (not a bare true/false).
func (s *Schema) AdditionalSchema() *Schema {
	raw := bytes.TrimSpace(s.AdditionalProperties)
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	var a Schema
	if json.Unmarshal(raw, &a) != nil {
		return nil
	}
	return &a
}

// NamedSchema is one entry of an ordered schema map.
type NamedSchema struct {
	Name   string
	Schema *Schema
}

// OrderedSchemas keeps the order in which a JSON object lists its schemas,
// so that generated struct fields follow the spec's field order.
type OrderedSchemas []NamedSchema

// UnmarshalJSON reads an object of schemas in document order.
func (o *OrderedSchemas) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("schemas: want object, got %v", tok)
	}
	seen := map[string]int{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name := tok.(string)
		var s Schema
		if err := dec.Decode(&s); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if i, dup := seen[name]; dup { // last one wins, as in encoding/json
			(*o)[i].Schema = &s
			continue
		}
		seen[name] = len(*o)
		*o = append(*o, NamedSchema{name, &s})
	}
	_, err = dec.Token()
	return err
}

// MarshalJSON writes the schemas back in order (used by tests and fixtures).
func (o OrderedSchemas) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, ns := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(ns.Name)
		v, err := json.Marshal(ns.Schema)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// Get returns the named schema or nil.
func (o OrderedSchemas) Get(name string) *Schema {
	for _, ns := range o {
		if ns.Name == name {
			return ns.Schema
		}
	}
	return nil
}

// LoadSpec reads a spec from a file path or an http(s) URL.
func LoadSpec(ctx context.Context, src string) (*Spec, error) {
	data, err := readSource(ctx, src)
	if err != nil {
		return nil, err
	}
	return ParseSpec(data)
}

// ParseSpec parses an OpenAPI 3 document.
func ParseSpec(data []byte) (*Spec, error) {
	var s Spec
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("parse spec: %w", err)
	}
	if !strings.HasPrefix(s.OpenAPI, "3.") {
		return nil, fmt.Errorf("parse spec: openapi version %q is not 3.x", s.OpenAPI)
	}
	if len(s.Paths) == 0 {
		return nil, fmt.Errorf("parse spec: no paths")
	}
	// Drop null entries so that the builder never meets a nil.
	for path, item := range s.Paths {
		if item == nil {
			delete(s.Paths, path)
			continue
		}
		for _, op := range *item {
			params := op.Parameters[:0]
			for _, p := range op.Parameters {
				if p != nil && p.Name != "" {
					params = append(params, p)
				}
			}
			op.Parameters = params
			if op.RequestBody != nil {
				dropNilMedia(op.RequestBody.Content)
			}
			for code, r := range op.Responses {
				if r == nil {
					delete(op.Responses, code)
					continue
				}
				dropNilMedia(r.Content)
			}
		}
	}
	return &s, nil
}

func dropNilMedia(m map[string]*MediaType) {
	for k, v := range m {
		if v == nil {
			delete(m, k)
		}
	}
}

func readSource(ctx context.Context, src string) ([]byte, error) {
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, fmt.Errorf("fetch spec: %w", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("fetch spec %s: %s", src, resp.Status)
		}
		return io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	}
	return os.ReadFile(src)
}

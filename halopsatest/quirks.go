package halopsatest

import (
	"encoding/json"
	"hash/fnv"
	"strings"
)

// quirkBareList names the sections whose unpaged lists come back as bare
// arrays in quirks mode, as some tenants send them.
var quirkBareList = map[string]bool{"site": true, "users": true}

func fieldHash(name string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(name))
	return h.Sum32()
}

// quirk renders a record the way real tenants do. Which fields get which
// treatment depends only on the field name, so runs are repeatable.
func quirk(schema string, rec record) record {
	fs := schemaFields(schema)
	out := make(record, len(rec)+2)
	for k, v := range rec {
		f, declared := fs[k]
		out[k] = v
		if !declared || f.slice {
			continue
		}
		h := fieldHash(k)
		switch f.kind {
		case fInt:
			if n, ok := v.(json.Number); ok && !strings.ContainsAny(n.String(), ".eE") {
				switch h % 3 {
				case 1:
					out[k] = n.String() // "21"
				case 2:
					out[k] = json.Number(n.String() + ".0") // 21.0
				}
			}
		case fBool:
			if b, ok := v.(bool); ok && h%4 == 3 {
				out[k] = json.Number(map[bool]string{true: "1", false: "0"}[b])
			}
		case fTime:
			if s, ok := v.(string); ok {
				out[k] = strings.TrimSuffix(s, "Z") // zone-less, as Halo sends
			}
		}
	}
	out["_quirk_undeclared"] = "a field the spec does not declare"
	out["cf_halopsatest_score"] = json.Number("7")
	return out
}

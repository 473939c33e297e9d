package halopsatest

import "testing"

// Every fault kind has a JSON name, so that a kind added later marshals
// (POST /_halopsatest/faults takes faults by kind name).
func TestEveryFaultKindHasAJSONName(t *testing.T) {
	for k, desc := range faultNames {
		b, err := k.MarshalText()
		if err != nil {
			t.Errorf("%s (%d): %v", desc, int(k), err)
			continue
		}
		var back FaultKind
		if err := back.UnmarshalJSON([]byte(`"` + string(b) + `"`)); err != nil || back != k {
			t.Errorf("%s: %s reads back as %v, %v", desc, b, back, err)
		}
	}
	if len(kindNames) != len(faultNames) {
		t.Errorf("%d kinds with a JSON name, %d kinds", len(kindNames), len(faultNames))
	}
}

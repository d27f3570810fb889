package floor

import "testing"

// FuzzParse: any bytes parse or fail without panicking, and a record
// read survives its own write.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"format":1,"floor":"1.2.0","pending":{"slot":"B","version":"1.3.0","min_version":"1.3.0"}}`))
	f.Add([]byte(`{"format":9,"x":[1,2],"floor":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Parse(b)
		if err != nil {
			return
		}
		back, err := Parse(r.Marshal())
		if err != nil {
			t.Fatalf("%s written as %s: %v", b, r.Marshal(), err)
		}
		if back.Floor != r.Floor || (back.Pending == nil) != (r.Pending == nil) || back.format < r.format {
			t.Fatalf("%s → %+v → %+v", b, r, back)
		}
	})
}

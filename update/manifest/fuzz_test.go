package manifest

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzParse: Parse never panics; what it accepts is canonical, so
// encoding the parsed manifest again gives back the signed bytes.
func FuzzParse(f *testing.F) {
	f.Add(sign(f, fullManifest(), devKeyNew))
	f.Add(sign(f, deltaManifest(), devKeyNew, devKeyOld))
	f.Add([]byte(`{"manifest":{},"signatures":[]}`))
	f.Add([]byte(`{"manifest":null}`))
	kr := devKeyring(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			return
		}
		canon, err := Encode(s.Manifest)
		if err != nil {
			t.Fatalf("parsed manifest does not encode: %v", err)
		}
		var env struct{ Manifest json.RawMessage }
		if err := json.Unmarshal(data, &env); err != nil || !bytes.Equal(canon, env.Manifest) {
			t.Fatalf("parsed %s, encodes as %s", env.Manifest, canon)
		}
		_, _ = Verify(data, kr, now, terminal())
	})
}

package facerec

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
)

// Files of the model in face-api's layout.
const (
	ManifestFile = "face_recognition_model-weights_manifest.json"
	// ModelEnv names the environment variable that overrides
	// DefaultModelDir.
	ModelEnv = "PAYTERM_FACE_MODEL"
)

// DefaultModelDir is where tools/deps.sh installs the model under the
// repository root, unless $PAYTERM_FACE_MODEL names another directory.
func DefaultModelDir(repoRoot string) string {
	if dir := os.Getenv(ModelEnv); dir != "" {
		return dir
	}
	return filepath.Join(repoRoot, "out", "models", "face-api")
}

// maxShardBytes bounds one shard file (the real one is 6.2 MiB).
const maxShardBytes = 64 << 20

// manifest is TensorFlow.js's weights manifest: groups of shard files
// whose concatenated bytes hold the weights in order.
type manifest []struct {
	Paths   []string `json:"paths"`
	Weights []struct {
		Name         string `json:"name"`
		Shape        []int  `json:"shape"`
		Dtype        string `json:"dtype"`
		Quantization *struct {
			Dtype string  `json:"dtype"`
			Scale float64 `json:"scale"`
			Min   float64 `json:"min"`
		} `json:"quantization"`
	} `json:"weights"`
}

// Load reads the manifest and its shards from dir, dequantizes the
// weights (value = min + q × scale) and checks every tensor the network
// needs is there with its shape. A missing or short file, an unknown
// dtype or a wrong shape is an error naming it.
func Load(dir string) (*Net, error) {
	raw, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("facerec: load: %w", err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("facerec: load: %s: %w", ManifestFile, err)
	}
	weights := map[string]tensorData{}
	for _, g := range m {
		data, err := readShards(dir, g.Paths)
		if err != nil {
			return nil, err
		}
		for _, w := range g.Weights {
			n := 1
			for _, d := range w.Shape {
				if d <= 0 || d > 1<<20 {
					return nil, fmt.Errorf("facerec: load: %s: bad shape %v", w.Name, w.Shape)
				}
				n *= d
			}
			vals, rest, err := decodeWeight(data, n, w.Dtype, w.Quantization)
			if err != nil {
				return nil, fmt.Errorf("facerec: load: %s: %w", w.Name, err)
			}
			data = rest
			weights[w.Name] = tensorData{shape: w.Shape, vals: vals}
		}
	}
	net, err := build(weights)
	if err != nil {
		return nil, fmt.Errorf("facerec: load %s: %w", dir, err)
	}
	return net, nil
}

// tensorData is one dequantized weight tensor, row-major in its shape.
type tensorData struct {
	shape []int
	vals  []float64
}

// readShards concatenates a group's shard files.
func readShards(dir string, paths []string) ([]byte, error) {
	var all []byte
	for _, p := range paths {
		if p != filepath.Base(p) {
			return nil, fmt.Errorf("facerec: load: shard path %q leaves the model directory", p)
		}
		f, err := os.Open(filepath.Join(dir, p))
		if err != nil {
			return nil, fmt.Errorf("facerec: load: %w", err)
		}
		b, err := io.ReadAll(io.LimitReader(f, maxShardBytes+1))
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("facerec: load: %s: %w", p, err)
		}
		if len(b) > maxShardBytes {
			return nil, fmt.Errorf("facerec: load: %s larger than %d bytes", p, maxShardBytes)
		}
		all = append(all, b...)
	}
	return all, nil
}

// errShort reports shards that end before the manifest's weights do.
var errShort = errors.New("shard data ends early (missing or truncated file)")

// decodeWeight takes n values off the front of data.
func decodeWeight(data []byte, n int, dtype string, q *struct {
	Dtype string  `json:"dtype"`
	Scale float64 `json:"scale"`
	Min   float64 `json:"min"`
}) (vals []float64, rest []byte, err error) {
	vals = make([]float64, n)
	if q != nil {
		size := map[string]int{"uint8": 1, "uint16": 2}[q.Dtype]
		if size == 0 {
			return nil, nil, fmt.Errorf("quantization dtype %q not supported", q.Dtype)
		}
		if len(data) < n*size {
			return nil, nil, errShort
		}
		for i := range vals {
			var v uint16
			if size == 1 {
				v = uint16(data[i])
			} else {
				v = binary.LittleEndian.Uint16(data[2*i:])
			}
			// float32 as TensorFlow.js stores the dequantized value.
			vals[i] = float64(float32(q.Min + float64(v)*q.Scale))
		}
		return vals, data[n*size:], nil
	}
	if dtype != "float32" {
		return nil, nil, fmt.Errorf("dtype %q not supported", dtype)
	}
	if len(data) < 4*n {
		return nil, nil, errShort
	}
	for i := range vals {
		vals[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:])))
	}
	return vals, data[4*n:], nil
}

// take returns the named tensor after checking its shape.
func take(w map[string]tensorData, name string, shape ...int) ([]float64, error) {
	t, ok := w[name]
	if !ok {
		return nil, fmt.Errorf("weight %s missing", name)
	}
	if !slices.Equal(t.shape, shape) {
		return nil, fmt.Errorf("weight %s has shape %v, want %v", name, t.shape, shape)
	}
	return t.vals, nil
}

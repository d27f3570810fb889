package face

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	pigo "github.com/esimov/pigo/core"
)

// The evaluator must find exactly the windows pigo's RunCascade finds,
// and put pupils where pigo's RunDetector does (pigo's starts are random:
// within 2 px).
func TestDetectorMatchesPigo(t *testing.T) {
	m, err := loadModels()
	if err != nil {
		t.Fatal(err)
	}
	pd, err := pigo.NewPigo().Unpack(facefinderFile)
	if err != nil {
		t.Fatal(err)
	}
	pp, err := pigo.NewPuplocCascade().UnpackCascade(puplocFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"obama.jpg", "two_people.jpg"} {
		t.Run(name, func(t *testing.T) {
			g := grayOf(compose(loadPhoto(t, name), framings[name], 0, 0, 1))
			v := viewOf(g)
			sw := sweep{MinSize: 60, MaxSize: 300, Shift: 0.1, Scale: 1.1}
			var sc detScratch
			ours := m.faces.run(v.pix, v.dim, v.rows, v.cols, sw, &sc, make([]candidate, 0, maxCandidates))
			ip := pigo.ImageParams{Pixels: g.Pix, Rows: v.rows, Cols: v.cols, Dim: v.dim}
			theirs := pd.RunCascade(pigo.CascadeParams{MinSize: 60, MaxSize: 300, ShiftFactor: 0.1, ScaleFactor: 1.1, ImageParams: ip}, 0)
			if len(ours) != len(theirs) || len(ours) == 0 {
				t.Fatalf("%d windows, pigo %d", len(ours), len(theirs))
			}
			for i := range ours {
				o, p := ours[i], theirs[i]
				if o.Row != p.Row || o.Col != p.Col || o.Size != p.Scale || o.Q != p.Q {
					t.Fatalf("window %d: %+v, pigo %+v", i, o, p)
				}
			}
			a := newAnalyser(m)
			f := a.detect(v, false, sw, minScore)[0]
			s := float32(f.size)
			got := m.pupil.locate(v, m.jit, &a.loc, float32(f.centre.Y)-0.075*s, float32(f.centre.X)-0.175*s, 0.25*s, maxPerturbs, false)
			want := pp.RunDetector(pigo.Puploc{Row: int(f.centre.Y - 0.075*f.size), Col: int(f.centre.X - 0.175*f.size),
				Scale: 0.25 * s, Perturbs: maxPerturbs}, ip, 0, false)
			if d := got.dist(point{float64(want.Col), float64(want.Row)}); d > 2 {
				t.Fatalf("pupil at %v, pigo (%d, %d)", got, want.Col, want.Row)
			}
		})
	}
}

// Two windows on one face become one face, and two faces stay two.
func TestSuppress(t *testing.T) {
	tests := []struct {
		name  string
		in    []candidate
		faces int
		first candidate
	}{
		{"one face, three windows", []candidate{{100, 100, 80, 5}, {104, 98, 88, 9}, {98, 102, 72, 3}}, 1, candidate{104, 98, 88, 9}},
		{"two faces", []candidate{{100, 100, 80, 5}, {100, 300, 80, 20}, {102, 302, 84, 10}}, 2, candidate{100, 300, 80, 20}},
		{"nested small window", []candidate{{100, 100, 120, 30}, {100, 100, 30, 2}}, 2, candidate{100, 100, 120, 30}},
		{"none", nil, 0, candidate{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := suppress(slices.Clone(tc.in), 0.3, make([]cluster, 0, maxFaces))
			if len(out) != tc.faces {
				t.Fatalf("%d faces: %+v", len(out), out)
			}
			if tc.faces > 0 && out[0].candidate != tc.first {
				t.Fatalf("first face %+v, want %+v", out[0].candidate, tc.first)
			}
		})
	}
}

// The embedded cascades are the module's, byte for byte.
func TestCascadesMatchModule(t *testing.T) {
	if testing.Short() {
		t.Skip("needs the go command and the module cache (-short)")
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/esimov/pigo").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dir := strings.TrimSpace(string(out))
	for _, c := range []struct {
		path string
		b    []byte
	}{{"facefinder", facefinderFile}, {"puploc", puplocFile}, {"lps/lp93", noseFile}, {"lps/lp84", mouthFile}, {"lps/lp82", chinFile}} {
		want, err := os.ReadFile(filepath.Join(dir, "cascade", c.path))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(c.b, want) {
			t.Errorf("cascade/%s differs from the module's: copy it again", filepath.Base(c.path))
		}
	}
}

func FuzzParseCascade(f *testing.F) {
	f.Add(facefinderFile[:4096])
	f.Add(puplocFile[:4096])
	f.Add(facefinderFile[:16])
	f.Fuzz(func(t *testing.T, b []byte) {
		parseDetector(b)
		parseLocaliser(b)
	})
}

package rootfs

import (
	"os/exec"
	"testing"
)

var debVersionCases = []struct {
	a, b string
	want int // sign
}{
	{"6.1.192-2", "6.1.192-2", 0},
	{"6.1.192-2", "6.1.192-1", 1},
	{"6.1.192-2", "6.1.200-1", -1},
	{"6.1.99-1", "6.1.100-1", -1},
	{"1:1.0", "2.0", 1},
	{"1.0~rc1", "1.0", -1},
	{"1.0~rc1", "1.0~rc2", -1},
	{"1.0~~", "1.0~", -1},
	{"1.0a", "1.0+", -1},
	{"1.0", "1.0-0", 0},
	{"001.2", "1.2", 0},
	{"6.1.192+2", "6.1.192-2", 1},
	{"99999999999999999999-1", "99999999999999999998-1", 1},
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func TestCompareDebianVersions(t *testing.T) {
	for _, c := range debVersionCases {
		if got := sign(CompareDebianVersions(c.a, c.b)); got != c.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := sign(CompareDebianVersions(c.b, c.a)); got != -c.want {
			t.Errorf("Compare(%q, %q) = %d, want %d", c.b, c.a, got, -c.want)
		}
	}
}

// TestCompareDebianVersionsAgreesWithDpkg checks the table against dpkg
// itself, where it is installed (every Debian machine).
func TestCompareDebianVersionsAgreesWithDpkg(t *testing.T) {
	if _, err := exec.LookPath("dpkg"); err != nil {
		t.Skip("no dpkg")
	}
	for _, c := range debVersionCases {
		for _, op := range []struct {
			name string
			ok   bool
		}{{"lt", c.want < 0}, {"eq", c.want == 0}, {"gt", c.want > 0}} {
			err := exec.Command("dpkg", "--compare-versions", c.a, op.name, c.b).Run()
			if (err == nil) != op.ok {
				t.Errorf("dpkg --compare-versions %s %s %s: %v, table says %v", c.a, op.name, c.b, err == nil, op.ok)
			}
		}
	}
}

func FuzzCompareDebianVersions(f *testing.F) {
	for _, c := range debVersionCases {
		f.Add(c.a, c.b)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if CompareDebianVersions(a, a) != 0 {
			t.Fatalf("%q not equal to itself", a)
		}
		if sign(CompareDebianVersions(a, b)) != -sign(CompareDebianVersions(b, a)) {
			t.Fatalf("order of %q and %q not antisymmetric", a, b)
		}
	})
}

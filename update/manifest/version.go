package manifest

import (
	"fmt"
	"strconv"
	"strings"
)

// Versions are 1 to 4 dot-separated decimal numbers without leading
// zeros ("1.4.2"); missing trailing numbers are 0, so "1.4" = "1.4.0".
const maxVersionParts = 4

func parseVersion(s string) ([maxVersionParts]uint32, error) {
	var v [maxVersionParts]uint32
	parts := strings.Split(s, ".")
	if len(parts) > maxVersionParts {
		return v, fmt.Errorf("version %.40q: more than %d numbers: %w", s, maxVersionParts, ErrMalformed)
	}
	for i, p := range parts {
		if p == "" || len(p) > 9 || p[0] == '0' && len(p) > 1 || strings.Trim(p, "0123456789") != "" {
			return v, fmt.Errorf("version %.40q: %w", s, ErrMalformed)
		}
		n, _ := strconv.ParseUint(p, 10, 32)
		v[i] = uint32(n)
	}
	return v, nil
}

// CompareVersions returns -1, 0 or +1 as a is older than, the same as,
// or newer than b; ErrMalformed if either is not a version.
func CompareVersions(a, b string) (int, error) {
	va, err := parseVersion(a)
	if err != nil {
		return 0, fmt.Errorf("manifest: %w", err)
	}
	vb, err := parseVersion(b)
	if err != nil {
		return 0, fmt.Errorf("manifest: %w", err)
	}
	for i := range va {
		switch {
		case va[i] < vb[i]:
			return -1, nil
		case va[i] > vb[i]:
			return 1, nil
		}
	}
	return 0, nil
}

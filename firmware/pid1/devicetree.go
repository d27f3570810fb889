package pid1

import "strings"

// ParseCompatible splits a device tree "compatible" property (as read
// from /proc/device-tree/compatible: NUL-terminated strings, most specific
// first) into its strings.
func ParseCompatible(b []byte) []string {
	var out []string
	for _, s := range strings.Split(string(b), "\x00") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// DefaultCompatible maps device tree compatible strings to board names:
// QEMU's virt machine calls itself "linux,dummy-virt".
func DefaultCompatible() map[string]string {
	return map[string]string{"linux,dummy-virt": "qemu-virt"}
}

// BoardFromCompatible returns the board of the most specific compatible
// string in table, or "".
func BoardFromCompatible(compatible []string, table map[string]string) string {
	for _, c := range compatible {
		if b, ok := table[c]; ok {
			return b
		}
	}
	return ""
}

package rootfs

import (
	"slices"
	"strings"
)

// kernelBanner is the first line the kernel's boot stub prints: where
// U-Boot's part of a console log ends.
const kernelBanner = "Booting Linux"

// UBootLog is U-Boot's part of a console log: everything before the
// kernel's banner, or all of it when the kernel never started.
func UBootLog(console string) string {
	uboot, _, _ := strings.Cut(console, kernelBanner)
	return uboot
}

// UBootNoise returns the lines of U-Boot's part of a console log
// (UBootLog) holding any word of a failure — fatal, failed, "** ", error,
// warning, bad crc — in any case, in their order; none on a healthy boot.
func UBootNoise(console string) []string {
	// What U-Boot says when something went wrong, in lower case.
	words := []string{"fatal", "failed", "error", "warning", "bad crc"}
	var noise []string
	for _, l := range strings.Split(UBootLog(console), "\n") {
		low := strings.ToLower(l)
		said := func(w string) bool { return strings.Contains(low, w) }
		// "** " starts U-Boot's messages of a missing file or partition.
		if strings.Contains(low, "** ") || slices.ContainsFunc(words, said) {
			noise = append(noise, l)
		}
	}
	return noise
}

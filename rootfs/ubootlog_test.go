package rootfs

import (
	"slices"
	"testing"
)

func TestUBootNoise(t *testing.T) {
	for _, c := range []struct {
		name    string
		console string
		want    []string
	}{
		{"healthy", "U-Boot 2023.01\nFound U-Boot script /boot.scr\npayterm: slot A, partition 1, 2 tries left after this one\nBooting Linux on physical CPU 0x0\n", nil},
		{"empty", "", nil},
		{"each word, any case", "Fatal: x\nloading FAILED\n** Unable to read file Image **\nError: y\nWARNING: z\nbad CRC, using default environment\nfine\n",
			[]string{"Fatal: x", "loading FAILED", "** Unable to read file Image **", "Error: y", "WARNING: z", "bad CRC, using default environment"}},
		{"a line once for many words", "error: failed\n", []string{"error: failed"}},
		{"kernel's lines not U-Boot's", "payterm: slot B, partition 2\nBooting Linux on physical CPU 0x0\nEXT4-fs error (device vda3)\n", nil},
		{"no kernel: all U-Boot's", "payterm: slot B did not boot\nSCRIPT FAILED: continuing...\n", []string{"SCRIPT FAILED: continuing..."}},
		{"'**' alone is not noise", "**\n", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := UBootNoise(c.console); !slices.Equal(got, c.want) {
				t.Errorf("UBootNoise = %q, want %q", got, c.want)
			}
		})
	}
}

func TestUBootLog(t *testing.T) {
	for _, c := range []struct{ console, want string }{
		{"a\nb\nBooting Linux on physical CPU 0x0\nc\n", "a\nb\n"},
		{"a\nb\n", "a\nb\n"},
		{"", ""},
	} {
		if got := UBootLog(c.console); got != c.want {
			t.Errorf("UBootLog(%q) = %q, want %q", c.console, got, c.want)
		}
	}
}

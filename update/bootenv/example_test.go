package bootenv_test

import (
	"fmt"

	"payterm/update/bootenv"
)

func Example() {
	// One 64-byte copy with a flags byte, padded as mkenvimage -r pads.
	img, err := bootenv.Encode(map[string]string{"BOOT_ORDER": "A B", "BOOT_A_LEFT": "3"}, 64, true, 1, 0xff)
	if err != nil {
		panic(err)
	}
	vars, flags, err := bootenv.Decode(img, true)
	fmt.Println(vars["BOOT_ORDER"], flags, err)

	img[20] ^= 1 // damaged: the CRC no longer matches
	_, _, err = bootenv.Decode(img, true)
	fmt.Println(err)
	// Output:
	// A B 1 <nil>
	// bootenv: CRC mismatch: no valid environment
}

package bootselect_test

import (
	"fmt"

	"payterm/update/bootselect"
)

func Example() {
	// The firmware on A wrote an update to B and stages it.
	s := bootselect.Default().TryNext(bootselect.B, 1)

	// Power-on: U-Boot tries B and saves the decremented counter.
	d := s.Decide()
	fmt.Println("boot", d.Slot)

	// B never reaches its self-check; the next power-on falls back to A.
	d = d.Next.Decide()
	b := d.Next.Check(d.Slot)
	fmt.Println("boot", d.Slot, "rollback", b.Rollback, "failed", b.Failed)

	// A is healthy: the firmware commits it and reports B's failure.
	fmt.Println(d.Next.MarkGood(bootselect.A).Vars())
	// Output:
	// boot B
	// boot A rollback true failed B
	// map[BOOT_A_LEFT:3 BOOT_B_LEFT:0 BOOT_ORDER:A B]
}

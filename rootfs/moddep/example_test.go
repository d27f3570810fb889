package moddep_test

import (
	"fmt"
	"strings"

	"payterm/rootfs/moddep"
)

func ExampleDeps_Closure() {
	deps, err := moddep.Parse(strings.NewReader(`kernel/drivers/gpu/drm/virtio/virtio-gpu.ko: kernel/drivers/gpu/drm/drm_kms_helper.ko kernel/drivers/gpu/drm/drm.ko
kernel/drivers/gpu/drm/drm_kms_helper.ko: kernel/drivers/gpu/drm/drm.ko
kernel/drivers/gpu/drm/drm.ko:
`))
	if err != nil {
		panic(err)
	}
	order, err := deps.Closure([]string{"virtio-gpu"})
	if err != nil {
		panic(err)
	}
	for _, e := range order {
		fmt.Println(moddep.Name(e.Path))
	}
	// Output:
	// drm
	// drm_kms_helper
	// virtio_gpu
}

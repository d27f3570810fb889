package face

import (
	"syscall"
	"time"
)

// cpuNow is the process's CPU time (user+system): on a shared machine
// wall time also counts waiting for a core, so benchmarks report both.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

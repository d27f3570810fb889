package ocr

import (
	"fmt"
	"os"
	"syscall"
)

// ThreadLimitEnv is the variable that keeps tesseract on one thread.
const ThreadLimitEnv = "OMP_THREAD_LIMIT"

// LimitThreads makes sure OMP_THREAD_LIMIT=1 is in force for this
// process, re-executing it with the variable set when it is not. Call it
// first thing in main (and in TestMain).
//
// Why: Debian's tesseract is built with OpenMP, whose worker threads
// spin while they wait; on a POS with two busy cores that makes one page
// several times slower than a single thread. Why re-execute: libgomp
// reads the variable in its constructor, which runs when the dynamic
// loader maps libtesseract, before any Go code; os.Setenv is too late.
func LimitThreads() error {
	if os.Getenv(ThreadLimitEnv) == "1" {
		return nil
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("ocr: %s: %w", ThreadLimitEnv, err)
	}
	env := append(os.Environ(), ThreadLimitEnv+"=1")
	if err := syscall.Exec(exe, os.Args, env); err != nil {
		return fmt.Errorf("ocr: re-exec with %s=1: %w", ThreadLimitEnv, err)
	}
	return nil
}

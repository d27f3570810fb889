package ocr_test

import (
	"fmt"
	"os"
	"testing"

	"payterm/pos/ocr"
)

func TestMain(m *testing.M) {
	// tesseract on one thread (see LimitThreads): re-executes the test
	// binary with OMP_THREAD_LIMIT=1.
	if err := ocr.LimitThreads(); err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// testPre is the preprocessing the tests and benchmarks use.
var testPre = ocr.Preprocess{Threshold: thresholdFromEnv()}

func thresholdFromEnv() uint8 {
	var v int
	fmt.Sscan(os.Getenv("OCR_TH"), &v)
	return uint8(v)
}

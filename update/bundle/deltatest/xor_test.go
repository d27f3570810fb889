package deltatest_test

import (
	"payterm/update/bundle"
	"payterm/update/bundle/deltatest"
)

// Checked here, not in deltatest, which must not import bundle.
var _ bundle.DeltaCodec = deltatest.XORCodec{}

package pos

import (
	"bytes"
	_ "embed"

	"payterm/firmware/order"
)

//go:embed sample-order.json
var sampleOrder []byte

// SampleOrder is the demo basket (a Chinese label, a weighed item, a line
// and an order discount) under the order ID id.
func SampleOrder(id string) (order.Order, error) {
	o, err := ReadOrder(bytes.NewReader(sampleOrder))
	o.ID = id
	return o, err
}

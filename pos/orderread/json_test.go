package orderread_test

import (
	"encoding/json"
	"image"
	"reflect"
	"testing"

	"payterm/firmware/order"
	"payterm/pos/orderread"
)

// A Read goes between processes as JSON (pos region read -send → the
// cashier desk's POST /reads): every field, box and confidence comes
// back as it was.
func TestReadJSONRoundTrip(t *testing.T) {
	cny := order.MustCurrency("CNY")
	full := orderread.Read{
		Order: order.Order{ID: "SCREEN-20250101-120000", Currency: cny,
			Lines: []order.Line{
				{ID: "1", ProductCode: "6901234567892", Label: "苹果 Apple", Quantity: 2 * order.One, UnitPrice: 350, Amount: 700},
				{ID: "2", Label: "西瓜 Watermelon", Quantity: 455, Unit: "kg", UnitPrice: 660, Amount: 300, Discount: 50},
			},
			Discounts: []order.Discount{{Label: "折扣 Discount", Amount: 100}},
			Total:     850},
		Fields: []orderread.Field{
			{Line: 1, Name: orderread.NameAmount, Text: "3.0O", Confidence: 0.3173, Box: image.Rect(510, 62, 566, 84)},
			{Line: orderread.OrderLevel, Name: orderread.NameTotal, Text: "8.50", Confidence: 0.96},
			{Line: orderread.DiscountLine(0), Name: orderread.NameDiscount, Text: "", Confidence: 0},
		},
		Problems: []orderread.Problem{
			{Line: 1, Name: orderread.NameAmount, Message: `read "3.0O" with low confidence (32%)`},
			{Line: orderread.OrderLevel, Message: "order: empty"},
		},
		Source: "screen",
	}
	for _, tc := range []struct {
		name string
		r    orderread.Read
	}{
		{"zero", orderread.Read{}},
		{"structured", orderread.FromOrder(full.Order, "api")},
		{"ocr with problems", full},
		{"checked", orderread.Check(full)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.r)
			if err != nil {
				t.Fatal(err)
			}
			var got orderread.Read
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.r) {
				t.Fatalf("round trip changed the read:\n got %+v\nwant %+v\njson %s", got, tc.r, b)
			}
			if got.OK() != tc.r.OK() || got.Order.Hash() != tc.r.Order.Hash() {
				t.Fatal("round trip changed OK or the order's hash")
			}
		})
	}
}

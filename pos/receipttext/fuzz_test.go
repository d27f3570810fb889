package receipttext

import (
	"strings"
	"testing"

	"payterm/firmware/order"
)

// FuzzParse: any text parses without panic; a read without problems is
// an order the terminal accepts, whose fields all reach MinConf.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"品名 Item 数量 Qty\n苹果 Apple 2 3.50 7.00\n折扣 -1.00\n合计 Total 6.00",
		"苹果 Apple\n2X3.50 7.00\n合计 7.00",
		"牛奶 1 12.80 12.80\n小计 12.80\n合计 12.80",
		"x 1,5 -- 99999999999999999999 0.455kgx\n合计 -0",
		"１２.８０ 】\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 4096 {
			return
		}
		r := Parse(text(strings.Split(s, "\n")...), Options{ID: "F", Currency: order.MustCurrency("CNY")})
		if len(r.Problems) > 0 {
			return
		}
		if err := r.Order.Validate(); err != nil {
			t.Fatalf("no problems but the order is invalid: %v\n%q", err, s)
		}
		for _, fl := range r.Fields {
			if fl.Confidence < DefaultMinConf {
				t.Fatalf("no problems but field %+v is below MinConf", fl)
			}
		}
	})
}

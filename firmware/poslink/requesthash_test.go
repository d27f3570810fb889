package poslink

import (
	"encoding/json"
	"testing"
)

// A POS library that resends a request whose reply was lost stamps it
// anew (and may lay out its JSON differently): that must still be the
// same request, and any other change must not.
func TestRequestHashIgnoresOnlyTimeStamps(t *testing.T) {
	base := `{"SaleData":{"SaleTransactionID":{"TransactionID":"T1","TimeStamp":"2026-11-25T10:00:00Z"}},"PaymentTransaction":{"AmountsReq":{"Currency":"EUR","RequestedAmount":2.40}}}`
	h := requestHash(CategoryPayment, json.RawMessage(base))
	same := []string{
		`{"SaleData":{"SaleTransactionID":{"TransactionID":"T1","TimeStamp":"2026-11-25T10:00:09Z"}},"PaymentTransaction":{"AmountsReq":{"Currency":"EUR","RequestedAmount":2.40}}}`,
		"{\"SaleData\":{\"SaleTransactionID\":{\"TransactionID\":\"T1\",\n  \"TimeStamp\":\"x\\\"y\"}},\"PaymentTransaction\":{\"AmountsReq\":{\"Currency\":\"EUR\",\"RequestedAmount\":2.40}}}",
	}
	for _, s := range same {
		if requestHash(CategoryPayment, json.RawMessage(s)) != h {
			t.Errorf("re-stamped or reordered request hashed differently: %s", s)
		}
	}
	differ := []string{
		`{"SaleData":{"SaleTransactionID":{"TransactionID":"T2","TimeStamp":"2026-11-25T10:00:00Z"}},"PaymentTransaction":{"AmountsReq":{"Currency":"EUR","RequestedAmount":2.40}}}`,
		`{"SaleData":{"SaleTransactionID":{"TransactionID":"T1","TimeStamp":"2026-11-25T10:00:00Z"}},"PaymentTransaction":{"AmountsReq":{"Currency":"EUR","RequestedAmount":2.4}}}`,
		`{"SaleData":{"SaleTransactionID":{"TransactionID":"T1","TimeStamp":"2026-11-25T10:00:00Z"}},"PaymentTransaction":{"AmountsReq":{"Currency":"EUR","RequestedAmount":2.41}}}`,
	}
	for _, s := range differ {
		if requestHash(CategoryPayment, json.RawMessage(s)) == h {
			t.Errorf("changed request hashed alike: %s", s)
		}
	}
	if requestHash(CategoryCardAcquisition, json.RawMessage(base)) == h {
		t.Error("category not part of the hash")
	}
}

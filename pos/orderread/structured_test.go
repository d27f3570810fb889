package orderread

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"payterm/pos"
)

// sampleCSV is pos/sample-order.json as CSV.
const sampleCSV = `id,code,label,quantity,unit_price,amount,discount
1,6901234567892,乌龙茶 Oolong tea 500ml,2,4.50,9.00,
2,2000000012345,苹果 Apples,0.455 kg,12.80,,
3,6901234500011,Whole milk 1 l,1,9.90,9.90,1.00
4,6901234500028,饺子 Dumplings 1 kg,1,25.00,25.00,
,,Member discount,,,-2.00,
,,TOTAL,,,46.72,
`

// The JSON order file and the same order as CSV give the same order.
func TestStructuredSourcesAgree(t *testing.T) {
	want, err := pos.SampleOrder("DEMO-0001")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../sample-order.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	j, err := ReadJSON(f, Options{Source: "json"})
	if err != nil || !j.OK() || !reflect.DeepEqual(j.Order, want) {
		t.Fatalf("json: %+v %v %v", j.Order, j.Problems, err)
	}
	c, err := ReadCSV(strings.NewReader(sampleCSV), Options{ID: "DEMO-0001", Currency: "CNY"})
	if err != nil || !c.OK() || !reflect.DeepEqual(c.Order, want) {
		t.Fatalf("csv:\n%+v\nwant\n%+v\n%v %v", c.Order, want, c.Problems, err)
	}
}

func TestReadCSV(t *testing.T) {
	tests := []struct {
		name     string
		csv      string
		err      string // substring of the error; "" for none
		problems int
		total    int64
	}{
		{"minimal, total computed", "label,quantity,unit_price\nTea,2,4.50\n", "", 0, 900},
		{"columns in any order, BOM", "\ufeffunit_price,label,quantity\n4.50,Tea,2\n", "", 0, 900},
		{"wrong amount is a problem", "label,quantity,unit_price,amount\nTea,2,4.50,9.10\n", "", 1, 910},
		{"wrong total is a problem", "label,quantity,unit_price,amount\nTea,2,4.50\nTOTAL,,,8.00\n", "", 1, 800},
		{"missing column", "label,quantity\nTea,2\n", `no "unit_price"`, 0, 0},
		{"unknown column", "label,quantity,unit_price,colour\n", "unknown column", 0, 0},
		{"bad number", "label,quantity,unit_price\nTea,two,4.50\n", "quantity", 0, 0},
		{"two totals", "label,quantity,unit_price,amount\nTea,1,1.00,\nTOTAL,,,1.00\nTOTAL,,,1.00\n", "second total", 0, 0},
		{"no lines", "label,quantity,unit_price\n", "", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ReadCSV(strings.NewReader(tt.csv), Options{ID: "C", Currency: "CNY"})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Problems) != tt.problems || r.Order.Total != tt.total {
				t.Fatalf("problems %v, total %d; want %d problems, total %d", r.Problems, r.Order.Total, tt.problems, tt.total)
			}
		})
	}
}

// FuzzReadCSV: any input is read or refused without panicking, and a read
// without problems is an order the terminal accepts.
func FuzzReadCSV(f *testing.F) {
	f.Add(sampleCSV)
	f.Add("label,quantity,unit_price\nTea,2,4.50\nTOTAL,,,8.00\n")
	f.Add("unit_price,label,quantity,unit\n4.50,\"Tea, green\",0.5,kg\n")
	f.Fuzz(func(t *testing.T, in string) {
		r, err := ReadCSV(strings.NewReader(in), Options{ID: "F", Currency: "EUR"})
		if err == nil && r.OK() {
			if verr := r.Order.Validate(); verr != nil {
				t.Fatalf("no problems, but %v", verr)
			}
		}
	})
}

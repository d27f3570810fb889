package uart_test

import (
	"fmt"
	"strings"

	"payterm/drivers/scanner/uart"
	"payterm/internal/secret"
)

func ExampleLineReader() {
	in := "134567890123456789\r\n12\x0034\r" + strings.Repeat("9", 300) + "\r2876\r"
	lr := uart.NewLineReader(strings.NewReader(in), 0)
	for {
		l, err := lr.Next()
		if err != nil {
			break
		}
		if l.Verdict == uart.Code {
			fmt.Println(l.Verdict, l.Len, secret.Code(l.Code))
			continue
		}
		fmt.Println(l.Verdict, l.Len)
	}
	// Output:
	// code 18 13************6789
	// noise 5
	// too long 300
	// code 4 ****
}

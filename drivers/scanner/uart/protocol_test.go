package uart_test

import (
	"testing"

	"payterm/drivers/scanner/uart"
)

func TestParseProtocol(t *testing.T) {
	tests := []struct {
		in      string
		want    uart.Protocol
		wantErr bool
	}{
		{"plain", uart.Plain, false},
		{"", uart.Plain, false},
		{"honeywell", uart.Honeywell, false},
		{"Honeywell", uart.Plain, true},
		{"zebra", uart.Plain, true},
	}
	for _, tt := range tests {
		got, err := uart.ParseProtocol(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseProtocol(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err == nil && got.String() != tt.in && tt.in != "" {
			t.Errorf("%v.String() = %q, want %q", got, got.String(), tt.in)
		}
	}
}

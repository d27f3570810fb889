package uart_test

import (
	"testing"

	"payterm/drivers/scanner/uart"
)

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"134567890123456789", "13************6789"},
		{"123456789012", "12******9012"},
		{"12345678901", "***********"},
		{"1234", "****"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := uart.Mask(tt.in); got != tt.want {
			t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

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

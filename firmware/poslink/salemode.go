package poslink

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// SaleToAcquirerData marks a PaymentRequest for relay mode (payterm
// extension in a field Adyen's libraries pass through untouched): the
// pair payterm.mode=relay among the URL-query style pairs of
// SaleData.SaleToAcquirerData ("payterm.mode=relay&tenderOption=x").
// payterm.mode=direct, or no payterm.mode pair, is direct mode.
const (
	SaleModeKey    = "payterm.mode"
	SaleModeRelay  = "relay"
	SaleModeDirect = "direct"
	// RelayMarker is the whole SaleToAcquirerData of a relay request
	// that carries nothing else.
	RelayMarker = SaleModeKey + "=" + SaleModeRelay
)

// maxSaleToAcquirerData bounds the text read for the mode: Adyen keeps the
// field short; the message size limit still applies to the rest.
const maxSaleToAcquirerData = 4096

// relayRequested reads the mode from a SaleToAcquirerData value as sent:
// absent, null or a JSON string of key=value pairs joined by '&'. Pairs
// that do not parse belong to someone else and are skipped, unless they
// name payterm.mode. An unknown mode, a repeated or unreadable
// payterm.mode, or payterm.mode in any other shape (a JSON object, the
// library's base64 of one) is an error: a POS that asked for something
// the terminal cannot tell must not get a charge it did not ask for.
func relayRequested(raw json.RawMessage) (bool, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return false, nil
	}
	if len(raw) > maxSaleToAcquirerData {
		if bytes.Contains(raw, []byte(SaleModeKey)) {
			return false, fmt.Errorf("SaleToAcquirerData: over %d bytes with %s: %w", maxSaleToAcquirerData, SaleModeKey, ErrMessageFormat)
		}
		return false, nil
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		if bytes.Contains(raw, []byte(SaleModeKey)) {
			return false, fmt.Errorf("SaleToAcquirerData: %s must be a key=value pair in a string: %w", SaleModeKey, ErrMessageFormat)
		}
		return false, nil
	}
	return parseSaleMode(s)
}

// parseSaleMode reads payterm.mode from URL-query style pairs.
func parseSaleMode(s string) (bool, error) {
	mode, seen := "", false
	for _, pair := range strings.Split(s, "&") {
		k, v, _ := strings.Cut(pair, "=")
		key, kerr := url.QueryUnescape(k)
		if kerr != nil {
			if strings.Contains(k, SaleModeKey) {
				return false, fmt.Errorf("SaleToAcquirerData: unreadable key %.40q: %w", k, ErrMessageFormat)
			}
			continue
		}
		if key != SaleModeKey {
			continue
		}
		val, verr := url.QueryUnescape(v)
		switch {
		case verr != nil:
			return false, fmt.Errorf("SaleToAcquirerData: unreadable %s: %w", SaleModeKey, ErrMessageFormat)
		case seen:
			return false, fmt.Errorf("SaleToAcquirerData: %s given twice: %w", SaleModeKey, ErrMessageFormat)
		}
		mode, seen = val, true
	}
	switch {
	case !seen || mode == SaleModeDirect:
		return false, nil
	case mode == SaleModeRelay:
		return true, nil
	}
	return false, fmt.Errorf("SaleToAcquirerData: %s=%.20q, want %s or %s: %w", SaleModeKey, mode, SaleModeRelay, SaleModeDirect, ErrMessageFormat)
}

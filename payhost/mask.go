package payhost

import (
	"fmt"
	"log/slog"
	"time"

	"payterm/internal/secret"
)

// String formats the request with its AuthCode masked, so %v and %+v never
// leak a code. Of the statement it shows who signed and its nonce.
func (r PayRequest) String() string {
	return fmt.Sprintf("{OutTradeNo:%s AuthCode:%s Amount:%d Currency:%s OrderHash:%s TerminalID:%s Statement:%s}",
		r.OutTradeNo, secret.Code(r.AuthCode), r.Amount, r.Currency, r.OrderHash, r.TerminalID, r.statementSummary())
}

// GoString masks the AuthCode for %#v too.
func (r PayRequest) GoString() string { return "payhost.PayRequest" + r.String() }

// LogValue masks the AuthCode when the request is logged with slog.
func (r PayRequest) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("out_trade_no", r.OutTradeNo),
		slog.Any("auth_code", secret.Code(r.AuthCode)),
		slog.Int64("amount", r.Amount),
		slog.String("currency", r.Currency),
		slog.String("terminal_id", r.TerminalID),
		slog.String("statement", r.statementSummary()),
	)
}

// statementSummary names the statement without its credential digest
// (a digest of a short code is worth keeping out of logs too).
func (r PayRequest) statementSummary() string {
	s := r.Statement
	if s == nil {
		return "none"
	}
	return fmt.Sprintf("%s/%s@%s#%s", s.TerminalID, s.KeyID, s.Time.UTC().Format(time.RFC3339), s.Nonce)
}

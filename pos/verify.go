package pos

import (
	"errors"
	"fmt"

	"payterm/firmware/order"
	"payterm/firmware/poslink"
	"payterm/payhost"
)

// verifyCredential checks the terminal's statement over a relayed
// credential: signed with the paired key by the paired terminal, and
// binding exactly this order (hash, total, currency) and this credential.
// A credential the POS cannot verify is never charged; the statement is
// what the payment system charges against.
func verifyCredential(p Pairing, poiid string, o order.Order, authCode string, res poslink.Result) (payhost.Statement, error) {
	pub, err := p.Key()
	if err != nil {
		return payhost.Statement{}, err
	}
	if p.POIID != poiid {
		return payhost.Statement{}, fmt.Errorf("pos: paired with terminal %q, talking to %q", p.POIID, poiid)
	}
	st, err := payhost.DecodeStatement(res.Statement)
	if err != nil {
		return st, fmt.Errorf("pos: terminal's statement: %w", err)
	}
	if err := st.Verify(pub, res.Signature); err != nil {
		return st, fmt.Errorf("pos: terminal's signature (key %s): %w", p.KeyID, err)
	}
	switch {
	case st.TerminalID != p.POIID:
		return st, fmt.Errorf("pos: statement by terminal %q, paired with %q", st.TerminalID, p.POIID)
	case res.Hash != o.Hash() || st.OrderHash != o.Hash().String():
		return st, fmt.Errorf("pos: terminal's statement is for order %s, sent %s", st.OrderHash, o.Hash())
	case st.Amount != o.Total || st.Currency != o.Currency.Code:
		return st, fmt.Errorf("pos: terminal's statement is for %d %s, order is %d %s", st.Amount, st.Currency, o.Total, o.Currency.Code)
	case st.Credential != payhost.CredentialDigest(authCode):
		return st, errors.New("pos: terminal's statement is for another credential")
	}
	return st, nil
}

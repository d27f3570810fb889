package pos

import (
	"errors"
	"fmt"

	"payterm/firmware/attest"
	"payterm/firmware/order"
	"payterm/firmware/poslink"
)

// verifyCredential checks the terminal's signature over a relayed
// credential with the paired key: a credential the POS cannot verify is
// never charged. Until the firmware signs a payhost.Statement, the
// signature covers the attest.Claim (POIID, transaction, order hash,
// method, credential). A Statement in the result means the firmware
// switched: verify it here (payhost.DecodeStatement, Verify, and its
// order hash, amount, currency and credential digest against o and the
// credential) and forward it in the PayRequest.
func verifyCredential(p Pairing, poiid string, o order.Order, res poslink.Result) error {
	pub, err := p.Key()
	if err != nil {
		return err
	}
	if p.POIID != poiid {
		return fmt.Errorf("pos: paired with terminal %q, talking to %q", p.POIID, poiid)
	}
	if res.Statement != "" {
		return errors.New("pos: the terminal sent a confirmation statement this POS does not verify yet")
	}
	claim := attest.Claim{POIID: poiid, TransactionID: o.ID, Hash: res.Hash, Method: res.Method, Code: res.Code}
	if err := attest.Verify(pub, claim, res.Signature); err != nil {
		return fmt.Errorf("pos: credential signature (key %s): %w", p.KeyID, err)
	}
	return nil
}

package poslink

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// AdminIdentity asks the terminal who it is: its POIID and the Ed25519
// key it signs relay credentials (and confirmation statements) with. A
// POS pairs by asking once, over an encrypted link, and keeps the answer.
const AdminIdentity = "payterm.Identity"

// IdentitySource is the terminal's signing identity as the link tells it.
type IdentitySource interface {
	// PublicKey is the Ed25519 public key the terminal signs with.
	PublicKey() ed25519.PublicKey
}

// KeyIDLen is the length of a key id in hex digits.
const KeyIDLen = 16

// KeyIDOf names a terminal key: the first KeyIDLen hex digits of the
// SHA-256 of the public key (as payhost.KeyIDOf).
func KeyIDOf(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:])[:KeyIDLen]
}

// TerminalIdentity is the payterm extension of an AdminResponse to
// AdminIdentity.
type TerminalIdentity struct {
	POIID     string `json:"POIID"`
	KeyID     string `json:"KeyID"`     // KeyIDOf(PublicKey)
	PublicKey string `json:"PublicKey"` // Ed25519, lowercase hex
}

// identityResponse is the AdminResponse to AdminIdentity.
type identityResponse struct {
	Response Response
	Identity *TerminalIdentity `json:",omitempty"`
}

func (r *identityResponse) succeeded() bool { return r.Response.Result == ResultSuccess }

// identityRequest is a decoded AdminRequest for AdminIdentity: its own
// type, so that serving routes it apart from the journal services.
type identityRequest struct{ AdminRequest }

// decodeAdminService decodes an AdminRequest: AdminIdentity here, the
// rest by decodeAdmin.
func (r *request) decodeAdminService(raw json.RawMessage) error {
	var peek struct{ ServiceIdentification string }
	if err := unmarshalBody("AdminRequest", raw, &peek); err != nil {
		return err
	}
	if isUpdateService(peek.ServiceIdentification) {
		return r.decodeUpdate(raw)
	}
	if peek.ServiceIdentification != AdminIdentity {
		return r.decodeAdmin(raw)
	}
	a := new(identityRequest)
	if err := unmarshalBody("AdminRequest", raw, &a.AdminRequest); err != nil {
		return err
	}
	r.body = a
	return nil
}

// identity answers AdminIdentity, to encrypted requests only: pairing
// must not be something anyone on the LAN can answer for or ask. It
// changes nothing and is not recorded in the ServiceID store.
func (s *Server) identity(r *request) []byte {
	if r.key == nil {
		return s.failure(r, CondNotAllowed, "identity needs an encrypted request")
	}
	if s.cfg.Identity == nil {
		return s.failure(r, CondUnavailableService, "no terminal identity")
	}
	pub := s.cfg.Identity.PublicKey()
	if len(pub) != ed25519.PublicKeySize {
		s.log.Error("terminal identity: no valid public key", "len", len(pub))
		return s.failure(r, CondUnavailableService, "no terminal identity")
	}
	id := TerminalIdentity{POIID: s.call(r, nil).POIID, KeyID: KeyIDOf(pub), PublicKey: hex.EncodeToString(pub)}
	s.log.Info("identity asked", "sale", r.hdr.SaleID, "key_id", id.KeyID)
	return s.encodeReply(r, "AdminResponse", identityResponse{Response: Response{Result: ResultSuccess}, Identity: &id})
}

// Identity is a terminal's identity as the POS keeps it after pairing.
type Identity struct {
	POIID     string
	KeyID     string
	PublicKey ed25519.PublicKey
}

// Identity asks the terminal for its identity (AdminIdentity). Only an
// encrypted client gets an answer; the answer is checked for shape, for
// the POIID this client addresses, and for a key id that names the key.
func (c *Client) Identity(ctx context.Context, saleID, serviceID string) (Identity, error) {
	r := new(identityResponse)
	req := AdminRequest{ServiceIdentification: AdminIdentity}
	if err := c.exchange(ctx, saleID, serviceID, CategoryAdmin, req, r); err != nil {
		return Identity{}, err
	}
	if r.Response.Result != ResultSuccess {
		return Identity{}, responseError(CategoryAdmin, r.Response)
	}
	if r.Identity == nil {
		return Identity{}, fmt.Errorf("poslink: identity: success without an identity: %w", ErrMessageFormat)
	}
	id, err := r.Identity.Parse()
	if err != nil {
		return Identity{}, err
	}
	if c.poiID != "" && id.POIID != c.poiID {
		return Identity{}, fmt.Errorf("poslink: identity: terminal says it is %.64q, addressed %q: %w", id.POIID, c.poiID, ErrWrongPOI)
	}
	return id, nil
}

// Parse checks t: a POIID, a hex Ed25519 public key, and the key id of
// that key.
func (t TerminalIdentity) Parse() (Identity, error) {
	pub, err := hex.DecodeString(t.PublicKey)
	switch {
	case checkID("POIID", t.POIID) != nil:
		return Identity{}, fmt.Errorf("poslink: identity: %w", checkID("POIID", t.POIID))
	case err != nil || len(pub) != ed25519.PublicKeySize:
		return Identity{}, fmt.Errorf("poslink: identity: public key is not %d hex digits: %w", 2*ed25519.PublicKeySize, ErrMessageFormat)
	case t.KeyID != KeyIDOf(pub):
		return Identity{}, fmt.Errorf("poslink: identity: key id %.20q does not name the key: %w", t.KeyID, ErrMessageFormat)
	}
	return Identity{POIID: t.POIID, KeyID: t.KeyID, PublicKey: pub}, nil
}

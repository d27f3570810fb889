package poslink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// errEmptyReply marks a request answered with no body (Abort).
var errEmptyReply = errors.New("empty reply")

// outcome is a decoded response body that can say whether it reports
// success.
type outcome interface{ succeeded() bool }

func (r *PaymentResponse) succeeded() bool           { return r.Response.Result == ResultSuccess }
func (r *CardAcquisitionResponse) succeeded() bool   { return r.Response.Result == ResultSuccess }
func (r *InputResponse) succeeded() bool             { return r.InputResult.Response.Result == ResultSuccess }
func (r *TransactionStatusResponse) succeeded() bool { return r.Response.Result == ResultSuccess }
func (r *statusBody) succeeded() bool                { return r.Response.Result == ResultSuccess }
func (r *DisplayResponse) succeeded() bool {
	for _, o := range r.OutputResult {
		if o.Response.Result == ResultSuccess {
			return true
		}
	}
	return false
}

// exchange sends body as a request of category and decodes the reply's
// body into out. The reply must answer this very request (category,
// SaleID, ServiceID). With a key, the request goes out encrypted and only
// a Failure may come back in the clear (a terminal that could not read
// the request cannot encrypt its answer); a plain Success is refused as
// unauthenticated.
func (c *Client) exchange(ctx context.Context, saleID, serviceID, category string, body any, out outcome) error {
	fail := func(err error) error {
		return fmt.Errorf("poslink: %s %s/%s: %w", category, saleID, serviceID, err)
	}
	h := MessageHeader{
		ProtocolVersion: ProtocolVersion,
		MessageClass:    ClassService,
		MessageCategory: category,
		MessageType:     TypeRequest,
		ServiceID:       serviceID,
		SaleID:          saleID,
		POIID:           c.poiID,
	}
	msg, err := marshalEnvelope(rootRequest, field{"MessageHeader", h}, field{bodyName(category, TypeRequest), body})
	if err != nil {
		return fail(err)
	}
	if c.key != nil {
		if msg, err = sealEnvelope(rootRequest, h, msg, *c.key); err != nil {
			return fail(err)
		}
	}
	reply, err := c.transport(ctx, msg)
	if err != nil {
		return fail(err)
	}
	if len(bytes.TrimSpace(reply)) == 0 {
		return fail(errEmptyReply)
	}
	env, authenticated, err := c.openReply(reply, h)
	if err != nil {
		var re *ResponseError
		if errors.As(err, &re) {
			return err
		}
		return fail(err)
	}
	if err := json.Unmarshal(env.Body, out); err != nil {
		return fail(fmt.Errorf("reply %s: %w", env.BodyName, err))
	}
	if c.key != nil && !authenticated && out.succeeded() {
		return fail(errors.New("unencrypted Success to an encrypted request refused"))
	}
	return nil
}

// openReply splits, decrypts and checks a reply to the request headed h.
func (c *Client) openReply(reply []byte, h MessageHeader) (env envelope, authenticated bool, err error) {
	if env, err = splitEnvelope(reply); err != nil {
		return env, false, fmt.Errorf("reply: %w", err)
	}
	if env.Root == rootRequest && env.Header.MessageCategory == CategoryEvent && env.BodyName == "EventNotification" {
		var ev EventNotification
		json.Unmarshal(env.Body, &ev) // best effort: it is an error either way
		return env, false, &ResponseError{Category: h.MessageCategory, Condition: "Reject",
			Reason: ParseAdditional(ev.EventDetails).Get(AddMessage)}
	}
	if env.Root != rootResponse {
		return env, false, fmt.Errorf("reply is a %s: %w", env.Root, ErrMessageFormat)
	}
	if env.Secured() {
		if c.key == nil {
			return env, false, errors.New("encrypted reply, but this client has no key")
		}
		if t := env.Trailer; t.KeyIdentifier != c.key.ref.id || t.KeyVersion != c.key.ref.version {
			return env, false, fmt.Errorf("reply under key %.64q version %d: %w", t.KeyIdentifier, t.KeyVersion, ErrUnknownKey)
		}
		if env, err = openEnvelope(&env, *c.key); err != nil {
			return env, false, fmt.Errorf("reply: %w", err)
		}
		authenticated = true
	}
	got := env.Header
	switch {
	case got.MessageType != TypeResponse,
		got.MessageCategory != h.MessageCategory,
		got.SaleID != h.SaleID,
		got.ServiceID != h.ServiceID:
		return env, false, fmt.Errorf("reply is a %s %s for %s/%s: %w",
			got.MessageCategory, got.MessageType, got.SaleID, got.ServiceID, ErrMessageFormat)
	case env.BodyName != bodyName(h.MessageCategory, TypeResponse):
		return env, false, fmt.Errorf("reply body %.40s, want %s: %w", env.BodyName, bodyName(h.MessageCategory, TypeResponse), ErrMessageFormat)
	}
	return env, authenticated, nil
}

package poslink

import (
	"context"
	"fmt"
)

// UpdateStatus asks the terminal its version, slot, last boot result and
// the update in progress (AdminUpdateStatus).
func (c *Client) UpdateStatus(ctx context.Context, saleID, serviceID string) (UpdateStatus, error) {
	return c.updateCall(ctx, saleID, serviceID, AdminRequest{ServiceIdentification: AdminUpdateStatus})
}

// UpdateOffer offers a bundle; the status's Offset is where to resume
// sending it (0 for a bundle the terminal has not seen).
func (c *Client) UpdateOffer(ctx context.Context, saleID, serviceID string, o UpdateOffer) (UpdateStatus, error) {
	return c.updateCall(ctx, saleID, serviceID, AdminRequest{ServiceIdentification: AdminUpdateOffer,
		Update: &UpdateRequest{Bundle: o.Bundle, Size: o.Size, Version: o.Version}})
}

// UpdateChunk sends data at offset of bundle (at most MaxUpdateChunk
// bytes). A refused chunk (a gap: the terminal restarted and kept less)
// is a *ResponseError with the status, whose Offset says where to resume.
func (c *Client) UpdateChunk(ctx context.Context, saleID, serviceID, bundle string, offset int64, data []byte) (UpdateStatus, error) {
	return c.updateCall(ctx, saleID, serviceID, AdminRequest{ServiceIdentification: AdminUpdateChunk,
		Update: &UpdateRequest{Bundle: bundle, Offset: offset, Data: data}})
}

// UpdateFinish asks the terminal to verify the bundle it received; it
// installs it once its checkout is idle.
func (c *Client) UpdateFinish(ctx context.Context, saleID, serviceID, bundle string) (UpdateStatus, error) {
	return c.updateCall(ctx, saleID, serviceID, AdminRequest{ServiceIdentification: AdminUpdateFinish,
		Update: &UpdateRequest{Bundle: bundle}})
}

// updateCall exchanges one update service request. A Failure that
// carries a status returns it beside the *ResponseError.
func (c *Client) updateCall(ctx context.Context, saleID, serviceID string, req AdminRequest) (UpdateStatus, error) {
	r := new(AdminResponse)
	if err := c.exchange(ctx, saleID, serviceID, CategoryAdmin, req, r); err != nil {
		return UpdateStatus{}, err
	}
	var st UpdateStatus
	if r.Update != nil {
		st = *r.Update
	}
	if r.Response.Result != ResultSuccess {
		return st, responseError(CategoryAdmin, r.Response)
	}
	if r.Update == nil {
		return st, fmt.Errorf("poslink: %s: success without a status: %w", req.ServiceIdentification, ErrMessageFormat)
	}
	return st, nil
}

package poslink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// CategoryAdmin is nexo's Admin category: payterm serves the journal
// export through it.
const CategoryAdmin = "Admin"

// Admin services (AdminRequest.ServiceIdentification) the terminal
// answers.
const (
	// AdminJournalExport asks for the journal's entries after
	// JournalRequest.After.
	AdminJournalExport = "payterm.JournalExport"
	// AdminJournalAck tells the terminal that the POS has stored and
	// verified the entries up to JournalRequest.UpTo: it may prune them.
	AdminJournalAck = "payterm.JournalAck"
)

// Journal export limits.
const (
	// MaxJournalEntries is the most entries one JournalExport asks for;
	// 0 asks for this many.
	MaxJournalEntries = 256
	// MaxJournalBatch bounds a batch in bytes: base64 inside the JSON and
	// again inside the encrypted envelope, it still fits one serial frame
	// (256 KiB) and the HTTPS client's 1 MiB reply limit.
	MaxJournalBatch = 128 << 10
)

// AdminRequest is nexo's custom administrative request.
type AdminRequest struct {
	ServiceIdentification string `json:",omitempty"`
	// Journal is a payterm extension: which entries to export or
	// acknowledge.
	Journal *JournalRequest `json:",omitempty"`
	// Update is a payterm extension: the bundle an update service is
	// about (update.go).
	Update *UpdateRequest `json:",omitempty"`
}

// JournalRequest says which journal entries an admin service is about.
type JournalRequest struct {
	After uint64 `json:",omitempty"` // JournalExport: entries numbered after this; 0 from the start
	Max   int    `json:",omitempty"` // JournalExport: at most this many; 0 means MaxJournalEntries
	UpTo  uint64 `json:",omitempty"` // JournalAck: the last entry the POS holds; must be > 0
}

// AdminResponse answers an AdminRequest. JournalBatch is a payterm
// extension: the encoded journal batch (journal.ExportBatch.Encode), base64
// in JSON.
type AdminResponse struct {
	Response     Response
	JournalBatch []byte `json:",omitempty"`
	// Update answers the update services (update.go), Failure included.
	Update *UpdateStatus `json:",omitempty"`
}

func (r *AdminResponse) succeeded() bool { return r.Response.Result == ResultSuccess }

// JournalSource is the terminal's journal as the link exports it.
// Implementations must be safe for concurrent use.
type JournalSource interface {
	// Export returns the encoded batch of up to max entries numbered
	// after from, at most MaxJournalBatch bytes.
	Export(from uint64, max int) ([]byte, error)
	// Ack records that the POS holds entries up to upTo: the terminal may
	// prune them (never one it still needs).
	Ack(upTo uint64) error
}

func (r *request) decodeAdmin(raw json.RawMessage) error {
	a := new(AdminRequest)
	if err := unmarshalBody("AdminRequest", raw, a); err != nil {
		return err
	}
	switch {
	case a.ServiceIdentification != AdminJournalExport && a.ServiceIdentification != AdminJournalAck:
		return refuse(CondUnavailableService, fmt.Errorf("AdminRequest: service %.40q: %w", a.ServiceIdentification, ErrUnsupported))
	case a.Journal == nil:
		return fmt.Errorf("AdminRequest: %s without Journal: %w", a.ServiceIdentification, ErrMessageFormat)
	case a.Journal.Max < 0 || a.Journal.Max > MaxJournalEntries:
		return fmt.Errorf("AdminRequest: Journal.Max %d, want 0…%d: %w", a.Journal.Max, MaxJournalEntries, ErrMessageFormat)
	case a.ServiceIdentification == AdminJournalAck && a.Journal.UpTo == 0:
		return fmt.Errorf("AdminRequest: %s without UpTo: %w", a.ServiceIdentification, ErrMessageFormat)
	}
	r.body = a
	return nil
}

// admin answers an AdminRequest. The journal names sales and payment
// references, so it goes out only under a link key. Neither service is
// recorded in the ServiceID store: an export changes nothing, and an
// acknowledgement repeated is the same acknowledgement.
func (s *Server) admin(r *request) []byte {
	a := r.body.(*AdminRequest)
	if r.key == nil {
		return s.failure(r, CondNotAllowed, "journal export needs an encrypted request")
	}
	if s.cfg.Journal == nil {
		return s.failure(r, CondUnavailableService, "no journal")
	}
	switch a.ServiceIdentification {
	case AdminJournalAck:
		if err := s.cfg.Journal.Ack(a.Journal.UpTo); err != nil {
			s.log.Error("journal ack", "up_to", a.Journal.UpTo, "err", err)
			return s.failure(r, CondUnavailableService, "journal: "+err.Error())
		}
		s.log.Info("journal acknowledged", "sale", r.hdr.SaleID, "up_to", a.Journal.UpTo)
		return s.encodeReply(r, "AdminResponse", AdminResponse{Response: Response{Result: ResultSuccess}})
	}
	max := a.Journal.Max
	if max == 0 {
		max = MaxJournalEntries
	}
	batch, err := s.cfg.Journal.Export(a.Journal.After, max)
	if err == nil && len(batch) > MaxJournalBatch {
		err = fmt.Errorf("batch of %d bytes, over %d", len(batch), MaxJournalBatch)
	}
	if err != nil {
		s.log.Error("journal export", "after", a.Journal.After, "err", err)
		return s.failure(r, CondUnavailableService, "journal: "+err.Error())
	}
	return s.encodeReply(r, "AdminResponse", AdminResponse{Response: Response{Result: ResultSuccess}, JournalBatch: batch})
}

// JournalExport asks the terminal for its journal entries after after, at
// most max (0: MaxJournalEntries), and returns the encoded batch for
// journal.DecodeExport. Only an encrypted client gets an answer.
func (c *Client) JournalExport(ctx context.Context, saleID, serviceID string, after uint64, max int) ([]byte, error) {
	r := new(AdminResponse)
	req := AdminRequest{ServiceIdentification: AdminJournalExport, Journal: &JournalRequest{After: after, Max: max}}
	if err := c.exchange(ctx, saleID, serviceID, CategoryAdmin, req, r); err != nil {
		return nil, err
	}
	if r.Response.Result != ResultSuccess {
		return nil, responseError(CategoryAdmin, r.Response)
	}
	if len(r.JournalBatch) == 0 {
		return nil, fmt.Errorf("poslink: journal export: %w", errors.New("success without a batch"))
	}
	return r.JournalBatch, nil
}

// JournalAck tells the terminal that the POS has stored and verified the
// entries up to upTo, so it may prune them.
func (c *Client) JournalAck(ctx context.Context, saleID, serviceID string, upTo uint64) error {
	r := new(AdminResponse)
	req := AdminRequest{ServiceIdentification: AdminJournalAck, Journal: &JournalRequest{UpTo: upTo}}
	if err := c.exchange(ctx, saleID, serviceID, CategoryAdmin, req, r); err != nil {
		return err
	}
	if r.Response.Result != ResultSuccess {
		return responseError(CategoryAdmin, r.Response)
	}
	return nil
}

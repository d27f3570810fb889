package poslink

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
)

// FormatPDF is the OutputFormat of a PDF document in OutputBinary
// (payterm extension).
const FormatPDF = "PDF"

// MaxDocument bounds a document's PDF, decoded. Base64 and then
// NexoCrypto's base64 blob grow it by 16/9, so a 2 MiB PDF is about
// 3.6 MiB on the wire: it fits DefaultMaxBody. Over a serial link the
// whole message must also fit one stream frame (256 KiB), so a PDF of up
// to about 140 KiB.
const MaxDocument = 2 << 20

// MaxDocumentPages bounds the pages of a document; the Terminal checks it
// once it has opened the PDF.
const MaxDocumentPages = 50

// Document is a PDF the POS sends for the customer to read: a receipt
// (nexo Print) or a promotion or terms (nexo Display).
type Document struct {
	Receipt bool // sent as a PrintRequest
	// Qualifier is the PrintRequest's DocumentQualifier
	// ("CustomerReceipt", ...); "" for a Display.
	Qualifier string
	PDF       []byte // starts with "%PDF-", at most MaxDocument bytes
}

// DocumentShower is a Terminal that can show documents. A Terminal
// without it answers Print and PDF Display requests UnavailableService.
type DocumentShower interface {
	// ShowDocument opens d and puts it on screen while no payment is on
	// (the customer pages and closes it), and returns once it is shown.
	// A PDF it cannot open, or one of more than MaxDocumentPages pages, is
	// a ConditionError MessageFormat; a payment in progress one Busy.
	ShowDocument(ctx context.Context, c Call, d Document) error
}

// printBody is a decoded PrintRequest with its document.
type printBody struct {
	req *PrintRequest
	doc Document
}

// displayDocument is a decoded Display of a PDF.
type displayDocument struct {
	req *DisplayRequest
	doc Document
}

func (r *request) decodePrint(raw json.RawMessage) error {
	p := new(PrintRequest)
	if err := unmarshalBody("PrintRequest", raw, p); err != nil {
		return err
	}
	r.body = &printBody{req: p}
	out := p.PrintOutput
	if out.OutputContent.OutputFormat != FormatPDF {
		return refuse(CondNotAllowed, fmt.Errorf("print %q: this terminal has no printer and shows only %q documents: %w",
			out.OutputContent.OutputFormat, FormatPDF, ErrUnsupported))
	}
	pdf, err := decodePDF(out.OutputContent.OutputBinary)
	if err != nil {
		return err
	}
	r.body = &printBody{req: p, doc: Document{Receipt: true, Qualifier: out.DocumentQualifier, PDF: pdf}}
	return nil
}

// hasPDF reports whether a DisplayRequest carries a PDF.
func hasPDF(d *DisplayRequest) bool {
	for _, o := range d.DisplayOutput {
		if o.OutputContent.OutputFormat == FormatPDF {
			return true
		}
	}
	return false
}

// decodeDisplayDocument takes a Display of one PDF on the customer's
// display; a PDF beside other outputs is refused, so nothing is half shown.
func (r *request) decodeDisplayDocument(d *DisplayRequest) error {
	if len(d.DisplayOutput) != 1 {
		return fmt.Errorf("a %s Display has one DisplayOutput, got %d: %w", FormatPDF, len(d.DisplayOutput), ErrMessageFormat)
	}
	pdf, err := decodePDF(d.DisplayOutput[0].OutputContent.OutputBinary)
	if err != nil {
		return err
	}
	r.body = &displayDocument{req: d, doc: Document{PDF: pdf}}
	return nil
}

// decodePDF decodes OutputBinary and checks its size and PDF header;
// whether MuPDF can open it is the Terminal's to find out.
func decodePDF(b64 string) ([]byte, error) {
	if b64 == "" {
		return nil, fmt.Errorf("%s output without OutputBinary: %w", FormatPDF, ErrMessageFormat)
	}
	if n := base64.StdEncoding.DecodedLen(len(b64)); n > MaxDocument+2 {
		return nil, fmt.Errorf("document of about %d bytes, at most %d: %w", n, MaxDocument, ErrMessageFormat)
	}
	pdf, err := base64.StdEncoding.DecodeString(b64)
	switch {
	case err != nil:
		return nil, fmt.Errorf("OutputBinary is not base64: %w", ErrMessageFormat)
	case len(pdf) > MaxDocument:
		return nil, fmt.Errorf("document of %d bytes, at most %d: %w", len(pdf), MaxDocument, ErrMessageFormat)
	case !bytes.HasPrefix(pdf, []byte("%PDF-")):
		return nil, fmt.Errorf("OutputBinary is not a PDF (no %%PDF- header): %w", ErrMessageFormat)
	}
	return pdf, nil
}

// showDocument hands d to the Terminal and says how it went.
func (s *Server) showDocument(ctx context.Context, r *request, d Document) Response {
	ds, ok := s.term.(DocumentShower)
	if !ok {
		return Response{Result: ResultFailure, ErrorCondition: CondUnavailableService,
			AdditionalResponse: formatAdditional(AddMessage, "this terminal shows no documents")}
	}
	err := ds.ShowDocument(ctx, s.call(r, nil), d)
	s.log.Info("document shown", "sale", r.hdr.SaleID, "receipt", d.Receipt, "bytes", len(d.PDF), "err", err)
	if err != nil {
		cond, reason := conditionOf(err)
		return Response{Result: ResultFailure, ErrorCondition: cond, AdditionalResponse: formatAdditional(AddMessage, reason)}
	}
	return Response{Result: ResultSuccess}
}

// print runs a PrintRequest: the receipt goes on screen.
func (s *Server) print(ctx context.Context, r *request, b *printBody) (string, any) {
	resp := s.showDocument(ctx, r, b.doc)
	return "PrintResponse", PrintResponse{DocumentQualifier: b.req.PrintOutput.DocumentQualifier, Response: resp}
}

// displayDocument runs a Display of a PDF.
func (s *Server) displayDocument(ctx context.Context, r *request, b *displayDocument) (string, any) {
	resp := s.showDocument(ctx, r, b.doc)
	o := b.req.DisplayOutput[0]
	return "DisplayResponse", DisplayResponse{OutputResult: []OutputResult{{Device: o.Device, InfoQualify: o.InfoQualify, Response: resp}}}
}

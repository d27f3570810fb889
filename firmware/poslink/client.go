package poslink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"payterm/firmware/order"
	"payterm/internal/secret"
)

// ClientConfig configures NewClient.
type ClientConfig struct {
	POIID     string       // the terminal addressed
	Key       *SecurityKey // nil sends plain JSON (a terminal may require encryption)
	Transport Transport    // required
	Now       func() time.Time
}

// Client is the POS side of the link: it builds requests, encrypts them
// under its key, sends them over its Transport, and decrypts, checks and
// decodes the replies. Safe for concurrent use. ServiceIDs are the
// caller's: unique per SaleID for 48 hours, and reused only to repeat a
// request whose reply was lost.
type Client struct {
	poiID     string
	key       *sealKey
	transport Transport
	now       func() time.Time
}

// NewClient returns a client; deriving the key takes a moment (PBKDF2).
func NewClient(cfg ClientConfig) (*Client, error) {
	if cfg.Transport == nil {
		return nil, errors.New("poslink: client: no transport")
	}
	c := &Client{poiID: cfg.POIID, transport: cfg.Transport, now: cfg.Now}
	if c.now == nil {
		c.now = time.Now
	}
	if k := cfg.Key; k != nil {
		dk, err := DeriveKey(k.Passphrase)
		if err != nil {
			return nil, fmt.Errorf("poslink: client: %w", err)
		}
		c.key = &sealKey{ref: keyRef{k.KeyIdentifier, k.KeyVersion}, cryptoVersion: CryptoVersion, dk: dk}
	}
	return c, nil
}

// Payment asks the terminal to charge o (direct mode). A declined or
// failed payment is a Result with Approved false and a nexo Condition; the
// error is for requests that got no valid answer. A paid Result whose
// order hash is not o's comes with ErrHashMismatch.
func (c *Client) Payment(ctx context.Context, saleID, serviceID string, o order.Order) (Result, error) {
	items, discounts, err := requestItems(&o)
	if err != nil {
		return Result{}, err
	}
	req := PaymentRequest{
		SaleData: c.saleData(o.ID),
		PaymentTransaction: PaymentTransaction{
			AmountsReq:    AmountsReq{Currency: o.Currency.Code, RequestedAmount: amountNumber(o.Total, o.Currency)},
			SaleItem:      items,
			OrderDiscount: discounts,
		},
	}
	var resp PaymentResponse
	if err := c.exchange(ctx, saleID, serviceID, CategoryPayment, req, &resp); err != nil {
		return Result{}, err
	}
	res := resultFrom(resp.Response)
	if pr := resp.PaymentResult; pr != nil && pr.PaymentAcquirerData != nil && pr.PaymentAcquirerData.AcquirerTransactionID != nil {
		res.Reference = pr.PaymentAcquirerData.AcquirerTransactionID.TransactionID
	}
	if res.Approved && !res.Hash.IsZero() && res.Hash != o.Hash() {
		return res, ErrHashMismatch
	}
	return res, nil
}

// Acquire asks the terminal for the customer's credential for o (relay
// mode, nexo CardAcquisition with the order as payterm extension fields).
// Approved means captured, not paid: charge Result.Code, then report with
// Outcome. An Approved Result always carries o's hash: a credential bound
// to any other order is an error (ErrHashMismatch) and must not be
// charged.
func (c *Client) Acquire(ctx context.Context, saleID, serviceID string, o order.Order) (Result, error) {
	items, discounts, err := requestItems(&o)
	if err != nil {
		return Result{}, err
	}
	req := CardAcquisitionRequest{
		SaleData: c.saleData(o.ID),
		CardAcquisitionTransaction: CardAcquisitionTransaction{
			TotalAmount:   amountNumber(o.Total, o.Currency),
			Currency:      o.Currency.Code,
			SaleItem:      items,
			OrderDiscount: discounts,
		},
	}
	var resp CardAcquisitionResponse
	if err := c.exchange(ctx, saleID, serviceID, CategoryCardAcquisition, req, &resp); err != nil {
		return Result{}, err
	}
	res := acquisitionResult(&resp)
	if res.Approved {
		if res.Code == "" {
			return res, fmt.Errorf("poslink: CardAcquisition %s/%s: Success without a credential", saleID, serviceID)
		}
		if res.Hash != o.Hash() {
			return res, ErrHashMismatch
		}
	}
	return res, nil
}

// Outcome tells the terminal how the charge of an acquired credential
// ended (relay mode): a DisplayRequest with PredefinedContent
// AcceptedAnimated or DeclinedAnimated, an OutputText line
// "session:<o.Session>" naming the CardAcquisition (its ServiceID), and
// o.Reason as text. The terminal refuses an outcome without a session.
func (c *Client) Outcome(ctx context.Context, saleID, serviceID string, o RelayOutcome) error {
	ref := OutcomeDeclined
	if o.Approved {
		ref = OutcomeAccepted
	}
	out := DisplayOutput{Device: deviceCustomerDisplay, InfoQualify: qualifyDisplay, OutputContent: OutputContent{
		OutputFormat:      "MessageRef",
		PredefinedContent: &PredefinedContent{ReferenceID: ref},
		OutputText:        []OutputText{{Text: SessionPrefix + o.Session}},
	}}
	if o.Reason != "" {
		out.OutputContent.OutputText = append(out.OutputContent.OutputText, OutputText{Text: o.Reason})
	}
	return c.display(ctx, saleID, serviceID, out)
}

// Display shows text to the customer.
func (c *Client) Display(ctx context.Context, saleID, serviceID, text string) error {
	return c.display(ctx, saleID, serviceID, DisplayOutput{Device: deviceCustomerDisplay, InfoQualify: qualifyDisplay,
		OutputContent: OutputContent{OutputFormat: "Text", OutputText: []OutputText{{Text: text}}}})
}

func (c *Client) display(ctx context.Context, saleID, serviceID string, out DisplayOutput) error {
	var resp DisplayResponse
	if err := c.exchange(ctx, saleID, serviceID, CategoryDisplay, DisplayRequest{DisplayOutput: []DisplayOutput{out}}, &resp); err != nil {
		return err
	}
	if len(resp.OutputResult) == 0 {
		return fmt.Errorf("poslink: Display %s/%s: no OutputResult", saleID, serviceID)
	}
	for _, r := range resp.OutputResult {
		if r.Response.Result != ResultSuccess {
			return responseError(CategoryDisplay, r.Response)
		}
	}
	return nil
}

// Confirm asks the customer a yes/no question (nexo Input,
// GetConfirmation); maxWait, rounded up to seconds, bounds the wait (0:
// the terminal's own timeout).
func (c *Client) Confirm(ctx context.Context, saleID, serviceID, text string, maxWait time.Duration) (bool, error) {
	req := InputRequest{
		DisplayOutput: &DisplayOutput{Device: deviceCustomerDisplay, InfoQualify: qualifyDisplay,
			OutputContent: OutputContent{OutputFormat: "Text", OutputText: []OutputText{{Text: text}}}},
		InputData: InputData{Device: deviceCustomerInput, InfoQualify: qualifyInput, InputCommand: "GetConfirmation",
			MaxInputTime: int((maxWait + time.Second - 1) / time.Second)},
	}
	var resp InputResponse
	if err := c.exchange(ctx, saleID, serviceID, CategoryInput, req, &resp); err != nil {
		return false, err
	}
	r := resp.InputResult
	if r.Response.Result != ResultSuccess {
		return false, responseError(CategoryInput, r.Response)
	}
	if r.Input == nil || r.Input.ConfirmedFlag == nil {
		return false, fmt.Errorf("poslink: Input %s/%s: Success without ConfirmedFlag", saleID, serviceID)
	}
	return *r.Input.ConfirmedFlag, nil
}

// Abort asks the terminal to end the session of ref (its category and
// ServiceID; SaleID defaults to saleID). serviceID is the Abort's own. The
// terminal sends no response body; a Failure comes back as a
// *ResponseError.
func (c *Client) Abort(ctx context.Context, saleID, serviceID string, ref MessageReference, reason string) error {
	if ref.SaleID == "" {
		ref.SaleID = saleID
	}
	if reason == "" {
		reason = "MerchantAbort"
	}
	var status statusBody
	err := c.exchange(ctx, saleID, serviceID, CategoryAbort, AbortRequest{AbortReason: reason, MessageReference: ref}, &status)
	if errors.Is(err, errEmptyReply) {
		return nil
	}
	if err != nil {
		return err
	}
	if status.Response.Result != ResultSuccess {
		return responseError(CategoryAbort, status.Response)
	}
	return nil
}

// Status is the answer to TransactionStatus.
type Status struct {
	// Response is the TransactionStatusResponse's own: Success when an
	// earlier response is repeated below; else Failure with InProgress,
	// NotFound or Aborted (AdditionalResponse state=interrupted).
	Response Response
	Category string        // MessageCategory of the repeated response
	Header   MessageHeader // header of the repeated response
	Result   Result        // the repeated response, as Payment or Acquire return it
}

// TransactionStatus asks for the response to an earlier Payment or
// CardAcquisition (ref.ServiceID), or to the sale's latest one (empty
// ref). serviceID is the status request's own.
func (c *Client) TransactionStatus(ctx context.Context, saleID, serviceID string, ref MessageReference) (Status, error) {
	req := TransactionStatusRequest{}
	if ref != (MessageReference{}) {
		if ref.SaleID == "" {
			ref.SaleID = saleID
		}
		req.MessageReference = &ref
	}
	var resp TransactionStatusResponse
	if err := c.exchange(ctx, saleID, serviceID, CategoryTransactionStatus, req, &resp); err != nil {
		return Status{}, err
	}
	st := Status{Response: resp.Response}
	rep := resp.RepeatedMessageResponse
	if resp.Response.Result != ResultSuccess || rep == nil {
		return st, nil
	}
	st.Header, st.Category = rep.MessageHeader, rep.MessageHeader.MessageCategory
	body := rep.RepeatedResponseMessageBody
	switch {
	case len(body.PaymentResponse) > 0:
		var p PaymentResponse
		if err := json.Unmarshal(body.PaymentResponse, &p); err != nil {
			return st, fmt.Errorf("poslink: TransactionStatus: repeated PaymentResponse: %w", err)
		}
		st.Result = resultFrom(p.Response)
		if pr := p.PaymentResult; pr != nil && pr.PaymentAcquirerData != nil && pr.PaymentAcquirerData.AcquirerTransactionID != nil {
			st.Result.Reference = pr.PaymentAcquirerData.AcquirerTransactionID.TransactionID
		}
	case len(body.CardAcquisitionResponse) > 0:
		var a CardAcquisitionResponse
		if err := json.Unmarshal(body.CardAcquisitionResponse, &a); err != nil {
			return st, fmt.Errorf("poslink: TransactionStatus: repeated CardAcquisitionResponse: %w", err)
		}
		st.Result = acquisitionResult(&a)
	}
	return st, nil
}

func (c *Client) saleData(txID string) SaleData {
	return SaleData{SaleTransactionID: TransactionIdentification{TransactionID: txID, TimeStamp: nexoTime(c.now())}}
}

// requestItems validates o and writes its lines as SaleItems.
func requestItems(o *order.Order) ([]SaleItem, []OrderDiscount, error) {
	if err := o.Validate(); err != nil {
		return nil, nil, fmt.Errorf("poslink: %w", err)
	}
	return itemsFromOrder(o)
}

// resultFrom reads the common outcome of a Payment or CardAcquisition
// response.
func resultFrom(r Response) Result {
	add := ParseAdditional(r.AdditionalResponse)
	res := Result{
		Approved:  r.Result == ResultSuccess,
		Condition: r.ErrorCondition,
		Reason:    add.Get(AddMessage),
	}
	if h, err := order.ParseHash(add.Get(AddOrderHash)); err == nil {
		res.Hash = h
	}
	if f := add.Get(AddFlagged); f != "" {
		res.Flagged = strings.Split(f, ",")
	}
	res.Statement, res.Ref = add.Get(AddStatement), add.Get(AddAttempt)
	return res
}

func acquisitionResult(a *CardAcquisitionResponse) Result {
	res := resultFrom(a.Response)
	if h, err := order.ParseHash(a.OrderHash); err == nil {
		res.Hash = h
	}
	res.Signature = a.Signature
	if rel, ok := relayFromAdditional(ParseAdditional(a.Response.AdditionalResponse)); ok {
		res.Statement = rel.Statement
	}
	if p := a.PaymentInstrumentData; p != nil {
		switch p.PaymentInstrumentType {
		case InstrumentPaymentCode:
			res.Method, res.Code = "code", secret.Code(p.PaymentCode)
		case InstrumentFace:
			res.Method, res.Code = "face", secret.Code(p.FaceToken)
		}
	}
	return res
}

func responseError(category string, r Response) *ResponseError {
	return &ResponseError{Category: category, Condition: r.ErrorCondition, Reason: ParseAdditional(r.AdditionalResponse).Get(AddMessage)}
}

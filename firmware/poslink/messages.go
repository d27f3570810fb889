package poslink

import "encoding/json"

// Wire types of nexo Sale-to-POI 3.0 as Adyen's local Terminal API sends
// them. Field names are the JSON names, case and all. Amounts are
// json.Number so that their literal text ("12.50") reaches
// order.ParseAmount untouched: no float64 ever holds money. Unknown
// fields are ignored on input; fields this package does not use are left
// out.
//
// payterm extensions (fields nexo does not define) are marked "payterm
// extension" below; an Adyen-only POS never sends them and ignores them
// in replies.

// ProtocolVersion is the nexo protocol version this terminal speaks.
const ProtocolVersion = "3.0"

// MessageHeader values.
const (
	ClassService = "Service" // request/response pairs
	ClassEvent   = "Event"   // notifications from the terminal

	TypeRequest      = "Request"
	TypeResponse     = "Response"
	TypeNotification = "Notification"

	CategoryPayment           = "Payment"
	CategoryCardAcquisition   = "CardAcquisition"
	CategoryAbort             = "Abort"
	CategoryTransactionStatus = "TransactionStatus"
	CategoryInput             = "Input"
	CategoryDisplay           = "Display"
	CategoryPrint             = "Print"
	CategoryDiagnosis         = "Diagnosis"
	CategoryEvent             = "Event"
)

// Response.Result values.
const (
	ResultSuccess = "Success"
	ResultFailure = "Failure"
)

// Response.ErrorCondition values used by this package (nexo's full list
// also has Busy, Refusal, WrongPIN, ... which the Terminal may return).
const (
	CondAborted            = "Aborted"
	CondBusy               = "Busy"
	CondCancel             = "Cancel"
	CondInProgress         = "InProgress"
	CondMessageFormat      = "MessageFormat"
	CondNotAllowed         = "NotAllowed"
	CondNotFound           = "NotFound"
	CondRefusal            = "Refusal"
	CondUnavailableService = "UnavailableService"
)

// Relay outcome, Adyen's convention: a DisplayRequest whose
// PredefinedContent.ReferenceID is one of these tells the customer how
// the POS's charge ended.
const (
	OutcomeAccepted = "AcceptedAnimated"
	OutcomeDeclined = "DeclinedAnimated"
)

// PaymentInstrumentType values of a CardAcquisitionResponse (payterm
// extension: nexo knows Card, Mobile, ...).
const (
	InstrumentPaymentCode = "PaymentCode"
	InstrumentFace        = "Face"
)

// MessageHeader heads every message. A response mirrors its request's
// header with MessageType Response.
type MessageHeader struct {
	ProtocolVersion string `json:"ProtocolVersion,omitempty"`
	MessageClass    string `json:"MessageClass"`
	MessageCategory string `json:"MessageCategory"`
	MessageType     string `json:"MessageType"`
	ServiceID       string `json:"ServiceID,omitempty"`
	DeviceID        string `json:"DeviceID,omitempty"`
	SaleID          string `json:"SaleID,omitempty"`
	POIID           string `json:"POIID,omitempty"`
}

// SecurityTrailer says which key encrypted NexoBlob. Nonce (16 bytes) and
// Hmac (32 bytes) are base64 on the wire, as encoding/json writes []byte.
type SecurityTrailer struct {
	AdyenCryptoVersion int    `json:"AdyenCryptoVersion"`
	KeyIdentifier      string `json:"KeyIdentifier"`
	KeyVersion         int    `json:"KeyVersion"`
	Nonce              []byte `json:"Nonce"`
	Hmac               []byte `json:"Hmac"`
}

// TransactionIdentification names a transaction; TimeStamp is ISO 8601
// UTC with milliseconds ("2026-05-08T14:25:15.000Z").
type TransactionIdentification struct {
	TransactionID string `json:"TransactionID"`
	TimeStamp     string `json:"TimeStamp"`
}

// SaleData is the POS's side of a transaction; replies echo it.
// SaleToAcquirerData is passed through untouched (Adyen allows a string or
// an object).
type SaleData struct {
	SaleTransactionID  TransactionIdentification `json:"SaleTransactionID"`
	SaleReferenceID    string                    `json:"SaleReferenceID,omitempty"`
	SaleToAcquirerData json.RawMessage           `json:"SaleToAcquirerData,omitempty"`
}

// SaleItem is one order line. Amounts are major units of the order's
// currency; ItemAmount is Quantity × UnitPrice before DiscountAmount.
// Quantity defaults to 1, UnitOfMeasure to pieces; UnitPrice may be left
// out only when the quantity is 1.
type SaleItem struct {
	ItemID        json.Number `json:"ItemID"` // non-negative integer, unique in the order
	ProductCode   string      `json:"ProductCode"`
	ProductLabel  string      `json:"ProductLabel,omitempty"`
	Quantity      json.Number `json:"Quantity,omitempty"`
	UnitOfMeasure string      `json:"UnitOfMeasure,omitempty"`
	UnitPrice     json.Number `json:"UnitPrice,omitempty"`
	ItemAmount    json.Number `json:"ItemAmount"`
	// DiscountAmount (payterm extension) is the discount on this line,
	// 0 ≤ DiscountAmount ≤ ItemAmount.
	DiscountAmount json.Number `json:"DiscountAmount,omitempty"`
}

// OrderDiscount (payterm extension) is an order-level reduction (coupon,
// loyalty), in major units, subtracted from the sum of the lines.
type OrderDiscount struct {
	Label  string      `json:"Label"`
	Amount json.Number `json:"Amount"`
}

// AmountsReq is what the POS asks for: RequestedAmount in major units of
// the ISO 4217 Currency.
type AmountsReq struct {
	Currency        string      `json:"Currency"`
	RequestedAmount json.Number `json:"RequestedAmount"`
}

// PaymentTransaction carries the amount and, for an itemized payment, the
// lines; Σ lines − Σ OrderDiscount must equal RequestedAmount.
type PaymentTransaction struct {
	AmountsReq    AmountsReq      `json:"AmountsReq"`
	SaleItem      []SaleItem      `json:"SaleItem,omitempty"`
	OrderDiscount []OrderDiscount `json:"OrderDiscount,omitempty"` // payterm extension
}

// PaymentRequest (direct mode): show the order, take the customer's
// credential and charge it. Only a PaymentResponse with Result Success
// means paid.
type PaymentRequest struct {
	SaleData           SaleData           `json:"SaleData"`
	PaymentTransaction PaymentTransaction `json:"PaymentTransaction"`
}

// Response is the outcome part of every response. AdditionalResponse is
// URL-encoded key=value pairs ("message=...&orderHash=..."); see
// ParseAdditional.
type Response struct {
	Result             string `json:"Result"`
	ErrorCondition     string `json:"ErrorCondition,omitempty"`
	AdditionalResponse string `json:"AdditionalResponse,omitempty"`
}

// POIData is the terminal's side of a transaction.
type POIData struct {
	POITransactionID TransactionIdentification `json:"POITransactionID"`
}

// AmountsResp is what was authorized, in major units.
type AmountsResp struct {
	Currency         string      `json:"Currency,omitempty"`
	AuthorizedAmount json.Number `json:"AuthorizedAmount"`
}

// PaymentAcquirerData names the charge at the payment system:
// AcquirerTransactionID.TransactionID is its reference.
type PaymentAcquirerData struct {
	AcquirerPOIID         string                     `json:"AcquirerPOIID,omitempty"`
	AcquirerTransactionID *TransactionIdentification `json:"AcquirerTransactionID,omitempty"`
}

// PaymentResult is present when the payment was approved.
type PaymentResult struct {
	AmountsResp         *AmountsResp         `json:"AmountsResp,omitempty"`
	PaymentAcquirerData *PaymentAcquirerData `json:"PaymentAcquirerData,omitempty"`
}

// PaymentResponse answers a PaymentRequest.
type PaymentResponse struct {
	Response      Response       `json:"Response"`
	SaleData      SaleData       `json:"SaleData"`
	POIData       POIData        `json:"POIData"`
	PaymentResult *PaymentResult `json:"PaymentResult,omitempty"`
}

// CardAcquisitionTransaction says what the credential is for. payterm
// extension: the itemized order rides here (SaleItem, OrderDiscount and
// the Currency of TotalAmount, in major units), so the customer confirms
// the order before presenting a credential.
type CardAcquisitionTransaction struct {
	TotalAmount   json.Number     `json:"TotalAmount,omitempty"`
	Currency      string          `json:"Currency,omitempty"`      // payterm extension
	SaleItem      []SaleItem      `json:"SaleItem,omitempty"`      // payterm extension
	OrderDiscount []OrderDiscount `json:"OrderDiscount,omitempty"` // payterm extension
}

// CardAcquisitionRequest (relay mode): show the order, let the customer
// confirm it and present a credential, and return the credential bound to
// the order's hash. Nothing is charged.
type CardAcquisitionRequest struct {
	SaleData                   SaleData                   `json:"SaleData"`
	CardAcquisitionTransaction CardAcquisitionTransaction `json:"CardAcquisitionTransaction"`
}

// PaymentInstrumentData carries the captured credential (payterm
// extension of nexo's structure): PaymentInstrumentType is "PaymentCode"
// with the scanned code in PaymentCode, or "Face" with the face module's
// opaque token in FaceToken. Both are secrets.
type PaymentInstrumentData struct {
	PaymentInstrumentType string `json:"PaymentInstrumentType"`
	PaymentCode           string `json:"PaymentCode,omitempty"`
	FaceToken             string `json:"FaceToken,omitempty"`
}

// CardAcquisitionResponse answers a CardAcquisitionRequest. Result Success
// means "credential captured", never "paid": the POS charges it and then
// tells the outcome with a DisplayRequest. payterm extensions: OrderHash is
// the lowercase hex SHA-256 (order.Hash) of the order the customer
// confirmed, and Signature the terminal's base64 signature over (POIID,
// SaleTransactionID, OrderHash, method, credential).
type CardAcquisitionResponse struct {
	Response              Response               `json:"Response"`
	SaleData              SaleData               `json:"SaleData"`
	POIData               POIData                `json:"POIData"`
	PaymentInstrumentData *PaymentInstrumentData `json:"PaymentInstrumentData,omitempty"`
	OrderHash             string                 `json:"OrderHash,omitempty"` // payterm extension
	Signature             string                 `json:"Signature,omitempty"` // payterm extension
}

// MessageReference points at an earlier message of the same sale.
type MessageReference struct {
	MessageCategory string `json:"MessageCategory,omitempty"`
	SaleID          string `json:"SaleID,omitempty"`
	ServiceID       string `json:"ServiceID,omitempty"`
	POIID           string `json:"POIID,omitempty"`
}

// AbortRequest ends the session MessageReference points at. Adyen's
// terminal sends no response body; neither does this one.
type AbortRequest struct {
	AbortReason      string           `json:"AbortReason"`
	MessageReference MessageReference `json:"MessageReference"`
}

// TransactionStatusRequest asks for the response to an earlier Payment or
// CardAcquisition; without MessageReference (or its ServiceID), the latest
// one of the sale.
type TransactionStatusRequest struct {
	MessageReference *MessageReference `json:"MessageReference,omitempty"`
}

// TransactionStatusResponse: Response is Success when the earlier response
// is repeated, Failure with InProgress, NotFound or Aborted (interrupted by
// a restart) otherwise.
type TransactionStatusResponse struct {
	Response                Response                 `json:"Response"`
	MessageReference        *MessageReference        `json:"MessageReference,omitempty"`
	RepeatedMessageResponse *RepeatedMessageResponse `json:"RepeatedMessageResponse,omitempty"`
}

// RepeatedMessageResponse is an earlier response, header and body.
type RepeatedMessageResponse struct {
	MessageHeader               MessageHeader               `json:"MessageHeader"`
	RepeatedResponseMessageBody RepeatedResponseMessageBody `json:"RepeatedResponseMessageBody"`
}

// RepeatedResponseMessageBody holds exactly one earlier response body,
// kept raw: it is repeated byte for byte as first sent.
type RepeatedResponseMessageBody struct {
	PaymentResponse         json.RawMessage `json:"PaymentResponse,omitempty"`
	CardAcquisitionResponse json.RawMessage `json:"CardAcquisitionResponse,omitempty"`
}

// PredefinedContent names content the terminal knows (OutcomeAccepted,
// OutcomeDeclined).
type PredefinedContent struct {
	ReferenceID string `json:"ReferenceID"`
	Language    string `json:"Language,omitempty"`
}

// OutputText is one line of text; styling fields are ignored.
type OutputText struct {
	Text string `json:"Text"`
}

// OutputContent is what to show: OutputFormat "Text" with OutputText,
// "MessageRef" with PredefinedContent (and optional OutputText), or
// FormatPDF with OutputBinary (payterm extension, see Document).
type OutputContent struct {
	OutputFormat      string             `json:"OutputFormat"`
	PredefinedContent *PredefinedContent `json:"PredefinedContent,omitempty"`
	OutputText        []OutputText       `json:"OutputText,omitempty"`
	// OutputBinary is a PDF document, standard base64 with padding, when
	// OutputFormat is FormatPDF (payterm extension: nexo carries a
	// printout as XHTML, Text or BarCode; a POS that already renders its
	// receipt to PDF sends that file as it is).
	OutputBinary string `json:"OutputBinary,omitempty"`
}

// PrintOutput is one document to print: on this terminal, a receipt the
// customer reads on screen.
type PrintOutput struct {
	// DocumentQualifier is nexo's kind of document: "CustomerReceipt",
	// "CashierReceipt", "Document", "Voucher"; kept and echoed.
	DocumentQualifier string `json:"DocumentQualifier"`
	// ResponseMode is "NotRequired", "Immediate", "PrintEnd"; the
	// terminal always answers once the document is on screen.
	ResponseMode  string        `json:"ResponseMode,omitempty"`
	OutputContent OutputContent `json:"OutputContent"`
}

// PrintRequest asks the terminal to print (nexo Print). This terminal has
// no printer: a PDF document (OutputFormat FormatPDF) goes on screen.
type PrintRequest struct {
	PrintOutput PrintOutput `json:"PrintOutput"`
}

// PrintResponse answers a PrintRequest.
type PrintResponse struct {
	DocumentQualifier string   `json:"DocumentQualifier"`
	Response          Response `json:"Response"`
}

// DisplayOutput is one thing to show on one device ("CustomerDisplay").
type DisplayOutput struct {
	Device        string        `json:"Device"`
	InfoQualify   string        `json:"InfoQualify"`
	OutputContent OutputContent `json:"OutputContent"`
}

// DisplayRequest shows text to the customer, or, with PredefinedContent
// OutcomeAccepted/OutcomeDeclined, the relay outcome.
type DisplayRequest struct {
	DisplayOutput []DisplayOutput `json:"DisplayOutput"`
}

// OutputResult answers one DisplayOutput.
type OutputResult struct {
	Device      string   `json:"Device"`
	InfoQualify string   `json:"InfoQualify"`
	Response    Response `json:"Response"`
}

// DisplayResponse has one OutputResult per DisplayOutput, in order.
type DisplayResponse struct {
	OutputResult []OutputResult `json:"OutputResult"`
}

// InputData says what to ask. Only InputCommand "GetConfirmation" is
// supported; MaxInputTime is in seconds, 0 meaning the terminal's own
// timeout.
type InputData struct {
	Device       string `json:"Device"`
	InfoQualify  string `json:"InfoQualify"`
	InputCommand string `json:"InputCommand"`
	MaxInputTime int    `json:"MaxInputTime,omitempty"`
}

// InputRequest asks the customer a yes/no question (DisplayOutput's text).
type InputRequest struct {
	DisplayOutput *DisplayOutput `json:"DisplayOutput,omitempty"`
	InputData     InputData      `json:"InputData"`
}

// Input is the customer's answer; ConfirmedFlag is absent on failure.
type Input struct {
	InputCommand  string `json:"InputCommand"`
	ConfirmedFlag *bool  `json:"ConfirmedFlag,omitempty"`
}

// InputResult is the outcome of an InputRequest.
type InputResult struct {
	Device      string   `json:"Device"`
	InfoQualify string   `json:"InfoQualify"`
	Response    Response `json:"Response"`
	Input       *Input   `json:"Input,omitempty"`
}

// InputResponse answers an InputRequest.
type InputResponse struct {
	InputResult InputResult `json:"InputResult"`
}

// EventNotification is sent, as Adyen's terminals do, in place of a
// response when a message is rejected before any header could be read:
// EventToNotify "Reject", EventDetails "message=...".
type EventNotification struct {
	TimeStamp     string `json:"TimeStamp"`
	EventToNotify string `json:"EventToNotify"`
	EventDetails  string `json:"EventDetails,omitempty"`
}

// statusBody is the body of a Failure for a category without a typed
// response here (unknown categories, a refused Abort).
type statusBody struct {
	Response Response `json:"Response"`
}

// DiagnosisRequest asks how the terminal is (nexo Diagnosis).
type DiagnosisRequest struct {
	HostDiagnosisFlag bool `json:",omitempty"`
}

// POIStatus is the terminal's state in a DiagnosisResponse.
type POIStatus struct {
	GlobalStatus string // "OK", "Busy", "Maintenance", "Unreachable"
}

// DiagnosisResponse answers a DiagnosisRequest. LogTail is a payterm
// extension: the last lines of the terminal's log, for the POS to fetch
// (only over an encrypted link).
type DiagnosisResponse struct {
	Response  Response
	POIStatus *POIStatus `json:",omitempty"`
	LogTail   []string   `json:",omitempty"`
}

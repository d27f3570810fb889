package catalog

// ID names one message. The names follow the ui's former w… constants
// (wWelcome is Welcome), so strings added on other branches move in by
// name.
type ID int

const (
	Welcome ID = iota
	IdleHint
	CheckOrder
	TapHint
	Total
	Discount
	Confirm
	Report
	Cancel
	Corrected
	CheckingTitle
	ChooseTitle
	PayCode
	PayFace
	Back
	ShowCode
	LookCamera
	CodeToCamera // show-code when the camera reads the code
	UseCamera    // switch from the scanner to the camera
	UseScanner   // switch from the camera to the scanner
	Payment
	Processing
	PleaseWait
	Paid
	Thanks
	Failed
	Refused
	Done
	NoMethod
	PrevPage
	NextPage
	QuestionTitle
	Yes
	No
	OutOfService
	NotProvisioned
	AskStaff
	Checking     // {0}: how many items the cashier is checking
	Page         // {0}: this page, counted from 1; {1}: pages
	More         // {0}: how many more items are not listed
	LanguageName // the language's own name, on the button that switches to it
	Language     // what the language button does, for the hit-test label
	DocumentTitle
	ReceiptTitle
	Close
	DocumentError // a page of the POS's document could not be drawn

	// Phone: the payer confirms a held payment on the phone (USERPAYING),
	// or types the last digits of the phone for a close face match.
	ConfirmOnPhone
	VerifyTitle
	DigitsHint // the number of digits is in the text
	Delete
	OK

	// Face capture: the pipeline's guidance (checkout.FaceHint), and the
	// seconds left to capture.
	FaceMoveCloser
	FaceMoveBack
	FaceCentre
	FaceHoldStill
	FaceTooDark
	FaceTooBright
	FaceOnlyOne
	FaceTheCamera
	FaceNotLive
	FaceReady
	SecondsLeft // {0}: seconds

	// Notes the checkout puts in View.Message, matched by their English
	// text (Note).
	NoteCancelledNothingCharged
	NoteDeclined
	NoteNotCompleted
	NoteCancelling
	NoteCannotPayNothingCharged
	NoteCancelledByCustomer
	NoteTimedOut
	NoteEarlierNotCompleted
	NoteEarlierComplete
	NoteCannotPayNow
	NoteNoMethodHere
	NoteUnknownKind
	NoteCurrency
	NoteNoItems
	NoteTooManyItems
	NoteTooManyDiscounts
	NoteTotalMismatch
	NoteLineAmount
	NoteDuplicateLine
	NoteOutOfRange
	NoteBadField
	NoteDigitsRetry
	NoteDigitsWrong
	NoteCodeExpired
	NoteCodeUsed
	NoteCodeUnknown
	NoteFaceUnknown
	NoteInsufficientFunds
	NoteCurrencyMismatch
	NoteUserRefused
	NoteUserPayingExpired
	NotePhoneDigitsNeeded
	NotePhoneDigitsMismatch
	NoteOrderPaid
	NoteTerminalRefused
	NoteDeclinedShort
	NoteUnreadable
	// UpdateProgress is the idle screen's line while the terminal
	// downloads a software update; {0}: percent received.
	UpdateProgress

	numIDs // not a message: the count
)

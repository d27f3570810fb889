package catalog

// en is English. The notes are the checkout's own words, letter for
// letter: Note finds them by this text.
var en = [numIDs]msg{
	Welcome:        s("Welcome"),
	IdleHint:       s("Your order will appear here"),
	CheckOrder:     s("Please check your order"),
	TapHint:        s("Tap or circle items that are wrong"),
	Total:          s("Total"),
	Discount:       s("Discount"),
	Confirm:        s("Confirm"),
	Report:         s("Report marked items"),
	Cancel:         s("Cancel"),
	Corrected:      s("The cashier corrected your order. Please check it again."),
	CheckingTitle:  s("Checking your order"),
	ChooseTitle:    s("Choose how to pay"),
	PayCode:        s("Pay with payment code"),
	PayFace:        s("Pay with face"),
	Back:           s("Back"),
	ShowCode:       s("Show your payment code to the scanner"),
	LookCamera:     s("Look at the camera"),
	Payment:        s("Payment"),
	Processing:     s("Processing payment…"),
	PleaseWait:     s("Please wait"),
	Paid:           s("Paid"),
	Thanks:         s("Thank you"),
	Failed:         s("Payment failed"),
	Refused:        s("Order refused"),
	Done:           s("Done"),
	NoMethod:       s("No payment method is available"),
	PrevPage:       s("Previous page"),
	NextPage:       s("Next page"),
	QuestionTitle:  s("Please answer"),
	Yes:            s("Yes"),
	No:             s("No"),
	OutOfService:   s("Out of service"),
	NotProvisioned: s("Not provisioned"),
	AskStaff:       s("This terminal cannot take payments. Please ask the staff."),
	Checking:       plural("The cashier is checking {0} item", "The cashier is checking {0} items"),
	Page:           s("{0}/{1}"),
	More:           s("and {0} more"),
	LanguageName:   s("English"),
	Language:       s("Language"),
	DocumentTitle:  s("Document"),
	ReceiptTitle:   s("Receipt"),
	Close:          s("Close"),
	DocumentError:  s("This page cannot be shown"),

	NoteCancelledNothingCharged: s("payment cancelled: nothing was charged"),
	NoteDeclined:                s("payment declined"),
	NoteNotCompleted:            s("the payment could not be completed: nothing was charged"),
	NoteCancelling:              s("cancelling the payment"),
	NoteCannotPayNothingCharged: s("this terminal cannot take payments now: nothing was charged"),
	NoteCancelledByCustomer:     s("cancelled by customer"),
	NoteTimedOut:                s("timed out"),
	NoteEarlierNotCompleted:     s("the earlier payment was not completed: nothing was charged"),
	NoteEarlierComplete:         s("the earlier payment is complete"),
	NoteCannotPayNow:            s("This terminal cannot take payments now."),
	NoteNoMethodHere:            s("No payment method is available on this terminal."),
	NoteUnknownKind:             s("The till asked for an unknown kind of payment."),
	NoteCurrency:                s("The order's currency is not accepted here."),
	NoteNoItems:                 s("The order has no items."),
	NoteTooManyItems:            s("The order has too many items."),
	NoteTooManyDiscounts:        s("The order has too many discounts."),
	NoteTotalMismatch:           s("The items do not add up to the total."),
	NoteLineAmount:              s("An item's amount does not match its quantity and price."),
	NoteDuplicateLine:           s("An item appears twice."),
	NoteOutOfRange:              s("An amount is out of range."),
	NoteBadField:                s("An item has a field that cannot be shown."),
	NoteUnreadable:              s("The order could not be read."),
}

// notes finds a checkout note's ID by its English text.
var notes = func() map[string]ID {
	m := map[string]ID{}
	for id := NoteCancelledNothingCharged; id <= NoteUnreadable; id++ {
		m[en[id].other] = id
	}
	return m
}()

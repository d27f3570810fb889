package ui

import "strconv"

// What the customer reads, in one place so a translation is one file.
const (
	wWelcome        = "Welcome"
	wIdleHint       = "Your order will appear here"
	wCheckOrder     = "Please check your order"
	wTapHint        = "Tap or circle items that are wrong"
	wTotal          = "Total"
	wDiscount       = "Discount"
	wConfirm        = "Confirm"
	wReport         = "Report marked items"
	wCancel         = "Cancel"
	wCorrected      = "The cashier corrected your order. Please check it again."
	wCheckingTitle  = "Checking your order"
	wChooseTitle    = "Choose how to pay"
	wPayCode        = "Pay with payment code"
	wPayFace        = "Pay with face"
	wBack           = "Back"
	wShowCode       = "Show your payment code to the scanner"
	wLookCamera     = "Look at the camera"
	wCodeToCamera   = "Hold your payment code up to the camera"
	wUseCamera      = "Scan with the camera"
	wUseScanner     = "Use the scanner"
	wPayment        = "Payment"
	wProcessing     = "Processing payment…"
	wPleaseWait     = "Please wait"
	wPaid           = "Paid"
	wThanks         = "Thank you"
	wFailed         = "Payment failed"
	wRefused        = "Order refused"
	wDone           = "Done"
	wNoMethod       = "No payment method is available"
	wPrevPage       = "Previous page"
	wNextPage       = "Next page"
	wQuestionTitle  = "Please answer"
	wYes            = "Yes"
	wNo             = "No"
	wOutOfService   = "Out of service"
	wNotProvisioned = "Not provisioned"
	wAskStaff       = "This terminal cannot take payments. Please ask the staff."
)

func wChecking(n int) string {
	if n == 1 {
		return "The cashier is checking 1 item"
	}
	return "The cashier is checking " + strconv.Itoa(n) + " items"
}

func wPage(page, pages int) string {
	return strconv.Itoa(page+1) + "/" + strconv.Itoa(pages)
}

func wMore(n int) string { return "and " + strconv.Itoa(n) + " more" }

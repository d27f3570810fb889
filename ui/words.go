package ui

import (
	"payterm/firmware/order"
	"payterm/ui/catalog"
)

// What the customer reads lives in package catalog, one entry per
// language. These names keep the ui's vocabulary short in drawing code:
// b.t(wWelcome) is the view's language's "Welcome". A new string is a
// catalog ID (ids.go) with an entry in en.go and zh.go, and a line here.
const (
	wWelcome        = catalog.Welcome
	wIdleHint       = catalog.IdleHint
	wCheckOrder     = catalog.CheckOrder
	wTapHint        = catalog.TapHint
	wTotal          = catalog.Total
	wDiscount       = catalog.Discount
	wConfirm        = catalog.Confirm
	wReport         = catalog.Report
	wCancel         = catalog.Cancel
	wCorrected      = catalog.Corrected
	wCheckingTitle  = catalog.CheckingTitle
	wChooseTitle    = catalog.ChooseTitle
	wPayCode        = catalog.PayCode
	wPayFace        = catalog.PayFace
	wBack           = catalog.Back
	wShowCode       = catalog.ShowCode
	wLookCamera     = catalog.LookCamera
	wCodeToCamera   = catalog.CodeToCamera
	wUseCamera      = catalog.UseCamera
	wUseScanner     = catalog.UseScanner
	wPayment        = catalog.Payment
	wProcessing     = catalog.Processing
	wPleaseWait     = catalog.PleaseWait
	wPaid           = catalog.Paid
	wThanks         = catalog.Thanks
	wFailed         = catalog.Failed
	wRefused        = catalog.Refused
	wDone           = catalog.Done
	wNoMethod       = catalog.NoMethod
	wPrevPage       = catalog.PrevPage
	wNextPage       = catalog.NextPage
	wQuestionTitle  = catalog.QuestionTitle
	wYes            = catalog.Yes
	wNo             = catalog.No
	wOutOfService   = catalog.OutOfService
	wNotProvisioned = catalog.NotProvisioned
	wAskStaff       = catalog.AskStaff
	wChecking       = catalog.Checking       // {0}: items
	wPage           = catalog.Page           // {0}: page from 1, {1}: pages
	wMore           = catalog.More           // {0}: items not listed
	wUpdateProgress = catalog.UpdateProgress // {0}: percent
	wLanguageName   = catalog.LanguageName
	wLanguage       = catalog.Language
	// Face capture guidance (checkout.FaceHint) and countdown.
	wFaceMoveCloser = catalog.FaceMoveCloser
	wFaceMoveBack   = catalog.FaceMoveBack
	wFaceCentre     = catalog.FaceCentre
	wFaceHoldStill  = catalog.FaceHoldStill
	wFaceTooDark    = catalog.FaceTooDark
	wFaceTooBright  = catalog.FaceTooBright
	wFaceOnlyOne    = catalog.FaceOnlyOne
	wFaceTheCamera  = catalog.FaceTheCamera
	wFaceNotLive    = catalog.FaceNotLive
	wFaceReady      = catalog.FaceReady
	wSecondsLeft    = catalog.SecondsLeft // {0}: seconds
	wDocumentTitle  = catalog.DocumentTitle
	wReceiptTitle   = catalog.ReceiptTitle
	wClose          = catalog.Close
	wDocumentError  = catalog.DocumentError
	wConfirmOnPhone = catalog.ConfirmOnPhone
	wVerifyTitle    = catalog.VerifyTitle
	wDigitsHint     = catalog.DigitsHint
	wDelete         = catalog.Delete
	wOK             = catalog.OK
)

// t is message id in the language of the view being built.
func (b *builder) t(id catalog.ID, args ...any) string { return b.c.T(id, args...) }

// money is an amount in the view's currency style and language.
func (b *builder) money(minor int64, cur order.Currency) string { return b.c.Money(minor, cur) }

package poslink

import (
	"context"
	"strings"
	"time"
)

// Device and InfoQualify values of the customer's screen and keys.
const (
	deviceCustomerDisplay = "CustomerDisplay"
	deviceCustomerInput   = "CustomerInput"
	qualifyDisplay        = "Display"
	qualifyInput          = "Input"
)

// SessionPrefix starts the OutputText line of an outcome DisplayRequest
// that names the session it belongs to: "session:<ServiceID of the
// CardAcquisition>". The line is for the terminal, not the customer.
const SessionPrefix = "session:"

// display runs a DisplayRequest: the relay outcome (Terminal.Outcome)
// when a DisplayOutput carries PredefinedContent AcceptedAnimated or
// DeclinedAnimated, with the session line's ServiceID as the session and
// the other OutputText as the reason; plain text otherwise
// (Terminal.Display).
func (s *Server) display(ctx context.Context, r *request, d *DisplayRequest) (string, any) {
	var err error
	if approved, ok := outcomeOf(d); ok {
		session, text, _ := sessionOf(d)
		err = s.term.Outcome(ctx, s.call(r, nil), RelayOutcome{Session: session, Approved: approved, Reason: text})
		s.log.Info("outcome shown", "sale", r.hdr.SaleID, "session", session, "approved", approved, "err", err)
	} else {
		err = s.term.Display(ctx, s.call(r, nil), displayText(d))
	}
	resp := Response{Result: ResultSuccess}
	if err != nil {
		cond, reason := conditionOf(err)
		resp = Response{Result: ResultFailure, ErrorCondition: cond, AdditionalResponse: formatAdditional(AddMessage, reason)}
	}
	out := DisplayResponse{OutputResult: make([]OutputResult, 0, len(d.DisplayOutput))}
	for _, o := range d.DisplayOutput {
		out.OutputResult = append(out.OutputResult, OutputResult{Device: o.Device, InfoQualify: o.InfoQualify, Response: resp})
	}
	return "DisplayResponse", out
}

// input runs an InputRequest (GetConfirmation) through Terminal.Confirm,
// bounded by MaxInputTime when given.
func (s *Server) input(ctx context.Context, r *request, in *InputRequest) (string, any) {
	if t := in.InputData.MaxInputTime; t > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(t)*time.Second)
		defer cancel()
	}
	ok, err := s.term.Confirm(ctx, s.call(r, nil), outputText(in.DisplayOutput.lines()))
	res := InputResult{Device: deviceCustomerInput, InfoQualify: qualifyInput, Response: Response{Result: ResultSuccess}}
	if err != nil {
		cond, reason := conditionOf(err)
		res.Response = Response{Result: ResultFailure, ErrorCondition: cond, AdditionalResponse: formatAdditional(AddMessage, reason)}
	} else {
		res.Input = &Input{InputCommand: in.InputData.InputCommand, ConfirmedFlag: &ok}
	}
	return "InputResponse", InputResponse{InputResult: res}
}

// outcomeOf finds Adyen's outcome convention in a DisplayRequest.
func outcomeOf(d *DisplayRequest) (approved, ok bool) {
	for _, o := range d.DisplayOutput {
		if pc := o.OutputContent.PredefinedContent; pc != nil {
			switch pc.ReferenceID {
			case OutcomeAccepted:
				return true, true
			case OutcomeDeclined:
				return false, true
			}
		}
	}
	return false, false
}

// sessionOf splits an outcome DisplayRequest's text into the session its
// one "session:" line names and the rest, the customer's text. n is the
// number of session lines: an outcome is valid only with exactly one.
func sessionOf(d *DisplayRequest) (session, text string, n int) {
	var parts []string
	for _, o := range d.DisplayOutput {
		for _, l := range o.OutputContent.OutputText {
			switch {
			case strings.HasPrefix(l.Text, SessionPrefix):
				session = strings.TrimPrefix(l.Text, SessionPrefix)
				n++
			case l.Text != "":
				parts = append(parts, l.Text)
			}
		}
	}
	return session, strings.Join(parts, "\n"), n
}

// displayText joins the text of every DisplayOutput, one line each.
func displayText(d *DisplayRequest) string {
	var parts []string
	for _, o := range d.DisplayOutput {
		if t := outputText(o.OutputContent.OutputText); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "\n")
}

// outputText joins OutputText lines with newlines.
func outputText(lines []OutputText) string {
	parts := make([]string, 0, len(lines))
	for _, l := range lines {
		if l.Text != "" {
			parts = append(parts, l.Text)
		}
	}
	return strings.Join(parts, "\n")
}

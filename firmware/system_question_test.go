package main

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"payterm/firmware/poslink"
	"payterm/pos"
)

// confirmResult is what the POS's Confirm returned.
type confirmResult struct {
	yes bool
	err error
}

// pendingConfirm is a Confirm under way.
type pendingConfirm <-chan confirmResult

// confirm asks text through the POS link in the background.
func confirm(ctx context.Context, a *pos.Agent, text string, maxWait time.Duration) pendingConfirm {
	done := make(chan confirmResult, 1)
	serviceID := a.NewServiceID()
	go func() {
		yes, err := a.Terminal.Confirm(ctx, a.SaleID, serviceID, text, maxWait)
		done <- confirmResult{yes, err}
	}()
	return done
}

// wait takes the result, or fails the test after a while.
func (r pendingConfirm) wait(t *testing.T) confirmResult {
	t.Helper()
	select {
	case res := <-r:
		return res
	case <-time.After(30 * time.Second):
		t.Fatal("Confirm did not return")
		return confirmResult{}
	}
}

// TestQuestionAnswers: the POS asks (nexo Input, GetConfirmation), the
// question is on the customer's screen with Yes and No, and the tap is
// the POS's answer; the terminal is idle again after each.
func TestQuestionAnswers(t *testing.T) {
	s := startSystem(t, nil)
	a := s.Agent()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, tt := range []struct {
		text string
		tap  string
		want bool
	}{
		{"Would you like a printed receipt?", "yes", true},
		{"Join our loyalty club?", "no", false},
		{"需要发票吗？", "yes", true},
	} {
		done := confirm(ctx, a, tt.text, 0)
		st := s.WaitScreen("question")
		if st.Phase != "asking" || st.Message != tt.text {
			t.Fatalf("%q: phase %q message %q, want the question asked", tt.text, st.Phase, st.Message)
		}
		var acts []string
		for _, b := range st.Buttons {
			acts = append(acts, b.Action)
		}
		if slices.Sort(acts); !slices.Equal(acts, []string{"language", "no", "yes"}) {
			t.Errorf("%q: buttons %v, want yes, no and the language switch", tt.text, acts)
		}
		s.Tap(tt.tap, "")
		res := done.wait(t)
		if res.err != nil || res.yes != tt.want {
			t.Fatalf("%q, tapped %s: Confirm = %t, %v; want %t", tt.text, tt.tap, res.yes, res.err, tt.want)
		}
		s.WaitScreen("idle")
	}
}

// TestQuestionBusyDuringPayment: while a customer is paying, a question
// is answered with a Busy failure and the payment goes on; after the
// payment ends the question is shown again.
func TestQuestionBusyDuringPayment(t *testing.T) {
	s := startSystem(t, nil)
	a := s.Agent()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	o, err := pos.SampleOrder("T-QUESTION-1")
	if err != nil {
		t.Fatal(err)
	}
	paid := make(chan error, 1)
	go func() {
		_, err := a.Pay(ctx, o, pos.Relay)
		paid <- err
	}()
	s.WaitScreen("order")

	res := confirm(ctx, a, "Would you like a printed receipt?", 0).wait(t)
	var re *poslink.ResponseError
	if !errors.As(res.err, &re) || re.Condition != "Busy" {
		t.Fatalf("Confirm during a payment = %t, %v; want a Busy failure", res.yes, res.err)
	}
	if st := s.State(); st.Screen != "order" || st.OrderHash != o.Hash().String() {
		t.Fatalf("after the refused question the screen is %q (order %s), want the order still", st.Screen, st.OrderHash)
	}

	s.Tap("cancel", "")
	select {
	case err := <-paid:
		if err != nil {
			t.Fatalf("payment: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("payment did not end after cancel")
	}
	// The result screen is replaced by a question.
	s.WaitScreen("failed")
	done := confirm(ctx, a, "Would you like a printed receipt?", 0)
	s.WaitScreen("question")
	s.Tap("no", "")
	if res := done.wait(t); res.err != nil || res.yes {
		t.Fatalf("Confirm after the payment = %t, %v; want false", res.yes, res.err)
	}
}

// TestQuestionPOSGivesUp: when MaxInputTime passes the POS gets a failure
// and the question leaves the customer's screen; text the terminal cannot
// show is refused as a message format error without touching the screen.
func TestQuestionPOSGivesUp(t *testing.T) {
	s := startSystem(t, nil)
	a := s.Agent()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	done := confirm(ctx, a, "Would you like a printed receipt?", time.Second)
	s.WaitScreen("question")
	res := done.wait(t)
	var re *poslink.ResponseError
	if !errors.As(res.err, &re) || res.yes {
		t.Fatalf("Confirm past MaxInputTime = %t, %v; want a failure", res.yes, res.err)
	}
	if st := s.WaitScreen("idle"); st.Phase != "idle" {
		t.Fatalf("phase %q after the POS gave up, want idle", st.Phase)
	}

	res = confirm(ctx, a, "Receipt?\a", 0).wait(t)
	if !errors.As(res.err, &re) || re.Condition != "MessageFormat" {
		t.Fatalf("Confirm with a control character = %t, %v; want a MessageFormat failure", res.yes, res.err)
	}
	if st := s.State(); st.Screen != "idle" {
		t.Fatalf("screen %q after a refused question, want idle", st.Screen)
	}
}

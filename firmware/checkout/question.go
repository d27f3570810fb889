package checkout

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxQuestion bounds a question in runes: it must fit the smallest screen
// in large type with Yes and No beside it.
const MaxQuestion = 256

var (
	errQuestionEmpty = errors.New("checkout: question is empty")
	errQuestionLong  = errors.New("checkout: question is too long")
	errQuestionText  = errors.New("checkout: question is not printable text")
)

// onAsk puts the POS's question on screen when no payment session is
// active, replacing a result screen, or answers "busy" to that request
// alone (a session or another question goes on untouched). An invalid
// question is refused and the screen stays as it was. An Ask without a
// RequestID, or repeating the one in hand, has nobody new to answer and
// is ignored.
func onAsk(s State, e Ask) (State, []Effect) {
	if e.Req == "" || e.Req == s.pending {
		return s, nil
	}
	if active(s.phase) || s.phase == Asking {
		return s, []Effect{Reply{To: e.Req, Kind: ReplyRefused, Cond: CondBusy, Reason: ReasonBusy}}
	}
	if err := checkQuestion(e.Text); err != nil {
		return s, []Effect{Reply{To: e.Req, Kind: ReplyRefused, Cond: CondInvalid, Reason: err.Error()}}
	}
	s = s.toIdle()
	s.pending = e.Req
	s = s.enter(Asking)
	return s, []Effect{s.show(View{Screen: ScreenQuestion, Message: e.Text})}
}

// checkQuestion accepts up to MaxQuestion runes of UTF-8 that is not all
// white space and holds no control character but '\n': the link joins a
// question's lines with it, and the ui breaks lines there.
func checkQuestion(text string) error {
	switch {
	case strings.TrimSpace(text) == "":
		return errQuestionEmpty
	case !utf8.ValidString(text):
		return fmt.Errorf("%w: invalid UTF-8", errQuestionText)
	}
	if n := utf8.RuneCountInString(text); n > MaxQuestion {
		return fmt.Errorf("%w: %d runes, at most %d", errQuestionLong, n, MaxQuestion)
	}
	for _, r := range text {
		if r != '\n' && unicode.IsControl(r) {
			return fmt.Errorf("%w: control character %U", errQuestionText, r)
		}
	}
	return nil
}

// touchQuestion takes the customer's answer; other actions mean nothing
// on the question screen.
func touchQuestion(s State, t Touch) (State, []Effect) {
	switch t.Action {
	case ActYes:
		return s.answer(true, CondNone, "")
	case ActNo:
		return s.answer(false, CondNone, "")
	}
	return s, nil
}

// answer ends the question: the POS gets the answer, the customer the
// idle screen. reason says why the customer gave none (timeout, abort);
// it is "" when they did.
func (s State) answer(yes bool, cond Cond, reason string) (State, []Effect) {
	r := Reply{To: s.pending, Kind: ReplyAnswer, Approved: yes, Cond: cond, Reason: reason}
	s = s.toIdle()
	return s, []Effect{r, s.show(View{Screen: ScreenIdle})}
}

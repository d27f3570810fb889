package poslink_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"payterm/firmware/poslink"
)

var tinyPDF = []byte("%PDF-1.4\n% a stand-in: the link checks the header, the terminal opens it\n")

// TestPrintDocument: a PrintRequest and a PDF Display reach the Terminal
// as Documents, byte for byte, over the encrypted link, and the Terminal's
// refusal comes back as the POS's error.
func TestPrintDocument(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	if err := r.client.Print(ctx, testSale, "P1", "", tinyPDF); err != nil {
		t.Fatalf("Print: %v", err)
	}
	if err := r.client.DisplayDocument(ctx, testSale, "P2", tinyPDF); err != nil {
		t.Fatalf("DisplayDocument: %v", err)
	}
	calls := r.term.Calls()
	if len(calls) != 2 {
		t.Fatalf("calls %+v, want 2 ShowDocument", calls)
	}
	want := []poslink.Document{{Receipt: true, Qualifier: "CustomerReceipt", PDF: tinyPDF}, {PDF: tinyPDF}}
	for i, c := range calls {
		d := c.Document
		if c.Method != "ShowDocument" || d.Receipt != want[i].Receipt || d.Qualifier != want[i].Qualifier || !bytes.Equal(d.PDF, want[i].PDF) {
			t.Errorf("call %d: %s %+v, want ShowDocument %+v", i, c.Method, d, want[i])
		}
	}

	r.term.DocumentFunc = func(context.Context, poslink.Call, poslink.Document) error {
		return &poslink.ConditionError{Condition: poslink.CondMessageFormat, Reason: "not a PDF MuPDF can open"}
	}
	err := r.client.Print(ctx, testSale, "P3", "", tinyPDF)
	var re *poslink.ResponseError
	if !errors.As(err, &re) || re.Condition != poslink.CondMessageFormat || !strings.Contains(err.Error(), "MuPDF") {
		t.Fatalf("refused Print: %v, want MessageFormat with the reason", err)
	}
}

// TestPrintRefused: what the link refuses before the Terminal sees it.
func TestPrintRefused(t *testing.T) {
	big := append(append([]byte{}, tinyPDF...), make([]byte, poslink.MaxDocument)...)
	b64 := base64.StdEncoding.EncodeToString
	tests := []struct {
		name, body, cond string
	}{
		{"not a PDF", `{"PrintOutput":{"DocumentQualifier":"CustomerReceipt","OutputContent":{"OutputFormat":"PDF","OutputBinary":"` + b64([]byte("hello")) + `"}}}`, poslink.CondMessageFormat},
		{"not base64", `{"PrintOutput":{"DocumentQualifier":"CustomerReceipt","OutputContent":{"OutputFormat":"PDF","OutputBinary":"%%%"}}}`, poslink.CondMessageFormat},
		{"no binary", `{"PrintOutput":{"DocumentQualifier":"CustomerReceipt","OutputContent":{"OutputFormat":"PDF"}}}`, poslink.CondMessageFormat},
		{"too large", `{"PrintOutput":{"DocumentQualifier":"CustomerReceipt","OutputContent":{"OutputFormat":"PDF","OutputBinary":"` + b64(big) + `"}}}`, poslink.CondMessageFormat},
		{"text printout", `{"PrintOutput":{"DocumentQualifier":"CustomerReceipt","OutputContent":{"OutputFormat":"Text","OutputText":[{"Text":"hi"}]}}}`, poslink.CondNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, func(c *poslink.ServerConfig) { c.MaxBody = 8 << 20 })
			rep := parseReply(t, r.send(plainRequest(poslink.CategoryPrint, "S1", tt.body)), nil)
			if got := rep.response(t); got.Result != poslink.ResultFailure || got.ErrorCondition != tt.cond {
				t.Errorf("response %+v, want Failure %s", got, tt.cond)
			}
			if n := len(r.term.Calls()); n != 0 {
				t.Errorf("terminal called %d times", n)
			}
		})
	}
}

// TestDisplayPDFWithText: a PDF Display is one DisplayOutput alone.
func TestDisplayPDFWithText(t *testing.T) {
	r := newRig(t)
	body := `{"DisplayOutput":[{"Device":"CustomerDisplay","InfoQualify":"Display","OutputContent":{"OutputFormat":"PDF","OutputBinary":"` +
		base64.StdEncoding.EncodeToString(tinyPDF) + `"}},{"Device":"CustomerDisplay","InfoQualify":"Display","OutputContent":{"OutputFormat":"Text","OutputText":[{"Text":"hi"}]}}]}`
	rep := parseReply(t, r.send(plainRequest(poslink.CategoryDisplay, "S1", body)), nil)
	if got := rep.response(t); got.Result != poslink.ResultFailure || got.ErrorCondition != poslink.CondMessageFormat {
		t.Errorf("response %+v, want Failure MessageFormat", got)
	}
}

// FuzzPrintRequest: any PrintRequest body is answered, never panics, and
// reaches the Terminal only as a PDF within the limit.
func FuzzPrintRequest(f *testing.F) {
	f.Add(`{"PrintOutput":{"DocumentQualifier":"CustomerReceipt","OutputContent":{"OutputFormat":"PDF","OutputBinary":"` + base64.StdEncoding.EncodeToString(tinyPDF) + `"}}}`)
	f.Add(`{"PrintOutput":{"OutputContent":{"OutputFormat":"PDF","OutputBinary":"JVBERi0="}}}`)
	f.Add(`{"PrintOutput":null}`)
	f.Fuzz(func(t *testing.T, body string) {
		r := newRig(t)
		if reply := r.send(plainRequest(poslink.CategoryPrint, "S1", body)); len(reply) == 0 {
			t.Fatal("no reply")
		}
		for _, c := range r.term.Calls() {
			if !bytes.HasPrefix(c.Document.PDF, []byte("%PDF-")) || len(c.Document.PDF) > poslink.MaxDocument {
				t.Fatalf("terminal got %d bytes %.8q", len(c.Document.PDF), c.Document.PDF)
			}
		}
	})
}

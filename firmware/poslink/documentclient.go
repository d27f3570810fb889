package poslink

import (
	"context"
	"encoding/base64"
	"fmt"
)

// Print sends a receipt PDF to the terminal (nexo Print, OutputFormat
// FormatPDF); qualifier is nexo's DocumentQualifier, "CustomerReceipt"
// when empty. It returns once the receipt is on screen; a Failure comes
// back as a *ResponseError (MessageFormat: not a PDF the terminal can
// open; Busy: a payment is in progress).
func (c *Client) Print(ctx context.Context, saleID, serviceID, qualifier string, pdf []byte) error {
	if qualifier == "" {
		qualifier = "CustomerReceipt"
	}
	req := PrintRequest{PrintOutput: PrintOutput{DocumentQualifier: qualifier, ResponseMode: "PrintEnd",
		OutputContent: OutputContent{OutputFormat: FormatPDF, OutputBinary: base64.StdEncoding.EncodeToString(pdf)}}}
	var resp PrintResponse
	if err := c.exchange(ctx, saleID, serviceID, CategoryPrint, req, &resp); err != nil {
		return err
	}
	if resp.Response.Result != ResultSuccess {
		if resp.Response.Result == "" {
			return fmt.Errorf("poslink: Print %s/%s: no Response", saleID, serviceID)
		}
		return responseError(CategoryPrint, resp.Response)
	}
	return nil
}

// DisplayDocument shows a PDF (a promotion, terms) to the customer (nexo
// Display, OutputFormat FormatPDF). Errors as for Print.
func (c *Client) DisplayDocument(ctx context.Context, saleID, serviceID string, pdf []byte) error {
	return c.display(ctx, saleID, serviceID, DisplayOutput{Device: deviceCustomerDisplay, InfoQualify: qualifyDisplay,
		OutputContent: OutputContent{OutputFormat: FormatPDF, OutputBinary: base64.StdEncoding.EncodeToString(pdf)}})
}

func (r *PrintResponse) succeeded() bool { return r.Response.Result == ResultSuccess }

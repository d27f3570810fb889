package stream_test

import (
	"context"
	"fmt"
	"io"

	"payterm/firmware/poslink/stream"
)

// pipeEnd joins a pipe's read half and another's write half.
type pipeEnd struct {
	io.Reader
	io.Writer
}

// Example pairs a POS Client with a terminal Serve over an in-memory link.
func Example() {
	toTerm, posOut := io.Pipe()
	toPOS, termOut := io.Pipe()
	pos := stream.New(pipeEnd{toPOS, posOut}, stream.Options{})
	term := stream.New(pipeEnd{toTerm, termOut}, stream.Options{})
	defer pos.Close()
	defer term.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go stream.Serve(ctx, term, func(ctx context.Context, req []byte) []byte {
		return append([]byte("answer to "), req...)
	})

	client := stream.NewClient(pos)
	defer client.Close()
	resp, err := client.RoundTrip(ctx, []byte(`{"SaleToPOIRequest":{}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s\n", resp)
	// Output: answer to {"SaleToPOIRequest":{}}
}

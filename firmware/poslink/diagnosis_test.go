package poslink

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestDiagnosis(t *testing.T) {
	keys, err := NewKeys(fuzzKey)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for i := range 600 {
		lines = append(lines, fmt.Sprintf("line %d", i))
	}
	srv := NewServer(ServerConfig{POIID: "PT1", Keys: keys, Diagnose: func() Diagnosis {
		return Diagnosis{Status: "Busy", Log: lines}
	}}, nil, nil, nil)
	transport := func(ctx context.Context, req []byte) ([]byte, error) { return srv.HandleMessage(ctx, req), nil }

	c, err := NewClient(ClientConfig{POIID: "PT1", Key: &fuzzKey, Transport: transport})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.Diagnosis(t.Context(), "POS1", "D1")
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != "Busy" || len(d.Log) != maxLogTail || d.Log[len(d.Log)-1] != "line 599" {
		t.Fatalf("status %q, %d lines ending %q", d.Status, len(d.Log), d.Log[len(d.Log)-1])
	}
	// The log never goes out in the clear.
	plain, err := NewClient(ClientConfig{POIID: "PT1", Transport: transport})
	if err != nil {
		t.Fatal(err)
	}
	_, err = plain.Diagnosis(t.Context(), "POS1", "D2")
	var re *ResponseError
	if !errors.As(err, &re) || re.Condition != CondNotAllowed {
		t.Fatalf("plain diagnosis: %v", err)
	}
}

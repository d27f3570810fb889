package evdevio_test

import (
	"path/filepath"
	"slices"
	"testing"

	"payterm/drivers/internal/evdevio"
	"payterm/drivers/internal/evdevio/evdevtest"
)

func TestEventNodes(t *testing.T) {
	tests := []struct {
		name  string
		files []string
		want  []string
	}{
		{"numeric order", []string{"event10", "event9", "event1", "mouse0", "mice"}, []string{"event1", "event9", "event10"}},
		{"not event devices", []string{"eventX", "event", "event-1", "event+1", "event01", "js0"}, nil},
		{"empty", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := evdevtest.Dir(t, tt.files...)
			got, err := evdevio.EventNodes(dir)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, w := range tt.want {
				want = append(want, filepath.Join(dir, w))
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
	if _, err := evdevio.EventNodes(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("missing directory: no error")
	}
}

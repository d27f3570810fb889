package evdevio

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// EventNodes lists the event devices in dir (/dev/input): the paths of
// event0, event1, … in numeric order, whatever else dir holds.
func EventNodes(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("evdevio: %w", err)
	}
	var nums []int
	for _, e := range entries {
		if n, ok := strings.CutPrefix(e.Name(), "event"); ok {
			if i, err := strconv.Atoi(n); err == nil && i >= 0 && strconv.Itoa(i) == n {
				nums = append(nums, i)
			}
		}
	}
	slices.Sort(nums)
	paths := make([]string, len(nums))
	for i, n := range nums {
		paths[i] = filepath.Join(dir, "event"+strconv.Itoa(n))
	}
	return paths, nil
}

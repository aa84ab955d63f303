//go:build !headless

package ui

import (
	"slices"
	"testing"
)

// TestTrimmer: freed memory goes back once the app has settled after start, and after the
// window went to the background, at most once a minute however often the focus changes.
func TestTrimmer(t *testing.T) {
	for _, c := range []struct {
		name     string
		requests []int // ticks at which the window goes to the background
		ticks    int
		want     []int // ticks that trim
	}{
		{name: "start only", ticks: 120, want: []int{settleAfter}},
		{name: "background later", requests: []int{100}, ticks: 200, want: []int{settleAfter, 101}},
		{name: "background before settling", requests: []int{2}, ticks: 30, want: []int{3}},
		{name: "soon after start", requests: []int{20}, ticks: 200, want: []int{settleAfter, settleAfter + trimEvery}},
		{name: "focus flapping", requests: []int{100, 110, 120, 170}, ticks: 300, want: []int{settleAfter, 101, 161, 221}},
		{name: "a minute apart", requests: []int{100, 200}, ticks: 300, want: []int{settleAfter, 101, 201}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []int
			n, settled := 0, 0
			tr := &trimmer{free: func() { got = append(got, n) }, settle: func() { settled++ }}
			for n = 1; n <= c.ticks; n++ {
				tr.tick(n)
				if slices.Contains(c.requests, n) {
					tr.request()
				}
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("trimmed at %v, want %v", got, c.want)
			}
			if settled != 1 {
				t.Fatalf("settled %d times, want once", settled)
			}
		})
	}
}

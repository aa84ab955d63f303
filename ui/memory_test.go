//go:build !headless

package ui

import (
	"errors"
	"runtime"
	"slices"
	"syscall"
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
			var released []int
			tr := &trimmer{free: func() { got = append(got, n) }, settle: func() { settled++ },
				release: func() bool { released = append(released, n); return true }, releaseAt: settleAfter}
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
			if !slices.Equal(released, []int{settleAfter}) {
				t.Fatalf("released code at %v, want once at %d", released, settleAfter)
			}
		})
	}
}

// TestReleaseRetried: a release that left the code resident (another process mapped the
// same pages) is tried again half a minute later, until it works or releaseTries ran.
func TestReleaseRetried(t *testing.T) {
	for _, c := range []struct {
		name  string
		fails int // releases that leave the code resident before one works
		want  []int
	}{
		{name: "first works", fails: 0, want: []int{settleAfter}},
		{name: "second works", fails: 1, want: []int{settleAfter, settleAfter + releaseRetry}},
		{name: "never works", fails: 99, want: []int{settleAfter, settleAfter + releaseRetry,
			settleAfter + 2*releaseRetry, settleAfter + 3*releaseRetry}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var at []int
			n := 0
			tr := &trimmer{free: func() {}, releaseAt: settleAfter,
				release: func() bool { at = append(at, n); return len(at) > c.fails }}
			for n = 1; n <= 600; n++ {
				tr.tick(n)
			}
			if !slices.Equal(at, c.want) {
				t.Fatalf("released at %v, want %v", at, c.want)
			}
		})
	}
}

// TestReleased: a release counts when a fifth of the executable's resident size left.
func TestReleased(t *testing.T) {
	for _, c := range []struct {
		before, after int64
		want          bool
	}{
		{24 << 20, 17 << 20, true},  // what a release does alone
		{24 << 20, 23 << 20, false}, // another instance maps the same pages
		{0, 0, true},                // nothing resident, nothing to retry
	} {
		if got := released(c.before, c.after); got != c.want {
			t.Errorf("released(%d kB, %d kB) = %v, want %v", c.before>>10, c.after>>10, got, c.want)
		}
	}
}

// TestReleaseCode: the executable's code and read-only data leave the resident set (here
// the test binary's), and what runs afterwards comes back.
func TestReleaseCode(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("releases code on Linux only")
	}
	before, advised, after, err := releaseCodeChecked()
	if errors.Is(err, syscall.EINVAL) {
		t.Skipf("this kernel has no MADV_PAGEOUT (Linux 5.4): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("executable resident: %d kB before, %d kB after (%d kB advised)", before>>10, after>>10, advised>>10)
	// The kernel keeps what the test runs next and, here, the huge pages it maps the
	// binary with while in use: a third went in trials, a tenth is asked.
	if advised < before || after > before-before/10 {
		t.Fatalf("executable resident %d kB before, %d kB after, %d kB advised: want a tenth less at least",
			before>>10, after>>10, advised>>10)
	}
}

//go:build !headless

package ui

import (
	"log/slog"
	"runtime/debug"
	"sync/atomic"
)

// The desktop app sits open for hours, mostly behind other windows, so what it holds
// resident matters more than a few milliseconds of collection. Two things keep it down:
//
//   - once started, the collector runs at 25% heap growth instead of Go's 100% (gcPercent;
//     50% while starting, so start-up does not collect more often): the heap is mostly
//     parsed fonts that live as long as the app, and an idle window allocates little, so
//     collecting earlier costs no measurable CPU;
//   - memory freed by the collector goes back to the system at once (trimmer) after start,
//     whose parsing and first layout leave megabytes of garbage, and when the window goes to
//     the background. Go returns it on its own only slowly;
//   - once after start, the executable's resident code and read-only data are handed back
//     (trimmer.release, releaseCode): what start-up alone ran stays out, what the app runs
//     again comes back on first use. The kernel skips pages another process maps at that
//     moment (a second instance, a stint command), so the release is checked and tried
//     again half a minute later when little left.
const (
	startGCPercent = 50
	gcPercent      = 25
)

// trimmer returns freed memory to the system from the window's once-a-second loop: at
// settleAfter ticks (the first screen is drawn and loaded by then), and on the next tick
// after request; never twice within trimEvery ticks (a trim is a full collection).
type trimmer struct {
	want atomic.Bool
	last int // tick of the last trim; 0 for none
	free func()
	// settle runs once at settleAfter, trimmed or not (nil: nothing).
	settle func()
	// release runs at settleAfter, after settle (nil: nothing), and reports whether the
	// code left; when it did not, it runs again releaseRetry ticks later, releaseTries
	// times in all.
	release   func() bool
	releaseAt int // the tick of the next release; 0 once done
	released  int // how many times release ran
}

const (
	settleAfter  = 5
	trimEvery    = 60
	releaseRetry = 30
	releaseTries = 4
)

func newTrimmer(log *slog.Logger) *trimmer {
	return &trimmer{free: debug.FreeOSMemory, releaseAt: settleAfter, release: func() bool {
		before, advised, after, err := releaseCodeChecked()
		log.Debug("executable's resident code handed back", "before_kb", before>>10, "advised_kb", advised>>10,
			"after_kb", after>>10, "err", err)
		// An error (no MADV_PAGEOUT, no /proc) will not go away: do not try again.
		return err != nil || released(before, after)
	}}
}

// released says whether a release took the executable's resident size from before to
// after, or left it nearly as it was: the kernel keeps the pages another process maps too,
// such as a second instance or a stint command starting that very moment.
func released(before, after int64) bool { return after <= before-before/5 }

// request asks for a trim on a coming tick; it may be called from any goroutine.
func (t *trimmer) request() { t.want.Store(true) }

// tick runs on the loop goroutine with the loop's tick count n (from 1).
func (t *trimmer) tick(n int) {
	if n == settleAfter && t.settle != nil {
		t.settle()
	}
	if n == t.releaseAt && t.release != nil {
		t.released++
		if t.release() || t.released >= releaseTries {
			t.releaseAt = 0
		} else {
			t.releaseAt = n + releaseRetry
		}
	}
	if n != settleAfter && !t.want.Load() || t.last != 0 && n-t.last < trimEvery {
		return
	}
	t.want.Store(false)
	t.last = n
	t.free()
}

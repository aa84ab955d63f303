package app_test

import (
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestHLCGoesOnAfterRestart: a device's stamps never go back across a restart, whether
// the wall clock was set back meanwhile or the restart falls within the millisecond of its
// last stamp: the new process starts above the high-water mark its predecessor kept.
func TestHLCGoesOnAfterRestart(t *testing.T) {
	for _, tc := range []struct {
		name  string
		shift time.Duration // the wall clock after the restart, against before
	}{
		{"same millisecond", 0},
		{"clock set back an hour", -time.Hour},
		{"clock set back a millisecond", -time.Millisecond},
		{"clock moved on", time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			e.svc = app.New(e.st, app.Options{Clock: e.clock, Hasher: fastHasher, NodeID: "test", DurableHLC: true})
			a, _ := e.signup()
			p := must[app.Project](t)(e.svc.CreateProject(e.ctx, a, app.ProjectInput{Name: "First"}))
			e.clock.Set(e.clock.Now().Add(tc.shift))
			again := app.New(e.st, app.Options{Clock: e.clock, Hasher: fastHasher, NodeID: "test", DurableHLC: true})
			name := "Renamed"
			q := must[app.Project](t)(again.UpdateProject(e.ctx, a, p.ID, app.ProjectPatch{Name: &name}, 0))
			if q.HLC <= p.HLC {
				t.Fatalf("after the restart the edit is stamped %s, not after the create's %s", q.HLC, p.HLC)
			}
			if tc.shift > 0 && app.HLCTime(q.HLC).Before(e.clock.Now().Truncate(time.Millisecond)) {
				t.Fatalf("stamp %s is behind the wall clock %s", q.HLC, e.clock.Now())
			}
		})
	}
}

// TestHLCNowAfter: a write's stamp sorts after the row's last one, even from a clock that
// never saw it (a server restarted without its memory, or set back), and stays on its own
// clock when that is ahead.
func TestHLCNowAfter(t *testing.T) {
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	ahead := app.NewHLC(app.NewFixedClock(at.Add(2*time.Hour)), "dev").Now()
	behind := app.NewHLC(app.NewFixedClock(at.Add(-2*time.Hour)), "dev").Now()
	for _, tc := range []struct {
		name, prev string
		wantWall   time.Time // the stamp's wall clock part
	}{
		{"row stamped ahead of the clock", ahead, at.Add(2 * time.Hour)},
		{"row stamped behind the clock", behind, at},
		{"row without a stamp", "", at},
		{"row with a stamp this build cannot read", "yesterday", at},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := app.NewHLC(app.NewFixedClock(at), "srv")
			got := h.NowAfter(tc.prev)
			if _, _, _, err := app.ParseHLC(tc.prev); err == nil && got <= tc.prev {
				t.Fatalf("NowAfter(%q) = %s, not after it", tc.prev, got)
			}
			if w := app.HLCTime(got); !w.Equal(tc.wantWall) {
				t.Fatalf("NowAfter(%q) = %s at %v, want %v", tc.prev, got, w, tc.wantWall)
			}
			if next := h.Now(); next <= got {
				t.Fatalf("the clock's next stamp %s is not after %s", next, got)
			}
		})
	}
}

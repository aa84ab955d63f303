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

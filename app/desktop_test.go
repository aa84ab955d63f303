package app_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

func TestContinueEntry(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	p := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "P", Billable: true}))
	task := must[app.Task](t)(e.svc.CreateTask(e.ctx, owner, app.TaskInput{ProjectID: p.ID, Name: "T"}))
	tag := must[app.Tag](t)(e.svc.CreateTag(e.ctx, owner, app.TagInput{Name: "deep"}))
	first := must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{ProjectID: &p.ID, TaskID: &task.ID, Description: "write", TagIDs: []uuid.UUID{tag.ID}, Billable: ptrTo(false)}))
	e.clock.Advance(10 * time.Minute)
	second := must[app.TimeEntry](t)(e.svc.ContinueEntry(e.ctx, owner, first.ID))
	if second.ID == first.ID || !second.Running() || *second.ProjectID != p.ID || *second.TaskID != task.ID ||
		second.Description != "write" || !slices.Equal(second.TagIDs, []uuid.UUID{tag.ID}) || second.Billable {
		t.Fatalf("continued: %+v", second)
	}
	if got := must[app.TimeEntry](t)(e.svc.TimeEntry(e.ctx, owner, first.ID)); got.Running() {
		t.Fatal("continuing did not stop the running entry")
	}
}

func TestRecentProjects(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	var ps []app.Project
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		ps = append(ps, must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: n})))
	}
	for _, i := range []int{0, 1, 2, 3, 4, 5, 6, 1, 0} { // most recent: a, b, g, f, e, d, c
		must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{ProjectID: &ps[i].ID}))
		e.clock.Advance(time.Minute)
	}
	must[app.Project](t)(e.svc.UpdateProject(e.ctx, owner, ps[6].ID, app.ProjectPatch{Archived: ptrTo(true)}, 0)) // g
	if err := e.svc.DeleteProject(e.ctx, owner, ps[5].ID, 0); err != nil {                                        // f
		t.Fatal(err)
	}
	got := must[[]app.Project](t)(e.svc.RecentProjects(e.ctx, owner, 3))
	var names []string
	for _, p := range got {
		names = append(names, p.Name)
	}
	if !slices.Equal(names, []string{"a", "b", "e"}) {
		t.Fatalf("recent: %v", names)
	}
}

func TestIdleThreshold(t *testing.T) {
	e := newEnv(t)
	if d := must[time.Duration](t)(e.svc.IdleThreshold(e.ctx)); d != app.DefaultIdleThreshold {
		t.Fatalf("default %v", d)
	}
	if err := e.svc.SetIdleThreshold(e.ctx, 10*time.Minute); err != nil {
		t.Fatal(err)
	}
	if d := must[time.Duration](t)(e.svc.IdleThreshold(e.ctx)); d != 10*time.Minute {
		t.Fatalf("saved %v", d)
	}
	for _, d := range []time.Duration{0, 30 * time.Second, 5 * time.Hour} {
		if err := e.svc.SetIdleThreshold(e.ctx, d); !slices.Contains(fields(err), "idle_threshold") {
			t.Errorf("%v accepted: %v", d, err)
		}
	}
}

func TestLatestChange(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	other, _ := e.signup()
	seq := must[int64](t)(e.svc.LatestChange(e.ctx, owner, 0))
	if seq == 0 {
		t.Fatal("signup wrote no changes")
	}
	if again := must[int64](t)(e.svc.LatestChange(e.ctx, owner, seq)); again != seq {
		t.Fatalf("nothing changed, got %d after %d", again, seq)
	}
	must[app.Project](t)(e.svc.CreateProject(e.ctx, other, app.ProjectInput{Name: "theirs"}))
	if again := must[int64](t)(e.svc.LatestChange(e.ctx, owner, seq)); again != seq {
		t.Fatal("another tenant's change is visible")
	}
	must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{}))
	if next := must[int64](t)(e.svc.LatestChange(e.ctx, owner, seq)); next <= seq {
		t.Fatalf("start not noticed: %d", next)
	}
}

func TestPalette(t *testing.T) {
	p := app.Palette()
	if len(p) < 8 {
		t.Fatalf("palette %v", p)
	}
	p[0] = "changed"
	if app.Palette()[0] == "changed" {
		t.Fatal("palette shared")
	}
}

func TestDiscardIdle(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	p := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "P", Billable: true}))
	tag := must[app.Tag](t)(e.svc.CreateTag(e.ctx, owner, app.TagInput{Name: "deep"}))
	start := e.clock.Now()
	run := must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{ProjectID: &p.ID, Description: "write", TagIDs: []uuid.UUID{tag.ID}}))
	e.clock.Advance(40 * time.Minute)
	away := start.Add(20 * time.Minute)
	back := start.Add(35 * time.Minute)

	stopped, resumed, err := e.svc.DiscardIdle(e.ctx, owner, run.ID, away, back, false)
	if err != nil {
		t.Fatal(err)
	}
	if stopped.ID != run.ID || !stopped.StoppedAt.Equal(away) || stopped.Duration(time.Time{}) != 20*time.Minute {
		t.Fatalf("stopped %+v", stopped)
	}
	if resumed == nil || !resumed.Running() || !resumed.StartedAt.Equal(back) || *resumed.ProjectID != p.ID ||
		resumed.Description != "write" || !resumed.Billable || !slices.Equal(resumed.TagIDs, []uuid.UUID{tag.ID}) {
		t.Fatalf("resumed %+v", resumed)
	}
	if r := must[*app.TimeEntry](t)(e.svc.RunningEntry(e.ctx, owner)); r == nil || r.ID != resumed.ID {
		t.Fatalf("running %+v", r)
	}
	// The stale entry id (the timer moved on) is refused.
	if _, _, err := e.svc.DiscardIdle(e.ctx, owner, run.ID, away, back, false); !errors.Is(err, app.ErrConflict) {
		t.Fatalf("stale discard: %v", err)
	}
	// Discard and stop: idle since before the start is clamped to the start.
	e.clock.Advance(10 * time.Minute)
	stopped, resumed, err = e.svc.DiscardIdle(e.ctx, owner, resumed.ID, back.Add(-time.Hour), e.clock.Now().Add(time.Hour), true)
	if err != nil || resumed != nil || !stopped.StoppedAt.Equal(back) {
		t.Fatalf("discard and stop: %+v %+v %v", stopped, resumed, err)
	}
	if r := must[*app.TimeEntry](t)(e.svc.RunningEntry(e.ctx, owner)); r != nil {
		t.Fatalf("still running %+v", r)
	}
	if _, _, err := e.svc.DiscardIdle(e.ctx, owner, stopped.ID, away, back, true); !errors.Is(err, app.ErrConflict) {
		t.Fatalf("nothing running: %v", err)
	}
}

package app_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

func TestTimerStartStopSwitch(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	p := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "Website", Billable: true}))
	if got := must[*app.TimeEntry](t)(e.svc.RunningEntry(e.ctx, owner)); got != nil {
		t.Fatalf("running before start: %+v", got)
	}
	_, err := e.svc.StopTimer(e.ctx, owner)
	wantErr(t, err, app.ErrConflict)

	first := must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{ProjectID: &p.ID, Description: "  design "}))
	if !first.Running() || first.Source != app.SourceTimer || !first.Billable || first.Description != "design" || first.Timezone != "Europe/Berlin" {
		t.Fatalf("started entry: %+v", first)
	}
	e.clock.Advance(25 * time.Minute)
	second := must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{Description: "email"}))
	stopped := must[app.TimeEntry](t)(e.svc.TimeEntry(e.ctx, owner, first.ID))
	if stopped.Running() || stopped.Duration(e.clock.Now()) != 25*time.Minute || !stopped.StoppedAt.Equal(second.StartedAt) {
		t.Fatalf("switching did not stop the first entry at the second's start: %+v", stopped)
	}
	if second.Billable {
		t.Fatalf("no project: billable should default to false")
	}
	e.clock.Advance(5 * time.Minute)
	done := must[app.TimeEntry](t)(e.svc.StopTimer(e.ctx, owner))
	if done.ID != second.ID || done.Duration(time.Time{}) != 5*time.Minute || done.Version != 2 {
		t.Fatalf("stopped: %+v", done)
	}
	page := must[app.Page[app.TimeEntry]](t)(e.svc.TimeEntries(e.ctx, owner, app.EntryQuery{}))
	if len(page.Items) != 2 || page.Items[0].ID != second.ID {
		t.Fatalf("entries newest first: %+v", page.Items)
	}
}

func TestTimerSwitchAcrossOrganizations(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	org2 := must[app.Organization](t)(e.svc.CreateOrganization(e.ctx, owner, app.OrganizationInput{Name: "Side"}))
	in2 := owner
	in2.OrgID = org2.ID
	first := must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{}))
	e.clock.Advance(time.Minute)
	must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, in2, app.TimerStart{}))
	got := must[app.TimeEntry](t)(e.svc.TimeEntry(e.ctx, owner, first.ID))
	if got.Running() {
		t.Fatal("starting in another organization left the first entry running")
	}
}

func TestManualEntryValidation(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	other, _ := e.signup()
	p := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "A"}))
	p2 := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "B"}))
	task2 := must[app.Task](t)(e.svc.CreateTask(e.ctx, owner, app.TaskInput{ProjectID: p2.ID, Name: "t"}))
	foreign := must[app.Project](t)(e.svc.CreateProject(e.ctx, other, app.ProjectInput{Name: "Foreign"}))
	now := e.clock.Now()
	at := func(h float64) *time.Time { v := now.Add(time.Duration(h * float64(time.Hour))); return &v }
	cases := []struct {
		name   string
		in     app.TimeEntryInput
		fields []string
	}{
		{"stop before start", app.TimeEntryInput{StartedAt: *at(-1), StoppedAt: at(-2)}, []string{"stopped_at"}},
		{"zero length", app.TimeEntryInput{StartedAt: *at(-1), StoppedAt: at(-1)}, []string{"stopped_at"}},
		{"absurd duration", app.TimeEntryInput{StartedAt: *at(-30), StoppedAt: at(-1)}, []string{"stopped_at"}},
		{"missing start", app.TimeEntryInput{StoppedAt: at(-1)}, []string{"started_at"}},
		{"ancient", app.TimeEntryInput{StartedAt: time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC), StoppedAt: ptr(time.Date(1999, 1, 1, 1, 0, 0, 0, time.UTC))}, []string{"started_at"}},
		{"running in the future", app.TimeEntryInput{StartedAt: *at(2)}, []string{"started_at"}},
		{"bad timezone", app.TimeEntryInput{StartedAt: *at(-2), StoppedAt: at(-1), Timezone: "Berlin"}, []string{"timezone"}},
		{"project of another tenant", app.TimeEntryInput{StartedAt: *at(-2), StoppedAt: at(-1), ProjectID: &foreign.ID}, []string{"project_id"}},
		{"task of another project", app.TimeEntryInput{StartedAt: *at(-2), StoppedAt: at(-1), ProjectID: &p.ID, TaskID: &task2.ID}, []string{"task_id"}},
		{"unknown tag", app.TimeEntryInput{StartedAt: *at(-2), StoppedAt: at(-1), TagIDs: []uuid.UUID{app.NewID()}}, []string{"tag_ids[0]"}},
		{"bad source", app.TimeEntryInput{StartedAt: *at(-2), StoppedAt: at(-1), Source: "idle"}, []string{"source"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.svc.CreateTimeEntry(e.ctx, owner, c.in)
			if got := fields(err); !slices.Equal(got, c.fields) {
				t.Fatalf("fields %v, want %v (err %v)", got, c.fields, err)
			}
		})
	}
	// A task alone implies its project.
	ok := must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{StartedAt: *at(-2), StoppedAt: at(-1), TaskID: &task2.ID}))
	if ok.ProjectID == nil || *ok.ProjectID != p2.ID || ok.Source != app.SourceManual {
		t.Fatalf("task implies project: %+v", ok)
	}
	// A manual running entry counts as the running timer.
	must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{StartedAt: *at(-1)}))
	_, err := e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{StartedAt: *at(-0.5)})
	wantErr(t, err, app.ErrConflict)
}

func TestEntryPermissions(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	manager := e.member(owner, app.RoleManager)
	member := e.member(owner, app.RoleMember)
	member2 := e.member(owner, app.RoleMember)
	now := e.clock.Now()
	stop := now.Add(-time.Hour)
	mine := must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, member, app.TimeEntryInput{StartedAt: now.Add(-2 * time.Hour), StoppedAt: &stop}))

	// Another member neither sees nor changes it: not found, not forbidden.
	_, err := e.svc.TimeEntry(e.ctx, member2, mine.ID)
	wantErr(t, err, app.ErrNotFound)
	_, err = e.svc.UpdateTimeEntry(e.ctx, member2, mine.ID, app.TimeEntryPatch{Description: ptr("x")}, 0)
	wantErr(t, err, app.ErrNotFound)
	wantErr(t, e.svc.DeleteTimeEntry(e.ctx, member2, mine.ID, 0), app.ErrNotFound)
	// Members list only their own, and may not ask for others'.
	p := must[app.Page[app.TimeEntry]](t)(e.svc.TimeEntries(e.ctx, member2, app.EntryQuery{}))
	if len(p.Items) != 0 {
		t.Fatalf("member2 sees %d entries", len(p.Items))
	}
	_, err = e.svc.TimeEntries(e.ctx, member2, app.EntryQuery{UserID: &member.UserID})
	wantErr(t, err, app.ErrForbidden)
	// A manager reads everyone's but changes only its own.
	must[app.TimeEntry](t)(e.svc.TimeEntry(e.ctx, manager, mine.ID))
	_, err = e.svc.UpdateTimeEntry(e.ctx, manager, mine.ID, app.TimeEntryPatch{Description: ptr("x")}, 0)
	wantErr(t, err, app.ErrForbidden)
	p = must[app.Page[app.TimeEntry]](t)(e.svc.TimeEntries(e.ctx, manager, app.EntryQuery{UserID: &member.UserID}))
	if len(p.Items) != 1 {
		t.Fatalf("manager filter by user: %d", len(p.Items))
	}
	// The owner changes anyone's, and can log time for a member.
	upd := must[app.TimeEntry](t)(e.svc.UpdateTimeEntry(e.ctx, owner, mine.ID, app.TimeEntryPatch{Description: ptr("fixed")}, mine.Version))
	if upd.Description != "fixed" || upd.Version != mine.Version+1 {
		t.Fatalf("owner update: %+v", upd)
	}
	_, err = e.svc.UpdateTimeEntry(e.ctx, member, mine.ID, app.TimeEntryPatch{Description: ptr("late")}, mine.Version)
	wantErr(t, err, app.ErrPrecondition)
	logged := must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{UserID: &member.UserID, StartedAt: now.Add(-3 * time.Hour), StoppedAt: &stop}))
	if logged.UserID != member.UserID {
		t.Fatalf("logged for: %v", logged.UserID)
	}
	_, err = e.svc.CreateTimeEntry(e.ctx, manager, app.TimeEntryInput{UserID: &member.UserID, StartedAt: now.Add(-3 * time.Hour), StoppedAt: &stop})
	wantErr(t, err, app.ErrForbidden)
	stranger := app.NewID()
	_, err = e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{UserID: &stranger, StartedAt: now.Add(-3 * time.Hour), StoppedAt: &stop})
	if f := fields(err); !slices.Equal(f, []string{"user_id"}) {
		t.Fatalf("unknown user: %v", err)
	}
}

func TestEntryPatchClearsAndTags(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	p := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "P"}))
	task := must[app.Task](t)(e.svc.CreateTask(e.ctx, owner, app.TaskInput{ProjectID: p.ID, Name: "T"}))
	tag := must[app.Tag](t)(e.svc.CreateTag(e.ctx, owner, app.TagInput{Name: "focus"}))
	now := e.clock.Now()
	stop := now.Add(-time.Hour)
	en := must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{TaskID: &task.ID, StartedAt: now.Add(-2 * time.Hour), StoppedAt: &stop, TagIDs: []uuid.UUID{tag.ID}}))
	if len(en.TagIDs) != 1 {
		t.Fatalf("tags: %v", en.TagIDs)
	}
	cleared := must[app.TimeEntry](t)(e.svc.UpdateTimeEntry(e.ctx, owner, en.ID, app.TimeEntryPatch{ProjectID: app.Nullable[uuid.UUID]{Set: true}, TagIDs: &[]uuid.UUID{}}, 0))
	if cleared.ProjectID != nil || cleared.TaskID != nil || len(cleared.TagIDs) != 0 {
		t.Fatalf("clearing the project clears the task too: %+v", cleared)
	}
	_, err := e.svc.UpdateTimeEntry(e.ctx, owner, en.ID, app.TimeEntryPatch{StartedAt: ptr(now)}, 0)
	if f := fields(err); !slices.Equal(f, []string{"stopped_at"}) {
		t.Fatalf("moving start after stop: %v", err)
	}
	wantErr(t, e.svc.DeleteTimeEntry(e.ctx, owner, en.ID, 0), nil)
	_, err = e.svc.TimeEntry(e.ctx, owner, en.ID)
	wantErr(t, err, app.ErrNotFound)
}

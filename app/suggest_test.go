package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// TestDescriptionSuggestions: earlier descriptions matching what is typed, newest first, each
// once, with the project, task and tags of their latest use (minus archived or deleted ones).
func TestDescriptionSuggestions(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	other := e.member(owner, app.RoleMember)
	web := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "Website"}))
	old := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "Old"}))
	task := must[app.Task](t)(e.svc.CreateTask(e.ctx, owner, app.TaskInput{ProjectID: web.ID, Name: "Design"}))
	tag := must[app.Tag](t)(e.svc.CreateTag(e.ctx, owner, app.TagInput{Name: "client"}))
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	add := func(a app.Actor, desc string, p *uuid.UUID, task *uuid.UUID, tags []uuid.UUID) {
		t.Helper()
		stop := at.Add(30 * time.Minute)
		must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, a, app.TimeEntryInput{Description: desc, ProjectID: p, TaskID: task, TagIDs: tags, StartedAt: at, StoppedAt: &stop}))
		at = at.Add(time.Hour)
	}
	add(owner, "Landing page copy", &old.ID, nil, nil)
	add(owner, "Landing page design", &web.ID, &task.ID, []uuid.UUID{tag.ID})
	add(owner, "landing page copy", &web.ID, nil, nil) // same description, later: wins
	add(owner, "Invoices", nil, nil, nil)
	add(owner, "Cleanup", &old.ID, nil, nil) // its project is archived below
	add(owner, "", &web.ID, nil, nil)
	add(other, "Landing page for someone else", nil, nil, nil)
	must[app.Project](t)(e.svc.UpdateProject(e.ctx, owner, old.ID, app.ProjectPatch{Archived: ptrTo(true)}, 0))

	name := func(id *uuid.UUID) string {
		switch {
		case id == nil:
			return "-"
		case *id == web.ID:
			return "Website"
		case *id == task.ID:
			return "Design"
		case *id == tag.ID:
			return "client"
		}
		return "?"
	}
	tests := []struct {
		text string
		n    int
		want []string
	}{
		{text: "land", n: 5, want: []string{"landing page copy Website - []", "Landing page design Website Design [client]"}},
		{text: "PAGE design", n: 5, want: []string{"Landing page design Website Design [client]"}},
		{text: "land", n: 1, want: []string{"landing page copy Website - []"}},
		{text: "inv", n: 5, want: []string{"Invoices - - []"}},
		{text: "clean", n: 5, want: []string{"Cleanup - - []"}},
		{text: "nothing like it", n: 5, want: nil},
		{text: "  ", n: 5, want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			got := must[[]app.Suggestion](t)(e.svc.DescriptionSuggestions(e.ctx, owner, tc.text, tc.n))
			var s []string
			for _, g := range got {
				var tags []string
				for _, id := range g.TagIDs {
					tags = append(tags, name(&id))
				}
				s = append(s, g.Description+" "+name(g.ProjectID)+" "+name(g.TaskID)+" ["+strings.Join(tags, ",")+"]")
			}
			if !slices.Equal(s, tc.want) {
				t.Fatalf("suggestions for %q\n got %q\nwant %q", tc.text, s, tc.want)
			}
		})
	}
}

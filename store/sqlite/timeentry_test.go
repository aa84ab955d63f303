package sqlite_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// A list scans all its rows into one set of targets; every entry must still come out as
// reading it alone does, whatever the rows before it held (a project, tags, a stop time
// after a row without them, and the other way round), and share nothing with the others.
func TestEntryListRowsMatchSingleReads(t *testing.T) {
	ctx := context.Background()
	st := open(t)
	defer st.Close()
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	sess, err := svc.Signup(ctx, app.SignupInput{Email: "scan@example.com", Password: "scan password",
		Name: "Scan", Organization: "Scan", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "P", Billable: true})
	if err != nil {
		t.Fatal(err)
	}
	task, err := svc.CreateTask(ctx, a, app.TaskInput{ProjectID: p.ID, Name: "T"})
	if err != nil {
		t.Fatal(err)
	}
	var tags []uuid.UUID
	for _, name := range []string{"a", "b", "c"} {
		tag, err := svc.CreateTag(ctx, a, app.TagInput{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		tags = append(tags, tag.ID)
	}
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	inputs := []struct {
		in      app.TimeEntryInput
		running bool
	}{
		{app.TimeEntryInput{Description: "bare"}, false},
		{app.TimeEntryInput{Description: "full", TaskID: &task.ID, TagIDs: tags}, false},
		{app.TimeEntryInput{Description: "project only", ProjectID: &p.ID, TagIDs: tags[:1]}, false},
		{app.TimeEntryInput{Description: "bare again"}, false},
		{app.TimeEntryInput{Description: "running", TagIDs: tags[1:]}, true},
		{app.TimeEntryInput{Description: "after the running one", ProjectID: &p.ID}, false},
	}
	for i, tc := range inputs {
		in := tc.in
		in.StartedAt = base.Add(time.Duration(i) * time.Hour)
		if !tc.running {
			stop := in.StartedAt.Add(time.Duration(i+1) * time.Minute)
			in.StoppedAt = &stop
		}
		if _, err := svc.CreateTimeEntry(ctx, a, in); err != nil {
			t.Fatalf("%s: %v", in.Description, err)
		}
	}
	var list []app.TimeEntry
	err = st.Read(ctx, func(tx app.Tx) error {
		var err error
		list, err = tx.TimeEntries().List(ctx, a.Scope(), app.EntryFilter{Page: app.PageRequest{Limit: 50}})
		if err != nil {
			return err
		}
		if len(list) != len(inputs) {
			t.Fatalf("listed %d entries, want %d", len(list), len(inputs))
		}
		for i, got := range list {
			want, err := tx.TimeEntries().Get(ctx, a.Scope(), got.ID)
			if err != nil {
				return err
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("row %d of the list:\n got %+v\nwant %+v", i, got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The newest entry comes first; rows share no tag list.
	if list[0].Description != "after the running one" || list[len(list)-1].Description != "bare" {
		t.Errorf("order: first %q, last %q", list[0].Description, list[len(list)-1].Description)
	}
	running := list[1]
	if running.StoppedAt != nil || len(running.TagIDs) != 2 || list[0].TagIDs == nil || len(list[0].TagIDs) != 0 {
		t.Errorf("running %+v, newest %+v", running, list[0])
	}
	running.TagIDs[0] = uuid.Nil
	for _, e := range list[2:] {
		for _, id := range e.TagIDs {
			if id == uuid.Nil {
				t.Errorf("%q shares its tag list with another row", e.Description)
			}
		}
	}
}

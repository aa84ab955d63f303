// Command v1gen made testdata/v1 (a data dir of schema version 1) with the build of
// commit 909f7f3, before migration 0002 existed; the upgrade test opens a copy of it. It is
// kept to show how the data dir was made; run today it would write the current schema.
// Usage (from the repository root): go run ./store/sqlite/testdata/v1gen DIR
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

func main() {
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "v1gen:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "stint.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	svc := app.New(st, app.Options{NodeID: "v1gen"})
	sess, err := svc.Signup(ctx, app.SignupInput{Email: "ada@example.com", Password: "correct horse battery", Name: "Ada", Organization: "Acme", Timezone: "Europe/Berlin"})
	if err != nil {
		return err
	}
	a, err := svc.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		return err
	}
	tok, err := svc.CreateToken(ctx, a, app.TokenInput{Name: "ci"})
	if err != nil {
		return err
	}
	if _, err := svc.AddMember(ctx, a, app.MemberInput{Email: "bob@example.com", Name: "Bob", Role: app.RoleMember, Password: "another long password"}); err != nil {
		return err
	}
	client, err := svc.CreateClient(ctx, a, app.ClientInput{Name: "Globex"})
	if err != nil {
		return err
	}
	web, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "Website", ClientID: &client.ID, Color: "#30a46c", Billable: true})
	if err != nil {
		return err
	}
	old, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "Old", Color: "#0090ff"})
	if err != nil {
		return err
	}
	if err := svc.DeleteProject(ctx, a, old.ID, 0); err != nil {
		return err
	}
	task, err := svc.CreateTask(ctx, a, app.TaskInput{ProjectID: web.ID, Name: "Design"})
	if err != nil {
		return err
	}
	var tagIDs []uuid.UUID
	for _, n := range []string{"meeting", "review", "writing"} {
		tg, err := svc.CreateTag(ctx, a, app.TagInput{Name: n})
		if err != nil {
			return err
		}
		tagIDs = append(tagIDs, tg.ID)
	}
	archived := true
	if _, err := svc.UpdateTag(ctx, a, tagIDs[2], app.TagPatch{Archived: &archived}, 0); err != nil {
		return err
	}
	loc, _ := time.LoadLocation("Europe/Berlin")
	day := time.Date(2026, 3, 27, 9, 0, 0, 0, loc) // the Friday before the spring DST change
	var last app.TimeEntry
	for i := range 12 {
		start := day.Add(time.Duration(i) * 7 * time.Hour)
		stop := start.Add(time.Duration(30+i*11) * time.Minute)
		in := app.TimeEntryInput{Description: fmt.Sprintf("entry %d", i), StartedAt: start, StoppedAt: &stop, TagIDs: tagIDs[:i%3]}
		if i%2 == 0 {
			in.ProjectID = &web.ID
		}
		if i%4 == 0 {
			in.TaskID = &task.ID
		}
		if last, err = svc.CreateTimeEntry(ctx, a, in); err != nil {
			return err
		}
	}
	long := day.Add(-40 * time.Hour)
	longStop := long.Add(23 * time.Hour)
	if _, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{Description: "23 hours", StartedAt: long, StoppedAt: &longStop}); err != nil {
		return err
	}
	desc := "edited"
	if _, err := svc.UpdateTimeEntry(ctx, a, last.ID, app.TimeEntryPatch{Description: &desc, TagIDs: &[]uuid.UUID{tagIDs[1], tagIDs[0]}}, 0); err != nil {
		return err
	}
	gone, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{Description: "deleted", StartedAt: day.Add(-time.Hour), StoppedAt: &day})
	if err != nil {
		return err
	}
	if err := svc.DeleteTimeEntry(ctx, a, gone.ID, 0); err != nil {
		return err
	}
	if _, err := svc.StartTimer(ctx, a, app.TimerStart{ProjectID: &web.ID, Description: "running", TagIDs: tagIDs[:1]}); err != nil {
		return err
	}
	if err := svc.SaveIdempotentResponse(ctx, a, app.IdempotencyRecord{Key: "k1", Method: "POST", Path: "/v1/clients",
		RequestHash: []byte{1, 2, 3}, Status: 201, Headers: map[string]string{"Content-Type": "application/json"}, Body: []byte(`{"id":"x"}`)}); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "token.txt"), []byte(tok.Token+"\n"), 0o600)
}

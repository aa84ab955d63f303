package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// testImport runs app.Service.Import on the store: people, clients, projects, tasks and tags
// mapped by name or created, wall-clock times placed in the source zone across DST, the
// plan of a dry run, nothing written while the file has problems, one transaction per batch,
// a second import of the same rows creating nothing, and a member importing only its own
// time into what exists.
func testImport(t *testing.T, st app.Store) {
	ctx := context.Background()
	clock := app.NewFixedClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	svc := app.New(st, app.Options{Clock: clock, Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}, NodeID: "import"})
	s, err := svc.Signup(ctx, app.SignupInput{Email: "owner@example.com", Password: "correct horse", Name: "Owner",
		Organization: "Acme", Timezone: "Europe/Berlin"})
	if err != nil {
		t.Fatal(err)
	}
	owner, err := svc.Authenticate(ctx, s.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	wallAt := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	yes := true
	rows := []app.ImportRow{
		{Line: 2, UserName: "Ada Lovelace", Email: "Ada@Example.com", Client: "Initech", Project: "Website", Task: "Design",
			Description: "Header", Tags: []string{"design", "web"}, Billable: &yes,
			Start: wallAt("2026-03-02 09:00"), End: wallAt("2026-03-02 10:30"), Floating: true, Duration: 90 * time.Minute},
		// 02:20 happens twice in Berlin on 2026-10-25; the 90 minutes say which: the second (CET).
		{Line: 3, UserName: "Ada Lovelace", Email: "ada@example.com", Project: "WEBSITE", Description: "Standup",
			Start: wallAt("2026-10-25 01:50"), End: wallAt("2026-10-25 02:20"), Floating: true, Duration: 90 * time.Minute},
		// 02:50 CEST to 02:10 CET: 20 minutes whose wall-clock end comes before its start.
		{Line: 4, Email: "owner@example.com", Description: "Across the change",
			Start: wallAt("2026-10-25 02:50"), End: wallAt("2026-10-25 02:10"), Floating: true, Duration: 20 * time.Minute},
		// 02:30 never happens in Berlin on 2026-03-29.
		{Line: 5, Email: "owner@example.com", Description: "In the gap",
			Start: wallAt("2026-03-29 02:30"), End: wallAt("2026-03-29 03:30"), Floating: true},
		{Line: 6, Email: "owner@example.com", Description: "Running", Start: wallAt("2026-11-20 09:00"), Floating: true},
		// The same as line 2 again: a second entry, as in the file.
		{Line: 7, UserName: "Ada Lovelace", Email: "ada@example.com", Client: "Initech", Project: "Website", Task: "design",
			Description: "Header", Tags: []string{"Design"}, Billable: &yes,
			Start: wallAt("2026-03-02 09:00"), End: wallAt("2026-03-02 10:30"), Floating: true, Duration: 90 * time.Minute},
	}
	req := app.ImportRequest{Format: "toggl", Rows: rows, Problems: []app.ImportProblem{{Line: 8, Message: "start date \"2026-02-30\""}}}
	entries := func() []app.TimeEntry {
		t.Helper()
		p, err := svc.TimeEntries(ctx, owner, app.EntryQuery{ListParams: app.ListParams{Limit: app.MaxPageLimit}})
		if err != nil {
			t.Fatal(err)
		}
		return p.Items
	}

	if _, err := svc.Import(ctx, owner, req); !errors.Is(err, app.ErrImportZone) {
		t.Fatalf("an import of wall-clock times without a zone: %v, want ErrImportZone", err)
	}
	req.Timezone = "Europe/Berlin"
	plan, err := svc.Import(ctx, owner, req)
	if !errors.Is(err, app.ErrImportProblems) || plan.Written {
		t.Fatalf("an import with problems: written %v, %v; want ErrImportProblems", plan.Written, err)
	}
	if n := len(entries()); n != 0 {
		t.Fatalf("an import with problems wrote %d entries", n)
	}
	var lines []int
	for _, p := range plan.Problems {
		lines = append(lines, p.Line)
	}
	if !slices.Equal(lines, []int{5, 6, 8}) {
		t.Fatalf("problems on lines %v (%+v), want 5, 6, 8", lines, plan.Problems)
	}
	if !strings.Contains(plan.Problems[0].Message, "skips") || !strings.Contains(plan.Problems[1].Message, "running") {
		t.Errorf("problems %+v do not say why", plan.Problems)
	}

	req.SkipProblems, req.DryRun = true, true
	plan, err = svc.Import(ctx, owner, req)
	if err != nil {
		t.Fatal(err)
	}
	want := app.ImportCreates{Members: []string{"ada@example.com"}, Clients: []string{"Initech"}, Projects: []string{"Website"},
		Tasks: []string{"Website / Design"}, Tags: []string{"design", "web"}}
	if plan.Rows != 7 || plan.Entries != 4 || plan.Existing != 0 || plan.Written || !plan.DryRun ||
		plan.Seconds != int64((90+90+20+90)*60) || !sameCreates(plan.Create, want) {
		t.Fatalf("dry run plan %+v, want 7 rows, 4 entries of 290 min, creating %+v", plan, want)
	}
	if n := len(entries()); n != 0 {
		t.Fatalf("a dry run wrote %d entries", n)
	}

	req.DryRun = false
	req.BatchSize = 3 // two transactions
	var progress []int
	req.Progress = func(done, total int) { progress = append(progress, done, total) }
	plan, err = svc.Import(ctx, owner, req)
	if err != nil {
		t.Fatal(err)
	}
	if !plan.Written || plan.Entries != 4 || !sameCreates(plan.Create, want) || !slices.Equal(progress, []int{3, 4, 4, 4}) {
		t.Fatalf("import: %+v, progress %v", plan, progress)
	}
	got := entries()
	if len(got) != 4 {
		t.Fatalf("%d entries after the import, want 4", len(got))
	}
	slices.SortFunc(got, func(a, b app.TimeEntry) int {
		if c := a.StartedAt.Compare(b.StartedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID.String(), b.ID.String())
	})
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	spans := [][2]time.Time{
		{utc("2026-03-02T08:00:00Z"), utc("2026-03-02T09:30:00Z")},
		{utc("2026-03-02T08:00:00Z"), utc("2026-03-02T09:30:00Z")},
		{utc("2026-10-24T23:50:00Z"), utc("2026-10-25T01:20:00Z")},
		{utc("2026-10-25T00:50:00Z"), utc("2026-10-25T01:10:00Z")},
	}
	for i, e := range got {
		if !e.StartedAt.Equal(spans[i][0]) || e.StoppedAt == nil || !e.StoppedAt.Equal(spans[i][1]) {
			t.Errorf("entry %d: %v..%v, want %v..%v", i, e.StartedAt, e.StoppedAt, spans[i][0], spans[i][1])
		}
		if e.Source != app.SourceImport || e.Timezone != "Europe/Berlin" {
			t.Errorf("entry %d: source %q, zone %q", i, e.Source, e.Timezone)
		}
	}
	if got[0].ID == got[1].ID || got[0].UserID != got[1].UserID || got[0].UserID == owner.UserID {
		t.Errorf("the two equal rows: %v and %v for %v", got[0].ID, got[1].ID, got[0].UserID)
	}
	first := got[0] // line 2's entry, with both tags (line 7's has one, written as "Design")
	if len(got[1].TagIDs) > len(first.TagIDs) {
		first = got[1]
	}
	if !first.Billable || len(first.TagIDs) != 2 || first.TaskID == nil || got[2].ProjectID == nil || *got[2].ProjectID != *first.ProjectID {
		t.Errorf("mapped entries: %+v / %+v", first, got[2])
	}
	if got[3].UserID != owner.UserID || got[3].ProjectID != nil {
		t.Errorf("the owner's row: %+v", got[3])
	}
	members, err := svc.Members(ctx, owner, app.ListParams{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(members.Items) != 2 {
		t.Fatalf("%d members, want the owner and Ada", len(members.Items))
	}

	// The same file again: nothing new.
	progress = nil
	plan, err = svc.Import(ctx, owner, req)
	if err != nil {
		t.Fatal(err)
	}
	empty := app.ImportCreates{Members: []string{}, Clients: []string{}, Projects: []string{}, Tasks: []string{}, Tags: []string{}}
	if plan.Entries != 0 || plan.Existing != 4 || !sameCreates(plan.Create, empty) {
		t.Fatalf("the second import: %+v", plan)
	}
	if n := len(entries()); n != 4 {
		t.Fatalf("%d entries after the second import, want 4", n)
	}

	// A member imports only its own time, into projects that exist.
	if _, err := svc.AddMember(ctx, owner, app.MemberInput{Email: "mel@example.com", Name: "Mel", Role: app.RoleMember, Password: "correct horse"}); err != nil {
		t.Fatal(err)
	}
	ms, err := svc.Members(ctx, owner, app.ListParams{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	mel := app.Actor{TenantID: owner.TenantID, OrgID: owner.OrgID, Role: app.RoleMember}
	for _, m := range ms.Items {
		if m.Email == "mel@example.com" {
			mel.UserID = m.UserID
		}
	}
	own := []app.ImportRow{
		{Line: 2, Email: "mel@other.example", Project: "website", Start: utc("2026-11-02T08:00:00Z"), End: utc("2026-11-02T09:00:00Z")},
		{Line: 3, Email: "mel@other.example", Project: "Secret", Start: utc("2026-11-03T08:00:00Z"), End: utc("2026-11-03T09:00:00Z")},
	}
	plan, err = svc.Import(ctx, mel, app.ImportRequest{Rows: own})
	if !errors.Is(err, app.ErrImportProblems) || len(plan.Problems) != 2 || !strings.Contains(plan.Problems[0].Message, "--user") {
		t.Fatalf("a member importing someone else's rows: %+v, %v", plan.Problems, err)
	}
	if _, err := svc.Import(ctx, mel, app.ImportRequest{Rows: own, UserEmail: "owner@example.com"}); !errors.Is(err, app.ErrForbidden) {
		t.Fatalf("a member importing with --user someone else: %v, want ErrForbidden", err)
	}
	if _, err := svc.Import(ctx, mel, app.ImportRequest{Rows: own, UserID: owner.UserID, DryRun: true}); !errors.Is(err, app.ErrForbidden) {
		t.Fatalf("a member importing as someone else by id: %v, want ErrForbidden", err)
	}
	if _, err := svc.Import(ctx, mel, app.ImportRequest{Rows: own, UserID: app.NewID(), DryRun: true}); !errors.As(err, new(*app.ValidationError)) {
		t.Fatalf("importing as nobody's id: %v, want a validation error", err)
	}
	// By id, as the desktop names its local user, who may have no e-mail address.
	plan, err = svc.Import(ctx, mel, app.ImportRequest{Rows: own, UserID: mel.UserID, SkipProblems: true, DryRun: true})
	if err != nil || plan.Entries != 1 || len(plan.Problems) != 1 || len(plan.Create.Members) != 0 {
		t.Fatalf("a member's import by id: %+v, %v", plan, err)
	}
	plan, err = svc.Import(ctx, mel, app.ImportRequest{Rows: own, UserEmail: "mel@example.com", SkipProblems: true})
	if err != nil {
		t.Fatal(err)
	}
	if plan.Entries != 1 || len(plan.Problems) != 1 || !strings.Contains(plan.Problems[0].Message, "may not create projects") {
		t.Fatalf("a member's import: %+v", plan)
	}
}

func sameCreates(a, b app.ImportCreates) bool {
	return slices.Equal(a.Members, b.Members) && slices.Equal(a.Clients, b.Clients) && slices.Equal(a.Projects, b.Projects) &&
		slices.Equal(a.Tasks, b.Tasks) && slices.Equal(a.Tags, b.Tags)
}

package sync_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
)

// importRows is a small export: two people (the owner and someone the team lacks), a new
// client, project, task and tags, and two equal rows. A device does not make members (the
// team server does), so Bob's row stays a problem there.
func importRows() []app.ImportRow {
	at := func(s string) time.Time {
		v, _ := time.Parse(time.RFC3339, s)
		return v
	}
	return []app.ImportRow{
		{Line: 2, Email: ownerEmail, Client: "Initech", Project: "Migration", Task: "Plan", Description: "Kick-off",
			Tags: []string{"onsite"}, Start: at("2026-10-05T08:00:00Z"), End: at("2026-10-05T09:30:00Z")},
		{Line: 3, Email: ownerEmail, Project: "migration", Description: "Same again",
			Start: at("2026-10-06T08:00:00Z"), End: at("2026-10-06T09:00:00Z")},
		{Line: 4, Email: ownerEmail, Project: "migration", Description: "Same again",
			Start: at("2026-10-06T08:00:00Z"), End: at("2026-10-06T09:00:00Z")},
		{Line: 5, UserName: "Bob Byte", Email: "bob@example.com", Project: "Migration", Description: "Review",
			Tags: []string{"onsite", "remote"}, Start: at("2026-10-07T12:00:00Z"), End: at("2026-10-07T13:00:00Z")},
	}
}

// TestImportSurvivesSync: two devices import the same file, one before it ever saw the other's
// import; after both sync, the server and both devices hold each entry, project and tag
// once, nothing was rejected, and a third device that synced first finds the file already
// imported.
func TestImportSurvivesSync(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	b := newDevice(t, tm, "deviceB")
	req := app.ImportRequest{Format: "test", Rows: importRows()}
	plan, err := a.svc.Import(ctx, a.actor, req)
	if err == nil || len(plan.Problems) != 1 || plan.Problems[0].Line != 5 || !strings.Contains(plan.Problems[0].Message, "team server") {
		t.Fatalf("a device importing a person the team lacks: %+v, %v", plan.Problems, err)
	}
	req.SkipProblems = true

	planA, err := a.svc.Import(ctx, a.actor, req)
	if err != nil || planA.Entries != 3 {
		t.Fatalf("A's import: %+v, %v", planA, err)
	}
	if rep := a.sync(); rep.Rejected != 0 {
		t.Fatalf("A's round: %+v: %+v", rep, a.status().Rejections)
	}
	// B imports offline, before pulling A's rows: it creates the same rows under the same ids.
	planB, err := b.svc.Import(ctx, b.actor, req)
	if err != nil || planB.Entries != 3 || len(planB.Create.Projects) != 1 {
		t.Fatalf("B's import: %+v, %v", planB, err)
	}
	if rep := b.sync(); rep.Rejected != 0 {
		t.Fatalf("B's round: %+v", rep)
	}
	a.sync()

	for name, dev := range map[string]struct {
		svc   *app.Service
		actor app.Actor
	}{"server": {tm.svc, tm.owner}, "A": {a.svc, a.actor}, "B": {b.svc, b.actor}} {
		if got := entries(t, dev.svc, dev.actor); len(got) != 3 {
			t.Errorf("%s holds %d entries, want 3", name, len(got))
		}
		if got := projectNames(t, dev.svc, dev.actor); len(got) != 1 {
			t.Errorf("%s holds projects %v, want Migration once", name, got)
		}
		tags, err := dev.svc.Tags(ctx, dev.actor, app.ListParams{Limit: 10}, true)
		if err != nil || len(tags.Items) != 1 {
			t.Errorf("%s holds tags %+v (%v), want onsite once", name, tags.Items, err)
		}
	}

	c := newDevice(t, tm, "deviceC")
	planC, err := c.svc.Import(ctx, c.actor, req)
	if err != nil || planC.Entries != 0 || planC.Existing != 3 || len(planC.Create.Projects)+len(planC.Create.Tags) != 0 {
		t.Fatalf("C's import after syncing: %+v, %v", planC, err)
	}
}

// TestImportThenPublish: a local workspace keeps no outbox rows for the entries it imports
// (app.ImportedEntry), and publishing it still sends every imported entry to the server,
// under its own id, on either server store.
func TestImportThenPublish(t *testing.T) {
	for _, tc := range []struct {
		name  string
		store func(t *testing.T) app.Store
	}{
		{"sqlite", func(t *testing.T) app.Store {
			st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "server.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		}},
		{"postgres", postgresStore},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			srv, base := serveStore(t, tc.store(t))
			a := localDevice(t, "Ada", "Ada's work", base)
			plan, err := a.svc.Import(ctx, a.actor, app.ImportRequest{Format: "test", Rows: importRows(), UserID: a.actor.UserID})
			if err != nil || plan.Entries != 4 {
				t.Fatalf("import: %+v, %v", plan, err)
			}
			imported := entries(t, a.svc, a.actor)
			in, err := a.svc.PublishRequest(ctx, ownerEmail, ownerPassword)
			if err != nil {
				t.Fatal(err)
			}
			sess, err := stintsync.Publish(ctx, nil, base, in)
			if err != nil {
				t.Fatal(err)
			}
			cp, err := a.svc.PlanConnect(ctx, sess, app.ConnectPublish, app.TeamCatalog{})
			if err != nil || cp.Entries != 4 {
				t.Fatalf("publish plan = %+v, %v", cp, err)
			}
			if err := a.svc.ConnectWorkspace(ctx, app.RemoteTokenFile(a.dir), base, sess, cp); err != nil {
				t.Fatal(err)
			}
			if rep := a.sync(); rep.Rejected != 0 || rep.Pending != 0 {
				t.Fatalf("first round = %+v (status %+v)", rep, a.status())
			}
			owner, err := srv.Authenticate(ctx, sess.Token, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := entries(t, srv, owner)
			if len(got) != len(imported) {
				t.Fatalf("the server holds %d entries, want the %d imported", len(got), len(imported))
			}
			for id, e := range imported {
				s, ok := got[id]
				if !ok || s.Description != e.Description || !s.StartedAt.Equal(e.StartedAt) || s.Source != app.SourceImport {
					t.Errorf("entry %s on the server: %+v (%v), want %+v", id, s, ok, e)
				}
			}
		})
	}
}

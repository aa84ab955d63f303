package sync_test

import (
	"context"
	"testing"

	"github.com/stinthq/stint/app"
	stintsync "github.com/stinthq/stint/sync"
)

// TestPullFromZeroOverLocalRows: a device that pulls from 0 while it already holds the rows
// (it logged in again under another address of the same server, so its cursor went back to
// 0) takes the server's copies over its own: the first-pull path, which inserts without
// looking, falls back to an update for a row that is there.
func TestPullFromZeroOverLocalRows(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	d := newDevice(t, tm, "deviceA")
	p, err := tm.svc.CreateProject(ctx, tm.owner, app.ProjectInput{Name: "Before"})
	if err != nil {
		t.Fatal(err)
	}
	d.addEntries(2, nil, "mine")
	d.sync()
	name := "After"
	if _, err := tm.svc.UpdateProject(ctx, tm.owner, p.ID, app.ProjectPatch{Name: &name}, 0); err != nil {
		t.Fatal(err)
	}
	sess, err := stintsync.Login(ctx, nil, tm.url, ownerEmail, ownerPassword, tm.owner.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.svc.ConnectRemote(ctx, app.RemoteTokenFile(d.dir), tm.url+"/", sess); err != nil {
		t.Fatal(err)
	}
	if got := d.status().Cursor; got != 0 {
		t.Fatalf("cursor after logging in under another address = %d, want 0", got)
	}
	if rep := d.sync(); rep.Pulled == 0 {
		t.Fatalf("round from 0 = %+v, want the server's rows pulled", rep)
	}
	if got := projectNames(t, d.svc, d.actor)[p.ID]; got != "After" {
		t.Fatalf("device shows project %q, want the server's After", got)
	}
	if got := len(entries(t, d.svc, d.actor)); got != 2 {
		t.Fatalf("device has %d entries, want its 2", got)
	}
}

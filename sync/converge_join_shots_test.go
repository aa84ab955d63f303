package sync_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
)

// A workspace tracked offline joins a team (docs/sync.md, "Joining a team"): its
// screenshots follow their entries and slots into the team's organization, their images
// move to the team tenant's directory and go up before their rows, and a manager sees
// them with the same bytes.

func TestJoinCarriesScreenshots(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "server.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		testJoinCarriesScreenshots(t, newShotServer(t, st, filepath.Join(t.TempDir(), "server-shots")))
	})
	t.Run("postgres", func(t *testing.T) {
		testJoinCarriesScreenshots(t, newShotServer(t, postgresStore(t), ""))
	})
}

func testJoinCarriesScreenshots(t *testing.T, srv *shotServer) {
	ctx := context.Background()
	manager := srv.device(t, ownerEmail, "manager")

	// The member's desktop tracked time offline, with activity and a screenshot.
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	shotDir := filepath.Join(dir, app.ScreenshotDirName)
	b := &device{t: t, dir: dir, url: srv.url, svc: app.New(st, app.Options{Hasher: fastHasher, NodeID: "member", ScreenshotDir: shotDir})}
	if b.actor, _, err = b.svc.EnsureLocal(ctx, app.LocalSetup{Name: "Bo", Organization: "Bo's work", Timezone: "Europe/Berlin"}); err != nil {
		t.Fatal(err)
	}
	on := true
	if _, err := b.svc.UpdateOrganization(ctx, b.actor, b.actor.OrgID, app.OrganizationPatch{Activity: app.ActivitySettingsPatch{Screenshots: &on}}, 0); err != nil {
		t.Fatal(err)
	}
	entry, shot := b.shoot(slotDay, 70)
	if _, err := b.svc.RecordActivity(ctx, b.actor, app.ActivitySlot{EntryID: entry.ID, Start: slotDay, Tracked: 10 * time.Minute,
		Active: 5 * time.Minute, Keys: 9}); err != nil {
		t.Fatal(err)
	}
	oldTenant := b.actor.TenantID
	oldFile := filepath.Join(shotDir, oldTenant.String(), shot.Hash[:2], shot.Hash+".jpg")
	if _, err := os.Stat(oldFile); err != nil {
		t.Fatalf("the screenshot's image is not where the workspace keeps it: %v", err)
	}

	// It joins the team as the member.
	sess, err := stintsync.Login(ctx, nil, srv.url, memberEmail, ownerPassword, srv.owner.TenantID)
	if err != nil {
		t.Fatal(err)
	}
	remote, err := stintsync.NewRemote(srv.url, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	team, err := remote.Catalog(ctx, sess.Organization.ID)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := b.svc.PlanConnect(ctx, sess, app.ConnectJoin, team)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.svc.ConnectWorkspace(ctx, app.RemoteTokenFile(b.dir), srv.url, sess, plan); err != nil {
		t.Fatal(err)
	}
	if st := b.status(); st.ImagesPending != 1 {
		t.Fatalf("after the join, images pending = %d, want the screenshot's 1", st.ImagesPending)
	}
	rep := b.sync()
	if rep.ImagesUploaded != 1 || rep.Rejected != 0 {
		t.Fatalf("the first round = %+v, want 1 image uploaded, nothing rejected", rep)
	}
	if b.actor, err = b.svc.LocalActor(ctx); err != nil {
		t.Fatalf("after the first round the device acts as the member: %v", err)
	}
	if st := b.status(); st.ImagesPending != 0 || st.Pending != 0 {
		t.Fatalf("after the sync: images pending %d, changes pending %d; want 0 and 0", st.ImagesPending, st.Pending)
	}
	// The image now lives in the team tenant's directory only: nothing lost, nothing left.
	if _, err := os.Stat(oldFile); !os.IsNotExist(err) {
		t.Errorf("the old workspace's image file is still there (%v): an orphan", err)
	}
	if img, err := b.svc.ScreenshotImage(ctx, b.actor, b.mustOneShot(ctx).ID, false); err != nil || sha(img) != shot.Hash {
		t.Fatalf("the member's own image after the join: %d bytes, %v; want sha256 %s", len(img), err, shot.Hash)
	}

	// The server holds the row, on the moved entry, with its image.
	list, err := srv.svc.ListScreenshots(ctx, srv.owner, app.ActivityQuery{From: slotDay.Format(time.DateOnly), To: slotDay.Format(time.DateOnly), UserID: &sess.User.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Hash != shot.Hash || list[0].UserID != sess.User.ID {
		t.Fatalf("the server's screenshots of the member = %+v, want one of sha256 %s", list, shot.Hash)
	}
	onServer := list[0]
	if !srv.imageKept(t, srv.owner.TenantID, shot.Hash) {
		t.Fatal("the server lacks the screenshot's image")
	}
	img, err := srv.svc.ScreenshotImage(ctx, srv.owner, onServer.ID, false)
	if err != nil || sha(img) != shot.Hash {
		t.Fatalf("the server's image: %d bytes, %v; want sha256 %s", len(img), err, shot.Hash)
	}
	slots, err := srv.svc.Activity(ctx, srv.owner, app.ActivityQuery{From: slotDay.Format(time.DateOnly), To: slotDay.Format(time.DateOnly), UserID: &sess.User.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(slots) != 1 || slots[0].EntryID != onServer.EntryID {
		t.Fatalf("the server's slots of the member = %+v, want one of the screenshot's entry %s", slots, onServer.EntryID)
	}

	// The manager's device pulls it and fetches the same bytes.
	manager.sync()
	got, err := manager.svc.FetchScreenshotImage(ctx, manager.actor, onServer.ID, false, manager.remote())
	if err != nil || sha(got) != shot.Hash {
		t.Fatalf("the manager's fetch: %d bytes, %v; want sha256 %s", len(got), err, shot.Hash)
	}
}

// mustOneShot returns the device's one live screenshot of slotDay.
func (d *device) mustOneShot(ctx context.Context) app.Screenshot {
	d.t.Helper()
	day := slotDay.Format(time.DateOnly)
	list, err := d.svc.ListScreenshots(ctx, d.actor, app.ActivityQuery{From: day, To: day})
	if err != nil || len(list) != 1 {
		d.t.Fatalf("the device's screenshots = %+v, %v; want one", list, err)
	}
	return list[0]
}

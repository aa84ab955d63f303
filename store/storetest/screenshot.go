package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// testOrgActivitySettings: an organization's activity settings round-trip, change under
// the version check, and travel with the organization's row when a device pulls.
func testOrgActivitySettings(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "settings@example.com")
	read(t, st, func(tx app.Tx) error {
		o, err := tx.Organizations().Get(ctx, w.sc, w.org.ID)
		wantErr(t, "get", err, nil)
		same(t, "settings as inserted", o.Activity, w.org.Activity)
		return nil
	})
	o := w.org
	o.Activity = app.ActivitySettings{Screenshots: true, ScreenshotMinutes: 3, ScreenshotRandom: true, WindowTitles: true}
	o.Version, o.UpdatedAt = 2, base.Add(time.Hour)
	write(t, st, func(tx app.Tx) error { return tx.Organizations().Update(ctx, w.sc, o, 1) })
	read(t, st, func(tx app.Tx) error {
		got, err := tx.Organizations().Get(ctx, w.sc, w.org.ID)
		wantErr(t, "get after update", err, nil)
		same(t, "settings after update", got.Activity, o.Activity)
		list, err := tx.Organizations().ListForUser(ctx, w.sc, w.user.ID)
		wantErr(t, "list", err, nil)
		if len(list) == 0 || list[0].Activity != o.Activity {
			t.Errorf("listed organizations %+v", list)
		}
		return nil
	})
	rows, _ := pullAll(t, st, w.sc, 0, 1000, ownerVis(w))
	found := false
	for _, r := range rows {
		if r.Kind == app.SyncOrganization && r.ID == w.org.ID {
			found = true
			if got := r.Row.(app.Organization).Activity; got != o.Activity {
				t.Errorf("pulled settings %+v, want %+v", got, o.Activity)
			}
		}
	}
	if !found {
		t.Error("the organization was not pulled")
	}
}

// testScreenshots pins app.Screenshots: round trips, lists by range and user that leave
// out tombstones and screenshots of deleted entries, the hash in use across the
// tenant's organizations and never another tenant's, and that no other scope reaches a row.
func testScreenshots(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "shots@example.com")
	other := seed(t, st, "shots-other@example.com")
	start := base.Truncate(10 * time.Minute)
	hash := func(c string) string { return strings.Repeat(c, 64) }
	shot := func(i int, entry app.TimeEntry, h string) app.Screenshot {
		at := base.Add(time.Duration(i) * time.Minute)
		return app.Screenshot{ID: app.NewID(), TenantID: entry.TenantID, OrganizationID: entry.OrganizationID, UserID: entry.UserID,
			EntryID: entry.ID, SlotStart: start.Add(time.Duration(i/10) * app.SlotLength), TakenAt: at, Hash: h,
			Width: 2560, Height: 800, Bytes: 123456 + int64(i), Meta: meta(200 + i)}
	}
	s0, s1, s2 := shot(0, w.entry, hash("a")), shot(5, w.entry, hash("b")), shot(12, w.entry, hash("a"))
	foreign := shot(0, other.entry, hash("c"))
	write(t, st, func(tx app.Tx) error {
		for _, s := range []app.Screenshot{s0, s1, s2} {
			wantErr(t, "insert", tx.Screenshots().Insert(ctx, w.sc, s), nil)
		}
		wantErr(t, "insert other tenant's", tx.Screenshots().Insert(ctx, other.sc, foreign), nil)
		wantErr(t, "insert twice", tx.Screenshots().Insert(ctx, w.sc, s0), app.ErrConflict)
		wantErr(t, "insert into another scope", tx.Screenshots().Insert(ctx, other.sc, shot(3, w.entry, hash("d"))), app.ErrNotFound)
		return nil
	})
	read(t, st, func(tx app.Tx) error {
		got, err := tx.Screenshots().Get(ctx, w.sc, s0.ID)
		wantErr(t, "get", err, nil)
		same(t, "get", got, s0)
		for _, sc := range []app.Scope{other.sc, w.sc2, {TenantID: other.tenant.ID, OrgID: w.org.ID}} {
			_, err := tx.Screenshots().Get(ctx, sc, s0.ID)
			wantErr(t, fmt.Sprintf("get from scope %v", sc), err, app.ErrNotFound)
			list, err := tx.Screenshots().List(ctx, sc, app.ScreenshotFilter{From: start.Add(-time.Hour), To: start.Add(time.Hour)})
			wantErr(t, "list from another scope", err, nil)
			for _, s := range list {
				if s.TenantID != sc.TenantID || s.OrganizationID != sc.OrgID {
					t.Errorf("list from another scope returned %s", s.ID)
				}
			}
		}
		list, err := tx.Screenshots().List(ctx, w.sc, app.ScreenshotFilter{From: base, To: base.Add(10 * time.Minute)})
		wantErr(t, "list", err, nil)
		if len(list) != 2 || list[0].ID != s0.ID || list[1].ID != s1.ID {
			t.Errorf("list of the first 10 minutes = %+v", list)
		}
		list, err = tx.Screenshots().List(ctx, w.sc, app.ScreenshotFilter{From: base, To: base.Add(time.Hour), UserID: &other.user.ID})
		wantErr(t, "list of another user", err, nil)
		if len(list) != 0 {
			t.Errorf("list of a user without screenshots = %d", len(list))
		}
		used, err := tx.Screenshots().HashInUse(ctx, w.sc2, hash("a"))
		wantErr(t, "hash in use", err, nil)
		if !used {
			t.Error("hash a is in use in the tenant (from its other organization)")
		}
		used, err = tx.Screenshots().HashInUse(ctx, other.sc, hash("a"))
		wantErr(t, "hash in use elsewhere", err, nil)
		if used {
			t.Error("another tenant sees the hash in use")
		}
		return nil
	})
	// A tombstone leaves the lists, and the hash when it was the last row naming it.
	del := func(s app.Screenshot) {
		d := s
		d.Version, d.UpdatedAt = s.Version+1, base.Add(2*time.Hour)
		d.DeletedAt = &d.UpdatedAt
		write(t, st, func(tx app.Tx) error {
			wantErr(t, "stale tombstone", tx.Screenshots().Update(ctx, w.sc, d, s.Version+5), app.ErrPrecondition)
			wantErr(t, "tombstone from another tenant", tx.Screenshots().Update(ctx, other.sc, d, s.Version), app.ErrPrecondition)
			return tx.Screenshots().Update(ctx, w.sc, d, s.Version)
		})
	}
	del(s0)
	read(t, st, func(tx app.Tx) error {
		_, err := tx.Screenshots().Get(ctx, w.sc, s0.ID)
		wantErr(t, "get a tombstone", err, app.ErrNotFound)
		used, err := tx.Screenshots().HashInUse(ctx, w.sc, hash("a"))
		if err != nil || !used {
			t.Errorf("hash a after one of two rows went: used %v, %v", used, err)
		}
		return nil
	})
	del(s2)
	read(t, st, func(tx app.Tx) error {
		used, err := tx.Screenshots().HashInUse(ctx, w.sc, hash("a"))
		if err != nil || used {
			t.Errorf("hash a after both rows went: used %v, %v", used, err)
		}
		list, err := tx.Screenshots().List(ctx, w.sc, app.ScreenshotFilter{From: base.Add(-time.Hour), To: base.Add(time.Hour)})
		wantErr(t, "list", err, nil)
		if len(list) != 1 || list[0].ID != s1.ID {
			t.Errorf("list after two tombstones = %+v", list)
		}
		return nil
	})
	// A deleted entry's screenshots leave the lists.
	e := w.entry
	e.Version, e.UpdatedAt = 2, base.Add(3*time.Hour)
	e.DeletedAt = &e.UpdatedAt
	write(t, st, func(tx app.Tx) error { return tx.TimeEntries().Update(ctx, w.sc, e, 1) })
	read(t, st, func(tx app.Tx) error {
		list, err := tx.Screenshots().List(ctx, w.sc, app.ScreenshotFilter{From: base.Add(-time.Hour), To: base.Add(time.Hour)})
		wantErr(t, "list", err, nil)
		if len(list) != 0 {
			t.Errorf("a deleted entry's screenshots are listed: %+v", list)
		}
		return nil
	})
}

// testScreenshotSync pins what screenshots in sync add to app.Screenshots: the mark of an
// image waiting for its upload (listed, cleared without a new version), images kept in the
// store per tenant (idempotent, read, dropped; another tenant's never reached), and
// screenshots in a pull, tombstones too, by the slots' rule.
func testScreenshotSync(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "shotsync@example.com")
	other := seed(t, st, "shotsync-other@example.com")
	start := base.Truncate(10 * time.Minute)
	shot := func(i int, entry app.TimeEntry, pending bool) app.Screenshot {
		return app.Screenshot{ID: app.NewID(), TenantID: entry.TenantID, OrganizationID: entry.OrganizationID, UserID: entry.UserID,
			EntryID: entry.ID, SlotStart: start, TakenAt: base.Add(time.Duration(i) * time.Minute), Hash: strings.Repeat(fmt.Sprint(i%10), 64),
			Width: 640, Height: 400, Bytes: 1000, ImagePending: pending, Meta: meta(300 + i)}
	}
	waiting, later, sent := shot(1, w.entry, true), shot(2, w.entry, true), shot(3, w.entry, false)
	foreign := shot(4, other.entry, true)
	write(t, st, func(tx app.Tx) error {
		for _, s := range []app.Screenshot{later, waiting, sent} {
			wantErr(t, "insert", tx.Screenshots().Insert(ctx, w.sc, s), nil)
		}
		wantErr(t, "insert other tenant's", tx.Screenshots().Insert(ctx, other.sc, foreign), nil)
		return nil
	})
	ids := func(list []app.Screenshot) []string {
		var out []string
		for _, s := range list {
			out = append(out, s.ID.String())
		}
		return out
	}
	read(t, st, func(tx app.Tx) error {
		got, err := tx.Screenshots().PendingImages(ctx, app.Scope{TenantID: w.sc.TenantID}, 10)
		wantErr(t, "pending", err, nil)
		same(t, "pending images, oldest first", ids(got), ids([]app.Screenshot{waiting, later}))
		got, err = tx.Screenshots().PendingImages(ctx, app.Scope{TenantID: w.sc.TenantID}, 1)
		wantErr(t, "pending, limited", err, nil)
		same(t, "pending images, the first", ids(got), ids([]app.Screenshot{waiting}))
		g, err := tx.Screenshots().Get(ctx, w.sc, waiting.ID)
		wantErr(t, "get", err, nil)
		if !g.ImagePending {
			t.Error("the mark did not round-trip")
		}
		return nil
	})
	write(t, st, func(tx app.Tx) error {
		wantErr(t, "image sent", tx.Screenshots().ImageSent(ctx, w.sc, waiting.ID), nil)
		wantErr(t, "other tenant's image sent", tx.Screenshots().ImageSent(ctx, w.sc, foreign.ID), nil)
		return nil
	})
	read(t, st, func(tx app.Tx) error {
		got, err := tx.Screenshots().PendingImages(ctx, app.Scope{TenantID: w.sc.TenantID}, 10)
		wantErr(t, "pending after sent", err, nil)
		same(t, "pending after sent", ids(got), ids([]app.Screenshot{later}))
		g, err := tx.Screenshots().Get(ctx, w.sc, waiting.ID)
		wantErr(t, "get after sent", err, nil)
		if g.ImagePending || g.Version != waiting.Version {
			t.Errorf("after sent: pending %v, version %d; want false, %d", g.ImagePending, g.Version, waiting.Version)
		}
		f, err := tx.Screenshots().PendingImages(ctx, app.Scope{TenantID: other.sc.TenantID}, 10)
		wantErr(t, "other tenant's pending", err, nil)
		same(t, "another tenant's mark stays", ids(f), ids([]app.Screenshot{foreign}))
		return nil
	})

	// Images kept in the store.
	h := strings.Repeat("e", 64)
	write(t, st, func(tx app.Tx) error {
		wantErr(t, "put image", tx.Screenshots().PutImage(ctx, w.sc, h, []byte("image"), []byte("thumb"), base), nil)
		wantErr(t, "put again", tx.Screenshots().PutImage(ctx, w.sc, h, []byte("other"), []byte("other"), base), nil)
		return nil
	})
	read(t, st, func(tx app.Tx) error {
		img, err := tx.Screenshots().Image(ctx, w.sc, h, false)
		wantErr(t, "image", err, nil)
		thumb, err := tx.Screenshots().Image(ctx, w.sc, h, true)
		wantErr(t, "thumbnail", err, nil)
		if string(img) != "image" || string(thumb) != "thumb" {
			t.Errorf("kept %q and %q, want the first upload's", img, thumb)
		}
		kept, err := tx.Screenshots().HasImage(ctx, w.sc, h)
		wantErr(t, "has image", err, nil)
		elsewhere, err := tx.Screenshots().HasImage(ctx, other.sc, h)
		wantErr(t, "other tenant has image", err, nil)
		if !kept || elsewhere {
			t.Errorf("kept %v, in another tenant %v; want true, false", kept, elsewhere)
		}
		_, err = tx.Screenshots().Image(ctx, other.sc, h, false)
		wantErr(t, "another tenant's image", err, app.ErrNotFound)
		return nil
	})
	write(t, st, func(tx app.Tx) error {
		wantErr(t, "delete from another tenant", tx.Screenshots().DeleteImage(ctx, other.sc, h), nil)
		return nil
	})
	read(t, st, func(tx app.Tx) error {
		kept, err := tx.Screenshots().HasImage(ctx, w.sc, h)
		wantErr(t, "has image after another tenant's delete", err, nil)
		if !kept {
			t.Error("another tenant's delete dropped the image")
		}
		return nil
	})
	write(t, st, func(tx app.Tx) error {
		wantErr(t, "delete image", tx.Screenshots().DeleteImage(ctx, w.sc, h), nil)
		wantErr(t, "delete again", tx.Screenshots().DeleteImage(ctx, w.sc, h), nil)
		return nil
	})
	read(t, st, func(tx app.Tx) error {
		_, err := tx.Screenshots().Image(ctx, w.sc, h, false)
		wantErr(t, "deleted image", err, app.ErrNotFound)
		return nil
	})

	// A pull carries the screenshots, a tombstone too.
	gone := sent
	gone.Version, gone.UpdatedAt = sent.Version+1, base.Add(time.Hour)
	at := base.Add(time.Hour)
	gone.DeletedAt = &at
	write(t, st, func(tx app.Tx) error { return tx.Screenshots().Update(ctx, w.sc, gone, sent.Version) })
	rows, _ := pullAll(t, st, w.sc, 0, 1000, ownerVis(w))
	pulled := map[string]app.SyncedShot{}
	for _, r := range rows {
		if r.Kind == app.SyncScreenshot {
			v := r.Row.(app.SyncedShot)
			pulled[v.ID.String()] = v
		}
	}
	if len(pulled) != 3 {
		t.Fatalf("pulled %d screenshots, want the tenant's 3", len(pulled))
	}
	if v := pulled[sent.ID.String()]; v.DeletedAt == nil || v.Hash != sent.Hash || v.EntryID != sent.EntryID {
		t.Errorf("pulled tombstone %+v", v)
	}
	if v := pulled[waiting.ID.String()]; v.Hash != waiting.Hash || v.Width != 640 || !v.TakenAt.Equal(waiting.TakenAt) || v.UserID != w.user.ID {
		t.Errorf("pulled screenshot %+v, want %+v", v, waiting)
	}
}

// testScreenshotSweep pins SweepImages: an image kept since before the cutoff that no live
// screenshot of its tenant names goes (one only a tombstone names too); a younger one, one
// a live screenshot names, and another tenant's stay.
func testScreenshotSweep(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "shotsweep@example.com")
	other := seed(t, st, "shotsweep-other@example.com")
	cutoff := base.Add(-24 * time.Hour)
	named := func(c string, deleted bool) app.Screenshot {
		sh := app.Screenshot{ID: app.NewID(), TenantID: w.entry.TenantID, OrganizationID: w.entry.OrganizationID, UserID: w.entry.UserID,
			EntryID: w.entry.ID, SlotStart: base.Truncate(10 * time.Minute), TakenAt: base, Hash: strings.Repeat(c, 64),
			Width: 640, Height: 400, Bytes: 1000, Meta: meta(400)}
		if deleted {
			at := base
			sh.DeletedAt = &at
		}
		return sh
	}
	images := []struct {
		name string
		sc   app.Scope
		hash string
		at   time.Time
		shot *app.Screenshot
		kept bool
	}{
		{"an old orphan", w.sc, strings.Repeat("a", 64), cutoff.Add(-time.Hour), nil, false},
		{"an orphan uploaded at the cutoff", w.sc, strings.Repeat("b", 64), cutoff, nil, true},
		{"a young orphan", w.sc, strings.Repeat("c", 64), cutoff.Add(time.Hour), nil, true},
		{"an old image a live screenshot names", w.sc, strings.Repeat("d", 64), cutoff.Add(-time.Hour), ptr(named("d", false)), true},
		{"an old image only a tombstone names", w.sc, strings.Repeat("e", 64), cutoff.Add(-time.Hour), ptr(named("e", true)), false},
		{"another tenant's old orphan", other.sc, strings.Repeat("f", 64), cutoff.Add(-time.Hour), nil, true},
		{"an old orphan uploaded again since", w.sc, strings.Repeat("9", 64), cutoff.Add(-time.Hour), nil, true},
	}
	write(t, st, func(tx app.Tx) error {
		for _, im := range images {
			wantErr(t, "put "+im.name, tx.Screenshots().PutImage(ctx, im.sc, im.hash, []byte("image"), []byte("thumb"), im.at), nil)
			if im.shot != nil {
				wantErr(t, "insert "+im.name, tx.Screenshots().Insert(ctx, im.sc, *im.shot), nil)
			}
		}
		// A second upload of an image kept already restarts its grace: its row follows it.
		again := images[len(images)-1]
		wantErr(t, "put "+again.name, tx.Screenshots().PutImage(ctx, again.sc, again.hash, []byte("image"), []byte("thumb"), cutoff.Add(time.Hour)), nil)
		return nil
	})
	write(t, st, func(tx app.Tx) error {
		n, err := tx.Screenshots().SweepImages(ctx, app.Scope{TenantID: w.sc.TenantID}, cutoff)
		wantErr(t, "sweep", err, nil)
		if n != 2 {
			t.Errorf("swept %d images, want 2", n)
		}
		return nil
	})
	read(t, st, func(tx app.Tx) error {
		for _, im := range images {
			kept, err := tx.Screenshots().HasImage(ctx, im.sc, im.hash)
			wantErr(t, "has "+im.name, err, nil)
			if kept != im.kept {
				t.Errorf("%s: kept %v after the sweep, want %v", im.name, kept, im.kept)
			}
		}
		return nil
	})
}

package app_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestPushSweepsImagesNoRowNames: the daily purge a push runs drops the images uploaded
// more than ScreenshotImageGrace ago that no screenshot names (the screenshot deleted on
// its device between its upload and its row's push), and keeps a younger one and one whose
// row came 23 hours after it; with images as files (a SQLite server) and in the store.
func TestPushSweepsImagesNoRowNames(t *testing.T) {
	for _, files := range []bool{true, false} {
		name := "in the store"
		if files {
			name = "as files"
		}
		t.Run(name, func(t *testing.T) {
			var e *env
			var dir string
			if files {
				e, dir = newShotEnv(t)
			} else {
				e = newEnv(t)
			}
			owner, _ := e.signup()
			kept := func(hash string) bool {
				t.Helper()
				if files {
					_, err := os.Stat(filepath.Join(dir, owner.TenantID.String(), hash[:2], hash+".jpg"))
					if err != nil && !os.IsNotExist(err) {
						t.Fatal(err)
					}
					return err == nil
				}
				var has bool
				err := e.st.Read(e.ctx, func(tx app.Tx) error {
					var err error
					has, err = tx.Screenshots().HasImage(e.ctx, app.Scope{TenantID: owner.TenantID}, hash)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				return has
			}
			upload := func(shade uint8) (string, int) {
				t.Helper()
				img := image.NewGray(image.Rect(0, 0, 8, 8))
				for i := range img.Pix {
					img.Pix[i] = shade
				}
				img.Set(0, 0, color.Gray{Y: 255 - shade})
				var buf bytes.Buffer
				if err := jpeg.Encode(&buf, img, nil); err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(buf.Bytes())
				hash := hex.EncodeToString(sum[:])
				if err := e.svc.PutScreenshotImage(e.ctx, owner, hash, buf.Bytes()); err != nil {
					t.Fatalf("upload: %v", err)
				}
				return hash, buf.Len()
			}
			d := newDevice(t, "laptop", e.clock.Now())
			pushTag := func() {
				t.Helper()
				e.push(owner, batch(d.mutation(app.EntityTag, app.NewID(), app.OpUpsert, app.Tag{Name: "tag " + d.hlc.Now()})))
			}

			start := e.clock.Now().Truncate(10 * time.Minute).Add(-2 * time.Hour)
			entry, err := e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{StartedAt: start, StoppedAt: ptr(start.Add(time.Hour))})
			if err != nil {
				t.Fatal(err)
			}
			pushTag() // the tenant's first purge: the next is due a day later
			orphan, _ := upload(10)
			late, lateBytes := upload(120)

			e.clock.Advance(23 * time.Hour)
			young, _ := upload(200)
			shot := app.SyncedShot{ID: app.NewID(), OrganizationID: owner.OrgID, UserID: owner.UserID, EntryID: entry.ID,
				SlotStart: start, TakenAt: start.Add(5 * time.Minute), Hash: late, Width: 8, Height: 8, Bytes: int64(lateBytes)}
			out := e.push(owner, batch(d.mutation(app.EntityScreenshot, shot.ID, app.OpUpsert, shot)))
			if out[0].Status != app.MutationApplied {
				t.Fatalf("the late row: %+v, want applied", out[0])
			}

			e.clock.Advance(2 * time.Hour)
			pushTag() // a day since the last purge: this push purges and sweeps
			for _, c := range []struct {
				what string
				hash string
				want bool
			}{
				{"an orphan uploaded 25 hours ago", orphan, false},
				{"an image whose row came 23 hours after it", late, true},
				{"an orphan uploaded 2 hours ago", young, true},
			} {
				if got := kept(c.hash); got != c.want {
					t.Errorf("%s: kept %v, want %v", c.what, got, c.want)
				}
			}
		})
	}
}

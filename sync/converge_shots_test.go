package sync_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/server"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
)

// Screenshots sync (docs/sync.md, "Screenshots"): a member's desktop uploads the image,
// then pushes the row; the server keeps the bytes (files on SQLite, the database on
// PostgreSQL); a manager's device pulls the row and fetches the image on demand; a delete
// on the member's device removes the row and the bytes everywhere.

// shotServer is a team server for the screenshot scenarios: screenshots on, an owner and a
// member. On SQLite it keeps images as files under a directory of its own, as `stint
// serve` does; on PostgreSQL in the database, as `stint serve --db postgres://…` does.
type shotServer struct {
	svc     *app.Service
	st      app.Store
	dir     string // "" on PostgreSQL
	owner   app.Actor
	url     string
	handler http.Handler
	fail    func(r *http.Request) bool
}

func newShotServer(t *testing.T, st app.Store, dir string) *shotServer {
	t.Helper()
	ctx := context.Background()
	s := &shotServer{st: st, dir: dir, svc: app.New(st, app.Options{Hasher: fastHasher, NodeID: "server", ScreenshotDir: dir})}
	sess, err := s.svc.Signup(ctx, app.SignupInput{Email: ownerEmail, Password: ownerPassword, Name: "Ada", Organization: "Team", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	if s.owner, err = s.svc.Authenticate(ctx, sess.Token, nil); err != nil {
		t.Fatal(err)
	}
	on := true
	if _, err := s.svc.UpdateOrganization(ctx, s.owner, s.owner.OrgID, app.OrganizationPatch{Activity: app.ActivitySettingsPatch{Screenshots: &on}}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.AddMember(ctx, s.owner, app.MemberInput{Email: memberEmail, Name: "Bo", Role: app.RoleMember, Password: ownerPassword}); err != nil {
		t.Fatal(err)
	}
	s.handler = server.New(s.svc, server.Config{AllowSignup: true}).Handler()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.fail != nil && s.fail(r) {
			http.Error(w, "unavailable", http.StatusServiceUnavailable)
			return
		}
		s.handler.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	s.url = ts.URL
	return s
}

// shotDevice is a desktop with a screenshot directory, logged in to the server as email.
func (s *shotServer) device(t *testing.T, email, node string) *device {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := &device{t: t, dir: dir, url: s.url,
		svc: app.New(st, app.Options{Hasher: fastHasher, NodeID: node, ScreenshotDir: filepath.Join(dir, app.ScreenshotDirName)})}
	sess, err := stintsync.Login(ctx, nil, s.url, email, ownerPassword, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.svc.ConnectRemote(ctx, app.RemoteTokenFile(dir), s.url, sess); err != nil {
		t.Fatal(err)
	}
	d.sync()
	if d.actor, err = d.svc.LocalActor(ctx); err != nil {
		t.Fatal(err)
	}
	return d
}

// shoot tracks an hour on d from at and takes a screenshot 5 minutes in; seed varies the
// image.
func (d *device) shoot(at time.Time, seed byte) (app.TimeEntry, app.Screenshot) {
	d.t.Helper()
	ctx := context.Background()
	stop := at.Add(time.Hour)
	e, err := d.svc.CreateTimeEntry(ctx, d.actor, app.TimeEntryInput{StartedAt: at, StoppedAt: &stop, Description: "shot"})
	if err != nil {
		d.t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 400, 240))
	for i := range img.Pix {
		img.Pix[i] = seed + byte(i%7)*17 + byte(i/1600)
	}
	sh, err := d.svc.SaveScreenshot(ctx, d.actor, e.ID, at.Add(5*time.Minute), img)
	if err != nil {
		d.t.Fatal(err)
	}
	return e, sh
}

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// imageKept reports whether the server holds the image's bytes, wherever it keeps them.
func (s *shotServer) imageKept(t *testing.T, tenant uuid.UUID, hash string) bool {
	t.Helper()
	if s.dir != "" {
		_, err := os.Stat(filepath.Join(s.dir, tenant.String(), hash[:2], hash+".jpg"))
		return err == nil
	}
	var kept bool
	if err := s.st.Read(context.Background(), func(tx app.Tx) error {
		var err error
		kept, err = tx.Screenshots().HasImage(context.Background(), app.Scope{TenantID: tenant}, hash)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return kept
}

func TestScreenshotsReachTheManager(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "server.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		testScreenshotsReachTheManager(t, newShotServer(t, st, filepath.Join(t.TempDir(), "server-shots")))
	})
	t.Run("postgres", func(t *testing.T) {
		testScreenshotsReachTheManager(t, newShotServer(t, postgresStore(t), ""))
	})
}

func testScreenshotsReachTheManager(t *testing.T, srv *shotServer) {
	ctx := context.Background()
	member := srv.device(t, memberEmail, "member")
	manager := srv.device(t, ownerEmail, "manager")
	entry, shot := member.shoot(slotDay, 40)
	if st := member.status(); st.ImagesPending != 1 {
		t.Fatalf("before the sync, images pending = %d, want 1", st.ImagesPending)
	}
	rep := member.sync()
	if rep.ImagesUploaded != 1 {
		t.Fatalf("the round uploaded %d images, want 1", rep.ImagesUploaded)
	}
	if st := member.status(); st.ImagesPending != 0 || st.Pending != 0 {
		t.Fatalf("after the sync: images pending %d, changes pending %d; want 0 and 0", st.ImagesPending, st.Pending)
	}
	onServer, err := srv.svc.Screenshot(ctx, srv.owner, shot.ID)
	if err != nil {
		t.Fatalf("the server lacks the member's screenshot: %v", err)
	}
	if onServer.Hash != shot.Hash || onServer.EntryID != entry.ID || onServer.UserID != member.actor.UserID {
		t.Fatalf("server's screenshot %+v, want the device's %+v", onServer, shot)
	}
	img, err := srv.svc.ScreenshotImage(ctx, srv.owner, shot.ID, false)
	if err != nil || sha(img) != shot.Hash {
		t.Fatalf("the server's image: %d bytes, %v; want the image of sha256 %s", len(img), err, shot.Hash)
	}
	if thumb, err := srv.svc.ScreenshotImage(ctx, srv.owner, shot.ID, true); err != nil || len(thumb) == 0 {
		t.Fatalf("the server's thumbnail: %d bytes, %v", len(thumb), err)
	}

	// The manager's device pulls the row; the image comes on demand and stays.
	manager.sync()
	if _, err := manager.svc.ScreenshotImage(ctx, manager.actor, shot.ID, false); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("before it is fetched, the manager's device holds the image: %v", err)
	}
	got, err := manager.svc.FetchScreenshotImage(ctx, manager.actor, shot.ID, false, manager.remote())
	if err != nil || sha(got) != shot.Hash {
		t.Fatalf("manager's fetch: %d bytes, %v; want the image of sha256 %s", len(got), err, shot.Hash)
	}
	thumb, err := manager.svc.FetchScreenshotImage(ctx, manager.actor, shot.ID, true, manager.remote())
	if err != nil || len(thumb) == 0 {
		t.Fatalf("manager's thumbnail: %d bytes, %v", len(thumb), err)
	}
	cached, err := manager.svc.FetchScreenshotImage(ctx, manager.actor, shot.ID, false, nil)
	if err != nil || sha(cached) != shot.Hash {
		t.Fatalf("the fetched image is not kept on the manager's device: %v", err)
	}
	cachedFile := filepath.Join(manager.dir, app.ScreenshotDirName, manager.actor.TenantID.String(), shot.Hash[:2], shot.Hash+".jpg")
	if _, err := os.Stat(cachedFile); err != nil {
		t.Fatalf("the manager's copy: %v", err)
	}

	// The member deletes it on the device: the row and the bytes go everywhere.
	if !srv.imageKept(t, member.actor.TenantID, shot.Hash) {
		t.Fatal("the server does not hold the image before the delete")
	}
	if err := member.svc.DeleteScreenshot(ctx, member.actor, shot.ID, 0); err != nil {
		t.Fatal(err)
	}
	member.sync()
	if _, err := srv.svc.Screenshot(ctx, srv.owner, shot.ID); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("the server still shows the deleted screenshot: %v", err)
	}
	if srv.imageKept(t, member.actor.TenantID, shot.Hash) {
		t.Fatal("the server keeps the image of a deleted screenshot")
	}
	manager.sync()
	if _, err := manager.svc.Screenshot(ctx, manager.actor, shot.ID); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("the manager's device still shows the deleted screenshot: %v", err)
	}
	if _, err := os.Stat(cachedFile); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the manager's device keeps the deleted screenshot's image: %v", err)
	}
}

// TestScreenshotUploadsNeverHoldUpEntries: while the server refuses image uploads, the
// member's time still syncs; the screenshot waits (counted apart) and goes up once the
// uploads pass.
func TestScreenshotUploadsNeverHoldUpEntries(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := newShotServer(t, st, filepath.Join(t.TempDir(), "server-shots"))
	member := srv.device(t, memberEmail, "member")
	entry, shot := member.shoot(slotDay, 90)
	srv.fail = func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/v1/screenshot-files/") }
	rep := member.sync()
	if rep.ImagesUploaded != 0 {
		t.Fatalf("uploaded %d images through a failing route", rep.ImagesUploaded)
	}
	if _, err := srv.svc.TimeEntry(ctx, srv.owner, entry.ID); err != nil {
		t.Fatalf("the entry did not sync while images failed: %v", err)
	}
	if _, err := srv.svc.Screenshot(ctx, srv.owner, shot.ID); !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("the screenshot's row went up without its image: %v", err)
	}
	if st := member.status(); st.ImagesPending != 1 || st.Pending != 0 {
		t.Fatalf("images pending %d, changes pending %d; want 1 and 0", st.ImagesPending, st.Pending)
	}
	srv.fail = nil
	member.sync()
	if _, err := srv.svc.Screenshot(ctx, srv.owner, shot.ID); err != nil {
		t.Fatalf("after the uploads pass, the screenshot did not sync: %v", err)
	}
}

// TestScreenshotRowWithoutItsImageRefused: the server refuses a pushed screenshot whose
// image it does not hold, and one of another user's entry.
func TestScreenshotRowWithoutItsImageRefused(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := newShotServer(t, st, filepath.Join(t.TempDir(), "server-shots"))
	member := srv.device(t, memberEmail, "member")
	ownerEntry, err := srv.svc.CreateTimeEntry(ctx, srv.owner, app.TimeEntryInput{StartedAt: slotDay, StoppedAt: ptrTime(slotDay.Add(time.Hour))})
	if err != nil {
		t.Fatal(err)
	}
	memberEntry, _ := member.shoot(slotDay.Add(2*time.Hour), 7)
	member.sync()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 4, 4)), nil); err != nil {
		t.Fatal(err)
	}
	img := buf.Bytes()
	hash := sha(img)
	row := func(entry uuid.UUID) []byte {
		return []byte(`{"id":"` + uuid.Nil.String() + `","organization_id":"` + member.actor.OrgID.String() + `","entry_id":"` + entry.String() +
			`","slot_start":"2026-11-20T10:00:00Z","taken_at":"2026-11-20T10:05:00Z","sha256":"` + hash + `","width":4,"height":4,"bytes":` +
			strconv.Itoa(len(img)) + `}`)
	}
	for _, c := range []struct {
		name   string
		entry  uuid.UUID
		reason app.RejectReason
		upload bool // the image goes up first, so only the entry decides
	}{
		{"no image on the server", memberEntry.ID, app.RejectInvalid, false},
		{"another user's entry", ownerEntry.ID, app.RejectNotFound, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.upload {
				if err := member.remote().PutScreenshotImage(ctx, hash, img); err != nil {
					t.Fatal(err)
				}
			}
			id := app.NewID()
			r := strings.Replace(string(row(c.entry)), uuid.Nil.String(), id.String(), 1)
			out, err := member.remote().Push(ctx, app.PushBatch{Protocol: app.SyncProtocol, Mutations: []app.Mutation{{ID: app.NewID(), DeviceSeq: 1,
				HLC: app.NewHLC(app.SystemClock{}, "probe").Now(), Entity: app.EntityScreenshot, EntityID: id, Op: app.OpUpsert, Row: []byte(r)}}})
			if err != nil {
				t.Fatal(err)
			}
			if len(out) != 1 || out[0].Status != app.MutationRejected || out[0].Reason != c.reason {
				t.Fatalf("push answered %+v, want rejected %s", out, c.reason)
			}
		})
	}
}

func ptrTime(t time.Time) *time.Time { return &t }

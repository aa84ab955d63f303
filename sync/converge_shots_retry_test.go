package sync_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/server"
	"github.com/stinthq/stint/store/sqlite"
)

// A screenshot row refused for want of its image (docs/sync.md, "Screenshots"): the device
// uploaded the image, then stayed offline past ScreenshotImageGrace before its row went,
// and the server swept the image meanwhile. The device uploads the image again and pushes
// the row, and shows the user no rejection.

func TestScreenshotRefusedForSweptImageUploadsAgain(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "server.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		testShotRefusedForSweptImage(t, newShotServer(t, st, filepath.Join(t.TempDir(), "server-shots")), false)
	})
	t.Run("postgres", func(t *testing.T) {
		testShotRefusedForSweptImage(t, newShotServer(t, postgresStore(t), ""), false)
	})
	t.Run("refused again after the new upload", func(t *testing.T) {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "server.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		testShotRefusedForSweptImage(t, newShotServer(t, st, filepath.Join(t.TempDir(), "server-shots")), true)
	})
}

// clocked gives the server a clock of its own at at: a new service on the same store and
// image directory, as a restart does.
func (s *shotServer) clocked(at time.Time) *app.FixedClock {
	clock := app.NewFixedClock(at)
	s.svc = app.New(s.st, app.Options{Hasher: fastHasher, NodeID: "server", ScreenshotDir: s.dir, Clock: clock})
	s.handler = server.New(s.svc, server.Config{AllowSignup: true}).Handler()
	return clock
}

// purge pushes a tag as the owner at the server's time: the push runs the tenant's daily
// purge, which sweeps the images no row names.
func (s *shotServer) purge(t *testing.T) {
	t.Helper()
	if err := s.pushTag(); err != nil {
		t.Fatal(err)
	}
}

// pushTag is purge's push, which may run off the test's goroutine (in a request's hook).
func (s *shotServer) pushTag() error {
	row, err := json.Marshal(app.Tag{Name: "sweep " + app.NewID().String()})
	if err != nil {
		return err
	}
	out, err := s.svc.Push(context.Background(), s.owner, app.PushBatch{Protocol: app.SyncProtocol, DeviceID: "probe",
		Mutations: []app.Mutation{{ID: app.NewID(), DeviceSeq: 1, HLC: app.NewHLC(s.svc, "probe").Now(),
			Entity: app.EntityTag, EntityID: app.NewID(), Op: app.OpUpsert, Row: row}}})
	if err != nil || len(out) != 1 || out[0].Status != app.MutationApplied {
		return fmt.Errorf("push a tag: %+v, %w", out, err)
	}
	return nil
}

// testShotRefusedForSweptImage runs the scenario; again sweeps the image a second time
// between its new upload and its row's push.
func testShotRefusedForSweptImage(t *testing.T, srv *shotServer, again bool) {
	ctx := context.Background()
	now := time.Now().UTC()
	clock := srv.clocked(now)
	member := srv.device(t, memberEmail, "laptop")
	srv.purge(t) // the tenant's first purge: the next is due a day later

	// The image goes up; the push of its row fails (the device goes offline).
	uploaded := false
	srv.fail = func(r *http.Request) bool {
		if strings.HasPrefix(r.URL.Path, "/v1/screenshot-files/") {
			uploaded = true
			return false
		}
		return uploaded && r.URL.Path == "/v1/sync/push"
	}
	_, shot := member.shoot(now.Truncate(10*time.Minute).Add(-3*time.Hour), 40)
	if _, err := member.svc.SyncRound(ctx, member.remote(), nil); err == nil || !uploaded {
		t.Fatalf("the round with its row's push failing: uploaded %v, err %v", uploaded, err)
	}
	if !srv.imageKept(t, srv.owner.TenantID, shot.Hash) {
		t.Fatal("the image did not go up")
	}

	// A day and more later the server sweeps the image no row names.
	clock.Advance(sweepAge)
	srv.purge(t)
	if srv.imageKept(t, srv.owner.TenantID, shot.Hash) {
		t.Fatal("the server kept an image no row named for more than a day")
	}

	// Back online: the row is refused, the image goes up again, the row follows in the
	// same round.
	srv.fail = nil
	if again {
		reuploaded := false
		srv.fail = func(r *http.Request) bool {
			if strings.HasPrefix(r.URL.Path, "/v1/screenshot-files/") {
				reuploaded = true
			} else if reuploaded && r.URL.Path == "/v1/sync/push" {
				reuploaded = false
				clock.Advance(sweepAge)
				if err := srv.pushTag(); err != nil {
					t.Error(err)
				}
			}
			return false
		}
	}
	if rep := member.sync(); rep.ImagesUploaded != 1 {
		t.Fatalf("the round uploaded %d images, want the refused row's again", rep.ImagesUploaded)
	}
	if again {
		rs := member.status().Rejections
		if len(rs) != 1 || rs[0].EntityID != shot.ID || rs[0].Reason != app.RejectInvalid {
			t.Fatalf("a second refusal after the new upload: rejections %+v, want the screenshot's", rs)
		}
		if rep := member.sync(); rep.ImagesUploaded != 0 || rep.Pushed != 0 {
			t.Fatalf("after the second refusal the device went on: %+v", rep)
		}
		return
	}
	got, err := srv.svc.Screenshot(ctx, srv.owner, shot.ID)
	if err != nil {
		t.Fatalf("the screenshot did not reach the server: %v", err)
	}
	if got.Hash != shot.Hash {
		t.Fatalf("the server's screenshot names image %s, want %s", got.Hash, shot.Hash)
	}
	if !srv.imageKept(t, srv.owner.TenantID, shot.Hash) {
		t.Fatal("the server holds the row without its image")
	}
	if rs := member.status().Rejections; len(rs) != 0 {
		t.Fatalf("the user sees rejections for a refusal that healed itself: %+v", rs)
	}
	if st := member.status(); st.ImagesPending != 0 || st.Pending != 0 {
		t.Fatalf("after the round: %d images and %d changes wait, want none", st.ImagesPending, st.Pending)
	}
	if _, err := member.svc.Screenshot(ctx, member.actor, shot.ID); err != nil {
		t.Fatalf("the device lost its screenshot: %v", err)
	}
}

// sweepAge is how far the server's clock goes between the upload and the sweep:
// past the grace.
const sweepAge = app.ScreenshotImageGrace + time.Hour

package sync_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
)

// A user's own row syncs (app/syncuser.go): the time zone a member sets in Settings on a
// connected desktop reaches the server, which cuts their days in it, and their other
// devices; a device pushes only its own user, and only what PATCH /v1/me changes.

// userTeam is a team server on st with an owner and a member, Bo, and two devices of Bo's.
type userTeam struct {
	srv          *app.Service
	base         string
	owner, bo    app.Actor
	bo1, bo2     *device
	ownerUserRow app.User
}

func newUserTeam(t *testing.T, st app.Store) *userTeam {
	t.Helper()
	ctx := context.Background()
	srv, base := serveStore(t, st)
	sess, err := srv.Signup(ctx, app.SignupInput{Email: ownerEmail, Password: ownerPassword, Name: "Ada",
		Organization: "Team", Timezone: "Europe/Berlin"})
	if err != nil {
		t.Fatal(err)
	}
	ut := &userTeam{srv: srv, base: base, ownerUserRow: sess.User}
	if ut.owner, err = srv.Authenticate(ctx, sess.Token, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.AddMember(ctx, ut.owner, app.MemberInput{Email: memberEmail, Name: "Bo", Role: app.RoleMember, Password: ownerPassword}); err != nil {
		t.Fatal(err)
	}
	ut.bo1 = loginDevice(t, base, "bo1", memberEmail)
	ut.bo2 = loginDevice(t, base, "bo2", memberEmail)
	ut.bo = ut.bo1.actor
	ut.bo.Role = app.RoleMember
	return ut
}

// zoneOf is the user's own zone as svc holds the row.
func zoneOf(t *testing.T, svc *app.Service, a app.Actor, user uuid.UUID) string {
	t.Helper()
	var tz string
	err := svc.Store().Read(context.Background(), func(tx app.Tx) error {
		u, err := tx.Users().Get(context.Background(), app.Scope{TenantID: a.TenantID}, user)
		tz = u.Timezone
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tz
}

// meZone is the zone GET /v1/me answers the device's user on the server.
func meZone(t *testing.T, d *device) string {
	t.Helper()
	tok, err := app.RemoteTokenFile(d.dir).RemoteToken()
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodGet, d.url+"/v1/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var me app.Me
	if err := json.NewDecoder(res.Body).Decode(&me); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /v1/me: %d, %v", res.StatusCode, err)
	}
	return me.User.Timezone
}

// TestOwnZoneSyncs: Bo sets their zone to Tokyo offline on one desktop and syncs. The
// server's GET /v1/me answers it, the server's report cuts Bo's days in it (an entry at
// 20:00 UTC on the 10th is on the 11th in Tokyo, the 10th in Berlin), and Bo's other
// desktop pulls it. Neither device shows a rejection.
func TestOwnZoneSyncs(t *testing.T) {
	for _, tc := range teamStores {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			ut := newUserTeam(t, tc.store(t))
			from := time.Date(2026, 11, 10, 20, 0, 0, 0, time.UTC)
			to := from.Add(30 * time.Minute)
			if _, err := ut.srv.CreateTimeEntry(ctx, ut.bo, app.TimeEntryInput{Description: "late call", StartedAt: from, StoppedAt: &to}); err != nil {
				t.Fatal(err)
			}
			day11 := func() int64 {
				t.Helper()
				r, err := ut.srv.Report(ctx, ut.bo, app.ReportQuery{From: "2026-11-11", To: "2026-11-11"})
				if err != nil {
					t.Fatal(err)
				}
				return r.TotalSeconds
			}
			if got := day11(); got != 0 {
				t.Fatalf("before: the 11th holds %d s of Bo's time in Berlin, want 0", got)
			}

			if _, err := ut.bo1.svc.SetMyTimezone(ctx, ut.bo1.actor, "Asia/Tokyo"); err != nil {
				t.Fatal(err)
			}
			if rep := ut.bo1.sync(); rep.Rejected != 0 || rep.Pending != 0 {
				t.Fatalf("Bo's round = %+v, want the zone taken (status %+v)", rep, ut.bo1.status())
			}
			if got := meZone(t, ut.bo1); got != "Asia/Tokyo" {
				t.Fatalf("server: GET /v1/me answers zone %q, want Asia/Tokyo", got)
			}
			if got := day11(); got != 1800 {
				t.Fatalf("server: the 11th holds %d s of Bo's time, want 1800 (the entry, cut in Tokyo)", got)
			}
			ut.bo2.sync()
			for name, d := range map[string]*device{"the desktop that set it": ut.bo1, "Bo's other desktop": ut.bo2} {
				if _, tz, err := d.svc.UserZone(ctx, d.actor); err != nil || tz != "Asia/Tokyo" {
					t.Errorf("%s: zone %q, %v; want Asia/Tokyo", name, tz, err)
				}
				if rs := d.status().Rejections; len(rs) != 0 {
					t.Errorf("%s: rejections %+v", name, rs)
				}
			}
		})
	}
}

// TestOwnZoneLastWriterWins: Bo sets New York on one desktop and syncs; the other
// desktop, whose clock is an hour behind, sets Tokyo while a round runs, after its push
// and before its pull, so Tokyo is the older edit and the pull passes New York's row by
// (the change is pending). Its next push loses (in the conflict log), and still both
// desktops end up with New York: the server writes the row again, so the pull brings
// the zone back.
func TestOwnZoneLastWriterWins(t *testing.T) {
	ctx := context.Background()
	ut := newUserTeam(t, teamStores[0].store(t))
	behind := loginDeviceWith(t, ut.base, "bo3", memberEmail, skewedClock(-time.Hour))
	if _, err := ut.bo2.svc.SetMyTimezone(ctx, ut.bo2.actor, "America/New_York"); err != nil {
		t.Fatal(err)
	}
	ut.bo2.sync()
	r := &midRound{SyncRemote: behind.remote(), before: func() {
		if _, err := behind.svc.SetMyTimezone(ctx, behind.actor, "Asia/Tokyo"); err != nil {
			t.Error(err)
		}
	}}
	if _, err := behind.svc.SyncRound(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	if rep := behind.sync(); rep.Rejected != 0 || rep.Pending != 0 {
		t.Fatalf("round of the older edit = %+v", rep)
	}
	ut.bo2.sync()
	for name, got := range map[string]string{"server": zoneOf(t, ut.srv, ut.owner, ut.bo.UserID),
		"the desktop behind": zoneOf(t, behind.svc, ut.bo, ut.bo.UserID), "the other desktop": zoneOf(t, ut.bo2.svc, ut.bo, ut.bo.UserID)} {
		if got != "America/New_York" {
			t.Errorf("%s: zone %q, want America/New_York (the later edit)", name, got)
		}
	}
	cs, err := ut.srv.SyncConflicts(ctx, ut.bo, app.EntityUser, ut.bo.UserID)
	if err != nil || len(cs) != 1 || cs[0].Field != "timezone" || string(cs[0].Lost) != `"Asia/Tokyo"` {
		t.Fatalf("conflict log = %+v, %v; want Tokyo's loss", cs, err)
	}
}

// skewedClock is the wall clock moved by a duration.
type skewedClock time.Duration

func (c skewedClock) Now() time.Time { return time.Now().UTC().Add(time.Duration(c)) }

// loginDeviceWith is loginDevice on a device whose clock is clock.
func loginDeviceWith(t *testing.T, base, node, email string, clock app.Clock) *device {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := &device{t: t, svc: app.New(st, app.Options{Hasher: fastHasher, NodeID: node, Clock: clock}), dir: dir, url: base}
	sess, err := stintsync.Login(ctx, nil, base, email, ownerPassword, uuid.Nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.svc.ConnectRemote(ctx, app.RemoteTokenFile(dir), base, sess); err != nil {
		t.Fatal(err)
	}
	d.sync()
	if d.actor, err = d.svc.LocalActor(ctx); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestOwnZoneSurvivesAnOlderPull: Bo's zone set on the device is not undone by a pull of
// the server's row from before it, also when that row changed meanwhile in another field
// (its name, written on the server): the zone is set while a round runs, after its push
// and before its pull. After the next push both changes stand, on the server and on the
// device.
func TestOwnZoneSurvivesAnOlderPull(t *testing.T) {
	ctx := context.Background()
	ut := newUserTeam(t, teamStores[0].store(t))
	// The server's row changes in another field.
	hlc := app.NewHLC(app.SystemClock{}, "admin")
	err := ut.srv.Store().Write(ctx, func(tx app.Tx) error {
		sc := app.Scope{TenantID: ut.bo.TenantID}
		u, err := tx.Users().Get(ctx, sc, ut.bo.UserID)
		if err != nil {
			return err
		}
		prev := u.Version
		u.Name, u.Version, u.UpdatedAt, u.HLC = "Bo Brown", u.Version+1, time.Now().UTC(), hlc.NowAfter(u.HLC)
		return tx.Users().Update(ctx, sc, u, prev)
	})
	if err != nil {
		t.Fatal(err)
	}
	r := &midRound{SyncRemote: ut.bo1.remote(), before: func() {
		if _, err := ut.bo1.svc.SetMyTimezone(ctx, ut.bo1.actor, "Asia/Tokyo"); err != nil {
			t.Error(err)
		}
	}}
	if _, err := ut.bo1.svc.SyncRound(ctx, r, nil); err != nil {
		t.Fatal(err)
	}
	if got := zoneOf(t, ut.bo1.svc, ut.bo, ut.bo.UserID); got != "Asia/Tokyo" {
		t.Fatalf("after a pull of the older row the device's zone is %q, want Asia/Tokyo", got)
	}
	ut.bo1.sync()
	for name, svc := range map[string]*app.Service{"server": ut.srv, "device": ut.bo1.svc} {
		var u app.User
		err := svc.Store().Read(ctx, func(tx app.Tx) error {
			var err error
			u, err = tx.Users().Get(ctx, app.Scope{TenantID: ut.bo.TenantID}, ut.bo.UserID)
			return err
		})
		if err != nil || u.Timezone != "Asia/Tokyo" || u.Name != "Bo Brown" {
			t.Errorf("%s: user %q in %q, %v; want Bo Brown in Asia/Tokyo", name, u.Name, u.Timezone, err)
		}
	}
}

// TestAnotherUsersRowIsRefused: a device that pushes another user's row (the owner's zone,
// changed in Bo's device's store) has it refused as forbidden; the server keeps the
// owner's zone and Bo's device takes the server's row back. A forged push straight to the
// server is refused the same way, and never takes the e-mail or name it carries.
func TestAnotherUsersRowIsRefused(t *testing.T) {
	for _, tc := range teamStores {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			ut := newUserTeam(t, tc.store(t))
			ownerID := ut.owner.UserID
			d := ut.bo1
			err := d.svc.Store().Write(ctx, func(tx app.Tx) error {
				sc := app.Scope{TenantID: ut.bo.TenantID}
				u, err := tx.Users().Get(ctx, sc, ownerID)
				if err != nil {
					return err
				}
				prev := u.Version
				u.Timezone, u.Version = "Asia/Tokyo", u.Version+1
				u.HLC = app.NewHLC(app.SystemClock{}, "bo1").NowAfter(u.HLC)
				if err := tx.Users().Update(ctx, sc, u, prev); err != nil {
					return err
				}
				return tx.Changes().Append(ctx, sc, app.Change{ID: app.NewID(), TenantID: sc.TenantID, Entity: app.EntityUser,
					EntityID: ownerID, Op: app.OpUpsert, Version: u.Version, HLC: u.HLC, At: time.Now(), Fields: app.FieldStamps{"timezone": u.HLC}})
			})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := d.svc.SyncRound(ctx, pushOnly{d.remote()}, nil)
			if err != nil || rep.Rejected != 1 {
				t.Fatalf("round = %+v, %v; want the owner's row refused", rep, err)
			}
			rs := d.status().Rejections
			if len(rs) != 1 || rs[0].Entity != app.EntityUser || rs[0].Reason != app.RejectForbidden || rs[0].Outcome != app.RejectionReverted {
				t.Fatalf("rejections = %+v, want the owner's row, forbidden, reverted", rs)
			}
			if got := zoneOf(t, d.svc, ut.bo, ownerID); got != ut.ownerUserRow.Timezone {
				t.Fatalf("Bo's device holds the owner's zone %q after the refusal, want the server's %q", got, ut.ownerUserRow.Timezone)
			}

			// Straight to the server, with another e-mail and name besides.
			row, _ := json.Marshal(map[string]any{"id": ownerID, "email": "evil@example.com", "name": "Evil", "timezone": "Asia/Tokyo"})
			out, err := d.remote().Push(ctx, app.PushBatch{Protocol: app.SyncProtocol, Mutations: []app.Mutation{{ID: app.NewID(),
				DeviceSeq: 1000, HLC: app.NewHLC(app.SystemClock{}, "forger").Now(), Entity: app.EntityUser, EntityID: ownerID, Op: app.OpUpsert, Row: row}}})
			if err != nil || len(out) != 1 || out[0].Status != app.MutationRejected || out[0].Reason != app.RejectForbidden {
				t.Fatalf("forged push of the owner's row = %+v, %v; want rejected, forbidden", out, err)
			}
			// Bo's own row with another e-mail and name: only the zone is taken.
			row, _ = json.Marshal(map[string]any{"id": ut.bo.UserID, "email": "evil@example.com", "name": "Evil", "timezone": "Asia/Tokyo"})
			out, err = d.remote().Push(ctx, app.PushBatch{Protocol: app.SyncProtocol, Mutations: []app.Mutation{{ID: app.NewID(),
				DeviceSeq: 1001, HLC: app.NewHLC(app.SystemClock{}, "forger").Now(), Entity: app.EntityUser, EntityID: ut.bo.UserID, Op: app.OpUpsert, Row: row}}})
			if err != nil || len(out) != 1 || out[0].Status != app.MutationApplied {
				t.Fatalf("push of Bo's own row = %+v, %v; want applied", out, err)
			}
			// Nor is a user removed by a push.
			out, err = d.remote().Push(ctx, app.PushBatch{Protocol: app.SyncProtocol, Mutations: []app.Mutation{{ID: app.NewID(),
				DeviceSeq: 1002, HLC: app.NewHLC(app.SystemClock{}, "forger").Now(), Entity: app.EntityUser, EntityID: ut.bo.UserID, Op: app.OpDelete}}})
			if err != nil || len(out) != 1 || out[0].Status != app.MutationRejected || out[0].Reason != app.RejectConflict {
				t.Fatalf("push of Bo's row's delete = %+v, %v; want rejected, conflict", out, err)
			}
			for _, who := range []app.Actor{ut.owner, ut.bo} {
				u, err := ut.srv.Member(ctx, ut.owner, who.UserID)
				if err != nil {
					t.Fatal(err)
				}
				if u.Email == "evil@example.com" || u.Name == "Evil" || u.DeletedAt != nil {
					t.Errorf("server: member %+v took what a device pushed", u)
				}
			}
			if got := zoneOf(t, ut.srv, ut.owner, ownerID); got != ut.ownerUserRow.Timezone {
				t.Errorf("server: the owner's zone is %q, want %q", got, ut.ownerUserRow.Timezone)
			}
			if got := zoneOf(t, ut.srv, ut.owner, ut.bo.UserID); got != "Asia/Tokyo" {
				t.Errorf("server: Bo's zone is %q, want Asia/Tokyo", got)
			}
		})
	}
}

// TestQueuedUserChangesAfterUpgrade: what a device queued before users synced still
// works. A zone change sits in the outbox as the older build wrote it (no field list):
// it goes up and is taken. A device still on the older build sends its user's row as
// only its id: it is refused as invalid, as it was, and the zone is not cleared.
func TestQueuedUserChangesAfterUpgrade(t *testing.T) {
	ctx := context.Background()
	ut := newUserTeam(t, teamStores[0].store(t))
	d := ut.bo1
	if _, err := d.svc.SetMyTimezone(ctx, d.actor, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	// The older build's change-log row: the same change without its fields.
	err := d.svc.Store().Write(ctx, func(tx app.Tx) error {
		sc := app.Scope{TenantID: ut.bo.TenantID}
		cs, err := tx.Changes().After(ctx, sc, 0, 10)
		if err != nil {
			return err
		}
		if len(cs) != 1 || cs[0].Entity != app.EntityUser || cs[0].Fields == nil {
			return errors.New("want one change of the user, with its fields")
		}
		c := cs[0]
		if _, err := tx.Changes().Acknowledge(ctx, sc, c.Seq); err != nil {
			return err
		}
		c.Fields = nil
		return tx.Changes().Append(ctx, sc, c)
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep := d.sync(); rep.Rejected != 0 || rep.Pending != 0 {
		t.Fatalf("round = %+v (status %+v), want the queued change taken", rep, d.status())
	}
	if got := meZone(t, d); got != "Asia/Tokyo" {
		t.Fatalf("server zone %q, want Asia/Tokyo", got)
	}

	// The older build's push of the user: the id alone.
	row, _ := json.Marshal(map[string]any{"id": ut.bo.UserID})
	out, err := d.remote().Push(ctx, app.PushBatch{Protocol: app.SyncProtocol, Mutations: []app.Mutation{{ID: app.NewID(),
		DeviceSeq: 1000, HLC: app.NewHLC(app.SystemClock{}, "older").Now(), Entity: app.EntityUser, EntityID: ut.bo.UserID, Op: app.OpUpsert, Row: row}}})
	if err != nil || len(out) != 1 || out[0].Status != app.MutationRejected || out[0].Reason != app.RejectInvalid {
		t.Fatalf("older build's push = %+v, %v; want rejected, invalid", out, err)
	}
	if got := meZone(t, d); got != "Asia/Tokyo" {
		t.Fatalf("server zone %q after the older build's push, want Asia/Tokyo", got)
	}
}

// TestPublishCarriesTheOwnersZone: an owner who set their own zone offline publishes the
// workspace: the server's user has it. A zone set again while the publish was under way
// goes up after it, and the owner's second device gets it.
func TestPublishCarriesTheOwnersZone(t *testing.T) {
	ctx := context.Background()
	srv, base := serveStore(t, teamStores[0].store(t))
	a := localDevice(t, "Ada", "Ada's work", base)
	if _, err := a.svc.SetMyTimezone(ctx, a.actor, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	in, err := a.svc.PublishRequest(ctx, ownerEmail, ownerPassword)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := stintsync.Publish(ctx, nil, base, in)
	if err != nil {
		t.Fatal(err)
	}
	if sess.User.Timezone != "Asia/Tokyo" {
		t.Fatalf("the publish's answer has the owner in %q, want Asia/Tokyo", sess.User.Timezone)
	}
	// Set again while the publish was under way.
	if _, err := a.svc.SetMyTimezone(ctx, a.actor, "America/New_York"); err != nil {
		t.Fatal(err)
	}
	plan, err := a.svc.PlanConnect(ctx, sess, app.ConnectPublish, app.TeamCatalog{})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.svc.ConnectWorkspace(ctx, app.RemoteTokenFile(a.dir), base, sess, plan); err != nil {
		t.Fatal(err)
	}
	if rep := a.sync(); rep.Rejected != 0 || rep.Pending != 0 {
		t.Fatalf("first round = %+v (status %+v)", rep, a.status())
	}
	owner, err := srv.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := loginDevice(t, base, "Ada2", ownerEmail)
	for name, got := range map[string]string{"server": zoneOf(t, srv, owner, owner.UserID),
		"publishing device": zoneOf(t, a.svc, owner, owner.UserID), "second device": zoneOf(t, b.svc, owner, owner.UserID)} {
		if got != "America/New_York" {
			t.Errorf("%s: the owner's zone is %q, want America/New_York", name, got)
		}
	}
}

// TestZoneRefusedBeforeUpgradeGoesUpAgain: a zone Bo set on a desktop before users synced
// was refused by the server as an unknown entity and left the outbox; the desktop kept
// it, the server the old one. The upgraded desktop's first round sends it again at the
// stamp of Bo's edit: the server takes it, unless a zone set on the server since is the
// newer, which the desktop then takes.
func TestZoneRefusedBeforeUpgradeGoesUpAgain(t *testing.T) {
	for _, later := range []bool{false, true} {
		name := "alone"
		if later {
			name = "a later zone on the server"
		}
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			ut := newUserTeam(t, teamStores[0].store(t))
			d := ut.bo1
			if _, err := d.svc.SetMyTimezone(ctx, d.actor, "Asia/Tokyo"); err != nil {
				t.Fatal(err)
			}
			// What the older build's round left: the change acknowledged, its refusal kept.
			err := d.svc.Store().Write(ctx, func(tx app.Tx) error {
				sc := app.Scope{TenantID: ut.bo.TenantID}
				cs, err := tx.Changes().After(ctx, sc, 0, 10)
				if err != nil || len(cs) != 1 {
					return errors.Join(err, errors.New("want one change of the user"))
				}
				if _, err := tx.Changes().Acknowledge(ctx, sc, cs[0].Seq); err != nil {
					return err
				}
				b, _ := json.Marshal([]app.SyncRejection{{MutationID: cs[0].ID, Entity: app.EntityUser, EntityID: ut.bo.UserID,
					Op: app.OpUpsert, Reason: app.RejectInvalid, Message: "invalid input: entity: must be one of client, project",
					At: time.Now(), Row: json.RawMessage(`{"id":"` + ut.bo.UserID.String() + `"}`), Outcome: app.RejectionRemoved}})
				if err := tx.Device().Put(ctx, "sync.rejections", string(b)); err != nil {
					return err
				}
				// The older build never looked for such a refusal (this device's rounds
				// with this build have).
				return tx.Device().Delete(ctx, "sync.zone_requeued")
			})
			if err != nil {
				t.Fatal(err)
			}
			want := "Asia/Tokyo"
			if later {
				want = "America/New_York"
				if _, err := ut.srv.SetMyTimezone(ctx, ut.bo, want); err != nil {
					t.Fatal(err)
				}
			}
			if rep := d.sync(); rep.Rejected != 0 || rep.Pending != 0 {
				t.Fatalf("round = %+v (status %+v)", rep, d.status())
			}
			if got := meZone(t, d); got != want {
				t.Fatalf("server zone %q, want %s", got, want)
			}
			if got := zoneOf(t, d.svc, ut.bo, ut.bo.UserID); got != want {
				t.Fatalf("desktop zone %q, want %s", got, want)
			}
			if rep := d.sync(); rep.Pushed != 0 {
				t.Fatalf("a second round pushed %d, want nothing: the refusal goes up once", rep.Pushed)
			}
		})
	}
}

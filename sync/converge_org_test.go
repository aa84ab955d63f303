package sync_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
)

// An organization's own row syncs (app/syncorg.go): a publish carries the settings the
// owner set offline, and an owner's or admin's change on a connected device reaches the
// server and the members' devices; a member's is refused and the device shows the server's.

// teamStores are the server stores the organization scenarios run on.
var teamStores = []struct {
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
}

// loginDevice is a new installation signed in to the server at base as email, after its
// first round.
func loginDevice(t *testing.T, base, node, email string) *device {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := &device{t: t, svc: app.New(st, app.Options{Hasher: fastHasher, NodeID: node}), dir: dir, url: base}
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

// orgOf is the actor's organization as svc holds it.
func orgOf(t *testing.T, svc *app.Service, a app.Actor) app.Organization {
	t.Helper()
	o, err := svc.Organization(context.Background(), a, a.OrgID)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// sameOrg fails unless o has the name, zone and activity settings of want.
func sameOrg(t *testing.T, what string, o, want app.Organization) {
	t.Helper()
	if o.Name != want.Name || o.Timezone != want.Timezone || o.Activity != want.Activity {
		t.Fatalf("%s: organization %q %s %+v, want %q %s %+v", what, o.Name, o.Timezone, o.Activity, want.Name, want.Timezone, want.Activity)
	}
}

// TestPublishCarriesTheOrganization: a workspace whose owner turned screenshots (every 3
// minutes, at a random moment) and window titles on, and renamed it, before publishing it,
// is the same organization on the server and on a second device of the owner, not one
// with the defaults; a setting changed while the publish was under way follows it.
func TestPublishCarriesTheOrganization(t *testing.T) {
	for _, tc := range teamStores {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			srv, base := serveStore(t, tc.store(t))
			a := localDevice(t, "Ada", "Ada's work", base)
			name, three, on := "Ada & Co", 3, true
			if _, err := a.svc.UpdateOrganization(ctx, a.actor, a.actor.OrgID, app.OrganizationPatch{Name: &name,
				Activity: app.ActivitySettingsPatch{Screenshots: &on, ScreenshotMinutes: &three, ScreenshotRandom: &on, WindowTitles: &on}}, 0); err != nil {
				t.Fatal(err)
			}
			a.entry(2, 9, "ada", nil, nil)
			want := orgOf(t, a.svc, a.actor)
			in, err := a.svc.PublishRequest(ctx, "ada@example.com", ownerPassword)
			if err != nil {
				t.Fatal(err)
			}
			sess, err := stintsync.Publish(ctx, nil, base, in)
			if err != nil {
				t.Fatal(err)
			}
			sameOrg(t, "the publish's answer", sess.Organization, want)
			// Window titles turned off again while the publish was under way: the
			// change goes up after it.
			off := false
			if _, err := a.svc.UpdateOrganization(ctx, a.actor, a.actor.OrgID, app.OrganizationPatch{
				Activity: app.ActivitySettingsPatch{WindowTitles: &off}}, 0); err != nil {
				t.Fatal(err)
			}
			want = orgOf(t, a.svc, a.actor)
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
			sameOrg(t, "server", orgOf(t, srv, owner), want)
			sameOrg(t, "publishing device after its round", orgOf(t, a.svc, a.actor), want)
			b := loginDevice(t, base, "Ada2", "ada@example.com")
			sameOrg(t, "the owner's second device", orgOf(t, b.svc, b.actor), want)
			if got, err := b.svc.OrganizationActivity(ctx, b.actor); err != nil || !got.Screenshots || got.ScreenshotInterval() != 3*60e9 {
				t.Fatalf("the second device's timer follows %+v, %v; want screenshots every 3 minutes", got, err)
			}
		})
	}
}

// TestOrganizationChangesSync: the owner's device turns screenshots on and renames the
// organization; the server and a member's device get both. A member's own try is refused
// on the device at once. A device whose user was an admin when it changed the settings
// offline, and a member by the time it pushes, has the change refused with a reason it
// keeps, and shows the server's settings again before any pull.
func TestOrganizationChangesSync(t *testing.T) {
	for _, tc := range teamStores {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			srv, base := serveStore(t, tc.store(t))
			sess, err := srv.Signup(ctx, app.SignupInput{Email: ownerEmail, Password: ownerPassword, Name: "Ada",
				Organization: "Team", Timezone: "Europe/Berlin"})
			if err != nil {
				t.Fatal(err)
			}
			owner, err := srv.Authenticate(ctx, sess.Token, nil)
			if err != nil {
				t.Fatal(err)
			}
			m, err := srv.AddMember(ctx, owner, app.MemberInput{Email: memberEmail, Name: "Bo", Role: app.RoleMember, Password: ownerPassword})
			if err != nil {
				t.Fatal(err)
			}
			a := loginDevice(t, base, "deviceA", ownerEmail)
			bo := loginDevice(t, base, "memberB", memberEmail)

			on, five, name := true, 5, "Team Rocket"
			if _, err := a.svc.UpdateOrganization(ctx, a.actor, a.actor.OrgID, app.OrganizationPatch{Name: &name,
				Activity: app.ActivitySettingsPatch{Screenshots: &on, ScreenshotMinutes: &five}}, 0); err != nil {
				t.Fatal(err)
			}
			want := orgOf(t, a.svc, a.actor)
			if rep := a.sync(); rep.Rejected != 0 || rep.Pending != 0 {
				t.Fatalf("owner's round = %+v, want the change taken (status %+v)", rep, a.status())
			}
			sameOrg(t, "server", orgOf(t, srv, owner), want)
			sameOrg(t, "owner's device after the pull", orgOf(t, a.svc, a.actor), want)
			bo.sync()
			sameOrg(t, "member's device", orgOf(t, bo.svc, bo.actor), want)

			// The member's device refuses the member's change itself.
			off := false
			if _, err := bo.svc.UpdateOrganization(ctx, bo.actor, bo.actor.OrgID, app.OrganizationPatch{
				Activity: app.ActivitySettingsPatch{Screenshots: &off}}, 0); !errors.Is(err, app.ErrForbidden) {
				t.Fatalf("a member turning screenshots off on their device: %v, want forbidden", err)
			}

			// Bo is made an admin, turns screenshots off offline, and is a member again
			// by the time the device pushes.
			setRole := func(r app.Role) {
				t.Helper()
				if _, err := srv.UpdateMember(ctx, owner, m.UserID, app.MemberPatch{Role: &r}, 0); err != nil {
					t.Fatal(err)
				}
			}
			setRole(app.RoleAdmin)
			bo.sync()
			bo.actor = bo.localActor()
			if _, err := bo.svc.UpdateOrganization(ctx, bo.actor, bo.actor.OrgID, app.OrganizationPatch{
				Activity: app.ActivitySettingsPatch{Screenshots: &off}}, 0); err != nil {
				t.Fatalf("an admin turning screenshots off: %v", err)
			}
			setRole(app.RoleMember)
			rep, err := bo.svc.SyncRound(ctx, pushOnly{bo.remote()}, nil)
			if err != nil || rep.Rejected != 1 {
				t.Fatalf("demoted admin's round = %+v, %v; want the change rejected", rep, err)
			}
			rs := bo.status().Rejections
			if len(rs) != 1 || rs[0].Entity != app.EntityOrganization || rs[0].Reason != app.RejectForbidden || rs[0].Outcome != app.RejectionReverted {
				t.Fatalf("rejections = %+v, want the organization's, forbidden, reverted", rs)
			}
			sameOrg(t, "member's device after the rejection, before any pull", orgOf(t, bo.svc, bo.actor), want)
			bo.sync()
			bo.actor = bo.localActor()
			sameOrg(t, "member's device after a full round", orgOf(t, bo.svc, bo.actor), want)
			sameOrg(t, "server after the refused change", orgOf(t, srv, owner), want)
			if bo.status().Pending != 0 {
				t.Fatal("the refused change went back into the outbox")
			}
		})
	}
}

// TestOrganizationFieldsLastWriterWins: two devices of the owner change the organization
// offline: A turns screenshots on and picks 5 minutes, then B turns window titles on and
// picks 3 minutes. Each setting is a field of its own under last writer wins by HLC: both
// switches are kept whatever order the devices push in, and the interval is B's, the later
// edit, though A pushes last.
func TestOrganizationFieldsLastWriterWins(t *testing.T) {
	ctx := context.Background()
	tm := newTeam(t)
	a := newDevice(t, tm, "deviceA")
	b := newDevice(t, tm, "deviceB")
	on, five, three := true, 5, 3
	if _, err := a.svc.UpdateOrganization(ctx, a.actor, a.actor.OrgID, app.OrganizationPatch{
		Activity: app.ActivitySettingsPatch{Screenshots: &on, ScreenshotMinutes: &five}}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.UpdateOrganization(ctx, b.actor, b.actor.OrgID, app.OrganizationPatch{
		Activity: app.ActivitySettingsPatch{WindowTitles: &on, ScreenshotMinutes: &three}}, 0); err != nil {
		t.Fatal(err)
	}
	b.sync()
	a.sync()
	b.sync()
	want := app.ActivitySettings{Screenshots: true, ScreenshotMinutes: 3, WindowTitles: true}
	for name, got := range map[string]app.Organization{"server": orgOf(t, tm.svc, tm.owner), "A": orgOf(t, a.svc, a.actor),
		"B": orgOf(t, b.svc, b.actor)} {
		if got.Activity != want {
			t.Errorf("%s: activity settings %+v, want %+v", name, got.Activity, want)
		}
	}
}

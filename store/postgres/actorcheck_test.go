package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
)

// TestCreateChecksActorWithWrites: a create assumes the actor's role as authenticated and
// the user's time zone as last read, and checks them with its writes
// (app.Service.writeAssuming, memberships.CheckActorLater). What another instance changed
// in between decides the create as if it had been read first: the new zone is the entry's,
// a removed member or a demoted admin is refused as before, a promoted member still
// creates, and a refused check commits nothing, so each create leaves one entry and one
// audit row or none. Each row has a tenant of its own; "other" is a second instance on the
// same database whose changes the first instance's caches do not see.
func TestCreateChecksActorWithWrites(t *testing.T) {
	db := newDB(t)
	dsn := db.setup(t)
	ctx := context.Background()
	clock := app.NewFixedClock(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	instance := func() *app.Service {
		st, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return app.New(st, app.Options{Clock: clock, Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	}
	one, other := instance(), instance()
	admin := db.adminConn(t)
	start := time.Date(2025, 2, 1, 9, 0, 0, 0, time.UTC)

	// people signs up an owner and adds a member with role, both on one; it returns the
	// owner's actor on other and the member's actor on one, each as authenticated then.
	people := func(t *testing.T, role app.Role) (ownerOnOther, member app.Actor) {
		t.Helper()
		email := uuid.NewString()[:8] + "@example.com"
		sess, err := one.Signup(ctx, app.SignupInput{Email: email, Password: "owner password",
			Name: "Owner", Organization: "Org", Timezone: "Europe/Berlin"})
		if err != nil {
			t.Fatal(err)
		}
		if ownerOnOther, err = other.Authenticate(ctx, sess.Token, nil); err != nil {
			t.Fatal(err)
		}
		oa, err := one.Authenticate(ctx, sess.Token, nil)
		if err != nil {
			t.Fatal(err)
		}
		memberEmail := "m" + email
		if _, err := one.AddMember(ctx, oa, app.MemberInput{Email: memberEmail, Name: "Member", Password: "member password", Role: role}); err != nil {
			t.Fatal(err)
		}
		ms, err := one.Login(ctx, app.LoginInput{Email: memberEmail, Password: "member password"})
		if err != nil {
			t.Fatal(err)
		}
		if member, err = one.Authenticate(ctx, ms.Token, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.Exec(ctx, `UPDATE stint.users SET timezone = 'Europe/Berlin' WHERE id = $1`, member.UserID); err != nil {
			t.Fatal(err)
		}
		return ownerOnOther, member
	}
	// create makes an entry on one as a, the i-th of the row, for user (nil: a's own).
	create := func(a app.Actor, i int, user *uuid.UUID) (app.TimeEntry, error) {
		from := start.Add(time.Duration(i) * time.Hour)
		to := from.Add(30 * time.Minute)
		return one.CreateTimeEntry(ctx, a, app.TimeEntryInput{UserID: user, Description: fmt.Sprintf("entry %d", i),
			StartedAt: from, StoppedAt: &to})
	}
	setRole := func(t *testing.T, owner app.Actor, user uuid.UUID, role app.Role) {
		t.Helper()
		if _, err := other.UpdateMember(ctx, owner, user, app.MemberPatch{Role: &role}, 0); err != nil {
			t.Fatal(err)
		}
	}

	for _, tc := range []struct {
		name    string
		role    app.Role
		change  func(t *testing.T, owner, member app.Actor)
		forUser bool // the second create logs time for the owner
		wantErr error
		wantTZ  string
	}{
		{name: "nothing changed", role: app.RoleMember,
			change: func(*testing.T, app.Actor, app.Actor) {}, wantTZ: "Europe/Berlin"},
		{name: "time zone changed", role: app.RoleMember, change: func(t *testing.T, _, member app.Actor) {
			if _, err := admin.Exec(ctx, `UPDATE stint.users SET timezone = 'Asia/Tokyo' WHERE id = $1`, member.UserID); err != nil {
				t.Fatal(err)
			}
		}, wantTZ: "Asia/Tokyo"},
		{name: "time zone cleared", role: app.RoleMember, change: func(t *testing.T, _, member app.Actor) {
			if _, err := admin.Exec(ctx, `UPDATE stint.users SET timezone = '' WHERE id = $1`, member.UserID); err != nil {
				t.Fatal(err)
			}
			if _, err := admin.Exec(ctx, `UPDATE stint.organizations SET timezone = 'America/New_York' WHERE id = $1`, member.OrgID); err != nil {
				t.Fatal(err)
			}
		}, wantTZ: "America/New_York"}, // the organization's
		{name: "member removed", role: app.RoleMember, change: func(t *testing.T, owner, member app.Actor) {
			if err := other.RemoveMember(ctx, owner, member.UserID, 0); err != nil {
				t.Fatal(err)
			}
		}, wantErr: app.ErrNotFound},
		{name: "member promoted", role: app.RoleMember, change: func(t *testing.T, owner, member app.Actor) {
			setRole(t, owner, member.UserID, app.RoleAdmin)
		}, wantTZ: "Europe/Berlin"},
		{name: "admin demoted, logging another's time", role: app.RoleAdmin, forUser: true,
			change:  func(t *testing.T, owner, member app.Actor) { setRole(t, owner, member.UserID, app.RoleMember) },
			wantErr: app.ErrNotFound}, // a member sees no one else's entries
		{name: "admin kept, logging another's time", role: app.RoleAdmin, forUser: true,
			change: func(*testing.T, app.Actor, app.Actor) {}, wantTZ: "Europe/Berlin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			owner, member := people(t, tc.role)
			// The first create reads the member's zone, which the service then assumes.
			if e, err := create(member, 0, nil); err != nil || e.Timezone != "Europe/Berlin" {
				t.Fatalf("first create: %v, zone %q; want Europe/Berlin", err, e.Timezone)
			}
			tc.change(t, owner, member)
			var user *uuid.UUID
			if tc.forUser {
				user = &owner.UserID
			}
			e, err := create(member, 1, user)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("create after the change: %v, want %v", err, tc.wantErr)
				}
			} else {
				if err != nil {
					t.Fatalf("create after the change: %v", err)
				}
				if e.Timezone != tc.wantTZ {
					t.Errorf("zone %q, want %q", e.Timezone, tc.wantTZ)
				}
			}
			var entries, audits int
			var zone string
			if err := admin.QueryRow(ctx, `SELECT count(*), coalesce(min(timezone), '') FROM stint.time_entries
				WHERE tenant_id = $1 AND description = 'entry 1'`, member.TenantID).Scan(&entries, &zone); err != nil {
				t.Fatal(err)
			}
			if err := admin.QueryRow(ctx, `SELECT count(*) FROM stint.audit_log a JOIN stint.time_entries e ON e.id = a.entity_id
				WHERE a.tenant_id = $1 AND e.description = 'entry 1'`, member.TenantID).Scan(&audits); err != nil {
				t.Fatal(err)
			}
			want := 1
			if tc.wantErr != nil {
				want = 0
			}
			if entries != want || audits != want {
				t.Errorf("%d entries and %d audit rows stored, want %d of each", entries, audits, want)
			}
			if want == 1 && zone != tc.wantTZ {
				t.Errorf("stored zone %q, want %q", zone, tc.wantTZ)
			}
		})
	}
}

package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// TestForeignKeysRefuse: the rows an entry's create writes still cannot name what is not
// there, and now not another tenant's organization or user either (migration 0018 names
// them with the tenant). A refusal is ErrNotFound, as a scoped lookup of the missing row
// answers (the server's 404 problem+json), never an unmapped error (a 500), whether the
// entry's insert ran alone (a running entry) or went out with the commit (a stopped one).
func TestForeignKeysRefuse(t *testing.T) {
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	signup := func(email string) app.Session {
		s, err := svc.Signup(ctx, app.SignupInput{Email: email, Password: "a password of length", Name: "N",
			Organization: "O", Timezone: "UTC"})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := signup("a@example.com"), signup("b@example.com")
	sc := app.Scope{TenantID: a.Tenant.ID, OrgID: a.Organization.ID}
	start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	entry := func(user, org, tenant *app.Session, stopped bool) app.TimeEntry {
		e := app.TimeEntry{ID: app.NewID(), TenantID: tenant.Tenant.ID, OrganizationID: org.Organization.ID,
			UserID: user.User.ID, StartedAt: start, Timezone: "UTC", Source: app.SourceManual, TagIDs: []uuid.UUID{},
			Meta: app.Meta{Version: 1, HLC: "000000000000001-0000000000-n", CreatedAt: start, UpdatedAt: start}}
		if stopped {
			stop := start.Add(time.Hour)
			e.StoppedAt = &stop
		}
		return e
	}
	missing := app.Session{User: app.User{ID: app.NewID()}}
	for _, c := range []struct {
		name string
		e    app.TimeEntry
		want error // nil: accepted
	}{
		{"own user, stopped", entry(&a, &a, &a, true), nil},
		{"another tenant's user, stopped", entry(&b, &a, &a, true), app.ErrNotFound},
		{"another tenant's user, running", entry(&b, &a, &a, false), app.ErrNotFound},
		{"a user that does not exist, stopped", entry(&missing, &a, &a, true), app.ErrNotFound},
		{"a user that does not exist, running", entry(&missing, &a, &a, false), app.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := st.Write(ctx, func(tx app.Tx) error { return tx.TimeEntries().Insert(ctx, sc, c.e) })
			switch {
			case c.want == nil && err != nil:
				t.Fatalf("insert: %v", err)
			case c.want != nil && !errors.Is(err, c.want):
				t.Fatalf("insert: %v, want %v", err, c.want)
			}
			var got int
			_ = st.Read(ctx, func(tx app.Tx) error {
				if _, err := tx.TimeEntries().Get(ctx, sc, c.e.ID); err == nil {
					got = 1
				}
				return nil
			})
			if want := map[bool]int{true: 1, false: 0}[c.want == nil]; got != want {
				t.Errorf("%d entries stored, want %d", got, want)
			}
		})
	}
	// An audit row of a tenant that does not exist is refused too (its foreign key now
	// names the tenant's counter row).
	ghost := app.Scope{TenantID: app.NewID(), OrgID: app.NewID()}
	err := st.Write(ctx, func(tx app.Tx) error {
		return tx.Audit().Append(ctx, ghost, app.AuditEntry{ID: app.NewID(), TenantID: ghost.TenantID, Action: "x.create",
			Entity: "x", EntityID: app.NewID(), At: start})
	})
	if err == nil {
		t.Error("an audit row of a tenant that does not exist was stored")
	}
}

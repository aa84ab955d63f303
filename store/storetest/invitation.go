package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// testInvitations pins app.Invitations: round trips, the cross-tenant lookup by hash, lists
// by status at an instant with paging, Accept and Revoke as conditional updates (single
// use, expiry, revocation, a lost race), and that no scope but the invitation's own reaches it.
func testInvitations(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seed(t, st, "inviter@example.com")
	other := seed(t, st, "other@example.com")
	n := 0
	newInv := func(email string, expires time.Time) app.Invitation {
		n++
		return app.Invitation{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, Email: email,
			Role: app.RoleMember, Hash: app.HashToken(email), InvitedBy: w.user.ID, CreatedAt: base.Add(time.Duration(n) * time.Second),
			ExpiresAt: expires, Version: 1}
	}
	week := base.Add(7 * 24 * time.Hour)
	pending := newInv("pending@example.com", week)
	used := newInv("used@example.com", week)
	revoked := newInv("revoked@example.com", week)
	expired := newInv("expired@example.com", base.Add(time.Hour))
	write(t, st, func(tx app.Tx) error {
		return errors.Join(
			tx.Invitations().Insert(ctx, w.sc, pending),
			tx.Invitations().Insert(ctx, w.sc, used),
			tx.Invitations().Insert(ctx, w.sc, revoked),
			tx.Invitations().Insert(ctx, w.sc, expired),
		)
	})
	now := base.Add(2 * time.Hour) // expired has expired, the others have not
	write(t, st, func(tx app.Tx) error {
		err := tx.Invitations().Insert(ctx, w.sc, newInv("pending@example.com", week))
		wantErr(t, "same hash twice", err, app.ErrConflict)
		err = tx.Invitations().Insert(ctx, other.sc, newInv("elsewhere@example.com", week))
		wantErr(t, "insert into another tenant's scope", err, app.ErrNotFound)
		wantErr(t, "accept", tx.Invitations().Accept(ctx, w.sc, used.ID, w.user.ID, now), nil)
		wantErr(t, "accept again", tx.Invitations().Accept(ctx, w.sc, used.ID, w.user.ID, now), app.ErrConflict)
		wantErr(t, "revoke accepted", tx.Invitations().Revoke(ctx, w.sc, used.ID, now), app.ErrConflict)
		wantErr(t, "revoke", tx.Invitations().Revoke(ctx, w.sc, revoked.ID, now), nil)
		wantErr(t, "revoke again", tx.Invitations().Revoke(ctx, w.sc, revoked.ID, now), app.ErrConflict)
		wantErr(t, "accept revoked", tx.Invitations().Accept(ctx, w.sc, revoked.ID, w.user.ID, now), app.ErrConflict)
		wantErr(t, "accept expired", tx.Invitations().Accept(ctx, w.sc, expired.ID, w.user.ID, now), app.ErrConflict)
		wantErr(t, "accept at the expiry instant", tx.Invitations().Accept(ctx, w.sc, expired.ID, w.user.ID, expired.ExpiresAt), app.ErrConflict)
		// Another tenant's scope, or another organization's, changes nothing.
		for _, sc := range []app.Scope{other.sc, {TenantID: other.tenant.ID, OrgID: w.org.ID}, w.sc2} {
			wantErr(t, "accept from another scope", tx.Invitations().Accept(ctx, sc, pending.ID, other.user.ID, now), app.ErrConflict)
			wantErr(t, "revoke from another scope", tx.Invitations().Revoke(ctx, sc, pending.ID, now), app.ErrConflict)
		}
		return nil
	})
	used.AcceptedAt, used.AcceptedBy, used.Version = &now, &w.user.ID, 2
	revoked.RevokedAt, revoked.Version = &now, 2
	read(t, st, func(tx app.Tx) error {
		got, err := tx.Invitations().ByHashAnyTenant(ctx, pending.Hash)
		wantErr(t, "by hash", err, nil)
		same(t, "by hash", got, pending)
		_, err = tx.Invitations().ByHashAnyTenant(ctx, app.HashToken("nobody"))
		wantErr(t, "unknown hash", err, app.ErrNotFound)
		for _, want := range []app.Invitation{pending, used, revoked, expired} {
			got, err := tx.Invitations().Get(ctx, w.sc, want.ID)
			wantErr(t, "get "+want.Email, err, nil)
			same(t, "get "+want.Email, got, want)
			for _, sc := range []app.Scope{other.sc, {TenantID: other.tenant.ID, OrgID: w.org.ID}, w.sc2} {
				_, err = tx.Invitations().Get(ctx, sc, want.ID)
				wantErr(t, "get from another scope", err, app.ErrNotFound)
				list, err := tx.Invitations().List(ctx, sc, app.InvitationFilter{Now: now, Page: page(100)})
				if err != nil || len(list) != 0 {
					t.Errorf("list from another scope: %d rows, %v", len(list), err)
				}
			}
		}
		for _, tc := range []struct {
			status app.InvitationStatus
			want   []app.Invitation
		}{
			{"", []app.Invitation{pending, used, revoked, expired}},
			{app.InvitationPending, []app.Invitation{pending}},
			{app.InvitationAccepted, []app.Invitation{used}},
			{app.InvitationRevoked, []app.Invitation{revoked}},
			{app.InvitationExpired, []app.Invitation{expired}},
		} {
			got, err := tx.Invitations().List(ctx, w.sc, app.InvitationFilter{Status: tc.status, Now: now, Page: page(100)})
			wantErr(t, "list "+string(tc.status), err, nil)
			same(t, "list "+string(tc.status), got, tc.want)
		}
		// Two pages of two, by id.
		first, _ := tx.Invitations().List(ctx, w.sc, app.InvitationFilter{Now: now, Page: page(2)})
		if len(first) != 2 {
			t.Fatalf("first page: %d rows", len(first))
		}
		second, _ := tx.Invitations().List(ctx, w.sc, app.InvitationFilter{Now: now,
			Page: app.PageRequest{Limit: 2, After: &app.Cursor{ID: first[1].ID}}})
		same(t, "second page", second, []app.Invitation{revoked, expired})
		return nil
	})
	// Two transactions accept one invitation at once: exactly one changes it.
	race := newInv("race@example.com", week)
	write(t, st, func(tx app.Tx) error { return tx.Invitations().Insert(ctx, w.sc, race) })
	var wg sync.WaitGroup
	errs := make([]error, 2)
	start := make(chan struct{})
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = st.Write(ctx, func(tx app.Tx) error {
				if _, err := tx.Invitations().ByHashAnyTenant(ctx, race.Hash); err != nil {
					return err
				}
				return tx.Invitations().Accept(ctx, w.sc, race.ID, w.user.ID, now)
			})
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, app.ErrConflict):
			t.Errorf("racing accept: %v, want ErrConflict for the loser", err)
		}
	}
	if won != 1 {
		t.Errorf("racing accepts: %d succeeded, want exactly 1 (%v)", won, errs)
	}
}

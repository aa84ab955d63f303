package app_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// invite creates an invitation as a and fails the test on error.
func (e *env) invite(a app.Actor, email string, role app.Role) app.CreatedInvitation {
	e.t.Helper()
	inv, err := e.svc.CreateInvitation(e.ctx, a, app.InvitationInput{Email: email, Role: role})
	if err != nil {
		e.t.Fatalf("create invitation: %v", err)
	}
	return inv
}

// closed asserts err is an InvitationClosedError with status want.
func closed(t *testing.T, err error, want app.InvitationStatus) {
	t.Helper()
	var ce *app.InvitationClosedError
	if !errors.As(err, &ce) || ce.Status != want {
		t.Fatalf("got %v, want the invitation refused as %s", err, want)
	}
	if !errors.Is(err, app.ErrConflict) {
		t.Errorf("%v is not ErrConflict", err)
	}
}

func newcomer(code string) app.AcceptInput {
	return app.AcceptInput{Code: code, Name: "Newcomer", Password: "correct horse"}
}

func TestInvitationCode(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	seen := map[string]bool{}
	for range 20 {
		inv := e.invite(owner, "x@example.com", app.RoleMember)
		if !regexp.MustCompile(`^[A-Z2-7]{4}(-[A-Z2-7]{4}){7}$`).MatchString(inv.Code) {
			t.Fatalf("code %q is not 8 groups of 4 base32 characters (160 bits)", inv.Code)
		}
		if seen[inv.Code] {
			t.Fatalf("code %q handed out twice", inv.Code)
		}
		seen[inv.Code] = true
		// Typed in lower case, without dashes or with spaces: the same code.
		for _, typed := range []string{strings.ToLower(inv.Code), strings.ReplaceAll(inv.Code, "-", ""), strings.ReplaceAll(inv.Code, "-", " ")} {
			if string(app.HashInvitationCode(typed)) != string(app.HashInvitationCode(inv.Code)) {
				t.Errorf("%q does not hash as %q", typed, inv.Code)
			}
		}
	}
	// Only the code's SHA-256 is stored.
	inv := e.invite(owner, "stored@example.com", app.RoleMember)
	var stored app.Invitation
	if err := e.st.Read(e.ctx, func(tx app.Tx) error {
		var err error
		stored, err = tx.Invitations().Get(e.ctx, owner.Scope(), inv.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if want := app.HashToken(strings.ReplaceAll(inv.Code, "-", "")); string(stored.Hash) != string(want) {
		t.Errorf("stored hash %x, want SHA-256 of the code %x", stored.Hash, want)
	}
	_, err := e.svc.AcceptInvitation(e.ctx, nil, newcomer("not-a-code"))
	if got := fields(err); len(got) != 1 || got[0] != "code" {
		t.Errorf("malformed code: %v", err)
	}
	_, err = e.svc.AcceptInvitation(e.ctx, nil, newcomer(strings.Repeat("A", 32)))
	wantErr(t, err, app.ErrNotFound)
}

func TestInvitationCreateRules(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	admin := e.member(owner, app.RoleAdmin)
	manager := e.member(owner, app.RoleManager)
	member := e.member(owner, app.RoleMember)
	for _, tc := range []struct {
		name string
		as   app.Actor
		role app.Role
		want error
	}{
		{"owner invites an owner", owner, app.RoleOwner, nil},
		{"admin invites an admin", admin, app.RoleAdmin, nil},
		{"admin invites a member", admin, app.RoleMember, nil},
		{"admin may not invite an owner", admin, app.RoleOwner, app.ErrForbidden},
		{"manager may not invite", manager, app.RoleMember, app.ErrForbidden},
		{"member may not invite", member, app.RoleMember, app.ErrForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := e.svc.CreateInvitation(e.ctx, tc.as, app.InvitationInput{Email: "New@Example.com ", Role: tc.role})
			wantErr(t, err, tc.want)
			if tc.want != nil {
				return
			}
			if inv.Email != "new@example.com" || inv.Role != tc.role || inv.Status != app.InvitationPending ||
				inv.InvitedBy != tc.as.UserID || !inv.ExpiresAt.Equal(inv.CreatedAt.Add(7*24*time.Hour)) {
				t.Errorf("invitation: %+v", inv.Invitation)
			}
		})
	}
	// The role a transaction sees decides: an admin demoted meanwhile may not invite.
	demoted := e.member(owner, app.RoleAdmin)
	must[app.Member](t)(e.svc.UpdateMember(e.ctx, owner, demoted.UserID, app.MemberPatch{Role: ptr(app.RoleMember)}, 0))
	_, err := e.svc.CreateInvitation(e.ctx, demoted, app.InvitationInput{Email: "late@example.com", Role: app.RoleMember})
	wantErr(t, err, app.ErrForbidden)

	_, err = e.svc.CreateInvitation(e.ctx, owner, app.InvitationInput{Email: "not an address", Role: "king", ExpiresInDays: 31})
	if got := strings.Join(fields(err), ","); got != "email,role,expires_in_days" {
		t.Errorf("validation names %q", got)
	}
	m := must[app.Member](t)(e.svc.Member(e.ctx, owner, member.UserID))
	_, err = e.svc.CreateInvitation(e.ctx, owner, app.InvitationInput{Email: m.Email, Role: app.RoleMember})
	wantErr(t, err, app.ErrConflict)
	// The audit log has the creation.
	audit := must[[]app.AuditEntry](t)(e.auditActions(owner))
	if !containsAction(audit, "invitation.create") {
		t.Errorf("no invitation.create audit row")
	}
}

func TestInvitationAcceptCreatesAccount(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	inv := e.invite(owner, "newcomer@example.com", app.RoleManager)
	sess, err := e.svc.AcceptInvitation(e.ctx, nil, app.AcceptInput{Code: strings.ToLower(inv.Code), Name: " Newcomer ", Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	if sess.Tenant.ID != owner.TenantID || sess.Organization.ID != owner.OrgID || sess.User.Email != "newcomer@example.com" ||
		sess.User.Name != "Newcomer" || sess.User.Timezone != "Europe/Berlin" {
		t.Errorf("session: %+v", sess)
	}
	a, err := e.svc.Authenticate(e.ctx, sess.Token, nil)
	if err != nil || a.Role != app.RoleManager || a.OrgID != owner.OrgID {
		t.Fatalf("the session's actor: %+v %v", a, err)
	}
	// The password works for logging in to the new account.
	if _, err := e.svc.Login(e.ctx, app.LoginInput{Email: "newcomer@example.com", Password: "correct horse", TenantID: owner.TenantID}); err != nil {
		t.Errorf("login with the accepted account: %v", err)
	}
	list := must[app.Page[app.Invitation]](t)(e.svc.InvitationsList(e.ctx, owner, app.InvitationListParams{}))
	if len(list.Items) != 1 || list.Items[0].Status != app.InvitationAccepted || list.Items[0].AcceptedBy == nil || *list.Items[0].AcceptedBy != a.UserID {
		t.Errorf("after accept: %+v", list.Items)
	}
	audit := must[[]app.AuditEntry](t)(e.auditActions(owner))
	if !containsAction(audit, "invitation.accept") {
		t.Errorf("no invitation.accept audit row")
	}
	// Password rules are sign-up's.
	inv2 := e.invite(owner, "short@example.com", app.RoleMember)
	_, err = e.svc.AcceptInvitation(e.ctx, nil, app.AcceptInput{Code: inv2.Code, Name: "", Password: "short"})
	if got := strings.Join(fields(err), ","); got != "name,password" {
		t.Errorf("validation names %q", got)
	}
}

func TestInvitationSingleUse(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	inv := e.invite(owner, "once@example.com", app.RoleMember)
	must[app.Session](t)(e.svc.AcceptInvitation(e.ctx, nil, newcomer(inv.Code)))
	_, err := e.svc.AcceptInvitation(e.ctx, nil, app.AcceptInput{Code: inv.Code, Name: "Second", Password: "another horse"})
	closed(t, err, app.InvitationAccepted)
	// Also for a signed-in user of the tenant.
	other := e.member(owner, app.RoleMember)
	_, err = e.svc.AcceptInvitation(e.ctx, &other, app.AcceptInput{Code: inv.Code})
	closed(t, err, app.InvitationAccepted)
}

func TestInvitationExpiry(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	inv := e.invite(owner, "late@example.com", app.RoleMember)
	short := must[app.CreatedInvitation](t)(e.svc.CreateInvitation(e.ctx, owner, app.InvitationInput{Email: "day@example.com", Role: app.RoleMember, ExpiresInDays: 1}))
	e.clock.Advance(7*24*time.Hour - time.Second)
	pending := must[app.Page[app.Invitation]](t)(e.svc.InvitationsList(e.ctx, owner, app.InvitationListParams{Status: app.InvitationPending}))
	if len(pending.Items) != 1 || pending.Items[0].ID != inv.ID {
		t.Errorf("a second before expiry, pending: %+v", pending.Items)
	}
	_, err := e.svc.AcceptInvitation(e.ctx, nil, newcomer(short.Code))
	closed(t, err, app.InvitationExpired)
	e.clock.Advance(time.Second)
	_, err = e.svc.AcceptInvitation(e.ctx, nil, newcomer(inv.Code))
	closed(t, err, app.InvitationExpired)
	expired := must[app.Page[app.Invitation]](t)(e.svc.InvitationsList(e.ctx, owner, app.InvitationListParams{Status: app.InvitationExpired}))
	if len(expired.Items) != 2 || expired.Items[0].Status != app.InvitationExpired {
		t.Errorf("expired: %+v", expired.Items)
	}
}

func TestInvitationRevoke(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	admin := e.member(owner, app.RoleAdmin)
	manager := e.member(owner, app.RoleManager)
	inv := e.invite(owner, "revoked@example.com", app.RoleMember)
	wantErr(t, e.svc.RevokeInvitation(e.ctx, manager, inv.ID), app.ErrForbidden)
	wantErr(t, e.svc.RevokeInvitation(e.ctx, admin, inv.ID), nil)
	wantErr(t, e.svc.RevokeInvitation(e.ctx, admin, inv.ID), nil) // again: nothing changes
	_, err := e.svc.AcceptInvitation(e.ctx, nil, newcomer(inv.Code))
	closed(t, err, app.InvitationRevoked)
	list := must[app.Page[app.Invitation]](t)(e.svc.InvitationsList(e.ctx, owner, app.InvitationListParams{Status: app.InvitationRevoked}))
	if len(list.Items) != 1 || list.Items[0].RevokedAt == nil {
		t.Errorf("revoked: %+v", list.Items)
	}
	used := e.invite(owner, "used@example.com", app.RoleMember)
	must[app.Session](t)(e.svc.AcceptInvitation(e.ctx, nil, newcomer(used.Code)))
	wantErr(t, e.svc.RevokeInvitation(e.ctx, owner, used.ID), app.ErrConflict)
	// An inviter who can no longer invite with the invitation's role withdraws it.
	inviter := e.member(owner, app.RoleAdmin)
	byDemoted := e.invite(inviter, "demoted@example.com", app.RoleAdmin)
	must[app.Member](t)(e.svc.UpdateMember(e.ctx, owner, inviter.UserID, app.MemberPatch{Role: ptr(app.RoleManager)}, 0))
	_, err = e.svc.AcceptInvitation(e.ctx, nil, newcomer(byDemoted.Code))
	closed(t, err, app.InvitationRevoked)
	audit := must[[]app.AuditEntry](t)(e.auditActions(owner))
	if !containsAction(audit, "invitation.revoke") {
		t.Errorf("no invitation.revoke audit row")
	}
}

// TestInvitationConcurrentAccept: many accepts of one code at once, by newcomers and by a
// signed-in user: exactly one gets a session, the others are told it was used.
func TestInvitationConcurrentAccept(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	inv := e.invite(owner, "race@example.com", app.RoleMember)
	signedIn := e.member(owner, app.RoleMember)
	// A member of org2 only, so the signed-in accept is not "already a member".
	o2 := must[app.Organization](t)(e.svc.CreateOrganization(e.ctx, owner, app.OrganizationInput{Name: "Second"}))
	owner2 := owner
	owner2.OrgID = o2.ID
	inv2 := e.invite(owner2, "race2@example.com", app.RoleMember)
	for _, tc := range []struct {
		name string
		code string
		by   *app.Actor
	}{{"newcomers", inv.Code, nil}, {"signed in and newcomers", inv2.Code, &signedIn}} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 8
			var wg sync.WaitGroup
			errs := make([]error, n)
			start := make(chan struct{})
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					var by *app.Actor
					if i == 0 {
						by = tc.by
					}
					_, errs[i] = e.svc.AcceptInvitation(e.ctx, by, app.AcceptInput{Code: tc.code, Name: fmt.Sprint("Racer ", i), Password: "correct horse"})
				}()
			}
			close(start)
			wg.Wait()
			won := 0
			for _, err := range errs {
				if err == nil {
					won++
					continue
				}
				var ce *app.InvitationClosedError
				if !errors.As(err, &ce) || ce.Status != app.InvitationAccepted {
					t.Errorf("a losing accept: %v, want the invitation used", err)
				}
			}
			if won != 1 {
				t.Fatalf("%d accepts succeeded, want exactly 1: %v", won, errs)
			}
		})
	}
}

// TestInvitationAcrossTenants: another tenant can neither see, revoke nor list an
// invitation; a signed-in user of another tenant who holds the code joins with an account of
// the inviting tenant, and the user's own account is untouched; an address with accounts
// elsewhere is accepted exactly like a new one.
func TestInvitationAcrossTenants(t *testing.T) {
	e := newEnv(t)
	ownerA, _ := e.signup()
	ownerB, sessB := e.signup()
	adminB := e.member(ownerB, app.RoleAdmin)
	inv := e.invite(ownerA, "guest@example.com", app.RoleMember)
	for _, b := range []app.Actor{ownerB, adminB} {
		wantErr(t, e.svc.RevokeInvitation(e.ctx, b, inv.ID), app.ErrNotFound)
		list := must[app.Page[app.Invitation]](t)(e.svc.InvitationsList(e.ctx, b, app.InvitationListParams{}))
		if len(list.Items) != 0 {
			t.Errorf("B lists A's invitations: %+v", list.Items)
		}
		// B's actor naming A's organization gets nothing either.
		mixed := b
		mixed.OrgID = ownerA.OrgID
		wantErr(t, e.svc.RevokeInvitation(e.ctx, mixed, inv.ID), app.ErrNotFound)
	}
	// B's owner accepts A's invitation while signed in to B.
	sess, err := e.svc.AcceptInvitation(e.ctx, &ownerB, app.AcceptInput{Code: inv.Code})
	if err != nil {
		t.Fatal(err)
	}
	if sess.Tenant.ID != ownerA.TenantID || sess.User.ID == ownerB.UserID || sess.User.Email != "guest@example.com" ||
		sess.User.Name != sessB.User.Name {
		t.Errorf("session in A: %+v", sess)
	}
	a := must[app.Actor](t)(e.svc.Authenticate(e.ctx, sess.Token, nil))
	if a.TenantID != ownerA.TenantID || a.Role != app.RoleMember {
		t.Errorf("A's actor: %+v", a)
	}
	// B's own account still signs in to B as owner.
	b := must[app.Actor](t)(e.svc.Authenticate(e.ctx, sessB.Token, nil))
	if b.TenantID != ownerB.TenantID || b.Role != app.RoleOwner {
		t.Errorf("B's owner after accepting: %+v", b)
	}
	// An invitation to an address with an account in B only: a newcomer's accept makes a
	// separate account in A, as for an address nobody has.
	me := must[app.Me](t)(e.svc.Me(e.ctx, ownerB))
	for _, email := range []string{me.User.Email, "nobody@example.com"} {
		inv := e.invite(ownerA, email, app.RoleMember)
		sess, err := e.svc.AcceptInvitation(e.ctx, nil, newcomer(inv.Code))
		if err != nil || sess.Tenant.ID != ownerA.TenantID || sess.User.Email != email {
			t.Errorf("accept for %s: %+v %v", email, sess.User, err)
		}
	}
	// An address that has an account in A must accept signed in to it: a newcomer's
	// password does not take it over, nor does another tenant's session.
	o2 := must[app.Organization](t)(e.svc.CreateOrganization(e.ctx, ownerA, app.OrganizationInput{Name: "A's second"}))
	ownerA2 := ownerA
	ownerA2.OrgID = o2.ID
	inOrg2 := e.invite(ownerA2, "guest@example.com", app.RoleAdmin)
	_, err = e.svc.AcceptInvitation(e.ctx, nil, newcomer(inOrg2.Code))
	wantErr(t, err, app.ErrConflict)
	_, err = e.svc.AcceptInvitation(e.ctx, &adminB, app.AcceptInput{Code: inOrg2.Code})
	wantErr(t, err, app.ErrConflict)
	list := must[app.Page[app.Invitation]](t)(e.svc.InvitationsList(e.ctx, ownerA2, app.InvitationListParams{Status: app.InvitationPending}))
	if len(list.Items) != 1 || list.Items[0].ID != inOrg2.ID {
		t.Errorf("a refused accept used the code: %+v", list.Items)
	}
	// Signed in to the account in A, it joins A's second organization.
	sess2, err := e.svc.AcceptInvitation(e.ctx, &a, app.AcceptInput{Code: inOrg2.Code})
	if err != nil || sess2.User.ID != a.UserID || sess2.Organization.ID != o2.ID {
		t.Errorf("accept signed in to the account in A: %+v %v", sess2, err)
	}
}

// auditActions lists the tenant's audit rows.
func (e *env) auditActions(a app.Actor) ([]app.AuditEntry, error) {
	var out []app.AuditEntry
	err := e.st.Read(e.ctx, func(tx app.Tx) error {
		var err error
		out, err = tx.Audit().List(e.ctx, a.Scope(), app.PageRequest{Limit: 10000})
		return err
	})
	return out, err
}

func containsAction(rows []app.AuditEntry, action string) bool {
	for _, r := range rows {
		if r.Action == action {
			return true
		}
	}
	return false
}

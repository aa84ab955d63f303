package app_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

func TestSignupLoginAndTokens(t *testing.T) {
	e := newEnv(t)
	owner, s := e.signup()
	if owner.Role != app.RoleOwner || s.Organization.ID != owner.OrgID || s.Tenant.ID != owner.TenantID || s.User.Email == "" {
		t.Fatalf("signup session: %+v actor %+v", s, owner)
	}
	if s.User.PasswordHash == "" || s.User.PasswordHash == "correct horse" {
		t.Fatalf("password not hashed")
	}
	// Same e-mail again: conflict, case-insensitively.
	_, err := e.svc.Signup(e.ctx, app.SignupInput{Email: "  OWNER1@example.com", Password: "correct horse", Name: "X", Organization: "Y"})
	wantErr(t, err, app.ErrConflict)

	_, err = e.svc.Login(e.ctx, app.LoginInput{Email: s.User.Email, Password: "wrong horse"})
	wantErr(t, err, app.ErrUnauthorized)
	_, err = e.svc.Login(e.ctx, app.LoginInput{Email: "nobody@example.com", Password: "correct horse"})
	wantErr(t, err, app.ErrUnauthorized)
	ls := must[app.Session](t)(e.svc.Login(e.ctx, app.LoginInput{Email: "Owner1@Example.com", Password: "correct horse"}))
	if ls.Token == s.Token || ls.Organization.ID != owner.OrgID {
		t.Fatalf("login session: %+v", ls)
	}

	tok := must[app.CreatedToken](t)(e.svc.CreateToken(e.ctx, owner, app.TokenInput{Name: "ci", ExpiresInDays: 1}))
	a := must[app.Actor](t)(e.svc.Authenticate(e.ctx, tok.Token, nil))
	if a.UserID != owner.UserID || a.TokenID != tok.ID {
		t.Fatalf("token actor: %+v", a)
	}
	list := must[[]app.APIToken](t)(e.svc.Tokens(e.ctx, owner))
	if len(list) != 3 { // signup session, login session, ci
		t.Fatalf("tokens: %d", len(list))
	}
	// Expiry.
	e.clock.Advance(25 * time.Hour)
	_, err = e.svc.Authenticate(e.ctx, tok.Token, nil)
	wantErr(t, err, app.ErrUnauthorized)
	// Revoke a session.
	wantErr(t, e.svc.RevokeToken(e.ctx, owner, list[1].ID), nil)
	_, err = e.svc.Authenticate(e.ctx, ls.Token, nil)
	wantErr(t, err, app.ErrUnauthorized)
	// Garbage tokens.
	for _, bad := range []string{"", "Bearer", "stint_", "stint_" + string(make([]byte, 200))} {
		_, err = e.svc.Authenticate(e.ctx, bad, nil)
		wantErr(t, err, app.ErrUnauthorized)
	}
}

func TestSignupValidation(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.Signup(e.ctx, app.SignupInput{Email: "not-an-email", Password: "short", Name: " ", Organization: "", Timezone: "Mars/Olympus"})
	got := fields(err)
	for _, f := range []string{"email", "password", "name", "organization", "timezone"} {
		if !slices.Contains(got, f) {
			t.Errorf("missing field error for %s in %v", f, got)
		}
	}
}

func TestAuthenticateOrganizations(t *testing.T) {
	e := newEnv(t)
	owner, s := e.signup()
	other, _ := e.signup()
	second := must[app.Organization](t)(e.svc.CreateOrganization(e.ctx, owner, app.OrganizationInput{Name: "Second"}))
	a := must[app.Actor](t)(e.svc.Authenticate(e.ctx, s.Token, &second.ID))
	if a.OrgID != second.ID || a.Role != app.RoleOwner {
		t.Fatalf("actor in second org: %+v", a)
	}
	// Another tenant's organization and a random id are both simply not found.
	for _, id := range []uuid.UUID{other.OrgID, app.NewID()} {
		_, err := e.svc.Authenticate(e.ctx, s.Token, &id)
		wantErr(t, err, app.ErrNotFound)
	}
	orgs := must[[]app.Organization](t)(e.svc.Organizations(e.ctx, owner))
	if len(orgs) != 2 || orgs[0].ID != owner.OrgID {
		t.Fatalf("organizations: %+v", orgs)
	}
	_, err := e.svc.Organization(e.ctx, owner, other.OrgID)
	wantErr(t, err, app.ErrNotFound)
}

func TestPasswordHashing(t *testing.T) {
	h := app.DefaultPasswordHasher()
	enc, err := h.Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := h.Verify("correct horse battery staple", enc); !ok || err != nil {
		t.Fatalf("verify: %v %v", ok, err)
	}
	if ok, _ := h.Verify("wrong", enc); ok {
		t.Fatal("wrong password verified")
	}
	enc2, _ := h.Hash("correct horse battery staple")
	if enc == enc2 {
		t.Fatal("same salt twice")
	}
	p, _, _, err := app.ParsePHC(enc)
	if err != nil || p != h {
		t.Fatalf("params %+v %v", p, err)
	}
	if _, err := fastHasher.Verify("x", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5"); err == nil {
		t.Fatal("absurd memory parameter accepted")
	}
}

func TestMembersAndRoles(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	admin := e.member(owner, app.RoleAdmin)
	manager := e.member(owner, app.RoleManager)
	member := e.member(owner, app.RoleMember)

	// Admins cannot mint owners; owners can.
	_, err := e.svc.AddMember(e.ctx, admin, app.MemberInput{Email: "x@example.com", Name: "X", Role: app.RoleOwner, Password: "correct horse"})
	wantErr(t, err, app.ErrForbidden)
	_, err = e.svc.AddMember(e.ctx, manager, app.MemberInput{Email: "x@example.com", Name: "X", Role: app.RoleMember, Password: "correct horse"})
	wantErr(t, err, app.ErrForbidden)
	_, err = e.svc.Members(e.ctx, member, app.ListParams{})
	wantErr(t, err, app.ErrForbidden)
	page := must[app.Page[app.Member]](t)(e.svc.Members(e.ctx, manager, app.ListParams{Limit: 2}))
	if len(page.Items) != 2 || page.NextCursor == "" {
		t.Fatalf("members page: %+v", page)
	}
	// The last owner stays.
	_, err = e.svc.UpdateMember(e.ctx, owner, owner.UserID, app.MemberPatch{Role: ptr(app.RoleAdmin)}, 0)
	wantErr(t, err, app.ErrConflict)
	wantErr(t, e.svc.RemoveMember(e.ctx, owner, owner.UserID, 0), app.ErrConflict)
	// Admins cannot touch owners.
	wantErr(t, e.svc.RemoveMember(e.ctx, admin, owner.UserID, 0), app.ErrForbidden)
	// Promote, then demote with a stale version.
	m := must[app.Member](t)(e.svc.UpdateMember(e.ctx, owner, member.UserID, app.MemberPatch{Role: ptr(app.RoleManager)}, 0))
	_, err = e.svc.UpdateMember(e.ctx, owner, member.UserID, app.MemberPatch{Role: ptr(app.RoleMember)}, m.Version-1)
	wantErr(t, err, app.ErrPrecondition)
	// Remove and re-add: the membership row revives.
	wantErr(t, e.svc.RemoveMember(e.ctx, admin, member.UserID, m.Version), nil)
	_, err = e.svc.Member(e.ctx, owner, member.UserID)
	wantErr(t, err, app.ErrNotFound)
	u := must[app.Member](t)(e.svc.Member(e.ctx, owner, manager.UserID))
	readd := must[app.Member](t)(e.svc.AddMember(e.ctx, owner, app.MemberInput{Email: "user4@example.com", Role: app.RoleMember}))
	if readd.UserID != member.UserID || readd.ID != m.ID || readd.Role != app.RoleMember {
		t.Fatalf("re-added member: %+v (manager %+v)", readd, u)
	}
	_, err = e.svc.AddMember(e.ctx, owner, app.MemberInput{Email: "user4@example.com", Role: app.RoleMember})
	wantErr(t, err, app.ErrConflict)
	// An e-mail of another tenant is refused.
	_, os := e.signup()
	_, err = e.svc.AddMember(e.ctx, owner, app.MemberInput{Email: os.User.Email, Name: "Z", Role: app.RoleMember, Password: "correct horse"})
	wantErr(t, err, app.ErrConflict)
	// A new user needs name and password.
	_, err = e.svc.AddMember(e.ctx, owner, app.MemberInput{Email: "new@example.com", Role: app.RoleMember})
	if f := fields(err); !slices.Contains(f, "name") || !slices.Contains(f, "password") {
		t.Fatalf("new member without name/password: %v", err)
	}
}

func TestPermissionTable(t *testing.T) {
	// Deny by default: a role that is not in the table can do nothing.
	for _, p := range []app.Permission{app.PermOrgRead, app.PermEntriesOwn, app.PermProjectsRead} {
		if app.Role("intruder").Can(p) {
			t.Errorf("unknown role granted %s", p)
		}
	}
	cases := []struct {
		role app.Role
		perm app.Permission
		want bool
	}{
		{app.RoleMember, app.PermProjectsRead, true},
		{app.RoleMember, app.PermTasksRead, true},
		{app.RoleMember, app.PermProjectsManage, false},
		{app.RoleMember, app.PermClientsRead, false},
		{app.RoleMember, app.PermEntriesReadAll, false},
		{app.RoleManager, app.PermProjectsManage, true},
		{app.RoleManager, app.PermEntriesReadAll, true},
		{app.RoleManager, app.PermEntriesManageAll, false},
		{app.RoleManager, app.PermMembersManage, false},
		{app.RoleAdmin, app.PermMembersManage, true},
		{app.RoleOwner, app.PermOrgManage, true},
	}
	for _, c := range cases {
		if got := c.role.Can(c.perm); got != c.want {
			t.Errorf("%s can %s = %v, want %v", c.role, c.perm, got, c.want)
		}
	}
	if errors.Is(nil, app.ErrForbidden) {
		t.Fatal("unreachable")
	}
}

func ptr[T any](v T) *T { return &v }

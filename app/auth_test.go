package app_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
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
	_, err := e.svc.Login(e.ctx, app.LoginInput{Email: s.User.Email, Password: "wrong horse"})
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
	// An e-mail of another tenant becomes a separate user of this one.
	_, os := e.signup()
	z := must[app.Member](t)(e.svc.AddMember(e.ctx, owner, app.MemberInput{Email: os.User.Email, Name: "Z", Role: app.RoleMember, Password: "correct horse"}))
	if z.UserID == os.User.ID || z.TenantID != owner.TenantID || z.Email != os.User.Email {
		t.Fatalf("address of another tenant added as %+v; that tenant's user is %s", z, os.User.ID)
	}
	// A new user needs name and password.
	_, err = e.svc.AddMember(e.ctx, owner, app.MemberInput{Email: "new@example.com", Role: app.RoleMember})
	if f := fields(err); !slices.Contains(f, "name") || !slices.Contains(f, "password") {
		t.Fatalf("new member without name/password: %v", err)
	}
}

// TestOneAddressInSeveralTenants: an address is unique within a tenant only. Signing up with
// an address that has an account makes a new tenant with a new account; login picks the
// account created first, or the one in the tenant it names; a wrong password and a tenant
// without an account for the address fail alike; each account sees only its tenant's data.
func TestOneAddressInSeveralTenants(t *testing.T) {
	e := newEnv(t)
	signup := func(email, org string) app.Session {
		t.Helper()
		return must[app.Session](t)(e.svc.Signup(e.ctx, app.SignupInput{Email: email, Password: "pw of " + org, Name: "Ada", Organization: org}))
	}
	first := signup("ada@example.com", "First")
	second := signup("  ADA@Example.com", "Second")
	third := signup("bob@example.com", "Third")
	if second.Tenant.ID == first.Tenant.ID || second.User.ID == first.User.ID || second.User.Email != "ada@example.com" ||
		second.Tenant.Name != "Second" || second.User.TenantID != second.Tenant.ID {
		t.Fatalf("sign-up with a used address: %+v; first account %+v", second, first)
	}

	login := func(email, pw string, tenant uuid.UUID) (app.Session, error) {
		return e.svc.Login(e.ctx, app.LoginInput{Email: email, Password: pw, TenantID: tenant})
	}
	for _, c := range []struct {
		name   string
		pw     string
		tenant uuid.UUID
		want   app.Session
	}{
		{"no tenant: the first account", "pw of First", uuid.Nil, first},
		{"first tenant", "pw of First", first.Tenant.ID, first},
		{"second tenant", "pw of Second", second.Tenant.ID, second},
	} {
		s, err := login("Ada@example.com", c.pw, c.tenant)
		if err != nil || s.User.ID != c.want.User.ID || s.Tenant.ID != c.want.Tenant.ID || s.Organization.ID != c.want.Organization.ID {
			t.Errorf("%s: %v, user %s in tenant %s; want %s in %s", c.name, err, s.User.ID, s.Tenant.ID, c.want.User.ID, c.want.Tenant.ID)
		}
	}
	var failures []string
	for _, c := range []struct {
		name, email, pw string
		tenant          uuid.UUID
	}{
		{"unknown address", "nobody@example.com", "pw of First", uuid.Nil},
		{"wrong password, no tenant", "ada@example.com", "wrong password", uuid.Nil},
		{"second account's password, no tenant", "ada@example.com", "pw of Second", uuid.Nil},
		{"wrong password, first tenant", "ada@example.com", "pw of Second", first.Tenant.ID},
		{"wrong password, second tenant", "ada@example.com", "pw of First", second.Tenant.ID},
		{"tenant without an account for the address", "ada@example.com", "pw of Third", third.Tenant.ID},
		{"unknown tenant", "ada@example.com", "pw of First", app.NewID()},
	} {
		_, err := login(c.email, c.pw, c.tenant)
		if !errors.Is(err, app.ErrUnauthorized) {
			t.Errorf("%s: %v, want unauthorized", c.name, err)
			continue
		}
		failures = append(failures, err.Error())
	}
	if distinct := slices.Compact(slices.Clone(failures)); len(distinct) != 1 || len(failures) != 7 {
		t.Errorf("failed logins differ: %q", failures)
	}

	// The accounts are separate users of separate tenants.
	a1 := must[app.Actor](t)(e.svc.Authenticate(e.ctx, first.Token, nil))
	a2 := must[app.Actor](t)(e.svc.Authenticate(e.ctx, second.Token, nil))
	secret := must[app.Project](t)(e.svc.CreateProject(e.ctx, a1, app.ProjectInput{Name: "Secret", Color: "#123456"}))
	if _, err := e.svc.Project(e.ctx, a2, secret.ID); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("second account reads the first's project: %v", err)
	}
	if p := must[app.Page[app.Project]](t)(e.svc.Projects(e.ctx, a2, app.ListParams{}, true)); len(p.Items) != 0 {
		t.Errorf("second account lists %d projects, want none", len(p.Items))
	}
	if _, err := e.svc.Authenticate(e.ctx, second.Token, &first.Organization.ID); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("second account's token in the first account's organization: %v", err)
	}
	for _, a := range []app.Actor{a1, a2} {
		m := must[app.Page[app.Member]](t)(e.svc.Members(e.ctx, a, app.ListParams{}))
		if len(m.Items) != 1 || m.Items[0].UserID != a.UserID {
			t.Errorf("members of %s: %+v", a.TenantID, m.Items)
		}
	}
}

// costHasher is the cheap test hasher that records the parameters of every hash it verifies.
type costHasher struct {
	mu       sync.Mutex
	hashes   int
	verified []app.Argon2id
}

func (h *costHasher) Hash(pw string) (string, error) {
	h.mu.Lock()
	h.hashes++
	h.mu.Unlock()
	return fastHasher.Hash(pw)
}

func (h *costHasher) Verify(pw, encoded string) (bool, error) {
	p, _, _, err := app.ParsePHC(encoded)
	h.mu.Lock()
	h.verified = append(h.verified, p)
	h.mu.Unlock()
	if err != nil {
		return false, err
	}
	return fastHasher.Verify(pw, encoded)
}

// TestLoginWorkTellsNothingAboutAccounts: whether the address has no account, one, or one in
// each of two tenants, and whichever tenant the login names, a failed login verifies exactly
// one hash of the service's cost and makes none.
func TestLoginWorkTellsNothingAboutAccounts(t *testing.T) {
	e := newEnv(t)
	h := &costHasher{}
	svc := app.New(e.st, app.Options{Hasher: h})
	var twice, once app.Session
	for _, in := range []app.SignupInput{
		{Email: "twice@example.com", Password: "correct horse", Name: "T", Organization: "One"},
		{Email: "twice@example.com", Password: "correct horse", Name: "T", Organization: "Two"},
		{Email: "once@example.com", Password: "correct horse", Name: "O", Organization: "Three"},
	} {
		s := must[app.Session](t)(svc.Signup(e.ctx, in))
		if in.Organization == "Two" {
			twice = s
		} else if in.Organization == "Three" {
			once = s
		}
	}
	// The service makes its decoy on its first login, whichever path (credentials_test.go
	// checks that the first logins are alike); count the work of the logins after it.
	must[app.Session](t)(svc.Login(e.ctx, app.LoginInput{Email: "once@example.com", Password: "correct horse"}))
	for _, c := range []struct {
		name string
		in   app.LoginInput
	}{
		{"unknown address", app.LoginInput{Email: "nobody@example.com", Password: "correct horse"}},
		{"unknown address, a tenant named", app.LoginInput{Email: "nobody@example.com", Password: "correct horse", TenantID: once.Tenant.ID}},
		{"one account, wrong password", app.LoginInput{Email: "once@example.com", Password: "wrong horse"}},
		{"two accounts, wrong password", app.LoginInput{Email: "twice@example.com", Password: "wrong horse"}},
		{"two accounts, second tenant, wrong password", app.LoginInput{Email: "twice@example.com", Password: "wrong horse", TenantID: twice.Tenant.ID}},
		{"tenant without an account for the address", app.LoginInput{Email: "twice@example.com", Password: "correct horse", TenantID: once.Tenant.ID}},
	} {
		h.mu.Lock()
		h.hashes, h.verified = 0, nil
		h.mu.Unlock()
		_, err := svc.Login(e.ctx, c.in)
		wantErr(t, err, app.ErrUnauthorized)
		if h.hashes != 0 || !slices.Equal(h.verified, []app.Argon2id{fastHasher}) {
			t.Errorf("%s: %d hashes made, verified %+v; want one verification at %+v", c.name, h.hashes, h.verified, fastHasher)
		}
	}
}

// BenchmarkLoginFailureByAccounts measures failed logins with the production hasher for an
// address without an account, with one, and with one in each of two tenants, with and without
// a tenant named. Each iteration tries every case once, starting from a different case each
// time, and each case's time is reported as its own metric (ns per login), so a busy
// machine's drift and whatever goes with a place in the order (garbage collection after so
// many 19 MiB hashes) fall on every case alike; the ratios to unknown_address should be close
// to 1.
func BenchmarkLoginFailureByAccounts(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "stint.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := app.New(st, app.Options{})
	tenants := map[string]uuid.UUID{}
	for _, in := range []app.SignupInput{
		{Email: "once@example.com", Password: "correct horse", Name: "O", Organization: "Once"},
		{Email: "twice@example.com", Password: "correct horse", Name: "T", Organization: "Twice 1"},
		{Email: "twice@example.com", Password: "correct horse", Name: "T", Organization: "Twice 2"},
	} {
		s, err := svc.Signup(ctx, in)
		if err != nil {
			b.Fatal(err)
		}
		tenants[in.Organization] = s.Tenant.ID
	}
	cases := []struct {
		name string
		in   app.LoginInput
	}{
		{"unknown_address", app.LoginInput{Email: "nobody@example.com", Password: "correct horse"}},
		{"one_account", app.LoginInput{Email: "once@example.com", Password: "wrong horse"}},
		{"two_accounts", app.LoginInput{Email: "twice@example.com", Password: "wrong horse"}},
		{"two_accounts_second_tenant", app.LoginInput{Email: "twice@example.com", Password: "wrong horse", TenantID: tenants["Twice 2"]}},
		{"tenant_without_account", app.LoginInput{Email: "twice@example.com", Password: "correct horse", TenantID: tenants["Once"]}},
	}
	spent := make([]time.Duration, len(cases))
	n := 0
	for b.Loop() {
		for k := range cases {
			i := (k + n) % len(cases) // each case takes each place in turn
			c := cases[i]
			start := time.Now()
			_, err := svc.Login(ctx, c.in)
			spent[i] += time.Since(start)
			if !errors.Is(err, app.ErrUnauthorized) {
				b.Fatal(err)
			}
		}
		n++
	}
	for i, c := range cases {
		b.ReportMetric(float64(spent[i].Nanoseconds())/float64(n), c.name+"_ns/login")
		b.ReportMetric(float64(spent[i])/float64(spent[0]), c.name+"_ratio")
	}
}

// TestAddressIsUniqueWithinATenant: adding an address that is already a user of the tenant
// adds that user (to another organization) and never makes a second account, whatever name
// and password come with it; adding a member twice is refused.
func TestAddressIsUniqueWithinATenant(t *testing.T) {
	e := newEnv(t)
	owner, s := e.signup()
	m := must[app.Member](t)(e.svc.AddMember(e.ctx, owner, app.MemberInput{Email: "m@example.com", Name: "M", Role: app.RoleMember, Password: "first password"}))
	_, err := e.svc.AddMember(e.ctx, owner, app.MemberInput{Email: "M@example.com", Name: "M2", Role: app.RoleMember, Password: "second password"})
	wantErr(t, err, app.ErrConflict)
	org2 := must[app.Organization](t)(e.svc.CreateOrganization(e.ctx, owner, app.OrganizationInput{Name: "Second"}))
	owner2 := must[app.Actor](t)(e.svc.Authenticate(e.ctx, s.Token, &org2.ID))
	m2 := must[app.Member](t)(e.svc.AddMember(e.ctx, owner2, app.MemberInput{Email: "m@example.com", Name: "M2", Role: app.RoleAdmin, Password: "second password"}))
	if m2.UserID != m.UserID || m2.Name != "M" || m2.OrganizationID != org2.ID {
		t.Fatalf("the tenant's user added to a second organization: %+v, first %+v", m2, m)
	}
	if _, err := e.svc.Login(e.ctx, app.LoginInput{Email: "m@example.com", Password: "second password", TenantID: owner.TenantID}); !errors.Is(err, app.ErrUnauthorized) {
		t.Fatalf("the second request's password opens the account: %v", err)
	}
	must[app.Session](t)(e.svc.Login(e.ctx, app.LoginInput{Email: "m@example.com", Password: "first password", TenantID: owner.TenantID}))
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

// heldStore is a store whose reads (or, with writes set, whose writes) wait until release
// is closed, counting them: requests begun together are then all in flight at once.
type heldStore struct {
	*sqlite.Store
	writes  bool
	n       atomic.Int64
	release chan struct{}
}

func (s *heldStore) Read(ctx context.Context, fn func(app.Tx) error) error {
	if !s.writes {
		s.n.Add(1)
		<-s.release
	}
	return s.Store.Read(ctx, fn)
}

func (s *heldStore) Write(ctx context.Context, fn func(app.Tx) error) error {
	if s.writes {
		s.n.Add(1)
		<-s.release
	}
	return s.Store.Write(ctx, fn)
}

// authenticateAtOnce sends n requests of token through svc at once, gives each the time to
// reach held (as each would without sharing), releases them, and checks that each is the
// owner's.
func authenticateAtOnce(t *testing.T, e *env, svc *app.Service, held *heldStore, token string, owner app.Actor, n int) {
	t.Helper()
	actors := make([]app.Actor, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { actors[i], errs[i] = svc.Authenticate(e.ctx, token, nil) })
	}
	for deadline := time.Now().Add(200 * time.Millisecond); time.Now().Before(deadline) && held.n.Load() < int64(n); {
		time.Sleep(time.Millisecond)
	}
	close(held.release)
	wg.Wait()
	for i := range n {
		if errs[i] != nil || actors[i].UserID != owner.UserID || actors[i].OrgID != owner.OrgID {
			t.Errorf("request %d: %+v, %v", i, actors[i], errs[i])
		}
	}
}

// Requests that find their token's principal missing at once (a busy client when the cached
// one expires) share one lookup: one read of the store, not one each, and the same actor.
func TestAuthenticateSharesConcurrentLookups(t *testing.T) {
	e := newEnv(t)
	owner, s := e.signup()
	held := &heldStore{Store: e.st, release: make(chan struct{})}
	svc := app.New(held, app.Options{Clock: e.clock, Hasher: fastHasher, NodeID: "test"}) // an empty cache
	authenticateAtOnce(t, e, svc, held, s.Token, owner, 8)
	if got := held.n.Load(); got != 1 {
		t.Errorf("8 concurrent lookups read the store %d times, want once", got)
	}
}

// A shared lookup whose own request goes away fails only that request: the others sharing
// it look up again.
func TestAuthenticateSharedLookupOutlivesItsRequest(t *testing.T) {
	e := newEnv(t)
	owner, s := e.signup()
	held := &heldStore{Store: e.st, release: make(chan struct{})}
	svc := app.New(held, app.Options{Clock: e.clock, Hasher: fastHasher, NodeID: "test"})
	gone, cancel := context.WithCancel(e.ctx)
	first := make(chan error, 1)
	go func() {
		_, err := svc.Authenticate(gone, s.Token, nil)
		first <- err
	}()
	for held.n.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	second := make(chan error, 1)
	var a app.Actor
	go func() {
		var err error
		a, err = svc.Authenticate(e.ctx, s.Token, nil)
		second <- err
	}()
	time.Sleep(50 * time.Millisecond) // the second request waits for the first one's lookup
	cancel()
	close(held.release)
	if err := <-first; !errors.Is(err, context.Canceled) {
		t.Errorf("the request that went away: %v, want context.Canceled", err)
	}
	if err := <-second; err != nil || a.UserID != owner.UserID {
		t.Errorf("the request sharing its lookup: %+v, %v", a, err)
	}
}

// The requests of a busy client that find their token due to be marked used at once (its
// first use here, or the minute's turn) mark it once between them, not once each.
func TestAuthenticateMarksATokenUsedOnce(t *testing.T) {
	e := newEnv(t)
	owner, s := e.signup()
	held := &heldStore{Store: e.st, writes: true, release: make(chan struct{})}
	svc := app.New(held, app.Options{Clock: e.clock, Hasher: fastHasher, NodeID: "test"}) // an empty cache
	e.clock.Advance(2 * time.Minute)                                                      // the sign-up's mark is due again
	authenticateAtOnce(t, e, svc, held, s.Token, owner, 8)
	if got := held.n.Load(); got != 1 {
		t.Errorf("8 concurrent requests marked their token used %d times, want once", got)
	}
	e.clock.Advance(2 * time.Minute) // the minute's turn: marked once more
	if _, err := svc.Authenticate(e.ctx, s.Token, nil); err != nil || held.n.Load() != 2 {
		t.Errorf("after the minute: %v, %d marks, want 2", err, held.n.Load())
	}
}

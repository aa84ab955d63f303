package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
)

// TestServiceOnPostgres drives the app's own use cases over the PostgreSQL store as the
// application role: sign-up (a new tenant, so its first rows are written before any other
// data of it exists), login by e-mail and the token's principal (both cross-tenant, through
// the definer functions), projects, the timer, an idempotent request's unit of work, and a
// second tenant that sees none of it.
func TestServiceOnPostgres(t *testing.T) {
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	svc := app.New(st, app.Options{})
	sess, err := svc.Signup(ctx, app.SignupInput{Email: "ada@example.com", Password: "correct horse", Name: "Ada", Organization: "Acme", Timezone: "Europe/Berlin"})
	if err != nil {
		t.Fatalf("signup: %v", err)
	}
	if _, err := svc.Login(ctx, app.LoginInput{Email: "ada@example.com", Password: "wrong password"}); !errors.Is(err, app.ErrUnauthorized) {
		t.Errorf("wrong password: %v", err)
	}
	login, err := svc.Login(ctx, app.LoginInput{Email: "ada@example.com", Password: "correct horse"})
	if err != nil || login.User.ID != sess.User.ID {
		t.Fatalf("login: %v (%v)", err, login.User.ID)
	}
	a, err := svc.Authenticate(ctx, login.Token, nil)
	if err != nil || a.TenantID != sess.Tenant.ID || a.OrgID != sess.Organization.ID {
		t.Fatalf("authenticate: %+v %v", a, err)
	}
	p, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "Website", Color: "#4f7cff"})
	if err != nil {
		t.Fatalf("create project: %v", err)
	}
	if _, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "website", Color: "#4f7cff"}); !errors.Is(err, app.ErrConflict) {
		t.Errorf("duplicate project name: %v", err)
	}
	if _, err := svc.StartTimer(ctx, a, app.TimerStart{ProjectID: &p.ID, Description: "one"}); err != nil {
		t.Fatalf("start: %v", err)
	}
	if _, err := svc.StartTimer(ctx, a, app.TimerStart{ProjectID: &p.ID, Description: "two"}); err != nil {
		t.Fatalf("second start: %v", err)
	}
	stopped, err := svc.StopTimer(ctx, a)
	if err != nil || stopped.Description != "two" {
		t.Fatalf("stop: %+v %v", stopped, err)
	}
	// An idempotent request: its project and its record commit together.
	uctx, u, err := svc.BeginUnit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := svc.CreateProject(uctx, a, app.ProjectInput{Name: "Keyed", Color: "#000000"})
	if err != nil {
		t.Fatalf("create in unit: %v", err)
	}
	rec := app.IdempotencyRecord{Key: "k1", Method: "POST", Path: "/v1/projects", RequestHash: []byte{1}, Status: 201, Body: []byte(`{}`)}
	if err := svc.CommitIdempotent(uctx, u, a, rec); err != nil {
		t.Fatalf("commit idempotent: %v", err)
	}
	if _, err := svc.IdempotentResponse(ctx, a, "k1"); err != nil {
		t.Errorf("recorded response: %v", err)
	}
	if got, err := svc.Project(ctx, a, p2.ID); err != nil || got.Name != "Keyed" {
		t.Errorf("project of the committed unit: %+v %v", got, err)
	}
	// Another tenant sees nothing of it, and its token opens nothing of it.
	other, err := svc.Signup(ctx, app.SignupInput{Email: "eve@example.com", Password: "correct horse", Name: "Eve", Organization: "Evil"})
	if err != nil {
		t.Fatalf("second signup: %v", err)
	}
	b, err := svc.Authenticate(ctx, other.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Project(ctx, b, p.ID); !errors.Is(err, app.ErrNotFound) {
		t.Errorf("another tenant reads the project: %v", err)
	}
	if _, err := svc.Authenticate(ctx, other.Token, &sess.Organization.ID); err == nil {
		t.Errorf("a token resolved into another tenant's organization")
	}
}

// TestPrincipalCacheAcrossInstances: two services (two instances) on one database. A token
// revoked through one stops working there at once and on the other within app.PrincipalTTL,
// the bound its cache of principals gives; until then the other still serves it from the
// copy it looked up, which is what saves a request its lookup. A member removed through one
// instance loses the other's cached access the same way.
func TestPrincipalCacheAcrossInstances(t *testing.T) {
	db := newDB(t)
	dsn := db.setup(t)
	ctx := context.Background()
	clock := app.NewFixedClock(time.Now())
	instance := func() *app.Service {
		st, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return app.New(st, app.Options{Clock: clock, Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	}
	one, two := instance(), instance()
	sess, err := one.Signup(ctx, app.SignupInput{Email: "cache@example.com", Password: "cache password",
		Name: "Cache", Organization: "Cache", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	auth := func(svc *app.Service, token string) error {
		_, err := svc.Authenticate(ctx, token, nil)
		return err
	}
	a, err := one.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := auth(two, sess.Token); err != nil {
		t.Fatal(err)
	}
	if err := one.RevokeToken(ctx, a, a.TokenID); err != nil {
		t.Fatal(err)
	}
	if err := auth(one, sess.Token); !errors.Is(err, app.ErrUnauthorized) {
		t.Errorf("revoking instance, at once: %v, want ErrUnauthorized", err)
	}
	clock.Advance(app.PrincipalTTL / 2)
	if err := auth(two, sess.Token); err != nil {
		t.Errorf("other instance, within the TTL: %v, want its cached principal", err)
	}
	clock.Advance(app.PrincipalTTL / 2)
	if err := auth(two, sess.Token); !errors.Is(err, app.ErrUnauthorized) {
		t.Errorf("other instance, after the TTL: %v, want ErrUnauthorized", err)
	}

	// A member removed on one instance.
	owner, err := one.Login(ctx, app.LoginInput{Email: "cache@example.com", Password: "cache password"})
	if err != nil {
		t.Fatal(err)
	}
	oa, err := one.Authenticate(ctx, owner.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := one.AddMember(ctx, oa, app.MemberInput{Email: "member@example.com", Name: "Member", Password: "member password", Role: app.RoleMember})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := one.Login(ctx, app.LoginInput{Email: "member@example.com", Password: "member password"})
	if err != nil {
		t.Fatal(err)
	}
	for _, svc := range []*app.Service{one, two} {
		if err := auth(svc, ms.Token); err != nil {
			t.Fatal(err)
		}
	}
	if err := one.RemoveMember(ctx, oa, m.UserID, 0); err != nil {
		t.Fatal(err)
	}
	if err := auth(one, ms.Token); !errors.Is(err, app.ErrUnauthorized) {
		t.Errorf("removed member, removing instance: %v, want ErrUnauthorized", err)
	}
	if err := auth(two, ms.Token); err != nil {
		t.Errorf("removed member, other instance within the TTL: %v, want its cached principal", err)
	}
	clock.Advance(app.PrincipalTTL)
	if err := auth(two, ms.Token); !errors.Is(err, app.ErrUnauthorized) {
		t.Errorf("removed member, other instance after the TTL: %v, want ErrUnauthorized", err)
	}
}

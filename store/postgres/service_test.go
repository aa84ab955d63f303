package postgres_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stinthq/stint/app"
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

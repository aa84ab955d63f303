package server

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// publishJSON is a publish request for the four ids.
func publishJSON(tenant, org, user, membership, email string) string {
	return fmt.Sprintf(`{"tenant_id":%q,"organization_id":%q,"user_id":%q,"membership_id":%q,`+
		`"organization":"Solo Ltd","organization_timezone":"Europe/Berlin","name":"Solo","email":%q,"password":"correct horse"}`,
		tenant, org, user, membership, email)
}

func TestPublish(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	fresh := func() string { return app.NewID().String() }
	tenant, org, user, membership := fresh(), fresh(), fresh(), fresh()
	e.run(t, tn, []scenario{
		{name: "publish keeps the workspace's ids", method: "POST", path: "/v1/auth/publish",
			body:   publishJSON(tenant, org, user, membership, "Solo@Example.com"),
			status: http.StatusCreated, want: map[string]any{"token": "*", "tenant.id": tenant, "organization.id": org,
				"organization.timezone": "Europe/Berlin", "user.id": user, "user.email": "solo@example.com", "user.timezone": "Europe/Berlin"},
			header: map[string]string{"Cache-Control": "no-store"}},
		{name: "an existing tenant is refused", method: "POST", path: "/v1/auth/publish",
			body:   publishJSON("$tenant", fresh(), fresh(), fresh(), "taken@example.com"),
			status: http.StatusConflict, want: map[string]any{"type": "workspace-taken"}},
		{name: "another tenant's organization id is refused", method: "POST", path: "/v1/auth/publish",
			body:   publishJSON(fresh(), "$org", fresh(), fresh(), "org@example.com"),
			status: http.StatusConflict, want: map[string]any{"type": "workspace-taken"}},
		{name: "another tenant's user id is refused", method: "POST", path: "/v1/auth/publish",
			body:   publishJSON(fresh(), fresh(), "$owner_id", fresh(), "user@example.com"),
			status: http.StatusConflict, want: map[string]any{"type": "workspace-taken"}},
		{name: "the ids must differ", method: "POST", path: "/v1/auth/publish",
			body:   publishJSON(user, user, fresh(), fresh(), "same@example.com"),
			status: http.StatusUnprocessableEntity, fields: []string{"tenant_id"}},
		{name: "the ids must be ids", method: "POST", path: "/v1/auth/publish",
			body:   publishJSON("acme", fresh(), fresh(), fresh(), "bad@example.com"),
			status: http.StatusUnprocessableEntity, fields: []string{"tenant_id"}},
		{name: "sign-up's rules hold", method: "POST", path: "/v1/auth/publish",
			body: fmt.Sprintf(`{"tenant_id":%q,"organization_id":%q,"user_id":%q,"membership_id":%q,`+
				`"organization":" ","name":"S","email":"x","password":"short"}`, fresh(), fresh(), fresh(), fresh()),
			status: http.StatusUnprocessableEntity, fields: []string{"email", "password", "organization"}},
	})
}

// TestPublishRefusalWritesNothing: a publish refused for one taken id leaves none of its
// rows behind, so the same tenant id publishes once the ids are free.
func TestPublishRefusalWritesNothing(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	tenant, user, membership := app.NewID().String(), app.NewID().String(), app.NewID().String()
	res := e.do(t, req{method: "POST", path: "/v1/auth/publish", body: publishJSON(tenant, tn.ids["org"], user, membership, "solo@example.com")})
	if res.status != http.StatusConflict {
		t.Fatalf("publish with another tenant's organization: %d %s", res.status, res.body)
	}
	org := app.NewID().String()
	res = e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/auth/publish", body: publishJSON(tenant, org, user, membership, "solo@example.com")})
	if res.str("tenant.id") != tenant {
		t.Fatalf("published tenant %s, want %s", res.str("tenant.id"), tenant)
	}
	// The owner signs in with the password given at publish, to the published workspace.
	res = e.must(t, http.StatusOK, req{method: "POST", path: "/v1/auth/login",
		body: fmt.Sprintf(`{"email":"solo@example.com","password":"correct horse","tenant_id":%q}`, tenant)})
	if res.str("organization.id") != org || res.str("user.id") != user {
		t.Fatalf("login after publish: %s", res.body)
	}
	// The caller cannot publish into it again.
	res = e.do(t, req{method: "POST", path: "/v1/auth/publish", body: publishJSON(tenant, app.NewID().String(),
		app.NewID().String(), app.NewID().String(), "mallory@example.com")})
	if res.status != http.StatusConflict {
		t.Fatalf("publish into a published tenant: %d %s", res.status, res.body)
	}
}

func TestPublishGuardedAsSignup(t *testing.T) {
	id := func() string { return app.NewID().String() }
	t.Run("disabled with sign-up", func(t *testing.T) {
		e := newEnv(t, Config{AllowSignup: false})
		res := e.do(t, req{method: "POST", path: "/v1/auth/publish", body: publishJSON(id(), id(), id(), id(), "solo@example.com")})
		if res.status != http.StatusForbidden {
			t.Fatalf("publish when sign-up is disabled: %d %s", res.status, res.body)
		}
	})
	t.Run("per address", func(t *testing.T) {
		e := newEnv(t, Config{AllowSignup: true, SignupLimit: app.Limit{Burst: 2, Every: time.Hour}})
		for i, want := range []int{http.StatusCreated, http.StatusCreated, http.StatusTooManyRequests} {
			res := e.do(t, req{method: "POST", path: "/v1/auth/publish", body: publishJSON(id(), id(), id(), id(), "solo@example.com")})
			if res.status != want {
				t.Fatalf("publish %d: %d, want %d: %s", i+1, res.status, want, res.body)
			}
		}
	})
	t.Run("per client address", func(t *testing.T) {
		e := newEnv(t, Config{AllowSignup: true, AuthRatePerMinute: 2})
		for i, want := range []int{http.StatusCreated, http.StatusCreated, http.StatusTooManyRequests} {
			res := e.do(t, req{method: "POST", path: "/v1/auth/publish", body: publishJSON(id(), id(), id(), id(), fmt.Sprintf("solo%d@example.com", i))})
			if res.status != want {
				t.Fatalf("publish %d: %d, want %d: %s", i+1, res.status, want, res.body)
			}
		}
	})
}

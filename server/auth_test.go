package server

import (
	"net/http"
	"slices"
	"strconv"
	"testing"
)

func TestAuth(t *testing.T) {
	e := newEnv(t)
	tn := e.newTenant(t, "acme")
	e.run(t, tn, []scenario{
		{name: "signup", method: "POST", path: "/v1/auth/signup",
			body:   `{"email":"Jane@Example.com","password":"long enough","name":"Jane","organization":"Jane Co"}`,
			status: http.StatusCreated, want: map[string]any{"token": "*", "user.email": "jane@example.com", "organization.timezone": "UTC", "expires_at": "*"}},
		{name: "signup with a used address makes a new tenant", method: "POST", path: "/v1/auth/signup",
			body:   `{"email":"Owner@acme.example.com","password":"long enough","name":"Tw","organization":"Tw Co"}`,
			status: http.StatusCreated, want: map[string]any{"token": "*", "user.email": "owner@acme.example.com", "tenant.name": "Tw Co", "tenant.id": "*"}},
		{name: "signup validates every field", method: "POST", path: "/v1/auth/signup",
			body:   `{"email":"jane","password":"short","name":"","organization":" ","timezone":"Nowhere Land"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"email", "password", "name", "organization", "timezone"}},
		{name: "signup checks the time zone exists", method: "POST", path: "/v1/auth/signup",
			body:   `{"email":"tz@example.com","password":"long enough","name":"Tz","organization":"Tz","timezone":"Nowhere/Land"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"timezone"}},
		{name: "signup refuses Local", method: "POST", path: "/v1/auth/signup",
			body:   `{"email":"tz@example.com","password":"long enough","name":"Tz","organization":"Tz","timezone":"Local"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"timezone"}},
		{name: "signup refuses control characters in names", method: "POST", path: "/v1/auth/signup",
			body:   `{"email":"cc@example.com","password":"long enough","name":"A\u001b[2J","organization":"B\u0085"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"name", "organization"}},
		{name: "signup reports missing fields", method: "POST", path: "/v1/auth/signup", body: `{"email":"a@b.example"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"password", "name", "organization"}},
		{name: "signup rejects unknown fields", method: "POST", path: "/v1/auth/signup",
			body:   `{"email":"k@example.com","password":"long enough","name":"K","organization":"K","role":"owner"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"role"}},
		{name: "signup malformed JSON", method: "POST", path: "/v1/auth/signup", body: `{"email":`, status: http.StatusBadRequest},
		{name: "signup without body", method: "POST", path: "/v1/auth/signup", status: http.StatusBadRequest},
		{name: "login", method: "POST", path: "/v1/auth/login", body: `{"email":"owner@acme.example.com","password":"correct horse"}`,
			status: http.StatusOK, want: map[string]any{"user.id": "$owner_id", "organization.id": "$org", "token": "*"}},
		{name: "login e-mail is case-insensitive", method: "POST", path: "/v1/auth/login", body: `{"email":"OWNER@acme.example.com","password":"correct horse"}`,
			status: http.StatusOK},
		{name: "wrong password is 401", method: "POST", path: "/v1/auth/login", body: `{"email":"owner@acme.example.com","password":"wrong horse"}`,
			status: http.StatusUnauthorized},
		{name: "unknown e-mail is 401", method: "POST", path: "/v1/auth/login", body: `{"email":"nobody@acme.example.com","password":"correct horse"}`,
			status: http.StatusUnauthorized},
		{name: "login to a tenant", method: "POST", path: "/v1/auth/login", body: `{"email":"owner@acme.example.com","password":"correct horse","tenant_id":"$tenant"}`,
			status: http.StatusOK, want: map[string]any{"user.id": "$owner_id", "tenant.id": "$tenant", "organization.id": "$org"}},
		{name: "login to a tenant without the account is 401", method: "POST", path: "/v1/auth/login",
			body: `{"email":"owner@acme.example.com","password":"correct horse","tenant_id":"$org"}`, status: http.StatusUnauthorized},
		{name: "login with a malformed tenant id", method: "POST", path: "/v1/auth/login",
			body:   `{"email":"owner@acme.example.com","password":"correct horse","tenant_id":"acme"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"tenant_id"}},
		{name: "login needs both fields", method: "POST", path: "/v1/auth/login", body: `{"email":"owner@acme.example.com"}`,
			status: http.StatusUnprocessableEntity, fields: []string{"password"}},
	})
}

func TestSignupDisabled(t *testing.T) {
	e := newEnv(t, Config{AllowSignup: false})
	res := e.do(t, req{method: "POST", path: "/v1/auth/signup",
		body: `{"email":"jane@example.com","password":"long enough","name":"Jane","organization":"Jane Co"}`})
	if res.status != http.StatusForbidden {
		t.Fatalf("signup when disabled: %d %s", res.status, res.body)
	}
}

func TestLoginRateLimit(t *testing.T) {
	e := newEnv(t, Config{AllowSignup: true, AuthRatePerMinute: 3})
	login := req{method: "POST", path: "/v1/auth/login", body: `{"email":"nobody@example.com","password":"guess guess"}`}
	for i := range 3 {
		if res := e.do(t, login); res.status != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d, want 401", i+1, res.status)
		}
	}
	res := e.do(t, login)
	if res.status != http.StatusTooManyRequests {
		t.Fatalf("4th attempt: %d, want 429", res.status)
	}
	if s, err := strconv.Atoi(res.header.Get("Retry-After")); err != nil || s < 1 || s > 60 {
		t.Fatalf("Retry-After %q", res.header.Get("Retry-After"))
	}
	// Other routes are not limited.
	if res := e.do(t, req{method: "GET", path: "/healthz"}); res.status != http.StatusOK {
		t.Fatalf("healthz while limited: %d", res.status)
	}
}

// TestOneAddressInSeveralTenants: sign-up with an address that has an account makes a new
// tenant with a new account; login without tenant_id opens the first account and with it the
// one named; a wrong password, whichever account it is tried on, and a tenant without an
// account for the address get the same answer; each account sees only its own tenant.
func TestOneAddressInSeveralTenants(t *testing.T) {
	e := newEnv(t)
	acme := e.newTenant(t, "acme")
	e.seed(t, acme)
	other := e.newTenant(t, "other")
	res := e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/auth/signup",
		body: `{"email":"owner@acme.example.com","password":"second horse","name":"Owner again","organization":"Second Ltd"}`})
	second := map[string]string{"tenant": res.str("tenant.id"), "user": res.str("user.id"), "org": res.str("organization.id"), "token": res.str("token")}
	if second["tenant"] == acme.ids["tenant"] || second["user"] == acme.ids["owner_id"] || res.str("tenant.name") != "Second Ltd" {
		t.Fatalf("sign-up with acme's owner's address: %s", res.body)
	}
	login := func(pw, tenant string) response {
		body := `{"email":"owner@acme.example.com","password":"` + pw + `"`
		if tenant != "" {
			body += `,"tenant_id":"` + tenant + `"`
		}
		return e.do(t, req{method: "POST", path: "/v1/auth/login", body: body + "}"})
	}
	for _, c := range []struct {
		name, pw, tenant, user string
	}{
		{"without tenant_id: the first account", "correct horse", "", acme.ids["owner_id"]},
		{"acme", "correct horse", acme.ids["tenant"], acme.ids["owner_id"]},
		{"second", "second horse", second["tenant"], second["user"]},
	} {
		if res := login(c.pw, c.tenant); res.status != http.StatusOK || res.str("user.id") != c.user {
			t.Errorf("login %s: %d user %q, want %s: %s", c.name, res.status, res.str("user.id"), c.user, res.body)
		}
	}
	var failures []string
	for _, c := range []struct{ name, pw, tenant string }{
		{"the second account's password without tenant_id", "second horse", ""},
		{"wrong password for acme", "second horse", acme.ids["tenant"]},
		{"wrong password for the second account", "correct horse", second["tenant"]},
		{"a tenant without an account for the address", "correct horse", other.ids["tenant"]},
	} {
		res := login(c.pw, c.tenant)
		if res.status != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401: %s", c.name, res.status, res.body)
		}
		failures = append(failures, withoutRequestID(t, res))
	}
	if len(slices.Compact(slices.Clone(failures))) != 1 {
		t.Errorf("failed logins answer differently: %q", failures)
	}
	// The second account sees nothing of acme, and acme's token does not open it.
	for _, path := range []string{"/v1/projects/" + acme.ids["project"], "/v1/members/" + acme.ids["owner_id"],
		"/v1/time-entries/" + acme.ids["entry"], "/v1/organizations/" + acme.ids["org"]} {
		e.must(t, http.StatusNotFound, req{method: "GET", path: path, token: second["token"]})
	}
	if res := e.must(t, http.StatusOK, req{method: "GET", path: "/v1/projects", token: second["token"]}); res.field("items.len") != 0.0 {
		t.Errorf("second account lists projects: %s", res.body)
	}
	if res := e.must(t, http.StatusOK, req{method: "GET", path: "/v1/members", token: second["token"]}); res.field("items.len") != 1.0 ||
		res.str("items.0.user_id") != second["user"] {
		t.Errorf("second account's members: %s", res.body)
	}
	e.must(t, http.StatusNotFound, req{method: "GET", path: "/v1/me", token: acme.token("owner"), headers: map[string]string{"X-Org-Id": second["org"]}})
}

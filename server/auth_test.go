package server

import (
	"net/http"
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
		{name: "signup twice is 409", method: "POST", path: "/v1/auth/signup",
			setup:  []step{create("", "/v1/auth/signup", `{"email":"twice@example.com","password":"long enough","name":"Tw","organization":"Tw Co"}`, "")},
			body:   `{"email":"Twice@example.com","password":"long enough","name":"Tw","organization":"Tw Co"}`,
			status: http.StatusConflict},
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

package server

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestAddMemberAnswersAlikeForOtherTenantsAddresses: adding an address that has an account in
// another tenant gets the same status and body as adding one nobody uses, both without name
// and password (422) and with them (201, a new user of this tenant), so the route is no
// oracle for who has an account elsewhere; the other tenant's account stays as it was.
func TestAddMemberAnswersAlikeForOtherTenantsAddresses(t *testing.T) {
	e := newEnv(t)
	a := e.newTenant(t, "acme")
	globex := e.newTenant(t, "globex")
	varying := regexp.MustCompile(`"request_id":"[^"]*"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|"20[0-9T:.+Z-]+"|[a-z]+@globex\.example\.com`)
	post := func(email, extra string) response {
		return e.do(t, req{method: "POST", path: "/v1/members", token: a.token("owner"),
			body: `{"email":"` + email + `","role":"member"` + extra + `}`})
	}
	for _, c := range []struct {
		name, extra string
		status      int
	}{
		{"without name and password", "", http.StatusUnprocessableEntity},
		{"with name and password", `,"name":"New","password":"new password"`, http.StatusCreated},
	} {
		taken, free := post("member@globex.example.com", c.extra), post("nobody@globex.example.com", c.extra)
		tb, fb := varying.ReplaceAll(taken.body, nil), varying.ReplaceAll(free.body, nil)
		if taken.status != free.status || !bytes.Equal(tb, fb) {
			t.Fatalf("%s: address of another tenant: %d %s\nunused address: %d %s", c.name, taken.status, taken.body, free.status, free.body)
		}
		if free.status != c.status {
			t.Fatalf("%s: unused address: %d, want %d: %s", c.name, free.status, c.status, free.body)
		}
		if c.status == http.StatusCreated && (taken.str("user_id") == globex.ids["member_id"] || taken.str("tenant_id") != a.ids["tenant"]) {
			t.Fatalf("address of another tenant: %s; globex's user is %s", taken.body, globex.ids["member_id"])
		}
	}
	// Globex's account is untouched: its own password opens it, and the new one opens only
	// the new account in acme.
	res := e.must(t, http.StatusOK, req{method: "POST", path: "/v1/auth/login",
		body: `{"email":"member@globex.example.com","password":"correct horse"}`})
	if res.str("user.id") != globex.ids["member_id"] {
		t.Fatalf("globex's member logs in as %s, want %s", res.str("user.id"), globex.ids["member_id"])
	}
	e.must(t, http.StatusUnauthorized, req{method: "POST", path: "/v1/auth/login",
		body: `{"email":"member@globex.example.com","password":"new password"}`})
	res = e.must(t, http.StatusOK, req{method: "POST", path: "/v1/auth/login",
		body: `{"email":"member@globex.example.com","password":"new password","tenant_id":"` + a.ids["tenant"] + `"}`})
	if res.str("tenant.id") != a.ids["tenant"] || res.str("user.id") == globex.ids["member_id"] {
		t.Fatalf("the new account: %s", res.body)
	}
}

// TestNewAccountsAreThrottledPerTenant: a request with a password hashes it and may create an
// account, so such requests are limited per tenant; requests without one are not.
func TestNewAccountsAreThrottledPerTenant(t *testing.T) {
	// newTenant adds a member per principal besides the owner; each tenant then has 3 left.
	burst := len(principals()) - 1 + 3
	e := newEnv(t, Config{AllowSignup: true, NewAccountLimit: app.Limit{Burst: burst, Every: time.Hour}})
	a := e.newTenant(t, "acme")
	other := e.newTenant(t, "initech")
	post := func(tok, body string) response {
		return e.do(t, req{method: "POST", path: "/v1/members", token: tok, body: body})
	}
	for i := range 3 {
		res := post(a.token("owner"), fmt.Sprintf(`{"email":"new%d@acme.example.com","role":"member","name":"New %d","password":"long enough password"}`, i, i))
		if res.status != http.StatusCreated {
			t.Fatalf("new account %d: %d %s", i, res.status, res.body)
		}
	}
	res := post(a.token("owner"), `{"email":"probe@globex.example.com","role":"member","name":"Probe","password":"long enough password"}`)
	if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" {
		t.Fatalf("fourth new account: %d %q %s; want 429 with Retry-After", res.status, res.header.Get("Retry-After"), res.body)
	}
	// Without a password nothing is hashed or created, so nothing is spent or refused for it.
	if res := post(a.token("owner"), `{"email":"nobody@acme.example.com","role":"member"}`); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("request without a password: %d %s; want 422", res.status, res.body)
	}
	// Another tenant has an allowance of its own.
	if res := post(other.token("owner"), `{"email":"new@initech.example.com","role":"member","name":"New","password":"long enough password"}`); res.status != http.StatusCreated {
		t.Fatalf("another tenant: %d %s", res.status, res.body)
	}
}

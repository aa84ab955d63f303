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
// another tenant gets the same status and body as adding one nobody uses, so the route is no
// oracle for who has an account elsewhere.
func TestAddMemberAnswersAlikeForOtherTenantsAddresses(t *testing.T) {
	e := newEnv(t)
	a := e.newTenant(t, "acme")
	e.newTenant(t, "globex")
	requestID := regexp.MustCompile(`"request_id":"[^"]*"`)
	post := func(email string) response {
		return e.do(t, req{method: "POST", path: "/v1/members", token: a.token("owner"),
			body: `{"email":"` + email + `","role":"member"}`})
	}
	taken, free := post("member@globex.example.com"), post("nobody@globex.example.com")
	tb, fb := requestID.ReplaceAll(taken.body, nil), requestID.ReplaceAll(free.body, nil)
	if taken.status != free.status || !bytes.Equal(tb, fb) {
		t.Fatalf("address of another tenant: %d %s\nunused address: %d %s", taken.status, tb, free.status, fb)
	}
	if free.status != http.StatusUnprocessableEntity {
		t.Fatalf("unused address without name and password: %d, want 422", free.status)
	}
}

// TestNewAccountsAreThrottledPerTenant: a complete request for an address used in another
// tenant is refused, so such requests are limited per tenant; requests that cannot create an
// account are not.
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
	// Without a password nothing can be created, so nothing is spent or refused for it.
	if res := post(a.token("owner"), `{"email":"nobody@acme.example.com","role":"member"}`); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("request without a password: %d %s; want 422", res.status, res.body)
	}
	// Another tenant has an allowance of its own.
	if res := post(other.token("owner"), `{"email":"new@initech.example.com","role":"member","name":"New","password":"long enough password"}`); res.status != http.StatusCreated {
		t.Fatalf("another tenant: %d %s", res.status, res.body)
	}
}

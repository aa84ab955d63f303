package server

import (
	"bytes"
	"net/http"
	"regexp"
	"testing"
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

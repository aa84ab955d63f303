package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// importFile is a Toggl Track export (times without a zone) of rows by the given people,
// an hour each on consecutive days, with a row whose start date does not exist when bad.
func importFile(bad bool, people ...string) string {
	var b strings.Builder
	b.WriteString("User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags\n")
	day := time.Date(2020, 1, 6, 0, 0, 0, 0, time.UTC)
	for i, p := range people {
		d := day.AddDate(0, 0, i).Format("2006-01-02")
		fmt.Fprintf(&b, "%s,%s,Imported client,Imported project,,Row %d,Yes,%s,09:00:00,%s,10:00:00,01:00:00,imported\n", p, p, i, d, d)
	}
	if bad {
		b.WriteString("x,x,Imported client,Imported project,,Broken,Yes,2025-02-30,09:00:00,2025-02-30,10:00:00,01:00:00,\n")
	}
	return b.String()
}

// TestImportAPI: POST /v1/imports takes the file as the body and answers the plan, with
// the same rules as `stint import`: a zone when the file names none, problems by line
// (422, nothing written) unless skip_invalid, members and managers import their own time
// only, owners and admins anyone's, owners add the people the file names; the same file again creates nothing.
// Each row runs on a fresh server.
func TestImportAPI(t *testing.T) {
	const tz = "&timezone=Europe/Berlin"
	owner := "owner@tenant-a.example.com"
	member := "member@tenant-a.example.com"
	type check func(t *testing.T, res response)
	fields := func(want ...string) check {
		return func(t *testing.T, res response) {
			if got := res.problemFields(); !slices.Equal(got, want) {
				t.Errorf("problem fields %q, want %q: %s", got, want, res.body)
			}
		}
	}
	plan := func(entries, existing int, written bool, creates string) check {
		return func(t *testing.T, res response) {
			if res.field("entries") != float64(entries) || res.field("existing") != float64(existing) || res.field("written") != written ||
				res.field("dry_run") == written {
				t.Errorf("plan: entries %v existing %v written %v dry_run %v, want %d, %d, %v: %s", res.field("entries"),
					res.field("existing"), res.field("written"), res.field("dry_run"), entries, existing, written, res.body)
			}
			if got := fmt.Sprint(res.field("create")); got != creates {
				t.Errorf("creates %s, want %s", got, creates)
			}
		}
	}
	noneCreated := "map[clients:[] members:[] projects:[] tags:[] tasks:[]]"
	catalog := "map[clients:[Imported client] members:[] projects:[Imported project] tags:[imported] tasks:[]]"
	rows := []struct {
		name   string
		who    string
		query  string
		body   string
		before []string // queries the same principal imports the same body with first
		status int
		check  check
	}{
		{name: "no zone for a file without one", who: "owner", query: "?dry_run=true", body: importFile(false, owner),
			status: http.StatusUnprocessableEntity, check: fields("timezone")},
		{name: "dry run", who: "owner", query: "?dry_run=true" + tz, body: importFile(false, owner, owner),
			status: http.StatusOK, check: plan(2, 0, false, catalog)},
		{name: "problems by line, nothing written", who: "owner", query: "?format=toggl" + tz, body: importFile(true, owner),
			status: http.StatusUnprocessableEntity, check: fields("line 3")},
		{name: "skip the rows with problems", who: "owner", query: "?skip_invalid=true" + tz, body: importFile(true, owner),
			status: http.StatusOK, check: plan(1, 0, true, catalog)},
		{name: "the same file again creates nothing", who: "owner", query: "?" + tz[1:], body: importFile(false, owner, owner),
			before: []string{"?" + tz[1:]}, status: http.StatusOK, check: plan(0, 2, true, noneCreated)},
		{name: "a format the file is not", who: "owner", query: "?format=timewarrior", body: importFile(false, owner),
			status: http.StatusUnprocessableEntity, check: fields("body")},
		{name: "a file of no known format", who: "owner", query: "", body: "a,b\n1,2\n",
			status: http.StatusUnprocessableEntity, check: fields("format")},
		{name: "an empty body", who: "owner", query: "?" + tz[1:], body: "", status: http.StatusBadRequest},
		{name: "the owner adds the people the file names", who: "owner", query: "?dry_run=true" + tz,
			body: importFile(false, "new.person@example.com"), status: http.StatusOK,
			check: plan(1, 0, false, "map[clients:[Imported client] members:[new.person@example.com] projects:[Imported project] tags:[imported] tasks:[]]")},
		{name: "a member's rows of others are problems", who: "member", query: "?" + tz[1:], body: importFile(false, owner),
			status: http.StatusUnprocessableEntity, check: fields("line 2")},
		{name: "a dry run lists the problems", who: "member", query: "?dry_run=true" + tz, body: importFile(false, owner),
			status: http.StatusOK, check: func(t *testing.T, res response) {
				if res.field("problems.len") != float64(1) || res.field("problems.0.line") != float64(2) {
					t.Errorf("problems: %s", res.body)
				}
			}},
		{name: "a member names someone else", who: "member", query: "?dry_run=true&user=" + owner + tz, body: importFile(false, owner),
			status: http.StatusForbidden},
		{name: "a manager may not import others' time", who: "manager", query: "?user=" + member + tz, body: importFile(false, owner),
			status: http.StatusForbidden},
		{name: "an admin imports a member's time", who: "admin", query: "?user=" + member + tz, body: importFile(false, owner),
			status: http.StatusOK, check: plan(1, 0, true, catalog)},
		{name: "a user who is not a member", who: "admin", query: "?dry_run=true&user=nobody@example.com" + tz, body: importFile(false, owner),
			status: http.StatusUnprocessableEntity, check: fields("user")},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			e := newEnv(t)
			a := e.newTenant(t, "tenant-a")
			for _, q := range r.before {
				e.must(t, http.StatusOK, req{method: "POST", path: "/v1/imports" + q, token: a.token(r.who), body: r.body})
			}
			res := e.must(t, r.status, req{method: "POST", path: "/v1/imports" + r.query, token: a.token(r.who), body: r.body})
			if r.check != nil {
				r.check(t, res)
			}
		})
	}
}

// TestImportAPIWritesEntries: an import's entries are there afterwards, in the member's
// name when an admin gave them to the member, with the source "import". The file goes as
// it is, here as text/csv.
func TestImportAPIWritesEntries(t *testing.T) {
	e := newEnv(t)
	a := e.newTenant(t, "tenant-a")
	e.must(t, http.StatusOK, req{method: "POST", path: "/v1/imports?timezone=Europe/Berlin&user=member@tenant-a.example.com",
		token: a.token("admin"), body: importFile(false, "x@example.com", "y@example.com"),
		headers: map[string]string{"Content-Type": "text/csv; charset=utf-8"}})
	res := e.must(t, http.StatusOK, req{method: "GET", path: "/v1/time-entries?user_id=" + a.ids["member_id"], token: a.token("admin")})
	if n := res.field("items.len"); n != float64(2) {
		t.Fatalf("%v entries of the member, want 2: %s", n, res.body)
	}
	if res.str("items.0.source") != "import" || res.str("items.0.started_at") != "2020-01-07T08:00:00Z" {
		t.Errorf("entries: %s", res.body)
	}
}

// TestImportAPIBodyLimit: an import's file may be larger than other bodies (up to
// MaxImportBytes), also with an Idempotency-Key, and is refused with a 413 above it.
func TestImportAPIBodyLimit(t *testing.T) {
	e := newEnv(t, Config{AllowSignup: true, MaxBodyBytes: 64 << 10, MaxImportBytes: 1 << 20})
	a := e.newTenant(t, "tenant-a")
	people := make([]string, 2000)
	for i := range people {
		people[i] = "owner@tenant-a.example.com"
	}
	big := importFile(false, people...) // about 250 KB: over MaxBodyBytes, under MaxImportBytes
	if len(big) <= 64<<10 || len(big) >= 1<<20 {
		t.Fatalf("the file has %d bytes", len(big))
	}
	res := e.must(t, http.StatusOK, req{method: "POST", path: "/v1/imports?dry_run=true&timezone=Europe/Berlin", token: a.token("owner"),
		body: big, headers: map[string]string{"Idempotency-Key": "import-1"}})
	if res.field("entries") != float64(2000) {
		t.Errorf("entries %v, want 2000", res.field("entries"))
	}
	// Other routes keep their limit.
	e.must(t, http.StatusRequestEntityTooLarge, req{method: "POST", path: "/v1/clients", token: a.token("owner"),
		body: `{"name":"` + strings.Repeat("x", 64<<10) + `"}`})
	for len(big) <= 1<<20 {
		big += big
	}
	e.must(t, http.StatusRequestEntityTooLarge, req{method: "POST", path: "/v1/imports?dry_run=true&timezone=Europe/Berlin",
		token: a.token("owner"), body: big})
}

package server

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// pulled is what pulling every page gave one principal.
type pulled struct {
	ids   map[string]string // row id → kind
	heads []float64
	last  response
}

// pullAll pulls from cursor 0 in pages of limit rows until more is false.
func (e *testEnv) pullAll(t *testing.T, token string, limit int) pulled {
	t.Helper()
	out := pulled{ids: map[string]string{}}
	cursor := 0.0
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatal("pull does not end")
		}
		res := e.must(t, http.StatusOK, req{method: "POST", path: "/v1/sync/pull", token: token,
			body: fmt.Sprintf(`{"protocol":1,"cursor":%.0f,"limit":%d}`, cursor, limit)})
		rows, _ := res.field("rows").([]any)
		if len(rows) > limit {
			t.Fatalf("page of %d rows, limit %d", len(rows), limit)
		}
		prev := cursor
		for _, r := range rows {
			m, _ := r.(map[string]any)
			id, _ := m["id"].(string)
			kind, _ := m["kind"].(string)
			v, _ := m["server_version"].(float64)
			row, _ := m["row"].(map[string]any)
			if v <= prev || m["hlc"] == "" || row["id"] != id {
				t.Errorf("row %s %s at version %v after %v, hlc %q, row id %v", kind, id, v, prev, m["hlc"], row["id"])
			}
			if _, dup := out.ids[id]; dup {
				t.Errorf("row %s %s pulled twice", kind, id)
			}
			out.ids[id], prev = kind, v
		}
		out.heads = append(out.heads, res.field("head").(float64))
		out.last = res
		cursor = res.field("cursor").(float64)
		if res.field("more") != true {
			return out
		}
	}
}

// TestSyncPullVisibility pulls everything as each principal, in small pages, and checks the
// visibility rules of docs/sync.md: the organization's catalog and members for everyone,
// every entry for manager and above, only their own for a member, nothing of an
// organization they are not in, nothing of another tenant, and no password hash.
func TestSyncPullVisibility(t *testing.T) {
	e := newEnv(t)
	a := e.newTenant(t, "tenant-a")
	e.seed(t, a)
	b := e.newTenant(t, "tenant-b")
	e.seed(t, b)

	catalog := []string{"org", "client", "project", "task", "tag", "owner_id", "admin_id", "manager_id", "member_id"}
	allEntries := []string{"entry", "member_entry", "running_entry"}
	cases := []struct {
		who    string
		tn     *tenant
		seen   []string // placeholders of ids the pull must include
		hidden []string // placeholders of ids it must not include
	}{
		{"owner", a, append(append([]string{"org2"}, catalog...), allEntries...), nil},
		{"manager", a, append(slices.Clone(catalog), allEntries...), []string{"org2"}},
		{"member", a, append(slices.Clone(catalog), "member_entry", "running_entry"), []string{"entry", "org2"}},
		{"owner of another tenant", b, append(append([]string{"org2"}, catalog...), allEntries...), nil},
	}
	for _, c := range cases {
		t.Run(c.who, func(t *testing.T) {
			who := strings.TrimSuffix(c.who, " of another tenant")
			p := e.pullAll(t, c.tn.token(who), 3)
			for _, name := range c.seen {
				if _, ok := p.ids[c.tn.ids[name]]; !ok {
					t.Errorf("%s (%s) not pulled", name, c.tn.ids[name])
				}
			}
			for _, name := range c.hidden {
				if kind, ok := p.ids[c.tn.ids[name]]; ok {
					t.Errorf("%s (%s) pulled as %s, must not be visible", name, c.tn.ids[name], kind)
				}
			}
			other := a
			if c.tn == a {
				other = b
			}
			for name, id := range other.ids {
				if _, ok := p.ids[id]; ok {
					t.Errorf("another tenant's %s (%s) pulled", name, id)
				}
			}
			if p.last.field("cursor") != p.last.field("head") {
				t.Errorf("last page: cursor %v, head %v; want the head", p.last.field("cursor"), p.last.field("head"))
			}
			if strings.Contains(string(p.last.body), "argon2") || strings.Contains(string(p.last.body), "password") {
				t.Errorf("a pull shows a password hash: %s", p.last.body)
			}
		})
	}

	// Pages of any size give the same rows.
	one := e.pullAll(t, a.token("manager"), 1000)
	small := e.pullAll(t, a.token("manager"), 1)
	if len(one.ids) != len(small.ids) || len(one.heads) != 1 {
		t.Errorf("one page: %d rows in %d pages; pages of 1: %d rows", len(one.ids), len(one.heads), len(small.ids))
	}
}

// TestSyncPullContract covers the request's rules: protocol, cursor and limit.
func TestSyncPullContract(t *testing.T) {
	e := newEnv(t)
	a := e.newTenant(t, "tenant-a")
	e.seed(t, a)
	owner := a.token("owner")

	res := e.must(t, http.StatusConflict, req{method: "POST", path: "/v1/sync/pull", token: owner, body: `{"protocol":2,"cursor":0}`})
	if res.str("type") != "sync-protocol" || res.field("client_protocol") != 2.0 || res.field("server_protocol") != 1.0 ||
		!strings.Contains(res.str("detail"), "protocol 1") || !strings.Contains(res.str("detail"), "used 2") {
		t.Errorf("protocol mismatch: %s", res.body)
	}
	for _, c := range []struct {
		body  string
		field string
	}{
		{`{"cursor":0}`, "protocol"},
		{`{"protocol":0,"cursor":0}`, "protocol"},
		{`{"protocol":1}`, "cursor"},
		{`{"protocol":1,"cursor":-1}`, "cursor"},
		{`{"protocol":1,"cursor":0,"limit":1001}`, "limit"},
		{`{"protocol":1,"cursor":0,"limit":0}`, "limit"},
		{`{"protocol":1,"cursor":0,"since":5}`, "since"},
	} {
		res := e.must(t, http.StatusUnprocessableEntity, req{method: "POST", path: "/v1/sync/pull", token: owner, body: c.body})
		if !slices.Contains(res.problemFields(), c.field) {
			t.Errorf("%s: problem names %v, want %s", c.body, res.problemFields(), c.field)
		}
	}

	// No limit: one page of up to 500 rows holds the whole small tenant.
	res = e.must(t, http.StatusOK, req{method: "POST", path: "/v1/sync/pull", token: owner, body: `{"protocol":1,"cursor":0}`})
	if n, _ := res.field("rows.len").(float64); n < 10 || res.field("more") != false {
		t.Errorf("default page: %v rows, more %v", n, res.field("more"))
	}
	// From the head, nothing is new until something changes; then only that.
	head := res.field("head").(float64)
	res = e.must(t, http.StatusOK, req{method: "POST", path: "/v1/sync/pull", token: owner, body: fmt.Sprintf(`{"protocol":1,"cursor":%.0f}`, head)})
	if res.field("rows.len") != 0.0 || res.field("cursor") != head {
		t.Errorf("pull from the head: %s", res.body)
	}
	e.must(t, http.StatusOK, req{method: "PATCH", path: "/v1/projects/" + a.ids["project"], token: owner, body: `{"name":"Renamed"}`})
	res = e.must(t, http.StatusOK, req{method: "POST", path: "/v1/sync/pull", token: owner, body: fmt.Sprintf(`{"protocol":1,"cursor":%.0f}`, head)})
	if res.field("rows.len") != 1.0 || res.str("rows.0.id") != a.ids["project"] || res.str("rows.0.row.name") != "Renamed" {
		t.Errorf("pull after a rename: %s", res.body)
	}
}

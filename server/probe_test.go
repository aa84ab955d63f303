package server

import (
	"net/http"
	"strings"
	"testing"
)

// probeRule says how the cross-tenant probe calls one route as tenant B with tenant A's ids.
type probeRule struct {
	public bool     // served without a token (isPublic)
	ids    []string // row routes: which of A's ids fill {id} or {user_id}; empty for others
	query  string   // query string, with A's $ids
	body   string   // request body, with A's $ids
	status int      // what B's owner gets
	// control is B's own id for the path parameter: B gets 200 from a GET with it, which
	// shows the 404 above is about tenancy and not a malformed request.
	control string
}

// probeRules covers every route. A route without a rule fails TestCrossTenantProbe, so a new
// route cannot ship without saying how it keeps tenants apart.
func probeRules() map[string]probeRule {
	entries := []string{"entry", "member_entry", "running_entry"}
	users := []string{"owner_id", "admin_id", "manager_id", "member_id"}
	const times = `"started_at":"2025-11-10T09:00:00Z","stopped_at":"2025-11-10T10:00:00Z"`
	return map[string]probeRule{
		"GET /healthz":         {public: true, status: http.StatusOK},
		"GET /readyz":          {public: true, status: http.StatusOK},
		"GET /v1/openapi.json": {public: true, status: http.StatusOK},
		// A's owner's address signs up a new tenant of its own; A is not touched.
		"POST /v1/auth/signup": {public: true, body: `{"email":"owner@tenant-a.example.com","password":"correct horse","name":"x","organization":"x"}`,
			status: http.StatusCreated},
		// Publishing with A's ids is refused before anything is written: A is not touched.
		"POST /v1/auth/publish": {public: true, body: `{"tenant_id":"$tenant","organization_id":"$org","user_id":"$owner_id",` +
			`"membership_id":"$member_id","organization":"x","name":"x","email":"probe@tenant-b.example.com","password":"correct horse"}`,
			status: http.StatusConflict},
		"POST /v1/auth/login": {public: true, body: `{"email":"owner@tenant-a.example.com","password":"wrong horse","tenant_id":"$tenant"}`,
			status: http.StatusUnauthorized},

		"GET /v1/me":   {status: http.StatusOK},
		"PATCH /v1/me": {body: `{"timezone":"Asia/Tokyo"}`, status: http.StatusOK},

		"GET /v1/tokens":         {status: http.StatusOK},
		"POST /v1/tokens":        {body: `{"name":"probe"}`, status: http.StatusCreated},
		"DELETE /v1/tokens/{id}": {ids: []string{"token_id"}, status: http.StatusNotFound},

		"GET /v1/organizations":        {status: http.StatusOK},
		"POST /v1/organizations":       {body: `{"name":"probe org"}`, status: http.StatusCreated},
		"GET /v1/organizations/{id}":   {ids: []string{"org", "org2"}, status: http.StatusNotFound, control: "org"},
		"PATCH /v1/organizations/{id}": {ids: []string{"org", "org2"}, body: `{"name":"pwned"}`, status: http.StatusNotFound},

		"GET /v1/members": {status: http.StatusOK},
		// Another tenant's user's address makes a separate user of B; A's user is not touched.
		"POST /v1/members":             {body: `{"email":"member@tenant-a.example.com","role":"member","name":"Probe","password":"correct horse"}`, status: http.StatusCreated},
		"GET /v1/members/{user_id}":    {ids: users, status: http.StatusNotFound, control: "member_id"},
		"PATCH /v1/members/{user_id}":  {ids: users, body: `{"role":"admin"}`, status: http.StatusNotFound},
		"DELETE /v1/members/{user_id}": {ids: users, status: http.StatusNotFound},
		// B invites A's owner's address into B; A is not touched.
		"GET /v1/invitations":             {query: "?status=pending", status: http.StatusOK},
		"POST /v1/invitations":            {body: `{"email":"owner@tenant-a.example.com","role":"member"}`, status: http.StatusCreated},
		"DELETE /v1/invitations/{id}":     {ids: []string{"invitation"}, status: http.StatusNotFound},
		"POST /v1/invitations/accept":     {public: true, body: `{"code":"AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA","name":"x","password":"correct horse"}`, status: http.StatusNotFound},
		"GET /v1/clients":                 {query: "?include_archived=true", status: http.StatusOK},
		"POST /v1/clients":                {body: `{"name":"probe client"}`, status: http.StatusCreated},
		"GET /v1/clients/{id}":            {ids: []string{"client"}, status: http.StatusNotFound, control: "client"},
		"PATCH /v1/clients/{id}":          {ids: []string{"client"}, body: `{"name":"pwned"}`, status: http.StatusNotFound},
		"DELETE /v1/clients/{id}":         {ids: []string{"client"}, status: http.StatusNotFound},
		"GET /v1/projects":                {query: "?include_archived=true", status: http.StatusOK},
		"POST /v1/projects":               {body: `{"name":"probe project","client_id":"$client"}`, status: http.StatusUnprocessableEntity},
		"GET /v1/projects/{id}":           {ids: []string{"project"}, status: http.StatusNotFound, control: "project"},
		"PATCH /v1/projects/{id}":         {ids: []string{"project"}, body: `{"name":"pwned"}`, status: http.StatusNotFound},
		"DELETE /v1/projects/{id}":        {ids: []string{"project"}, status: http.StatusNotFound},
		"GET /v1/tasks":                   {query: "?project_id=$project", status: http.StatusOK},
		"POST /v1/tasks":                  {body: `{"project_id":"$project","name":"probe task"}`, status: http.StatusUnprocessableEntity},
		"GET /v1/tasks/{id}":              {ids: []string{"task"}, status: http.StatusNotFound, control: "task"},
		"PATCH /v1/tasks/{id}":            {ids: []string{"task"}, body: `{"done":true}`, status: http.StatusNotFound},
		"DELETE /v1/tasks/{id}":           {ids: []string{"task"}, status: http.StatusNotFound},
		"GET /v1/tags":                    {query: "?include_archived=true", status: http.StatusOK},
		"POST /v1/tags":                   {body: `{"name":"probe tag"}`, status: http.StatusCreated},
		"GET /v1/tags/{id}":               {ids: []string{"tag"}, status: http.StatusNotFound, control: "tag"},
		"PATCH /v1/tags/{id}":             {ids: []string{"tag"}, body: `{"name":"pwned"}`, status: http.StatusNotFound},
		"DELETE /v1/tags/{id}":            {ids: []string{"tag"}, status: http.StatusNotFound},
		"GET /v1/time-entries":            {query: "?user_id=$member_id&project_id=$project", status: http.StatusOK},
		"POST /v1/time-entries":           {body: `{"user_id":"$member_id","project_id":"$project","task_id":"$task","tag_ids":["$tag"],` + times + `}`, status: http.StatusUnprocessableEntity},
		"GET /v1/time-entries/{id}":       {ids: entries, status: http.StatusNotFound, control: "entry"},
		"PATCH /v1/time-entries/{id}":     {ids: entries, body: `{"description":"pwned"}`, status: http.StatusNotFound},
		"DELETE /v1/time-entries/{id}":    {ids: entries, status: http.StatusNotFound},
		"GET /v1/timer":                   {status: http.StatusOK},
		"POST /v1/timer/start":            {body: `{"project_id":"$project","tag_ids":["$tag"]}`, status: http.StatusUnprocessableEntity},
		"POST /v1/timer/stop":             {status: http.StatusConflict}, // B's owner runs nothing; A's timer must keep running
		"GET /v1/reports/summary":         {query: "?from=2025-11-01&to=2025-11-30&user_id=$member_id&project_id=$project&client_id=$client&task_id=$task&tag_id=$tag&group=user,tag", status: http.StatusOK},
		"GET /v1/reports/detailed":        {query: "?from=2025-11-01&to=2025-11-30&user_id=$member_id&project_id=$project&client_id=$client&task_id=$task&tag_id=$tag", status: http.StatusOK},
		"GET /v1/rates":                   {query: "?user_id=$member_id", status: http.StatusOK},
		"PUT /v1/rates":                   {body: `{"user_id":"$member_id","project_id":"$project","hourly_minor":1,"currency":"EUR"}`, status: http.StatusUnprocessableEntity},
		"DELETE /v1/rates/{id}":           {ids: []string{"rate"}, status: http.StatusNotFound},
		"GET /v1/budgets":                 {status: http.StatusOK},
		"GET /v1/projects/{id}/budget":    {ids: []string{"project"}, status: http.StatusNotFound, control: "project"},
		"PUT /v1/projects/{id}/budget":    {ids: []string{"project"}, body: `{"kind":"hours","limit":1}`, status: http.StatusNotFound},
		"DELETE /v1/projects/{id}/budget": {ids: []string{"project"}, status: http.StatusNotFound},
		"GET /v1/invoices":                {status: http.StatusOK},
		"POST /v1/invoices":               {body: `{"client_id":"$client","from":"2025-11-01","to":"2025-11-30"}`, status: http.StatusUnprocessableEntity},
		"GET /v1/invoices/{id}":           {ids: []string{"invoice_id"}, status: http.StatusNotFound, control: "invoice_id"},
		"GET /v1/invoices/{id}/pdf":       {ids: []string{"invoice_id"}, status: http.StatusNotFound, control: "invoice_id"},
		"POST /v1/invoices/{id}/unlock":   {ids: []string{"invoice_id"}, body: `{"entry_ids":["$member_entry"]}`, status: http.StatusNotFound},
		// A file naming A's people: B's owner would add them to B as people of its own (a
		// dry run, so that the routes after it may add them too); A's users are not found.
		"POST /v1/imports": {query: "?timezone=Europe/Berlin&dry_run=true", body: importFile(false, "owner@tenant-a.example.com",
			"member@tenant-a.example.com"), status: http.StatusOK},
		// Idle periods are kept per device and user: B sees none of A's and answers nothing.
		"GET /v1/timer/idle":  {status: http.StatusOK},
		"POST /v1/timer/idle": {body: `{"choice":"discard"}`, status: http.StatusNotFound},
		"GET /v1/activity":    {query: "?from=2025-11-01&to=2025-11-30&user_id=$member_id", status: http.StatusOK},
		// B lists its own screenshots only, and reaches none of A's by id.
		"GET /v1/screenshots":                {query: "?from=2025-11-01&to=2025-11-30&user_id=$member_id", status: http.StatusOK},
		"GET /v1/screenshots/{id}":           {ids: []string{"member_screenshot", "owner_screenshot"}, status: http.StatusNotFound, control: "owner_screenshot"},
		"GET /v1/screenshots/{id}/thumbnail": {ids: []string{"member_screenshot", "owner_screenshot"}, status: http.StatusNotFound, control: "owner_screenshot"},
		"DELETE /v1/screenshots/{id}":        {ids: []string{"member_screenshot", "owner_screenshot"}, status: http.StatusNotFound},
		// B uploads under A's image hashes: bytes that are not the image are refused, and
		// images are kept per tenant, so A's are not touched.
		"PUT /v1/screenshot-files/{sha256}": {ids: []string{"member_screenshot_sha256", "owner_screenshot_sha256"}, body: `not the image`,
			status: http.StatusUnprocessableEntity},
		// B pulls B's rows only, whatever its cursor.
		"POST /v1/sync/pull": {body: `{"protocol":1,"cursor":0}`, status: http.StatusOK},
		// B's owner asking for the log of A's entry gets an empty one: the lookup is by tenant.
		"GET /v1/sync/conflicts": {query: "?entity_id=$entry", status: http.StatusOK},
		// A's ids in B's own organization (and A's organization in the row): every mutation
		// is answered not_found and A keeps every row as it was.
		"POST /v1/sync/push": {body: pushBody(1,
			pushMutation("project", "$project", "upsert", `{"name":"pwned"}`),
			pushMutation("project", "$project", "upsert", `{"organization_id":"$org","name":"pwned"}`),
			pushMutation("client", "$client", "delete", ""),
			pushMutation("task", "$task", "upsert", `{"project_id":"$project","name":"pwned"}`),
			pushMutation("tag", "$tag", "delete", `{"organization_id":"$org"}`),
			pushMutation("time_entry", "$entry", "upsert", `{"description":"pwned","started_at":"2025-11-02T09:00:00Z","stopped_at":"2025-11-02T09:01:00Z"}`),
			pushMutation("time_entry", "$running_entry", "upsert", `{"user_id":"$member_id","started_at":"2025-11-02T09:00:00Z","stopped_at":"2025-11-02T09:01:00Z"}`),
			pushMutation("time_entry", "$member_entry", "delete", "")), status: http.StatusOK},
	}
}

// TestCrossTenantProbe calls every route as tenant B with tenant A's ids and A's
// organization, and anonymously. Nothing of A may be reached, changed or shown.
func TestCrossTenantProbe(t *testing.T) {
	e := newEnv(t)
	a := e.newTenant(t, "tenant-a")
	e.seed(t, a)
	b := e.newTenant(t, "tenant-b")
	e.seed(t, b)
	e.seedInvoice(t, a)
	e.seedInvoice(t, b)
	rules := probeRules()
	before := snapshot(t, e, a)

	leaks := func(t *testing.T, res response) {
		t.Helper()
		for _, id := range a.idValues() {
			if strings.Contains(string(res.body), id) {
				t.Errorf("response shows tenant A's id %s: %s", id, res.body)
			}
		}
	}
	seen := map[string]bool{}
	for _, route := range e.srv.Routes() {
		key := route.Method + " " + route.Pattern
		seen[key] = true
		rule, ok := rules[key]
		if !ok {
			t.Errorf("route %s has no cross-tenant probe rule: add one to probeRules", key)
			continue
		}
		t.Run(key, func(t *testing.T) {
			paths := []string{route.Pattern}
			if len(rule.ids) > 0 {
				paths = nil
				for _, name := range rule.ids {
					paths = append(paths, fillPath(route.Pattern, a.ids[name]))
				}
			}
			for _, p := range paths {
				if strings.Contains(p, "{") {
					t.Fatalf("the probe cannot fill %s: give its rule ids", p)
				}
				r := req{method: route.Method, path: p + a.expand(rule.query), body: a.expand(rule.body)}
				// Anonymous.
				res := e.do(t, r)
				if !rule.public && res.status != http.StatusUnauthorized {
					t.Errorf("anonymous %s: %d, want 401", p, res.status)
				}
				leaks(t, res)
				// Every role of B, in B's own organization.
				for _, who := range principals() {
					r.token = b.token(who)
					res := e.do(t, r)
					leaks(t, res)
					switch {
					case who == "owner" && res.status != rule.status:
						t.Errorf("B's owner %s %s: %d, want %d: %s", route.Method, p, res.status, rule.status, res.body)
					case len(rule.ids) > 0 && res.status < 400:
						t.Errorf("B's %s reached A's row with %s %s: %d", who, route.Method, p, res.status)
					}
				}
				// B naming A's organizations.
				for _, org := range []string{a.ids["org"], a.ids["org2"]} {
					r.token = b.token("owner")
					r.headers = map[string]string{"X-Org-Id": org}
					res := e.do(t, r)
					leaks(t, res)
					if !rule.public && res.status != http.StatusNotFound {
						t.Errorf("B in A's organization %s %s: %d, want 404", route.Method, p, res.status)
					}
					r.headers = nil
				}
			}
			if rule.control != "" {
				res := e.do(t, req{method: route.Method, path: fillPath(route.Pattern, b.ids[rule.control]), token: b.token("owner")})
				if res.status != http.StatusOK {
					t.Errorf("control: B's own %s: %d: %s", rule.control, res.status, res.body)
				}
			}
		})
	}
	for key := range rules {
		if !seen[key] {
			t.Errorf("probe rule for %s matches no route: remove it", key)
		}
	}
	// A's rows are exactly as they were: nothing was changed, deleted or stopped.
	after := snapshot(t, e, a)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("tenant A's %s changed: %s → %s", k, v, after[k])
		}
	}
}

// fillPath puts id into the pattern's single path parameter.
func fillPath(pattern, id string) string {
	for _, p := range []string{"{id}", "{user_id}", "{sha256}"} {
		pattern = strings.Replace(pattern, p, id, 1)
	}
	return pattern
}

// snapshot reads each of tn's rows as its owner and keeps the body.
func snapshot(t *testing.T, e *testEnv, tn *tenant) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, path := range map[string]string{
		"org": "/v1/organizations/$org", "org2": "/v1/organizations/$org2", "client": "/v1/clients/$client",
		"project": "/v1/projects/$project", "task": "/v1/tasks/$task", "tag": "/v1/tags/$tag",
		"entry": "/v1/time-entries/$entry", "member_entry": "/v1/time-entries/$member_entry",
		"running_entry": "/v1/time-entries/$running_entry", "members": "/v1/members", "tokens": "/v1/tokens", "invitations": "/v1/invitations",
		"rates": "/v1/rates", "screenshots": "/v1/screenshots?from=2025-11-01&to=2025-11-30",
		"member_screenshot": "/v1/screenshots/$member_screenshot/thumbnail",
	} {
		res := e.must(t, http.StatusOK, req{method: "GET", path: tn.expand(path), token: tn.token("owner")})
		body := string(res.body)
		if name == "tokens" { // last_used_at moves as the owner's session is used
			body = res.str("items.len")
			if n, ok := res.field("items.len").(float64); ok {
				body = strings.Repeat("t", int(n))
			}
		}
		out[name] = body
	}
	return out
}

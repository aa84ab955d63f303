package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// testEnv is a server on a fresh SQLite file behind a real HTTP listener.
type testEnv struct {
	store  *sqlite.Store
	svc    *app.Service
	srv    *Server
	ts     *httptest.Server
	client *http.Client
	logs   *syncBuffer
}

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newEnv starts a server with signup allowed and a rate limit tests do not reach, unless
// cfg says otherwise.
func newEnv(t testing.TB, cfgs ...Config) *testEnv {
	t.Helper()
	var cfg Config
	if len(cfgs) > 0 {
		cfg = cfgs[0]
	} else {
		cfg = Config{AllowSignup: true}
	}
	if cfg.AuthRatePerMinute == 0 {
		cfg.AuthRatePerMinute = 1_000_000
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	logs := &syncBuffer{}
	cfg.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}, ScreenshotDir: t.TempDir()})
	srv := New(svc, cfg)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		_ = st.Close()
	})
	return &testEnv{store: st, svc: svc, srv: srv, ts: ts, client: ts.Client(), logs: logs}
}

// response is what a test request got back.
type response struct {
	status int
	header http.Header
	body   []byte
	json   any
}

// field looks up a dotted path in the JSON body: "entry.id", "items.len", "errors.0.field".
func (r response) field(path string) any {
	v := r.json
	for _, seg := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[seg]
		case []any:
			if seg == "len" {
				return float64(len(x))
			}
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func (r response) str(path string) string {
	s, _ := r.field(path).(string)
	return s
}

// problemFields lists the field names of a problem's errors.
func (r response) problemFields() []string {
	var out []string
	errs, _ := r.field("errors").([]any)
	for _, e := range errs {
		if m, ok := e.(map[string]any); ok {
			f, _ := m["field"].(string)
			out = append(out, f)
		}
	}
	return out
}

// req is one request.
type req struct {
	method, path string
	token        string
	body         string
	headers      map[string]string
}

// do sends r and checks what every response must satisfy.
func (e *testEnv) do(t testing.TB, r req) response {
	t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr, err := http.NewRequest(r.method, e.ts.URL+r.path, body)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if r.body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	out := e.roundTrip(t, hr, r.headers)
	checkInvariants(t, r, out)
	return out
}

// roundTrip sends hr with headers set on it ("Host" sets the Host), and reads the answer.
func (e *testEnv) roundTrip(t testing.TB, hr *http.Request, headers map[string]string) response {
	t.Helper()
	for k, v := range headers {
		if k == "Host" {
			hr.Host = v
			continue
		}
		hr.Header.Set(k, v)
	}
	res, err := e.client.Do(hr)
	if err != nil {
		t.Fatalf("%s %s: %v", hr.Method, hr.URL.Path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", hr.Method, hr.URL.Path, err)
	}
	out := response{status: res.StatusCode, header: res.Header, body: b}
	if len(b) > 0 {
		_ = json.Unmarshal(b, &out.json)
	}
	return out
}

// leakMarkers are fragments of internal error text that must never reach a client.
func leakMarkers() []string {
	return []string{"sql", "SQLITE", "constraint", "panic", "goroutine", "runtime error", ".go:", "database is"}
}

// checkInvariants holds for every response: a request id, and errors as problem+json with
// the documented shape and no internal error text.
func checkInvariants(t testing.TB, r req, res response) {
	t.Helper()
	if res.header.Get("X-Request-Id") == "" {
		t.Errorf("%s %s: no X-Request-Id", r.method, r.path)
	}
	if res.status < 400 {
		return
	}
	if ct := res.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("%s %s: status %d with Content-Type %q, want application/problem+json", r.method, r.path, res.status, ct)
		return
	}
	if r.method == http.MethodHead {
		if len(res.body) > 0 {
			t.Errorf("HEAD %s: a body of %d bytes", r.path, len(res.body))
		}
		return // a HEAD answer has the headers of the problem but no body
	}
	m, ok := res.json.(map[string]any)
	if !ok {
		t.Errorf("%s %s: problem body is not an object: %s", r.method, r.path, res.body)
		return
	}
	if got, _ := m["status"].(float64); int(got) != res.status {
		t.Errorf("%s %s: problem status %v, response status %d", r.method, r.path, m["status"], res.status)
	}
	for _, k := range []string{"type", "title", "errors", "request_id"} {
		if _, ok := m[k]; !ok {
			t.Errorf("%s %s: problem lacks %q: %s", r.method, r.path, k, res.body)
		}
	}
	if m["request_id"] != res.header.Get("X-Request-Id") {
		t.Errorf("%s %s: problem request_id %v, header %q", r.method, r.path, m["request_id"], res.header.Get("X-Request-Id"))
	}
	for _, marker := range leakMarkers() {
		if strings.Contains(strings.ToLower(string(res.body)), strings.ToLower(marker)) {
			t.Errorf("%s %s: problem leaks internal text %q: %s", r.method, r.path, marker, res.body)
		}
	}
	if res.status == http.StatusUnauthorized && res.header.Get("WWW-Authenticate") == "" {
		t.Errorf("%s %s: 401 without WWW-Authenticate", r.method, r.path)
	}
}

// must sends r and fails the test unless the status is want.
func (e *testEnv) must(t testing.TB, want int, r req) response {
	t.Helper()
	res := e.do(t, r)
	if res.status != want {
		t.Fatalf("%s %s: status %d, want %d: %s", r.method, r.path, res.status, want, res.body)
	}
	return res
}

// principals are the roles every tenant has a user for, most to least powerful.
func principals() []string { return []string{"owner", "admin", "manager", "member"} }

// tenant is a signed-up tenant with one user per role and one row of every kind.
type tenant struct {
	name   string
	tokens map[string]string // principal → bearer token
	ids    map[string]string // placeholder name → id
}

func (tn *tenant) token(principal string) string { return tn.tokens[principal] }

// expand replaces $name placeholders with the tenant's ids, longest names first.
func (tn *tenant) expand(s string) string {
	keys := make([]string, 0, len(tn.ids))
	for k := range tn.ids {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return len(b) - len(a) })
	for _, k := range keys {
		s = strings.ReplaceAll(s, "$"+k, tn.ids[k])
	}
	return s
}

// idValues lists every id of the tenant (for leak checks).
func (tn *tenant) idValues() []string {
	var out []string
	for _, v := range tn.ids {
		out = append(out, v)
	}
	return out
}

// newTenant signs up an owner and adds an admin, a manager and a member through the API.
func (e *testEnv) newTenant(t testing.TB, name string) *tenant {
	t.Helper()
	tn := &tenant{name: name, tokens: map[string]string{}, ids: map[string]string{}}
	email := func(p string) string { return p + "@" + name + ".example.com" }
	res := e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/auth/signup", body: fmt.Sprintf(
		`{"email":%q,"password":"correct horse","name":"Owner of %s","organization":"%s Ltd","timezone":"Europe/Berlin"}`,
		email("owner"), name, name)})
	tn.tokens["owner"] = res.str("token")
	tn.ids["owner_id"] = res.str("user.id")
	tn.ids["org"] = res.str("organization.id")
	tn.ids["tenant"] = res.str("tenant.id")
	for _, p := range principals()[1:] {
		res := e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/members", token: tn.tokens["owner"], body: fmt.Sprintf(
			`{"email":%q,"name":"%s of %s","role":%q,"password":"correct horse"}`, email(p), p, name, p)})
		tn.ids[p+"_id"] = res.str("user_id")
		res = e.must(t, http.StatusOK, req{method: "POST", path: "/v1/auth/login", body: fmt.Sprintf(
			`{"email":%q,"password":"correct horse"}`, email(p))})
		tn.tokens[p] = res.str("token")
	}
	return tn
}

// seed gives the tenant one row of every kind: client, project, task, tag, a stopped
// entry of the owner and of the member, a running entry of the member, a personal token,
// a second organization and a pending invitation.
func (e *testEnv) seed(t testing.TB, tn *tenant) {
	t.Helper()
	owner := tn.token("owner")
	post := func(path, body string) response {
		return e.must(t, http.StatusCreated, req{method: "POST", path: path, token: owner, body: tn.expand(body)})
	}
	tn.ids["client"] = post("/v1/clients", `{"name":"Client of `+tn.name+`"}`).str("id")
	tn.ids["project"] = post("/v1/projects", `{"name":"Project of `+tn.name+`","client_id":"$client","billable":true}`).str("id")
	tn.ids["task"] = post("/v1/tasks", `{"project_id":"$project","name":"Task of `+tn.name+`"}`).str("id")
	tn.ids["tag"] = post("/v1/tags", `{"name":"Tag of `+tn.name+`","color":"#123456"}`).str("id")
	tn.ids["entry"] = post("/v1/time-entries", `{"project_id":"$project","task_id":"$task","description":"owner work",
		"started_at":"2025-11-02T09:00:00Z","stopped_at":"2025-11-02T10:30:00Z","tag_ids":["$tag"]}`).str("id")
	tn.ids["member_entry"] = e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/time-entries", token: tn.token("member"),
		body: tn.expand(`{"project_id":"$project","started_at":"2025-11-03T09:00:00Z","stopped_at":"2025-11-03T09:45:00Z"}`)}).str("id")
	tn.ids["running_entry"] = e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/timer/start", token: tn.token("member"),
		body: tn.expand(`{"project_id":"$project","description":"running"}`)}).str("id")
	tn.ids["token_id"] = post("/v1/tokens", `{"name":"script"}`).str("id")
	tn.ids["org2"] = post("/v1/organizations", `{"name":"Second org of `+tn.name+`"}`).str("id")
	tn.ids["invitation"] = post("/v1/invitations", `{"email":"invited@`+tn.name+`.example.com","role":"member"}`).str("id")
	// The activity timer measured the member's entry's first slot (slots are recorded by the
	// desktop in-process; the API only reads them).
	member, err := e.svc.Authenticate(context.Background(), tn.token("member"), nil)
	if err != nil {
		t.Fatal(err)
	}
	slot, err := e.svc.RecordActivity(context.Background(), member, app.ActivitySlot{EntryID: uuid.MustParse(tn.ids["member_entry"]),
		Start: time.Date(2025, 11, 3, 9, 0, 0, 0, time.UTC), Tracked: 10 * time.Minute, Active: 6 * time.Minute, Keys: 420, Clicks: 12, Moves: 900,
		Apps: []app.AppUsage{{Name: "Editor of " + tn.name, Time: 7 * time.Minute}, {Name: "Browser", Time: 3 * time.Minute}}})
	if err != nil {
		t.Fatal(err)
	}
	tn.ids["slot"] = slot.ID.String()
	// The organization takes screenshots; the timer took one of the member's entry and one
	// of the owner's (screenshots, like slots, are taken in-process).
	e.must(t, http.StatusOK, req{method: "PATCH", path: tn.expand("/v1/organizations/$org"), token: owner,
		body: `{"activity":{"screenshots":true,"screenshot_minutes":5}}`})
	shot := func(who, entry string, at time.Time) string {
		a, err := e.svc.Authenticate(context.Background(), tn.token(who), nil)
		if err != nil {
			t.Fatal(err)
		}
		img := image.NewRGBA(image.Rect(0, 0, 64, 40))
		for i := range img.Pix {
			// Each tenant's images differ (tenant-a, tenant-b), so their hashes do too.
			img.Pix[i] = byte(int(tn.name[len(tn.name)-1])*31 + len(who)*7 + i%5)
		}
		sh, err := e.svc.SaveScreenshot(context.Background(), a, uuid.MustParse(tn.ids[entry]), at, img)
		if err != nil {
			t.Fatal(err)
		}
		tn.ids[who+"_screenshot_sha256"] = sh.Hash
		return sh.ID.String()
	}
	tn.ids["member_screenshot"] = shot("member", "member_entry", time.Date(2025, 11, 3, 9, 5, 0, 0, time.UTC))
	tn.ids["owner_screenshot"] = shot("owner", "entry", time.Date(2025, 11, 2, 9, 30, 0, 0, time.UTC))
	// The member was away from 09:10 to 09:20 during its entry and has not answered.
	if _, err := e.svc.NoteIdle(context.Background(), member, uuid.MustParse(tn.ids["member_entry"]),
		time.Date(2025, 11, 3, 9, 10, 0, 0, time.UTC), time.Date(2025, 11, 3, 9, 20, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	put := func(path, body string) response {
		return e.must(t, http.StatusOK, req{method: "PUT", path: tn.expand(path), token: owner, body: tn.expand(body)})
	}
	tn.ids["rate"] = put("/v1/rates", `{"user_id":"$member_id","project_id":"$project","hourly_minor":12000,"currency":"EUR","effective_from":"2025-01-01"}`).str("id")
	put("/v1/projects/$project/budget", `{"kind":"hours","limit":360000}`)
}

// seedInvoice puts the owner's entry of 2025-11-02 (seed's) on an invoice, which locks it:
// only tests that need an invoice call it.
func (e *testEnv) seedInvoice(t testing.TB, tn *tenant) {
	t.Helper()
	tn.ids["invoice_id"] = e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/invoices", token: tn.token("owner"),
		body: tn.expand(`{"project_id":"$project","from":"2025-11-02","to":"2025-11-02","tax_rate_bp":1900}`)}).str("id")
}

// scenario is one row of a resource's scenario table. A row stands alone: running it by
// itself gives what it gives in the table. What it changes it creates first in setup, and
// it reads nothing that another row changes.
type scenario struct {
	name    string
	setup   []step // requests made first, in a copy of the tenant, to create what the row needs
	method  string
	path    string // $placeholders are the tenant's ids
	as      string // principal, or "" for anonymous
	body    string
	headers map[string]string
	status  int
	want    map[string]any    // dotted JSON path → value (numbers as float64; "*" any non-empty)
	header  map[string]string // response header → value ("" must be absent)
	fields  []string          // field names the problem must name
	listed  []string          // placeholders of ids the "items" of a list must include
	hidden  []string          // placeholders of ids the "items" of a list must not include
}

// step is a request a row makes before its own; it must succeed. bind names a placeholder
// for the response's id (or the field named by from), and login a principal whose token
// is the response's "token".
type step struct {
	method, path, as, body string
	headers                map[string]string
	bind, from             string
	login                  string
}

// create is a step that POSTs body to path as a principal and binds the new row's id.
func create(as, path, body, bind string) step {
	return step{method: "POST", path: path, as: as, body: body, bind: bind}
}

// change is a step that sends a PATCH or DELETE as a principal.
func change(as, method, path, body string) step {
	return step{method: method, path: path, as: as, body: body}
}

// clone copies the tenant's placeholders and tokens, so a row's setup binds its own.
func (tn *tenant) clone() *tenant {
	return &tenant{name: tn.name, tokens: maps.Clone(tn.tokens), ids: maps.Clone(tn.ids)}
}

// prepare runs a row's setup steps in tn.
func (e *testEnv) prepare(t testing.TB, tn *tenant, steps []step) {
	t.Helper()
	for _, st := range steps {
		r := req{method: st.method, path: tn.expand(st.path), body: tn.expand(st.body), token: tn.token(st.as), headers: map[string]string{}}
		for k, v := range st.headers {
			r.headers[k] = tn.expand(v)
		}
		res := e.do(t, r)
		if res.status < 200 || res.status > 299 {
			t.Fatalf("setup %s %s: status %d: %s", r.method, r.path, res.status, res.body)
		}
		if st.bind != "" {
			from := st.from
			if from == "" {
				from = "id"
			}
			if tn.ids[st.bind] = res.str(from); tn.ids[st.bind] == "" {
				t.Fatalf("setup %s %s: no %s in %s", r.method, r.path, from, res.body)
			}
		}
		if st.login != "" {
			tn.tokens[st.login] = res.str("token")
		}
	}
}

// itemIDs lists the ids of a list response's items.
func (r response) itemIDs() []string {
	var out []string
	items, _ := r.field("items").([]any)
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			id, _ := m["id"].(string)
			out = append(out, id)
		}
	}
	return out
}

// run plays the scenarios in order against tn, each with its setup in a copy of tn.
func (e *testEnv) run(t *testing.T, shared *tenant, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			tn := shared.clone()
			e.prepare(t, tn, sc.setup)
			headers := map[string]string{}
			for k, v := range sc.headers {
				headers[k] = tn.expand(v)
			}
			r := req{method: sc.method, path: tn.expand(sc.path), body: tn.expand(sc.body), headers: headers}
			if sc.as != "" {
				r.token = tn.token(sc.as)
				if r.token == "" {
					t.Fatalf("unknown principal %q", sc.as)
				}
			}
			res := e.do(t, r)
			if res.status != sc.status {
				t.Fatalf("status %d, want %d: %s", res.status, sc.status, res.body)
			}
			for path, want := range sc.want {
				got := res.field(path)
				if s, ok := want.(string); ok {
					want = tn.expand(s)
				}
				if want == "*" {
					if got == nil || got == "" {
						t.Errorf("%s: empty, want a value: %s", path, res.body)
					}
					continue
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s = %v, want %v: %s", path, got, want, res.body)
				}
			}
			for k, want := range sc.header {
				if got := res.header.Get(k); got != want {
					t.Errorf("header %s = %q, want %q", k, got, want)
				}
			}
			ids := res.itemIDs()
			for _, p := range sc.listed {
				if !slices.Contains(ids, tn.expand(p)) {
					t.Errorf("list lacks %s (%s): %s", p, tn.expand(p), res.body)
				}
			}
			for _, p := range sc.hidden {
				if slices.Contains(ids, tn.expand(p)) {
					t.Errorf("list includes %s (%s): %s", p, tn.expand(p), res.body)
				}
			}
			got := res.problemFields()
			for _, f := range sc.fields {
				if !slices.Contains(got, f) {
					t.Errorf("problem names fields %v, want %q among them: %s", got, f, res.body)
				}
			}
		})
	}
}

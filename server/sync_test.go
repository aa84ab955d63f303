package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
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

	res := e.must(t, http.StatusConflict, req{method: "POST", path: "/v1/sync/pull", token: owner, body: `{"protocol":3,"cursor":0}`})
	if res.str("type") != "sync-protocol" || res.field("client_protocol") != 3.0 || res.field("server_protocol") != float64(app.SyncProtocol) ||
		!strings.Contains(res.str("detail"), fmt.Sprintf("protocol %d", app.SyncProtocol)) || !strings.Contains(res.str("detail"), "used 3") {
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
		{fmt.Sprintf(`{"protocol":1,"cursor":0,"limit":%d}`, app.MaxSyncPullLimit+1), "limit"},
		{`{"protocol":1,"cursor":0,"limit":0}`, "limit"},
		{`{"protocol":1,"cursor":0,"since":5}`, "since"},
		{`{"protocol":1,"cursor":0,"wait":31}`, "wait"},
		{`{"protocol":1,"cursor":0,"wait":-1}`, "wait"},
	} {
		res := e.must(t, http.StatusUnprocessableEntity, req{method: "POST", path: "/v1/sync/pull", token: owner, body: c.body})
		if !slices.Contains(res.problemFields(), c.field) {
			t.Errorf("%s: problem names %v, want %s", c.body, res.problemFields(), c.field)
		}
	}

	// A pull is a read: an Idempotency-Key sent with it is not recorded, so the same key
	// after a change answers afresh, not with the first page.
	keyed := req{method: "POST", path: "/v1/sync/pull", token: owner, body: `{"protocol":1,"cursor":0}`,
		headers: map[string]string{"Idempotency-Key": "pull-1"}}
	first := e.must(t, http.StatusOK, keyed)
	e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/tags", token: owner, body: `{"name":"after the first pull"}`})
	second := e.must(t, http.StatusOK, keyed)
	if second.header.Get(replayedHeader) != "" || second.field("head") == first.field("head") {
		t.Errorf("a keyed pull after a change was replayed: head %v then %v", first.field("head"), second.field("head"))
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

// waitPull is a pull with a wait, sent in the background; its answer and how long it took
// arrive on the returned channel.
type waitedPull struct {
	res  response
	took time.Duration
	err  error
}

func (e *testEnv) waitPull(ctx context.Context, token string, cursor float64, wait int) <-chan waitedPull {
	out := make(chan waitedPull, 1)
	go func() {
		body := fmt.Sprintf(`{"protocol":1,"cursor":%.0f,"wait":%d}`, cursor, wait)
		hr, err := http.NewRequestWithContext(ctx, "POST", e.ts.URL+"/v1/sync/pull", strings.NewReader(body))
		if err != nil {
			out <- waitedPull{err: err}
			return
		}
		hr.Header.Set("Content-Type", "application/json")
		hr.Header.Set("Authorization", "Bearer "+token)
		start := time.Now()
		res, err := e.client.Do(hr)
		if err != nil {
			out <- waitedPull{err: err, took: time.Since(start)}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		got := waitedPull{res: response{status: res.StatusCode, header: res.Header, body: b}, took: time.Since(start), err: err}
		_ = json.Unmarshal(b, &got.res.json)
		out <- got
	}()
	return out
}

// headOf pulls everything as token and returns the cursor to wait from.
func (e *testEnv) headOf(t *testing.T, token string) float64 {
	t.Helper()
	return e.pullAll(t, token, 1000).last.field("cursor").(float64)
}

// sibling is a second server instance on e's SQLite file, as two `stint serve` processes
// on one database: its own store handle, service and listener.
func (e *testEnv) sibling(t testing.TB) *testEnv {
	t.Helper()
	st, err := sqlite.Open(context.Background(), e.store.Path())
	if err != nil {
		t.Fatalf("open the store again: %v", err)
	}
	logs := &syncBuffer{}
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	srv := New(svc, Config{AllowSignup: true, AuthRatePerMinute: 1_000_000,
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		ts.Close()
		_ = st.Close()
	})
	return &testEnv{store: st, svc: svc, srv: srv, ts: ts, client: ts.Client(), logs: logs}
}

// rowIDs lists the ids of a pull answer's rows.
func rowIDs(r response) []string {
	var out []string
	rows, _ := r.field("rows").([]any)
	for _, row := range rows {
		m, _ := row.(map[string]any)
		id, _ := m["id"].(string)
		out = append(out, id)
	}
	return out
}

// TestSyncPullWait covers the long-poll (docs/sync.md, Versioning and notification): a
// waiting pull is answered as soon as a change it may see commits, through this instance
// or another one on the same database; a change it may not see leaves it waiting, and it
// ends with an empty page.
func TestSyncPullWait(t *testing.T) {
	e := newEnv(t)
	a := e.newTenant(t, "tenant-a")
	e.seed(t, a)
	ctx := context.Background()
	const long = 20 // seconds: a waiter answered in less than half of it was woken

	t.Run("a create by another user wakes the waiter", func(t *testing.T) {
		cursor := e.headOf(t, a.token("member"))
		got := e.waitPull(ctx, a.token("member"), cursor, long)
		time.Sleep(200 * time.Millisecond) // let it start waiting; an earlier create is found by its first read
		id := e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/projects", token: a.token("owner"),
			body: `{"name":"Appears while waiting"}`}).str("id")
		w := <-got
		if w.err != nil || w.res.status != http.StatusOK {
			t.Fatalf("waiting pull: %v, %d %s", w.err, w.res.status, w.res.body)
		}
		if ids := rowIDs(w.res); !slices.Equal(ids, []string{id}) {
			t.Errorf("waiting pull answered rows %v, want the new project %s: %s", ids, id, w.res.body)
		}
		if w.took > long*time.Second/2 {
			t.Errorf("waiting pull answered after %v, want soon after the create, well before the %ds wait ends", w.took, long)
		}
		if c := w.res.field("cursor").(float64); c <= cursor {
			t.Errorf("cursor %v after a change from %v", c, cursor)
		}
	})

	t.Run("a change the waiter may not see leaves it waiting", func(t *testing.T) {
		cursor := e.headOf(t, a.token("member"))
		got := e.waitPull(ctx, a.token("member"), cursor, 1)
		time.Sleep(200 * time.Millisecond)
		// The owner's own entry: members see only theirs.
		e.must(t, http.StatusCreated, req{method: "POST", path: "/v1/time-entries", token: a.token("owner"), body: a.expand(
			`{"project_id":"$project","started_at":"2025-11-04T09:00:00Z","stopped_at":"2025-11-04T10:00:00Z"}`)})
		w := <-got
		if w.err != nil || w.res.status != http.StatusOK {
			t.Fatalf("waiting pull: %v, %d %s", w.err, w.res.status, w.res.body)
		}
		if ids := rowIDs(w.res); len(ids) != 0 || w.res.field("more") != false {
			t.Errorf("waiting pull answered rows %v it may not see: %s", ids, w.res.body)
		}
		if w.took < time.Second {
			t.Errorf("waiting pull answered after %v, before its 1s wait ended", w.took)
		}
		if c := w.res.field("cursor").(float64); c < cursor {
			t.Errorf("cursor went back from %v to %v", cursor, c)
		}
	})

	t.Run("nothing changes: an empty page at the end of the wait", func(t *testing.T) {
		cursor := e.headOf(t, a.token("manager"))
		w := <-e.waitPull(ctx, a.token("manager"), cursor, 1)
		if w.err != nil || w.res.status != http.StatusOK {
			t.Fatalf("waiting pull: %v, %d %s", w.err, w.res.status, w.res.body)
		}
		if rowIDs(w.res) != nil || w.res.field("cursor") != cursor || w.took < time.Second {
			t.Errorf("after %v: %s; want an empty page with cursor %v after 1s", w.took, w.res.body, cursor)
		}
	})

	t.Run("rows already there: answered at once", func(t *testing.T) {
		w := <-e.waitPull(ctx, a.token("member"), 0, long)
		if w.err != nil || w.res.status != http.StatusOK || len(rowIDs(w.res)) == 0 || w.took > long*time.Second/2 {
			t.Errorf("pull from 0 with a wait: after %v, %v %d %s", w.took, w.err, w.res.status, w.res.body)
		}
	})

	t.Run("a push wakes the waiter", func(t *testing.T) {
		cursor := e.headOf(t, a.token("member"))
		got := e.waitPull(ctx, a.token("member"), cursor, long)
		time.Sleep(200 * time.Millisecond)
		id := app.NewID().String()
		res := e.must(t, http.StatusOK, req{method: "POST", path: "/v1/sync/push", token: a.token("manager"),
			body: pushBody(1, pushMutation("tag", id, "upsert", `{"name":"Pushed while waiting","color":"#00aa00"}`))})
		if res.str("results.0.status") != "applied" {
			t.Fatalf("push: %s", res.body)
		}
		w := <-got
		if w.err != nil || w.res.status != http.StatusOK {
			t.Fatalf("waiting pull: %v, %d %s", w.err, w.res.status, w.res.body)
		}
		if ids := rowIDs(w.res); !slices.Equal(ids, []string{id}) || w.took > long*time.Second/2 {
			t.Errorf("waiting pull answered rows %v after %v, want the pushed tag %s soon: %s", ids, w.took, id, w.res.body)
		}
	})

	t.Run("a write through another instance wakes the waiter", func(t *testing.T) {
		b := e.sibling(t)
		cursor := e.headOf(t, a.token("member"))
		got := e.waitPull(ctx, a.token("member"), cursor, long)
		time.Sleep(200 * time.Millisecond)
		id := b.must(t, http.StatusCreated, req{method: "POST", path: "/v1/tags", token: a.token("manager"),
			body: `{"name":"Made through B","color":"#abcdef"}`}).str("id")
		w := <-got
		if w.err != nil || w.res.status != http.StatusOK {
			t.Fatalf("waiting pull on A: %v, %d %s", w.err, w.res.status, w.res.body)
		}
		if ids := rowIDs(w.res); !slices.Equal(ids, []string{id}) {
			t.Errorf("waiting pull on A answered rows %v, want the tag %s made through B: %s", ids, id, w.res.body)
		}
		if w.took > long*time.Second/2 {
			t.Errorf("waiting pull on A answered after %v, want soon after the write through B", w.took)
		}
	})
}

// TestSyncPullWaitOutlivesStoreBound: a wait longer than the request's store bound is
// answered with its page, not cut into a 503, because no store call is open while waiting.
func TestSyncPullWaitOutlivesStoreBound(t *testing.T) {
	e := newEnv(t)
	a := e.newTenant(t, "tenant-a")
	cursor := e.headOf(t, a.token("owner"))
	// Only the pull runs under the short bound: the set-up (sign-up, members) may take
	// longer than 300 ms on a loaded machine, which is not what this test is about.
	e.srv = New(e.svc, Config{StoreTimeout: 300 * time.Millisecond,
		Logger: slog.New(slog.NewJSONHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	ts := httptest.NewServer(e.srv.Handler())
	t.Cleanup(ts.Close)
	e.ts, e.client = ts, ts.Client()
	w := <-e.waitPull(context.Background(), a.token("owner"), cursor, 1)
	if w.err != nil || w.res.status != http.StatusOK || rowIDs(w.res) != nil || w.took < time.Second {
		t.Errorf("1s wait with a 300ms store bound: after %v, %v %d %s", w.took, w.err, w.res.status, w.res.body)
	}
	if strings.Contains(e.logs.String(), "request failed") {
		t.Errorf("errors logged: %s", e.logs.String())
	}
}

// TestSyncPullWaitClientGone: a client that gives up ends its wait at once; nothing of the
// waiters stays behind (goroutines back to where they were).
func TestSyncPullWaitClientGone(t *testing.T) {
	e := newEnv(t)
	a := e.newTenant(t, "tenant-a")
	cursor := e.headOf(t, a.token("owner"))
	settle := func() int {
		e.client.CloseIdleConnections()
		time.Sleep(50 * time.Millisecond)
		return runtime.NumGoroutine()
	}
	before := settle()

	ctx, cancel := context.WithCancel(context.Background())
	const waiters = 5
	var got []<-chan waitedPull
	for range waiters {
		got = append(got, e.waitPull(ctx, a.token("owner"), cursor, 30))
	}
	time.Sleep(300 * time.Millisecond)
	for i, g := range got {
		select {
		case w := <-g:
			t.Fatalf("waiter %d answered before its client gave up: %v %d %s", i, w.err, w.res.status, w.res.body)
		default:
		}
	}
	cancel()
	for _, g := range got {
		if w := <-g; w.err == nil {
			t.Errorf("a cancelled request got an answer: %d %s", w.res.status, w.res.body)
		}
	}
	now := settle()
	for tries := 0; now > before && tries < 100; tries++ {
		now = settle()
	}
	if now > before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after the clients went away, %d before:\n%s", now, before, buf[:runtime.Stack(buf, true)])
	}
	if strings.Contains(e.logs.String(), "request failed") {
		t.Errorf("a client going away logged an error: %s", e.logs.String())
	}
}

// TestSyncPullWaitShutdown: a server shutting down answers its waiting pulls with their
// empty page at once instead of holding the shutdown until their waits end.
func TestSyncPullWaitShutdown(t *testing.T) {
	e := newEnv(t)
	a := e.newTenant(t, "tenant-a")
	cursor := e.headOf(t, a.token("owner"))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- e.srv.Serve(ctx, ln) }()
	served := *e
	served.ts = &httptest.Server{URL: "http://" + ln.Addr().String()}
	served.client = &http.Client{}
	got := served.waitPull(context.Background(), a.token("owner"), cursor, 30)
	time.Sleep(300 * time.Millisecond)
	select {
	case w := <-got:
		t.Fatalf("answered before the shutdown: %v %d %s", w.err, w.res.status, w.res.body)
	default:
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("shutdown with a waiting pull: %v", err)
	}
	w := <-got
	if w.err != nil || w.res.status != http.StatusOK || rowIDs(w.res) != nil || w.res.field("cursor") != cursor {
		t.Errorf("waiting pull at shutdown: %v %d %s", w.err, w.res.status, w.res.body)
	}
	if w.took > 15*time.Second {
		t.Errorf("waiting pull answered after %v: the shutdown waited for it", w.took)
	}
}

// BenchmarkSyncPullWake measures how long a change takes to reach a waiting pull: per op,
// a manager creates a tag and a member's pull, already waiting, answers with it. The
// baseline is the same create followed by a plain pull; "other instance" makes the create
// through a second instance on the same database, whose change the waiter finds by
// re-reading the head.
func BenchmarkSyncPullWake(b *testing.B) {
	e := newEnv(b)
	a := e.newTenant(b, "tenant-a")
	sib := e.sibling(b)
	var n int
	create := func(b *testing.B, via *testEnv) string {
		n++
		return via.must(b, http.StatusCreated, req{method: "POST", path: "/v1/tags", token: a.token("manager"),
			body: fmt.Sprintf(`{"name":"Tag %d","color":"#abcdef"}`, n)}).str("id")
	}
	head := func(b *testing.B) float64 {
		res := e.must(b, http.StatusOK, req{method: "POST", path: "/v1/sync/pull", token: a.token("member"), body: `{"protocol":1,"cursor":0,"limit":1000}`})
		return res.field("head").(float64)
	}
	b.Run("baseline create then pull", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			cursor := head(b)
			b.StartTimer()
			id := create(b, e)
			res := e.must(b, http.StatusOK, req{method: "POST", path: "/v1/sync/pull", token: a.token("member"),
				body: fmt.Sprintf(`{"protocol":1,"cursor":%.0f}`, cursor)})
			if ids := rowIDs(res); len(ids) != 1 || ids[0] != id {
				b.Fatalf("pulled %v, want %s", ids, id)
			}
		}
	})
	for _, c := range []struct {
		name string
		via  *testEnv
	}{{"same instance", e}, {"other instance", sib}} {
		b.Run("waiting pull, create through the "+c.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				got := e.waitPull(context.Background(), a.token("member"), head(b), 30)
				time.Sleep(20 * time.Millisecond) // let it start waiting
				b.StartTimer()
				id := create(b, c.via)
				w := <-got
				if ids := rowIDs(w.res); w.err != nil || len(ids) != 1 || ids[0] != id {
					b.Fatalf("waiting pull: %v %s, want %s", w.err, w.res.body, id)
				}
			}
		})
	}
}

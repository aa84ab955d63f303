package server

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
	"github.com/stinthq/stint/store/sqlite"
)

// Load shape of BenchmarkAPI: 64 concurrent connections over loopback and a fixed number of
// requests per load, sent in benchRounds rounds that alternate ceiling and full stack so
// both see the same table sizes and the same machine noise.
const (
	benchConns    = 64
	benchRounds   = 4
	benchCreates  = 8000 // per load, over all rounds
	benchLists    = 10000
	benchPageSize = 50
)

// BenchmarkAPI measures the full /v1 stack against a bare chi + SQLite ceiling in the same
// run: (a) a chi handler doing one insert per POST and one indexed select of the newest 50
// rows per GET on its own SQLite file with the store's pragmas and connection setup; (b)
// POST /v1/time-entries and GET /v1/time-entries?limit=50 through authentication, tenancy,
// validation, audit and change log. Run it once: go test -run '^$' -bench BenchmarkAPI -benchtime 1x ./server
func BenchmarkAPI(b *testing.B) {
	dir := b.TempDir()
	ceiling := newCeiling(b, filepath.Join(dir, "ceiling.db"))
	defer ceiling.close()
	cts := httptest.NewServer(ceiling.handler())
	defer cts.Close()

	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "stint.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	full := httptest.NewServer(New(svc, Config{AllowSignup: true}).Handler())
	defer full.Close()
	sess, err := svc.Signup(context.Background(), app.SignupInput{Email: "bench@example.com", Password: "bench password",
		Name: "Bench", Organization: "Bench", Timezone: "UTC"})
	if err != nil {
		b.Fatal(err)
	}
	auth := "Bearer " + sess.Token

	b.ResetTimer()
	createCeiling, createFull := compare(b, "create", benchCreates, http.StatusCreated,
		benchPost(cts.URL+"/entries", ""), benchPost(full.URL+"/v1/time-entries", auth))
	listCeiling, listFull := compare(b, "list", benchLists, http.StatusOK,
		benchGet(fmt.Sprintf("%s/entries?limit=%d", cts.URL, benchPageSize), ""),
		benchGet(fmt.Sprintf("%s/v1/time-entries?limit=%d", full.URL, benchPageSize), auth))
	b.StopTimer()

	b.ReportMetric(createFull, "create_rps")
	b.ReportMetric(createCeiling, "create_ceiling_rps")
	b.ReportMetric(createFull/createCeiling, "create_ratio")
	b.ReportMetric(listFull, "list_rps")
	b.ReportMetric(listCeiling, "list_ceiling_rps")
	b.ReportMetric(listFull/listCeiling, "list_ratio")
	b.Logf("\n%-8s %12s %12s %7s %6s\n%-8s %12.0f %12.0f %7.2f %6s\n%-8s %12.0f %12.0f %7.2f %6s\n(%d connections, %d creates and %d lists of %d rows each side, GOMAXPROCS=%d)",
		"load", "full rps", "ceiling rps", "ratio", "goal",
		"create", createFull, createCeiling, createFull/createCeiling, ">=0.5",
		"list", listFull, listCeiling, listFull/listCeiling, ">=0.8",
		benchConns, benchCreates, benchLists, benchPageSize, runtime.GOMAXPROCS(0))
}

// compare sends n requests to the ceiling and n to the full stack, in alternating rounds,
// and returns each one's requests per second.
func compare(b *testing.B, name string, n, want int, ceiling, full func(int) *http.Request) (float64, float64) {
	c, f := compareCPU(b, name, n, want, ceiling, full, nil)
	return c.rps, f.rps
}

// cpuUse returns the CPU time in milliseconds used so far by the database cluster and by
// this process (the load, both servers and their drivers).
type cpuUse func() (db, self float64)

// sideFigures is what compareCPU measured of one side: requests per second and, when it
// had a cpuUse, the CPU milliseconds per request of the database and of this process.
type sideFigures struct{ rps, dbCPU, selfCPU float64 }

// cpuPerRequest is the CPU milliseconds of both per request.
func (f sideFigures) cpuPerRequest() float64 { return f.dbCPU + f.selfCPU }

// compareCPU is compare, also measuring with cpu (when not nil) the CPU time each side
// cost. On a machine whose cores are busy with other work, requests per second follow the
// CPU time each side gets; CPU time per request does not depend on it as much.
func compareCPU(b *testing.B, name string, n, want int, ceiling, full func(int) *http.Request, cpu cpuUse) (sideFigures, sideFigures) {
	b.Helper()
	per := n / benchRounds
	var tc, tf time.Duration
	var c, f sideFigures
	run := func(fig *sideFigures, first int, mk func(int) *http.Request) time.Duration {
		if cpu == nil {
			return drive(b, first, per, want, mk)
		}
		db0, self0 := cpu()
		d := drive(b, first, per, want, mk)
		db1, self1 := cpu()
		fig.dbCPU += db1 - db0
		fig.selfCPU += self1 - self0
		return d
	}
	for round := range benchRounds {
		tc += run(&c, per*round, ceiling)
		tf += run(&f, per*round, full)
	}
	total := float64(per * benchRounds)
	c.rps, f.rps = total/tc.Seconds(), total/tf.Seconds()
	c.dbCPU, c.selfCPU, f.dbCPU, f.selfCPU = c.dbCPU/total, c.selfCPU/total, f.dbCPU/total, f.selfCPU/total
	b.Logf("%s: %d requests each; ceiling %v, full stack %v", name, per*benchRounds, tc.Round(time.Millisecond), tf.Round(time.Millisecond))
	if cpu != nil {
		b.Logf("%s: CPU per request: ceiling %.3f ms (database %.3f, this process %.3f), full stack %.3f ms (database %.3f, this process %.3f)",
			name, c.cpuPerRequest(), c.dbCPU, c.selfCPU, f.cpuPerRequest(), f.dbCPU, f.selfCPU)
	}
	return c, f
}

// drive sends n requests (numbered from first) from benchConns concurrent connections and
// returns how long they took.
func drive(b *testing.B, first, n, want int, mk func(int) *http.Request) time.Duration {
	b.Helper()
	tr := &http.Transport{MaxIdleConnsPerHost: benchConns, MaxConnsPerHost: benchConns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	var next atomic.Int64
	var failed atomic.Pointer[string]
	var wg sync.WaitGroup
	start := time.Now()
	for range benchConns {
		wg.Add(1)
		go pprof.Do(context.Background(), pprof.Labels("side", "client"), func(context.Context) {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || failed.Load() != nil {
					return
				}
				res, err := client.Do(mk(first + i))
				if err != nil {
					msg := err.Error()
					failed.CompareAndSwap(nil, &msg)
					return
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != want {
					msg := fmt.Sprintf("status %d: %.300s", res.StatusCode, body)
					failed.CompareAndSwap(nil, &msg)
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if msg := failed.Load(); msg != nil {
		b.Fatal(*msg)
	}
	return elapsed
}

// ceiling is the bare chi + SQLite baseline: the store's pragmas and connection setup (one
// BEGIN IMMEDIATE writer, a read-only pool), a time_entries-shaped table and index, and
// nothing else: no auth, tenancy, validation, audit or change log.
type ceiling struct {
	writer, reader *sql.DB
	insert, list   *sql.Stmt // prepared once, as the store does, so the ceiling is a real one
	tenant, org    string
	user           string
}

func newCeiling(b *testing.B, path string) *ceiling {
	b.Helper()
	w, err := sql.Open("sqlite", sqlite.DSN(path, true))
	if err != nil {
		b.Fatal(err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	if _, err := w.Exec(`CREATE TABLE entries (
		id TEXT PRIMARY KEY, tenant_id TEXT NOT NULL, organization_id TEXT NOT NULL, user_id TEXT NOT NULL,
		project_id TEXT, task_id TEXT, description TEXT NOT NULL DEFAULT '', started_at INTEGER NOT NULL,
		stopped_at INTEGER, timezone TEXT NOT NULL, billable INTEGER NOT NULL DEFAULT 0, source TEXT NOT NULL,
		version INTEGER NOT NULL, hlc TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
		deleted_at INTEGER) STRICT;
		CREATE INDEX entries_org_started ON entries(tenant_id, organization_id, started_at DESC, id DESC);`); err != nil {
		b.Fatal(err)
	}
	r, err := sql.Open("sqlite", sqlite.DSN(path, false))
	if err != nil {
		b.Fatal(err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	ins, err := w.Prepare(`INSERT INTO entries (id, tenant_id, organization_id, user_id, description,
		started_at, stopped_at, timezone, source, version, hlc, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'manual', 1, '', ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	list, err := r.Prepare(`SELECT id, tenant_id, organization_id, user_id, project_id,
		task_id, description, started_at, stopped_at, timezone, billable, source, version, created_at, updated_at
		FROM entries WHERE tenant_id = ? AND organization_id = ? AND deleted_at IS NULL
		ORDER BY started_at DESC, id DESC LIMIT ?`)
	if err != nil {
		b.Fatal(err)
	}
	return &ceiling{writer: w, reader: r, insert: ins, list: list, tenant: uuid.NewString(), org: uuid.NewString(), user: uuid.NewString()}
}

func (c *ceiling) close() {
	_ = c.insert.Close()
	_ = c.list.Close()
	_ = c.reader.Close()
	_ = c.writer.Close()
}

// ceilingEntry is the row the ceiling reads and writes: the columns the API shows.
type ceilingEntry struct {
	ID             string     `json:"id"`
	TenantID       string     `json:"tenant_id"`
	OrganizationID string     `json:"organization_id"`
	UserID         string     `json:"user_id"`
	ProjectID      *string    `json:"project_id"`
	TaskID         *string    `json:"task_id"`
	Description    string     `json:"description"`
	StartedAt      time.Time  `json:"started_at"`
	StoppedAt      *time.Time `json:"stopped_at"`
	Timezone       string     `json:"timezone"`
	Billable       bool       `json:"billable"`
	Source         string     `json:"source"`
	Version        int64      `json:"version"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

func (c *ceiling) handler() http.Handler {
	r := chi.NewRouter()
	r.Post("/entries", func(w http.ResponseWriter, r *http.Request) {
		var e ceilingEntry
		if err := json.NewDecoder(r.Body).Decode(&e); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		e.ID, e.TenantID, e.OrganizationID, e.UserID = app.NewID().String(), c.tenant, c.org, c.user
		e.Timezone, e.Source, e.Version = "UTC", "manual", 1
		e.CreatedAt = time.Now().UTC().Truncate(time.Microsecond)
		e.UpdatedAt = e.CreatedAt
		now := e.CreatedAt.UnixMicro()
		var stop any
		if e.StoppedAt != nil {
			stop = e.StoppedAt.UnixMicro()
		}
		tx, err := c.writer.BeginTx(r.Context(), nil)
		if err == nil {
			_, err = tx.StmtContext(r.Context(), c.insert).ExecContext(r.Context(),
				e.ID, c.tenant, c.org, c.user, e.Description, e.StartedAt.UnixMicro(), stop, e.Timezone, now, now)
			if err == nil {
				err = tx.Commit()
			} else {
				_ = tx.Rollback()
			}
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(e)
	})
	r.Get("/entries", func(w http.ResponseWriter, r *http.Request) {
		rows, err := c.list.QueryContext(r.Context(), c.tenant, c.org, benchPageSize)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer rows.Close()
		items := make([]ceilingEntry, 0, benchPageSize)
		for rows.Next() {
			var e ceilingEntry
			var start, created, updated int64
			var stop sql.NullInt64
			if err := rows.Scan(&e.ID, &e.TenantID, &e.OrganizationID, &e.UserID, &e.ProjectID, &e.TaskID, &e.Description,
				&start, &stop, &e.Timezone, &e.Billable, &e.Source, &e.Version, &created, &updated); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			e.StartedAt = time.UnixMicro(start).UTC()
			e.CreatedAt, e.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
			if stop.Valid {
				t := time.UnixMicro(stop.Int64).UTC()
				e.StoppedAt = &t
			}
			items = append(items, e)
		}
		if err := rows.Err(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"items": items, "next_cursor": ""})
	})
	return r
}

// benchEntries is the size of BenchmarkStorage's dataset; STINT_BENCH_ENTRIES overrides it
// (a smaller dataset for a quick look; the README figures are at a million).
func benchEntries(b *testing.B) int {
	if v := os.Getenv("STINT_BENCH_ENTRIES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1000 {
			b.Fatalf("STINT_BENCH_ENTRIES=%q: want a number of at least 1000", v)
		}
		return n
	}
	return 1_000_000
}

// BenchmarkStorage builds a million time entries with everything the service writes for
// each (the entry, its audit row and its change-log row; see seedEntries), then reports
// (a) bytes per entry: the database file after a checkpoint divided by the entries, with
// every change still pending in the outbox, and the space in use once the outbox is
// acknowledged, as after a sync; (b) the time of a list page near the end (the oldest
// entries, reached with a cursor) beside the first page, through the service.
// Run it once: go test -run '^$' -bench BenchmarkStorage -benchtime 1x ./server
func BenchmarkStorage(b *testing.B) {
	ctx := context.Background()
	n := benchEntries(b)
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "stint.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	sess, err := svc.Signup(ctx, app.SignupInput{Email: "storage@example.com", Password: "bench password",
		Name: "Bench", Organization: "Bench", Timezone: "UTC"})
	if err != nil {
		b.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		b.Fatal(err)
	}
	started := time.Now()
	oldest := seedEntries(b, st, a, n)
	b.Logf("built %d entries in %v", n, time.Since(started).Round(time.Second))

	if err := st.Checkpoint(ctx); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(st.Path())
	if err != nil {
		b.Fatal(err)
	}
	perEntry := float64(fi.Size()) / float64(n)

	// A page as the API serves it, first and near the end.
	const pages = 200
	listTime := func(cursor string) time.Duration {
		q := app.EntryQuery{ListParams: app.ListParams{Limit: benchPageSize, Cursor: cursor}}
		start := time.Now()
		for range pages {
			p, err := svc.TimeEntries(ctx, a, q)
			if err != nil {
				b.Fatal(err)
			}
			if len(p.Items) != benchPageSize {
				b.Fatalf("page of %d entries, want %d", len(p.Items), benchPageSize)
			}
		}
		return time.Since(start) / pages
	}
	b.ResetTimer()
	first, deep := listTime(""), listTime(oldest.Encode())
	b.StopTimer()

	// Acknowledging the outbox, as a sync does, frees its pages.
	if err := st.Write(ctx, func(tx app.Tx) error {
		_, err := tx.Changes().Acknowledge(ctx, a.Scope(), 1<<62)
		return err
	}); err != nil {
		b.Fatal(err)
	}
	if err := st.Checkpoint(ctx); err != nil {
		b.Fatal(err)
	}
	used, err := st.SpaceUsed(ctx)
	if err != nil {
		b.Fatal(err)
	}
	synced := float64(used) / float64(n)

	b.ReportMetric(perEntry, "bytes/entry")
	b.ReportMetric(synced, "bytes/entry_synced")
	b.ReportMetric(float64(first.Microseconds()), "first_page_us")
	b.ReportMetric(float64(deep.Microseconds()), "deep_page_us")
	b.ReportMetric(float64(deep)/float64(first), "deep/first")
	b.Logf("\n%-34s %10s %6s\n%-34s %10.0f %6s\n%-34s %10.0f %6s\n%-34s %10v\n%-34s %10v %6s\n(%d entries; file %d MB after a checkpoint; pages of %d through the service, %d each)",
		"storage", "value", "goal",
		"bytes per entry (outbox pending)", perEntry, "<=700",
		"bytes per entry (outbox acknowledged)", synced, "<=700",
		"first page", first.Round(time.Microsecond),
		"page near the end (deep)", deep.Round(time.Microsecond), "~1x",
		n, fi.Size()>>20, benchPageSize, pages)
}

// seedEntries writes n stopped entries of the actor, newest first ten minutes apart, with
// the rows the service writes for each (app.Service.CreateTimeEntry: the entry with its
// stamp, an audit row, a change-log row) but many to a transaction, so a million take a
// minute instead of an hour. It returns the cursor of an entry a page before the oldest.
func seedEntries(b *testing.B, st app.Store, a app.Actor, n int) app.Cursor {
	b.Helper()
	ctx := context.Background()
	clock := app.SystemClock{}
	hlc := app.NewHLC(clock, app.NewID().String()[24:])
	base := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	sc := a.Scope()
	var cursor app.Cursor
	const perTx = 5000
	for done := 0; done < n; done += perTx {
		err := st.Write(ctx, func(tx app.Tx) error {
			for i := done; i < min(done+perTx, n); i++ {
				now := clock.Now().UTC().Truncate(time.Microsecond)
				start := base.Add(-time.Duration(i) * 10 * time.Minute)
				stop := start.Add(5 * time.Minute)
				e := app.TimeEntry{ID: app.NewID(), TenantID: a.TenantID, OrganizationID: a.OrgID, UserID: a.UserID,
					Description: fmt.Sprintf("bench entry %d", i), StartedAt: start, StoppedAt: &stop, Timezone: "UTC",
					Source: app.SourceManual, TagIDs: []uuid.UUID{}, Meta: app.Meta{Version: 1, CreatedAt: now, UpdatedAt: now, HLC: hlc.Now()}}
				if i == n-benchPageSize-1 {
					cursor = app.Cursor{Time: e.StartedAt, ID: e.ID}
				}
				if err := tx.TimeEntries().Insert(ctx, sc, e); err != nil {
					return err
				}
				if err := tx.Audit().Append(ctx, sc, app.AuditEntry{ID: app.NewID(), TenantID: a.TenantID, OrganizationID: &a.OrgID,
					ActorID: &a.UserID, Action: "time_entry.create", Entity: "time_entry", EntityID: e.ID, At: now}); err != nil {
					return err
				}
				if err := tx.Changes().Append(ctx, sc, app.Change{ID: app.NewID(), TenantID: a.TenantID, OrganizationID: &a.OrgID,
					Entity: "time_entry", EntityID: e.ID, Op: app.OpUpsert, Version: 1, HLC: e.HLC, At: now}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return cursor
}

// BenchmarkAPIPostgres is BenchmarkAPI on PostgreSQL: the full /v1 stack on store/postgres
// (row-level security, a tenant setting per transaction, audit and change log, as the
// application role) against a bare chi + pgx ceiling doing one INSERT per POST and one
// indexed SELECT of the newest 50 rows per GET on the same cluster, with the same pool size.
// It needs a cluster: STINT_TEST_POSTGRES (make bench starts one with .ci/test-env).
func BenchmarkAPIPostgres(b *testing.B) {
	ctx := context.Background()
	admin := benchPostgres(b)
	appDSN, err := postgres.Setup(ctx, admin.dsn, postgres.SetupOptions{Owner: admin.name + "_owner", App: admin.name + "_app"})
	if err != nil {
		b.Fatal(err)
	}
	st, err := postgres.Open(ctx, appDSN)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ceiling := newPGCeiling(b, admin.dsn, st.PoolStats().Max)
	defer ceiling.close()
	cts := httptest.NewServer(profiled("ceiling", ceiling.handler()))
	defer cts.Close()

	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	full := httptest.NewServer(profiled("full", New(svc, Config{AllowSignup: true, Throttle: postgres.NewThrottle(st)}).Handler()))
	defer full.Close()
	sess, err := svc.Signup(ctx, app.SignupInput{Email: "bench@example.com", Password: "bench password",
		Name: "Bench", Organization: "Bench", Timezone: "UTC"})
	if err != nil {
		b.Fatal(err)
	}
	auth := "Bearer " + sess.Token
	cpu := clusterCPU(b, admin.dsn)
	b.ResetTimer()
	createC, createF := compareCPU(b, "create", benchCreates, http.StatusCreated,
		benchPost(cts.URL+"/entries", ""), benchPost(full.URL+"/v1/time-entries", auth), cpu)
	createCeiling, createFull := createC.rps, createF.rps
	// The creates filled both tables within seconds, before autovacuum's first pass (a
	// minute apart) has given the planner statistics. Without them the planner takes the
	// tables for tiny ones and may sort every row of the tenant instead of reading the newest
	// 50 off an index, for the store (whose index does not lead with tenant_id, as the
	// ceiling's does) or not, depending on whether autovacuum's pass happened to fall inside
	// the run. The lists are measured as a running server serves them: with statistics.
	benchAnalyze(b, admin.dsn)
	listC, listF := compareCPU(b, "list", benchLists, http.StatusOK,
		benchGet(fmt.Sprintf("%s/entries?limit=%d", cts.URL, benchPageSize), ""),
		benchGet(fmt.Sprintf("%s/v1/time-entries?limit=%d", full.URL, benchPageSize), auth), cpu)
	listCeiling, listFull := listC.rps, listF.rps
	b.StopTimer()

	b.ReportMetric(createFull, "create_rps")
	b.ReportMetric(createCeiling, "create_ceiling_rps")
	b.ReportMetric(createFull/createCeiling, "create_ratio")
	b.ReportMetric(listFull, "list_rps")
	b.ReportMetric(listCeiling, "list_ceiling_rps")
	b.ReportMetric(listFull/listCeiling, "list_ratio")
	if cpu != nil {
		// The ceiling's CPU per request over the full stack's: what the ratio of requests per
		// second comes to when the machine's cores, not waiting, bound both.
		b.ReportMetric(createF.cpuPerRequest(), "create_cpu_ms/req")
		b.ReportMetric(createC.cpuPerRequest()/createF.cpuPerRequest(), "create_cpu_ratio")
		b.ReportMetric(listF.cpuPerRequest(), "list_cpu_ms/req")
		b.ReportMetric(listC.cpuPerRequest()/listF.cpuPerRequest(), "list_cpu_ratio")
	}
	b.Logf("\nPostgreSQL\n%-8s %12s %12s %7s %6s\n%-8s %12.0f %12.0f %7.2f %6s\n%-8s %12.0f %12.0f %7.2f %6s\n(%d connections, %d creates and %d lists of %d rows each side, pool of %d, GOMAXPROCS=%d)",
		"load", "full rps", "ceiling rps", "ratio", "goal",
		"create", createFull, createCeiling, createFull/createCeiling, ">=0.6",
		"list", listFull, listCeiling, listFull/listCeiling, ">=0.6",
		benchConns, benchCreates, benchLists, benchPageSize, ceiling.pool.Config().MaxConns, runtime.GOMAXPROCS(0))
}

// profiled labels the CPU profile's samples of h's requests with the side that served them
// and the method, as "full POST", so that the profile of one run (-cpuprofile) shows each
// side's creates and lists apart: go tool pprof -tagfocus 'side=full POST' …
func profiled(side string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pprof.Do(r.Context(), pprof.Labels("side", side+" "+r.Method), func(ctx context.Context) {
			h.ServeHTTP(w, r.WithContext(ctx))
		})
	})
}

// benchPost makes the i-th create of a comparison: a half-hour entry a minute after the
// previous one, so every create is a new row.
func benchPost(url, auth string) func(int) *http.Request {
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	return func(i int) *http.Request {
		start := base.Add(time.Duration(i) * time.Minute)
		body := fmt.Appendf(nil, `{"description":"bench entry %d","started_at":%q,"stopped_at":%q}`, i,
			start.Format(time.RFC3339), start.Add(30*time.Minute).Format(time.RFC3339))
		r, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		return r
	}
}

// benchGet makes the requests of a list comparison.
func benchGet(url, auth string) func(int) *http.Request {
	return func(int) *http.Request {
		r, _ := http.NewRequest(http.MethodGet, url, nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		return r
	}
}

// benchDB is a throwaway database on the test cluster: its name and a superuser DSN for it.
type benchDB struct{ name, dsn string }

// benchPostgres creates a database with a random name on STINT_TEST_POSTGRES's cluster and
// drops it, with the roles named after it, at the end. Without the variable it skips, unless
// CI is set.
func benchPostgres(b *testing.B) benchDB {
	b.Helper()
	dsn := os.Getenv("STINT_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			b.Fatal("STINT_TEST_POSTGRES is not set under CI: run through ./.ci/test-env")
		}
		b.Skip("STINT_TEST_POSTGRES is not set: run through ./.ci/test-env (make bench does)")
	}
	ctx := context.Background()
	name := "stint_bench_" + strings.ReplaceAll(uuid.NewString()[:13], "-", "")
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatalf("connect to the cluster: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			b.Errorf("drop database: %v", err)
			return
		}
		defer conn.Close(ctx)
		for _, q := range []string{`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`,
			`DROP ROLE IF EXISTS ` + name + `_app`, `DROP ROLE IF EXISTS ` + name + `_owner`} {
			if _, err := conn.Exec(ctx, q); err != nil {
				b.Errorf("%s: %v", q, err)
			}
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		b.Fatal(err)
	}
	u.Path = "/" + name
	return benchDB{name: name, dsn: u.String()}
}

// benchAnalyze gathers the planner's statistics for every table of the database dsn names,
// as autovacuum does in a running server.
func benchAnalyze(b *testing.B, dsn string) {
	b.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
}

// pgCeiling is the bare chi + pgx baseline: a pool of the store's size (maxConns), a
// time_entries-shaped table and index in its own schema, and nothing else: no roles, row
// security, tenancy, validation, audit or change log. Ids go through pgx's own uuid type
// (pgtype.UUID), which pgx binds and scans as bytes, as the store's codec does.
type pgCeiling struct {
	pool              *pgxpool.Pool
	tenant, org, user uuid.UUID
}

func newPGCeiling(b *testing.B, dsn string, maxConns int) *pgCeiling {
	b.Helper()
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = int32(maxConns)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `CREATE SCHEMA ceiling;
		CREATE TABLE ceiling.entries (
			id uuid PRIMARY KEY, tenant_id uuid NOT NULL, organization_id uuid NOT NULL, user_id uuid NOT NULL,
			project_id uuid, task_id uuid, description text NOT NULL DEFAULT '', started_at timestamptz NOT NULL,
			stopped_at timestamptz, timezone text NOT NULL, billable boolean NOT NULL DEFAULT false, source text NOT NULL,
			version bigint NOT NULL, hlc bytea NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
			deleted_at timestamptz);
		CREATE INDEX entries_org_started ON ceiling.entries (tenant_id, organization_id, started_at DESC, id DESC);`); err != nil {
		b.Fatal(err)
	}
	return &pgCeiling{pool: pool, tenant: app.NewID(), org: app.NewID(), user: app.NewID()}
}

func (c *pgCeiling) close() { c.pool.Close() }

func pgUUID(id uuid.UUID) pgtype.UUID  { return pgtype.UUID{Bytes: id, Valid: true} }
func uuidString(id pgtype.UUID) string { return uuid.UUID(id.Bytes).String() }

func (c *pgCeiling) handler() http.Handler {
	r := chi.NewRouter()
	r.Post("/entries", func(w http.ResponseWriter, r *http.Request) {
		var e ceilingEntry
		if err := json.NewDecoder(r.Body).Decode(&e); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		id := app.NewID()
		e.ID, e.TenantID, e.OrganizationID, e.UserID = id.String(), c.tenant.String(), c.org.String(), c.user.String()
		e.Timezone, e.Source, e.Version = "UTC", "manual", 1
		e.CreatedAt = time.Now().UTC().Truncate(time.Microsecond)
		e.UpdatedAt = e.CreatedAt
		if _, err := c.pool.Exec(r.Context(), `INSERT INTO ceiling.entries (id, tenant_id, organization_id, user_id,
			description, started_at, stopped_at, timezone, source, version, hlc, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'manual', 1, '\x', $9, $9)`,
			pgUUID(id), pgUUID(c.tenant), pgUUID(c.org), pgUUID(c.user), e.Description, e.StartedAt, e.StoppedAt, e.Timezone, e.CreatedAt); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(e)
	})
	r.Get("/entries", func(w http.ResponseWriter, r *http.Request) {
		// The limit written in, as the store writes it, so this statement too keeps its plan.
		rows, err := c.pool.Query(r.Context(), `SELECT id, tenant_id, organization_id, user_id, project_id,
			task_id, description, started_at, stopped_at, timezone, billable, source, version, created_at, updated_at
			FROM ceiling.entries WHERE tenant_id = $1 AND organization_id = $2 AND deleted_at IS NULL
			ORDER BY started_at DESC, id DESC LIMIT `+strconv.Itoa(benchPageSize), pgUUID(c.tenant), pgUUID(c.org))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer rows.Close()
		items := make([]ceilingEntry, 0, benchPageSize)
		for rows.Next() {
			var e ceilingEntry
			var id, tenant, org, user, project, task pgtype.UUID
			if err := rows.Scan(&id, &tenant, &org, &user, &project, &task, &e.Description,
				&e.StartedAt, &e.StoppedAt, &e.Timezone, &e.Billable, &e.Source, &e.Version, &e.CreatedAt, &e.UpdatedAt); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			e.ID, e.TenantID, e.OrganizationID, e.UserID = uuidString(id), uuidString(tenant), uuidString(org), uuidString(user)
			if project.Valid {
				s := uuidString(project)
				e.ProjectID = &s
			}
			if task.Valid {
				s := uuidString(task)
				e.TaskID = &s
			}
			items = append(items, e)
		}
		if err := rows.Err(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"items": items, "next_cursor": ""})
	})
	return r
}

// BenchmarkCreatePathPostgres is one POST /v1/time-entries through the whole handler chain
// in process, without the network, on store/postgres, one request at a time: no lock waits,
// so -benchmem and a profile show the create path's own cost, db_cpu_ms/op the cluster's
// CPU for it (when the cluster runs on this machine) and go_cpu_ms/op this process's. It needs a cluster, as
// BenchmarkAPIPostgres does:
// ./.ci/test-env go test -run '^$' -bench BenchmarkCreatePathPostgres -benchmem ./server
func BenchmarkCreatePathPostgres(b *testing.B) {
	ctx := context.Background()
	admin := benchPostgres(b)
	appDSN, err := postgres.Setup(ctx, admin.dsn, postgres.SetupOptions{Owner: admin.name + "_owner", App: admin.name + "_app"})
	if err != nil {
		b.Fatal(err)
	}
	st, err := postgres.Open(ctx, appDSN)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	h := New(svc, Config{AllowSignup: true, Throttle: postgres.NewThrottle(st)}).Handler()
	sess, err := svc.Signup(ctx, app.SignupInput{Email: "create@example.com", Password: "bench password",
		Name: "Bench", Organization: "Bench", Timezone: "UTC"})
	if err != nil {
		b.Fatal(err)
	}
	post := benchPost("http://127.0.0.1/v1/time-entries", "Bearer "+sess.Token)
	create := func(i int) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, post(i))
		if w.Code != http.StatusCreated {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	for i := range 200 { // every pooled connection has prepared the statements
		create(-1 - i)
	}
	cpu := clusterCPU(b, admin.dsn)
	var db0, self0 float64
	if cpu != nil {
		db0, self0 = cpu()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		create(i)
	}
	b.StopTimer()
	if cpu != nil {
		db1, self1 := cpu()
		b.ReportMetric((db1-db0)/float64(b.N), "db_cpu_ms/op")
		b.ReportMetric((self1-self0)/float64(b.N), "go_cpu_ms/op")
	}
}

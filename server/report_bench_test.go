package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
	"github.com/stinthq/stint/store/sqlite"
)

// Shape of BenchmarkReports' data: reportBenchUsers members, each with an entry every 105
// minutes on average over two years, 1,000,000 entries in all.
const (
	reportBenchUsers    = 100
	reportBenchEntries  = 1_000_000
	reportBenchProjects = 20
	reportBenchTags     = 10
	reportBenchEmail    = "reports-bench@example.com"
	reportBenchPassword = "bench password"
	// reportBenchInvoices is how many invoices a run creates (each a client's month).
	reportBenchInvoices = 10
)

// reportBenchEnd is where the seeded two years end.
var reportBenchEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// BenchmarkReports seeds 1,000,000 entries (100 users, two years) into an SQLite file and
// measures, through the full /v1 stack (HTTP, authentication, tenancy, the service, the
// store, JSON), GET /v1/reports/summary for one user's week and for the whole
// organization's month, GET /v1/budgets (every project's time since it began, priced) and
// POST /v1/invoices (a client's month), each beside the same work as one raw SQL statement
// on the same file (the floor). The seeded file lives in a temporary directory for the run;
// STINT_REPORT_BENCH_DB names a file to keep and reuse across runs instead. Run it once:
// go test -run '^$' -bench 'BenchmarkReports$' -benchtime 1x ./server
// and one case alone with -bench 'BenchmarkReports/user_week' (org_month, org_month_by_user,
// budgets, invoice). BenchmarkReportsPostgres is the same on PostgreSQL.
func BenchmarkReports(b *testing.B) {
	ctx := context.Background()
	path := os.Getenv("STINT_REPORT_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "reports.db")
	}
	_, statErr := os.Stat(path)
	if statErr == nil {
		if err := dropStats(path); err != nil {
			b.Fatal(err)
		}
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	var sess app.Session
	if statErr == nil {
		sess, err = svc.Login(ctx, app.LoginInput{Email: reportBenchEmail, Password: reportBenchPassword})
	} else {
		var seed reportSeed
		if sess, seed, err = seedReportCatalog(ctx, svc); err == nil {
			err = seedReportEntriesSQLite(b, ctx, path, seed)
		}
	}
	if err != nil {
		b.Fatal(err)
	}
	raw, err := sql.Open("sqlite", sqlite.DSN(path, false))
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	runReportBench(b, "SQLite", svc, sess, sqliteFloor{raw}, processCPU)
}

// BenchmarkReportsPostgres is BenchmarkReports on PostgreSQL: the same 1,000,000 entries
// (written with COPY, then VACUUM ANALYZE as autovacuum leaves a table that has settled),
// the full /v1 stack on store/postgres as the application role (row-level security, the
// tenant setting per transaction), beside the same raw statements in PostgreSQL's SQL, run
// by the superuser on the same database. CPU figures add the cluster's processes to this
// one's when the cluster runs on this machine. It needs STINT_TEST_POSTGRES (make bench
// starts a cluster with .ci/test-env).
func BenchmarkReportsPostgres(b *testing.B) {
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
	sess, seed, err := seedReportCatalog(ctx, svc)
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := pgxpool.ParseConfig(admin.dsn)
	if err != nil {
		b.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = "stint" // where postgres.Setup puts the schema
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	if err := seedReportEntriesPostgres(b, ctx, pool, seed); err != nil {
		b.Fatal(err)
	}
	cpu := processCPU
	if cluster := clusterCPU(b, admin.dsn); cluster != nil {
		cpu = func() time.Duration {
			db, self := cluster()
			return time.Duration((db + self) * float64(time.Millisecond))
		}
	}
	runReportBench(b, "PostgreSQL", svc, sess, pgFloor{pool}, cpu)
}

// reportFloor runs the raw statements a store's figures stand beside: no tenant check, no
// names, no rates, no filters besides the user (or the client of an invoice), sums per
// group and period added up by the caller.
type reportFloor interface {
	// summary prepares the aggregate of the organization's (or user's) time grouped by
	// group's columns over [from, to) cut into days when period is set; the function runs it
	// with running entries counted up to now and returns its total in whole seconds per group.
	summary(b *testing.B, org uuid.UUID, user *uuid.UUID, group string, from, to time.Time, period app.ReportGroup) func(now time.Time) int64
	// invoice reads a client's billable, stopped, not yet invoiced entries that started in
	// [from, to) and returns their seconds per project and task, added up.
	invoice(b *testing.B, org, client uuid.UUID, from, to time.Time) int64
}

// reportCase is one measured request of the report bench beside its floor.
type reportCase struct {
	name string
	n    int
	goal string
	// request makes the i-th request of the full stack.
	request func(i int) *http.Request
	// floor runs the i-th raw statement, running entries counted to now, and returns its total.
	floor func(i int, now time.Time) int64
	// consumes says that the i-th request uses up what the i-th floor reads (an invoice
	// marks its entries): the floor runs first and the totals of all runs are compared.
	// Otherwise the full stack runs first and its last total is compared with the floor's
	// as of the same instant.
	consumes bool
}

// runReportBench measures the cases on one seeded store: kind names the store in the
// figures, cpu reads the CPU time that serving a report takes (this process, and the
// database's when it is another process).
func runReportBench(b *testing.B, kind string, svc *app.Service, sess app.Session, floor reportFloor, cpu func() time.Duration) {
	ctx := context.Background()
	owner, err := svc.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		b.Fatal(err)
	}
	members, err := svc.Members(ctx, owner, app.ListParams{Limit: app.MaxPageLimit})
	if err != nil || len(members.Items) < 2 {
		b.Fatalf("members: %v (%d)", err, len(members.Items))
	}
	if err := setReportBenchRates(ctx, svc, owner, members.Items); err != nil {
		b.Fatal(err)
	}
	if err := setReportBenchBudgets(ctx, svc, owner); err != nil {
		b.Fatal(err)
	}
	pairs, err := reportInvoicePairs(ctx, svc, owner)
	if err != nil {
		b.Fatal(err)
	}
	user := members.Items[1].UserID
	// A request's store work may take a minute here, not DefaultStoreTimeout's 10 s: the
	// budgets sum every entry the organization has, which took longer than 10 s on a busy
	// machine, and a 503 would leave the case without a figure.
	full := httptest.NewServer(New(svc, Config{StoreTimeout: time.Minute}).Handler())
	defer full.Close()
	get := func(query string) func(int) *http.Request {
		return func(int) *http.Request {
			req, _ := http.NewRequest(http.MethodGet, full.URL+query, nil)
			req.Header.Set("Authorization", "Bearer "+sess.Token)
			return req
		}
	}
	day := func(s string) time.Time {
		d, _ := time.ParseInLocation(app.DateLayout, s, time.UTC)
		return d
	}
	summary := func(user *uuid.UUID, group, from, to string, period app.ReportGroup) func(int, time.Time) int64 {
		run := floor.summary(b, owner.OrgID, user, group, day(from), day(to).AddDate(0, 0, 1), period)
		return func(_ int, now time.Time) int64 { return run(now) }
	}
	week := [2]string{"2026-10-19", "2026-10-25"}
	month := [2]string{"2026-10-01", "2026-10-31"}
	// Budgets count every project's time from its first entry to now: the floor's one
	// period reaches from the epoch to far beyond now, so only now bounds it, as in the
	// service.
	budgets := floor.summary(b, owner.OrgID, nil, "project", time.Unix(0, 0).UTC(), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), "")
	cases := []reportCase{
		{name: "user_week", n: 400, goal: "<2ms", request: get("/v1/reports/summary?from=" + week[0] + "&to=" + week[1] + "&timezone=UTC&user_id=" + user.String()),
			floor: summary(&user, "project,day", week[0], week[1], app.GroupDay)},
		{name: "org_month", n: 30, goal: "<50ms", request: get("/v1/reports/summary?from=" + month[0] + "&to=" + month[1] + "&timezone=UTC"),
			floor: summary(nil, "project,day", month[0], month[1], app.GroupDay)},
		{name: "org_month_by_user", n: 30, goal: "<50ms", request: get("/v1/reports/summary?from=" + month[0] + "&to=" + month[1] + "&timezone=UTC&group=user"),
			floor: summary(nil, "user", month[0], month[1], "")},
		{name: "budgets", n: 5, goal: "-", request: get("/v1/budgets"), floor: func(_ int, now time.Time) int64 { return budgets(now) }},
	}
	if len(pairs) >= reportBenchInvoices {
		pairs = pairs[:reportBenchInvoices]
		cases = append(cases, reportCase{name: "invoice", n: len(pairs), goal: "-", consumes: true,
			request: func(i int) *http.Request {
				body := fmt.Sprintf(`{"client_id":%q,"from":%q,"to":%q,"timezone":"UTC"}`, pairs[i].client, pairs[i].from.Format(app.DateLayout),
					pairs[i].from.AddDate(0, 1, -1).Format(app.DateLayout))
				req, _ := http.NewRequest(http.MethodPost, full.URL+"/v1/invoices", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+sess.Token)
				req.Header.Set("Content-Type", "application/json")
				return req
			},
			floor: func(i int, _ time.Time) int64 {
				return floor.invoice(b, owner.OrgID, pairs[i].client, pairs[i].from, pairs[i].from.AddDate(0, 1, 0))
			}})
	} else {
		b.Logf("invoice: skipped, every client's month of the kept file is invoiced")
	}
	client := &http.Client{Timeout: 5 * time.Minute}
	for _, c := range cases {
		// Each case is a sub-benchmark sharing the seeded data, so -bench 'BenchmarkReports/user_week'
		// measures (and -cpuprofile profiles) one case alone.
		b.Run(c.name, func(b *testing.B) {
			bodies := make([][]byte, c.n)
			i := 0
			runFull := func() (time.Duration, time.Duration) {
				i = 0
				return p50(b, c.n, cpu, func() {
					res, err := client.Do(c.request(i))
					if err != nil {
						b.Fatal(err)
					}
					body, _ := io.ReadAll(res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusCreated {
						b.Fatalf("%s: status %d: %.300s", c.name, res.StatusCode, body)
					}
					bodies[i] = body
					i++
				})
			}
			rawTotals := make([]int64, c.n)
			runRaw := func() (time.Duration, time.Duration) {
				i = 0
				return p50(b, c.n, cpu, func() {
					rawTotals[i] = c.floor(i, time.Now())
					i++
				})
			}
			var fullP50, fullCPU, rawP50, rawCPU time.Duration
			if c.consumes {
				rawP50, rawCPU = runRaw()
				fullP50, fullCPU = runFull()
			} else {
				fullP50, fullCPU = runFull()
				rawP50, rawCPU = runRaw()
			}
			var fullTotal, rawTotal int64
			for j, body := range bodies {
				total, asOf, err := reportBenchTotal(body)
				if err != nil {
					b.Fatalf("%s: %v", c.name, err)
				}
				if c.consumes {
					fullTotal += total
					rawTotal += rawTotals[j]
				} else if j == len(bodies)-1 {
					fullTotal, rawTotal = total, c.floor(j, asOf)
				}
			}
			if rawTotal != fullTotal || fullTotal == 0 {
				b.Errorf("%s: raw SQL totals %d s, the API %d s", c.name, rawTotal, fullTotal)
			}
			b.ReportMetric(float64(fullP50.Microseconds())/1000, "p50_ms")
			b.ReportMetric(float64(rawP50.Microseconds())/1000, "raw_p50_ms")
			b.ReportMetric(rawP50.Seconds()/fullP50.Seconds(), "ratio")
			b.ReportMetric(float64(fullCPU.Microseconds())/1000, "cpu_ms")
			b.ReportMetric(float64(rawCPU.Microseconds())/1000, "raw_cpu_ms")
			// Each case prints its own table line, so a case run alone shows its figures too
			// (a parent benchmark's log shows only with -v).
			load, _ := os.ReadFile("/proc/loadavg") // the machine's load beside the figures, where there is one
			b.Logf("\n%-18s %10s %10s %7s %10s %10s %10s %7s\n%-18s %10.3f %10.3f %7.2f %10s %10.3f %10.3f %7.2f\n"+
				"(%s, p50 in ms over %d entries; ratio = raw SQL p50 / full stack p50, goal >= 0.5; cpu: CPU ms per report of\n"+
				"this process, client and server alike, and of the database's processes when they are others, and their ratio,\n"+
				"which a busy machine blurs less; GOMAXPROCS=%d, load %s)",
				"report", "full p50", "raw p50", "ratio", "goal", "full cpu", "raw cpu", "ratio",
				c.name, float64(fullP50.Microseconds())/1000, float64(rawP50.Microseconds())/1000, rawP50.Seconds()/fullP50.Seconds(), c.goal,
				float64(fullCPU.Microseconds())/1000, float64(rawCPU.Microseconds())/1000, rawCPU.Seconds()/max(fullCPU.Seconds(), 1e-9),
				kind, reportBenchEntries, runtime.GOMAXPROCS(0), strings.TrimSpace(string(load)))
		})
	}
}

// reportBenchTotal reads what a response and its floor must agree on: a summary's
// total_seconds, the budgets' spent_seconds or the invoice lines' seconds added up, and the
// instant running entries were counted to.
func reportBenchTotal(body []byte) (int64, time.Time, error) {
	var r struct {
		TotalSeconds int64     `json:"total_seconds"`
		AsOf         time.Time `json:"as_of"`
		Items        []struct {
			SpentSeconds int64     `json:"spent_seconds"`
			AsOf         time.Time `json:"as_of"`
		} `json:"items"`
		Lines []struct {
			Seconds int64 `json:"seconds"`
		} `json:"lines"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return 0, time.Time{}, fmt.Errorf("response: %w: %.200s", err, body)
	}
	total, asOf := r.TotalSeconds, r.AsOf
	for _, it := range r.Items {
		total, asOf = total+it.SpentSeconds, it.AsOf
	}
	for _, l := range r.Lines {
		total += l.Seconds
	}
	return total, asOf, nil
}

// setReportBenchRates prices the bench's billable time as an organization might: its own
// rate that changes in the month measured, rates for a fifth of the members, for every
// project of a client and for two members on a project, so every level of the reports'
// rate expression is evaluated. Setting the same rates again changes nothing, so a kept
// file gets them once.
func setReportBenchRates(ctx context.Context, svc *app.Service, owner app.Actor, members []app.Member) error {
	start := reportBenchEnd.AddDate(-2, 0, 0).Format(app.DateLayout)
	set := func(in app.RateInput) error {
		in.Currency = "EUR"
		if in.EffectiveFrom == "" {
			in.EffectiveFrom = start
		}
		_, err := svc.SetRate(ctx, owner, in)
		return err
	}
	if err := set(app.RateInput{HourlyMinor: 9000}); err != nil {
		return err
	}
	if err := set(app.RateInput{HourlyMinor: 9500, EffectiveFrom: "2026-10-15"}); err != nil {
		return err
	}
	for i, m := range members {
		if i%5 == 0 {
			if err := set(app.RateInput{UserID: &m.UserID, HourlyMinor: 10000 + int64(i)*10}); err != nil {
				return err
			}
		}
	}
	projects, err := svc.Projects(ctx, owner, app.ListParams{Limit: app.MaxPageLimit}, false)
	if err != nil {
		return err
	}
	clients, err := svc.Clients(ctx, owner, app.ListParams{Limit: app.MaxPageLimit}, false)
	if err != nil {
		return err
	}
	for i, c := range clients.Items {
		if i%2 == 0 {
			if err := set(app.RateInput{ClientID: &c.ID, HourlyMinor: 12000}); err != nil {
				return err
			}
		}
	}
	for i, p := range projects.Items {
		if i%3 == 0 {
			if err := set(app.RateInput{ProjectID: &p.ID, HourlyMinor: 15000}); err != nil {
				return err
			}
		}
	}
	for _, m := range members[1:3] {
		if err := set(app.RateInput{UserID: &m.UserID, ProjectID: &projects.Items[0].ID, HourlyMinor: 20000}); err != nil {
			return err
		}
	}
	return nil
}

// setReportBenchBudgets gives every project a budget, in hours or in money by turns, so
// GET /v1/budgets sums every project's whole history. Setting them again changes nothing.
func setReportBenchBudgets(ctx context.Context, svc *app.Service, owner app.Actor) error {
	projects, err := svc.Projects(ctx, owner, app.ListParams{Limit: app.MaxPageLimit}, false)
	if err != nil {
		return err
	}
	for i, p := range projects.Items {
		in := app.BudgetInput{Kind: app.BudgetHours, Limit: 2000 * 3600}
		if i%2 == 1 {
			in = app.BudgetInput{Kind: app.BudgetMoney, Limit: 100_000_00}
		}
		if _, err := svc.SetBudget(ctx, owner, p.ID, in); err != nil {
			return err
		}
	}
	return nil
}

// invoicePair is a client's calendar month (UTC) to invoice.
type invoicePair struct {
	client uuid.UUID
	from   time.Time
}

// reportInvoicePairs lists the clients' months of the seeded two years, newest first, that
// no invoice covers yet (a kept file keeps the invoices of earlier runs).
func reportInvoicePairs(ctx context.Context, svc *app.Service, owner app.Actor) ([]invoicePair, error) {
	clients, err := svc.Clients(ctx, owner, app.ListParams{Limit: app.MaxPageLimit}, false)
	if err != nil {
		return nil, err
	}
	invs, err := svc.Invoices(ctx, owner)
	if err != nil {
		return nil, err
	}
	done := map[invoicePair]bool{}
	for _, inv := range invs {
		if inv.ClientID != nil {
			done[invoicePair{*inv.ClientID, inv.PeriodFrom}] = true
		}
	}
	var out []invoicePair
	for m := reportBenchEnd.AddDate(0, -1, 0); !m.Before(reportBenchEnd.AddDate(-2, 0, 0)); m = m.AddDate(0, -1, 0) {
		for _, c := range clients.Items {
			if p := (invoicePair{c.ID, m}); !done[p] {
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// dropStats removes what ANALYZE left in a kept file (an earlier bench ran it): the store
// never runs ANALYZE, so a user's file has no statistics, and with them SQLite (built with
// STAT4) compiles a statement again at every run whose bound ids it holds samples of,
// which the figures of a user's file do not pay.
func dropStats(path string) error {
	db, err := sql.Open("sqlite", sqlite.DSN(path, true))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(`DROP TABLE IF EXISTS sqlite_stat1; DROP TABLE IF EXISTS sqlite_stat4`)
	return err
}

// p50 runs fn n times and returns the median duration and the mean CPU time per run that
// cpu reads (client and server alike, GC included).
func p50(b *testing.B, n int, cpu func() time.Duration, fn func()) (time.Duration, time.Duration) {
	b.Helper()
	ds := make([]time.Duration, n)
	used := cpu()
	for i := range ds {
		start := time.Now()
		fn()
		ds[i] = time.Since(start)
	}
	used = (cpu() - used) / time.Duration(n)
	slices.Sort(ds)
	return ds[n/2], used
}

// rawPeriods are the floor's periods over [from, to): whole days when period is set, else
// the range as one.
func rawPeriods(from, to time.Time, period app.ReportGroup) [][2]time.Time {
	if period == "" {
		return [][2]time.Time{{from, to}}
	}
	var ps [][2]time.Time
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		ps = append(ps, [2]time.Time{d, d.AddDate(0, 0, 1)})
	}
	return ps
}

// sqliteFloor is the floor on the SQLite file.
type sqliteFloor struct{ db *sql.DB }

// summary is the report's aggregate as one hand-written statement on the same indexes,
// periods as a JSON array of [start, end) pairs driving it.
func (f sqliteFloor) summary(b *testing.B, org uuid.UUID, user *uuid.UUID, group string, from, to time.Time, period app.ReportGroup) func(time.Time) int64 {
	var ps strings.Builder
	ps.WriteByte('[')
	for i, p := range rawPeriods(from, to, period) {
		if i > 0 {
			ps.WriteByte(',')
		}
		fmt.Fprintf(&ps, "[%d,%d]", p[0].UnixMicro(), p[1].UnixMicro())
	}
	ps.WriteByte(']')
	k1, k2 := "e.project_id", "p.i"
	if group == "user" {
		k1, k2 = "e.user_id", "NULL"
	}
	index := "time_entries_report"
	if user != nil {
		index = "time_entries_user_started"
	}
	userCond := ""
	if user != nil {
		userCond = " AND e.user_id = x'" + strings.ReplaceAll(user.String(), "-", "") + "'"
	}
	// Entries from more than a day before a period reach into it only while running (the
	// seeded data has no longer ones): the second half finds those.
	stmt, err := f.db.Prepare(`WITH p(i, lo, hi) AS MATERIALIZED (SELECT key, value ->> 0, value ->> 1 FROM json_each(?1))
		SELECT ` + k1 + `, ` + k2 + `, sum(min(coalesce(e.stopped_at, ?2), p.hi) - max(e.started_at, p.lo))
		FROM p CROSS JOIN time_entries e INDEXED BY ` + index + `
		WHERE e.organization_id = ?3 AND e.deleted_at IS NULL AND e.started_at >= p.lo - 86400000000 AND e.started_at < p.hi
			AND (e.stopped_at IS NULL OR e.stopped_at > p.lo)` + userCond + `
		GROUP BY 1, 2
		UNION ALL
		SELECT ` + k1 + `, ` + k2 + `, sum(min(?2, p.hi) - max(e.started_at, p.lo))
		FROM p CROSS JOIN time_entries e INDEXED BY time_entries_one_running
		WHERE e.stopped_at IS NULL AND e.deleted_at IS NULL AND e.organization_id = ?3 AND e.started_at < p.lo - 86400000000 AND ?2 > p.lo` + userCond + `
		GROUP BY 1, 2`)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { stmt.Close() })
	return func(now time.Time) int64 {
		rows, err := stmt.Query(ps.String(), now.UnixMicro(), org[:])
		if err != nil {
			b.Fatal(err)
		}
		return sumRawRows(b, rows)
	}
}

// sumRawRows adds up a floor's rows of (key, key, microseconds) per key, each key's sum in
// whole seconds as the report rounds its rows.
func sumRawRows(b *testing.B, rows *sql.Rows) int64 {
	defer rows.Close()
	sums := map[string]int64{}
	for rows.Next() {
		var k1 []byte
		var k2 any
		var micros int64
		if err := rows.Scan(&k1, &k2, &micros); err != nil {
			b.Fatal(err)
		}
		sums[fmt.Sprintf("%x|%v", k1, k2)] += micros
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	var total int64
	for _, micros := range sums {
		total += micros / 1_000_000
	}
	return total
}

func (f sqliteFloor) invoice(b *testing.B, org, client uuid.UUID, from, to time.Time) int64 {
	rows, err := f.db.Query(`SELECT e.project_id, e.task_id, e.stopped_at - e.started_at, e.id FROM time_entries e
		WHERE e.organization_id = ?1 AND e.deleted_at IS NULL AND e.billable AND e.stopped_at IS NOT NULL
			AND e.started_at >= ?2 AND e.started_at < ?3
			AND e.project_id IN (SELECT c.id FROM projects c WHERE c.organization_id = ?1 AND c.client_id = ?4)
			AND NOT EXISTS (SELECT 1 FROM invoice_entries ie WHERE ie.entry_id = e.id)`,
		org[:], from.UnixMicro(), to.UnixMicro(), client[:])
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	sums := map[string]int64{}
	for rows.Next() {
		var project, task, id []byte
		var micros int64
		if err := rows.Scan(&project, &task, &micros, &id); err != nil {
			b.Fatal(err)
		}
		sums[string(project)+string(task)] += micros
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	var total int64
	for _, micros := range sums {
		total += micros / 1_000_000
	}
	return total
}

// pgFloor is the floor on the PostgreSQL database, run by the superuser (no row-level
// security) through pgx, which prepares each statement once and caches it.
type pgFloor struct{ pool *pgxpool.Pool }

func (f pgFloor) summary(b *testing.B, org uuid.UUID, user *uuid.UUID, group string, from, to time.Time, period app.ReportGroup) func(time.Time) int64 {
	var los, his []time.Time
	for _, p := range rawPeriods(from, to, period) {
		los, his = append(los, p[0]), append(his, p[1])
	}
	k1, k2 := "e.project_id", "p.i"
	if group == "user" {
		k1, k2 = "e.user_id", "NULL::int"
	}
	userCond := ""
	if user != nil {
		userCond = " AND e.user_id = '" + user.String() + "'::uuid"
	}
	micros := func(end string) string {
		return "sum((extract(epoch FROM least(" + end + ", p.hi) - greatest(e.started_at, p.lo)) * 1000000)::bigint)::bigint"
	}
	q := `WITH p AS (SELECT u.n::int AS i, u.lo, u.hi FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS u(lo, hi, n))
		SELECT ` + k1 + `, ` + k2 + `, ` + micros("coalesce(e.stopped_at, $3)") + `
		FROM p JOIN time_entries e ON e.organization_id = $4 AND e.deleted_at IS NULL AND e.started_at >= p.lo - interval '24 hours'
			AND e.started_at < p.hi AND (e.stopped_at IS NULL OR e.stopped_at > p.lo)` + userCond + `
		GROUP BY 1, 2
		UNION ALL
		SELECT ` + k1 + `, ` + k2 + `, ` + micros("$3") + `
		FROM p JOIN time_entries e ON e.stopped_at IS NULL AND e.deleted_at IS NULL AND e.organization_id = $4
			AND e.started_at < p.lo - interval '24 hours' AND $3 > p.lo` + userCond + `
		GROUP BY 1, 2`
	return func(now time.Time) int64 {
		rows, err := f.pool.Query(context.Background(), q, los, his, now, pgUUID(org))
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		sums := map[string]int64{}
		for rows.Next() {
			var key pgtype.UUID
			var k2 *int32
			var micros int64
			if err := rows.Scan(&key, &k2, &micros); err != nil {
				b.Fatal(err)
			}
			p := int32(-1)
			if k2 != nil {
				p = *k2
			}
			sums[fmt.Sprintf("%x|%d", key.Bytes, p)] += micros
		}
		if err := rows.Err(); err != nil {
			b.Fatal(err)
		}
		var total int64
		for _, micros := range sums {
			total += micros / 1_000_000
		}
		return total
	}
}

func (f pgFloor) invoice(b *testing.B, org, client uuid.UUID, from, to time.Time) int64 {
	rows, err := f.pool.Query(context.Background(), `SELECT e.project_id, e.task_id,
			(extract(epoch FROM e.stopped_at - e.started_at) * 1000000)::bigint, e.id FROM time_entries e
		WHERE e.organization_id = $1 AND e.deleted_at IS NULL AND e.billable AND e.stopped_at IS NOT NULL
			AND e.started_at >= $2 AND e.started_at < $3
			AND e.project_id IN (SELECT c.id FROM projects c WHERE c.organization_id = $1 AND c.client_id = $4)
			AND NOT EXISTS (SELECT 1 FROM invoice_entries ie WHERE ie.entry_id = e.id)`,
		pgUUID(org), from, to, pgUUID(client))
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	sums := map[[2]pgtype.UUID]int64{}
	for rows.Next() {
		var project, task, id pgtype.UUID
		var micros int64
		if err := rows.Scan(&project, &task, &micros, &id); err != nil {
			b.Fatal(err)
		}
		sums[[2]pgtype.UUID{project, task}] += micros
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	var total int64
	for _, micros := range sums {
		total += micros / 1_000_000
	}
	return total
}

// reportSeed is what the seeded entries refer to: the organization and its members,
// projects and tags.
type reportSeed struct {
	owner                 app.Actor
	users, projects, tags []uuid.UUID
}

// seedReportCatalog signs up the bench's owner and adds the members, clients, projects and
// tags through the service.
func seedReportCatalog(ctx context.Context, svc *app.Service) (app.Session, reportSeed, error) {
	var seed reportSeed
	sess, err := svc.Signup(ctx, app.SignupInput{Email: reportBenchEmail, Password: reportBenchPassword, Name: "Owner", Organization: "Bench", Timezone: "UTC"})
	if err != nil {
		return sess, seed, err
	}
	if seed.owner, err = svc.Authenticate(ctx, sess.Token, nil); err != nil {
		return sess, seed, err
	}
	seed.users = []uuid.UUID{seed.owner.UserID}
	for i := 1; i < reportBenchUsers; i++ {
		m, err := svc.AddMember(ctx, seed.owner, app.MemberInput{Email: fmt.Sprintf("user%d@example.com", i), Name: fmt.Sprintf("User %02d", i), Role: app.RoleMember, Password: reportBenchPassword})
		if err != nil {
			return sess, seed, err
		}
		seed.users = append(seed.users, m.UserID)
	}
	for i := range reportBenchProjects {
		var client *uuid.UUID
		if i%4 != 3 {
			c, err := svc.CreateClient(ctx, seed.owner, app.ClientInput{Name: fmt.Sprintf("Client %02d", i)})
			if err != nil {
				return sess, seed, err
			}
			client = &c.ID
		}
		p, err := svc.CreateProject(ctx, seed.owner, app.ProjectInput{Name: fmt.Sprintf("Project %02d", i), ClientID: client, Billable: i%2 == 0})
		if err != nil {
			return sess, seed, err
		}
		seed.projects = append(seed.projects, p.ID)
	}
	for i := range reportBenchTags {
		t, err := svc.CreateTag(ctx, seed.owner, app.TagInput{Name: fmt.Sprintf("tag %d", i)})
		if err != nil {
			return sess, seed, err
		}
		seed.tags = append(seed.tags, t.ID)
	}
	return sess, seed, nil
}

// reportBenchEntry is one seeded entry; stopped is nil for a running one.
type reportBenchEntry struct {
	id, user, project uuid.UUID
	started           time.Time
	stopped           *time.Time
	billable          bool
	tags              []uuid.UUID
}

// eachReportBenchEntry makes the seeded entries, the same ones (ids aside) on every store
// and run: each user's entries one after another over the two years, 10 to 50 minutes long
// with gaps that average the rest of 105 minutes, so they never overlap; the last entry of
// a tenth of the users is still running.
func eachReportBenchEntry(seed reportSeed, fn func(reportBenchEntry) error) error {
	rng := rand.New(rand.NewPCG(1, 2))
	per := reportBenchEntries / reportBenchUsers
	span := reportBenchEnd.Sub(reportBenchEnd.AddDate(-2, 0, 0))
	step := span / time.Duration(per) // about 105 minutes per entry and user
	for u, userID := range seed.users {
		at := reportBenchEnd.AddDate(-2, 0, 0).Add(time.Duration(rng.Int64N(int64(step))))
		for i := range per {
			id, err := uuid.NewV7()
			if err != nil {
				return err
			}
			dur := 10*time.Minute + time.Duration(rng.Int64N(int64(40*time.Minute)))
			e := reportBenchEntry{id: id, user: userID, started: at}
			if stopped := at.Add(dur); i < per-1 || u%10 != 0 {
				e.stopped = &stopped
			}
			for range rng.IntN(3) {
				e.tags = append(e.tags, seed.tags[rng.IntN(len(seed.tags))])
			}
			e.project = seed.projects[rng.IntN(len(seed.projects))]
			e.billable = rng.IntN(2) == 0
			if err := fn(e); err != nil {
				return err
			}
			at = at.Add(dur + time.Duration(rng.Int64N(int64(2*(step-30*time.Minute)))))
		}
	}
	return nil
}

// seedReportEntriesSQLite writes the entries straight into the file in one transaction
// with one prepared statement (the service would take minutes).
func seedReportEntriesSQLite(b *testing.B, ctx context.Context, path string, seed reportSeed) error {
	b.Helper()
	start := time.Now()
	db, err := sql.Open("sqlite", sqlite.DSN(path, true))
	if err != nil {
		return err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	ins, err := tx.Prepare(`INSERT INTO time_entries (id, tenant_id, organization_id, user_id, project_id, task_id, description,
		started_at, stopped_at, timezone, billable, source, tag_ids, version, hlc, created_at, updated_at, deleted_at, server_version)
		VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, 'UTC', ?, 'import', ?, 1, ?, ?, ?, NULL, 0)`)
	if err != nil {
		return err
	}
	hlc := make([]byte, 12+len("bench"))
	copy(hlc[12:], "bench")
	owner := seed.owner
	err = eachReportBenchEntry(seed, func(e reportBenchEntry) error {
		var stopped any
		if e.stopped != nil {
			stopped = e.stopped.UnixMicro()
		}
		tagBytes := []byte{}
		for _, t := range e.tags {
			tagBytes = append(tagBytes, t[:]...)
		}
		now := e.started.UnixMicro()
		_, err := ins.Exec(e.id[:], owner.TenantID[:], owner.OrgID[:], e.user[:], e.project[:], "work", e.started.UnixMicro(), stopped,
			e.billable, tagBytes, hlc, now, now)
		return err
	})
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	b.Logf("seeded %d entries of %d users into SQLite in %v", reportBenchEntries, len(seed.users), time.Since(start).Round(time.Millisecond))
	return nil
}

// seedReportEntriesPostgres copies the entries into time_entries as the superuser with
// triggers and foreign key checks off (session_replication_role = replica: the rows it
// refers to exist, and a bulk load has no change log to stamp), then VACUUM ANALYZE, which
// a settled table has had from autovacuum: statistics, and a visibility map that lets the
// reports' scans read the index alone.
func seedReportEntriesPostgres(b *testing.B, ctx context.Context, pool *pgxpool.Pool, seed reportSeed) error {
	b.Helper()
	start := time.Now()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET session_replication_role = replica`); err != nil {
		return err
	}
	defer conn.Exec(ctx, `RESET session_replication_role`)
	hlc := make([]byte, 12+len("bench"))
	copy(hlc[12:], "bench")
	owner := seed.owner
	// The entries go from their maker to COPY through a channel, so the million rows are
	// never all in memory at once.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rows := make(chan []any, 1024)
	made := make(chan error, 1)
	go func() {
		defer close(rows)
		made <- eachReportBenchEntry(seed, func(e reportBenchEntry) error {
			var stopped any
			if e.stopped != nil {
				stopped = *e.stopped
			}
			tags := make([]pgtype.UUID, len(e.tags))
			for i, t := range e.tags {
				tags[i] = pgUUID(t)
			}
			select {
			case rows <- []any{pgUUID(e.id), pgUUID(owner.TenantID), pgUUID(owner.OrgID), pgUUID(e.user), pgUUID(e.project), "work",
				e.started, stopped, "UTC", e.billable, "import", tags, int64(1), hlc, e.started, e.started, int64(0)}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	var row []any
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"time_entries"}, []string{"id", "tenant_id", "organization_id", "user_id", "project_id",
		"description", "started_at", "stopped_at", "timezone", "billable", "source", "tag_ids", "version", "hlc", "created_at", "updated_at",
		"server_version"}, pgx.CopyFromFunc(func() ([]any, error) {
		var ok bool
		row, ok = <-rows
		if !ok {
			return nil, <-made
		}
		return row, nil
	}))
	if err != nil {
		return err
	}
	copied := time.Since(start)
	if _, err := conn.Exec(ctx, `VACUUM (ANALYZE) time_entries`); err != nil {
		return err
	}
	b.Logf("seeded %d entries of %d users into PostgreSQL in %v (COPY %v, VACUUM ANALYZE %v)", n, len(seed.users),
		time.Since(start).Round(time.Millisecond), copied.Round(time.Millisecond), (time.Since(start) - copied).Round(time.Millisecond))
	return nil
}

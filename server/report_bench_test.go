package server

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
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
)

// reportBenchEnd is where the seeded two years end.
var reportBenchEnd = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// BenchmarkReports seeds 1,000,000 entries (100 users, two years) into an SQLite file and
// measures, through the full /v1 stack (HTTP, authentication, tenancy, the service, the
// store, JSON), GET /v1/reports/summary for one user's week and for the whole
// organization's month, each beside the same aggregate as one raw SQL statement on the
// same file (the floor). The seeded file lives in a temporary directory for the run;
// STINT_REPORT_BENCH_DB names a file to keep and reuse across runs instead. Run it once:
// go test -run '^$' -bench BenchmarkReports -benchtime 1x ./server
// and one case alone with -bench 'BenchmarkReports/user_week' (org_month, org_month_by_user).
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
		sess, err = seedReportBench(b, ctx, svc, path)
	}
	if err != nil {
		b.Fatal(err)
	}
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
	user := members.Items[1].UserID
	full := httptest.NewServer(New(svc, Config{}).Handler())
	defer full.Close()
	raw, err := sql.Open("sqlite", sqlite.DSN(path, false))
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()

	week := [2]string{"2026-10-19", "2026-10-25"}
	month := [2]string{"2026-10-01", "2026-10-31"}
	utc := time.UTC
	cases := []struct {
		name   string
		n      int
		query  string
		goal   time.Duration
		user   *uuid.UUID
		group  string
		from   string
		to     string
		period app.ReportGroup
	}{
		{"user_week", 400, "from=" + week[0] + "&to=" + week[1] + "&timezone=UTC&user_id=" + user.String(), 2 * time.Millisecond, &user, "project,day", week[0], week[1], app.GroupDay},
		{"org_month", 30, "from=" + month[0] + "&to=" + month[1] + "&timezone=UTC", 50 * time.Millisecond, nil, "project,day", month[0], month[1], app.GroupDay},
		{"org_month_by_user", 30, "from=" + month[0] + "&to=" + month[1] + "&timezone=UTC&group=user", 50 * time.Millisecond, nil, "user", month[0], month[1], ""},
	}
	client := &http.Client{Timeout: time.Minute}
	for _, c := range cases {
		// Each case is a sub-benchmark sharing the seeded file, so -bench 'BenchmarkReports/user_week'
		// measures (and -cpuprofile profiles) one case alone.
		b.Run(c.name, func(b *testing.B) {
			url := full.URL + "/v1/reports/summary?" + c.query
			if c.group != "project,day" {
				url += "&group=" + c.group
			}
			var total int64
			fullP50, fullCPU := p50(b, c.n, func() {
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				req.Header.Set("Authorization", "Bearer "+sess.Token)
				res, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Fatalf("%s: status %d: %.300s", c.name, res.StatusCode, body)
				}
				i := strings.Index(string(body), `"total_seconds":`)
				total, _ = strconv.ParseInt(strings.TrimRight(strings.SplitN(string(body[i+16:]), ",", 2)[0], "}"), 10, 64)
			})
			from, _ := time.ParseInLocation(app.DateLayout, c.from, utc)
			to, _ := time.ParseInLocation(app.DateLayout, c.to, utc)
			to = to.AddDate(0, 0, 1)
			stmt, args := rawReport(owner, c.user, c.group, from, to, c.period)
			prepared, err := raw.Prepare(stmt)
			if err != nil {
				b.Fatal(err)
			}
			defer prepared.Close()
			var rawTotal int64
			rawP50, rawCPU := p50(b, c.n, func() {
				rows, err := prepared.Query(args...)
				if err != nil {
					b.Fatal(err)
				}
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
				rows.Close()
				rawTotal = 0
				for _, micros := range sums {
					rawTotal += micros / 1_000_000
				}
			})
			if rawTotal != total {
				b.Errorf("%s: raw SQL totals %d s, the API %d s", c.name, rawTotal, total)
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
				"(p50 in ms over %d entries; ratio = raw SQL p50 / full stack p50, goal >= 0.5; cpu: the process's CPU ms per\n"+
				"report, client and server alike, and their ratio, which a busy machine blurs less; GOMAXPROCS=%d, load %s)",
				"report", "full p50", "raw p50", "ratio", "goal", "full cpu", "raw cpu", "ratio",
				c.name, float64(fullP50.Microseconds())/1000, float64(rawP50.Microseconds())/1000, rawP50.Seconds()/fullP50.Seconds(), "<"+c.goal.String(),
				float64(fullCPU.Microseconds())/1000, float64(rawCPU.Microseconds())/1000, rawCPU.Seconds()/max(fullCPU.Seconds(), 1e-9),
				reportBenchEntries, runtime.GOMAXPROCS(0), strings.TrimSpace(string(load)))
		})
	}
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

// p50 runs fn n times and returns the median duration and the process's mean CPU time
// per run (client and server alike, GC included).
func p50(b *testing.B, n int, fn func()) (time.Duration, time.Duration) {
	b.Helper()
	ds := make([]time.Duration, n)
	cpu := processCPU()
	for i := range ds {
		start := time.Now()
		fn()
		ds[i] = time.Since(start)
	}
	cpu = (processCPU() - cpu) / time.Duration(n)
	slices.Sort(ds)
	return ds[n/2], cpu
}

// rawReport is the floor: the report's aggregate as one hand-written statement on the same
// index, periods as a JSON array of [start, end) pairs driving it, grouped by group's
// columns: no tenant check, no names, no filters besides the user, rows per group and
// period left for the caller to add up.
func rawReport(owner app.Actor, user *uuid.UUID, group string, from, to time.Time, period app.ReportGroup) (string, []any) {
	var ps strings.Builder
	ps.WriteByte('[')
	if period == "" {
		fmt.Fprintf(&ps, "[%d,%d]", from.UnixMicro(), to.UnixMicro())
	}
	for d := from; period != "" && d.Before(to); d = d.AddDate(0, 0, 1) {
		if d != from {
			ps.WriteByte(',')
		}
		fmt.Fprintf(&ps, "[%d,%d]", d.UnixMicro(), d.AddDate(0, 0, 1).UnixMicro())
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
	q := `WITH p(i, lo, hi) AS MATERIALIZED (SELECT key, value ->> 0, value ->> 1 FROM json_each(?1))
		SELECT ` + k1 + `, ` + k2 + `, sum(min(coalesce(e.stopped_at, ?2), p.hi) - max(e.started_at, p.lo))
		FROM p CROSS JOIN time_entries e INDEXED BY ` + index + `
		WHERE e.organization_id = ?3 AND e.deleted_at IS NULL AND e.started_at >= p.lo - 86400000000 AND e.started_at < p.hi
			AND (e.stopped_at IS NULL OR e.stopped_at > p.lo)` + userCond + `
		GROUP BY 1, 2
		UNION ALL
		SELECT ` + k1 + `, ` + k2 + `, sum(min(?2, p.hi) - max(e.started_at, p.lo))
		FROM p CROSS JOIN time_entries e INDEXED BY time_entries_one_running
		WHERE e.stopped_at IS NULL AND e.deleted_at IS NULL AND e.organization_id = ?3 AND e.started_at < p.lo - 86400000000 AND ?2 > p.lo` + userCond + `
		GROUP BY 1, 2`
	return q, []any{ps.String(), time.Now().UnixMicro(), owner.OrgID[:]}
}

// seedReportBench signs up the bench's owner, adds the members, projects and tags through
// the service, then writes the entries straight into the file in one transaction with one
// prepared statement (the service would take minutes).
func seedReportBench(b *testing.B, ctx context.Context, svc *app.Service, path string) (app.Session, error) {
	b.Helper()
	start := time.Now()
	sess, err := svc.Signup(ctx, app.SignupInput{Email: reportBenchEmail, Password: reportBenchPassword, Name: "Owner", Organization: "Bench", Timezone: "UTC"})
	if err != nil {
		return sess, err
	}
	owner, err := svc.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		return sess, err
	}
	users := []uuid.UUID{owner.UserID}
	for i := 1; i < reportBenchUsers; i++ {
		m, err := svc.AddMember(ctx, owner, app.MemberInput{Email: fmt.Sprintf("user%d@example.com", i), Name: fmt.Sprintf("User %02d", i), Role: app.RoleMember, Password: reportBenchPassword})
		if err != nil {
			return sess, err
		}
		users = append(users, m.UserID)
	}
	var projects, tags []uuid.UUID
	for i := range reportBenchProjects {
		var client *uuid.UUID
		if i%4 != 3 {
			c, err := svc.CreateClient(ctx, owner, app.ClientInput{Name: fmt.Sprintf("Client %02d", i)})
			if err != nil {
				return sess, err
			}
			client = &c.ID
		}
		p, err := svc.CreateProject(ctx, owner, app.ProjectInput{Name: fmt.Sprintf("Project %02d", i), ClientID: client, Billable: i%2 == 0})
		if err != nil {
			return sess, err
		}
		projects = append(projects, p.ID)
	}
	for i := range reportBenchTags {
		t, err := svc.CreateTag(ctx, owner, app.TagInput{Name: fmt.Sprintf("tag %d", i)})
		if err != nil {
			return sess, err
		}
		tags = append(tags, t.ID)
	}

	db, err := sql.Open("sqlite", sqlite.DSN(path, true))
	if err != nil {
		return sess, err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return sess, err
	}
	defer tx.Rollback()
	ins, err := tx.Prepare(`INSERT INTO time_entries (id, tenant_id, organization_id, user_id, project_id, task_id, description,
		started_at, stopped_at, timezone, billable, source, tag_ids, version, hlc, created_at, updated_at, deleted_at, server_version)
		VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, 'UTC', ?, 'import', ?, 1, ?, ?, ?, NULL, 0)`)
	if err != nil {
		return sess, err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	hlc := make([]byte, 12+len("bench"))
	copy(hlc[12:], "bench")
	per := reportBenchEntries / reportBenchUsers
	span := reportBenchEnd.Sub(reportBenchEnd.AddDate(-2, 0, 0))
	step := span / time.Duration(per) // about 105 minutes per entry and user
	for u, userID := range users {
		at := reportBenchEnd.AddDate(-2, 0, 0).Add(time.Duration(rng.Int64N(int64(step))))
		for i := range per {
			id, err := uuid.NewV7()
			if err != nil {
				return sess, err
			}
			dur := 10*time.Minute + time.Duration(rng.Int64N(int64(40*time.Minute)))
			var stopped any = at.Add(dur).UnixMicro()
			if i == per-1 && u%10 == 0 {
				stopped = nil // a tenth of the users have a timer running
			}
			tagBytes := []byte{}
			for range rng.IntN(3) {
				tag := tags[rng.IntN(len(tags))]
				tagBytes = append(tagBytes, tag[:]...)
			}
			project := projects[rng.IntN(len(projects))]
			now := at.UnixMicro()
			if _, err := ins.Exec(id[:], owner.TenantID[:], owner.OrgID[:], userID[:], project[:], "work", at.UnixMicro(), stopped,
				rng.IntN(2) == 0, tagBytes, hlc, now, now); err != nil {
				return sess, err
			}
			// Gaps average step less the average entry (30 minutes), so a user's entries
			// never overlap and fill the two years.
			at = at.Add(dur + time.Duration(rng.Int64N(int64(2*(step-30*time.Minute)))))
		}
	}
	if err := tx.Commit(); err != nil {
		return sess, err
	}
	b.Logf("seeded %d entries of %d users in %v", reportBenchEntries, len(users), time.Since(start).Round(time.Millisecond))
	return sess, nil
}

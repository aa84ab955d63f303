//go:build unix

package sync_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/server"
	"github.com/stinthq/stint/store/postgres"
	"github.com/stinthq/stint/store/sqlite"
	stintsync "github.com/stinthq/stint/sync"
)

// The sync benchmarks of issue 10 (make bench): a team server on SQLite or PostgreSQL
// behind the real HTTP server on 127.0.0.1, and devices on their own SQLite files talking
// to it through package sync, as `stint sync` does. Each figure is reported beside a
// baseline measured in the same run.

const (
	benchInitialEntries = 100_000
	benchDrainEntries   = 20_000
	benchPropagations   = 40
)

// benchStores are the server stores each benchmark runs on.
var benchStores = []string{"sqlite", "postgres"}

// benchTeam is a team server for a benchmark: its service, the owner's session, its URL,
// and for PostgreSQL a superuser connection string to its database.
type benchTeam struct {
	svc      *app.Service
	sess     app.Session
	url      string
	kind     string
	sqlite   *sqlite.Store
	adminDSN string
}

func newBenchTeam(b *testing.B, kind string) *benchTeam {
	b.Helper()
	ctx := context.Background()
	tm := &benchTeam{kind: kind}
	var st app.Store
	var cfg server.Config
	switch kind {
	case "sqlite":
		s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "server.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		st, tm.sqlite = s, s
	case "postgres":
		tm.adminDSN = benchDatabase(b)
		name := strings.TrimPrefix(mustURL(b, tm.adminDSN).Path, "/")
		appDSN, err := postgres.Setup(ctx, tm.adminDSN, postgres.SetupOptions{Owner: name + "_owner", App: name + "_app"})
		if err != nil {
			b.Fatal(err)
		}
		s, err := postgres.Open(ctx, appDSN)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		st, cfg.Throttle = s, postgres.NewThrottle(s)
	}
	tm.svc = app.New(st, app.Options{Hasher: fastHasher, NodeID: "server", Logger: benchLogger()})
	var err error
	tm.sess, err = tm.svc.Signup(ctx, app.SignupInput{Email: ownerEmail, Password: ownerPassword, Name: "Ada",
		Organization: "Team", Timezone: "UTC"})
	if err != nil {
		b.Fatal(err)
	}
	cfg.AllowSignup, cfg.Logger = true, benchLogger()
	ts := httptest.NewServer(server.New(tm.svc, cfg).Handler())
	b.Cleanup(ts.Close)
	tm.url = ts.URL
	return tm
}

func mustURL(b *testing.B, s string) *url.URL {
	b.Helper()
	u, err := url.Parse(s)
	if err != nil {
		b.Fatal(err)
	}
	return u
}

// benchDatabase creates a database with a random name on STINT_TEST_POSTGRES's cluster,
// drops it and the roles named after it at the end, and returns a superuser DSN for it.
// Without the variable it skips, unless CI is set.
func benchDatabase(b *testing.B) string {
	b.Helper()
	dsn := os.Getenv("STINT_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			b.Fatal("STINT_TEST_POSTGRES is not set under CI: run through ./.ci/test-env")
		}
		b.Skip("STINT_TEST_POSTGRES is not set: run through ./.ci/test-env (make bench does)")
	}
	ctx := context.Background()
	name := "stint_syncbench_" + strings.ReplaceAll(uuid.NewString()[:13], "-", "")
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
	u := mustURL(b, dsn)
	u.Path = "/" + name
	return u.String()
}

// seed writes n finished entries of the owner straight into the server's store, as many
// pushes or an import would have left them, with UUIDv7 ids made in order: SQLite through
// the store's inserts, 10,000 per transaction; PostgreSQL with INSERT … SELECT under the
// stamping trigger, 1,000 rows per transaction (every stamp updates the tenant row, and one
// transaction's versions of it pile up).
func (tm *benchTeam) seed(b *testing.B, n int) {
	b.Helper()
	ctx := context.Background()
	sc := app.Scope{TenantID: tm.sess.Tenant.ID, OrgID: tm.sess.Organization.ID}
	switch tm.kind {
	case "sqlite":
		for chunk := 0; chunk < n; chunk += 10_000 {
			err := tm.sqlite.Write(ctx, func(tx app.Tx) error {
				for i := chunk; i < min(n, chunk+10_000); i++ {
					start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
					stop := start.Add(30 * time.Second)
					e := app.TimeEntry{ID: app.NewID(), TenantID: sc.TenantID, OrganizationID: sc.OrgID, UserID: tm.sess.User.ID,
						Description: "bench", StartedAt: start, StoppedAt: &stop, Timezone: "UTC", Source: app.SourceManual,
						TagIDs: []uuid.UUID{}, Meta: app.Meta{Version: 1, CreatedAt: start, UpdatedAt: start, HLC: "000000000000001-0000000000-bench"}}
					if err := tx.TimeEntries().Insert(ctx, sc, e); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	case "postgres":
		conn := tm.adminConn(b)
		defer conn.Close(ctx)
		for chunk := 0; chunk < n; chunk += 1000 {
			// Ids are UUIDv7 made in order, as devices and the server make them (and as
			// the SQLite seed's are), not gen_random_uuid's v4.
			ids := make([]uuid.UUID, min(n, chunk+1000)-chunk)
			for i := range ids {
				ids[i] = app.NewID()
			}
			err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
				if _, err := tx.Exec(ctx, `SELECT set_config('app.tenant_id', $1, true)`, sc.TenantID.String()); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, `INSERT INTO time_entries (id, tenant_id, organization_id, user_id, description, started_at, stopped_at,
				timezone, billable, source, version, hlc, created_at, updated_at)
				SELECT id, $1, $2, $3, 'bench', ts, ts + interval '30 seconds', 'UTC', false, 'manual', 1,
					'\x00000000000000010000000062656e6368'::bytea, ts, ts
				FROM (SELECT id, timestamptz '2026-01-01 00:00:00+00' + ($4::int + i - 1) * interval '1 minute' AS ts
					FROM unnest($5::uuid[]) WITH ORDINALITY AS u(id, i)) s ORDER BY ts`,
					sc.TenantID, sc.OrgID, tm.sess.User.ID, chunk+1, ids)
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		if _, err := conn.Exec(ctx, `ANALYZE`); err != nil { // as autovacuum would have by now
			b.Fatal(err)
		}
	}
}

// adminConn connects to the PostgreSQL server's database as the superuser, in the store's
// schema.
func (tm *benchTeam) adminConn(b *testing.B) *pgx.Conn {
	b.Helper()
	cfg, err := pgx.ParseConfig(tm.adminDSN)
	if err != nil {
		b.Fatal(err)
	}
	cfg.RuntimeParams["search_path"] = "stint"
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	return conn
}

// copyBaseline times a COPY of the tenant's entries, the very rows a first sync brings,
// into a table shaped like time_entries, with its indexes but no trigger: PostgreSQL's own bulk
// write speed on this machine. The rows are read first, outside the timing.
func (tm *benchTeam) copyBaseline(b *testing.B) (time.Duration, int) {
	b.Helper()
	ctx := context.Background()
	conn := tm.adminConn(b)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT * FROM time_entries WHERE tenant_id = $1`, tm.sess.Tenant.ID)
	if err != nil {
		b.Fatal(err)
	}
	cols := make([]string, len(rows.FieldDescriptions()))
	for i, f := range rows.FieldDescriptions() {
		cols[i] = f.Name
	}
	var vals [][]any
	for rows.Next() {
		v, err := rows.Values()
		if err != nil {
			b.Fatal(err)
		}
		vals = append(vals, v)
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE copy_baseline (LIKE time_entries INCLUDING ALL)`); err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"copy_baseline"}, cols, pgx.CopyFromRows(vals))
	took := time.Since(t0)
	if err != nil {
		b.Fatal(err)
	}
	return took, int(n)
}

// benchDevice is an installation on its own SQLite file, logged in to the team as its owner
// (connected; nothing pulled yet).
type benchDevice struct {
	svc    *app.Service
	dir    string
	remote *stintsync.Remote
	actor  app.Actor
}

func newBenchDevice(b *testing.B, tm *benchTeam, node string) *benchDevice {
	b.Helper()
	ctx := context.Background()
	dir := b.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "stint.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	d := &benchDevice{svc: app.New(st, app.Options{Hasher: fastHasher, NodeID: node}), dir: dir}
	sess, err := stintsync.Login(ctx, nil, tm.url, ownerEmail, ownerPassword, uuid.Nil)
	if err != nil {
		b.Fatal(err)
	}
	if err := d.svc.ConnectRemote(ctx, app.RemoteTokenFile(dir), tm.url, sess); err != nil {
		b.Fatal(err)
	}
	if d.remote, err = stintsync.NewRemote(tm.url, sess.Token, nil); err != nil {
		b.Fatal(err)
	}
	return d
}

// round runs one sync round that must succeed.
func (d *benchDevice) round(b *testing.B, r app.SyncRemote) app.SyncReport {
	b.Helper()
	rep, err := d.svc.SyncRound(context.Background(), r, nil)
	if err != nil {
		b.Fatalf("sync: %v", err)
	}
	return rep
}

// online makes the device's first round and learns its actor.
func (d *benchDevice) online(b *testing.B) {
	b.Helper()
	d.round(b, d.remote)
	var err error
	if d.actor, err = d.svc.LocalActor(context.Background()); err != nil {
		b.Fatal(err)
	}
}

func (d *benchDevice) countEntries(b *testing.B) int {
	b.Helper()
	es, err := app.AllPages(func(lp app.ListParams) (app.Page[app.TimeEntry], error) {
		lp.Limit = app.MaxPageLimit
		return d.svc.TimeEntries(context.Background(), d.actor, app.EntryQuery{ListParams: lp})
	})
	if err != nil {
		b.Fatal(err)
	}
	return len(es)
}

// BenchmarkSyncInitial measures a first sync of 100,000 entries from the server to an empty
// device (one `stint sync` after `stint remote login`), on a SQLite and on a PostgreSQL
// server. Goal: under 4 s each. On PostgreSQL the baseline is a COPY of the same rows into
// a bare table of the same shape, measured in the same run; on SQLite it is the server's own
// bulk write of them (the seeding, 10,000 rows per transaction).
func BenchmarkSyncInitial(b *testing.B) {
	for _, kind := range benchStores {
		b.Run(kind, func(b *testing.B) {
			tm := newBenchTeam(b, kind)
			t0 := time.Now()
			tm.seed(b, benchInitialEntries)
			seedTook := time.Since(t0)
			var baseline time.Duration
			baseName := "seed"
			if kind == "postgres" {
				var n int
				baseline, n = tm.copyBaseline(b)
				if n != benchInitialEntries {
					b.Fatalf("copied %d rows, want %d", n, benchInitialEntries)
				}
				baseName = "copy"
			} else {
				baseline = seedTook
			}
			var took, cpu, pgCPU time.Duration
			for b.Loop() {
				b.StopTimer()
				d := newBenchDevice(b, tm, "device")
				pg0 := tm.pgCPU(b)
				b.StartTimer()
				stopProfile := profileSync(b, "initial", kind)
				t0, c0 := time.Now(), cpuTime(b)
				rep := d.round(b, d.remote)
				took, cpu = time.Since(t0), cpuTime(b)-c0
				stopProfile()
				b.StopTimer()
				pgCPU = tm.pgCPUSince(b, pg0)
				d.actor, _ = d.svc.LocalActor(context.Background())
				if rep.Pulled < benchInitialEntries {
					b.Fatalf("pulled %d rows, want at least %d", rep.Pulled, benchInitialEntries)
				}
				if n := d.countEntries(b); n != benchInitialEntries {
					b.Fatalf("device has %d entries, want %d", n, benchInitialEntries)
				}
				b.StartTimer()
			}
			b.ReportMetric(took.Seconds(), "sync_s")
			b.ReportMetric(cpu.Seconds(), "sync_cpu_s")
			if kind == "postgres" {
				b.ReportMetric(pgCPU.Seconds(), "pg_cpu_s")
				b.Logf("PostgreSQL's backends used %.2f s of CPU during the sync", pgCPU.Seconds())
			}
			b.ReportMetric(float64(benchInitialEntries)/took.Seconds(), "rows/s")
			b.ReportMetric(baseline.Seconds(), baseName+"_s")
			b.ReportMetric(took.Seconds()/baseline.Seconds(), "ratio_to_"+baseName)
			b.Logf("initial sync of %d entries from a %s server: %.2f s (%.0f rows/s, goal < 4 s; %.2f s of CPU, server and device); %s of the same rows %.2f s (%.0f rows/s); ratio %.2f",
				benchInitialEntries, kind, took.Seconds(), float64(benchInitialEntries)/took.Seconds(), cpu.Seconds(), baseName,
				baseline.Seconds(), float64(benchInitialEntries)/baseline.Seconds(), took.Seconds()/baseline.Seconds())
		})
	}
}

// BenchmarkSyncDrain measures draining 20,000 changes made offline (one round pushing the
// outbox, then pulling the answer back), against the device's own local write of them (one
// CreateTimeEntry each, as the CLI or the window makes them) in the same run. Goal: the
// drain under 5 s. push_s and pull_s split it: until the last batch is answered, and the
// pull that brings the pushed rows back.
func BenchmarkSyncDrain(b *testing.B) {
	for _, kind := range benchStores {
		b.Run(kind, func(b *testing.B) {
			tm := newBenchTeam(b, kind)
			var write, drain, push, pull, writeCPU, drainCPU, pgCPU time.Duration
			for b.Loop() {
				b.StopTimer()
				d := newBenchDevice(b, tm, "device")
				d.online(b)
				ctx := context.Background()
				start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
				t0, c0 := time.Now(), cpuTime(b)
				for i := range benchDrainEntries {
					from := start.Add(time.Duration(i) * time.Minute)
					to := from.Add(30 * time.Second)
					if _, err := d.svc.CreateTimeEntry(ctx, d.actor, app.TimeEntryInput{Description: fmt.Sprintf("offline %d", i),
						StartedAt: from, StoppedAt: &to}); err != nil {
						b.Fatal(err)
					}
				}
				write, writeCPU = time.Since(t0), cpuTime(b)-c0
				pg0 := tm.pgCPU(b)
				b.StartTimer()
				stopProfile := profileSync(b, "drain", kind)
				t0, c0 = time.Now(), cpuTime(b)
				var pushedAt time.Time // the push's last batch answered
				rep, err := d.svc.SyncRound(ctx, d.remote, func(p app.SyncProgress) {
					if p.Pulled == 0 && p.Cursor == 0 {
						pushedAt = time.Now()
					}
				})
				if err != nil {
					b.Fatalf("sync: %v", err)
				}
				drain, drainCPU = time.Since(t0), cpuTime(b)-c0
				push, pull = pushedAt.Sub(t0), drain-pushedAt.Sub(t0)
				stopProfile()
				b.StopTimer()
				pgCPU = tm.pgCPUSince(b, pg0)
				if rep.Pushed != benchDrainEntries || rep.Rejected != 0 || rep.Pending != 0 {
					b.Fatalf("drain round = %+v, want %d pushed, none rejected or pending", rep, benchDrainEntries)
				}
				b.StartTimer()
			}
			b.ReportMetric(drain.Seconds(), "drain_s")
			b.ReportMetric(push.Seconds(), "push_s")
			b.ReportMetric(pull.Seconds(), "pull_s")
			b.ReportMetric(write.Seconds(), "local_write_s")
			b.ReportMetric(drain.Seconds()/write.Seconds(), "ratio_to_local_write")
			b.ReportMetric(drainCPU.Seconds(), "drain_cpu_s")
			b.ReportMetric(writeCPU.Seconds(), "local_write_cpu_s")
			if kind == "postgres" {
				b.ReportMetric(pgCPU.Seconds(), "pg_cpu_s")
				b.Logf("PostgreSQL's backends used %.2f s of CPU during the drain", pgCPU.Seconds())
			}
			b.Logf("draining %d offline changes to a %s server: %.2f s (goal < 5 s; %.2f s of CPU in this process; pushing %.2f s, pulling back %.2f s); writing them locally %.2f s (%.2f s of CPU); ratio %.2f",
				benchDrainEntries, kind, drain.Seconds(), drainCPU.Seconds(), push.Seconds(), pull.Seconds(), write.Seconds(), writeCPU.Seconds(),
				drain.Seconds()/write.Seconds())
		})
	}
}

// profileSync starts a CPU profile of one sync round alone (what: initial or drain), server
// and device, written to $STINT_BENCH_PROFILE-WHAT-KIND.prof when that variable is set (the
// test binary's -cpuprofile would also take in the seeding or the local writes before it);
// it returns what stops it.
func profileSync(b *testing.B, what, kind string) func() {
	b.Helper()
	prefix := os.Getenv("STINT_BENCH_PROFILE")
	if prefix == "" {
		return func() {}
	}
	f, err := os.Create(prefix + "-" + what + "-" + kind + ".prof")
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			b.Error(err)
		}
	}
}

// waitingRemote pulls with a long-poll wait, as a device that stays online does.
type waitingRemote struct {
	*stintsync.Remote
	wait time.Duration
}

func (w waitingRemote) Pull(ctx context.Context, in app.SyncPullInput) (app.RemotePage, error) {
	in.Wait = w.wait
	return w.Remote.Pull(ctx, in)
}

// BenchmarkSyncPropagation measures how long one device's write takes to reach another
// device's store with both online: A creates an entry and runs a round; B, whose pull is
// already waiting on the server (long-poll), applies it. Reported as p50 and p95 over
// benchPropagations writes (goal p95 < 1 s), beside the same write followed by B's round
// made at once (no waiting pull), in the same run.
func BenchmarkSyncPropagation(b *testing.B) {
	for _, kind := range benchStores {
		b.Run(kind, func(b *testing.B) {
			tm := newBenchTeam(b, kind)
			a := newBenchDevice(b, tm, "deviceA")
			a.online(b)
			d := newBenchDevice(b, tm, "deviceB")
			d.online(b)
			ctx := context.Background()
			start := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
			n := 0
			write := func() uuid.UUID {
				from := start.Add(time.Duration(n) * time.Hour)
				to := from.Add(30 * time.Minute)
				n++
				e, err := a.svc.CreateTimeEntry(ctx, a.actor, app.TimeEntryInput{Description: "live", StartedAt: from, StoppedAt: &to})
				if err != nil {
					b.Fatal(err)
				}
				a.round(b, a.remote)
				return e.ID
			}
			has := func(id uuid.UUID) bool {
				_, err := d.svc.TimeEntry(ctx, d.actor, id)
				return err == nil
			}
			var waited, direct []time.Duration
			for b.Loop() {
				waited, direct = waited[:0], direct[:0]
				for range benchPropagations {
					// Baseline: the write, then B's round at once.
					t0 := time.Now()
					id := write()
					d.round(b, d.remote)
					direct = append(direct, time.Since(t0))
					if !has(id) {
						b.Fatal("B's round did not bring A's entry")
					}
					// Measured: B's pull is waiting when A writes.
					done := make(chan error, 1)
					go func() {
						_, err := d.svc.SyncRound(ctx, waitingRemote{d.remote, 30 * time.Second}, nil)
						done <- err
					}()
					time.Sleep(50 * time.Millisecond) // let B's pull reach the server and wait
					t0 = time.Now()
					id = write()
					if err := <-done; err != nil {
						b.Fatal(err)
					}
					waited = append(waited, time.Since(t0))
					if !has(id) {
						b.Fatal("B's waiting round ended without A's entry")
					}
				}
			}
			p50, p95 := percentile(waited, 50), percentile(waited, 95)
			d50, d95 := percentile(direct, 50), percentile(direct, 95)
			b.ReportMetric(p50.Seconds()*1000, "p50_ms")
			b.ReportMetric(p95.Seconds()*1000, "p95_ms")
			b.ReportMetric(d50.Seconds()*1000, "direct_p50_ms")
			b.ReportMetric(d95.Seconds()*1000, "direct_p95_ms")
			b.Logf("A's write to B's store, %s server, %d writes: waiting pull p50 %.0f ms, p95 %.0f ms (goal p95 < 1 s); write then B's round at once p50 %.0f ms, p95 %.0f ms",
				kind, benchPropagations, p50.Seconds()*1000, p95.Seconds()*1000, d50.Seconds()*1000, d95.Seconds()*1000)
		})
	}
}

// cpuTime is the CPU time this process (server and devices alike) has used: on a machine
// shared with other work the wall times swing with the load, the work done much less.
func cpuTime(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// pgCPU is the CPU time the PostgreSQL server's backends serving the team's database have
// used so far (/proc; nothing when the server is not on PostgreSQL or /proc cannot tell),
// by backend: the server's share of a sync is spent there, outside this process.
func (tm *benchTeam) pgCPU(b *testing.B) map[int]time.Duration {
	b.Helper()
	if tm.kind != "postgres" {
		return nil
	}
	ctx := context.Background()
	conn := tm.adminConn(b)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
	if err != nil {
		b.Fatal(err)
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		b.Fatal(err)
	}
	out := map[int]time.Duration{}
	for _, pid := range pids {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue // ended meanwhile, or another machine's
		}
		// Fields after the command's closing parenthesis: state is the 3rd field, utime
		// and stime the 14th and 15th, in clock ticks (USER_HZ, 100 on Linux).
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(f) < 13 {
			continue
		}
		u, uerr := strconv.ParseInt(f[11], 10, 64)
		s, serr := strconv.ParseInt(f[12], 10, 64)
		if uerr != nil || serr != nil {
			continue
		}
		out[int(pid)] = time.Duration(u+s) * 10 * time.Millisecond
	}
	return out
}

// pgCPUSince is the backends' CPU time since before was taken (pgCPU); a backend that
// started since counts whole.
func (tm *benchTeam) pgCPUSince(b *testing.B, before map[int]time.Duration) time.Duration {
	b.Helper()
	var d time.Duration
	for pid, t := range tm.pgCPU(b) {
		d += t - before[pid]
	}
	return d
}

// percentile returns the p-th percentile of ds (nearest rank).
func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (p*len(s)+99)/100 - 1
	return s[max(0, min(i, len(s)-1))]
}

// benchLogger shows the server's warnings and errors (an internal error's cause) on stderr
// with STINT_BENCH_LOG set, and nothing otherwise.
func benchLogger() *slog.Logger {
	if os.Getenv("STINT_BENCH_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

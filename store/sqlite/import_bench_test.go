package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/importer"
)

// importBenchRows is how many rows BenchmarkImport imports.
const importBenchRows = 100_000

// togglExport writes n rows of a Toggl Track detailed CSV: five people, five clients, twenty
// projects with three tasks each, ten tags, eight entries a working day each over years.
func togglExport(n int) []byte {
	var b bytes.Buffer
	b.WriteString("User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags\n")
	first := time.Date(2020, 1, 6, 8, 0, 0, 0, time.UTC)
	for i := range n {
		user := i % 5
		day := first.AddDate(0, 0, i/40)
		start := day.Add(time.Duration(i%8) * time.Hour)
		d := time.Duration(20+i%37) * time.Minute
		end := start.Add(d)
		p := i % 20
		fmt.Fprintf(&b, "Person %d,person%d@example.com,Client %d,Project %d,Task %d,\"Work on item %d, part %d\",%s,%s,%s,%s,%s,%02d:%02d:00,\"tag%d, tag%d\"\n",
			user, user, p%5, p, i%3, i, i%7, map[bool]string{true: "Yes", false: "No"}[i%3 == 0],
			start.Format("2006-01-02"), start.Format("15:04:05"), end.Format("2006-01-02"), end.Format("15:04:05"),
			int(d.Hours()), int(d.Minutes())%60, i%10, (i+3)%10)
	}
	return b.Bytes()
}

// BenchmarkImport imports 100,000 rows of a Toggl Track export into a fresh SQLite store: the
// file parsed (importer) and applied (app.Service.Import: people, catalog, zone, rules, ids,
// then entries with their audit and change-log rows, 5,000 to a transaction). Beside it, in
// the same run, the raw floor: the same number of entries inserted into time_entries alone
// by one prepared statement in one transaction on the same schema and pragmas. It reports
// entries/s for both, the import's share of the floor, the same by CPU time, and the parse
// alone. A second floor without time_entries' secondary indexes says how much of the floor
// is their upkeep (index_cpu_share): what keeps the floor itself far from the 100,000 rows
// a second SQLite reaches on a table without them.
func BenchmarkImport(b *testing.B) {
	ctx := context.Background()
	data := togglExport(importBenchRows)
	for range b.N {
		dir := b.TempDir()
		st, err := Open(ctx, filepath.Join(dir, "import.db"))
		if err != nil {
			b.Fatal(err)
		}
		svc := app.New(st, app.Options{})
		a, _, err := svc.EnsureLocal(ctx, app.LocalSetup{Name: "Ada", Organization: "Personal", Timezone: "Europe/Berlin"})
		if err != nil {
			b.Fatal(err)
		}
		t0, c0 := time.Now(), cpuTime(b)
		file, err := importer.ParseBytes(data, "")
		if err != nil {
			b.Fatal(err)
		}
		parsed := time.Since(t0)
		plan, err := svc.Import(ctx, a, app.ImportRequest{Format: string(file.Format), Rows: file.Rows, Problems: file.Problems, Timezone: "Europe/Berlin"})
		if err != nil {
			b.Fatal(err)
		}
		took, tookCPU := time.Since(t0), cpuTime(b)-c0
		if plan.Entries != importBenchRows {
			b.Fatalf("imported %d entries, want %d (problems %v)", plan.Entries, importBenchRows, plan.Problems[:min(3, len(plan.Problems))])
		}
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		raw, rawCPU := rawEntryInsert(b, filepath.Join(dir, "import.db"), filepath.Join(dir, "raw.db"), false)
		bare, bareCPU := rawEntryInsert(b, filepath.Join(dir, "import.db"), filepath.Join(dir, "bare.db"), true)
		rate := float64(importBenchRows) / took.Seconds()
		rawRate := float64(importBenchRows) / raw.Seconds()
		b.ReportMetric(rate, "entries/s")
		b.ReportMetric(rawRate, "raw_entries/s")
		b.ReportMetric(rate/rawRate, "of_raw")
		// The same by the process's CPU time, which other work on a shared machine does not
		// stretch as it stretches wall time.
		b.ReportMetric(float64(importBenchRows)/tookCPU.Seconds(), "entries/cpu_s")
		b.ReportMetric(rawCPU.Seconds()/tookCPU.Seconds(), "cpu_of_raw")
		b.ReportMetric(float64(importBenchRows)/parsed.Seconds(), "parsed_rows/s")
		b.ReportMetric(float64(importBenchRows)/bare.Seconds(), "raw_noindex_entries/s")
		b.ReportMetric(1-bareCPU.Seconds()/rawCPU.Seconds(), "index_cpu_share")
		b.ReportMetric(0, "ns/op")
	}
}

// entryColumns are time_entries' columns, as the floor copies them.
const entryColumns = `server_version, id, tenant_id, organization_id, user_id, project_id, task_id,
	description, started_at, stopped_at, timezone, billable, source, tag_ids, ` + metaCols

// rawEntryInsert is the floor: the entries the import wrote (read back from its file),
// inserted into a fresh store's time_entries through database/sql with one prepared
// statement in one transaction, with the page cache the import's bulk path uses, and
// nothing else: no audit, no change log, no checks, no mapping. Bare drops time_entries'
// secondary indexes first (the primary key stays).
func rawEntryInsert(b *testing.B, from, path string, bare bool) (wall, cpu time.Duration) {
	ctx := context.Background()
	src, err := sql.Open("sqlite", DSN(from, false))
	if err != nil {
		b.Fatal(err)
	}
	var rows [][]any
	rs, err := src.QueryContext(ctx, `SELECT `+entryColumns+` FROM time_entries`)
	if err != nil {
		b.Fatal(err)
	}
	for rs.Next() {
		v := make([]any, 19)
		p := make([]any, len(v))
		for i := range v {
			p[i] = &v[i]
		}
		if err := rs.Scan(p...); err != nil {
			b.Fatal(err)
		}
		rows = append(rows, v)
	}
	if err := errors.Join(rs.Err(), src.Close()); err != nil {
		b.Fatal(err)
	}
	if len(rows) != importBenchRows {
		b.Fatalf("read %d entries back, want %d", len(rows), importBenchRows)
	}

	// The same tenant, organization, people and catalog, so the foreign keys hold.
	st, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	err = st.Write(ctx, func(app.Tx) error { return nil })
	if err := errors.Join(err, st.Close()); err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("sqlite", DSN(path, true))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `ATTACH DATABASE ? AS src`, from); err != nil {
		b.Fatal(err)
	}
	for _, t := range []string{"tenants", "organizations", "users", "clients", "projects", "tasks", "tags"} {
		if _, err := db.ExecContext(ctx, `INSERT INTO main.`+t+` SELECT * FROM src.`+t); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, `DETACH DATABASE src`); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = %d`, -pulledEntriesCacheKiB)); err != nil {
		b.Fatal(err)
	}
	if bare {
		idx, err := db.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'time_entries' AND sql IS NOT NULL`)
		if err != nil {
			b.Fatal(err)
		}
		var names []string
		for idx.Next() {
			var n string
			if err := idx.Scan(&n); err != nil {
				b.Fatal(err)
			}
			names = append(names, n)
		}
		if err := errors.Join(idx.Err(), idx.Close()); err != nil || len(names) == 0 {
			b.Fatalf("time_entries' indexes: %v %v", names, err)
		}
		for _, n := range names {
			if _, err := db.ExecContext(ctx, `DROP INDEX "`+n+`"`); err != nil {
				b.Fatal(err)
			}
		}
	}
	t0, c0 := time.Now(), cpuTime(b)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO time_entries (`+entryColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range rows {
		if _, err := stmt.ExecContext(ctx, r...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return time.Since(t0), cpuTime(b) - c0
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

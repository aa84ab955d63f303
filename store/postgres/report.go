package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// reports sums and lists entries for reports in SQL (app.Reports), with the same results as
// store/sqlite's (the storetest suite holds both to them).
type reports struct{ d *db }

// Reports gives the report queries of the transaction.
func (t *txn) Reports() app.Reports { return reports{t.d} }

// dimKey is the SQL value of a dimension for a row of time_entries e (with its project pr
// and tag tg joined when the dimension needs them), and the table holding its name.
func dimKey(d app.ReportDim) (expr, table string, err error) {
	switch d {
	case app.DimProject:
		return "e.project_id", "projects", nil
	case app.DimClient:
		return "pr.client_id", "clients", nil
	case app.DimTask:
		return "e.task_id", "tasks", nil
	case app.DimUser:
		return "e.user_id", "users", nil
	case app.DimTag:
		return "tg.id", "tags", nil
	}
	return "", "", fmt.Errorf("report dimension %q: unknown", d)
}

// sqlArgs is a statement under construction and its arguments, in order.
type sqlArgs struct {
	b    strings.Builder
	args []any
}

func (s *sqlArgs) add(sql string, args ...any) {
	s.b.WriteString(sql)
	s.args = append(s.args, args...)
}

// selectEntries writes the two halves (UNION ALL) of a statement over the entries f selects,
// as store/sqlite's does: entries that started at most 24 hours before the range by start
// time, older ones that still reach into it through time_entries_long's condition.
func selectEntries(s *sqlArgs, sc app.Scope, f app.ReportFilter, cols string, colArgs []any, joins string, after *app.Cursor) {
	from, to := ts(f.From), ts(f.To)
	recent := from.Add(-longEntry)
	part := func(lo, hi *time.Time, extra string, extraArgs ...any) {
		s.add(`SELECT `+cols, colArgs...)
		s.add(` FROM time_entries e`+joins+` WHERE e.tenant_id = ? AND e.organization_id = ?`, sc.TenantID, sc.OrgID)
		if f.UserID != nil {
			s.add(" AND e.user_id = ?", *f.UserID)
		}
		s.add(" AND e.deleted_at IS NULL")
		if lo != nil {
			s.add(" AND e.started_at >= ?", *lo)
		}
		s.add(" AND e.started_at < ?", *hi)
		if after != nil {
			s.add(" AND e.started_at <= ? AND (e.started_at < ? OR e.id < ?)", ts(after.Time), ts(after.Time), after.ID)
		}
		s.add(extra, extraArgs...)
		entryFilters(s, sc, f)
	}
	part(&recent, &to, " AND (e.stopped_at IS NULL OR e.stopped_at > ?)", from)
	s.add(" UNION ALL ")
	part(nil, &recent, " AND "+longEntryCond+" AND (e.stopped_at IS NULL OR e.stopped_at > ?)", from)
}

// entryFilters writes the conditions of f's filters on time_entries e.
func entryFilters(s *sqlArgs, sc app.Scope, f app.ReportFilter) {
	if f.ProjectID != nil {
		s.add(" AND e.project_id = ?", *f.ProjectID)
	}
	if f.ClientID != nil {
		s.add(" AND e.project_id IN (SELECT c.id FROM projects c WHERE c.tenant_id = ? AND c.organization_id = ? AND c.client_id = ?)",
			sc.TenantID, sc.OrgID, *f.ClientID)
	}
	if f.TaskID != nil {
		s.add(" AND e.task_id = ?", *f.TaskID)
	}
	if f.Billable != nil {
		s.add(" AND e.billable = ?", *f.Billable)
	}
	if f.TagID != nil {
		s.add(" AND ?::uuid = ANY(e.tag_ids)", *f.TagID)
	}
}

// Summary cuts each entry at the periods' bounds, which the service computed in the user's
// zone, and sums per period and group, with store/sqlite's results. The periods go in as
// two timestamptz arrays (starts, ends) unnested side by side and drive the statement, as
// on SQLite: for each period, one range scan of time_entries_org_started (which carries
// every column a summary without tags reads, so it is an index-only scan) finds the entries
// that started in it or at most 24 hours before it, and time_entries_long the older ones
// still running into it. Each entry-period pair adds min(end, period end) - max(start,
// period start), running entries ending at f.Now.
func (r reports) Summary(ctx context.Context, sc app.Scope, f app.ReportFilter, dims []app.ReportDim, periods []app.Period) ([]app.ReportCell, error) {
	if f.RatesVersion != nil {
		// Kept rates: checked by a statement of their own, in the same transaction.
		v, err := rates(r).Version(ctx, sc)
		if err != nil {
			return nil, fmt.Errorf("report summary: %w", err)
		}
		if v != *f.RatesVersion {
			return nil, app.ErrRatesChanged
		}
	}
	rate := rateExpr(f.Rates)
	if f.UserID == nil {
		// The whole organization's entries: the clients' rates written per project spare a
		// lookup of the project of every entry (store/sqlite's Summary does the same).
		projectsOf, err := clientProjects(ctx, r.d, sc, f.Rates)
		if err != nil {
			return nil, fmt.Errorf("report summary: %w", err)
		}
		rate = rateExprOf(f.Rates, projectsOf)
	}
	query, args, err := summarySQL(sc, f, dims, periods, rate)
	if err != nil {
		return nil, err
	}
	return queryList(ctx, r.d, sc.TenantID, "report summary", 0, func(row rowScanner) (app.ReportCell, error) {
		var c app.ReportCell
		var k1, k2 *uuid.UUID
		var n1, n2 *string
		if err := row.Scan(&c.Period, &k1, &k2, &c.Micros, &c.Amount, &n1, &n2); err != nil {
			return c, err
		}
		ks, ns := []*uuid.UUID{k1, k2}, []*string{n1, n2}
		c.Keys = make([]app.ReportKey, len(dims))
		for i := range c.Keys {
			c.Keys[i].ID = ks[i]
			if ns[i] != nil {
				c.Keys[i].Name = *ns[i]
			}
		}
		return c, nil
	}, query, args...)
}

// spanMicros is the SQL length in whole microseconds of an interval that subtracting two
// timestamptz gave (days of 24 hours and a time, no months). date_part gives its seconds as
// a double: exact to well under a microsecond for any span shorter than a century (2^53
// microseconds are 285 years), so the cast, which rounds to the nearest, gives the exact
// count, several times cheaper than extract's numeric arithmetic on every row.
func spanMicros(span string) string {
	return "(date_part('epoch', " + span + ") * 1000000)::bigint"
}

// summarySQL is Summary's statement, rate the entries' rate, and its arguments.
func summarySQL(sc app.Scope, f app.ReportFilter, dims []app.ReportDim, periods []app.Period, rate string) (string, []any, error) {
	if len(dims) > 2 {
		return "", nil, fmt.Errorf("report summary: %d dimensions, at most 2", len(dims))
	}
	los, his := make([]time.Time, len(periods)), make([]time.Time, len(periods))
	for i, p := range periods {
		los[i], his[i] = ts(p.Start), ts(p.End)
	}
	var keys, tables []string
	joins := ""
	for _, d := range dims {
		expr, table, err := dimKey(d)
		if err != nil {
			return "", nil, err
		}
		keys, tables = append(keys, expr), append(tables, table)
		if d == app.DimClient {
			joins += " LEFT JOIN projects pr ON pr.id = e.project_id"
		}
		if d == app.DimTag {
			joins += " LEFT JOIN LATERAL unnest(e.tag_ids) AS tg(id) ON true"
		}
	}
	// Each period sums its entries in a LATERAL subquery run once per period with the
	// period's bounds as parameters: a range scan of an index, and an aggregate of that
	// period's rows alone into its few groups (a day's sort in memory, not a month's).
	// Flattened into one join instead, PostgreSQL may plan one scan of every entry filtered
	// against every period (a small organization's statistics make that look cheap).
	cols := spanMicros("least(coalesce(e.stopped_at, ?::timestamptz), p.hi) - greatest(e.started_at, p.lo)") + " AS micros, " +
		rate + " AS rate"
	for i := range 2 {
		k := "NULL::uuid"
		if i < len(keys) {
			k = keys[i]
		}
		cols += ", " + k + " AS k" + strconv.Itoa(i+1)
	}
	var s sqlArgs
	s.add(`WITH p AS (SELECT u.n::int - 1 AS n, u.lo, u.hi FROM unnest(?::timestamptz[], ?::timestamptz[]) WITH ORDINALITY AS u(lo, hi, n)), sel AS (`, los, his)
	part := func(bound, user string) {
		s.add(`SELECT p.n AS pi, x.k1, x.k2, x.micros, x.amount FROM p CROSS JOIN LATERAL (
			SELECT k1, k2, sum(micros) AS micros, sum(`+amountOf("micros", "rate")+`) AS amount FROM (SELECT `+cols, ts(f.Now))
		s.add(` FROM time_entries e`+joins+` WHERE e.tenant_id = ? AND e.organization_id = ?`, sc.TenantID, sc.OrgID)
		if f.UserID != nil {
			s.add(user, *f.UserID)
		}
		// Only pairs that add time, by their bounds, as store/sqlite's: a stopped entry that
		// ends after the period starts (none stops before it starts), a running one when
		// now is past both starts. A filter on each pair's time (WHERE micros > 0) computed
		// it twice; a group of pairs of no time at all gets no cell (HAVING).
		s.add(" AND e.deleted_at IS NULL"+bound+" AND (e.stopped_at > p.lo OR (e.stopped_at IS NULL AND ?::timestamptz > greatest(e.started_at, p.lo)))", ts(f.Now))
		entryFilters(&s, sc, f)
		s.add(") y GROUP BY k1, k2 HAVING sum(micros) > 0) x")
	}
	part(" AND e.started_at >= p.lo - interval '24 hours' AND e.started_at < p.hi", " AND e.user_id = ?")
	s.add(" UNION ALL ")
	// The older entries come from the small time_entries_long. One user's are all in
	// time_entries_user_started too, and the planner, which cannot tell how few entries are
	// long, would read the user's whole history there once per period (8 ms a period on a
	// user with 10,000 entries): written as IS TRUE (user_id is never NULL, so it means the
	// same), the user's condition is no index condition and only filters what
	// time_entries_long gives.
	part(" AND e.started_at < p.lo - interval '24 hours' AND "+longEntryCond, " AND (e.user_id = ?) IS TRUE")
	s.add(`), g AS (SELECT pi, k1, k2, sum(micros)::bigint AS micros, sum(amount)::bigint AS amount FROM sel GROUP BY pi, k1, k2)
		SELECT g.pi, g.k1, g.k2, g.micros, g.amount`)
	for i := range 2 {
		if i < len(tables) {
			s.add(", n" + strconv.Itoa(i+1) + ".name")
		} else {
			s.add(", ''::text")
		}
	}
	s.add(" FROM g")
	for i, table := range tables {
		n := "n" + strconv.Itoa(i+1)
		s.add(" LEFT JOIN "+table+" "+n+" ON "+n+".id = g.k"+strconv.Itoa(i+1)+" AND "+n+".tenant_id = ?", sc.TenantID)
	}
	return s.b.String(), s.args, nil
}

// Detailed lists the entries newest first with the names of their user, project, client,
// task and tags; names of deleted rows still show.
func (r reports) Detailed(ctx context.Context, sc app.Scope, f app.ReportFilter, p app.PageRequest) ([]app.ReportEntry, error) {
	var s sqlArgs
	// The rate and the amount of the entry's time inside the range, as Summary prices it.
	rate := rateExpr(f.Rates)
	span := "(extract(epoch FROM least(coalesce(e.stopped_at, ?::timestamptz), ?::timestamptz) - greatest(e.started_at, ?::timestamptz)) * 1000000)::bigint"
	s.add(`SELECT `+entryCols+`, coalesce(u.name, ''), coalesce(pr.name, ''), pr.client_id, coalesce(c.name, ''), coalesce(tk.name, ''),
		ARRAY(SELECT coalesce(t.name, '') FROM unnest(e.tag_ids) WITH ORDINALITY AS tg(id, n)
			LEFT JOIN tags t ON t.id = tg.id AND t.tenant_id = e.tenant_id ORDER BY tg.n),
		coalesce(`+rate+`, 0), CASE WHEN `+span+` > 0 THEN `+amountOf(span, rate)+` ELSE 0 END
		FROM (`, ts(f.Now), ts(f.To), ts(f.From), ts(f.Now), ts(f.To), ts(f.From))
	selectEntries(&s, sc, f, "e.*", nil, "", p.After)
	s.add(` ORDER BY started_at DESC, id DESC LIMIT ` + strconv.Itoa(p.Limit) + `) e
		LEFT JOIN users u ON u.id = e.user_id AND u.tenant_id = e.tenant_id
		LEFT JOIN projects pr ON pr.id = e.project_id AND pr.tenant_id = e.tenant_id
		LEFT JOIN clients c ON c.id = pr.client_id AND c.tenant_id = e.tenant_id
		LEFT JOIN tasks tk ON tk.id = e.task_id AND tk.tenant_id = e.tenant_id
		ORDER BY e.started_at DESC, e.id DESC`)
	return queryList(ctx, r.d, sc.TenantID, "detailed report", min(p.Limit, app.MaxPageLimit+1), func(row rowScanner) (app.ReportEntry, error) {
		var out app.ReportEntry
		var names []string
		e, err := scanEntry(withExtra{row, []any{&out.UserName, &out.ProjectName, &out.ClientID, &out.ClientName, &out.TaskName, &names, &out.HourlyMinor, &out.Amount}})
		if err != nil {
			return out, err
		}
		out.TimeEntry, out.TagNames = e, names
		return out, nil
	}, s.b.String(), s.args...)
}

// withExtra scans a row's columns past the entry's into extra.
type withExtra struct {
	r     rowScanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.r.Scan(append(dest, w.extra...)...) }

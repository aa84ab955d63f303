package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// reports sums and lists entries for reports in SQL (app.Reports). reads is the store of a
// Read (nil in a write), whose second reader a summary may split over.
type reports struct {
	q        querier
	reads    *Store
	texts    *summaryTexts // nil: none kept
	projects *projectCache // nil: none kept
	// lone: each statement is a snapshot of its own (Store.ReadStatement). Only a member's
	// summary is read so; its statement checks the versions of the rates and projects it
	// was written with, and whatever it reads first (the projects) it reads whole in one.
	lone bool
}

// Reports gives the report queries of the transaction.
func (t *txn) Reports() app.Reports { return reports{t.q, t.reads, t.texts, t.projects, t.lone} }

// tagPositions is a table of an entry's tag positions 0..n-1 (n tags): tag ids are 16-byte
// values one after another in one BLOB, and SQLite has no series function built in, so a
// JSON array of n zeros is made from a zero blob and json_each numbers its elements.
const tagPositions = `json_each('[' || rtrim(replace(hex(zeroblob(length(e.tag_ids) / 16)), '00', '0,'), ',') || ']')`

// tagAt is the tag id at the position j.key of tagPositions.
const tagAt = `substr(e.tag_ids, %s.key * 16 + 1, 16)`

// dimKey is the SQL value of a dimension for a row of time_entries e (with its project pr
// and tag position tg joined when the dimension needs them), and the table holding its name.
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
		return fmt.Sprintf(tagAt, "tg"), "tags", nil
	}
	return "", "", fmt.Errorf("report dimension %q: %w", d, errors.ErrUnsupported)
}

// sqlArgs is a statement under construction and its arguments, in order. With argsOnly it
// collects the arguments alone, for a text kept from an earlier statement of the same shape.
type sqlArgs struct {
	b        strings.Builder
	args     []any
	argsOnly bool
}

func (s *sqlArgs) add(sql string, args ...any) {
	if !s.argsOnly {
		s.b.WriteString(sql)
	}
	s.args = append(s.args, args...)
}

// selectEntries writes the two halves (UNION ALL) of a statement over the entries f selects:
// cols are the columns each half selects, joins what it joins to time_entries e, after the
// cursor bound (nil: none) for detailed reports. Entries that started at most 24 hours
// before the range come from a start-time index; older ones that still reach into it
// (running, or longer than 24 hours) from time_entries_long, as TimeEntries.List does.
func selectEntries(s *sqlArgs, sc app.Scope, f app.ReportFilter, cols string, colArgs []any, joins string, after *app.Cursor) {
	from, to := us(f.From), us(f.To)
	recent := from - longEntry
	part := func(index string, lo, hi *int64, extra string, extraArgs ...any) {
		s.add(`SELECT `+cols, colArgs...)
		s.add(` FROM time_entries e`+index+joins+` WHERE e.tenant_id = ? AND e.organization_id = ?`, sc.TenantID, sc.OrgID)
		if f.UserID != nil {
			s.add(" AND e.user_id = ?", *f.UserID)
		}
		s.add(" AND e.deleted_at IS NULL")
		if lo != nil {
			s.add(" AND e.started_at >= ?", *lo)
		}
		s.add(" AND e.started_at < ?", *hi)
		if after != nil {
			s.add(" AND e.started_at <= ? AND (e.started_at < ? OR e.id < ?)", us(after.Time), us(after.Time), after.ID)
		}
		s.add(extra, extraArgs...)
		entryFilters(s, sc, f)
	}
	index := " INDEXED BY time_entries_report"
	if f.UserID != nil {
		index = " INDEXED BY time_entries_user_started"
	}
	part(index, &recent, &to, " AND (e.stopped_at IS NULL OR e.stopped_at > ?)", from)
	s.add(" UNION ALL ")
	part(" INDEXED BY time_entries_long", nil, &recent, " AND "+longEntryCond+" AND (e.stopped_at IS NULL OR e.stopped_at > ?)", from)
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
		// instr finds the bytes anywhere; the positions check they are a whole tag id.
		s.add(" AND instr(e.tag_ids, ?) > 0 AND EXISTS (SELECT 1 FROM "+tagPositions+" tf WHERE "+fmt.Sprintf(tagAt, "tf")+" = ?)",
			idBytes(*f.TagID), idBytes(*f.TagID))
	}
}

// Summary cuts each entry at the periods' bounds, which the service computed in the user's
// zone (so DST and midnight are exact), and sums per period and group. The periods go in as
// one JSON array of [start, end) pairs in microseconds and drive the statement: for each
// period one range scan of time_entries_report (every column a summary without tags reads)
// finds the entries that started in it or at most 24 hours before it, and the small
// time_entries_long index the older ones still running into it. Each entry-period pair adds
// min(end, period end) - max(start, period start), running entries ending at f.Now.
func (r reports) Summary(ctx context.Context, sc app.Scope, f app.ReportFilter, dims []app.ReportDim, periods []app.Period) ([]app.ReportCell, error) {
	if len(dims) > 2 {
		return nil, fmt.Errorf("report summary: %d dimensions: %w", len(dims), errors.ErrUnsupported)
	}
	if f.UserID != nil && r.projects != nil {
		return r.memberSummary(ctx, sc, f, dims, periods)
	}
	if r.lone {
		// The organization's summary reads the clients' projects, then sums with them, and
		// may split over two readers: one snapshot for all of them.
		return nil, app.ErrNeedsSnapshot
	}
	var projectsOf map[uuid.UUID][]uuid.UUID
	if f.UserID == nil {
		// The whole organization's entries: the clients' rates written per project spare a
		// lookup of the project of every entry. (A member's few entries would not repay
		// the statement that reads the projects, unless they are kept: memberSummary.)
		var err error
		if projectsOf, err = clientProjects(ctx, r.q, sc, f.Rates); err != nil {
			return nil, fmt.Errorf("report summary: %w", err)
		}
	}
	query, args, err := r.summarySQL(sc, f, dims, projectsOf, nil, startHalf{})
	if err != nil {
		return nil, err
	}
	run := func(q querier, query string, args []any, ps []app.Period, first int) ([]app.ReportCell, error) {
		cells, err := summaryCells(ctx, q, dims, f.RatesVersion, nil, query, append([]any{periodsJSON(ps)}, args...))
		for i := range cells {
			cells[i].Period += first
		}
		return cells, err
	}
	// The whole organization's report in two halves on two readers at once, when a second
	// one is free and sees the same snapshot, so the wall time of a month about halves:
	// the periods in two halves (each cell is one period's, so the halves' cells are the
	// whole answer), or one period's entries in two halves by their start (each entry is
	// summed, and its amount rounded, in one half only; the halves' cells of one key add).
	if f.UserID == nil && len(periods) > 0 && r.reads != nil && runtime.GOMAXPROCS(0) > 1 {
		if sib, done, ok := r.reads.siblingRead(ctx); ok {
			defer done()
			same, err := sameSnapshot(ctx, r.q, sib)
			if err != nil {
				return nil, fmt.Errorf("report summary: %w", err)
			}
			if same {
				var first, later []app.ReportCell
				var firstErr, laterErr error
				finished := make(chan struct{})
				if half := len(periods) / 2; half > 0 {
					go func() {
						defer close(finished)
						later, laterErr = run(sib, query, args, periods[half:], half)
					}()
					first, firstErr = run(r.q, query, args, periods[:half], 0)
				} else {
					mid := startMidpoint(periods[0], f.Now)
					qa, aa, err := r.summarySQL(sc, f, dims, projectsOf, nil, startHalf{mid: mid, part: 1})
					if err != nil {
						return nil, err
					}
					qb, ab, err := r.summarySQL(sc, f, dims, projectsOf, nil, startHalf{mid: mid, part: 2})
					if err != nil {
						return nil, err
					}
					go func() {
						defer close(finished)
						later, laterErr = run(sib, qb, ab, periods, 0)
					}()
					first, firstErr = run(r.q, qa, aa, periods, 0)
				}
				<-finished
				if err = errors.Join(firstErr, laterErr); err != nil {
					return nil, err
				}
				if len(periods) == 1 {
					return addCells(first, later), nil
				}
				return append(first, later...), nil
			}
		}
	}
	return run(r.q, query, args, periods, 0)
}

// memberSummary is Summary of one member's entries with the organization's projects kept
// (keptProjects): their names and the clients' projects come from the store's cache and
// the statement checks their version. Projects changed since (or an entry naming one they
// lack) read them again; should the statement still disagree, it joins and looks up as
// before.
func (r reports) memberSummary(ctx context.Context, sc app.Scope, f app.ReportFilter, dims []app.ReportDim, periods []app.Period) ([]app.ReportCell, error) {
	run := func(kept *keptProjects) ([]app.ReportCell, error) {
		var projectsOf map[uuid.UUID][]uuid.UUID
		if kept != nil {
			projectsOf = kept.projectsOf(f.Rates)
		}
		query, args, err := r.summarySQL(sc, f, dims, projectsOf, kept, startHalf{})
		if err != nil {
			return nil, err
		}
		return summaryCells(ctx, r.q, dims, f.RatesVersion, kept, query, append([]any{periodsJSON(periods)}, args...))
	}
	if kept := r.projects.get(sc); kept != nil {
		if cells, err := run(kept); !errors.Is(err, errProjectsChanged) {
			return cells, err
		}
	}
	kept, err := readProjects(ctx, r.q, sc)
	if err != nil {
		return nil, fmt.Errorf("report summary: %w", err)
	}
	cells, err := run(kept)
	if !errors.Is(err, errProjectsChanged) {
		if err == nil {
			r.projects.put(sc, kept)
		}
		return cells, err
	}
	return run(nil)
}

// startHalf picks the entries of one half of a summary split by start (Summary): part 0 is
// every entry, part 1 those that started before mid (with the long entries' half of the
// statement) and part 2 those that started at or after it.
type startHalf struct {
	mid  int64 // microseconds
	part int
}

// startMidpoint is where a period's entries split in two by their start: halfway between
// the period's start and its end, or now when the period reaches beyond now (so a period
// "since the beginning" still splits the entries there are).
func startMidpoint(p app.Period, now time.Time) int64 {
	lo, hi := us(p.Start), us(p.End)
	if n := us(now); n < hi && n > lo {
		hi = n
	}
	return lo + (hi-lo)/2
}

// addCells adds the cells of two halves of one period's entries (startHalf): cells of the
// same keys add up, and the result is ordered as SQLite's GROUP BY orders one statement's
// (period, then each key's bytes, no key first).
func addCells(a, b []app.ReportCell) []app.ReportCell {
	keyOf := func(c app.ReportCell) string {
		var k strings.Builder
		for _, key := range c.Keys {
			if key.ID == nil {
				k.WriteByte(0)
			} else {
				k.WriteByte(1)
				k.Write(key.ID[:])
			}
		}
		return k.String()
	}
	at := make(map[string]int, len(a)+len(b))
	out := make([]app.ReportCell, 0, len(a)+len(b))
	for _, cells := range [][]app.ReportCell{a, b} {
		for _, c := range cells {
			k := strconv.Itoa(c.Period) + "/" + keyOf(c)
			if i, ok := at[k]; ok {
				out[i].Micros += c.Micros
				out[i].Amount += c.Amount
				continue
			}
			at[k] = len(out)
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(x, y app.ReportCell) int {
		if x.Period != y.Period {
			return cmp.Compare(x.Period, y.Period)
		}
		return strings.Compare(keyOf(x), keyOf(y))
	})
	return out
}

// periodsJSON is the periods as Summary's statement reads them: a JSON array of [start,
// end) pairs in microseconds.
func periodsJSON(periods []app.Period) string {
	var pj strings.Builder
	pj.WriteByte('[')
	for i, p := range periods {
		if i > 0 {
			pj.WriteByte(',')
		}
		pj.WriteString("[" + strconv.FormatInt(us(p.Start), 10) + "," + strconv.FormatInt(us(p.End), 10) + "]")
	}
	pj.WriteByte(']')
	return pj.String()
}

// summarySQL is Summary's statement, the entries priced by f.Rates (the clients' rates
// written per project when projectsOf is set: rateExprOf; the projects' names left to
// summaryCells when kept), and its arguments after the first, the periods' JSON
// (periodsJSON). The text comes from the store's cache when a
// statement of the same shape was written before (summaryTexts); the arguments are
// written every time, by the same code as the text, so they stay in its order.
func (r reports) summarySQL(sc app.Scope, f app.ReportFilter, dims []app.ReportDim, projectsOf map[uuid.UUID][]uuid.UUID, kept *keptProjects,
	starts startHalf) (string, []any, error) {
	key := summaryKey(f, dims, projectsOf, kept != nil, starts.part)
	text, known := r.texts.get(key)
	s := sqlArgs{argsOnly: known}
	rate := ""
	if !known {
		rate = rateExprOf(f.Rates, projectsOf)
	}
	if err := writeSummarySQL(&s, sc, f, dims, rate, kept != nil, starts); err != nil {
		return "", nil, err
	}
	if !known {
		text = s.b.String()
		r.texts.put(key, text)
	}
	return text, s.args, nil
}

// writeSummarySQL writes Summary's statement with rate as the entries' rate into s; with
// kept, the projects' names are left to summaryCells and their version is read beside the
// rates'.
func writeSummarySQL(s *sqlArgs, sc app.Scope, f app.ReportFilter, dims []app.ReportDim, rate string, kept bool, starts startHalf) error {
	var keys, tables []string
	joins := ""
	for _, d := range dims {
		expr, table, err := dimKey(d)
		if err != nil {
			return err
		}
		keys, tables = append(keys, expr), append(tables, table)
		if d == app.DimClient {
			joins += " LEFT JOIN projects pr ON pr.id = e.project_id"
		}
		if d == app.DimTag {
			joins += " LEFT JOIN " + tagPositions + " tg"
		}
	}
	cols := "p.i AS pi, min(coalesce(e.stopped_at, ?), p.hi) - max(e.started_at, p.lo) AS micros, " + rate + " AS rate"
	for i := range 2 {
		k := "NULL"
		if i < len(keys) {
			k = keys[i]
		}
		cols += ", " + k + " AS k" + strconv.Itoa(i+1)
	}
	// MATERIALIZED: read the JSON once into a table of integers. Left to itself, SQLite
	// flattens p into each half and parses the JSON again for every p.lo and p.hi of every
	// entry it reads: that was half of a month's time.
	s.add(`WITH p(i, lo, hi) AS MATERIALIZED (SELECT key, value ->> 0, value ->> 1 FROM json_each(?)), sel AS (`)
	part := func(index, bound string) {
		s.add(`SELECT `+cols, us(f.Now))
		s.add(` FROM p CROSS JOIN time_entries e`+index+joins+` WHERE e.tenant_id = ? AND e.organization_id = ?`, sc.TenantID, sc.OrgID)
		if f.UserID != nil {
			s.add(" AND e.user_id = ?", *f.UserID)
		}
		// Only pairs that add time: a stopped entry that ends after the period starts (and
		// started before it ends, the bound) adds min(end, hi) - max(start, lo) >= 0, as no
		// entry stops before it starts; a running one only when now is past both starts.
		// So the sums need no test of each pair's time (WHERE micros > 0, which SQLite
		// pushed into both halves, computing every pair's time twice: a twelfth of a month).
		s.add(" AND e.deleted_at IS NULL"+bound+" AND (e.stopped_at > p.lo OR (e.stopped_at IS NULL AND ? > max(e.started_at, p.lo)))", us(f.Now))
		switch starts.part {
		case 1:
			s.add(" AND e.started_at < ?", starts.mid)
		case 2:
			s.add(" AND e.started_at >= ?", starts.mid)
		}
		entryFilters(s, sc, f)
	}
	index := " INDEXED BY time_entries_report"
	if f.UserID != nil {
		index = " INDEXED BY time_entries_user_started"
	}
	day := strconv.Itoa(longEntry)
	part(index, " AND e.started_at >= p.lo - "+day+" AND e.started_at < p.hi")
	if starts.part != 2 { // the long entries started before the period, so before mid
		s.add(" UNION ALL ")
		part(" INDEXED BY time_entries_long", " AND e.started_at < p.lo - "+day+" AND "+longEntryCond)
	}
	// HAVING: a group whose pairs add no time at all (entries that stop as they start) has
	// no cell.
	s.add(`), g AS (SELECT pi, k1, k2, sum(micros) AS micros, sum(` + amountOf("micros", "rate") + `) AS amount FROM sel GROUP BY pi, k1, k2 HAVING sum(micros) > 0)
`)
	checked := f.RatesVersion != nil || kept
	if checked {
		// The version of the snapshot's rates (rates.Version) and projects (keptProjects),
		// read by the statement that uses the kept ones: summaryCells compares them.
		s.add(`, rv(n, m, pn, pm) AS MATERIALIZED (SELECT r.n, r.m, pj.n, pj.m
			FROM `+versionOf("rates")+` r, `+versionOf("projects")+` pj)`,
			sc.TenantID, sc.OrgID, sc.TenantID, sc.OrgID)
		// Two rows ahead of the cells carry the versions (periods -1 and -2, in the micros
		// and amount columns), rather than four more columns in every cell's row.
		s.add(`
		SELECT -1, NULL, NULL, rv.n, rv.m, '', '' FROM rv UNION ALL SELECT -2, NULL, NULL, rv.pn, rv.pm, '', '' FROM rv UNION ALL`)
	}
	s.add(`
		SELECT g.pi, g.k1, g.k2, g.micros, g.amount`)
	for i := range 2 {
		if i < len(tables) && !(kept && tables[i] == "projects") {
			s.add(", n" + strconv.Itoa(i+1) + ".name")
		} else {
			s.add(", ''")
		}
	}
	s.add(" FROM g")
	for i, table := range tables {
		if kept && table == "projects" {
			continue
		}
		n := "n" + strconv.Itoa(i+1)
		s.add(" LEFT JOIN "+table+" "+n+" ON "+n+".id = g.k"+strconv.Itoa(i+1)+" AND "+n+".tenant_id = ?", sc.TenantID)
	}
	return nil
}

// summaryCells runs Summary's statement on q. A report's rows repeat their keys (a project
// on each day of a week): each key's id and name are made once and shared by its cells,
// and the cells' keys are cut from one array, so scanning costs a few allocations per
// distinct key rather than several per cell (a member's week allocated a seventh of its
// bytes here).
func summaryCells(ctx context.Context, q querier, dims []app.ReportDim, rates *app.RatesVersion, kept *keptProjects, query string, args []any) ([]app.ReportCell, error) {
	// A key's name is its id's (the statement joins it by id): the id finds both.
	type key struct {
		dim int
		id  [16]byte
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("report summary: %w", err)
	}
	defer rows.Close()
	known := make(map[key]app.ReportKey, 16)
	// Room for a week by project and day at once, rather than growing through seven arrays.
	cells := make([]app.ReportCell, 0, 64)
	var keys []app.ReportKey
	var period int
	var micros, amount int64
	var k1, k2, n1, n2 sql.RawBytes
	var seen, seenProjects app.RatesVersion
	for rows.Next() {
		if err := rows.Scan(&period, &k1, &k2, &micros, &amount, &n1, &n2); err != nil {
			return nil, fmt.Errorf("report summary: %w", err)
		}
		switch period {
		case -1: // the rates' version (writeSummarySQL)
			seen = app.RatesVersion{Rows: micros, Max: amount}
			continue
		case -2: // the projects'
			seenProjects = app.RatesVersion{Rows: micros, Max: amount}
			continue
		}
		c := app.ReportCell{Period: period, Micros: micros, Amount: amount}
		if len(keys)+len(dims) > cap(keys) {
			keys = make([]app.ReportKey, 0, 64*len(dims))
		}
		c.Keys = keys[len(keys) : len(keys)+len(dims) : len(keys)+len(dims)]
		keys = keys[:len(keys)+len(dims)]
		ids, names := [2]sql.RawBytes{k1, k2}, [2]sql.RawBytes{n1, n2}
		for i := range c.Keys {
			if ids[i] == nil {
				c.Keys[i] = app.ReportKey{Name: string(names[i])}
				continue
			}
			if len(ids[i]) != 16 {
				return nil, fmt.Errorf("report summary: report key: %d bytes, want 16", len(ids[i]))
			}
			k := key{dim: i, id: [16]byte(ids[i])}
			rk, ok := known[k]
			if !ok {
				id := uuid.UUID(k.id)
				rk = app.ReportKey{ID: &id, Name: string(names[i])}
				if kept != nil && dims[i] == app.DimProject {
					if rk.Name, ok = kept.names[id]; !ok {
						return nil, errProjectsChanged
					}
				}
				known[k] = rk
			}
			c.Keys[i] = rk
		}
		cells = append(cells, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report summary: %w", err)
	}
	// No cell holds an amount or a name: the versions matter only when there are cells.
	if len(cells) > 0 && rates != nil && seen != *rates {
		return nil, app.ErrRatesChanged
	}
	if len(cells) > 0 && kept != nil && seenProjects != kept.version {
		return nil, errProjectsChanged
	}
	return cells, nil
}

// Detailed lists the entries newest first with the names of their user, project, client,
// task and tags; names of deleted rows still show.
func (r reports) Detailed(ctx context.Context, sc app.Scope, f app.ReportFilter, p app.PageRequest) ([]app.ReportEntry, error) {
	var s sqlArgs
	// The rate and the amount of the entry's time inside the range, as Summary prices it.
	rate := rateExpr(f.Rates)
	span := "min(coalesce(e.stopped_at, ?), ?) - max(e.started_at, ?)"
	s.add(`SELECT `+entryCols+`, coalesce(u.name, ''), coalesce(pr.name, ''), pr.client_id, coalesce(c.name, ''), coalesce(tk.name, ''),
		(SELECT json_group_array(coalesce(t.name, '') ORDER BY tg.key) FROM `+tagPositions+` tg
			LEFT JOIN tags t ON t.id = `+fmt.Sprintf(tagAt, "tg")+` AND t.tenant_id = e.tenant_id),
		coalesce(`+rate+`, 0), CASE WHEN `+span+` > 0 THEN `+amountOf(span, rate)+` ELSE 0 END
		FROM (`, us(f.Now), us(f.To), us(f.From), us(f.Now), us(f.To), us(f.From))
	selectEntries(&s, sc, f, "e.*", nil, "", p.After)
	s.add(` ORDER BY started_at DESC, id DESC LIMIT ?) e
		LEFT JOIN users u ON u.id = e.user_id AND u.tenant_id = e.tenant_id
		LEFT JOIN projects pr ON pr.id = e.project_id AND pr.tenant_id = e.tenant_id
		LEFT JOIN clients c ON c.id = pr.client_id AND c.tenant_id = e.tenant_id
		LEFT JOIN tasks tk ON tk.id = e.task_id AND tk.tenant_id = e.tenant_id
		ORDER BY e.started_at DESC, e.id DESC`, p.Limit)
	es := newEntryScan()
	return queryListCap(ctx, r.q, "detailed report", min(p.Limit, app.MaxPageLimit+1), func(rows *sql.Rows) (app.ReportEntry, error) {
		var out app.ReportEntry
		var client uuid.NullUUID
		var tagNames string
		e, err := es.scan(withExtra{rows, []any{&out.UserName, &out.ProjectName, &client, &out.ClientName, &out.TaskName, &tagNames, &out.HourlyMinor, &out.Amount}})
		if err != nil {
			return out, err
		}
		out.TimeEntry, out.ClientID = e, fromNullID(client)
		if err := json.Unmarshal([]byte(tagNames), &out.TagNames); err != nil {
			return out, fmt.Errorf("entry %s tag names: %w", e.ID, err)
		}
		return out, nil
	}, s.b.String(), s.args...)
}

// withExtra scans a row's columns past the entry's into extra.
type withExtra struct {
	r     rowScanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.r.Scan(append(dest, w.extra...)...) }

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// entryPlans is a querier that records SQLite's query plan of every statement it runs that
// reads time_entries, single-row ones included.
type entryPlans struct {
	querier
	db    *sql.DB
	plans []entryPlan
}

// entryPlan is one statement and its plan, a line per step.
type entryPlan struct {
	query string
	plan  []string
}

func (p *entryPlans) explain(ctx context.Context, query string, args []any) error {
	if !strings.Contains(query, "time_entries") {
		return nil
	}
	rows, err := p.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, idArgs(args)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return err
		}
		lines = append(lines, detail)
	}
	p.plans = append(p.plans, entryPlan{query: query, plan: lines})
	return rows.Err()
}

func (p *entryPlans) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if err := p.explain(ctx, query, args); err != nil {
		return nil, err
	}
	return p.querier.QueryContext(ctx, query, args...)
}

func (p *entryPlans) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if err := p.explain(ctx, query, args); err != nil {
		// The row carries the error: a query that does not run has no plan either.
		return p.querier.QueryRowContext(ctx, "SELECT RAISE(ABORT, ?)", err.Error())
	}
	return p.querier.QueryRowContext(ctx, query, args...)
}

// TestEntryQueriesUseIndexes runs every kind of read of time entries the store serves (the
// list pages and their cursors, one user's pages, the overlap lists of the overlap checks
// and the timesheet's day, the running entry, summaries and detailed reports, invoice
// candidates, the sync pull) and checks SQLite's plan of each: time_entries is always
// sought in an index (SEARCH), never scanned whole (SCAN), and a page of one part comes
// off its index in order instead of being sorted after the read (a statement of two parts,
// UNION ALL, may merge them). This is what lets time_entries keep only the indexes its
// reads need (migration 0023): an index dropped or changed under a read fails here.
// STINT_PLANS=1 logs the plans.
func TestEntryQueriesUseIndexes(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc := app.Scope{TenantID: app.NewID(), OrgID: app.NewID()}
	user, project := app.NewID(), app.NewID()
	from := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 7)
	days := make([]app.Period, 7)
	for i := range days {
		days[i] = app.Period{Start: from.AddDate(0, 0, i), End: from.AddDate(0, 0, i+1)}
	}
	rf := app.ReportFilter{From: from, To: to, Now: to}
	urf := rf
	urf.UserID = &user
	page := app.PageRequest{Limit: 50}
	next := app.PageRequest{Limit: 50, After: &app.Cursor{Time: from.AddDate(0, 0, 3), ID: app.NewID()}}
	tests := []struct {
		name string
		// paged: the statement returns a page in the list's order, which must come off an index.
		paged bool
		read  func(tx *txn) error
	}{
		{"the organization's newest page", true, func(tx *txn) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: page})
			return err
		}},
		{"the organization's next page", true, func(tx *txn) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: next})
			return err
		}},
		{"a project's page", true, func(tx *txn) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: page, ProjectID: &project})
			return err
		}},
		{"entries started in a week", true, func(tx *txn) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: page, From: &from, To: &to})
			return err
		}},
		{"a user's newest page (recent projects, suggestions)", true, func(tx *txn) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: page, UserID: &user})
			return err
		}},
		{"a user's next page", true, func(tx *txn) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: next, UserID: &user})
			return err
		}},
		{"the organization's entries overlapping a week", true, func(tx *txn) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: page, From: &from, To: &to, Overlapping: true})
			return err
		}},
		{"a user's entries overlapping a day (overlap check)", true, func(tx *txn) error {
			to := from.AddDate(0, 0, 1)
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: page, From: &from, To: &to, Overlapping: true, UserID: &user})
			return err
		}},
		{"a user's project on a day (timesheet cell)", true, func(tx *txn) error {
			to := from.AddDate(0, 0, 1)
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: app.PageRequest{Limit: 10000}, From: &from, To: &to,
				Overlapping: true, UserID: &user, ProjectID: &project})
			return err
		}},
		{"the running entry", false, func(tx *txn) error {
			_, err := tx.TimeEntries().Running(ctx, sc, user)
			if errors.Is(err, app.ErrNotFound) {
				return nil
			}
			return err
		}},
		{"one entry", false, func(tx *txn) error {
			_, err := tx.TimeEntries().Get(ctx, sc, app.NewID())
			if errors.Is(err, app.ErrNotFound) {
				return nil
			}
			return err
		}},
		{"a summary by project per day", false, func(tx *txn) error {
			_, err := tx.Reports().Summary(ctx, sc, rf, []app.ReportDim{app.DimProject}, days)
			return err
		}},
		{"a summary by user and tag", false, func(tx *txn) error {
			_, err := tx.Reports().Summary(ctx, sc, rf, []app.ReportDim{app.DimUser, app.DimTag}, days)
			return err
		}},
		{"a user's summary by project per day (timesheet)", false, func(tx *txn) error {
			_, err := tx.Reports().Summary(ctx, sc, urf, []app.ReportDim{app.DimProject}, days)
			return err
		}},
		{"a detailed report page", true, func(tx *txn) error {
			_, err := tx.Reports().Detailed(ctx, sc, rf, page)
			return err
		}},
		{"a detailed report's next page", true, func(tx *txn) error {
			_, err := tx.Reports().Detailed(ctx, sc, rf, next)
			return err
		}},
		{"a user's detailed report page", true, func(tx *txn) error {
			_, err := tx.Reports().Detailed(ctx, sc, urf, page)
			return err
		}},
		{"invoice candidates", false, func(tx *txn) error {
			_, err := tx.Invoices().Candidates(ctx, sc, rf, true)
			return err
		}},
		{"invoice candidates without descriptions", false, func(tx *txn) error {
			_, err := tx.Invoices().Candidates(ctx, sc, rf, false)
			return err
		}},
		{"budgets' spent time", false, func(tx *txn) error {
			_, err := tx.Budgets().Spent(ctx, sc, nil, to, nil)
			return err
		}},
		{"a budget's spent time", false, func(tx *txn) error {
			_, err := tx.Budgets().Spent(ctx, sc, &project, to, nil)
			return err
		}},
		{"a sync pull of everyone's entries", false, func(tx *txn) error {
			_, err := tx.Sync().Pull(ctx, sc, 15000, 500, app.Visibility{UserID: user,
				Orgs: []app.OrgVisibility{{OrgID: sc.OrgID, AllEntries: true}}})
			return err
		}},
		{"a sync pull of a member's own entries", false, func(tx *txn) error {
			_, err := tx.Sync().Pull(ctx, sc, 15000, 500, app.Visibility{UserID: user,
				Orgs: []app.OrgVisibility{{OrgID: sc.OrgID}}})
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &entryPlans{querier: cached{cache: st.rstmts}, db: st.reader}
			if err := tc.read(&txn{q: rec}); err != nil {
				t.Fatal(err)
			}
			if len(rec.plans) == 0 {
				t.Fatal("no statement read time_entries")
			}
			for _, p := range rec.plans {
				plan := strings.Join(p.plan, "\n")
				if os.Getenv("STINT_PLANS") != "" {
					t.Logf("%s\n%s", strings.Join(strings.Fields(p.query), " "), plan)
				}
				if line, ok := scansEntries(p); ok {
					t.Errorf("time_entries read without an index seek (%s):\n%s", line, plan)
				}
				if tc.paged && !strings.Contains(plan, "UNION ALL") && sortsPage(p) {
					t.Errorf("a page sorted after reading the entries:\n%s", plan)
				}
			}
		})
	}
}

// scansEntries returns the step of p that reads time_entries whole: a SCAN of the table or
// of its alias in the statement. A SCAN of a subquery's result (a co-routine or a
// materialized view, which may carry the alias of the table it reads) is no such step.
func scansEntries(p entryPlan) (string, bool) {
	names := map[string]bool{"time_entries": true}
	words := strings.Fields(p.query)
	for i, w := range words {
		if w == "time_entries" && i+1 < len(words) && isAlias(words[i+1]) {
			names[words[i+1]] = true
		}
	}
	results := map[string]bool{}
	for _, line := range p.plan {
		for _, prefix := range []string{"CO-ROUTINE ", "MATERIALIZE "} {
			if rest, ok := strings.CutPrefix(line, prefix); ok {
				results[strings.Fields(rest)[0]] = true
			}
		}
	}
	for _, line := range p.plan {
		rest, ok := strings.CutPrefix(line, "SCAN ")
		if !ok {
			continue
		}
		name := strings.Fields(rest)[0]
		if names[name] && !results[name] {
			return line, true
		}
	}
	return "", false
}

// isAlias reports whether w, after a table's name, is its alias rather than the next word
// of the statement.
func isAlias(w string) bool {
	switch strings.ToUpper(w) {
	case "INDEXED", "WHERE", "SET", "ON", "JOIN", "LEFT", "CROSS", "INNER", "USING", "(", "AS", "GROUP", "ORDER", "LIMIT", "UNION":
		return false
	}
	return w != "" && !strings.ContainsAny(w, "(),;")
}

// sortsPage reports whether p sorts rows for its ORDER BY (all of it, or the terms after
// those an index gave in order) rather than reading them in order.
func sortsPage(p entryPlan) bool {
	for _, line := range p.plan {
		if strings.HasPrefix(line, "USE TEMP B-TREE FOR ") && strings.HasSuffix(line, "ORDER BY") {
			return true
		}
	}
	return false
}

package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// planRecorder is a querier that records SQLite's query plan of every query it runs.
type planRecorder struct {
	querier
	db    *sql.DB
	plans []string
}

func (p *planRecorder) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := p.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		return nil, err
	}
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			rows.Close()
			return nil, err
		}
		lines = append(lines, detail)
	}
	rows.Close()
	p.plans = append(p.plans, strings.Join(lines, "\n"))
	return p.querier.QueryContext(ctx, query, args...)
}

// TestPagedListsSeek pins that every paged list reaches the page after a cursor with an
// index seek on the cursor's columns, so page k costs what page 1 costs instead of re-reading
// pages 1…k−1: the plan searches an index with a range on the sort column and needs no
// temporary b-tree to sort.
func TestPagedListsSeek(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc := app.Scope{TenantID: app.NewID(), OrgID: app.NewID()}
	id, at := app.NewID(), time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC)
	after := &app.Cursor{Time: at, ID: id}
	page := app.PageRequest{Limit: 50, After: after}
	from, to := at.Add(-7*24*time.Hour), at
	tests := []struct {
		name string
		// want is the index constraint on the sort column the plan must show.
		want string
		list func(tx *txn) error
	}{
		{"entries", "started_at<", func(tx *txn) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: page})
			return err
		}},
		{"entries of a user", "time_entries_user_started (organization_id=? AND user_id=? AND started_at<", func(tx *txn) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: page, UserID: &id})
			return err
		}},
		{"entries of a project", "started_at<", func(tx *txn) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: page, ProjectID: &id})
			return err
		}},
		{"entries started in a range", "started_at>? AND started_at<", func(tx *txn) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: page, From: &from, To: &to})
			return err
		}},
		{"entries overlapping a range", "started_at>? AND started_at<", func(tx *txn) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: page, From: &from, To: &to, Overlapping: true})
			return err
		}},
		{"a user's entries overlapping a range", "time_entries_user_started (organization_id=? AND user_id=? AND started_at>? AND started_at<?)", func(tx *txn) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: page, From: &from, To: &to, Overlapping: true, UserID: &id})
			return err
		}},
		{"long entries overlapping a range", "USING INDEX time_entries_long (organization_id=? AND started_at<?)", func(tx *txn) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: page, From: &from, To: &to, Overlapping: true, UserID: &id})
			return err
		}},
		{"clients", "id>", func(tx *txn) error {
			_, err := tx.Clients().List(ctx, sc, app.CatalogFilter{Page: page})
			return err
		}},
		{"projects", "id>", func(tx *txn) error {
			_, err := tx.Projects().List(ctx, sc, app.CatalogFilter{Page: page, IncludeArchived: true})
			return err
		}},
		{"tasks", "id>", func(tx *txn) error {
			_, err := tx.Tasks().List(ctx, sc, app.CatalogFilter{Page: page})
			return err
		}},
		{"tasks of a project", "id>", func(tx *txn) error {
			_, err := tx.Tasks().List(ctx, sc, app.CatalogFilter{Page: page, ProjectID: &id})
			return err
		}},
		{"tags", "id>", func(tx *txn) error {
			_, err := tx.Tags().List(ctx, sc, app.CatalogFilter{Page: page})
			return err
		}},
		{"members", "user_id>", func(tx *txn) error {
			_, err := tx.Memberships().List(ctx, sc, page)
			return err
		}},
		{"audit", "id>", func(tx *txn) error {
			_, err := tx.Audit().List(ctx, sc, page)
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &planRecorder{querier: cached{cache: st.rstmts}, db: st.reader}
			if err := tc.list(&txn{q: rec}); err != nil {
				t.Fatal(err)
			}
			if len(rec.plans) != 1 {
				t.Fatalf("%d queries, want 1", len(rec.plans))
			}
			plan := rec.plans[0]
			if !strings.Contains(plan, tc.want) {
				t.Errorf("the list does not seek to the cursor (%s?):\n%s", tc.want, plan)
			}
			for _, line := range strings.Split(plan, "\n") {
				if strings.HasPrefix(line, "SCAN ") {
					t.Errorf("the list scans a table:\n%s", plan)
				}
			}
			if strings.Contains(plan, "TEMP B-TREE") {
				t.Errorf("the list sorts its rows instead of reading them in index order:\n%s", plan)
			}
		})
	}
}

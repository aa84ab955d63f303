package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// budgets stores project budgets (app.Budgets).
type budgets struct{ d *db }

// Budgets gives the project budgets of the transaction.
func (t *txn) Budgets() app.Budgets { return budgets{t.d} }

const budgetCols = "id, tenant_id, organization_id, project_id, kind, amount, currency, " + metaCols

func scanBudget(r rowScanner) (app.Budget, error) {
	var b app.Budget
	err := r.Scan(append([]any{&b.ID, &b.TenantID, &b.OrganizationID, &b.ProjectID, &b.Kind, &b.Limit, &b.Currency}, metaDest(&b.Meta)...)...)
	return b, err
}

func (s budgets) ByProject(ctx context.Context, sc app.Scope, projectID uuid.UUID) (app.Budget, error) {
	return getOne("get budget", scanBudget, s.d.queryRow(ctx, sc.TenantID,
		`SELECT `+budgetCols+` FROM project_budgets WHERE tenant_id = ? AND organization_id = ? AND project_id = ? AND deleted_at IS NULL`,
		sc.TenantID, sc.OrgID, projectID))
}

func (s budgets) List(ctx context.Context, sc app.Scope) ([]app.Budget, error) {
	return queryList(ctx, s.d, sc.TenantID, "list budgets", 0, scanBudget,
		`SELECT `+budgetCols+` FROM project_budgets WHERE tenant_id = ? AND organization_id = ? AND deleted_at IS NULL ORDER BY id`,
		sc.TenantID, sc.OrgID)
}

func (s budgets) Insert(ctx context.Context, sc app.Scope, b app.Budget) error {
	if b.TenantID != sc.TenantID || b.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert budget: scope mismatch: %w", app.ErrNotFound)
	}
	_, err := s.d.exec(ctx, sc.TenantID, `INSERT INTO project_budgets (`+budgetCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{b.ID, b.TenantID, b.OrganizationID, b.ProjectID, string(b.Kind), b.Limit, b.Currency}, metaArgs(b.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert budget: %w", mapErr(err))
	}
	return nil
}

func (s budgets) Update(ctx context.Context, sc app.Scope, b app.Budget, prev int64) error {
	return exec1(ctx, s.d, sc.TenantID, "update budget",
		`UPDATE project_budgets SET kind = ?, amount = ?, currency = ?, `+updateMeta+` WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`,
		append(append([]any{string(b.Kind), b.Limit, b.Currency}, updateMetaArgs(b.Meta)...), sc.TenantID, sc.OrgID, b.ID, prev)...)
}

// Spent reads entry_totals (migration 0029, kept by triggers) and corrects it for the
// entries the totals cannot settle, running or ending after now, as store/sqlite's Spent
// does (which explains it): they started at most a day before now or are long, so a range
// of time_entries_org_started and the small time_entries_long find them.
func (s budgets) Spent(ctx context.Context, sc app.Scope, projectID *uuid.UUID, now time.Time, rates []app.Rate) ([]app.ProjectSpent, error) {
	var q sqlArgs
	hi := ts(now).Add(time.Microsecond) // as a summary to now: its period ends a microsecond after now
	q.add(`SELECT project_id, sum(micros)::bigint, sum(amount)::bigint FROM (SELECT project_id, micros, amount FROM entry_totals
		WHERE tenant_id = ? AND organization_id = ?`, sc.TenantID, sc.OrgID)
	if projectID != nil {
		q.add(" AND project_id = ?", *projectID)
	}
	// c: the entry's time up to now; w: its whole time, counted in the totals when stopped.
	q.add(` UNION ALL SELECT x.project_id, CASE WHEN x.c > 0 THEN x.c ELSE 0 END - coalesce(x.w, 0),
		CASE WHEN x.c > 0 THEN ` + amountOf("x.c", "x.rate") + ` ELSE 0 END - CASE WHEN x.w IS NULL THEN 0 ELSE ` + amountOf("x.w", "x.rate") + ` END FROM (`)
	part := func(bound string) {
		q.add(`SELECT e.project_id, `+spanMicros("least(coalesce(e.stopped_at, ?::timestamptz), ?::timestamptz) - greatest(e.started_at, 'epoch'::timestamptz)")+` AS c, `+
			spanMicros("e.stopped_at - e.started_at")+` AS w, `+rateExpr(rates)+` AS rate
			FROM time_entries e WHERE e.tenant_id = ? AND e.organization_id = ? AND e.deleted_at IS NULL AND e.project_id IS NOT NULL`,
			ts(now), hi, sc.TenantID, sc.OrgID)
		q.add(bound+" AND (e.stopped_at IS NULL OR e.stopped_at >= ?)", hi.Add(-longEntry), hi)
		if projectID != nil {
			q.add(" AND e.project_id = ?", *projectID)
		}
	}
	part(" AND e.started_at >= ?")
	q.add(" UNION ALL ")
	part(" AND e.started_at < ? AND " + longEntryCond)
	q.add(`) x) t GROUP BY project_id`)
	return queryList(ctx, s.d, sc.TenantID, "budget spent", 0, func(r rowScanner) (app.ProjectSpent, error) {
		var p app.ProjectSpent
		return p, r.Scan(&p.ProjectID, &p.Micros, &p.Amount)
	}, q.b.String(), q.args...)
}

package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// budgets stores project budgets (app.Budgets).
type budgets struct{ q querier }

// Budgets gives the project budgets of the transaction.
func (t *txn) Budgets() app.Budgets { return budgets{t.q} }

const budgetCols = "id, tenant_id, organization_id, project_id, kind, amount, currency, " + metaCols

func scanBudget(r rowScanner) (app.Budget, error) {
	var b app.Budget
	var m metaScan
	err := r.Scan(append([]any{&b.ID, &b.TenantID, &b.OrganizationID, &b.ProjectID, &b.Kind, &b.Limit, &b.Currency}, m.dest(&b.Meta)...)...)
	m.fill(&b.Meta)
	return b, err
}

func (s budgets) ByProject(ctx context.Context, sc app.Scope, projectID uuid.UUID) (app.Budget, error) {
	return getOne("get budget", scanBudget, s.q.QueryRowContext(ctx,
		`SELECT `+budgetCols+` FROM project_budgets WHERE tenant_id = ? AND organization_id = ? AND project_id = ? AND deleted_at IS NULL`,
		sc.TenantID, sc.OrgID, projectID))
}

func (s budgets) List(ctx context.Context, sc app.Scope) ([]app.Budget, error) {
	return queryList(ctx, s.q, "list budgets", func(r *sql.Rows) (app.Budget, error) { return scanBudget(r) },
		`SELECT `+budgetCols+` FROM project_budgets WHERE tenant_id = ? AND organization_id = ? AND deleted_at IS NULL ORDER BY id`,
		sc.TenantID, sc.OrgID)
}

func (s budgets) Insert(ctx context.Context, sc app.Scope, b app.Budget) error {
	if b.TenantID != sc.TenantID || b.OrganizationID != sc.OrgID {
		return fmt.Errorf("insert budget: scope mismatch: %w", app.ErrNotFound)
	}
	_, err := stamped(s.q, sc).ExecContext(ctx, `INSERT INTO project_budgets (server_version, `+budgetCols+`) VALUES (`+stampValue+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append([]any{b.ID, b.TenantID, b.OrganizationID, b.ProjectID, b.Kind, b.Limit, b.Currency}, metaArgs(b.Meta)...)...)
	if err != nil {
		return fmt.Errorf("insert budget: %w", mapErr(err))
	}
	return nil
}

func (s budgets) Update(ctx context.Context, sc app.Scope, b app.Budget, prev int64) error {
	return exec1(ctx, stamped(s.q, sc), "update budget",
		`UPDATE project_budgets SET server_version = `+stampValue+`, kind = ?, amount = ?, currency = ?, `+updateMeta+` WHERE tenant_id = ? AND organization_id = ? AND id = ? AND version = ?`,
		append(append([]any{b.Kind, b.Limit, b.Currency}, updateMetaArgs(b.Meta)...), sc.TenantID, sc.OrgID, b.ID, prev)...)
}

// Spent reads entry_totals (migration 0029: each project's live, stopped entries per member,
// kept by triggers) and corrects it for the few entries the totals cannot settle: those
// running, which count up to now, and those that stop after now (or start after it), which
// count up to now as a summary cuts them and not whole. Such an entry started at most a day
// before now or is long (running or longer than a day), so the two halves of the
// reports' scan find them: a range of time_entries_report and the small time_entries_long.
// Their time is priced by rateExpr, the reports' pricing, which the triggers' entry_prices
// agrees with (the conformance suite recounts both).
func (s budgets) Spent(ctx context.Context, sc app.Scope, projectID *uuid.UUID, now time.Time, rates []app.Rate) ([]app.ProjectSpent, error) {
	var q sqlArgs
	hi := us(now) + 1 // as a summary to now: its period ends a microsecond after now
	q.add(`WITH t(project_id, micros, amount) AS (SELECT project_id, micros, amount FROM entry_totals WHERE tenant_id = ? AND organization_id = ?`, sc.TenantID, sc.OrgID)
	if projectID != nil {
		q.add(" AND project_id = ?", *projectID)
	}
	// c: the entry's time up to now; w: its whole time, counted in the totals when stopped.
	cut := "min(coalesce(e.stopped_at, ?), ?) - max(e.started_at, 0)"
	part := func(index, bound string, args ...any) {
		rate := rateExpr(rates)
		q.add(` UNION ALL SELECT e.project_id, CASE WHEN `+cut+` > 0 THEN `+cut+` ELSE 0 END - coalesce(e.stopped_at - e.started_at, 0),
			CASE WHEN `+cut+` > 0 THEN `+amountOf(cut, rate)+` ELSE 0 END - CASE WHEN e.stopped_at IS NULL THEN 0 ELSE `+amountOf("e.stopped_at - e.started_at", rate)+` END
			FROM time_entries e`+index+` WHERE e.tenant_id = ? AND e.organization_id = ? AND e.deleted_at IS NULL AND e.project_id IS NOT NULL`,
			us(now), hi, us(now), hi, us(now), hi, us(now), hi, sc.TenantID, sc.OrgID)
		q.add(bound+" AND (e.stopped_at IS NULL OR e.stopped_at >= ?)", append(args, hi)...)
		if projectID != nil {
			q.add(" AND e.project_id = ?", *projectID)
		}
	}
	part(" INDEXED BY time_entries_report", " AND e.started_at >= ?", hi-longEntry)
	part(" INDEXED BY time_entries_long", " AND e.started_at < ? AND "+longEntryCond, hi-longEntry)
	q.add(`) SELECT project_id, sum(micros), sum(amount) FROM t GROUP BY project_id`)
	return queryList(ctx, s.q, "budget spent", func(r *sql.Rows) (app.ProjectSpent, error) {
		var p app.ProjectSpent
		return p, r.Scan(&p.ProjectID, &p.Micros, &p.Amount)
	}, q.b.String(), q.args...)
}

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

// Spent is not yet kept in totals on PostgreSQL: a summary of all time grouped by project.
func (s budgets) Spent(ctx context.Context, sc app.Scope, projectID *uuid.UUID, now time.Time, rates []app.Rate) ([]app.ProjectSpent, error) {
	f := app.ReportFilter{From: time.Unix(0, 0).UTC(), To: now.Add(time.Microsecond), Now: now, ProjectID: projectID, Rates: rates}
	cells, err := reports{s.d}.Summary(ctx, sc, f, []app.ReportDim{app.DimProject}, []app.Period{{Start: f.From, End: f.To}})
	if err != nil {
		return nil, err
	}
	var out []app.ProjectSpent
	for _, c := range cells {
		if c.Keys[0].ID != nil {
			out = append(out, app.ProjectSpent{ProjectID: *c.Keys[0].ID, Micros: c.Micros, Amount: c.Amount})
		}
	}
	return out, nil
}

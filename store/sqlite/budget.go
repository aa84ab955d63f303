package sqlite

import (
	"context"
	"database/sql"
	"fmt"

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

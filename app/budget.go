package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// BudgetKind is what a project budget caps: tracked hours or billable money.
type BudgetKind string

// Budget kinds.
const (
	BudgetHours BudgetKind = "hours"
	BudgetMoney BudgetKind = "money"
)

// Budget caps a project's time (Limit in seconds) or billable amount (Limit in the
// organization's minor units), over all of the project's time.
type Budget struct {
	ID             uuid.UUID  `json:"id"`
	TenantID       uuid.UUID  `json:"tenant_id"`
	OrganizationID uuid.UUID  `json:"organization_id"`
	ProjectID      uuid.UUID  `json:"project_id"`
	Kind           BudgetKind `json:"kind" enum:"hours,money"`
	Limit          int64      `json:"limit" doc:"Seconds for an hours budget, minor units of currency for a money budget."`
	Currency       string     `json:"currency,omitempty" doc:"A money budget's currency, the organization's rates'."`
	Meta
}

// BudgetInput sets a project's budget.
type BudgetInput struct {
	Kind  BudgetKind
	Limit int64
}

// BudgetProgress is a budget with what the project has used of it: every entry's time for
// an hours budget, the billable amount (priced as reports price it) for a money budget.
type BudgetProgress struct {
	Budget
	SpentSeconds int64     `json:"spent_seconds" doc:"All time tracked on the project, running entries up to as_of."`
	SpentAmount  Money     `json:"spent_amount" doc:"The project's billable amount at its rates."`
	UsedPercent  int64     `json:"used_percent" doc:"Spent (seconds or amount, as the kind says) as a whole percentage of the limit, rounded down; above 100 when over budget."`
	AsOf         time.Time `json:"as_of"`
}

// Budgets stores project budgets of one organization.
type Budgets interface {
	// ByProject finds the live budget of a project.
	ByProject(ctx context.Context, s Scope, projectID uuid.UUID) (Budget, error)
	// List returns the live budgets of s.OrgID.
	List(ctx context.Context, s Scope) ([]Budget, error)
	Insert(ctx context.Context, s Scope, b Budget) error
	Update(ctx context.Context, s Scope, b Budget, prevVersion int64) error
	// Spent sums, per project of s.OrgID (only projectID's when it is set), the time of its
	// live entries up to now (running ones counted to now, later time left out) and their
	// billable amount priced at rates, as Reports.Summary sums all of a project's time up
	// to now. The stores keep running totals per project and member for it, so it does not
	// read every entry.
	Spent(ctx context.Context, s Scope, projectID *uuid.UUID, now time.Time, rates []Rate) ([]ProjectSpent, error)
}

// ProjectSpent is a project's time (microseconds) and billable amount (minor units).
type ProjectSpent struct {
	ProjectID uuid.UUID
	Micros    int64
	Amount    int64
}

// SetBudget sets a project's budget (managers and above), replacing the one it had. A
// money budget is in the organization's rates' currency, so it needs rates first.
func (s *Service) SetBudget(ctx context.Context, a Actor, projectID uuid.UUID, in BudgetInput) (Budget, error) {
	if err := a.require(PermRatesManage); err != nil {
		return Budget{}, err
	}
	var out Budget
	err := s.write(ctx, a, PermRatesManage, func(tx Tx, a Actor, now time.Time) error {
		var err error
		out, err = s.putBudget(ctx, tx, a, projectID, in, uuid.Nil, time.Time{}, now)
		return err
	})
	return out, err
}

// putBudget is SetBudget inside its write, for the API and for a budget a device pushes
// (id, the device's, and born, its creation instant; uuid.Nil and zero for the server's
// own). A pushed budget of a project that has another one already (set on another device)
// is a conflict: the device drops its copy and pulls the other.
func (s *Service) putBudget(ctx context.Context, tx Tx, a Actor, projectID uuid.UUID, in BudgetInput, id uuid.UUID, born, now time.Time) (Budget, error) {
	if _, err := tx.Projects().Get(ctx, a.Scope(), projectID); err != nil {
		return Budget{}, fmt.Errorf("project: %w", err)
	}
	var c checker
	c.check(in.Kind == BudgetHours || in.Kind == BudgetMoney, "kind", "must be hours or money")
	c.check(in.Limit > 0, "limit", "must be above 0")
	currency := ""
	if in.Kind == BudgetMoney {
		rates, err := tx.Rates().List(ctx, a.Scope(), RateFilter{})
		if err != nil {
			return Budget{}, fmt.Errorf("rates: %w", err)
		}
		currency = ratesCurrency(rates)
		c.check(currency != "", "kind", "a money budget needs the organization's rates (their currency) first")
	}
	if err := c.err(); err != nil {
		return Budget{}, err
	}
	old, err := tx.Budgets().ByProject(ctx, a.Scope(), projectID)
	switch {
	case err == nil:
		if id != uuid.Nil && old.ID != id {
			return Budget{}, Conflict("the project has a budget already (set on another device)")
		}
		out, before := old, old
		prev := s.touch(&out.Meta, now)
		out.Kind, out.Limit, out.Currency = in.Kind, in.Limit, currency
		if err := tx.Budgets().Update(ctx, a.Scope(), out, prev); err != nil {
			return Budget{}, fmt.Errorf("budget: %w", err)
		}
		return out, s.recordRate(ctx, tx, a, "budget.update", EntityBudget, out.ID, out.Meta, out, before)
	case errors.Is(err, ErrNotFound):
		if id == uuid.Nil {
			id = NewID()
		}
		out := Budget{ID: id, TenantID: a.TenantID, OrganizationID: a.OrgID, ProjectID: projectID, Kind: in.Kind, Limit: in.Limit,
			Currency: currency, Meta: s.stamp(now)}
		if !born.IsZero() {
			out.CreatedAt = bornAt(born, now)
		}
		if err := tx.Budgets().Insert(ctx, a.Scope(), out); err != nil {
			return Budget{}, fmt.Errorf("budget: %w", err)
		}
		return out, s.recordRate(ctx, tx, a, "budget.create", EntityBudget, out.ID, out.Meta, out, nil)
	default:
		return Budget{}, fmt.Errorf("budget: %w", err)
	}
}

// DeleteBudget removes a project's budget (managers and above).
func (s *Service) DeleteBudget(ctx context.Context, a Actor, projectID uuid.UUID) error {
	if err := a.require(PermRatesManage); err != nil {
		return err
	}
	return s.write(ctx, a, PermRatesManage, func(tx Tx, a Actor, now time.Time) error {
		b, err := tx.Budgets().ByProject(ctx, a.Scope(), projectID)
		if err != nil {
			return err
		}
		prev := s.touch(&b.Meta, now)
		b.DeletedAt = &now
		if err := tx.Budgets().Update(ctx, a.Scope(), b, prev); err != nil {
			return fmt.Errorf("budget: %w", err)
		}
		return s.recordRate(ctx, tx, a, "budget.delete", EntityBudget, b.ID, b.Meta, b, nil)
	})
}

// ProjectBudget is one project's budget and its progress (managers and above).
func (s *Service) ProjectBudget(ctx context.Context, a Actor, projectID uuid.UUID) (BudgetProgress, error) {
	out, err := s.budgets(ctx, a, &projectID)
	if err != nil {
		return BudgetProgress{}, err
	}
	if len(out) == 0 {
		return BudgetProgress{}, fmt.Errorf("budget of project %s: %w", projectID, ErrNotFound)
	}
	return out[0], nil
}

// Budgets lists the organization's budgets with their progress (managers and above).
func (s *Service) Budgets(ctx context.Context, a Actor) ([]BudgetProgress, error) {
	return s.budgets(ctx, a, nil)
}

// budgets reads the budgets (one project's, or all) and their projects' time and amounts
// (Budgets.Spent), in one read.
func (s *Service) budgets(ctx context.Context, a Actor, projectID *uuid.UUID) ([]BudgetProgress, error) {
	if err := a.require(PermRatesRead); err != nil {
		return nil, err
	}
	now := s.Now()
	var out []BudgetProgress
	err := s.store.Read(ctx, func(tx Tx) error {
		var bs []Budget
		if projectID != nil {
			b, err := tx.Budgets().ByProject(ctx, a.Scope(), *projectID)
			if err != nil {
				return err
			}
			bs = []Budget{b}
		} else {
			var err error
			if bs, err = tx.Budgets().List(ctx, a.Scope()); err != nil {
				return err
			}
		}
		if len(bs) == 0 {
			return nil
		}
		rates, err := tx.Rates().List(ctx, a.Scope(), RateFilter{})
		if err != nil {
			return fmt.Errorf("rates: %w", err)
		}
		spent, err := tx.Budgets().Spent(ctx, a.Scope(), projectID, now, rates)
		if err != nil {
			return fmt.Errorf("budget progress: %w", err)
		}
		micros, amounts := map[uuid.UUID]int64{}, map[uuid.UUID]int64{}
		for _, sp := range spent {
			micros[sp.ProjectID] += sp.Micros
			amounts[sp.ProjectID] += sp.Amount
		}
		for _, b := range bs {
			p := BudgetProgress{Budget: b, SpentSeconds: micros[b.ProjectID] / 1_000_000,
				SpentAmount: Money{Minor: amounts[b.ProjectID], Currency: ratesCurrency(rates)}, AsOf: now}
			spent := p.SpentSeconds
			if b.Kind == BudgetMoney {
				spent = p.SpentAmount.Minor
			}
			p.UsedPercent = spent * 100 / b.Limit
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

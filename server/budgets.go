package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/stinthq/stint/app"
)

// budgetList is every project budget with its progress.
type budgetList struct {
	Items []app.BudgetProgress `json:"items" nullable:"false"`
}

// budgetSetBody sets a project's budget.
type budgetSetBody struct {
	Kind  app.BudgetKind `json:"kind" enum:"hours,money" doc:"hours caps tracked time, money the billable amount."`
	Limit int64          `json:"limit" minimum:"1" doc:"Seconds for hours (144000 is 40 h), minor units of the organization's rates' currency for money."`
}

type budgetSetInput struct {
	ID   string `path:"id" format:"uuid" doc:"The project's id."`
	Body budgetSetBody
}

type projectIDInput struct {
	ID string `path:"id" format:"uuid" doc:"The project's id."`
}

func (s *Server) registerBudgets() {
	op := s.operation(http.MethodGet, "/v1/budgets", "list-budgets", "budgets", "Project budgets with their progress (managers and above)")
	huma.Register(s.api, op, func(ctx context.Context, _ *struct{}) (*struct{ Body budgetList }, error) {
		a, err := actorFrom(ctx)
		if err != nil {
			return nil, err
		}
		bs, err := s.svc.Budgets(ctx, a)
		if err != nil {
			return nil, err
		}
		if bs == nil {
			bs = []app.BudgetProgress{}
		}
		return &struct{ Body budgetList }{budgetList{Items: bs}}, nil
	})

	op = s.operation(http.MethodGet, "/v1/projects/{id}/budget", "get-project-budget", "budgets", "A project's budget and its progress (managers and above)")
	huma.Register(s.api, op, func(ctx context.Context, in *projectIDInput) (*struct{ Body app.BudgetProgress }, error) {
		a, id, err := rowActor(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		b, err := s.svc.ProjectBudget(ctx, a, id)
		if err != nil {
			return nil, err
		}
		return &struct{ Body app.BudgetProgress }{b}, nil
	})

	op = s.operation(http.MethodPut, "/v1/projects/{id}/budget", "set-project-budget", "budgets", "Set a project's budget in hours or money (managers and above)")
	op.Errors = append(op.Errors, http.StatusBadRequest, http.StatusConflict, http.StatusRequestEntityTooLarge)
	huma.Register(s.api, op, func(ctx context.Context, in *budgetSetInput) (*rowOutput[app.Budget], error) {
		a, id, err := rowActor(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		b, err := s.svc.SetBudget(ctx, a, id, app.BudgetInput{Kind: in.Body.Kind, Limit: in.Body.Limit})
		if err != nil {
			return nil, err
		}
		return &rowOutput[app.Budget]{ETag: etag(b.Version), Body: b}, nil
	})

	op = s.operation(http.MethodDelete, "/v1/projects/{id}/budget", "delete-project-budget", "budgets", "Remove a project's budget (managers and above)")
	huma.Register(s.api, op, func(ctx context.Context, in *projectIDInput) (*struct{}, error) {
		a, id, err := rowActor(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return nil, s.svc.DeleteBudget(ctx, a, id)
	})
}

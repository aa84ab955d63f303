package app

import (
	"context"
	"strings"

	"github.com/google/uuid"
)

// ProjectInput creates a project.
type ProjectInput struct {
	Name     string
	ClientID *uuid.UUID
	Color    string
	Billable bool
}

// ProjectPatch changes a project; unset fields stay as they are.
type ProjectPatch struct {
	Name     *string
	ClientID Nullable[uuid.UUID]
	Color    *string
	Billable *bool
	Archived *bool
}

var projects = catalog[Project]{
	entity: "project", read: PermProjectsRead, manage: PermProjectsManage,
	repo: func(tx Tx) catalogRepo[Project] { return tx.Projects() },
	meta: func(p *Project) *Meta { return &p.Meta },
	id:   func(p *Project) uuid.UUID { return p.ID },
}

// Projects lists the organization's projects.
func (s *Service) Projects(ctx context.Context, a Actor, lp ListParams, includeArchived bool) (Page[Project], error) {
	return projects.list(ctx, s, a, lp, CatalogFilter{IncludeArchived: includeArchived})
}

// Project returns one project.
func (s *Service) Project(ctx context.Context, a Actor, id uuid.UUID) (Project, error) {
	return projects.get(ctx, s, a, id)
}

// ProjectByName finds a live project by case-insensitive name.
func (s *Service) ProjectByName(ctx context.Context, a Actor, name string) (Project, error) {
	if err := a.require(PermProjectsRead); err != nil {
		return Project{}, err
	}
	var out Project
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Projects().ByName(ctx, a.Scope(), strings.TrimSpace(name))
		return err
	})
	return out, err
}

// CreateProject adds a project.
func (s *Service) CreateProject(ctx context.Context, a Actor, in ProjectInput) (Project, error) {
	row := Project{ID: NewID(), TenantID: a.TenantID, OrganizationID: a.OrgID, Name: strings.TrimSpace(in.Name),
		ClientID: in.ClientID, Color: in.Color, Billable: in.Billable}
	return projects.create(ctx, s, a, row, func(ctx context.Context, tx Tx, p *Project) error {
		return validateProject(ctx, tx, a, p)
	})
}

func validateProject(ctx context.Context, tx Tx, a Actor, p *Project) error {
	var c checker
	checkName(&c, "name", p.Name, 200)
	checkColor(&c, "color", &p.Color, p.ID)
	if p.ClientID != nil {
		_, err := tx.Clients().Get(ctx, a.Scope(), *p.ClientID)
		if err := mustRef(&c, "client_id", err); err != nil {
			return err
		}
	}
	return c.err()
}

// UpdateProject changes a project.
func (s *Service) UpdateProject(ctx context.Context, a Actor, id uuid.UUID, p ProjectPatch, expected int64) (Project, error) {
	return projects.update(ctx, s, a, id, expected, func(ctx context.Context, tx Tx, row *Project) error {
		if p.Name != nil {
			row.Name = strings.TrimSpace(*p.Name)
		}
		if p.ClientID.Set {
			row.ClientID = p.ClientID.Value
		}
		if p.Color != nil {
			row.Color = *p.Color
			if row.Color == "" {
				return Invalid("color", "must be a colour like #4f7cff")
			}
		}
		if p.Billable != nil {
			row.Billable = *p.Billable
		}
		if p.Archived != nil {
			row.Archived = *p.Archived
		}
		return validateProject(ctx, tx, a, row)
	})
}

// DeleteProject deletes a project; its time entries keep their time.
func (s *Service) DeleteProject(ctx context.Context, a Actor, id uuid.UUID, expected int64) error {
	return projects.remove(ctx, s, a, id, expected)
}

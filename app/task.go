package app

import (
	"context"
	"strings"

	"github.com/google/uuid"
)

// TaskInput creates a task in a project.
type TaskInput struct {
	ProjectID uuid.UUID
	Name      string
}

// TaskPatch changes a task; nil fields stay as they are.
type TaskPatch struct {
	ProjectID *uuid.UUID
	Name      *string
	Done      *bool
	Archived  *bool
}

var tasks = catalog[Task]{
	entity: "task", read: PermTasksRead, manage: PermTasksManage,
	repo: func(tx Tx) catalogRepo[Task] { return tx.Tasks() },
	meta: func(t *Task) *Meta { return &t.Meta },
	id:   func(t *Task) uuid.UUID { return t.ID },
}

// Tasks lists the organization's tasks, optionally of one project.
func (s *Service) Tasks(ctx context.Context, a Actor, lp ListParams, projectID *uuid.UUID, includeArchived bool) (Page[Task], error) {
	return tasks.list(ctx, s, a, lp, CatalogFilter{ProjectID: projectID, IncludeArchived: includeArchived})
}

// Task returns one task.
func (s *Service) Task(ctx context.Context, a Actor, id uuid.UUID) (Task, error) {
	return tasks.get(ctx, s, a, id)
}

// CreateTask adds a task to a project.
func (s *Service) CreateTask(ctx context.Context, a Actor, in TaskInput) (Task, error) {
	row := Task{ID: NewID(), TenantID: a.TenantID, OrganizationID: a.OrgID, ProjectID: in.ProjectID, Name: strings.TrimSpace(in.Name)}
	return tasks.create(ctx, s, a, row, func(ctx context.Context, tx Tx, t *Task) error {
		return validateTask(ctx, tx, a, t)
	})
}

func validateTask(ctx context.Context, tx Tx, a Actor, t *Task) error {
	var c checker
	checkName(&c, "name", t.Name, 300)
	if t.ProjectID == uuid.Nil {
		c.add("project_id", "is required")
	} else {
		_, err := tx.Projects().Get(ctx, a.Scope(), t.ProjectID)
		if err := mustRef(&c, "project_id", err); err != nil {
			return err
		}
	}
	return c.err()
}

// UpdateTask changes a task.
func (s *Service) UpdateTask(ctx context.Context, a Actor, id uuid.UUID, p TaskPatch, expected int64) (Task, error) {
	return tasks.update(ctx, s, a, id, expected, func(ctx context.Context, tx Tx, t *Task) error {
		if p.ProjectID != nil {
			t.ProjectID = *p.ProjectID
		}
		if p.Name != nil {
			t.Name = strings.TrimSpace(*p.Name)
		}
		if p.Done != nil {
			t.Done = *p.Done
		}
		if p.Archived != nil {
			t.Archived = *p.Archived
		}
		return validateTask(ctx, tx, a, t)
	})
}

// DeleteTask deletes a task.
func (s *Service) DeleteTask(ctx context.Context, a Actor, id uuid.UUID, expected int64) error {
	return tasks.remove(ctx, s, a, id, expected)
}

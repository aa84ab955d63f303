package app

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
)

// catalogRepo is the store shape shared by clients, projects, tasks and tags.
type catalogRepo[T any] interface {
	Get(ctx context.Context, s Scope, id uuid.UUID) (T, error)
	List(ctx context.Context, s Scope, f CatalogFilter) ([]T, error)
	Insert(ctx context.Context, s Scope, row T) error
	Update(ctx context.Context, s Scope, row T, prevVersion int64) error
}

// catalog describes one organization-scoped resource so the list/get/create/update/delete
// flow (permissions, versions, audit, change log) is written once.
type catalog[T any] struct {
	entity string
	read   Permission
	manage Permission
	repo   func(Tx) catalogRepo[T]
	meta   func(*T) *Meta
	id     func(*T) uuid.UUID
}

func (c catalog[T]) list(ctx context.Context, s *Service, a Actor, lp ListParams, f CatalogFilter) (Page[T], error) {
	if err := a.require(c.read); err != nil {
		return Page[T]{}, err
	}
	pr, err := lp.request()
	if err != nil {
		return Page[T]{}, err
	}
	f.Page = PageRequest{Limit: pr.Limit + 1, After: pr.After}
	var rows []T
	err = s.store.Read(ctx, func(tx Tx) error {
		var err error
		rows, err = c.repo(tx).List(ctx, a.Scope(), f)
		return err
	})
	return paginate(rows, pr.Limit, func(row T) Cursor { return Cursor{ID: c.id(&row)} }), err
}

func (c catalog[T]) get(ctx context.Context, s *Service, a Actor, id uuid.UUID) (T, error) {
	var out T
	if err := a.require(c.read); err != nil {
		return out, err
	}
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = c.repo(tx).Get(ctx, a.Scope(), id)
		return err
	})
	return out, err
}

// create stamps row, lets prepare validate it against the store, inserts and records it.
func (c catalog[T]) create(ctx context.Context, s *Service, a Actor, row T, prepare func(context.Context, Tx, *T) error) (T, error) {
	if err := a.require(c.manage); err != nil {
		return row, err
	}
	err := s.write(ctx, a, c.manage, func(tx Tx, a Actor, now time.Time) error {
		*c.meta(&row) = s.stamp(now)
		if err := prepare(ctx, tx, &row); err != nil {
			return err
		}
		if err := c.repo(tx).Insert(ctx, a.Scope(), row); err != nil {
			return c.nameTaken(err)
		}
		return s.record(ctx, tx, a.Scope(), &a.UserID, change{action: c.entity + ".create", entity: c.entity,
			id: c.id(&row), org: &a.OrgID, meta: *c.meta(&row), row: row})
	})
	return row, err
}

// update loads the row, checks the expected version, applies the patch and records it.
func (c catalog[T]) update(ctx context.Context, s *Service, a Actor, id uuid.UUID, expected int64, apply func(context.Context, Tx, *T) error) (T, error) {
	var out T
	if err := a.require(c.manage); err != nil {
		return out, err
	}
	err := s.write(ctx, a, c.manage, func(tx Tx, a Actor, now time.Time) error {
		row, err := c.repo(tx).Get(ctx, a.Scope(), id)
		if err != nil {
			return err
		}
		if err := checkVersion(expected, c.meta(&row).Version); err != nil {
			return err
		}
		before := row
		if err := apply(ctx, tx, &row); err != nil {
			return err
		}
		prev := s.touch(c.meta(&row), now)
		action := ".update"
		if c.meta(&row).DeletedAt != nil {
			c.meta(&row).DeletedAt = &now
			action = ".delete"
		}
		if err := c.repo(tx).Update(ctx, a.Scope(), row, prev); err != nil {
			return c.nameTaken(err)
		}
		out = row
		return s.record(ctx, tx, a.Scope(), &a.UserID, change{action: c.entity + action, entity: c.entity,
			id: id, org: &a.OrgID, meta: *c.meta(&row), row: row, before: before})
	})
	return out, err
}

// remove soft-deletes the row, leaving a tombstone for sync.
func (c catalog[T]) remove(ctx context.Context, s *Service, a Actor, id uuid.UUID, expected int64) error {
	_, err := c.update(ctx, s, a, id, expected, func(_ context.Context, _ Tx, row *T) error {
		c.meta(row).DeletedAt = ptr(s.Now())
		return nil
	})
	return err
}

func (c catalog[T]) nameTaken(err error) error {
	if errors.Is(err, ErrConflict) && !errors.Is(err, ErrPrecondition) {
		return Conflict("a %s with this name already exists", c.entity)
	}
	return err
}

var colorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// palette gives new projects and tags a distinct colour when none is chosen.
var palette = []string{"#4f7cff", "#e5484d", "#30a46c", "#f5a623", "#8e4ec6", "#12a594", "#e54666", "#ad7f58", "#0090ff", "#6e56cf"}

func pickColor(seed uuid.UUID) string { return palette[int(seed[15])%len(palette)] }

func checkColor(c *checker, field string, color *string, seed uuid.UUID) {
	if *color == "" {
		*color = pickColor(seed)
		return
	}
	*color = strings.ToLower(*color)
	c.check(colorRE.MatchString(*color), field, "must be a colour like #4f7cff")
}

// mustRef checks that a referenced row exists in the actor's organization, turning
// ErrNotFound into a field error.
func mustRef(c *checker, field string, err error) error {
	if errors.Is(err, ErrNotFound) {
		c.add(field, "does not exist in this organization")
		return nil
	}
	if err != nil {
		return fmt.Errorf("check %s: %w", field, err)
	}
	return nil
}

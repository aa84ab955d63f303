package app

import (
	"context"
	"strings"

	"github.com/google/uuid"
)

// TagInput creates a tag.
type TagInput struct {
	Name  string
	Color string
}

// TagPatch changes a tag; nil fields stay as they are.
type TagPatch struct {
	Name     *string
	Color    *string
	Archived *bool
}

var tags = catalog[Tag]{
	entity: "tag", read: PermTagsRead, manage: PermTagsManage,
	repo: func(tx Tx) catalogRepo[Tag] { return tx.Tags() },
	meta: func(t *Tag) *Meta { return &t.Meta },
	id:   func(t *Tag) uuid.UUID { return t.ID },
}

// Tags lists the organization's tags.
func (s *Service) Tags(ctx context.Context, a Actor, lp ListParams, includeArchived bool) (Page[Tag], error) {
	return tags.list(ctx, s, a, lp, CatalogFilter{IncludeArchived: includeArchived})
}

// Tag returns one tag.
func (s *Service) Tag(ctx context.Context, a Actor, id uuid.UUID) (Tag, error) {
	return tags.get(ctx, s, a, id)
}

// CreateTag adds a tag.
func (s *Service) CreateTag(ctx context.Context, a Actor, in TagInput) (Tag, error) {
	row := Tag{ID: NewID(), TenantID: a.TenantID, OrganizationID: a.OrgID, Name: strings.TrimSpace(in.Name), Color: in.Color}
	return tags.create(ctx, s, a, row, func(_ context.Context, _ Tx, t *Tag) error {
		return validateTag(t)
	})
}

func validateTag(t *Tag) error {
	var c checker
	checkName(&c, "name", t.Name, 100)
	checkColor(&c, "color", &t.Color, t.ID)
	return c.err()
}

// UpdateTag changes a tag.
func (s *Service) UpdateTag(ctx context.Context, a Actor, id uuid.UUID, p TagPatch, expected int64) (Tag, error) {
	return tags.update(ctx, s, a, id, expected, func(_ context.Context, _ Tx, t *Tag) error {
		if p.Name != nil {
			t.Name = strings.TrimSpace(*p.Name)
		}
		if p.Color != nil {
			if *p.Color == "" {
				return Invalid("color", "must be a colour like #4f7cff")
			}
			t.Color = *p.Color
		}
		if p.Archived != nil {
			t.Archived = *p.Archived
		}
		return validateTag(t)
	})
}

// DeleteTag deletes a tag; entries keep their other tags.
func (s *Service) DeleteTag(ctx context.Context, a Actor, id uuid.UUID, expected int64) error {
	return tags.remove(ctx, s, a, id, expected)
}

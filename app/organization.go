package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// OrganizationInput creates an organization.
type OrganizationInput struct {
	Name     string
	Timezone string
}

// OrganizationPatch changes an organization; nil fields stay as they are.
type OrganizationPatch struct {
	Name     *string
	Timezone *string
}

// Organizations lists the organizations the actor belongs to.
func (s *Service) Organizations(ctx context.Context, a Actor) ([]Organization, error) {
	var out []Organization
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Organizations().ListForUser(ctx, a.Scope(), a.UserID)
		return err
	})
	if out == nil {
		out = []Organization{}
	}
	return out, err
}

// roleIn returns the actor's live role in another organization of its tenant, or ErrNotFound.
func roleIn(ctx context.Context, tx Tx, a Actor, orgID uuid.UUID) (Role, error) {
	m, err := tx.Memberships().Get(ctx, Scope{TenantID: a.TenantID, OrgID: orgID}, a.UserID)
	if err != nil {
		return "", err
	}
	if m.DeletedAt != nil {
		return "", fmt.Errorf("membership removed: %w", ErrNotFound)
	}
	return m.Role, nil
}

// Organization returns one organization the actor belongs to.
func (s *Service) Organization(ctx context.Context, a Actor, id uuid.UUID) (Organization, error) {
	var out Organization
	err := s.store.Read(ctx, func(tx Tx) error {
		if _, err := roleIn(ctx, tx, a, id); err != nil {
			return err
		}
		var err error
		out, err = tx.Organizations().Get(ctx, Scope{TenantID: a.TenantID, OrgID: id}, id)
		return err
	})
	return out, err
}

// CreateOrganization adds an organization to the actor's tenant with the actor as owner.
func (s *Service) CreateOrganization(ctx context.Context, a Actor, in OrganizationInput) (Organization, error) {
	if err := a.require(PermOrgCreate); err != nil {
		return Organization{}, err
	}
	in.Name = strings.TrimSpace(in.Name)
	var c checker
	checkName(&c, "name", in.Name, 200)
	checkTimezone(&c, "timezone", in.Timezone)
	if err := c.err(); err != nil {
		return Organization{}, err
	}
	if in.Timezone == "" {
		in.Timezone = "UTC"
	}
	var o Organization
	err := s.write(ctx, a, PermOrgCreate, func(tx Tx, a Actor, now time.Time) error {
		o = Organization{ID: NewID(), TenantID: a.TenantID, Name: in.Name, Timezone: in.Timezone, Meta: s.stamp(now)}
		m := Membership{ID: NewID(), TenantID: a.TenantID, OrganizationID: o.ID, UserID: a.UserID, Role: RoleOwner, Meta: s.stamp(now)}
		sc := Scope{TenantID: a.TenantID, OrgID: o.ID}
		if err := tx.Organizations().Insert(ctx, sc, o); err != nil {
			return err
		}
		if err := tx.Memberships().Insert(ctx, sc, m); err != nil {
			return err
		}
		if err := s.record(ctx, tx, sc, &a.UserID, change{action: "organization.create", entity: "organization", id: o.ID, org: &o.ID, meta: o.Meta, row: o}); err != nil {
			return err
		}
		return s.record(ctx, tx, sc, &a.UserID, change{action: "membership.create", entity: "membership", id: m.ID, org: &o.ID, meta: m.Meta, row: m})
	})
	return o, err
}

// UpdateOrganization changes an organization the actor may manage.
func (s *Service) UpdateOrganization(ctx context.Context, a Actor, id uuid.UUID, p OrganizationPatch, expected int64) (Organization, error) {
	var out Organization
	err := s.store.Write(ctx, func(tx Tx) error {
		role, err := roleIn(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if !role.Can(PermOrgManage) {
			return fmt.Errorf("%s may not manage the organization: %w", role, ErrForbidden)
		}
		sc := Scope{TenantID: a.TenantID, OrgID: id}
		o, err := tx.Organizations().Get(ctx, sc, id)
		if err != nil {
			return err
		}
		if err := checkVersion(expected, o.Version); err != nil {
			return err
		}
		var c checker
		if p.Name != nil {
			o.Name = strings.TrimSpace(*p.Name)
			checkName(&c, "name", o.Name, 200)
		}
		if p.Timezone != nil {
			o.Timezone = *p.Timezone
			c.check(o.Timezone != "", "timezone", "is required")
			checkTimezone(&c, "timezone", o.Timezone)
		}
		if err := c.err(); err != nil {
			return err
		}
		prev := s.touch(&o.Meta, s.Now())
		if err := tx.Organizations().Update(ctx, sc, o, prev); err != nil {
			return err
		}
		out = o
		return s.record(ctx, tx, sc, &a.UserID, change{action: "organization.update", entity: "organization", id: o.ID, org: &o.ID, meta: o.Meta, row: o})
	})
	return out, err
}

// orgTimezone loads the actor's organization time zone (UTC when unknown).
func orgTimezone(ctx context.Context, tx Tx, a Actor) string {
	o, err := tx.Organizations().Get(ctx, a.Scope(), a.OrgID)
	if err != nil || o.Timezone == "" {
		return "UTC"
	}
	return o.Timezone
}

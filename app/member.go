package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// MemberInput adds a user of the actor's tenant to its organization, creating the user when
// the e-mail is new to the tenant (then Name and Password are required).
type MemberInput struct {
	Email    string
	Name     string
	Role     Role
	Password string
}

// MemberPatch changes a member's role.
type MemberPatch struct {
	Role *Role
}

// Members lists the organization's members.
func (s *Service) Members(ctx context.Context, a Actor, lp ListParams) (Page[Member], error) {
	if err := a.require(PermMembersRead); err != nil {
		return Page[Member]{}, err
	}
	pr, err := lp.request()
	if err != nil {
		return Page[Member]{}, err
	}
	var rows []Member
	err = s.store.Read(ctx, func(tx Tx) error {
		var err error
		rows, err = tx.Memberships().List(ctx, a.Scope(), PageRequest{Limit: pr.Limit + 1, After: pr.After})
		return err
	})
	return paginate(rows, pr.Limit, func(m Member) Cursor { return Cursor{ID: m.UserID} }), err
}

// Member returns one live member of the organization.
func (s *Service) Member(ctx context.Context, a Actor, userID uuid.UUID) (Member, error) {
	if err := a.require(PermMembersRead); err != nil {
		return Member{}, err
	}
	var out Member
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = loadMember(ctx, tx, a.Scope(), userID)
		return err
	})
	return out, err
}

func loadMember(ctx context.Context, tx Tx, sc Scope, userID uuid.UUID) (Member, error) {
	m, err := tx.Memberships().Get(ctx, sc, userID)
	if err != nil {
		return Member{}, err
	}
	if m.DeletedAt != nil {
		return Member{}, fmt.Errorf("membership removed: %w", ErrNotFound)
	}
	u, err := tx.Users().Get(ctx, sc, userID)
	if err != nil {
		return Member{}, err
	}
	return Member{Membership: m, Name: u.Name, Email: u.Email}, nil
}

// AddMember adds a user to the actor's organization. An address that is not a user of the
// actor's tenant becomes a new user of it, and needs a name and a password; other tenants are
// never consulted (an address is unique only within a tenant), so the answer cannot tell
// whether the address has accounts elsewhere. A password is hashed before the write
// transaction (hashing takes tens of milliseconds and every tenant's writes wait on that
// transaction).
func (s *Service) AddMember(ctx context.Context, a Actor, in MemberInput) (Member, error) {
	if err := a.require(PermMembersManage); err != nil {
		return Member{}, err
	}
	in.Email = normalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	var c checker
	checkEmail(&c, "email", in.Email)
	c.check(in.Role.Valid(), "role", "must be one of owner, admin, manager, member")
	if in.Password != "" {
		checkPassword(&c, "password", in.Password)
	}
	if err := c.err(); err != nil {
		return Member{}, err
	}
	if in.Role == RoleOwner && a.Role != RoleOwner {
		return Member{}, fmt.Errorf("only an owner may add owners: %w", ErrForbidden)
	}
	var hash string
	if in.Password != "" {
		var err error
		if hash, err = s.hasher.Hash(in.Password); err != nil {
			return Member{}, err
		}
	}
	var out Member
	err := s.write(ctx, a, PermMembersManage, func(tx Tx, a Actor, now time.Time) error {
		if in.Role == RoleOwner && a.Role != RoleOwner {
			return fmt.Errorf("only an owner may add owners: %w", ErrForbidden)
		}
		sc := a.Scope()
		u, err := tx.Users().ByEmailAnyTenant(ctx, in.Email, a.TenantID)
		switch {
		case err == nil:
		case errors.Is(err, ErrNotFound):
			var c checker
			checkName(&c, "name", in.Name, 200)
			c.check(hash != "", "password", "is required for a new user")
			if verr := c.err(); verr != nil {
				return verr
			}
			u = User{ID: NewID(), TenantID: a.TenantID, Email: in.Email, Name: in.Name,
				Timezone: orgTimezone(ctx, tx, a), PasswordHash: hash, Meta: s.stamp(now)}
			if err := tx.Users().Insert(ctx, sc, u); err != nil {
				if errors.Is(err, ErrConflict) { // added by someone else since the lookup
					return Conflict("%s is already a user of this tenant; add it again", in.Email)
				}
				return err
			}
			if err := s.record(ctx, tx, sc, &a.UserID, change{action: "user.create", entity: "user", id: u.ID, meta: u.Meta, row: u}); err != nil {
				return err
			}
		default:
			return err
		}
		m, err := tx.Memberships().Get(ctx, sc, u.ID)
		switch {
		case err == nil && m.DeletedAt == nil:
			return Conflict("%s is already a member", in.Email)
		case err == nil: // re-adding a removed member revives the row
			prev := s.touch(&m.Meta, now)
			m.DeletedAt, m.Role = nil, in.Role
			err = tx.Memberships().Update(ctx, sc, m, prev)
		case errors.Is(err, ErrNotFound):
			m = Membership{ID: NewID(), TenantID: a.TenantID, OrganizationID: a.OrgID, UserID: u.ID, Role: in.Role, Meta: s.stamp(now)}
			err = tx.Memberships().Insert(ctx, sc, m)
		}
		if err != nil {
			return err
		}
		out = Member{Membership: m, Name: u.Name, Email: u.Email}
		return s.record(ctx, tx, sc, &a.UserID, change{action: "membership.create", entity: "membership", id: m.ID, org: &a.OrgID, meta: m.Meta, row: m})
	})
	return out, err
}

// UpdateMember changes a member's role. Only owners grant or take the owner role, and the last
// owner cannot be demoted.
func (s *Service) UpdateMember(ctx context.Context, a Actor, userID uuid.UUID, p MemberPatch, expected int64) (Member, error) {
	if err := a.require(PermMembersManage); err != nil {
		return Member{}, err
	}
	if p.Role != nil && !p.Role.Valid() {
		return Member{}, Invalid("role", "must be one of owner, admin, manager, member")
	}
	var out Member
	err := s.write(ctx, a, PermMembersManage, func(tx Tx, a Actor, now time.Time) error {
		sc := a.Scope()
		m, err := loadMember(ctx, tx, sc, userID)
		if err != nil {
			return err
		}
		if err := checkVersion(expected, m.Version); err != nil {
			return err
		}
		if p.Role == nil || *p.Role == m.Role {
			out = m
			return nil
		}
		if (m.Role == RoleOwner || *p.Role == RoleOwner) && a.Role != RoleOwner {
			return fmt.Errorf("only an owner may change owners: %w", ErrForbidden)
		}
		if m.Role == RoleOwner {
			if err := s.keepAnOwner(ctx, tx, sc); err != nil {
				return err
			}
		}
		m.Role = *p.Role
		prev := s.touch(&m.Meta, now)
		if err := tx.Memberships().Update(ctx, sc, m.Membership, prev); err != nil {
			return err
		}
		out = m
		return s.record(ctx, tx, sc, &a.UserID, change{action: "membership.update", entity: "membership", id: m.ID, org: &a.OrgID, meta: m.Meta, row: m.Membership})
	})
	s.principals.forget() // the member's requests take the new role at once
	return out, err
}

// RemoveMember removes a user from the organization (the user stays in the tenant).
func (s *Service) RemoveMember(ctx context.Context, a Actor, userID uuid.UUID, expected int64) error {
	if err := a.require(PermMembersManage); err != nil {
		return err
	}
	defer s.principals.forget() // the member's tokens stop serving this organization at once
	return s.write(ctx, a, PermMembersManage, func(tx Tx, a Actor, now time.Time) error {
		sc := a.Scope()
		m, err := loadMember(ctx, tx, sc, userID)
		if err != nil {
			return err
		}
		if err := checkVersion(expected, m.Version); err != nil {
			return err
		}
		if m.Role == RoleOwner {
			if a.Role != RoleOwner {
				return fmt.Errorf("only an owner may remove owners: %w", ErrForbidden)
			}
			if err := s.keepAnOwner(ctx, tx, sc); err != nil {
				return err
			}
		}
		prev := s.touch(&m.Meta, now)
		m.DeletedAt = &now
		if err := tx.Memberships().Update(ctx, sc, m.Membership, prev); err != nil {
			return err
		}
		return s.record(ctx, tx, sc, &a.UserID, change{action: "membership.delete", entity: "membership", id: m.ID, org: &a.OrgID, meta: m.Meta, row: m.Membership})
	})
}

// keepAnOwner fails when removing one owner would leave the organization without any.
func (s *Service) keepAnOwner(ctx context.Context, tx Tx, sc Scope) error {
	n, err := tx.Memberships().CountOwners(ctx, sc)
	if err != nil {
		return err
	}
	if n <= 1 {
		return Conflict("an organization needs at least one owner; make someone else owner first")
	}
	return nil
}

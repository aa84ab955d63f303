package app

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Invitation lifetimes.
const (
	// DefaultInvitationDays is how long an invitation can be accepted when its creator names
	// no lifetime.
	DefaultInvitationDays = 7
	// MaxInvitationDays bounds the lifetime a creator may name.
	MaxInvitationDays = 30
	// invitationCodeBytes is the code's randomness: 160 bits, 32 base32 characters.
	invitationCodeBytes = 20
	// invitationGroup is how many characters of the code go between dashes.
	invitationGroup = 4
)

// InvitationStatus is where an invitation stands. It is derived, not stored: an invitation
// is pending until it is accepted, revoked or past its expiry.
type InvitationStatus string

// Invitation statuses.
const (
	InvitationPending  InvitationStatus = "pending"
	InvitationAccepted InvitationStatus = "accepted"
	InvitationExpired  InvitationStatus = "expired"
	InvitationRevoked  InvitationStatus = "revoked"
)

// Valid reports whether st is a known status.
func (st InvitationStatus) Valid() bool {
	switch st {
	case InvitationPending, InvitationAccepted, InvitationExpired, InvitationRevoked:
		return true
	}
	return false
}

// Invitation lets whoever holds its one-time code join an organization with a role. The
// code itself is never stored, only its hash (HashToken), so a copy of the database does
// not let anyone in. Invitations belong to the server and never sync.
type Invitation struct {
	ID             uuid.UUID        `json:"id"`
	TenantID       uuid.UUID        `json:"tenant_id"`
	OrganizationID uuid.UUID        `json:"organization_id"`
	Email          string           `json:"email" doc:"The address the invitation was made for; an account created by accepting it signs in with it."`
	Role           Role             `json:"role" enum:"owner,admin,manager,member"`
	Status         InvitationStatus `json:"status" enum:"pending,accepted,expired,revoked"`
	Hash           []byte           `json:"-"`
	InvitedBy      uuid.UUID        `json:"invited_by" doc:"The user who made the invitation."`
	CreatedAt      time.Time        `json:"created_at"`
	ExpiresAt      time.Time        `json:"expires_at"`
	AcceptedAt     *time.Time       `json:"accepted_at"`
	AcceptedBy     *uuid.UUID       `json:"accepted_by" doc:"The user who joined with it."`
	RevokedAt      *time.Time       `json:"revoked_at"`
	Version        int64            `json:"version"`
}

// statusAt is the invitation's status at now.
func (inv Invitation) statusAt(now time.Time) InvitationStatus {
	switch {
	case inv.AcceptedAt != nil:
		return InvitationAccepted
	case inv.RevokedAt != nil:
		return InvitationRevoked
	case !now.Before(inv.ExpiresAt):
		return InvitationExpired
	}
	return InvitationPending
}

// InvitationFilter selects invitations of one organization: those with Status at Now (all
// when Status is empty), a page ordered by id.
type InvitationFilter struct {
	Status InvitationStatus
	Now    time.Time
	Page   PageRequest
}

// Invitations stores invitations of one organization (Scope.OrgID).
type Invitations interface {
	// ByHashAnyTenant is the cross-tenant lookup that turns a code into its invitation, the
	// only way an invited person, who belongs to no tenant yet, can name one.
	ByHashAnyTenant(ctx context.Context, hash []byte) (Invitation, error)
	Get(ctx context.Context, s Scope, id uuid.UUID) (Invitation, error)
	List(ctx context.Context, s Scope, f InvitationFilter) ([]Invitation, error)
	// Insert fails with ErrConflict when the hash is already stored.
	Insert(ctx context.Context, s Scope, inv Invitation) error
	// Accept marks a pending invitation accepted by userID at at, in one conditional
	// statement: of two transactions accepting the same invitation, the second finds it no
	// longer pending and gets ErrConflict; an invitation accepted, revoked or expired (at
	// at) before is ErrConflict too.
	Accept(ctx context.Context, s Scope, id, userID uuid.UUID, at time.Time) error
	// Revoke marks an invitation that is not accepted revoked at at; ErrConflict when it was
	// accepted or revoked before.
	Revoke(ctx context.Context, s Scope, id uuid.UUID, at time.Time) error
}

// InvitationInput is who to invite, with which role, for how long.
type InvitationInput struct {
	Email         string
	Role          Role
	ExpiresInDays int // 0: DefaultInvitationDays
}

// CreatedInvitation is a new invitation with its code, which is shown only this once.
type CreatedInvitation struct {
	Invitation
	Code string `json:"code" doc:"The one-time code to give the invited person; it is shown only once. Dashes and case do not matter when it is typed."`
}

// InvitationListParams select and page invitations.
type InvitationListParams struct {
	Status InvitationStatus // empty: all
	ListParams
}

// AcceptInput is an invitation code and, for someone without a session, the new account's
// name and password (and time zone; default the organization's).
type AcceptInput struct {
	Code     string
	Name     string
	Password string
	Timezone string
}

// InvitationClosedError is an invitation that exists but can no longer be accepted: it was
// accepted already, revoked or has expired. It is ErrConflict; Status says which.
type InvitationClosedError struct{ Status InvitationStatus }

func (e *InvitationClosedError) Error() string { return "invitation " + string(e.Status) }

// Is makes errors.Is(err, ErrConflict) true.
func (e *InvitationClosedError) Is(target error) bool { return target == ErrConflict }

// roleRank orders roles, higher is more powerful; unknown roles rank lowest.
func roleRank(r Role) int {
	switch r {
	case RoleOwner:
		return 4
	case RoleAdmin:
		return 3
	case RoleManager:
		return 2
	case RoleMember:
		return 1
	}
	return 0
}

// newInvitationCode returns a fresh code: 160 random bits in base32 (letters and the digits
// 2 to 7, so no 0/O or 1/I mix-ups), in dash-separated groups of four to be read out or typed.
func newInvitationCode() (string, error) {
	b := make([]byte, invitationCodeBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	raw := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
	var sb strings.Builder
	for i := 0; i < len(raw); i += invitationGroup {
		if i > 0 {
			sb.WriteByte('-')
		}
		sb.WriteString(raw[i:min(i+invitationGroup, len(raw))])
	}
	return sb.String(), nil
}

// canonicalInvitationCode is the form of a typed code that is hashed: upper case without
// dashes or spaces. ok is false unless it is 32 base32 characters.
func canonicalInvitationCode(code string) (string, bool) {
	code = strings.Map(func(r rune) rune {
		switch r {
		case '-', ' ', '\t':
			return -1
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, code)
	if len(code) != base32.StdEncoding.WithPadding(base32.NoPadding).EncodedLen(invitationCodeBytes) {
		return "", false
	}
	if _, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(code); err != nil {
		return "", false
	}
	return code, true
}

// HashInvitationCode is how codes are stored: SHA-256 of the canonical form, as tokens are
// (a code is 160 random bits, so a fast hash suffices). A code that is not in the code's
// form hashes to nil.
func HashInvitationCode(code string) []byte {
	c, ok := canonicalInvitationCode(code)
	if !ok {
		return nil
	}
	return HashToken(c)
}

// CreateInvitation invites an address to the actor's organization with a role no higher
// than the actor's own. Only owners and admins invite. The code is returned this once.
func (s *Service) CreateInvitation(ctx context.Context, a Actor, in InvitationInput) (CreatedInvitation, error) {
	if err := a.require(PermMembersManage); err != nil {
		return CreatedInvitation{}, err
	}
	in.Email = normalizeEmail(in.Email)
	var c checker
	checkEmail(&c, "email", in.Email)
	c.check(in.Role.Valid(), "role", "must be one of owner, admin, manager, member")
	c.check(in.ExpiresInDays >= 0 && in.ExpiresInDays <= MaxInvitationDays, "expires_in_days",
		"must be between 1 and %d (0: %d)", MaxInvitationDays, DefaultInvitationDays)
	if err := c.err(); err != nil {
		return CreatedInvitation{}, err
	}
	if err := roleCeiling(a.Role, in.Role); err != nil {
		return CreatedInvitation{}, err
	}
	days := in.ExpiresInDays
	if days == 0 {
		days = DefaultInvitationDays
	}
	code, err := newInvitationCode()
	if err != nil {
		return CreatedInvitation{}, fmt.Errorf("invitation code: %w", err)
	}
	var out CreatedInvitation
	err = s.write(ctx, a, PermMembersManage, func(tx Tx, a Actor, now time.Time) error {
		if err := roleCeiling(a.Role, in.Role); err != nil {
			return err
		}
		sc := a.Scope()
		// Only this tenant is consulted: whether the address has accounts elsewhere is not
		// this tenant's business.
		u, err := tx.Users().ByEmailAnyTenant(ctx, in.Email, a.TenantID)
		switch {
		case err == nil:
			m, err := tx.Memberships().Get(ctx, sc, u.ID)
			if err == nil && m.DeletedAt == nil {
				return Conflict("%s is already a member of this organization", in.Email)
			}
			if err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		case !errors.Is(err, ErrNotFound):
			return err
		}
		inv := Invitation{ID: NewID(), TenantID: a.TenantID, OrganizationID: a.OrgID, Email: in.Email, Role: in.Role,
			Hash: HashInvitationCode(code), InvitedBy: a.UserID, CreatedAt: now,
			ExpiresAt: now.Add(time.Duration(days) * 24 * time.Hour), Version: 1}
		if err := tx.Invitations().Insert(ctx, sc, inv); err != nil {
			return fmt.Errorf("insert invitation: %w", err)
		}
		inv.Status = inv.statusAt(now)
		out = CreatedInvitation{Invitation: inv, Code: code}
		return s.audit(ctx, tx, sc, &a.UserID, "invitation.create", "invitation", inv.ID)
	})
	return out, err
}

// roleCeiling refuses a role above the inviter's own.
func roleCeiling(actor, invited Role) error {
	if roleRank(invited) > roleRank(actor) {
		return fmt.Errorf("a %s may not invite a %s: %w", actor, invited, ErrForbidden)
	}
	return nil
}

// InvitationsList lists the organization's invitations, newest last, optionally only those
// with one status (owners and admins).
func (s *Service) InvitationsList(ctx context.Context, a Actor, lp InvitationListParams) (Page[Invitation], error) {
	if err := a.require(PermMembersManage); err != nil {
		return Page[Invitation]{}, err
	}
	if lp.Status != "" && !lp.Status.Valid() {
		return Page[Invitation]{}, Invalid("status", "must be one of pending, accepted, expired, revoked")
	}
	pr, err := lp.request()
	if err != nil {
		return Page[Invitation]{}, err
	}
	now := s.Now()
	var rows []Invitation
	err = s.store.Read(ctx, func(tx Tx) error {
		var err error
		rows, err = tx.Invitations().List(ctx, a.Scope(), InvitationFilter{Status: lp.Status, Now: now,
			Page: PageRequest{Limit: pr.Limit + 1, After: pr.After}})
		return err
	})
	for i := range rows {
		rows[i].Status = rows[i].statusAt(now)
	}
	return paginate(rows, pr.Limit, func(inv Invitation) Cursor { return Cursor{ID: inv.ID} }), err
}

// RevokeInvitation makes an invitation of the organization unusable (owners and admins).
// Revoking one that is revoked already changes nothing; one that was accepted cannot be
// revoked (remove the member instead).
func (s *Service) RevokeInvitation(ctx context.Context, a Actor, id uuid.UUID) error {
	if err := a.require(PermMembersManage); err != nil {
		return err
	}
	return s.write(ctx, a, PermMembersManage, func(tx Tx, a Actor, now time.Time) error {
		sc := a.Scope()
		inv, err := tx.Invitations().Get(ctx, sc, id)
		if err != nil {
			return err
		}
		switch inv.statusAt(now) {
		case InvitationRevoked:
			return nil
		case InvitationAccepted:
			return Conflict("the invitation was accepted already; remove the member instead")
		}
		if err := tx.Invitations().Revoke(ctx, sc, id, now); err != nil {
			return err
		}
		return s.audit(ctx, tx, sc, &a.UserID, "invitation.revoke", "invitation", id)
	})
}

// AcceptInvitation joins the invitation's organization with its role and opens a session
// there. by is the caller's own session, nil for someone without one:
//
//   - Without a session, Name and Password make a new account of the inviting tenant with
//     the invitation's address (password rules and hashing as sign-up).
//   - With a session in the inviting tenant, that user becomes a member.
//   - With a session in another tenant, that user gets an account in the inviting tenant with
//     the invitation's address, its own name, time zone and password.
//
// Only the inviting tenant is ever consulted about the address, so the answer says nothing
// about accounts elsewhere; an address that already has an account in the inviting tenant
// must accept from a session of that account. Everything, the use of the code included,
// happens in one transaction, and the code is taken by a conditional update first: of two
// accepts of one code exactly one succeeds. An invitation whose inviter can no longer
// invite with its role (removed or demoted) is refused like a revoked one.
func (s *Service) AcceptInvitation(ctx context.Context, by *Actor, in AcceptInput) (Session, error) {
	hash := HashInvitationCode(in.Code)
	if hash == nil {
		return Session{}, Invalid("code", "must be the invitation code, 32 letters and digits in groups of four (ABCD-EFGH-…)")
	}
	in.Name = strings.TrimSpace(in.Name)
	var pwHash string
	if by == nil {
		var c checker
		checkName(&c, "name", in.Name, 200)
		if in.Password == "" {
			c.add("password", "is required to create your account (or accept while signed in)")
		} else {
			checkPassword(&c, "password", in.Password)
		}
		checkTimezone(&c, "timezone", in.Timezone)
		if err := c.err(); err != nil {
			return Session{}, err
		}
		var err error
		if pwHash, err = s.hasher.Hash(in.Password); err != nil {
			return Session{}, err
		}
	}
	var out Session
	err := s.store.Write(ctx, func(tx Tx) error {
		now := s.Now()
		inv, err := tx.Invitations().ByHashAnyTenant(ctx, hash)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				return fmt.Errorf("no invitation with this code: %w", ErrNotFound)
			}
			return err
		}
		if st := inv.statusAt(now); st != InvitationPending {
			return &InvitationClosedError{Status: st}
		}
		sc := Scope{TenantID: inv.TenantID, OrgID: inv.OrganizationID}
		if err := s.inviterMayStill(ctx, tx, sc, inv); err != nil {
			return err
		}
		// Take the code before reading or writing anything else: a concurrent accept of the
		// same code waits here for this transaction, then finds the code taken (reading the
		// address's account first, it could see this one's new account and answer that
		// instead). The user who joins is named now and created below, before the commit.
		userID := NewID()
		if by != nil && by.TenantID == inv.TenantID {
			userID = by.UserID
		}
		if err := tx.Invitations().Accept(ctx, sc, inv.ID, userID, now); err != nil {
			if errors.Is(err, ErrConflict) {
				return &InvitationClosedError{Status: InvitationAccepted}
			}
			return err
		}
		u, created, err := s.invitee(ctx, tx, sc, inv, by, userID, in, pwHash, now)
		if err != nil {
			return err
		}
		if created {
			if err := tx.Users().Insert(ctx, sc, u); err != nil {
				if errors.Is(err, ErrConflict) {
					return Conflict("%s has an account in this team already; sign in to it and accept the invitation while signed in", inv.Email)
				}
				return err
			}
			if err := s.record(ctx, tx, sc, &u.ID, change{action: "user.create", entity: "user", id: u.ID, meta: u.Meta, row: u}); err != nil {
				return err
			}
		}
		m, err := tx.Memberships().Get(ctx, sc, u.ID)
		switch {
		case err == nil && m.DeletedAt == nil:
			return Conflict("you are a member of this organization already")
		case err == nil: // a removed member comes back: the row is revived
			prev := s.touch(&m.Meta, now)
			m.DeletedAt, m.Role = nil, inv.Role
			err = tx.Memberships().Update(ctx, sc, m, prev)
		case errors.Is(err, ErrNotFound):
			m = Membership{ID: NewID(), TenantID: inv.TenantID, OrganizationID: inv.OrganizationID, UserID: u.ID, Role: inv.Role, Meta: s.stamp(now)}
			err = tx.Memberships().Insert(ctx, sc, m)
		}
		if err != nil {
			return err
		}
		if err := s.record(ctx, tx, sc, &u.ID, change{action: "membership.create", entity: "membership", id: m.ID, org: &inv.OrganizationID, meta: m.Meta, row: m}); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, sc, &u.ID, "invitation.accept", "invitation", inv.ID); err != nil {
			return err
		}
		out, err = s.openSession(ctx, tx, Actor{TenantID: inv.TenantID, OrgID: inv.OrganizationID, UserID: u.ID, Role: inv.Role})
		return err
	})
	return out, err
}

// inviterMayStill refuses an invitation whose inviter is no longer a live member allowed to
// invite with its role: removing or demoting an admin withdraws what the admin handed out.
func (s *Service) inviterMayStill(ctx context.Context, tx Tx, sc Scope, inv Invitation) error {
	m, err := tx.Memberships().Get(ctx, sc, inv.InvitedBy)
	if errors.Is(err, ErrNotFound) {
		return &InvitationClosedError{Status: InvitationRevoked}
	}
	if err != nil {
		return err
	}
	if m.DeletedAt != nil || !m.Role.Can(PermMembersManage) || roleCeiling(m.Role, inv.Role) != nil {
		return &InvitationClosedError{Status: InvitationRevoked}
	}
	return nil
}

// invitee is the user an accept makes a member: the caller's own in the inviting tenant, or
// a new one with id (created reports that; the caller inserts it).
func (s *Service) invitee(ctx context.Context, tx Tx, sc Scope, inv Invitation, by *Actor, id uuid.UUID, in AcceptInput, pwHash string, now time.Time) (User, bool, error) {
	if by != nil && by.TenantID == inv.TenantID {
		u, err := tx.Users().Get(ctx, sc, by.UserID)
		return u, false, err
	}
	u := User{ID: id, TenantID: inv.TenantID, Email: inv.Email, Name: in.Name, Timezone: in.Timezone, PasswordHash: pwHash, Meta: s.stamp(now)}
	if by != nil {
		own, err := tx.Users().Get(ctx, Scope{TenantID: by.TenantID}, by.UserID)
		if err != nil {
			return User{}, false, err
		}
		u.Name, u.Timezone, u.PasswordHash = own.Name, own.Timezone, own.PasswordHash
	}
	if u.Timezone == "" {
		u.Timezone = "UTC"
		if o, err := tx.Organizations().Get(ctx, sc, inv.OrganizationID); err == nil {
			u.Timezone = o.Timezone
		}
	}
	// Only the inviting tenant is asked whether the address has an account.
	_, err := tx.Users().ByEmailAnyTenant(ctx, inv.Email, inv.TenantID)
	switch {
	case err == nil:
		return User{}, false, Conflict("%s has an account in this team already; sign in to it and accept the invitation while signed in", inv.Email)
	case !errors.Is(err, ErrNotFound):
		return User{}, false, err
	}
	return u, true, nil
}

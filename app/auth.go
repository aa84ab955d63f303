package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Token lifetimes.
const (
	SessionTTL       = 30 * 24 * time.Hour
	tokenTouchPeriod = time.Minute
	tokenPrefix      = "stint_"
)

// SignupInput creates a tenant, its first organization and its owner.
type SignupInput struct {
	Email        string
	Password     string
	Name         string
	Organization string
	Timezone     string
}

// Session is what signup and login return: a bearer token (shown once) and who it is for.
type Session struct {
	Token        string       `json:"token" doc:"Bearer token; it is shown only once."`
	ExpiresAt    *time.Time   `json:"expires_at"`
	User         User         `json:"user"`
	Tenant       Tenant       `json:"tenant"`
	Organization Organization `json:"organization"`
}

// Principal is an authenticated user and the token it presented.
type Principal struct {
	User  User
	Token APIToken
}

func normalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func checkEmail(c *checker, field, email string) {
	if email == "" {
		c.add(field, "is required")
		return
	}
	a, err := mail.ParseAddress(email)
	c.check(err == nil && a.Address == email && len(email) <= 254, field, "must be an e-mail address like name@example.com")
}

func checkPassword(c *checker, field, pw string) {
	c.check(utf8.RuneCountInString(pw) >= 8, field, "must be at least 8 characters")
	c.check(utf8.RuneCountInString(pw) <= 1024, field, "must be at most 1024 characters")
}

func checkTimezone(c *checker, field, tz string) {
	if tz == "" {
		return
	}
	if _, err := time.LoadLocation(tz); err != nil || tz == "Local" {
		c.add(field, "must be an IANA time zone such as Europe/Berlin")
	}
}

// Signup creates a tenant with a default organization and its owner in one transaction and
// signs the owner in. An address is unique only within a tenant, so an address that has
// accounts in other tenants is no reason to refuse: it gets one more, in the new tenant,
// and nothing tells the caller whether it had any.
func (s *Service) Signup(ctx context.Context, in SignupInput) (Session, error) {
	in.Email = normalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	in.Organization = strings.TrimSpace(in.Organization)
	var c checker
	checkEmail(&c, "email", in.Email)
	checkPassword(&c, "password", in.Password)
	checkName(&c, "name", in.Name, 200)
	checkName(&c, "organization", in.Organization, 200)
	checkTimezone(&c, "timezone", in.Timezone)
	if err := c.err(); err != nil {
		return Session{}, err
	}
	hash, err := s.hasher.Hash(in.Password)
	if err != nil {
		return Session{}, err
	}
	var out Session
	err = s.store.Write(ctx, func(tx Tx) error {
		a, err := s.onboard(ctx, tx, in.Organization, in.Name, in.Email, hash, in.Timezone)
		if err != nil {
			return err
		}
		out, err = s.openSession(ctx, tx, a)
		return err
	})
	return out, err
}

// onboard writes tenant, organization, owner and membership; the caller owns the transaction.
func (s *Service) onboard(ctx context.Context, tx Tx, orgName, userName, email, hash, tz string) (Actor, error) {
	if tz == "" {
		tz = "UTC"
	}
	now := s.Now()
	t := Tenant{ID: NewID(), Name: orgName, Meta: s.stamp(now)}
	o := Organization{ID: NewID(), TenantID: t.ID, Name: orgName, Timezone: tz, Activity: DefaultActivitySettings(), Meta: s.stamp(now)}
	u := User{ID: NewID(), TenantID: t.ID, Email: email, Name: userName, Timezone: tz, PasswordHash: hash, Meta: s.stamp(now)}
	m := Membership{ID: NewID(), TenantID: t.ID, OrganizationID: o.ID, UserID: u.ID, Role: RoleOwner, Meta: s.stamp(now)}
	return s.insertWorkspace(ctx, tx, workspaceRows{tenant: t, org: o, user: u, membership: m})
}

// openSession issues a session token for the actor and loads what Session shows.
func (s *Service) openSession(ctx context.Context, tx Tx, a Actor) (Session, error) {
	sc := a.Scope()
	now := s.Now()
	exp := now.Add(SessionTTL)
	secret, tok, err := s.insertToken(ctx, tx, sc, a.UserID, "session", TokenSession, &exp)
	if err != nil {
		return Session{}, err
	}
	out := Session{Token: secret, ExpiresAt: tok.ExpiresAt}
	if out.User, err = tx.Users().Get(ctx, sc, a.UserID); err != nil {
		return Session{}, err
	}
	if out.Tenant, err = tx.Tenants().Get(ctx, sc); err != nil {
		return Session{}, err
	}
	if out.Organization, err = tx.Organizations().Get(ctx, sc, a.OrgID); err != nil {
		return Session{}, err
	}
	return out, nil
}

// LoginInput is an e-mail and password, and optionally the tenant whose account to sign in
// to: an address may have an account in several tenants.
type LoginInput struct {
	Email    string
	Password string
	// TenantID picks the address's account in that tenant; uuid.Nil picks the one created
	// first.
	TenantID uuid.UUID
}

// Login checks credentials and opens a session in the user's default organization. An
// unknown e-mail, an address without an account in the tenant asked for and a wrong
// password fail the same way, after the same work.
func (s *Service) Login(ctx context.Context, in LoginInput) (Session, error) {
	email := normalizeEmail(in.Email)
	// Every path verifies exactly one hash of the same cost: the one account's, or the decoy
	// when there is none. The lookup names one account however many the address has, so the
	// work tells neither whether the address has accounts nor how many. The decoy is made
	// once per service, and made here whichever path is taken, so even the first login does
	// not tell the paths apart.
	decoy := s.decoyHash()
	var u User
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		u, err = tx.Users().ByEmailAnyTenant(ctx, email, in.TenantID)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Session{}, err
	}
	hash := u.PasswordHash
	if hash == "" {
		hash = decoy
	}
	ok, verr := s.hasher.Verify(in.Password, hash)
	if err != nil || verr != nil || !ok || u.DeletedAt != nil {
		return Session{}, fmt.Errorf("wrong e-mail or password: %w", ErrUnauthorized)
	}
	var out Session
	err = s.store.Write(ctx, func(tx Tx) error {
		orgs, err := tx.Organizations().ListForUser(ctx, Scope{TenantID: u.TenantID}, u.ID)
		if err != nil {
			return err
		}
		if len(orgs) == 0 {
			return fmt.Errorf("user belongs to no organization: %w", ErrUnauthorized)
		}
		m, err := tx.Memberships().Get(ctx, Scope{TenantID: u.TenantID, OrgID: orgs[0].ID}, u.ID)
		if err != nil {
			return err
		}
		out, err = s.openSession(ctx, tx, Actor{TenantID: u.TenantID, OrgID: orgs[0].ID, UserID: u.ID, Role: m.Role})
		return err
	})
	return out, err
}

// decoyHash is a valid hash, made with the service's hasher, to verify against when the
// e-mail is unknown, so response time does not reveal which e-mails have accounts. It is
// made once: hashing it on every unknown e-mail would make that path cost two hashes.
func (s *Service) decoyHash() string {
	s.decoy.once.Do(func() {
		h, err := s.hasher.Hash("decoy password")
		if err != nil {
			s.log.Warn("decoy password hash failed", "err", err)
			return
		}
		s.decoy.hash = h
	})
	return s.decoy.hash
}

// HashToken is how bearer tokens are stored: SHA-256 (they are long random strings, so a
// fast hash suffices; passwords use argon2id).
func HashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

func newTokenSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return tokenPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)), nil
}

func (s *Service) insertToken(ctx context.Context, tx Tx, sc Scope, userID uuid.UUID, name string, kind TokenKind, exp *time.Time) (string, APIToken, error) {
	secret, err := newTokenSecret()
	if err != nil {
		return "", APIToken{}, fmt.Errorf("token secret: %w", err)
	}
	now := s.Now()
	t := APIToken{ID: NewID(), TenantID: sc.TenantID, UserID: userID, Name: name, Kind: kind,
		Prefix: secret[:len(tokenPrefix)+6], Hash: HashToken(secret), ExpiresAt: exp, CreatedAt: now, Version: 1}
	if err := tx.Tokens().Insert(ctx, sc, t); err != nil {
		return "", APIToken{}, fmt.Errorf("insert token: %w", err)
	}
	if err := s.audit(ctx, tx, sc, &userID, "token.create", "api_token", t.ID); err != nil {
		return "", APIToken{}, err
	}
	return secret, t, nil
}

// audit appends an audit row alone, for mutations of data that never syncs (tokens).
func (s *Service) audit(ctx context.Context, tx Tx, sc Scope, actor *uuid.UUID, action, entity string, id uuid.UUID) error {
	var org *uuid.UUID
	if sc.OrgID != uuid.Nil {
		org = &sc.OrgID
	}
	err := tx.Audit().Append(ctx, sc, AuditEntry{ID: NewID(), TenantID: sc.TenantID, OrganizationID: org,
		ActorID: actor, Action: action, Entity: entity, EntityID: id, At: s.Now()})
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Authenticate turns a bearer token into an actor in the requested organization (nil: the
// user's first one). A token that is unknown, expired or whose user is gone is
// ErrUnauthorized; an organization the user is not a member of is ErrNotFound.
func (s *Service) Authenticate(ctx context.Context, secret string, orgID *uuid.UUID) (Actor, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 128 {
		return Actor{}, fmt.Errorf("malformed token: %w", ErrUnauthorized)
	}
	now := s.Now()
	hash := HashToken(secret)
	key := principalKeyOf(hash, orgID)
	if p, ok := s.principals.get(key, now); ok {
		return s.actor(ctx, p.tok, p.m, now)
	}
	gen := s.principals.generation()
	p, err := s.principals.lookup(ctx, key, gen, func(ctx context.Context) (principal, error) {
		var tok APIToken
		var m Membership
		err := s.store.Read(ctx, func(tx Tx) error {
			var err error
			tok, m, err = tx.Tokens().PrincipalAnyTenant(ctx, hash, orgID)
			if !errors.Is(err, ErrNotFound) {
				return err
			}
			// Tell an unknown token (401) from an organization the user is not in (404).
			t, terr := tx.Tokens().ByHashAnyTenant(ctx, hash)
			if terr != nil || orgID == nil || (t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)) {
				return fmt.Errorf("unknown or expired token, or user without organization: %w", ErrUnauthorized)
			}
			return err
		})
		if err != nil {
			return principal{}, err
		}
		p := principal{tok: tok, m: m, at: now}
		s.principals.put(key, p, gen)
		return p, nil
	})
	if err != nil {
		return Actor{}, err
	}
	return s.actor(ctx, p.tok, p.m, now)
}

// actor is the principal of a token as of now: refused once expired, and marked used at
// most once per tokenTouchPeriod, by one request at a time (the others go on unmarked).
func (s *Service) actor(ctx context.Context, tok APIToken, m Membership, now time.Time) (Actor, error) {
	if tok.ExpiresAt != nil && !now.Before(*tok.ExpiresAt) {
		return Actor{}, fmt.Errorf("token expired: %w", ErrUnauthorized)
	}
	a := Actor{TenantID: tok.TenantID, OrgID: m.OrganizationID, UserID: tok.UserID, Role: m.Role, TokenID: tok.ID}
	if (tok.LastUsedAt == nil || now.Sub(*tok.LastUsedAt) > tokenTouchPeriod) && s.principals.claimTouch(tok.ID) {
		defer s.principals.touchDone(tok.ID)
		// Best effort: a failed touch must not fail the request.
		if err := s.store.Write(ctx, func(tx Tx) error {
			return tx.Tokens().Touch(ctx, Scope{TenantID: tok.TenantID}, tok.ID, now)
		}); err != nil {
			s.log.Warn("token touch failed", "token_id", tok.ID, "err", err)
		} else {
			s.principals.touched(tok.ID, now)
		}
	}
	return a, nil
}

// Me is the current user with the organization in use and its role there.
type Me struct {
	User          User           `json:"user"`
	Organization  Organization   `json:"organization"`
	Role          Role           `json:"role"`
	Organizations []Organization `json:"organizations" nullable:"false"`
}

// Me describes the actor.
func (s *Service) Me(ctx context.Context, a Actor) (Me, error) {
	var out Me
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		sc := a.Scope()
		if out.User, err = tx.Users().Get(ctx, sc, a.UserID); err != nil {
			return err
		}
		if out.Organization, err = tx.Organizations().Get(ctx, sc, a.OrgID); err != nil {
			return err
		}
		out.Organizations, err = tx.Organizations().ListForUser(ctx, sc, a.UserID)
		return err
	})
	out.Role = a.Role
	return out, err
}

// TokenInput names a new personal API token.
type TokenInput struct {
	Name          string
	ExpiresInDays int // 0: never expires
}

// CreatedToken is a new token with its secret, which is shown only this once.
type CreatedToken struct {
	APIToken
	Token string `json:"token" doc:"The secret; it is shown only once."`
}

// CreateToken issues a personal API token for the actor.
func (s *Service) CreateToken(ctx context.Context, a Actor, in TokenInput) (CreatedToken, error) {
	in.Name = strings.TrimSpace(in.Name)
	var c checker
	checkName(&c, "name", in.Name, 100)
	c.check(in.ExpiresInDays >= 0 && in.ExpiresInDays <= 3650, "expires_in_days", "must be between 0 (never) and 3650")
	if err := c.err(); err != nil {
		return CreatedToken{}, err
	}
	var exp *time.Time
	if in.ExpiresInDays > 0 {
		exp = ptr(s.Now().Add(time.Duration(in.ExpiresInDays) * 24 * time.Hour))
	}
	var out CreatedToken
	err := s.store.Write(ctx, func(tx Tx) error {
		secret, tok, err := s.insertToken(ctx, tx, a.Scope(), a.UserID, in.Name, TokenPersonal, exp)
		out = CreatedToken{APIToken: tok, Token: secret}
		return err
	})
	return out, err
}

// Tokens lists the actor's own tokens (never their secrets).
func (s *Service) Tokens(ctx context.Context, a Actor) ([]APIToken, error) {
	var out []APIToken
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Tokens().ListForUser(ctx, a.Scope(), a.UserID)
		return err
	})
	if out == nil {
		out = []APIToken{}
	}
	return out, err
}

// RevokeToken deletes one of the actor's own tokens.
func (s *Service) RevokeToken(ctx context.Context, a Actor, id uuid.UUID) error {
	err := s.store.Write(ctx, func(tx Tx) error {
		t, err := tx.Tokens().Get(ctx, a.Scope(), id)
		if err != nil {
			return err
		}
		if t.UserID != a.UserID {
			return fmt.Errorf("token of another user: %w", ErrNotFound)
		}
		if err := tx.Tokens().Delete(ctx, a.Scope(), id); err != nil {
			return err
		}
		return s.audit(ctx, tx, a.Scope(), &a.UserID, "token.revoke", "api_token", id)
	})
	s.principals.forget() // whatever the outcome: a failed commit may still have landed
	return err
}

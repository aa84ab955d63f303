package app

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Money is an amount of one currency in its minor units (cents for EUR, yen for JPY): money
// is never a float.
type Money struct {
	Minor    int64  `json:"minor" doc:"Amount in the currency's minor units (cents for EUR)."`
	Currency string `json:"currency" doc:"ISO 4217 code; empty when the organization has no rates."`
}

// RateLevel is what a rate is set for. Levels from least to most specific: organization,
// member, client, project, member on a project; the most specific one in effect applies.
type RateLevel string

// Rate levels.
const (
	RateOrganization  RateLevel = "organization"
	RateMember        RateLevel = "member"
	RateClient        RateLevel = "client"
	RateProject       RateLevel = "project"
	RateMemberProject RateLevel = "member_project"
)

// RateLevels lists the levels most specific first, the order a rate is looked up in.
var RateLevels = []RateLevel{RateMemberProject, RateProject, RateClient, RateMember, RateOrganization}

// RateLevelOf is the level of a rate set for these ids (nil: not set), or "" for a
// combination that is not a level (a member and a client, a client and a project).
func RateLevelOf(user, client, project *uuid.UUID) RateLevel {
	switch {
	case client != nil && (user != nil || project != nil):
		return ""
	case client != nil:
		return RateClient
	case user != nil && project != nil:
		return RateMemberProject
	case project != nil:
		return RateProject
	case user != nil:
		return RateMember
	}
	return RateOrganization
}

// Rate is an hourly rate of one level and key (which member, client or project), in effect
// from EffectiveFrom until the same key's next rate. A change is a new rate from a later
// instant, so the amounts of time tracked before it never move.
type Rate struct {
	ID             uuid.UUID  `json:"id"`
	TenantID       uuid.UUID  `json:"tenant_id"`
	OrganizationID uuid.UUID  `json:"organization_id"`
	Level          RateLevel  `json:"level" enum:"organization,member,client,project,member_project"`
	UserID         *uuid.UUID `json:"user_id,omitempty" doc:"The member a member (or member-on-project) rate is for."`
	ClientID       *uuid.UUID `json:"client_id,omitempty" doc:"The client a client rate is for."`
	ProjectID      *uuid.UUID `json:"project_id,omitempty" doc:"The project a project (or member-on-project) rate is for."`
	Hourly         Money      `json:"hourly" doc:"Amount per hour of tracked billable time."`
	EffectiveFrom  time.Time  `json:"effective_from" doc:"Entries that start at or after this instant (and before the same key's next rate) are priced at this rate."`
	Meta
}

// RateInput sets a rate. EffectiveFrom is empty (now), a date (YYYY-MM-DD, the start of
// that day in the actor's zone) or an RFC 3339 instant; a date in the past reprices the
// time tracked since then, so it must be given on purpose.
type RateInput struct {
	UserID, ClientID, ProjectID *uuid.UUID
	HourlyMinor                 int64
	Currency                    string
	EffectiveFrom               string
}

// RateFilter narrows a rate list: UserID set lists only the rates set for that member.
type RateFilter struct {
	UserID *uuid.UUID
}

// Rates stores the hourly rates of one organization.
type Rates interface {
	Get(ctx context.Context, s Scope, id uuid.UUID) (Rate, error)
	// List returns the live rates of s.OrgID that f selects, oldest effective first (then id).
	List(ctx context.Context, s Scope, f RateFilter) ([]Rate, error)
	Insert(ctx context.Context, s Scope, r Rate) error
	Update(ctx context.Context, s Scope, r Rate, prevVersion int64) error
	// Version is what every write of s.OrgID's rates changes (Insert, Update, deletes,
	// tombstones purged): two reads that see the same version see the same rates, in
	// whichever instance sharing the store they run, so rates kept beside the version they
	// were read at (rateCache) need no other invalidation.
	Version(ctx context.Context, s Scope) (RatesVersion, error)
}

// RatesVersion is an organization's rate rows, tombstones included, counted, and the
// highest server version among them. Every write stamps its row with a server version
// above every earlier one, so a write raises Max, and a purge, which only deletes, lowers
// Rows.
type RatesVersion struct{ Rows, Max int64 }

// MaxRates bounds an organization's live rates: reports price entries with all of them.
const MaxRates = 1000

// MaxHourlyMinor bounds a rate (one million units of the currency an hour), so an amount
// in minor units stays far from overflowing 64 bits.
const MaxHourlyMinor = 100_000_000

var currencyRE = regexp.MustCompile(`^[A-Z]{3}$`)

// SetRate sets a rate (managers and above). A rate of the same level, key and effective
// instant is replaced; any other is added beside the key's history. An organization's rates
// share one currency, the one its first rate named.
func (s *Service) SetRate(ctx context.Context, a Actor, in RateInput) (Rate, error) {
	if err := a.require(PermRatesManage); err != nil {
		return Rate{}, err
	}
	var out Rate
	err := s.write(ctx, a, PermRatesManage, func(tx Tx, a Actor, now time.Time) error {
		from, ferr := s.effectiveFrom(ctx, tx, a, in.EffectiveFrom, now)
		var err error
		out, err = s.putRate(ctx, tx, a, in, from, ferr, uuid.Nil, time.Time{}, now)
		return err
	})
	return out, err
}

// putRate is SetRate inside its write, for the API and for a rate a device pushes (id, the
// device's, and born, its creation instant; uuid.Nil and zero for a new rate of the
// server's). A pushed rate whose level, key and effective instant another rate holds
// already (set on another device) is a conflict: the device drops its copy and pulls the
// other.
func (s *Service) putRate(ctx context.Context, tx Tx, a Actor, in RateInput, from time.Time, fromErr error, id uuid.UUID, born, now time.Time) (Rate, error) {
	var c checker
	level := RateLevelOf(in.UserID, in.ClientID, in.ProjectID)
	c.check(level != "", "client_id", "a client rate names no member and no project")
	currency := strings.ToUpper(strings.TrimSpace(in.Currency))
	c.check(currencyRE.MatchString(currency), "currency", "must be an ISO 4217 code such as EUR")
	c.check(in.HourlyMinor >= 0 && in.HourlyMinor <= MaxHourlyMinor, "hourly_minor", "must be between 0 and %d", MaxHourlyMinor)
	if fromErr != nil {
		c.add("effective_from", "%s", fromErr.Error())
	}
	if in.UserID != nil {
		m, err := tx.Memberships().Get(ctx, a.Scope(), *in.UserID)
		if err == nil && m.DeletedAt != nil {
			err = ErrNotFound
		}
		if err := mustRef(&c, "user_id", err); err != nil {
			return Rate{}, err
		}
	}
	if in.ClientID != nil {
		_, err := tx.Clients().Get(ctx, a.Scope(), *in.ClientID)
		if err := mustRef(&c, "client_id", err); err != nil {
			return Rate{}, err
		}
	}
	if in.ProjectID != nil {
		_, err := tx.Projects().Get(ctx, a.Scope(), *in.ProjectID)
		if err := mustRef(&c, "project_id", err); err != nil {
			return Rate{}, err
		}
	}
	if err := c.err(); err != nil {
		return Rate{}, err
	}
	all, err := tx.Rates().List(ctx, a.Scope(), RateFilter{})
	if err != nil {
		return Rate{}, fmt.Errorf("rates: %w", err)
	}
	var same *Rate
	for i, r := range all {
		if sameRateKey(r, in) && r.EffectiveFrom.Equal(from) {
			same = &all[i]
		}
	}
	if same != nil && id != uuid.Nil && same.ID != id {
		return Rate{}, Conflict("a %s rate from %s is set already (on another device)", level, from.Format(time.RFC3339))
	}
	for _, r := range all {
		if r.Hourly.Currency != currency && (same == nil || r.ID != same.ID) {
			return Rate{}, Conflict("this organization's rates are in %s", r.Hourly.Currency)
		}
	}
	if same == nil {
		if len(all) >= MaxRates {
			return Rate{}, Conflict("an organization holds at most %d rates", MaxRates)
		}
		if id == uuid.Nil {
			id = NewID()
		}
		out := Rate{ID: id, TenantID: a.TenantID, OrganizationID: a.OrgID, Level: level, UserID: in.UserID, ClientID: in.ClientID,
			ProjectID: in.ProjectID, Hourly: Money{Minor: in.HourlyMinor, Currency: currency}, EffectiveFrom: from, Meta: s.stamp(now)}
		if !born.IsZero() {
			out.CreatedAt = bornAt(born, now)
		}
		if err := tx.Rates().Insert(ctx, a.Scope(), out); err != nil {
			return Rate{}, fmt.Errorf("rate: %w", err)
		}
		return out, s.recordRate(ctx, tx, a, "rate.create", EntityRate, out.ID, out.Meta, out, nil)
	}
	out, before := *same, *same
	prev := s.touch(&out.Meta, now)
	out.Hourly = Money{Minor: in.HourlyMinor, Currency: currency}
	if err := tx.Rates().Update(ctx, a.Scope(), out, prev); err != nil {
		return Rate{}, fmt.Errorf("rate: %w", err)
	}
	return out, s.recordRate(ctx, tx, a, "rate.update", EntityRate, out.ID, out.Meta, out, before)
}

// recordRate writes a rate's (or budget's) audit and change-log rows: rates and budgets
// sync (docs/sync.md, Rates and budgets). before is the row before an update, when known.
func (s *Service) recordRate(ctx context.Context, tx Tx, a Actor, action, entity string, id uuid.UUID, meta Meta, row, before any) error {
	return s.record(ctx, tx, a.Scope(), &a.UserID, change{action: action, entity: entity, id: id, org: &a.OrgID, meta: meta, row: row, before: before})
}

// auditRate writes the audit row of an invoice's write, which takes no change-log row:
// invoices are written where the numbering is (docs/sync.md, Invoices).
func (s *Service) auditRate(ctx context.Context, tx Tx, a Actor, action string, id uuid.UUID, now time.Time) error {
	entity, _, _ := strings.Cut(action, ".")
	if err := tx.Audit().Append(ctx, a.Scope(), AuditEntry{ID: NewID(), TenantID: a.TenantID, OrganizationID: &a.OrgID, ActorID: &a.UserID,
		Action: action, Entity: entity, EntityID: id, At: now}); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

func sameRateKey(r Rate, in RateInput) bool {
	eq := func(a, b *uuid.UUID) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
	return eq(r.UserID, in.UserID) && eq(r.ClientID, in.ClientID) && eq(r.ProjectID, in.ProjectID)
}

// effectiveFrom reads a rate's effective instant: now, a date in the actor's zone or an
// RFC 3339 instant.
func (s *Service) effectiveFrom(ctx context.Context, tx Tx, a Actor, v string, now time.Time) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return now.UTC().Truncate(time.Microsecond), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UTC().Truncate(time.Microsecond), nil
	}
	loc, _ := PickZone(actorZone(ctx, tx, a), "")
	start, _, err := DayBounds(v, loc)
	if err != nil {
		return time.Time{}, errors.New("must be a date like 2026-11-23 or an RFC 3339 instant")
	}
	return start.UTC(), nil
}

// ListRates lists rates, oldest effective first: managers and above see the organization's
// (f.UserID narrows them to one member's), members the ones set for themselves.
func (s *Service) ListRates(ctx context.Context, a Actor, f RateFilter) ([]Rate, error) {
	if err := a.require(PermEntriesOwn); err != nil {
		return nil, err
	}
	if !a.Role.Can(PermRatesRead) {
		if f.UserID != nil && *f.UserID != a.UserID {
			return nil, fmt.Errorf("%s may read only its own rates: %w", a.Role, ErrForbidden)
		}
		f.UserID = &a.UserID
	}
	var out []Rate
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Rates().List(ctx, a.Scope(), f)
		return err
	})
	return out, err
}

// DeleteRate removes a rate (managers and above); the key's earlier rate applies again from
// its effective instant on.
func (s *Service) DeleteRate(ctx context.Context, a Actor, id uuid.UUID, expected int64) error {
	if err := a.require(PermRatesManage); err != nil {
		return err
	}
	return s.write(ctx, a, PermRatesManage, func(tx Tx, a Actor, now time.Time) error {
		r, err := tx.Rates().Get(ctx, a.Scope(), id)
		if err != nil {
			return err
		}
		if err := checkVersion(expected, r.Version); err != nil {
			return err
		}
		prev := s.touch(&r.Meta, now)
		r.DeletedAt = &now
		if err := tx.Rates().Update(ctx, a.Scope(), r, prev); err != nil {
			return fmt.Errorf("rate: %w", err)
		}
		return s.recordRate(ctx, tx, a, "rate.delete", EntityRate, id, r.Meta, r, nil)
	})
}

// RateTier is one level's rates for pricing: per key, its history.
type RateTier struct {
	Level RateLevel
	Keys  []RateKey
}

// RateKey is the history of one key's rates (the ids of its level set, others nil), newest
// effective first.
type RateKey struct {
	UserID, ClientID, ProjectID *uuid.UUID
	Steps                       []RateStep
}

// RateStep is a rate in effect from From on.
type RateStep struct {
	From        time.Time
	HourlyMinor int64
}

// RateTiers arranges an organization's live rates for pricing: levels most specific first
// (only those with rates), keys in a stable order, each key's rates newest first. Stores
// turn the tiers into SQL; PriceRate is the same rule in Go.
func RateTiers(rates []Rate) []RateTier {
	var out []RateTier
	for _, level := range RateLevels {
		var keys []RateKey
		for _, r := range rates {
			if RateLevelOf(r.UserID, r.ClientID, r.ProjectID) != level || r.DeletedAt != nil {
				continue
			}
			i := slices.IndexFunc(keys, func(k RateKey) bool {
				return sameRateKey(r, RateInput{UserID: k.UserID, ClientID: k.ClientID, ProjectID: k.ProjectID})
			})
			if i < 0 {
				keys = append(keys, RateKey{UserID: r.UserID, ClientID: r.ClientID, ProjectID: r.ProjectID})
				i = len(keys) - 1
			}
			keys[i].Steps = append(keys[i].Steps, RateStep{From: r.EffectiveFrom, HourlyMinor: r.Hourly.Minor})
		}
		for i := range keys {
			slices.SortFunc(keys[i].Steps, func(a, b RateStep) int { return b.From.Compare(a.From) })
		}
		if len(keys) > 0 {
			out = append(out, RateTier{Level: level, Keys: keys})
		}
	}
	return out
}

// PriceRate is the hourly rate of an entry of user on project (of client; nils: none) that
// started at start: the most specific level with a rate of the entry's key in effect then.
// ok is false when none is.
func PriceRate(tiers []RateTier, user uuid.UUID, project, client *uuid.UUID, start time.Time) (hourlyMinor int64, ok bool) {
	eq := func(a, b *uuid.UUID) bool { return a == nil || (b != nil && *a == *b) }
	for _, tier := range tiers {
		for _, k := range tier.Keys {
			if !eq(k.UserID, &user) || !eq(k.ProjectID, project) || !eq(k.ClientID, client) {
				continue
			}
			for _, st := range k.Steps {
				if !start.Before(st.From) {
					return st.HourlyMinor, true
				}
			}
		}
	}
	return 0, false
}

// Amount is what span of time costs at hourlyMinor, in minor units: whole milliseconds of
// the span times the rate, rounded half up to a minor unit, as the stores compute it.
func Amount(span time.Duration, hourlyMinor int64) int64 {
	if span <= 0 {
		return 0
	}
	return (span.Milliseconds()*hourlyMinor + 1_800_000) / 3_600_000
}

// ratesCurrency is the currency an organization's rates are in ("" without rates).
func ratesCurrency(rates []Rate) string {
	if len(rates) == 0 {
		return ""
	}
	return rates[0].Hourly.Currency
}

package app

import (
	"context"
	"fmt"
	"slices"
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
	Activity ActivitySettingsPatch
}

// ActivitySettings are an organization's rules for the activity timers of its members.
// Everything that watches more than input counts and application names is off until an
// owner or admin turns it on. The settings travel to the members' devices with the
// organization's row when they sync.
type ActivitySettings struct {
	// Screenshots: the desktop takes a screenshot of all monitors once per interval while
	// a timer runs.
	Screenshots bool `json:"screenshots" doc:"Take screenshots while a timer runs (off by default)."`
	// ScreenshotMinutes is the interval, one of ScreenshotIntervals; 0 (a row written
	// before the setting existed) means the default, 10.
	ScreenshotMinutes int `json:"screenshot_minutes" doc:"Minutes between screenshots: 1, 3, 5 or 10 (0 means 10)."`
	// ScreenshotRandom takes each screenshot at a random moment within its interval
	// instead of at the interval's start.
	ScreenshotRandom bool `json:"screenshot_random" doc:"Take each screenshot at a random moment within its interval."`
	// WindowTitles records the active window's title beside its application in each slot.
	WindowTitles bool `json:"window_titles" doc:"Record window titles in activity slots (off by default)."`
}

// ScreenshotIntervals are the intervals between screenshots an organization may choose, in
// minutes.
var ScreenshotIntervals = []int{1, 3, 5, 10}

// defaultScreenshotMinutes is the interval of an organization that chose none.
const defaultScreenshotMinutes = 10

// DefaultActivitySettings are a new organization's: no screenshots, no titles.
func DefaultActivitySettings() ActivitySettings {
	return ActivitySettings{ScreenshotMinutes: defaultScreenshotMinutes}
}

// ScreenshotInterval is the time between two screenshots.
func (s ActivitySettings) ScreenshotInterval() time.Duration {
	if s.ScreenshotMinutes <= 0 {
		return defaultScreenshotMinutes * time.Minute
	}
	return time.Duration(s.ScreenshotMinutes) * time.Minute
}

// ActivitySettingsPatch changes an organization's activity settings; nil fields stay.
type ActivitySettingsPatch struct {
	Screenshots       *bool
	ScreenshotMinutes *int
	ScreenshotRandom  *bool
	WindowTitles      *bool
}

// apply changes s by p, checking the interval.
func (p ActivitySettingsPatch) apply(c *checker, s *ActivitySettings) {
	if p.Screenshots != nil {
		s.Screenshots = *p.Screenshots
	}
	if p.ScreenshotMinutes != nil {
		s.ScreenshotMinutes = *p.ScreenshotMinutes
		c.check(slices.Contains(ScreenshotIntervals, s.ScreenshotMinutes), "activity.screenshot_minutes", "must be 1, 3, 5 or 10")
	}
	if p.ScreenshotRandom != nil {
		s.ScreenshotRandom = *p.ScreenshotRandom
	}
	if p.WindowTitles != nil {
		s.WindowTitles = *p.WindowTitles
	}
}

// OrganizationActivity returns the activity settings of the actor's organization, which
// every member may read (the desktop shows them, and a member should know what is
// recorded).
func (s *Service) OrganizationActivity(ctx context.Context, a Actor) (ActivitySettings, error) {
	var out ActivitySettings
	err := s.store.Read(ctx, func(tx Tx) error {
		o, err := tx.Organizations().Get(ctx, a.Scope(), a.OrgID)
		out = o.Activity
		return err
	})
	return out, err
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
		o = Organization{ID: NewID(), TenantID: a.TenantID, Name: in.Name, Timezone: in.Timezone, Activity: DefaultActivitySettings(), Meta: s.stamp(now)}
		m := Membership{ID: NewID(), TenantID: a.TenantID, OrganizationID: o.ID, UserID: a.UserID, Role: RoleOwner, Meta: s.stamp(now)}
		sc := Scope{TenantID: a.TenantID, OrgID: o.ID}
		if err := tx.Organizations().Insert(ctx, sc, o); err != nil {
			return err
		}
		if err := tx.Memberships().Insert(ctx, sc, m); err != nil {
			return err
		}
		if err := s.record(ctx, tx, sc, &a.UserID, change{action: "organization.create", entity: EntityOrganization, id: o.ID, org: &o.ID, meta: o.Meta, row: o}); err != nil {
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
		before := o
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
		p.Activity.apply(&c, &o.Activity)
		if err := c.err(); err != nil {
			return err
		}
		prev := s.touch(&o.Meta, s.Now())
		if err := tx.Organizations().Update(ctx, sc, o, prev); err != nil {
			return err
		}
		out = o
		return s.record(ctx, tx, sc, &a.UserID, change{action: "organization.update", entity: EntityOrganization, id: o.ID, org: &o.ID, meta: o.Meta, row: o, before: before})
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

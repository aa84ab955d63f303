package app

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Connecting a device to a team server (docs/sync.md, "Connecting a workspace"). A device
// that already tracks time in its own local workspace has two ways in:
//
//   - Publish: the workspace becomes a new team on the server with its ids kept (tenant,
//     organization, user, membership, and every client, project, task, tag and entry).
//     The server creates the tenant, organization, owner and membership in one step
//     (Service.Publish); the rest goes up through the ordinary push, so every row passes
//     the same validation and dedup as any other change, and an upload cut short by the
//     network carries on with the next round.
//   - Join: the workspace's rows move into an organization of a team that already exists
//     on the server. Clients, projects and tags with the name of one of the team's (any
//     case) are matched to it, as are tasks of a matched project, instead of being
//     duplicated; everything else is created there. Moved rows get new ids, in one local
//     transaction that creates them in the team's tenant with change-log rows (pushed as
//     creates) and leaves the old rows as tombstones of the old local tenant, which never
//     syncs.
//
// Why new ids for a join, when ids are UUIDv7 and could be kept: keeping them would take a
// store statement that moves a row from one tenant to another, and no statement in either
// store writes outside the tenant its scope names (DESIGN.md, Tenancy). Matched rows cannot
// keep their ids anyway (they become the team's), so the device remaps references in any
// case; rows the server has never seen are named by nothing outside this device.
//
// The front ends ask PlanConnect first, show its counts and, once the user agrees, hand the
// plan to ConnectWorkspace, which checks that the workspace has not changed in between.

// ConnectMode says what connecting does with the device's own local workspace.
type ConnectMode string

// Connect modes.
const (
	// ConnectFresh connects a device whose local workspace holds no data (or that has
	// none): it takes the server's workspace, which the first sync brings.
	ConnectFresh ConnectMode = "fresh"
	// ConnectPublish makes the local workspace a new team on the server, ids kept. The
	// session must be the one Publish opened (or a login to that published workspace).
	ConnectPublish ConnectMode = "publish"
	// ConnectJoin moves the local workspace's data into the session's organization.
	ConnectJoin ConnectMode = "join"
)

// TeamCatalog is an organization's catalog on the server as its list endpoints show it
// (archived rows included), and the joining user's role there: what a join matches the
// local catalog against, and whether the user may create what does not match. A role that
// may not read clients (member) leaves Clients empty.
type TeamCatalog struct {
	Role     Role
	Clients  []Client
	Projects []Project
	Tasks    []Task
	Tags     []Tag
}

// CatalogCounts are how many rows of one kind a connect matches to the team's and how
// many it creates there.
type CatalogCounts struct {
	Matched int `json:"matched"`
	Created int `json:"created"`
}

// ConnectPlan is what connecting will do with the local workspace, for the user to confirm:
// how many entries go to the server and, per catalog kind, how many rows are matched to the
// team's and how many are created. PlanConnect makes it; ConnectWorkspace carries it out.
type ConnectPlan struct {
	Mode     ConnectMode   `json:"mode"`
	Entries  int           `json:"entries"`
	Clients  CatalogCounts `json:"clients"`
	Projects CatalogCounts `json:"projects"`
	Tasks    CatalogCounts `json:"tasks"`
	Tags     CatalogCounts `json:"tags"`
	// team is the catalog the plan matched against; ConnectWorkspace matches against it
	// again inside its transaction.
	team TeamCatalog
	// digest sums up the local rows the plan read (ids and versions), so ConnectWorkspace
	// notices any change since, also one that leaves the counts alone.
	digest [sha256.Size]byte
}

// Team is the team's catalog the plan matched against, to plan again with after the
// workspace changed.
func (p ConnectPlan) Team() TeamCatalog { return p.team }

// Moves reports whether the plan takes any local data to the server.
func (p ConnectPlan) Moves() bool {
	return p.Entries+p.Clients.Matched+p.Clients.Created+p.Projects.Matched+p.Projects.Created+
		p.Tasks.Matched+p.Tasks.Created+p.Tags.Matched+p.Tags.Created > 0
}

// allowedFor refuses a join that would create catalog rows the role may not create: the
// server would refuse them, and the entries naming them with them. Nothing moves then, so
// nothing is lost; the message says what is missing and what to do.
func (p ConnectPlan) allowedFor(r Role) error {
	var missing []string
	for _, k := range []struct {
		n    int
		name string
		perm Permission
	}{{p.Clients.Created, "clients", PermClientsManage}, {p.Projects.Created, "projects", PermProjectsManage},
		{p.Tasks.Created, "tasks", PermTasksManage}, {p.Tags.Created, "tags", PermTagsManage}} {
		if k.n > 0 && !r.Can(k.perm) {
			missing = append(missing, fmt.Sprintf("%d %s", k.n, k.name))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("this workspace has %s that the team does not have, and your role there (%s) may not create "+
		"them: ask an admin of the team to create them under the same names, or to make you a manager, then join "+
		"again; nothing has moved: %w", strings.Join(missing, ", "), r, ErrForbidden)
}

// samePlan compares what two plans would do, and the rows they read.
func (p ConnectPlan) samePlan(q ConnectPlan) bool {
	return p.Mode == q.Mode && p.digest == q.digest && p.Entries == q.Entries && p.Clients == q.Clients && p.Projects == q.Projects &&
		p.Tasks == q.Tasks && p.Tags == q.Tags
}

// PublishInput makes a local workspace a new team on a server with the workspace's ids: its
// tenant, organization, owner and the owner's membership, and the owner's e-mail address
// and password, which the local workspace does not have.
type PublishInput struct {
	TenantID       uuid.UUID
	OrganizationID uuid.UUID
	UserID         uuid.UUID
	MembershipID   uuid.UUID
	// Organization is the organization's (and the tenant's) name, OrganizationTimezone its
	// time zone.
	Organization         string
	OrganizationTimezone string
	// Activity is the organization's activity settings as the owner set them on the
	// device; nil is a new organization's (DefaultActivitySettings).
	Activity *ActivitySettings
	// Name and Timezone are the owner's.
	Name     string
	Timezone string
	Email    string
	Password string
}

// WorkspaceTakenError is a publish whose ids the server has already: the workspace was
// published before (sign in to it instead), or a caller named ids of someone else's rows.
// It is ErrConflict.
type WorkspaceTakenError struct{}

func (*WorkspaceTakenError) Error() string {
	return "this workspace is on the server already (its ids are taken); sign in to it instead of publishing it again"
}

// Is makes errors.Is(err, ErrConflict) true.
func (*WorkspaceTakenError) Is(target error) bool { return target == ErrConflict }

// Publish creates, on a server, the tenant, organization, owner and membership of a
// device's local workspace with the ids the device made, in one transaction, and signs the
// owner in. It is sign-up with given ids: the same rules for the e-mail address, password
// and names. Ids the server has already, in any tenant, refuse the whole publish with a
// WorkspaceTakenError, so a caller can never write into a tenant that exists.
func (s *Service) Publish(ctx context.Context, in PublishInput) (Session, error) {
	in.Email = normalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	in.Organization = strings.TrimSpace(in.Organization)
	var c checker
	checkEmail(&c, "email", in.Email)
	checkPassword(&c, "password", in.Password)
	checkName(&c, "name", in.Name, 200)
	checkName(&c, "organization", in.Organization, 200)
	checkTimezone(&c, "timezone", in.Timezone)
	checkTimezone(&c, "organization_timezone", in.OrganizationTimezone)
	activity := DefaultActivitySettings()
	if in.Activity != nil {
		activity = *in.Activity
		if activity.ScreenshotMinutes == 0 {
			activity.ScreenshotMinutes = defaultScreenshotMinutes
		}
		c.check(slices.Contains(ScreenshotIntervals, activity.ScreenshotMinutes), "activity.screenshot_minutes", "must be 1, 3, 5 or 10")
	}
	ids := map[uuid.UUID]bool{}
	for field, id := range map[string]uuid.UUID{"tenant_id": in.TenantID, "organization_id": in.OrganizationID,
		"user_id": in.UserID, "membership_id": in.MembershipID} {
		c.check(id != uuid.Nil, field, "is required")
		ids[id] = true
	}
	c.check(len(ids) == 4, "tenant_id", "the four ids must differ")
	if err := c.err(); err != nil {
		return Session{}, err
	}
	hash, err := s.hasher.Hash(in.Password)
	if err != nil {
		return Session{}, err
	}
	var out Session
	err = s.store.Write(ctx, func(tx Tx) error {
		if _, err := tx.Tenants().Get(ctx, Scope{TenantID: in.TenantID}); err == nil {
			return &WorkspaceTakenError{}
		} else if !errors.Is(err, ErrNotFound) {
			return err
		}
		now := s.Now()
		w := workspaceRows{
			tenant: Tenant{ID: in.TenantID, Name: in.Organization, Meta: s.stamp(now)},
			org: Organization{ID: in.OrganizationID, TenantID: in.TenantID, Name: in.Organization,
				Timezone: orDefault(in.OrganizationTimezone, "UTC"), Activity: activity, Meta: s.stamp(now)},
			user: User{ID: in.UserID, TenantID: in.TenantID, Email: in.Email, Name: in.Name,
				Timezone: orDefault(in.Timezone, orDefault(in.OrganizationTimezone, "UTC")), PasswordHash: hash, Meta: s.stamp(now)},
			membership: Membership{ID: in.MembershipID, TenantID: in.TenantID, OrganizationID: in.OrganizationID,
				UserID: in.UserID, Role: RoleOwner, Meta: s.stamp(now)},
		}
		a, err := s.insertWorkspace(ctx, tx, w)
		if errors.Is(err, ErrConflict) {
			// An organization, user or membership id that another tenant uses.
			return &WorkspaceTakenError{}
		}
		if err != nil {
			return err
		}
		out, err = s.openSession(ctx, tx, a)
		return err
	})
	return out, err
}

// orDefault is v, or def when v is empty.
func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// workspaceRows are the four rows onboarding writes.
type workspaceRows struct {
	tenant     Tenant
	org        Organization
	user       User
	membership Membership
}

// insertWorkspace writes a tenant, its organization, owner and membership with their audit
// and change-log rows; the caller owns the transaction.
func (s *Service) insertWorkspace(ctx context.Context, tx Tx, w workspaceRows) (Actor, error) {
	t, o, u, m := w.tenant, w.org, w.user, w.membership
	sc := Scope{TenantID: t.ID, OrgID: o.ID}
	if err := tx.Tenants().Insert(ctx, t); err != nil {
		return Actor{}, fmt.Errorf("insert tenant: %w", err)
	}
	if err := tx.Organizations().Insert(ctx, sc, o); err != nil {
		return Actor{}, fmt.Errorf("insert organization: %w", err)
	}
	if err := tx.Users().Insert(ctx, sc, u); err != nil {
		return Actor{}, fmt.Errorf("insert user: %w", err)
	}
	if err := tx.Memberships().Insert(ctx, sc, m); err != nil {
		return Actor{}, fmt.Errorf("insert membership: %w", err)
	}
	for _, c := range []change{
		{action: "tenant.create", entity: "tenant", id: t.ID, meta: t.Meta, row: t},
		{action: "organization.create", entity: "organization", id: o.ID, org: &o.ID, meta: o.Meta, row: o},
		{action: "user.create", entity: "user", id: u.ID, meta: u.Meta, row: u},
		{action: "membership.create", entity: "membership", id: m.ID, org: &o.ID, meta: m.Meta, row: m},
	} {
		if err := s.record(ctx, tx, sc, &u.ID, c); err != nil {
			return Actor{}, err
		}
	}
	return Actor{TenantID: t.ID, OrgID: o.ID, UserID: u.ID, Role: m.Role}, nil
}

// PublishRequest is what publishing this device's local workspace sends to the server: its
// ids and names, with the e-mail address and password the owner signs in with from now on.
// ErrNotFound when the device has no local workspace.
func (s *Service) PublishRequest(ctx context.Context, email, password string) (PublishInput, error) {
	var in PublishInput
	err := s.store.Read(ctx, func(tx Tx) error {
		a, err := localActor(ctx, tx)
		if err != nil {
			return err
		}
		sc := a.Scope()
		o, err := tx.Organizations().Get(ctx, sc, a.OrgID)
		if err != nil {
			return fmt.Errorf("local organization: %w", err)
		}
		u, err := tx.Users().Get(ctx, sc, a.UserID)
		if err != nil {
			return fmt.Errorf("local user: %w", err)
		}
		m, err := tx.Memberships().Get(ctx, sc, a.UserID)
		if err != nil {
			return fmt.Errorf("local membership: %w", err)
		}
		in = PublishInput{TenantID: a.TenantID, OrganizationID: a.OrgID, UserID: a.UserID, MembershipID: m.ID,
			Organization: o.Name, OrganizationTimezone: o.Timezone, Activity: &o.Activity, Name: u.Name, Timezone: u.Timezone,
			Email: email, Password: password}
		return nil
	})
	return in, err
}

// PlanConnect says what connecting this device with sess would do with its local workspace
// in mode, without changing anything. team is the session organization's catalog on the
// server (only a join reads it). A fresh connect of a device whose workspace holds data is
// refused with ErrConflict (publish or join it); so is a publish whose session is not the
// published workspace's, and a join into the workspace's own tenant.
func (s *Service) PlanConnect(ctx context.Context, sess Session, mode ConnectMode, team TeamCatalog) (ConnectPlan, error) {
	if err := checkSession(sess); err != nil {
		return ConnectPlan{}, err
	}
	var plan ConnectPlan
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		plan, _, err = s.planIn(ctx, tx, sess, mode, team)
		return err
	})
	return plan, err
}

// PreviewPublish is the plan of publishing the local workspace, made before the server is
// asked (the desktop shows it before the user confirms): the workspace's own ids stand in
// for the session the publish will open. ConnectWorkspace needs the plan made with that
// session (PlanConnect).
func (s *Service) PreviewPublish(ctx context.Context) (ConnectPlan, error) {
	a, err := s.LocalActor(ctx)
	if err != nil {
		return ConnectPlan{}, fmt.Errorf("this device has no local workspace to publish: %w", err)
	}
	sess := Session{Token: "preview", Tenant: Tenant{ID: a.TenantID}, Organization: Organization{ID: a.OrgID},
		User: User{ID: a.UserID}}
	return s.PlanConnect(ctx, sess, ConnectPublish, TeamCatalog{})
}

// ConnectWorkspace makes this installation a device of a team server as plan says (from
// PlanConnect, with the same session): it keeps the session's token in f and the server's
// URL, points the device at the session's tenant, organization and user, and, for a
// publish or a join, puts the local workspace's rows in the outbox to go up with the next
// sync round. Everything happens in one transaction. A workspace that changed since the
// plan was made (any row the plan read, by id and version: a new entry, a renamed
// project) is refused with ErrConflict, so the user never confirms one summary and gets
// another: plan again and show it.
func (s *Service) ConnectWorkspace(ctx context.Context, f TokenFile, url string, sess Session, plan ConnectPlan) error {
	if err := checkSession(sess); err != nil {
		return err
	}
	var moved localWorkspace // what a join moved, for its screenshots' files after it
	err := s.store.Write(ctx, func(tx Tx) error {
		now, moves, err := s.planIn(ctx, tx, sess, plan.Mode, plan.team)
		if err != nil {
			return err
		}
		if !now.samePlan(plan) {
			return Conflict("the local workspace changed since its summary was made; look at the new summary and confirm again")
		}
		if err := s.ensureTenant(ctx, tx, sess); err != nil {
			return err
		}
		switch plan.Mode {
		case ConnectPublish:
			if err := s.queueWorkspace(ctx, tx, sess.Organization, sess.User, moves); err != nil {
				return err
			}
		case ConnectJoin:
			moved = moves
			if err := s.moveWorkspace(ctx, tx, sess, plan.team, moves); err != nil {
				return err
			}
		}
		settings := map[string]string{
			settingLocalTenant: sess.Tenant.ID.String(), settingLocalOrg: sess.Organization.ID.String(),
			settingLocalUser: sess.User.ID.String(), settingSyncURL: url,
		}
		if prev, err := tx.Device().Get(ctx, settingSyncURL); err != nil || prev != url || plan.Mode != ConnectFresh {
			settings[settingSyncCursor] = "0" // another server, or a new workspace there: pull everything
		}
		for k, v := range settings {
			if err := tx.Device().Put(ctx, k, v); err != nil {
				return fmt.Errorf("connect: %w", err)
			}
		}
		return nil
	})
	if plan.Mode == ConnectJoin {
		s.joinedShotFiles(ctx, moved, sess.Tenant.ID, err == nil)
	}
	if err != nil {
		return err
	}
	return f.write(sess.Token)
}

func checkSession(sess Session) error {
	if sess.Token == "" || sess.Tenant.ID == uuid.Nil || sess.Organization.ID == uuid.Nil || sess.User.ID == uuid.Nil {
		return errors.New("connect: the server's session names no token, tenant, organization or user")
	}
	return nil
}

// ensureTenant inserts the session's tenant row when the device has none: tenants do not
// sync, and the pulled rows need it.
func (s *Service) ensureTenant(ctx context.Context, tx Tx, sess Session) error {
	_, err := tx.Tenants().Get(ctx, Scope{TenantID: sess.Tenant.ID})
	if errors.Is(err, ErrNotFound) {
		t := Tenant{ID: sess.Tenant.ID, Name: orDefault(sess.Tenant.Name, sess.Organization.Name), Meta: s.stamp(s.Now())}
		err = tx.Tenants().Insert(ctx, t)
	}
	if err != nil {
		return fmt.Errorf("connect: tenant: %w", err)
	}
	return nil
}

// localWorkspace is the local workspace's live rows.
type localWorkspace struct {
	from     Actor // the local workspace's owner; zero when the device has none
	clients  []Client
	projects []Project
	tasks    []Task
	tags     []Tag
	entries  []TimeEntry
	// rates and budgets are published with the workspace; a join leaves them behind (the
	// team's own apply there). slots are the entries' activity slots, which go wherever
	// their entries go.
	rates   []Rate
	budgets []Budget
	slots   []ActivitySlot
	// shots are the entries' screenshots, which go with their entries too (app/syncshots.go,
	// joinShots).
	shots []Screenshot
	// invoices, oldest number first, go up with a publish keeping their numbers; a join
	// leaves them behind (the team numbers its own).
	invoices []Invoice
}

// digest sums up the rows' ids and versions in the order they were read.
func (w localWorkspace) digest() [sha256.Size]byte {
	h := sha256.New()
	row := func(id uuid.UUID, m Meta) {
		h.Write(id[:])
		_ = binary.Write(h, binary.BigEndian, m.Version)
	}
	for _, r := range w.clients {
		row(r.ID, r.Meta)
	}
	for _, r := range w.projects {
		row(r.ID, r.Meta)
	}
	for _, r := range w.tasks {
		row(r.ID, r.Meta)
	}
	for _, r := range w.tags {
		row(r.ID, r.Meta)
	}
	for _, r := range w.entries {
		row(r.ID, r.Meta)
	}
	for _, r := range w.rates {
		row(r.ID, r.Meta)
	}
	for _, r := range w.budgets {
		row(r.ID, r.Meta)
	}
	for _, r := range w.invoices {
		row(r.ID, r.Meta)
	}
	for _, r := range w.shots {
		row(r.ID, r.Meta)
	}
	var out [sha256.Size]byte
	h.Sum(out[:0])
	return out
}

// planIn makes the plan inside a transaction and returns the local rows it read.
func (s *Service) planIn(ctx context.Context, tx Tx, sess Session, mode ConnectMode, team TeamCatalog) (ConnectPlan, localWorkspace, error) {
	plan := ConnectPlan{Mode: mode, team: team}
	var w localWorkspace
	a, err := localActor(ctx, tx)
	switch {
	case errors.Is(err, ErrNotFound):
		a = Actor{}
	case err != nil:
		return plan, w, err
	case mode != ConnectFresh:
		if w, err = readWorkspace(ctx, tx, a); err != nil {
			return plan, w, err
		}
	}
	w.from = a
	plan.digest = w.digest()
	if mode != ConnectFresh {
		// Publish and join take a workspace made offline; a device connected to a server
		// holds that server's workspace, which is the server's to share.
		url, err := optionalSetting(ctx, tx, settingSyncURL)
		if err != nil {
			return plan, w, err
		}
		if url != "" {
			return plan, w, Conflict("this data directory is connected to %s already; its changes go there with 'stint sync' "+
				"(sign out first with 'stint remote logout' to take its data elsewhere)", url)
		}
	}
	switch mode {
	case ConnectFresh:
		used := false
		if a.TenantID != uuid.Nil && a.TenantID != sess.Tenant.ID {
			if used, err = workspaceHasData(ctx, tx, a); err != nil {
				return plan, w, err
			}
		}
		if used {
			return plan, w, Conflict("this device already tracks time in a local workspace: publish it to the server " +
				"as a new team, or join the team and move its data there")
		}
	case ConnectPublish:
		if a.TenantID == uuid.Nil {
			return plan, w, fmt.Errorf("this device has no local workspace to publish: %w", ErrNotFound)
		}
		if a.TenantID != sess.Tenant.ID || a.OrgID != sess.Organization.ID || a.UserID != sess.User.ID {
			return plan, w, Conflict("the server's session is not the published workspace's; publish it, or join the team instead")
		}
		plan.Entries = len(w.entries)
		plan.Clients.Created, plan.Projects.Created = len(w.clients), len(w.projects)
		plan.Tasks.Created, plan.Tags.Created = len(w.tasks), len(w.tags)
	case ConnectJoin:
		if a.TenantID == sess.Tenant.ID {
			return plan, w, Conflict("this device's workspace is this team's already; sign in without joining")
		}
		if !team.Role.Valid() {
			return plan, w, Invalid("role", "must be the joining user's role in the team")
		}
		m := matchCatalog(w, team)
		plan.Entries = len(w.entries)
		plan.Clients, plan.Projects, plan.Tasks, plan.Tags = m.counts(w)
		if err := plan.allowedFor(team.Role); err != nil {
			return plan, w, err
		}
	default:
		return plan, w, Invalid("mode", "must be fresh, publish or join")
	}
	return plan, w, nil
}

// readWorkspace reads the live rows of the local owner's organization (archived ones too).
func readWorkspace(ctx context.Context, tx Tx, a Actor) (localWorkspace, error) {
	sc := a.Scope()
	var w localWorkspace
	var err error
	catalog := func(after *Cursor) CatalogFilter {
		return CatalogFilter{Page: PageRequest{Limit: connectPage, After: after}, IncludeArchived: true}
	}
	if w.clients, err = readAll(func(after *Cursor) ([]Client, error) { return tx.Clients().List(ctx, sc, catalog(after)) },
		func(c Client) Cursor { return Cursor{ID: c.ID} }); err != nil {
		return w, fmt.Errorf("local clients: %w", err)
	}
	if w.projects, err = readAll(func(after *Cursor) ([]Project, error) { return tx.Projects().List(ctx, sc, catalog(after)) },
		func(p Project) Cursor { return Cursor{ID: p.ID} }); err != nil {
		return w, fmt.Errorf("local projects: %w", err)
	}
	if w.tasks, err = readAll(func(after *Cursor) ([]Task, error) { return tx.Tasks().List(ctx, sc, catalog(after)) },
		func(t Task) Cursor { return Cursor{ID: t.ID} }); err != nil {
		return w, fmt.Errorf("local tasks: %w", err)
	}
	if w.tags, err = readAll(func(after *Cursor) ([]Tag, error) { return tx.Tags().List(ctx, sc, catalog(after)) },
		func(t Tag) Cursor { return Cursor{ID: t.ID} }); err != nil {
		return w, fmt.Errorf("local tags: %w", err)
	}
	if w.entries, err = readAll(func(after *Cursor) ([]TimeEntry, error) {
		return tx.TimeEntries().List(ctx, sc, EntryFilter{Page: PageRequest{Limit: connectPage, After: after}})
	}, func(e TimeEntry) Cursor { return Cursor{Time: e.StartedAt, ID: e.ID} }); err != nil {
		return w, fmt.Errorf("local entries: %w", err)
	}
	if w.rates, err = tx.Rates().List(ctx, sc, RateFilter{}); err != nil {
		return w, fmt.Errorf("local rates: %w", err)
	}
	if w.budgets, err = tx.Budgets().List(ctx, sc); err != nil {
		return w, fmt.Errorf("local budgets: %w", err)
	}
	if w.invoices, err = tx.Invoices().List(ctx, sc); err != nil {
		return w, fmt.Errorf("local invoices: %w", err)
	}
	slices.Reverse(w.invoices)
	// Oldest entry first, as they are queued.
	for i := len(w.entries) - 1; i >= 0; i-- {
		slots, err := tx.Sync().EntrySlots(ctx, sc, w.entries[i].ID, time.Time{})
		if err != nil {
			return w, fmt.Errorf("local activity: %w", err)
		}
		w.slots = append(w.slots, slots...)
	}
	if w.shots, err = workspaceShots(ctx, tx, sc, w.entries); err != nil {
		return w, err
	}
	return w, nil
}

// connectPage is how many rows a connect reads from the store at a time.
const connectPage = 1000

// readAll reads every page of a store list, each after the last row read.
func readAll[T any](list func(after *Cursor) ([]T, error), cursor func(T) Cursor) ([]T, error) {
	var out []T
	var after *Cursor
	for {
		rows, err := list(after)
		if err != nil {
			return nil, err
		}
		if len(rows) > connectPage {
			rows = rows[:connectPage] // a store that hands one row more to tell that more follow
		}
		out = append(out, rows...)
		if len(rows) < connectPage {
			return out, nil
		}
		c := cursor(rows[len(rows)-1])
		after = &c
	}
}

// catalogMatch maps local catalog rows to the team's rows they are matched with.
type catalogMatch map[uuid.UUID]uuid.UUID

// nameKey is how names are compared when matching: trimmed, any case, as the stores'
// unique name indexes compare them.
func nameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// matchCatalog matches the local catalog with the team's: clients, projects and tags by
// name, tasks by name within a matched project.
func matchCatalog(w localWorkspace, team TeamCatalog) catalogMatch {
	m := catalogMatch{}
	byName := map[string]uuid.UUID{}
	for _, c := range team.Clients {
		byName[nameKey(c.Name)] = c.ID
	}
	for _, c := range w.clients {
		if id, ok := byName[nameKey(c.Name)]; ok {
			m[c.ID] = id
		}
	}
	byName = map[string]uuid.UUID{}
	for _, p := range team.Projects {
		byName[nameKey(p.Name)] = p.ID
	}
	for _, p := range w.projects {
		if id, ok := byName[nameKey(p.Name)]; ok {
			m[p.ID] = id
		}
	}
	byName = map[string]uuid.UUID{}
	for _, t := range team.Tasks {
		byName[t.ProjectID.String()+"/"+nameKey(t.Name)] = t.ID
	}
	for _, t := range w.tasks {
		if p, ok := m[t.ProjectID]; ok {
			if id, ok := byName[p.String()+"/"+nameKey(t.Name)]; ok {
				m[t.ID] = id
			}
		}
	}
	byName = map[string]uuid.UUID{}
	for _, t := range team.Tags {
		byName[nameKey(t.Name)] = t.ID
	}
	for _, t := range w.tags {
		if id, ok := byName[nameKey(t.Name)]; ok {
			m[t.ID] = id
		}
	}
	return m
}

func (m catalogMatch) counts(w localWorkspace) (clients, projects, tasks, tags CatalogCounts) {
	count := func(c *CatalogCounts, id uuid.UUID) {
		if _, ok := m[id]; ok {
			c.Matched++
		} else {
			c.Created++
		}
	}
	for _, r := range w.clients {
		count(&clients, r.ID)
	}
	for _, r := range w.projects {
		count(&projects, r.ID)
	}
	for _, r := range w.tasks {
		count(&tasks, r.ID)
	}
	for _, r := range w.tags {
		count(&tags, r.ID)
	}
	return
}

// queueWorkspace makes the outbox of a published workspace one upsert of each live row,
// referents first (clients, projects, tasks, tags, then entries oldest first), so no row is
// pushed before a row it names, followed by the pending deletes. A pending change keeps its
// mutation id, so a publish run again after a cut does not apply twice what the server took.
// Changes to the tenant, owner and membership are dropped: the publish made those rows, and
// the push takes none of them. On the first publish (the onboarding's tenant change is still
// pending) the deletes are dropped too: the server never had those rows; so are the
// organization's and the owner's changes, which the publish carried (the organization's
// name, zone and activity settings, the owner's zone), except any field in which the row
// here differs from the server's (server and owner, from the publish's answer: changed here
// while the publish was under way), which goes up as an update stamped now. On a publish
// run again later a pending change of the organization or of the owner's own row goes up as
// it is, under last writer wins.
func (s *Service) queueWorkspace(ctx context.Context, tx Tx, server Organization, owner User, w localWorkspace) error {
	tenant := Scope{TenantID: w.from.TenantID}
	var pending []Change
	first := false
	for after := int64(0); ; {
		cs, err := tx.Changes().After(ctx, tenant, after, connectPage)
		if err != nil {
			return fmt.Errorf("publish: outbox: %w", err)
		}
		for _, c := range cs {
			first = first || c.Entity == "tenant"
		}
		pending = append(pending, cs...)
		if len(cs) < connectPage {
			break
		}
		after = cs[len(cs)-1].Seq
	}
	if _, err := tx.Changes().Acknowledge(ctx, tenant, math.MaxInt64); err != nil {
		return fmt.Errorf("publish: outbox: %w", err)
	}
	byEntity := make(map[uuid.UUID]Change, len(pending))
	for _, c := range pending {
		byEntity[c.EntityID] = c
	}
	now := s.Now()
	org := w.from.OrgID
	queue := func(entity string, id uuid.UUID, m Meta) error {
		c := Change{ID: NewID(), TenantID: tenant.TenantID, OrganizationID: &org, Entity: entity, EntityID: id,
			Op: OpUpsert, Version: m.Version, HLC: m.HLC, At: now}
		if p, ok := byEntity[id]; ok && p.Op == OpUpsert {
			c.ID, c.At = p.ID, p.At
		}
		return tx.Changes().Append(ctx, w.from.Scope(), c)
	}
	for _, r := range w.clients {
		if err := queue(EntityClient, r.ID, r.Meta); err != nil {
			return err
		}
	}
	for _, r := range w.projects {
		if err := queue(EntityProject, r.ID, r.Meta); err != nil {
			return err
		}
	}
	for _, r := range w.tasks {
		if err := queue(EntityTask, r.ID, r.Meta); err != nil {
			return err
		}
	}
	for _, r := range w.tags {
		if err := queue(EntityTag, r.ID, r.Meta); err != nil {
			return err
		}
	}
	for _, r := range w.rates {
		if err := queue(EntityRate, r.ID, r.Meta); err != nil {
			return err
		}
	}
	for _, r := range w.budgets {
		if err := queue(EntityBudget, r.ID, r.Meta); err != nil {
			return err
		}
	}
	for i := len(w.entries) - 1; i >= 0; i-- {
		if err := queue(EntityTimeEntry, w.entries[i].ID, w.entries[i].Meta); err != nil {
			return err
		}
	}
	for _, r := range w.slots {
		if err := queue(EntityActivitySlot, r.ID, r.Meta); err != nil {
			return err
		}
	}
	for _, r := range w.invoices {
		if err := queue(EntityInvoice, r.ID, r.Meta); err != nil {
			return err
		}
	}
	if first {
		if err := s.queueOrganization(ctx, tx, w.from, server); err != nil {
			return err
		}
		return s.queueOwner(ctx, tx, w.from, owner)
	}
	for _, c := range pending {
		if c.Op == OpUpsert && (c.Entity == EntityOrganization && c.EntityID == org || c.Entity == EntityUser && c.EntityID == w.from.UserID) {
			if err := tx.Changes().Append(ctx, Scope{TenantID: tenant.TenantID, OrgID: org}, c); err != nil {
				return err
			}
			continue
		}
		switch c.Entity {
		case EntityClient, EntityProject, EntityTask, EntityTag, EntityTimeEntry, EntityRate, EntityBudget, EntityActivitySlot:
			if c.Op == OpDelete {
				if err := tx.Changes().Append(ctx, Scope{TenantID: tenant.TenantID, OrgID: org}, c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// queueOrganization queues an update of the local organization's fields that differ from
// the server's, each stamped now; nothing when none does.
func (s *Service) queueOrganization(ctx context.Context, tx Tx, a Actor, server Organization) error {
	sc := a.Scope()
	o, err := tx.Organizations().Get(ctx, sc, a.OrgID)
	if err != nil {
		return fmt.Errorf("publish: organization: %w", err)
	}
	if server.ID != o.ID {
		return nil
	}
	stamp := s.hlc.Now()
	fields, err := touchedFields(EntityOrganization, server, o, stamp)
	if err != nil || len(fields) == 0 {
		return err
	}
	if err := tx.Changes().Append(ctx, sc, Change{ID: NewID(), TenantID: a.TenantID, OrganizationID: &o.ID, Entity: EntityOrganization,
		EntityID: o.ID, Op: OpUpsert, Version: o.Version, HLC: stamp, At: s.Now(), Fields: fields}); err != nil {
		return fmt.Errorf("publish: organization: %w", err)
	}
	return s.hlc.keepMark(ctx, tx)
}

// queueOwner queues an update of the owner's own fields (app/syncuser.go) in which the row
// here differs from the server's, each stamped now; nothing when none does.
func (s *Service) queueOwner(ctx context.Context, tx Tx, a Actor, server User) error {
	sc := a.Scope()
	u, err := tx.Users().Get(ctx, sc, a.UserID)
	if err != nil {
		return fmt.Errorf("publish: owner: %w", err)
	}
	if server.ID != u.ID || u.Timezone == "" {
		// No zone of the owner's own: the publish gave the server's row the
		// organization's, as it always has.
		return nil
	}
	stamp := s.hlc.Now()
	fields, err := touchedFields(EntityUser, server, u, stamp)
	if err != nil || len(fields) == 0 {
		return err
	}
	if err := tx.Changes().Append(ctx, sc, Change{ID: NewID(), TenantID: a.TenantID, Entity: EntityUser,
		EntityID: u.ID, Op: OpUpsert, Version: u.Version, HLC: stamp, At: s.Now(), Fields: fields}); err != nil {
		return fmt.Errorf("publish: owner: %w", err)
	}
	return s.hlc.keepMark(ctx, tx)
}

// moveWorkspace carries out a join: the team's organization, user and catalog rows are
// written as the server has them (the pull brings them again), each local row is matched
// or created in the team's organization with a new id and a change-log row, and the old
// rows become tombstones of the old tenant, whose outbox is dropped.
func (s *Service) moveWorkspace(ctx context.Context, tx Tx, sess Session, team TeamCatalog, w localWorkspace) error {
	to := Scope{TenantID: sess.Tenant.ID, OrgID: sess.Organization.ID}
	if err := s.writeTeamRows(ctx, tx, sess, team); err != nil {
		return err
	}
	ids := matchCatalog(w, team)
	now := s.Now()
	// created gives a local row its new id and its place in the team's organization.
	created := func(old uuid.UUID, m *Meta) uuid.UUID {
		id := NewID()
		ids[old] = id
		fresh := s.stamp(now)
		fresh.CreatedAt = m.CreatedAt
		*m = fresh
		return id
	}
	remap := func(id *uuid.UUID) *uuid.UUID {
		if id == nil {
			return nil
		}
		if to, ok := ids[*id]; ok {
			return &to
		}
		return nil // a row of the old workspace that is not live: the reference is dropped
	}
	actor := &sess.User.ID
	for _, r := range w.clients {
		if _, ok := ids[r.ID]; ok {
			continue
		}
		r.ID, r.TenantID, r.OrganizationID = created(r.ID, &r.Meta), to.TenantID, to.OrgID
		if err := tx.Clients().Insert(ctx, to, r); err != nil {
			return fmt.Errorf("join: client %q: %w", r.Name, err)
		}
		if err := s.record(ctx, tx, to, actor, change{action: "client.create", entity: EntityClient, id: r.ID, org: &to.OrgID, meta: r.Meta, row: r}); err != nil {
			return err
		}
	}
	for _, r := range w.projects {
		if _, ok := ids[r.ID]; ok {
			continue
		}
		r.ID, r.TenantID, r.OrganizationID, r.ClientID = created(r.ID, &r.Meta), to.TenantID, to.OrgID, remap(r.ClientID)
		if err := tx.Projects().Insert(ctx, to, r); err != nil {
			return fmt.Errorf("join: project %q: %w", r.Name, err)
		}
		if err := s.record(ctx, tx, to, actor, change{action: "project.create", entity: EntityProject, id: r.ID, org: &to.OrgID, meta: r.Meta, row: r}); err != nil {
			return err
		}
	}
	for _, r := range w.tasks {
		if _, ok := ids[r.ID]; ok {
			continue
		}
		project := remap(&r.ProjectID)
		if project == nil {
			return fmt.Errorf("join: task %q names a project that is not in the workspace: %w", r.Name, ErrConflict)
		}
		r.ID, r.TenantID, r.OrganizationID, r.ProjectID = created(r.ID, &r.Meta), to.TenantID, to.OrgID, *project
		if err := tx.Tasks().Insert(ctx, to, r); err != nil {
			return fmt.Errorf("join: task %q: %w", r.Name, err)
		}
		if err := s.record(ctx, tx, to, actor, change{action: "task.create", entity: EntityTask, id: r.ID, org: &to.OrgID, meta: r.Meta, row: r}); err != nil {
			return err
		}
	}
	for _, r := range w.tags {
		if _, ok := ids[r.ID]; ok {
			continue
		}
		r.ID, r.TenantID, r.OrganizationID = created(r.ID, &r.Meta), to.TenantID, to.OrgID
		if err := tx.Tags().Insert(ctx, to, r); err != nil {
			return fmt.Errorf("join: tag %q: %w", r.Name, err)
		}
		if err := s.record(ctx, tx, to, actor, change{action: "tag.create", entity: EntityTag, id: r.ID, org: &to.OrgID, meta: r.Meta, row: r}); err != nil {
			return err
		}
	}
	// Oldest entry first, so the server sees entries in the order they were made.
	for i := len(w.entries) - 1; i >= 0; i-- {
		e := w.entries[i]
		tags := make([]uuid.UUID, 0, len(e.TagIDs))
		seen := map[uuid.UUID]bool{}
		for _, t := range e.TagIDs {
			if to := remap(&t); to != nil && !seen[*to] {
				seen[*to] = true
				tags = append(tags, *to)
			}
		}
		e.ID, e.TenantID, e.OrganizationID, e.UserID = created(e.ID, &e.Meta), to.TenantID, to.OrgID, sess.User.ID
		e.ProjectID, e.TaskID, e.TagIDs = remap(e.ProjectID), remap(e.TaskID), tags
		if err := tx.TimeEntries().Insert(ctx, to, e); err != nil {
			return fmt.Errorf("join: entry of %s: %w", e.StartedAt.Format(time.RFC3339), err)
		}
		if err := s.record(ctx, tx, to, actor, change{action: "time_entry.create", entity: EntityTimeEntry, id: e.ID, org: &to.OrgID, meta: e.Meta, row: e}); err != nil {
			return err
		}
	}
	// The entries' activity goes with them. Rates and budgets stay behind: the team's
	// rates price the team's time, and a member may set none (docs/sync.md).
	for _, r := range w.slots {
		entry, ok := ids[r.EntryID]
		if !ok {
			continue
		}
		r.ID, r.TenantID, r.OrganizationID, r.UserID, r.EntryID = created(r.ID, &r.Meta), to.TenantID, to.OrgID, sess.User.ID, entry
		if err := tx.ActivitySlots().Insert(ctx, to, r); err != nil {
			return fmt.Errorf("join: activity of %s: %w", r.Start.Format(time.RFC3339), err)
		}
		if err := s.logSlot(ctx, tx, r, nil); err != nil {
			return err
		}
	}
	// And their screenshots, each marked to upload its image again (app/syncshots.go).
	if err := s.joinShots(ctx, tx, to, sess.User.ID, ids, w, now); err != nil {
		return err
	}
	return s.retireWorkspace(ctx, tx, w, now)
}

// writeTeamRows writes the session's organization and user and the team's catalog as the
// server shows them, without change-log rows (they are the server's, not local changes), so
// moved rows can name them before the first pull; the pull then brings them at their
// server versions. A row naming one the catalog does not hold (a project whose client was
// deleted) leaves the reference out until the pull.
func (s *Service) writeTeamRows(ctx context.Context, tx Tx, sess Session, team TeamCatalog) error {
	tenant := sess.Tenant.ID
	row := func(kind SyncKind, id uuid.UUID, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if err := applyRow(ctx, tx, tenant, RemoteRow{Kind: kind, ID: id, HLC: s.hlc.Now(), Row: b}, false, 0); err != nil {
			return fmt.Errorf("join: the team's %s %s: %w", kind, id, err)
		}
		return nil
	}
	if err := row(SyncOrganization, sess.Organization.ID, sess.Organization); err != nil {
		return err
	}
	if err := row(SyncUser, sess.User.ID, sess.User); err != nil {
		return err
	}
	have := map[uuid.UUID]bool{}
	for _, c := range team.Clients {
		if err := row(SyncClient, c.ID, c); err != nil {
			return err
		}
		have[c.ID] = true
	}
	for _, p := range team.Projects {
		if p.ClientID != nil && !have[*p.ClientID] {
			p.ClientID = nil
		}
		if err := row(SyncProject, p.ID, p); err != nil {
			return err
		}
		have[p.ID] = true
	}
	for _, t := range team.Tasks {
		if !have[t.ProjectID] {
			continue
		}
		if err := row(SyncTask, t.ID, t); err != nil {
			return err
		}
	}
	for _, t := range team.Tags {
		if err := row(SyncTag, t.ID, t); err != nil {
			return err
		}
	}
	return nil
}

// retireWorkspace leaves the moved rows as tombstones of the old local tenant and drops its
// outbox: the old tenant never syncs, and nothing of it stays live beside the moved copy.
func (s *Service) retireWorkspace(ctx context.Context, tx Tx, w localWorkspace, now time.Time) error {
	sc := w.from.Scope()
	gone := func(m *Meta) int64 {
		prev := s.touch(m, now)
		m.DeletedAt = &now
		return prev
	}
	for _, r := range w.entries {
		prev := gone(&r.Meta)
		if err := tx.TimeEntries().Update(ctx, sc, r, prev); err != nil {
			return fmt.Errorf("join: retire entry: %w", err)
		}
	}
	for _, r := range w.tags {
		prev := gone(&r.Meta)
		if err := tx.Tags().Update(ctx, sc, r, prev); err != nil {
			return fmt.Errorf("join: retire tag: %w", err)
		}
	}
	for _, r := range w.tasks {
		prev := gone(&r.Meta)
		if err := tx.Tasks().Update(ctx, sc, r, prev); err != nil {
			return fmt.Errorf("join: retire task: %w", err)
		}
	}
	for _, r := range w.projects {
		prev := gone(&r.Meta)
		if err := tx.Projects().Update(ctx, sc, r, prev); err != nil {
			return fmt.Errorf("join: retire project: %w", err)
		}
	}
	for _, r := range w.clients {
		prev := gone(&r.Meta)
		if err := tx.Clients().Update(ctx, sc, r, prev); err != nil {
			return fmt.Errorf("join: retire client: %w", err)
		}
	}
	if _, err := tx.Changes().Acknowledge(ctx, Scope{TenantID: sc.TenantID}, math.MaxInt64); err != nil {
		return fmt.Errorf("join: old outbox: %w", err)
	}
	return nil
}

// LocalWorkspaceUsed reports whether this device's own local workspace holds any entry,
// client, project, task or tag: such a device connects to a team server by publishing or
// joining, never by taking the server's workspace in its place. A device that is connected
// already has no local workspace of its own.
func (s *Service) LocalWorkspaceUsed(ctx context.Context) (bool, error) {
	used := false
	err := s.store.Read(ctx, func(tx Tx) error {
		a, err := localActor(ctx, tx)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if url, err := optionalSetting(ctx, tx, settingSyncURL); err != nil || url != "" {
			return err
		}
		used, err = workspaceHasData(ctx, tx, a)
		return err
	})
	return used, err
}

// workspaceHasData reports whether the workspace holds any entry or catalog row, reading at
// most one of each.
func workspaceHasData(ctx context.Context, tx Tx, a Actor) (bool, error) {
	sc := a.Scope()
	one := CatalogFilter{Page: PageRequest{Limit: 1}, IncludeArchived: true}
	for _, list := range []func() (int, error){
		func() (int, error) {
			es, err := tx.TimeEntries().List(ctx, sc, EntryFilter{Page: PageRequest{Limit: 1}})
			return len(es), err
		},
		func() (int, error) { ps, err := tx.Projects().List(ctx, sc, one); return len(ps), err },
		func() (int, error) { cs, err := tx.Clients().List(ctx, sc, one); return len(cs), err },
		func() (int, error) { ts, err := tx.Tasks().List(ctx, sc, one); return len(ts), err },
		func() (int, error) { ts, err := tx.Tags().List(ctx, sc, one); return len(ts), err },
	} {
		if n, err := list(); err != nil || n > 0 {
			return n > 0, err
		}
	}
	return false, nil
}

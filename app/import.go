package app

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Importing maps rows read from another tracker's file (ImportRow, package importer) onto
// the actor's organization and writes them as time entries. People are found by e-mail
// (rows of people the organization lacks become members, made from the file's name and
// e-mail, unless ImportRequest.UserEmail sends every row to one member; on a device synced
// with a team server they are added on the server instead); clients, projects,
// tasks and tags by name, case-insensitively as their uniqueness rules compare them, and
// created when missing. The same rules as for one entry apply to every row: who may write
// whose time, who may create what, and the manual-entry limits.
//
// An import is idempotent: an entry's id is derived from the tenant, the organization and
// the row's content (its user, start, end, project, task, description, and how many equal
// rows came before it in the file; a UUIDv7 whose time is the entry's start), so importing the same file again finds every entry
// already there and creates nothing, also on a device that has synced the first import's
// entries, and two devices importing one file converge on the same rows. Rows the
// import creates for clients, projects, tasks, tags, users and memberships take ids derived
// the same way from their names, so two devices' imports create the same rows too.

// ImportRequest is one import.
type ImportRequest struct {
	// Format names the file's format, for the audit and the plan.
	Format string
	Rows   []ImportRow
	// Problems are the rows the parser could not read, reported with the plan's own.
	Problems []ImportProblem
	// Timezone is the zone the file's wall-clock times were recorded in. It is required
	// when a row is floating (the file names no zone), and becomes the entries' zone; by
	// default entries take their user's zone.
	Timezone string
	// UserEmail sends every row to this member instead of mapping people by e-mail.
	UserEmail string
	// UserID does the same by the member's id, for a member without an e-mail address
	// (the desktop's local user); UserEmail wins when both are set.
	UserID uuid.UUID
	// DryRun returns the plan without writing anything.
	DryRun bool
	// SkipProblems imports the rows without problems; by default any problem stops the
	// import before anything is written.
	SkipProblems bool
	// BatchSize is how many entries one transaction writes (default ImportBatchSize).
	BatchSize int
	// Progress, when set, is called after each batch with the rows written so far.
	Progress func(done, total int)
}

// ImportBatchSize is how many entries one import transaction writes by default.
const ImportBatchSize = 5000

// ImportCreates lists what an import creates besides entries.
type ImportCreates struct {
	Members  []string `json:"members" nullable:"false" doc:"E-mail addresses of people added as members."`
	Clients  []string `json:"clients" nullable:"false"`
	Projects []string `json:"projects" nullable:"false"`
	Tasks    []string `json:"tasks" nullable:"false" doc:"Written project / task."`
	Tags     []string `json:"tags" nullable:"false"`
}

// ImportPlan is what an import does or did: rows read, entries new and already there,
// what it creates, and every problem with its line.
type ImportPlan struct {
	Format   string          `json:"format"`
	Timezone string          `json:"timezone,omitempty"`
	Rows     int             `json:"rows" doc:"Rows read from the file, problems included."`
	Entries  int             `json:"entries" doc:"New entries (created, or to create in a dry run)."`
	Existing int             `json:"existing" doc:"Rows whose entries an earlier import created."`
	Seconds  int64           `json:"seconds" doc:"Total length of the new entries."`
	Create   ImportCreates   `json:"create"`
	Problems []ImportProblem `json:"problems" nullable:"false"`
	DryRun   bool            `json:"dry_run"`
	Written  bool            `json:"written" doc:"Whether the entries were written."`
}

// ErrImportProblems is returned (wrapped) when a file has problems and nothing was written.
var ErrImportProblems = errors.New("the file has problems")

// ErrImportZone is returned (wrapped, as a validation error on timezone) when the file's
// times name no zone and none was given.
var ErrImportZone = errors.New("the file's times name no time zone")

// ImportedEntry is one entry an import writes, with its audit and change-log rows, which
// Imports.InsertEntries writes together. Change is nil where the workspace keeps no outbox
// for its entries (see importOutbox).
type ImportedEntry struct {
	Entry  TimeEntry
	Audit  AuditEntry
	Change *Change
}

// Imports is the store's bulk path for imports.
type Imports interface {
	// Existing reports which of ids name rows of entity ("time_entry", "client",
	// "project", "task", "tag", "user", "membership") of the scope's tenant, deleted ones
	// included.
	Existing(ctx context.Context, s Scope, entity string, ids []uuid.UUID) (map[uuid.UUID]bool, error)
	// InsertEntries writes new stopped entries of s.OrgID, each with its audit row and its
	// change-log row when it has one, as TimeEntries.Insert, AuditLog.Append and
	// ChangeLog.Append would one by one.
	InsertEntries(ctx context.Context, s Scope, rows []ImportedEntry) error
}

// importEntry is a planned entry.
type importEntry struct {
	line     int
	id       uuid.UUID
	user     uuid.UUID
	project  *uuid.UUID
	task     *uuid.UUID
	tags     []uuid.UUID
	desc     string
	start    time.Time
	stop     time.Time
	zone     string
	billable bool
}

// importWork is a plan with the rows it creates, ready to write.
type importWork struct {
	plan     ImportPlan
	users    []User
	members  []Membership
	clients  []Client
	projects []Project
	tasks    []Task
	tags     []Tag
	entries  []importEntry
}

// Import plans an import and, unless it is a dry run or the file has problems (see
// ImportRequest.SkipProblems), writes it: first the people, clients, projects, tasks and
// tags it creates in one transaction, then the entries, one transaction per batch. A failed
// batch leaves the batches before it written; running the import again adds the rest.
func (s *Service) Import(ctx context.Context, a Actor, req ImportRequest) (ImportPlan, error) {
	if err := a.require(PermEntriesOwn); err != nil {
		return ImportPlan{}, err
	}
	var src *time.Location
	if req.Timezone != "" {
		var c checker
		checkTimezone(&c, "timezone", req.Timezone)
		if err := c.err(); err != nil {
			return ImportPlan{}, err
		}
		src, _ = time.LoadLocation(req.Timezone)
	} else {
		for _, r := range req.Rows {
			if r.Floating {
				return ImportPlan{}, fmt.Errorf("%w: %w", ErrImportZone, Invalid("timezone",
					"the file's times name no time zone: give the zone they were recorded in, such as Europe/Berlin"))
			}
		}
	}
	var w *importWork
	if req.DryRun {
		err := s.store.Read(ctx, func(tx Tx) error {
			var err error
			w, err = s.planImport(ctx, tx, a, req, src, s.Now())
			if err != nil {
				return err
			}
			return w.countExisting(ctx, tx, a)
		})
		if err != nil {
			return ImportPlan{}, err
		}
		w.plan.DryRun = true
		return w.plan, nil
	}
	err := s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
		var err error
		if w, err = s.planImport(ctx, tx, a, req, src, now); err != nil {
			return err
		}
		if len(w.plan.Problems) > 0 && !req.SkipProblems {
			return nil
		}
		return s.createImportRefs(ctx, tx, a, w, now)
	})
	if err != nil {
		return ImportPlan{}, err
	}
	if len(w.plan.Problems) > 0 && !req.SkipProblems {
		return w.plan, fmt.Errorf("%w: %d problem(s), nothing was imported", ErrImportProblems, len(w.plan.Problems))
	}
	if err := s.writeImportEntries(ctx, a, req, w); err != nil {
		return w.plan, err
	}
	w.plan.Written = true
	return w.plan, nil
}

// importKey derives a row's id: a name-based UUID (RFC 9562 version 5) in the tenant's
// namespace, over the kind of row and its identifying parts, as uuid.NewSHA1(tenant,
// kind 0 part 0 part …) gives it. It hashes from a buffer on the stack: built through a
// string, a copy of it and a new hasher, it cost three allocations a row of an import.
func importKey(tenant uuid.UUID, kind string, parts ...string) uuid.UUID {
	var buf [256]byte
	b := append(append(buf[:0], tenant[:]...), kind...)
	for _, p := range parts {
		b = append(append(b, 0), p...)
	}
	sum := sha1.Sum(b)
	var id uuid.UUID
	copy(id[:], sum[:])
	id[6] = 0x50 | id[6]&0x0f // version 5
	id[8] = 0x80 | id[8]&0x3f // RFC 9562 variant
	return id
}

// timeOrdered makes a derived id a UUIDv7 whose time is the entry's start and whose other
// bits come from key: still derived from the row alone, and ordered as entries are, so an
// import's rows land next to each other in tables and indexes kept in id order (SQLite's
// time_entries, the outbox's entity index) instead of all over them.
func timeOrdered(start time.Time, key uuid.UUID) uuid.UUID {
	var id uuid.UUID
	ms := uint64(max(start.UnixMilli(), 0))
	for i := range 6 {
		id[i] = byte(ms >> (40 - 8*i))
	}
	copy(id[6:], key[6:])
	id[6] = 0x70 | id[6]&0x0f // version 7
	id[8] = 0x80 | id[8]&0x3f // RFC 9562 variant
	return id
}

// importCatalog is the organization's people and catalog as an import maps names onto them.
type importCatalog struct {
	byEmail  map[string]Member
	byID     map[uuid.UUID]Member
	byName   map[string][]Member
	clients  map[string]Client
	projects map[string]Project
	tasks    map[taskKey]Task
	tags     map[string]Tag
}

// taskKey finds a task by its project and its name as fold gives it.
type taskKey struct {
	project uuid.UUID
	name    string
}

func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// folding is fold remembering what it gave: a file names the same few people, clients,
// projects, tasks and tags on row after row, and each is lowered once instead of on each.
func folding() func(string) string {
	seen := map[string]string{}
	return func(s string) string {
		v, ok := seen[s]
		if !ok {
			v = fold(s)
			seen[s] = v
		}
		return v
	}
}

func loadImportCatalog(ctx context.Context, tx Tx, sc Scope) (*importCatalog, error) {
	c := &importCatalog{byEmail: map[string]Member{}, byID: map[uuid.UUID]Member{}, byName: map[string][]Member{}, clients: map[string]Client{},
		projects: map[string]Project{}, tasks: map[taskKey]Task{}, tags: map[string]Tag{}}
	ms, err := allRows(func(p PageRequest) ([]Member, error) { return tx.Memberships().List(ctx, sc, p) },
		func(m Member) uuid.UUID { return m.UserID })
	if err != nil {
		return nil, fmt.Errorf("members: %w", err)
	}
	for _, m := range ms {
		c.byID[m.UserID] = m
		if m.Email != "" {
			c.byEmail[fold(m.Email)] = m
		}
		c.byName[fold(m.Name)] = append(c.byName[fold(m.Name)], m)
	}
	cl, err := allCatalog(ctx, sc, tx.Clients(), func(r Client) uuid.UUID { return r.ID })
	if err != nil {
		return nil, fmt.Errorf("clients: %w", err)
	}
	for _, r := range cl {
		c.clients[fold(r.Name)] = r
	}
	ps, err := allCatalog(ctx, sc, tx.Projects(), func(r Project) uuid.UUID { return r.ID })
	if err != nil {
		return nil, fmt.Errorf("projects: %w", err)
	}
	for _, r := range ps {
		c.projects[fold(r.Name)] = r
	}
	ts, err := allCatalog(ctx, sc, tx.Tasks(), func(r Task) uuid.UUID { return r.ID })
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	for _, r := range ts {
		k := taskKey{r.ProjectID, fold(r.Name)}
		if _, dup := c.tasks[k]; !dup {
			c.tasks[k] = r
		}
	}
	gs, err := allCatalog(ctx, sc, tx.Tags(), func(r Tag) uuid.UUID { return r.ID })
	if err != nil {
		return nil, fmt.Errorf("tags: %w", err)
	}
	for _, r := range gs {
		c.tags[fold(r.Name)] = r
	}
	return c, nil
}

// allRows reads every page of a list ordered by id.
func allRows[T any](list func(PageRequest) ([]T, error), id func(T) uuid.UUID) ([]T, error) {
	var out []T
	p := PageRequest{Limit: MaxPageLimit}
	for {
		rows, err := list(p)
		if err != nil {
			return nil, err
		}
		out = append(out, rows...)
		if len(rows) < p.Limit {
			return out, nil
		}
		p.After = &Cursor{ID: id(rows[len(rows)-1])}
	}
}

func allCatalog[T any](ctx context.Context, sc Scope, repo catalogRepo[T], id func(T) uuid.UUID) ([]T, error) {
	return allRows(func(p PageRequest) ([]T, error) {
		return repo.List(ctx, sc, CatalogFilter{Page: p, IncludeArchived: true})
	}, id)
}

// planImport maps every row onto the organization. It reads but writes nothing; the rows it
// would create are in the work it returns.
func (s *Service) planImport(ctx context.Context, tx Tx, a Actor, req ImportRequest, src *time.Location, now time.Time) (*importWork, error) {
	sc := a.Scope()
	cat, err := loadImportCatalog(ctx, tx, sc)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	w := &importWork{plan: ImportPlan{Format: req.Format, Timezone: req.Timezone, Rows: len(req.Rows) + len(req.Problems),
		Problems: slices.Clone(req.Problems)}, entries: make([]importEntry, 0, len(req.Rows))}
	fold := folding()
	org := a.OrgID.String()
	userKeys := map[uuid.UUID]string{}
	w.plan.Create = ImportCreates{Members: []string{}, Clients: []string{}, Projects: []string{}, Tasks: []string{}, Tags: []string{}}
	if w.plan.Problems == nil {
		w.plan.Problems = []ImportProblem{}
	}
	var only *Member
	if req.UserEmail != "" || req.UserID != uuid.Nil {
		m, ok := cat.byEmail[fold(req.UserEmail)]
		who := req.UserEmail
		if req.UserEmail == "" {
			m, ok = cat.byID[req.UserID]
			who = req.UserID.String()
		}
		if !ok || m.DeletedAt != nil {
			return nil, Invalid("user", "%s is not a member of this organization", who)
		}
		if m.UserID != a.UserID {
			if err := a.require(PermEntriesManageAll); err != nil {
				return nil, fmt.Errorf("importing time for %s: %w", who, err)
			}
		}
		only = &m
	}
	orgZone := orgTimezone(ctx, tx, a)
	userZones := map[uuid.UUID]string{}
	zoneOf := func(user uuid.UUID) string {
		if req.Timezone != "" {
			return req.Timezone
		}
		if z, ok := userZones[user]; ok {
			return z
		}
		z := orgZone
		if u, err := tx.Users().Get(ctx, sc, user); err == nil && u.Timezone != "" {
			z = u.Timezone
		}
		userZones[user] = z
		return z
	}
	newIDs := func(entity string, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
		if len(ids) == 0 {
			return nil, nil
		}
		return tx.Imports().Existing(ctx, sc, entity, ids)
	}
	// fresh picks a derived id unless a deleted row holds it, then a new one.
	fresh := func(entity string, id uuid.UUID) (uuid.UUID, error) {
		taken, err := newIDs(entity, []uuid.UUID{id})
		if err != nil {
			return id, fmt.Errorf("import: %w", err)
		}
		if taken[id] {
			return NewID(), nil
		}
		return id, nil
	}
	problem := func(line int, format string, args ...any) {
		w.plan.Problems = append(w.plan.Problems, ImportProblem{Line: line, Message: fmt.Sprintf(format, args...)})
	}
	// A device synced with a team server does not make members: the server does (people
	// and memberships are not pushed), so they are added there and come with a sync.
	team, err := optionalSetting(ctx, tx, settingSyncURL)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	newUsers := map[string]uuid.UUID{}
	seen := map[uuid.UUID]int{}
	when := placeRows(req.Rows, src, now)
	for i, r := range req.Rows {
		// Who.
		var user uuid.UUID
		email := fold(r.Email)
		switch {
		case only != nil:
			user = only.UserID
		case email != "":
			if m, ok := cat.byEmail[email]; ok {
				user = m.UserID
			} else if id, ok := newUsers[email]; ok {
				user = id
			} else if !a.Role.Can(PermMembersManage) {
				problem(r.Line, "%s is not a member of this organization, and only owners and admins add members; import with --user and your own e-mail to take the rows as yours", r.Email)
				continue
			} else if team != "" {
				problem(r.Line, "%s is not a member of the team; add them on the team server (stint invite create), sync, and import again, or import with --user", r.Email)
				continue
			} else {
				name := strings.TrimSpace(r.UserName)
				if name == "" {
					name = strings.TrimSpace(r.Email)
				}
				var c checker
				checkEmail(&c, "email", email)
				checkName(&c, "name", name, 200)
				if err := c.err(); err != nil {
					problem(r.Line, "member %s: %v", r.Email, err)
					continue
				}
				u, err := tx.Users().ByEmailAnyTenant(ctx, email, a.TenantID)
				switch {
				case err == nil:
				case errors.Is(err, ErrNotFound):
					id, err := fresh("user", importKey(a.TenantID, "user", email))
					if err != nil {
						return nil, err
					}
					u = User{ID: id, TenantID: a.TenantID, Email: email, Name: name, Timezone: orgZone, Meta: s.stamp(now)}
					w.users = append(w.users, u)
				default:
					return nil, fmt.Errorf("import: user %s: %w", email, err)
				}
				mid, err := fresh("membership", importKey(a.TenantID, "membership", a.OrgID.String(), u.ID.String()))
				if err != nil {
					return nil, err
				}
				w.members = append(w.members, Membership{ID: mid, TenantID: a.TenantID, OrganizationID: a.OrgID, UserID: u.ID, Role: RoleMember, Meta: s.stamp(now)})
				w.plan.Create.Members = append(w.plan.Create.Members, email)
				newUsers[email] = u.ID
				user = u.ID
			}
		default:
			// A file without e-mail addresses (Kimai, Stint, Timewarrior): a member of the
			// same name, else the one importing.
			user = a.UserID
			if ms := cat.byName[fold(r.UserName)]; len(ms) == 1 && r.UserName != "" {
				user = ms[0].UserID
			}
		}
		if user != a.UserID && !a.Role.Can(PermEntriesManageAll) {
			problem(r.Line, "the row is %s's time; only owners and admins import time for others (import with --user and your own e-mail to take the rows as yours)", nonEmpty(r.Email, r.UserName))
			continue
		}
		e := importEntry{line: r.Line, user: user, zone: zoneOf(user)}

		// When.
		if err := when[i].err; err != nil {
			problem(r.Line, "%v", err)
			continue
		}
		e.start, e.stop, e.desc = when[i].start, when[i].stop, when[i].desc

		// What.
		var client *Client
		if name := strings.TrimSpace(r.Client); name != "" {
			cl, ok := cat.clients[fold(name)]
			if !ok {
				if !a.Role.Can(PermClientsManage) {
					problem(r.Line, "client %q does not exist, and a %s may not create clients", name, a.Role)
					continue
				}
				if err := nameProblem(name, 200); err != nil {
					problem(r.Line, "client %q: %v", name, err)
					continue
				}
				id, err := fresh("client", importKey(a.TenantID, "client", a.OrgID.String(), fold(name)))
				if err != nil {
					return nil, err
				}
				cl = Client{ID: id, TenantID: a.TenantID, OrganizationID: a.OrgID, Name: name, Meta: s.stamp(now)}
				cat.clients[fold(name)] = cl
				w.clients = append(w.clients, cl)
				w.plan.Create.Clients = append(w.plan.Create.Clients, name)
			}
			client = &cl
		}
		var project *Project
		if name := strings.TrimSpace(r.Project); name != "" {
			p, ok := cat.projects[fold(name)]
			if !ok {
				if !a.Role.Can(PermProjectsManage) {
					problem(r.Line, "project %q does not exist, and a %s may not create projects", name, a.Role)
					continue
				}
				if err := nameProblem(name, 200); err != nil {
					problem(r.Line, "project %q: %v", name, err)
					continue
				}
				id, err := fresh("project", importKey(a.TenantID, "project", a.OrgID.String(), fold(name)))
				if err != nil {
					return nil, err
				}
				p = Project{ID: id, TenantID: a.TenantID, OrganizationID: a.OrgID, Name: name, Color: pickColor(id), Meta: s.stamp(now)}
				if client != nil {
					p.ClientID = &client.ID
				}
				// A project is billable by default when the file's first row on it is.
				p.Billable = r.Billable != nil && *r.Billable
				cat.projects[fold(name)] = p
				w.projects = append(w.projects, p)
				w.plan.Create.Projects = append(w.plan.Create.Projects, name)
			}
			project = &p
			e.project = &p.ID
		}
		if name := strings.TrimSpace(r.Task); name != "" {
			if project == nil {
				problem(r.Line, "task %q has no project; Stint's tasks belong to a project", name)
				continue
			}
			k := taskKey{project.ID, fold(name)}
			t, ok := cat.tasks[k]
			if !ok {
				if !a.Role.Can(PermTasksManage) {
					problem(r.Line, "task %q does not exist in %q, and a %s may not create tasks", name, project.Name, a.Role)
					continue
				}
				if err := nameProblem(name, 300); err != nil {
					problem(r.Line, "task %q: %v", name, err)
					continue
				}
				id, err := fresh("task", importKey(a.TenantID, "task", a.OrgID.String(), project.ID.String(), fold(name)))
				if err != nil {
					return nil, err
				}
				t = Task{ID: id, TenantID: a.TenantID, OrganizationID: a.OrgID, ProjectID: project.ID, Name: name, Meta: s.stamp(now)}
				cat.tasks[k] = t
				w.tasks = append(w.tasks, t)
				w.plan.Create.Tasks = append(w.plan.Create.Tasks, project.Name+" / "+name)
			}
			e.task = &t.ID
		}
		tagFailed := false
		for _, name := range r.Tags {
			name = strings.TrimSpace(name)
			tg, ok := cat.tags[fold(name)]
			if !ok {
				if !a.Role.Can(PermTagsManage) {
					problem(r.Line, "tag %q does not exist, and a %s may not create tags", name, a.Role)
					tagFailed = true
					break
				}
				if err := nameProblem(name, 100); err != nil {
					problem(r.Line, "tag %q: %v", name, err)
					tagFailed = true
					break
				}
				id, err := fresh("tag", importKey(a.TenantID, "tag", a.OrgID.String(), fold(name)))
				if err != nil {
					return nil, err
				}
				tg = Tag{ID: id, TenantID: a.TenantID, OrganizationID: a.OrgID, Name: name, Color: pickColor(id), Meta: s.stamp(now)}
				cat.tags[fold(name)] = tg
				w.tags = append(w.tags, tg)
				w.plan.Create.Tags = append(w.plan.Create.Tags, name)
			}
			if !slices.Contains(e.tags, tg.ID) {
				e.tags = append(e.tags, tg.ID)
			}
		}
		if tagFailed {
			continue
		}
		if len(e.tags) > maxTagsPerEntry {
			problem(r.Line, "has %d tags; an entry has at most %d", len(e.tags), maxTagsPerEntry)
			continue
		}
		switch {
		case r.Billable != nil:
			e.billable = *r.Billable
		case project != nil:
			e.billable = project.Billable
		}

		// The id: the row's content and how many equal rows came before it.
		var buf [16]byte
		binary.BigEndian.PutUint64(buf[:8], uint64(e.start.Unix()))
		binary.BigEndian.PutUint64(buf[8:], uint64(e.stop.Unix()))
		userKey, ok := userKeys[user]
		if !ok {
			userKey = user.String()
			userKeys[user] = userKey
		}
		content := importKey(a.TenantID, "time_entry", org, userKey, string(buf[:]),
			fold(r.Project), fold(r.Task), e.desc)
		n := seen[content]
		seen[content] = n + 1
		if n > 0 {
			content = importKey(a.TenantID, "time_entry", content.String(), fmt.Sprint(n))
		}
		e.id = timeOrdered(e.start, content)
		w.entries = append(w.entries, e)
	}
	slices.SortStableFunc(w.plan.Problems, func(x, y ImportProblem) int { return x.Line - y.Line })
	for _, e := range w.entries {
		w.plan.Seconds += int64(e.stop.Sub(e.start) / time.Second)
	}
	w.plan.Entries = len(w.entries)
	return w, nil
}

// placedRow is a row's instants and description as placeRows checks them, or why not.
type placedRow struct {
	start, stop time.Time
	desc        string
	err         error
}

// parallelRows is how many rows an import needs before placeRows checks them in two halves.
const parallelRows = 4096

// placeRows places every row's times (placeRow) and checks them and its description as one
// entry's are checked. Rows do not depend on each other here, so a long file's two halves
// are done side by side, on the second core, while the rest of the plan maps names in
// file order.
func placeRows(rows []ImportRow, src *time.Location, now time.Time) []placedRow {
	out := make([]placedRow, len(rows))
	place := func(from, to int) {
		for i := from; i < to; i++ {
			r, p := rows[i], &out[i]
			start, stop, err := placeRow(r, src)
			if err != nil {
				p.err = err
				continue
			}
			p.start, p.stop = start.UTC().Truncate(time.Second), stop.UTC().Truncate(time.Second)
			var c checker
			checkEntryTimes(&c, p.start, &p.stop, now)
			p.desc = NormalizeDescription(r.Description)
			checkDescription(&c, "description", p.desc, maxDescription)
			p.err = c.err()
		}
	}
	if len(rows) < parallelRows {
		place(0, len(rows))
		return out
	}
	var wg sync.WaitGroup
	half := len(rows) / 2
	wg.Go(func() { place(0, half) })
	place(half, len(rows))
	wg.Wait()
	return out
}

func nonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// nameProblem checks a name the import would create a row with.
func nameProblem(name string, max int) error {
	var c checker
	checkName(&c, "name", name, max)
	return c.err()
}

// countExisting moves the planned entries an earlier import wrote from Entries to Existing.
func (w *importWork) countExisting(ctx context.Context, tx Tx, a Actor) error {
	for i := 0; i < len(w.entries); i += ImportBatchSize {
		batch := w.entries[i:min(i+ImportBatchSize, len(w.entries))]
		ids := make([]uuid.UUID, len(batch))
		for j, e := range batch {
			ids[j] = e.id
		}
		got, err := tx.Imports().Existing(ctx, a.Scope(), "time_entry", ids)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		for _, e := range batch {
			if got[e.id] {
				w.plan.Existing++
				w.plan.Entries--
				w.plan.Seconds -= int64(e.stop.Sub(e.start) / time.Second)
			}
		}
	}
	return nil
}

// placeRow turns a row's times into instants. A floating row's wall clock is placed in src:
// a time the clocks skipped (spring forward) is a problem; a time they passed twice (fall
// back) is settled by the row's duration when it has one, else the earlier instant starts
// and the end is the first instant after the start.
func placeRow(r ImportRow, src *time.Location) (time.Time, time.Time, error) {
	if r.End.IsZero() && r.Duration <= 0 {
		return time.Time{}, time.Time{}, errors.New("has no end: a running timer is not imported")
	}
	if !r.Floating {
		end := r.End
		if end.IsZero() {
			end = r.Start.Add(r.Duration)
		}
		return r.Start, end, nil
	}
	starts := wallInstants(r.Start, src)
	if len(starts) == 0 {
		return time.Time{}, time.Time{}, fmt.Errorf("starts at %s, a time %s skips (daylight saving)", r.Start.Format("2006-01-02 15:04"), src)
	}
	if r.End.IsZero() {
		return starts[0], starts[0].Add(r.Duration), nil
	}
	ends := wallInstants(r.End, src)
	if len(ends) == 0 {
		return time.Time{}, time.Time{}, fmt.Errorf("ends at %s, a time %s skips (daylight saving)", r.End.Format("2006-01-02 15:04"), src)
	}
	if r.Duration > 0 {
		for _, s := range starts {
			for _, e := range ends {
				if e.Sub(s) == r.Duration {
					return s, e, nil
				}
			}
		}
	}
	for _, s := range starts {
		for _, e := range ends {
			if e.After(s) {
				return s, e, nil
			}
		}
	}
	return starts[0], ends[len(ends)-1], nil
}

// wallInstants returns the instants at which loc's clocks show w's wall time (held in UTC
// fields), earliest first: none in a gap, two in a repeated hour.
func wallInstants(w time.Time, loc *time.Location) []time.Time {
	guess := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, loc)
	var out []time.Time
	for _, probe := range []time.Time{guess.Add(-12 * time.Hour), guess.Add(12 * time.Hour)} {
		_, off := probe.Zone()
		t := w.Add(-time.Duration(off) * time.Second).In(loc)
		if t.Year() == w.Year() && t.YearDay() == w.YearDay() && t.Hour() == w.Hour() && t.Minute() == w.Minute() && t.Second() == w.Second() {
			if len(out) == 0 || !out[0].Equal(t) {
				out = append(out, t)
			}
		}
	}
	slices.SortFunc(out, func(x, y time.Time) int { return x.Compare(y) })
	return out
}

// createImportRefs writes the people, clients, projects, tasks and tags the plan creates,
// each under the permission its own service would require, with audit and change-log rows.
func (s *Service) createImportRefs(ctx context.Context, tx Tx, a Actor, w *importWork, now time.Time) error {
	sc := a.Scope()
	need := func(n int, p Permission) error {
		if n == 0 {
			return nil
		}
		return a.require(p)
	}
	for _, check := range []struct {
		n int
		p Permission
	}{{len(w.members), PermMembersManage}, {len(w.clients), PermClientsManage}, {len(w.projects), PermProjectsManage},
		{len(w.tasks), PermTasksManage}, {len(w.tags), PermTagsManage}} {
		if err := need(check.n, check.p); err != nil {
			return err
		}
	}
	for _, u := range w.users {
		if err := tx.Users().Insert(ctx, sc, u); err != nil {
			return fmt.Errorf("import: user %s: %w", u.Email, err)
		}
		if err := s.record(ctx, tx, sc, &a.UserID, change{action: "user.create", entity: "user", id: u.ID, meta: u.Meta, row: u}); err != nil {
			return err
		}
	}
	for _, m := range w.members {
		old, err := tx.Memberships().Get(ctx, sc, m.UserID)
		switch {
		case err == nil: // a removed member comes back, as AddMember revives one
			prev := s.touch(&old.Meta, now)
			old.DeletedAt, old.Role = nil, RoleMember
			m = old
			err = tx.Memberships().Update(ctx, sc, m, prev)
		case errors.Is(err, ErrNotFound):
			err = tx.Memberships().Insert(ctx, sc, m)
		}
		if err != nil {
			return fmt.Errorf("import: membership: %w", err)
		}
		if err := s.record(ctx, tx, sc, &a.UserID, change{action: "membership.create", entity: "membership", id: m.ID, org: &a.OrgID, meta: m.Meta, row: m}); err != nil {
			return err
		}
	}
	if err := insertImported(ctx, s, tx, a, "client", w.clients, tx.Clients(), func(r *Client) (uuid.UUID, Meta) { return r.ID, r.Meta }); err != nil {
		return err
	}
	if err := insertImported(ctx, s, tx, a, "project", w.projects, tx.Projects(), func(r *Project) (uuid.UUID, Meta) { return r.ID, r.Meta }); err != nil {
		return err
	}
	if err := insertImported(ctx, s, tx, a, "task", w.tasks, tx.Tasks(), func(r *Task) (uuid.UUID, Meta) { return r.ID, r.Meta }); err != nil {
		return err
	}
	return insertImported(ctx, s, tx, a, "tag", w.tags, tx.Tags(), func(r *Tag) (uuid.UUID, Meta) { return r.ID, r.Meta })
}

func insertImported[T any](ctx context.Context, s *Service, tx Tx, a Actor, entity string, rows []T, repo catalogRepo[T], key func(*T) (uuid.UUID, Meta)) error {
	for i := range rows {
		if err := repo.Insert(ctx, a.Scope(), rows[i]); err != nil {
			if errors.Is(err, ErrConflict) {
				return Conflict("a %s of the same name was created meanwhile; run the import again", entity)
			}
			return fmt.Errorf("import: %s: %w", entity, err)
		}
		id, meta := key(&rows[i])
		if err := s.record(ctx, tx, a.Scope(), &a.UserID, change{action: entity + ".create", entity: entity, id: id, org: &a.OrgID, meta: meta, row: rows[i]}); err != nil {
			return err
		}
	}
	return nil
}

// importOutbox reports whether the entries an import writes need change-log rows: only on
// a device connected to a team server, whose push sends its outbox. Elsewhere nothing reads
// them. A team server's outbox is never read (docs/sync.md), and a local workspace that is
// connected later hands every row to the server in one go: publishing queues each of its
// entries afresh (queueWorkspace) and joining writes each as a new row with its change-log
// row (moveWorkspace). Every entry still has its audit row, and the tenant's change
// counter still moves, so front ends polling LatestChange see the import.
func importOutbox(ctx context.Context, tx Tx) (bool, error) {
	url, err := optionalSetting(ctx, tx, settingSyncURL)
	return url != "", err
}

// writeImportEntries writes the planned entries a batch per transaction. Each batch skips
// the entries already there (an earlier import, or a device's that synced), so the
// import can be run again after a failure.
func (s *Service) writeImportEntries(ctx context.Context, a Actor, req ImportRequest, w *importWork) error {
	size := req.BatchSize
	if size <= 0 {
		size = ImportBatchSize
	}
	w.plan.Entries, w.plan.Seconds = 0, 0
	done := 0
	// In id order, which is start order (timeOrdered): each batch's rows then go to the end
	// of the entries' table and next to each other in its indexes, instead of all over them,
	// whatever order the file lists them in (exports often list the newest first).
	slices.SortFunc(w.entries, func(x, y importEntry) int { return bytes.Compare(x.id[:], y.id[:]) })
	// The batches' ids, stops and rows reuse the same arrays: a batch's are done with once
	// it is written (the store keeps none of them).
	idsBuf := make([]uuid.UUID, min(size, len(w.entries)))
	stopsBuf := make([]time.Time, len(idsBuf))
	rowsBuf := make([]ImportedEntry, 0, len(idsBuf))
	for i := 0; i < len(w.entries); i += size {
		batch := w.entries[i:min(i+size, len(w.entries))]
		var created int
		var secs int64
		err := s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
			created, secs = 0, 0
			ids := idsBuf[:len(batch)]
			others := false
			for j, e := range batch {
				ids[j] = e.id
				others = others || e.user != a.UserID
			}
			if others {
				if err := a.require(PermEntriesManageAll); err != nil {
					return err
				}
			}
			there, err := tx.Imports().Existing(ctx, a.Scope(), "time_entry", ids)
			if err != nil {
				return fmt.Errorf("import: %w", err)
			}
			outbox, err := importOutbox(ctx, tx)
			if err != nil {
				return fmt.Errorf("import: %w", err)
			}
			// One organization, actor and stop per row, shared by pointer; none is changed
			// after it is written.
			org, actor := a.OrgID, a.UserID
			stops := stopsBuf[:len(batch)]
			rows := rowsBuf[:0]
			for j, e := range batch {
				if there[e.id] {
					continue
				}
				stops[j] = e.stop
				te := TimeEntry{ID: e.id, TenantID: a.TenantID, OrganizationID: a.OrgID, UserID: e.user,
					ProjectID: e.project, TaskID: e.task, Description: e.desc, StartedAt: e.start, StoppedAt: &stops[j],
					Timezone: e.zone, Billable: e.billable, Source: SourceImport, TagIDs: e.tags, Meta: s.stamp(now)}
				if te.TagIDs == nil {
					te.TagIDs = []uuid.UUID{}
				}
				r := ImportedEntry{Entry: te,
					Audit: AuditEntry{ID: NewID(), TenantID: a.TenantID, OrganizationID: &org, ActorID: &actor,
						Action: "time_entry.import", Entity: "time_entry", EntityID: te.ID, At: now}}
				if outbox {
					fields, err := touchedFields("time_entry", nil, te, te.HLC)
					if err != nil {
						return err
					}
					r.Change = &Change{ID: NewID(), TenantID: a.TenantID, OrganizationID: &org, Entity: "time_entry", EntityID: te.ID,
						Op: OpUpsert, Version: te.Version, HLC: te.HLC, At: now, Fields: fields}
				}
				rows = append(rows, r)
				secs += int64(e.stop.Sub(e.start) / time.Second)
			}
			if len(rows) == 0 {
				return nil
			}
			if err := tx.Imports().InsertEntries(ctx, a.Scope(), rows); err != nil {
				return fmt.Errorf("import: the batch with line %d: %w", batch[0].line, err)
			}
			created = len(rows)
			return s.hlc.keepMark(ctx, tx)
		})
		if err != nil {
			return err
		}
		w.plan.Entries += created
		w.plan.Existing += len(batch) - created
		w.plan.Seconds += secs
		done += len(batch)
		if req.Progress != nil {
			req.Progress(done, len(w.entries))
		}
	}
	return nil
}

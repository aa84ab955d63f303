package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// SyncRows is the store read behind a sync pull (docs/sync.md). Every insert and update of a
// synced row takes the next value of a counter inside the writing transaction (the row's
// server version; one counter per tenant on PostgreSQL, one per database on SQLite), so
// versions follow commit order per tenant and a cursor that has seen version n never later
// meets a committed row of its tenant below n.
type SyncRows interface {
	// Pull returns, from one snapshot, the rows of s.TenantID with a server version above
	// after that vis may see, in version order, at most limit of them, tombstones included.
	// Its Cursor is the version to pass next: the last row's when More, else the tenant's
	// newest version (every version up to it was considered). A limit below 1 is taken as 1.
	Pull(ctx context.Context, s Scope, after int64, limit int, vis Visibility) (SyncPage, error)
	// PurgedThrough returns the highest server version among the tenant's purged
	// tombstones (0: none yet) and when the tenant was last purged (zero: never).
	PurgedThrough(ctx context.Context, s Scope) (int64, time.Time, error)
	// PurgeTombstones deletes the tenant's tombstoned clients, projects, tasks, tags and
	// time entries deleted before before that no row still names, moves the tenant's
	// purged_through up to the highest version among them, and notes at as its last purge.
	// It returns how many rows it deleted.
	PurgeTombstones(ctx context.Context, s Scope, before, at time.Time) (int64, error)
	// DropStale deletes the tenant's clients, projects, tasks, tags and time entries whose
	// server version is at most through, except rows with a change in the change log and
	// rows another row names. On a device that pulled everything again from 0 (a reset),
	// these are the rows the server no longer has. It returns how many rows it deleted.
	DropStale(ctx context.Context, s Scope, through int64) (int64, error)
	// InsertPulledEntries inserts time entries a device pulled, as the server sent them,
	// several to a statement: a first sync brings tens of thousands. Each row gets a
	// server version of its own, in the order given, as a row inserted alone would. A row
	// whose id or running entry is already there is left out, and nothing else stops the
	// others; it returns the ids it inserted. Rows must be the scope's tenant's and name
	// only rows the store has: a row naming a missing one fails the call.
	InsertPulledEntries(ctx context.Context, s Scope, es []TimeEntry) ([]uuid.UUID, error)
	// UpdatePulledEntries writes stopped time entries a device pulled over its live copies
	// (same id and organization), as the server sent them, several to a statement: a drain
	// pulls back every entry it pushed. Each row keeps its creation instant and gets a
	// server version of its own, as Update gives it; a row with no such copy is left out,
	// and it returns the ids it updated. A running entry is refused (ErrConflict): it may
	// meet the device's own running one, which one row at a time decides.
	UpdatePulledEntries(ctx context.Context, s Scope, es []TimeEntry) ([]uuid.UUID, error)
	// UnchangedPulledEntries returns the ids of the entries of es whose live copy (same id
	// and organization) already holds every field UpdatePulledEntries would write, its
	// bookkeeping included: a drain pulls back the entries it pushed, which the device has
	// as the server stored them, and need not write them again.
	UnchangedPulledEntries(ctx context.Context, s Scope, es []TimeEntry) ([]uuid.UUID, error)
	// ActivitySlot finds a live activity slot of s.OrgID by id, of any user.
	ActivitySlot(ctx context.Context, s Scope, id uuid.UUID) (ActivitySlot, error)
	// EntrySlots returns the live slots of an entry of s.OrgID starting at or after since,
	// by start.
	EntrySlots(ctx context.Context, s Scope, entryID uuid.UUID, since time.Time) ([]ActivitySlot, error)
	// Budget finds a live project budget of s.OrgID by id.
	Budget(ctx context.Context, s Scope, id uuid.UUID) (Budget, error)
	// InvoiceEntries lists the entries an invoice of s.OrgID marks, in id order.
	InvoiceEntries(ctx context.Context, s Scope, invoiceID uuid.UUID) ([]uuid.UUID, error)
}

// SyncKind names a synced table.
type SyncKind string

// The synced kinds, in the order a replica applies them within one version.
const (
	SyncOrganization SyncKind = "organization"
	SyncUser         SyncKind = "user"
	SyncMembership   SyncKind = "membership"
	SyncClient       SyncKind = "client"
	SyncProject      SyncKind = "project"
	SyncTask         SyncKind = "task"
	SyncTag          SyncKind = "tag"
	SyncRate         SyncKind = "rate"
	SyncBudget       SyncKind = "budget"
	SyncTimeEntry    SyncKind = "time_entry"
	SyncActivitySlot SyncKind = "activity_slot"
	SyncScreenshot   SyncKind = "screenshot"
)

// SyncKinds lists every synced kind. Rates and budgets name clients, projects and users;
// activity slots name their entry, so they come last.
var SyncKinds = []SyncKind{SyncOrganization, SyncUser, SyncMembership, SyncClient, SyncProject, SyncTask, SyncTag, SyncRate, SyncBudget,
	SyncTimeEntry, SyncActivitySlot, SyncInvoice, SyncInvoiceEntry, SyncScreenshot}

// SyncRow is one row of a pull: Row holds the value (Organization, User, Membership, Client,
// Project, Task, Tag, Rate, Budget, TimeEntry, SyncedSlot, Invoice or InvoiceMark, matching
// Kind); a tombstone has its DeletedAt set.
type SyncRow struct {
	Kind    SyncKind
	ID      uuid.UUID
	Version int64
	Row     any
}

// SyncPage is one page of a pull. Head is the tenant's newest version when the read began.
// Reset says the cursor is older than what the server still keeps (tombstones purged past
// it): the page has no rows, and the device pulls everything again from 0.
type SyncPage struct {
	Rows   []SyncRow
	Cursor int64
	Head   int64
	More   bool
	Reset  bool
}

// HLC returns the row's HLC stamp, which orders its writes for last-writer-wins.
func (r SyncRow) HLC() string {
	switch v := r.Row.(type) {
	case Organization:
		return v.HLC
	case User:
		return v.HLC
	case Membership:
		return v.HLC
	case Client:
		return v.HLC
	case Project:
		return v.HLC
	case Task:
		return v.HLC
	case Tag:
		return v.HLC
	case TimeEntry:
		return v.HLC
	case Rate:
		return v.HLC
	case Budget:
		return v.HLC
	case SyncedSlot:
		return v.HLC
	case Invoice:
		return v.HLC
	case InvoiceMark:
		return v.HLC
	case SyncedShot:
		return v.HLC
	}
	return ""
}

// Visibility is what one user may pull: per organization they belong to, its catalog and
// members, and either all its entries or only their own.
type Visibility struct {
	UserID uuid.UUID
	Orgs   []OrgVisibility
}

// OrgVisibility is one organization of a Visibility.
type OrgVisibility struct {
	OrgID      uuid.UUID
	AllEntries bool
}

// VisibilityFor derives a user's visibility from their memberships: live ones only, all
// entries where the role may read everyone's.
func VisibilityFor(userID uuid.UUID, ms []Membership) Visibility {
	v := Visibility{UserID: userID}
	for _, m := range ms {
		if m.UserID != userID || m.DeletedAt != nil {
			continue
		}
		v.Orgs = append(v.Orgs, OrgVisibility{OrgID: m.OrganizationID, AllEntries: m.Role.Can(PermEntriesReadAll)})
	}
	return v
}

// OrgIDs splits the visible organizations into those whose entries are all visible and
// those where only the user's own are.
func (v Visibility) OrgIDs() (all, own []uuid.UUID) {
	for _, o := range v.Orgs {
		if o.AllEntries {
			all = append(all, o.OrgID)
		} else {
			own = append(own, o.OrgID)
		}
	}
	return all, own
}

// NewSyncPage makes a page from candidate rows gathered per kind (each kind's first limit+1
// rows above the cursor, from one snapshot) and the tenant's newest version in that snapshot.
// Both stores build their pages here, so they page identically. User rows lose their
// password hash: it never leaves the server.
func NewSyncPage(rows []SyncRow, limit int, head int64) SyncPage {
	limit = max(limit, 1)
	slices.SortFunc(rows, func(a, b SyncRow) int {
		switch {
		case a.Version < b.Version:
			return -1
		case a.Version > b.Version:
			return 1
		}
		return 0
	})
	for i, r := range rows {
		if u, ok := r.Row.(User); ok {
			u.PasswordHash = ""
			rows[i].Row = u
		}
	}
	if len(rows) > limit {
		rows = rows[:limit:limit]
		return SyncPage{Rows: rows, Cursor: rows[len(rows)-1].Version, Head: head, More: true}
	}
	return SyncPage{Rows: rows, Cursor: head, Head: head}
}

// SyncProtocol is the version of the sync protocol this build speaks (docs/sync.md), and
// MinSyncProtocol the oldest it still serves: a request in a version outside them is
// refused with a ProtocolError. Version 2 added the fields a pushed change touched
// (Mutation.Fields); a version 1 push writes whole rows.
const (
	SyncProtocol    = 2
	MinSyncProtocol = 1
)

// supportedProtocol reports whether this build serves a request in protocol v.
func supportedProtocol(v int) bool { return v >= MinSyncProtocol && v <= SyncProtocol }

// Pull page sizes: DefaultSyncPullLimit rows when a request names no limit, at most
// MaxSyncPullLimit, which a device asks for: each page costs a request, a read on the
// server and a transaction on the device (1,000 until 2026-11; sync.Remote asks an older
// server for that many).
const (
	DefaultSyncPullLimit = 500
	MaxSyncPullLimit     = 5000
)

// SyncPullInput asks for the page of rows after Cursor (0: from the start), at most Limit
// of them (0: DefaultSyncPullLimit). Wait is the client's long-poll: how long the server may
// hold a pull that finds nothing new (at most MaxSyncWait); the HTTP handler does the
// waiting, PullSync itself always answers at once. Resync says the pull belongs to a resync
// from 0 after a reset: its cursor may be below purged_through, and it is not reset again.
type SyncPullInput struct {
	Protocol int
	Cursor   int64
	Limit    int
	Wait     time.Duration
	Resync   bool
}

// MaxSyncWait is the longest a server holds a waiting pull.
const MaxSyncWait = 30 * time.Second

// PullSync reads one page of the rows the actor may see whose server version is above the
// cursor (docs/sync.md, Pull): in each organization the actor belongs to, the organization,
// its members, its whole catalog, and every entry for manager and above or the actor's own
// for members; tombstones included, password hashes never. The memberships that decide
// this are read in the same snapshot as the rows.
func (s *Service) PullSync(ctx context.Context, a Actor, in SyncPullInput) (SyncPage, error) {
	if !supportedProtocol(in.Protocol) {
		return SyncPage{}, &ProtocolError{Client: in.Protocol, Server: SyncProtocol}
	}
	var c checker
	c.check(in.Cursor >= 0, "cursor", "must be 0 or more")
	c.check(in.Limit >= 0 && in.Limit <= MaxSyncPullLimit, "limit", "must be between 1 and %d", MaxSyncPullLimit)
	if c.fields != nil {
		return SyncPage{}, &ValidationError{Fields: c.fields}
	}
	limit := in.Limit
	if limit == 0 {
		limit = DefaultSyncPullLimit
	}
	var page SyncPage
	err := s.store.Read(ctx, func(tx Tx) error {
		orgs, err := tx.Organizations().ListForUser(ctx, a.Scope(), a.UserID)
		if err != nil {
			return fmt.Errorf("pull: organizations: %w", err)
		}
		ms := make([]Membership, 0, len(orgs))
		for _, o := range orgs {
			m, err := tx.Memberships().Get(ctx, Scope{TenantID: a.TenantID, OrgID: o.ID}, a.UserID)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return fmt.Errorf("pull: membership: %w", err)
			}
			ms = append(ms, m)
		}
		if in.Cursor > 0 && !in.Resync {
			through, _, err := tx.Sync().PurgedThrough(ctx, a.Scope())
			if err != nil {
				return fmt.Errorf("pull: %w", err)
			}
			if in.Cursor < through {
				// Tombstones above the cursor are gone: a delete the device has not
				// seen would never reach it. It starts again from 0.
				page = SyncPage{Reset: true, More: true}
				return nil
			}
		}
		page, err = tx.Sync().Pull(ctx, a.Scope(), in.Cursor, limit, VisibilityFor(a.UserID, ms))
		return err
	})
	if page.Rows == nil {
		page.Rows = []SyncRow{}
	}
	return page, err
}

// DefaultTombstoneRetention is how long a tombstone is kept for devices that have not
// pulled it yet (docs/sync.md, "Tombstones and resync"); Options.TombstoneRetention
// overrides it. A device whose cursor is older than a purged tombstone resyncs from 0.
const DefaultTombstoneRetention = 90 * 24 * time.Hour

// tombstonePurgeEvery is how often a tenant's tombstones are purged: the purge runs in a
// push's transaction when the last one is older than this.
const tombstonePurgeEvery = 24 * time.Hour

// PurgeTombstones deletes the tenant's tombstones older than the retention and moves its
// purged_through (docs/sync.md): devices whose cursor is below it resync from 0. It
// returns how many rows it deleted. It also sweeps the tenant's uploaded images that no
// screenshot names after ScreenshotImageGrace (sweepImages). Pushes run it once a day per
// tenant; a caller may run it at any time.
func (s *Service) PurgeTombstones(ctx context.Context, tenant uuid.UUID) (int64, error) {
	var n int64
	err := s.store.Write(ctx, func(tx Tx) error {
		var err error
		n, err = s.purgeTombstones(ctx, tx, Scope{TenantID: tenant}, s.Now())
		return err
	})
	return n, err
}

func (s *Service) purgeTombstones(ctx context.Context, tx Tx, sc Scope, now time.Time) (int64, error) {
	n, err := tx.Sync().PurgeTombstones(ctx, sc, now.Add(-s.tombstoneRetention), now)
	if err != nil {
		return 0, fmt.Errorf("purge tombstones: %w", err)
	}
	if n > 0 {
		s.log.InfoContext(ctx, "tombstones purged", "tenant_id", sc.TenantID, "rows", n)
	}
	swept, err := s.sweepImages(ctx, tx, sc, now.Add(-ScreenshotImageGrace))
	if err != nil {
		return 0, err
	}
	if swept > 0 {
		s.log.InfoContext(ctx, "screenshot images swept", "tenant_id", sc.TenantID, "images", swept)
	}
	return n, nil
}

// purgeTombstonesIfDue purges the tenant's tombstones when its last purge is a day old.
func (s *Service) purgeTombstonesIfDue(ctx context.Context, tx Tx, sc Scope, now time.Time) error {
	_, last, err := tx.Sync().PurgedThrough(ctx, sc)
	if err != nil {
		return fmt.Errorf("purge tombstones: %w", err)
	}
	if now.Sub(last) < tombstonePurgeEvery {
		return nil
	}
	_, err = s.purgeTombstones(ctx, tx, sc, now)
	return err
}

// settingSyncResync holds, while a device pulls everything again from 0, its own newest
// version when that pull from 0 began: every row the pull brings is written above it, so
// the rows still at or below it when the pull reaches the head are the ones the server no
// longer has or no longer shows the user.
const settingSyncResync = "sync.resync_through"

// startResync begins a resync from 0 after the server answered reset (docs/sync.md,
// "Tombstones and resync"): the cursor goes back to 0 and the device notes its newest
// version. The change log (pending changes) and the rows stay: pulled rows are written
// over them, pending ones are left as the device has them, and the rows the new pull does
// not bring are dropped when it ends (finishResync). A resync cut short resumes from its
// cursor with its mark; that takes no call here.
func (s *Service) startResync(ctx context.Context, a Actor) error {
	return s.store.Write(ctx, func(tx Tx) error { return s.beginResync(ctx, tx, a) })
}

// beginResync is startResync inside the transaction tx; a pulled page that changes what the
// user may see begins a resync this way in the transaction that applies it.
//
// The mark is always taken afresh, also when a resync is under way: a pull from 0 rewrites
// every row it brings above the device's newest version of now, and only that pull decides
// what stays. An older mark would spare the rows written since it, among them rows the
// interrupted resync pulled under the reach it had then (a member promoted and demoted
// again keeping the owner's entries the promotion brought).
func (s *Service) beginResync(ctx context.Context, tx Tx, a Actor) error {
	mark, err := tx.Changes().LatestSeq(ctx, Scope{TenantID: a.TenantID})
	if err != nil {
		return fmt.Errorf("resync: %w", err)
	}
	if err := tx.Device().Put(ctx, settingSyncResync, strconv.FormatInt(mark, 10)); err != nil {
		return fmt.Errorf("resync: %w", err)
	}
	s.log.InfoContext(ctx, "sync: pulling everything again")
	if err := keepDeferredAsNotices(ctx, tx, a.TenantID, s.Now()); err != nil {
		return fmt.Errorf("resync: %w", err)
	}
	return errors.Join(tx.Device().Put(ctx, settingSyncCursor, "0"), tx.Device().Delete(ctx, settingSyncDeferred),
		tx.Device().Delete(ctx, settingSyncDeferredHeads))
}

// deferredGiveUp is how many pulls in a row may reach the server's head while a deferred
// row still names a row the device does not have before the row is set aside. At the head
// the device holds every row the server lets its user see, so what the row names will not
// come by waiting: it is not the user's to see (or is gone). A few pulls leave room for
// what a round changes meanwhile (the device's own pushes answered, a resync begun).
const deferredGiveUp = 3

// settingSyncDeferredHeads counts, per deferred row, the pulls that reached the head while
// it still named a missing row (JSON, id to count).
const settingSyncDeferredHeads = "sync.deferred_heads"

// giveUpDeferred, in the transaction of a pull's last page, counts the rows still waiting
// for a row they name and sets aside those that have waited through deferredGiveUp heads:
// each leaves the deferred rows and is kept among the rejections the user sees (reason
// not_applied, outcome set aside, the row as the server sent it), never dropped silently;
// the device's own rows stay as they are, and a later pull that brings the row anew (or
// a resync) applies it if it can. Rows waiting for another reason (a running entry whose
// stop has not arrived) wait on: the push and pull of later rounds settle them. It returns
// the rows that still wait.
func (s *Service) giveUpDeferred(ctx context.Context, tx Tx, a Actor, rows []RemoteRow) ([]RemoteRow, error) {
	counts := map[uuid.UUID]int{}
	if v, err := optionalSetting(ctx, tx, settingSyncDeferredHeads); err != nil {
		return nil, err
	} else if v != "" {
		if err := json.Unmarshal([]byte(v), &counts); err != nil {
			return nil, fmt.Errorf("device setting %s is corrupt: %w", settingSyncDeferredHeads, err)
		}
	}
	next := map[uuid.UUID]int{}
	var wait, gone []RemoteRow
	for _, r := range rows {
		missing, err := missingReferent(ctx, tx, a.TenantID, r)
		if err != nil {
			return nil, fmt.Errorf("deferred %s %s: %w", r.Kind, r.ID, err)
		}
		switch n := counts[r.ID] + 1; {
		case !missing:
			wait = append(wait, r)
		case n >= deferredGiveUp:
			gone = append(gone, r)
		default:
			next[r.ID] = n
			wait = append(wait, r)
		}
	}
	if len(next) == 0 {
		if len(counts) > 0 {
			if err := tx.Device().Delete(ctx, settingSyncDeferredHeads); err != nil {
				return nil, err
			}
		}
	} else {
		b, err := json.Marshal(next)
		if err != nil {
			return nil, err
		}
		if err := tx.Device().Put(ctx, settingSyncDeferredHeads, string(b)); err != nil {
			return nil, err
		}
	}
	if len(gone) > 0 {
		s.log.WarnContext(ctx, "sync: pulled rows set aside", "rows", len(gone))
		msg := fmt.Sprintf("a change from the server names a row this device has not received after %d pulls "+
			"(it is not yours to see, or no longer exists), so it was set aside; the server keeps it, and this notice keeps it as it came", deferredGiveUp)
		if err := setAsideNotices(ctx, tx, gone, func(RemoteRow) string { return msg }, s.Now()); err != nil {
			return nil, err
		}
	}
	return wait, nil
}

// finishResync, in the transaction of a pull's last page, drops what a resync did not
// bring: rows at or below its mark without a pending change or a row naming them.
func finishResync(ctx context.Context, tx Tx, a Actor) error {
	v, err := tx.Device().Get(ctx, settingSyncResync)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("resync: %w", err)
	}
	mark, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return fmt.Errorf("device setting %s is corrupt: %w", settingSyncResync, err)
	}
	if _, err := tx.Sync().DropStale(ctx, Scope{TenantID: a.TenantID}, mark); err != nil {
		return fmt.Errorf("resync: %w", err)
	}
	return tx.Device().Delete(ctx, settingSyncResync)
}

// AppendJSON appends the row as a pull page carries it on the wire (RemoteRow's fields:
// kind, id, server_version, hlc, row), byte for byte as encoding/json writes it with HTML
// escaping off, and reports true. Time entries, nearly every row of a large pull, have an
// appender (jsonappend.go); for other kinds, or a value only encoding/json can judge, it
// returns b unchanged and false, and the caller encodes the row itself.
func (r SyncRow) AppendJSON(b []byte) ([]byte, bool) {
	e, ok := r.Row.(TimeEntry)
	if !ok {
		return b, false
	}
	out := append(b, `{"kind":`...)
	out = appendJSONString(out, string(r.Kind))
	out = append(out, `,"id":`...)
	out = appendJSONID(out, r.ID)
	out = append(out, `,"server_version":`...)
	out = strconv.AppendInt(out, r.Version, 10)
	out = append(out, `,"hlc":`...)
	out = appendJSONString(out, e.HLC)
	out = append(out, `,"row":`...)
	if out, ok = e.appendJSON(out); !ok {
		return b, false
	}
	return append(out, '}'), true
}

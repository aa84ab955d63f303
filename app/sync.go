package app

import (
	"context"
	"slices"

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
	SyncTimeEntry    SyncKind = "time_entry"
)

// SyncKinds lists every synced kind.
var SyncKinds = []SyncKind{SyncOrganization, SyncUser, SyncMembership, SyncClient, SyncProject, SyncTask, SyncTag, SyncTimeEntry}

// SyncRow is one row of a pull: Row holds the value (Organization, User, Membership, Client,
// Project, Task, Tag or TimeEntry, matching Kind); a tombstone has its DeletedAt set.
type SyncRow struct {
	Kind    SyncKind
	ID      uuid.UUID
	Version int64
	Row     any
}

// SyncPage is one page of a pull.
type SyncPage struct {
	Rows   []SyncRow
	Cursor int64
	More   bool
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
		return SyncPage{Rows: rows, Cursor: rows[len(rows)-1].Version, More: true}
	}
	return SyncPage{Rows: rows, Cursor: head}
}

package app

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
)

// Scope is the tenant (and, for organization data, the organization) every store call is
// confined to. Store implementations filter every statement on tenant data by it.
type Scope struct {
	TenantID uuid.UUID
	OrgID    uuid.UUID
}

// Store is persistence. Write runs fn in one serialised write transaction, so a mutation, its
// audit row and its change-log row commit together or not at all. Read runs fn against
// committed data without taking the write lock. Every implementation answers alike (the
// store/storetest suite holds them to it): a call whose context is already done fails with
// the context's error without running fn, and a store that is closed or cannot reach its
// database fails with ErrUnavailable.
type Store interface {
	Write(ctx context.Context, fn func(Tx) error) error
	Read(ctx context.Context, fn func(Tx) error) error
	// Ready reports whether the store is reachable and its schema current.
	Ready(ctx context.Context) error
	Close() error
}

// StatementReader is a Store that can read without a read transaction: ReadStatement runs fn
// with a Tx each of whose statements reads a snapshot of its own (SQLite runs a lone SELECT
// in one), sparing the transaction's BEGIN and ROLLBACK. It suits a read of one statement,
// or of statements that each check, inside themselves, the versions of what they were
// given (a member's summary with its kept rates). What would need one snapshot across
// statements fails with ErrNeedsSnapshot before running any, and the caller reads in Read.
type StatementReader interface {
	ReadStatement(ctx context.Context, fn func(Tx) error) error
}

// ErrNeedsSnapshot: a read given to StatementReader.ReadStatement needs one snapshot across
// its statements (or the store reads none without a transaction). The caller reads again
// in Read; it never leaves the service.
var ErrNeedsSnapshot = errors.New("read needs a transaction")

// Tx gives access to each area of the store inside one Read or Write.
type Tx interface {
	Tenants() Tenants
	Organizations() Organizations
	Users() Users
	Memberships() Memberships
	Clients() Clients
	Projects() Projects
	Tasks() Tasks
	Tags() Tags
	TimeEntries() TimeEntries
	Tokens() Tokens
	Invitations() Invitations
	Audit() AuditLog
	Changes() ChangeLog
	Sync() SyncRows
	Idempotency() IdempotencyRecords
	Device() DeviceSettings
	SyncMutations() SyncMutations
	Reports() Reports
	ActivitySlots() ActivitySlots
	Screenshots() Screenshots
	Imports() Imports
	Rates() Rates
	Budgets() Budgets
	Invoices() Invoices
}

// Tenants stores tenants. Scope.TenantID is the tenant itself.
type Tenants interface {
	Get(ctx context.Context, s Scope) (Tenant, error)
	Insert(ctx context.Context, t Tenant) error
}

// Organizations stores organizations of one tenant.
type Organizations interface {
	Get(ctx context.Context, s Scope, id uuid.UUID) (Organization, error)
	// ListForUser lists the organizations the user is a member of, oldest membership first.
	ListForUser(ctx context.Context, s Scope, userID uuid.UUID) ([]Organization, error)
	Insert(ctx context.Context, s Scope, o Organization) error
	Update(ctx context.Context, s Scope, o Organization, prevVersion int64) error
}

// Users stores users of one tenant.
type Users interface {
	Get(ctx context.Context, s Scope, id uuid.UUID) (User, error)
	// ByEmailAnyTenant is the one cross-tenant user lookup, used as such only by login
	// (adding a member passes the actor's tenant, never another). An e-mail address is
	// unique within a tenant but may have accounts in several tenants: tenantID picks the
	// tenant, uuid.Nil the account created first (lowest id).
	ByEmailAnyTenant(ctx context.Context, email string, tenantID uuid.UUID) (User, error)
	Insert(ctx context.Context, s Scope, u User) error
	Update(ctx context.Context, s Scope, u User, prevVersion int64) error
}

// Memberships stores roles of users in organizations (Scope.OrgID).
type Memberships interface {
	// Get returns the membership of a user in s.OrgID, deleted ones included (check DeletedAt).
	Get(ctx context.Context, s Scope, userID uuid.UUID) (Membership, error)
	List(ctx context.Context, s Scope, p PageRequest) ([]Member, error)
	// CountOwners counts live owners of s.OrgID.
	CountOwners(ctx context.Context, s Scope) (int, error)
	Insert(ctx context.Context, s Scope, m Membership) error
	Update(ctx context.Context, s Scope, m Membership, prevVersion int64) error
}

// Clients stores clients of one organization.
type Clients interface {
	Get(ctx context.Context, s Scope, id uuid.UUID) (Client, error)
	List(ctx context.Context, s Scope, f CatalogFilter) ([]Client, error)
	Insert(ctx context.Context, s Scope, c Client) error
	Update(ctx context.Context, s Scope, c Client, prevVersion int64) error
}

// Projects stores projects of one organization.
type Projects interface {
	Get(ctx context.Context, s Scope, id uuid.UUID) (Project, error)
	// ByName finds a live project by case-insensitive name.
	ByName(ctx context.Context, s Scope, name string) (Project, error)
	List(ctx context.Context, s Scope, f CatalogFilter) ([]Project, error)
	Insert(ctx context.Context, s Scope, p Project) error
	Update(ctx context.Context, s Scope, p Project, prevVersion int64) error
}

// Tasks stores tasks of one organization.
type Tasks interface {
	Get(ctx context.Context, s Scope, id uuid.UUID) (Task, error)
	List(ctx context.Context, s Scope, f CatalogFilter) ([]Task, error)
	Insert(ctx context.Context, s Scope, t Task) error
	Update(ctx context.Context, s Scope, t Task, prevVersion int64) error
}

// Tags stores tags of one organization.
type Tags interface {
	Get(ctx context.Context, s Scope, id uuid.UUID) (Tag, error)
	List(ctx context.Context, s Scope, f CatalogFilter) ([]Tag, error)
	Insert(ctx context.Context, s Scope, t Tag) error
	Update(ctx context.Context, s Scope, t Tag, prevVersion int64) error
}

// TimeEntries stores time entries with their tags.
type TimeEntries interface {
	// Get finds a live entry of s.OrgID.
	Get(ctx context.Context, s Scope, id uuid.UUID) (TimeEntry, error)
	// Running finds the user's running entry in any organization of s.TenantID.
	Running(ctx context.Context, s Scope, userID uuid.UUID) (TimeEntry, error)
	List(ctx context.Context, s Scope, f EntryFilter) ([]TimeEntry, error)
	// Insert fails with ErrConflict when the user already has a running entry.
	Insert(ctx context.Context, s Scope, e TimeEntry) error
	Update(ctx context.Context, s Scope, e TimeEntry, prevVersion int64) error
}

// Tokens stores API tokens. They belong to a user and are never synced.
type Tokens interface {
	// ByHashAnyTenant is the cross-tenant lookup that turns a bearer token into a principal.
	ByHashAnyTenant(ctx context.Context, hash []byte) (APIToken, error)
	// PrincipalAnyTenant resolves a token and an organization (nil: the user's oldest
	// membership) to the token and its user's live membership there in one lookup, the hot
	// path of every request. ErrNotFound when the token or the membership is missing.
	PrincipalAnyTenant(ctx context.Context, hash []byte, orgID *uuid.UUID) (APIToken, Membership, error)
	Get(ctx context.Context, s Scope, id uuid.UUID) (APIToken, error)
	ListForUser(ctx context.Context, s Scope, userID uuid.UUID) ([]APIToken, error)
	Insert(ctx context.Context, s Scope, t APIToken) error
	Touch(ctx context.Context, s Scope, id uuid.UUID, at time.Time) error
	Delete(ctx context.Context, s Scope, id uuid.UUID) error
}

// AuditLog is append-only: there is no update or delete.
type AuditLog interface {
	Append(ctx context.Context, s Scope, e AuditEntry) error
	List(ctx context.Context, s Scope, p PageRequest) ([]AuditEntry, error)
}

// ChangeLog is the sync outbox: a queue, not history. It holds at most one pending change
// per entity (the row itself is what gets pushed), and a change leaves once acknowledged.
type ChangeLog interface {
	// Append records a change, replacing the entity's earlier pending change if any; the
	// new change gets a Seq greater than every Seq handed out before.
	Append(ctx context.Context, s Scope, c Change) error
	// After lists the tenant's pending changes with Seq > afterSeq in order.
	After(ctx context.Context, s Scope, afterSeq int64, limit int) ([]Change, error)
	// LatestSeq is the highest Seq or server version ever handed out for the tenant (0
	// before the first change): it stays put when changes are acknowledged, so a cursor
	// never goes back. Seqs and server versions (SyncRows) come from one counter, so it
	// also moves when a synced row changes without a change-log row, and never on another
	// tenant's change.
	LatestSeq(ctx context.Context, s Scope) (int64, error)
	// Count is how many changes of the tenant are pending: one COUNT, so a status line
	// stays cheap with tens of thousands of changes queued offline.
	Count(ctx context.Context, s Scope) (int, error)
	// Acknowledge drops the tenant's changes with Seq <= throughSeq (the server has them)
	// and returns how many it dropped.
	Acknowledge(ctx context.Context, s Scope, throughSeq int64) (int64, error)
}

// IdempotencyRecords stores first responses to POSTs carrying an Idempotency-Key.
type IdempotencyRecords interface {
	Get(ctx context.Context, s Scope, userID uuid.UUID, key string) (IdempotencyRecord, error)
	// Insert fails with ErrConflict when the key is already recorded.
	Insert(ctx context.Context, s Scope, r IdempotencyRecord) error
	DeleteBefore(ctx context.Context, before time.Time) (int64, error)
}

// DeviceSettings are this installation's own settings (which local workspace it uses, its
// device id). They are not tenant data and never sync.
type DeviceSettings interface {
	Get(ctx context.Context, key string) (string, error)
	Put(ctx context.Context, key, value string) error
	// Delete removes key; a key that is not there is no error.
	Delete(ctx context.Context, key string) error
}

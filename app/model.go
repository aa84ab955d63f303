package app

import (
	"time"

	"github.com/google/uuid"
)

// Meta is the bookkeeping every synced row carries: optimistic-concurrency version,
// timestamps, the HLC stamp of its last change and a tombstone.
type Meta struct {
	Version   int64      `json:"version" doc:"Row version; send it back in If-Match to update safely."`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	DeletedAt *time.Time `json:"deleted_at,omitempty" doc:"Set when the row was deleted (tombstone)."`
	HLC       string     `json:"-"`
}

// Tenant is the isolation boundary: nothing crosses it.
type Tenant struct {
	ID   uuid.UUID `json:"id"`
	Name string    `json:"name"`
	Meta
}

// Organization belongs to a tenant and holds teams, projects and time.
type Organization struct {
	ID       uuid.UUID `json:"id"`
	TenantID uuid.UUID `json:"tenant_id"`
	Name     string    `json:"name"`
	Timezone string    `json:"timezone" doc:"IANA time zone used for days and weeks in reports."`
	// Activity holds the organization's rules for its members' activity timers
	// (app/organization.go).
	Activity ActivitySettings `json:"activity"`
	Meta
}

// User is a person in one tenant.
type User struct {
	ID           uuid.UUID `json:"id"`
	TenantID     uuid.UUID `json:"tenant_id"`
	Email        string    `json:"email,omitempty"`
	Name         string    `json:"name"`
	Timezone     string    `json:"timezone"`
	PasswordHash string    `json:"-"`
	Meta
}

// Membership gives a user a role in one organization.
type Membership struct {
	ID             uuid.UUID `json:"id"`
	TenantID       uuid.UUID `json:"tenant_id"`
	OrganizationID uuid.UUID `json:"organization_id"`
	UserID         uuid.UUID `json:"user_id"`
	Role           Role      `json:"role" enum:"owner,admin,manager,member"`
	Meta
}

// Member is a membership joined with its user, as organizations list them.
type Member struct {
	Membership
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

// Client is a customer projects are done for.
type Client struct {
	ID             uuid.UUID `json:"id"`
	TenantID       uuid.UUID `json:"tenant_id"`
	OrganizationID uuid.UUID `json:"organization_id"`
	Name           string    `json:"name"`
	Archived       bool      `json:"archived"`
	Meta
}

// Project groups tasks and time.
type Project struct {
	ID             uuid.UUID  `json:"id"`
	TenantID       uuid.UUID  `json:"tenant_id"`
	OrganizationID uuid.UUID  `json:"organization_id"`
	ClientID       *uuid.UUID `json:"client_id"`
	Name           string     `json:"name"`
	Color          string     `json:"color" doc:"#rrggbb"`
	Billable       bool       `json:"billable" doc:"Default for new time entries on this project."`
	Archived       bool       `json:"archived"`
	Meta
}

// Task is a unit of work inside a project.
type Task struct {
	ID             uuid.UUID `json:"id"`
	TenantID       uuid.UUID `json:"tenant_id"`
	OrganizationID uuid.UUID `json:"organization_id"`
	ProjectID      uuid.UUID `json:"project_id"`
	Name           string    `json:"name"`
	Done           bool      `json:"done"`
	Archived       bool      `json:"archived"`
	Meta
}

// Tag labels time entries.
type Tag struct {
	ID             uuid.UUID `json:"id"`
	TenantID       uuid.UUID `json:"tenant_id"`
	OrganizationID uuid.UUID `json:"organization_id"`
	Name           string    `json:"name"`
	Color          string    `json:"color"`
	Archived       bool      `json:"archived"`
	Meta
}

// EntrySource says how a time entry came to be.
type EntrySource string

// Entry sources.
const (
	SourceTimer  EntrySource = "timer"
	SourceManual EntrySource = "manual"
	SourceIdle   EntrySource = "idle"
	SourceImport EntrySource = "import"
)

// TimeEntry is a span of tracked time. StoppedAt nil means the timer is running. Instants are
// UTC; Timezone is where it was recorded, so its day is deterministic.
type TimeEntry struct {
	ID             uuid.UUID   `json:"id"`
	TenantID       uuid.UUID   `json:"tenant_id"`
	OrganizationID uuid.UUID   `json:"organization_id"`
	UserID         uuid.UUID   `json:"user_id"`
	ProjectID      *uuid.UUID  `json:"project_id"`
	TaskID         *uuid.UUID  `json:"task_id"`
	Description    string      `json:"description"`
	StartedAt      time.Time   `json:"started_at"`
	StoppedAt      *time.Time  `json:"stopped_at"`
	Timezone       string      `json:"timezone"`
	Billable       bool        `json:"billable"`
	Source         EntrySource `json:"source" enum:"timer,manual,idle,import"`
	TagIDs         []uuid.UUID `json:"tag_ids" nullable:"false"`
	Meta
}

// Running reports whether the entry's timer is still going.
func (e TimeEntry) Running() bool { return e.StoppedAt == nil }

// Duration is the entry's length, measured up to now while it runs.
func (e TimeEntry) Duration(now time.Time) time.Duration {
	end := now
	if e.StoppedAt != nil {
		end = *e.StoppedAt
	}
	if end.Before(e.StartedAt) {
		return 0
	}
	return end.Sub(e.StartedAt)
}

// TokenKind tells login sessions from personal API tokens.
type TokenKind string

// Token kinds.
const (
	TokenSession  TokenKind = "session"
	TokenPersonal TokenKind = "personal"
)

// APIToken is a bearer credential. Only its SHA-256 is stored; the secret is shown once.
type APIToken struct {
	ID         uuid.UUID  `json:"id"`
	TenantID   uuid.UUID  `json:"tenant_id"`
	UserID     uuid.UUID  `json:"user_id"`
	Name       string     `json:"name"`
	Kind       TokenKind  `json:"kind" enum:"session,personal"`
	Prefix     string     `json:"prefix" doc:"First characters of the token, to recognise it."`
	Hash       []byte     `json:"-"`
	ExpiresAt  *time.Time `json:"expires_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	CreatedAt  time.Time  `json:"created_at"`
	Version    int64      `json:"version"`
}

// AuditEntry is one append-only record of a mutation: who did what to which row.
type AuditEntry struct {
	ID             uuid.UUID  `json:"id"`
	TenantID       uuid.UUID  `json:"tenant_id"`
	OrganizationID *uuid.UUID `json:"organization_id"`
	ActorID        *uuid.UUID `json:"actor_id"`
	Action         string     `json:"action"`
	Entity         string     `json:"entity"`
	EntityID       uuid.UUID  `json:"entity_id"`
	At             time.Time  `json:"at"`
}

// ChangeOp is what a change-log row did to its entity.
type ChangeOp string

// Change operations.
const (
	OpUpsert ChangeOp = "upsert"
	OpDelete ChangeOp = "delete"
)

// Change is one outbox row, written in the same transaction as the mutation it describes.
// Seq is assigned by the store in commit order; ID is the mutation id sync uses to dedupe.
// It carries no copy of the row: what is pushed is the entity's row as it is then.
type Change struct {
	Seq            int64      `json:"seq"`
	ID             uuid.UUID  `json:"id"`
	TenantID       uuid.UUID  `json:"tenant_id"`
	OrganizationID *uuid.UUID `json:"organization_id"`
	Entity         string     `json:"entity"`
	EntityID       uuid.UUID  `json:"entity_id"`
	Op             ChangeOp   `json:"op"`
	Version        int64      `json:"version"`
	HLC            string     `json:"hlc"`
	At             time.Time  `json:"at"`
	// Fields are the fields of the row the pending change touched, each with the HLC
	// stamp of its last edit (app/changes.go); nil when not known, which pushes the whole
	// row at the change's stamp.
	Fields FieldStamps `json:"fields,omitzero"`
}

// IdempotencyRecord remembers the first response to a POST with an Idempotency-Key.
type IdempotencyRecord struct {
	TenantID    uuid.UUID
	UserID      uuid.UUID
	Key         string
	Method      string
	Path        string
	RequestHash []byte
	Status      int
	Headers     map[string]string
	Body        []byte
	CreatedAt   time.Time
}

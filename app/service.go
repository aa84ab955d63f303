package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Service holds every use case. Front ends call it in-process; it owns the business rules.
type Service struct {
	store  Store // raw wrapped so that each commit wakes the sync waiters of its tenants
	raw    Store // as given to New
	clock  Clock
	hlc    *HLC
	hasher PasswordHasher
	log    *slog.Logger
	// notifier wakes sync pulls waiting on a tenant (app/syncnotify.go).
	notifier *syncNotifier
	// principals are Authenticate's recent lookups (app/principals.go).
	principals principals
	// rates are organizations' rates as last read, by version (app/ratecache.go).
	rates rateCache
	// zones are users' time zones as last read, for writeAssuming.
	zones userZones
	decoy struct {
		once sync.Once
		hash string
	}

	// tombstoneRetention: Options.TombstoneRetention.
	tombstoneRetention time.Duration
	// shots keeps screenshot images (nil: Options.ScreenshotDir is empty).
	shots *screenshotFiles
}

// Options configure a Service. Zero values pick production defaults.
type Options struct {
	Clock  Clock
	NodeID string // names this node in HLC stamps; defaults to a random id
	Hasher PasswordHasher
	Logger *slog.Logger
	// DurableHLC keeps the HLC's high-water mark in the store (app/hlc.go), so the node's
	// stamps never go back across a restart: what a device needs, whose stamps order its
	// user's edits under last writer wins. It costs a device-settings read and write about
	// once a second of writing; a PostgreSQL server, whose writes count round trips and
	// whose rows keep the devices' stamps, leaves it off.
	DurableHLC bool
	// TombstoneRetention is how long tombstones are kept before a purge deletes them
	// (default DefaultTombstoneRetention; tests shorten it).
	TombstoneRetention time.Duration
	// ScreenshotDir is where screenshot images are kept (app/screenshotfiles.go); empty,
	// screenshots can be neither taken nor shown.
	ScreenshotDir string
}

// New returns a Service over st.
func New(st Store, o Options) *Service {
	if o.Clock == nil {
		o.Clock = SystemClock{}
	}
	if o.NodeID == "" {
		o.NodeID = NewID().String()[24:]
	}
	if o.Hasher == nil {
		o.Hasher = DefaultPasswordHasher()
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.TombstoneRetention <= 0 {
		o.TombstoneRetention = DefaultTombstoneRetention
	}
	n := newSyncNotifier()
	h := NewHLC(o.Clock, o.NodeID)
	h.durable = o.DurableHLC
	svc := &Service{store: notifyingStore{Store: st, n: n, hlc: h}, raw: st, notifier: n,
		clock: o.Clock, hlc: h, hasher: o.Hasher, log: o.Logger,
		tombstoneRetention: o.TombstoneRetention}
	if o.ScreenshotDir != "" {
		svc.shots = &screenshotFiles{dir: o.ScreenshotDir}
	}
	return svc
}

// Store returns the store the service runs on.
func (s *Service) Store() Store { return s.raw }

// Now is the service clock's time, truncated to microseconds as stores keep it.
func (s *Service) Now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// Actor is who is acting, where: the authenticated user, its tenant, the selected organization
// and its role there. Every service call on tenant data takes one.
type Actor struct {
	TenantID uuid.UUID
	OrgID    uuid.UUID
	UserID   uuid.UUID
	Role     Role
	TokenID  uuid.UUID
}

// Scope confines store calls to the actor's tenant and organization.
func (a Actor) Scope() Scope { return Scope{TenantID: a.TenantID, OrgID: a.OrgID} }

// require fails with ErrForbidden unless the actor's role grants p.
func (a Actor) require(p Permission) error {
	if !a.Role.Can(p) {
		return fmt.Errorf("%s may not %s: %w", a.Role, p, ErrForbidden)
	}
	return nil
}

// write runs fn in one write transaction after re-reading the actor's membership inside it:
// the role that decides a mutation is the one its transaction sees, so a demotion or removal
// that commits first makes this fail (ErrForbidden, or ErrNotFound once the actor is no
// longer a member) exactly as if the two had run one after the other. fn gets the actor with
// that fresh role and the transaction's instant, taken after the writer is held, so instants
// follow commit order. Every mutation of organization data goes through here.
func (s *Service) write(ctx context.Context, a Actor, p Permission, fn func(tx Tx, a Actor, now time.Time) error) error {
	return s.store.Write(ctx, func(tx Tx) error {
		a, err := s.actorIn(ctx, tx, a, p)
		if err != nil {
			return err
		}
		return fn(tx, a, s.Now())
	})
}

// actorIn re-reads the actor's membership in tx and returns the actor with the role it
// holds there, or why it may not do p.
func (s *Service) actorIn(ctx context.Context, tx Tx, a Actor, p Permission) (Actor, error) {
	m, err := tx.Memberships().Get(ctx, a.Scope(), a.UserID)
	if err != nil {
		return a, fmt.Errorf("actor's membership: %w", err)
	}
	if m.DeletedAt != nil {
		return a, fmt.Errorf("actor's membership removed: %w", ErrNotFound)
	}
	a.Role = m.Role
	return a, a.require(p)
}

// ErrActorChanged is how a store reports that a check queued with CheckActorLater found the
// actor's membership, or its user's time zone, not as the check assumed. Nothing of the
// transaction has committed; writeAssuming runs it again as write does.
var ErrActorChanged = errors.New("the actor's membership or time zone is not as assumed")

// LaterActorCheck is a Memberships store that can check the actor with a transaction's
// writes instead of in a read before them (store/postgres: a statement sent in the COMMIT's
// round trip, ahead of the writes, which fails the transaction). Stores without it are
// read first, as write does.
type LaterActorCheck interface {
	// CheckActorLater queues, before the transaction's next writes, a check that userID is a
	// member of sc's organization with role, not removed, and, when zone is not "", that the
	// user's time zone is zone. When it is not, the transaction fails with ErrActorChanged
	// and commits nothing.
	CheckActorLater(sc Scope, userID uuid.UUID, role Role, zone string)
}

// writeAssuming is write for a mutation that may take the actor's role as authenticated
// (a.Role, from the principal) and, when zone is not "", its user's time zone as zone,
// instead of reading them in the transaction before its writes. On a store that checks them
// with the writes (LaterActorCheck), fn runs at once with them (its zone argument is zone)
// and the check goes out with the writes: a create on PostgreSQL is then one round trip.
// Should the role or the zone have changed, or the actor left the organization, before the
// check, the transaction fails without committing and write runs fn again, reading them
// (fn's zone is then ""), so the outcome is the one write gives. Elsewhere it is write.
func (s *Service) writeAssuming(ctx context.Context, a Actor, p Permission, zone string,
	fn func(tx Tx, a Actor, now time.Time, zone string) error) error {
	if a.Role == "" || !a.Role.Can(p) {
		// Nothing to assume, or an answer that must come from the membership the transaction
		// reads (ErrForbidden, or ErrNotFound for a member since removed).
		return s.write(ctx, a, p, func(tx Tx, a Actor, now time.Time) error { return fn(tx, a, now, "") })
	}
	err := s.store.Write(ctx, func(tx Tx) error {
		c, ok := tx.Memberships().(LaterActorCheck)
		if !ok {
			a, err := s.actorIn(ctx, tx, a, p)
			if err != nil {
				return err
			}
			return fn(tx, a, s.Now(), "")
		}
		c.CheckActorLater(a.Scope(), a.UserID, a.Role, zone)
		return fn(tx, a, s.Now(), zone)
	})
	if errors.Is(err, ErrActorChanged) {
		return s.write(ctx, a, p, func(tx Tx, a Actor, now time.Time) error { return fn(tx, a, now, "") })
	}
	return err
}

// maxUserZones bounds userZones; past it the cache starts over.
const maxUserZones = 4096

// userZones keeps users' time zones as the service last read them, for writes that take a
// user's zone as their default (a create without a time zone) to assume it instead of
// reading it (writeAssuming): the store checks it with the writes, so a zone changed since
// costs that write a second attempt, never a wrong zone.
type userZones struct {
	mu sync.Mutex
	m  map[uuid.UUID]string
}

// get returns the zone last read for the user, "" when there is none.
func (z *userZones) get(user uuid.UUID) string {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.m[user]
}

// put keeps the user's zone as read ("" forgets it).
func (z *userZones) put(user uuid.UUID, zone string) {
	z.mu.Lock()
	defer z.mu.Unlock()
	if zone == "" {
		delete(z.m, user)
		return
	}
	if z.m == nil || len(z.m) >= maxUserZones {
		z.m = make(map[uuid.UUID]string)
	}
	z.m[user] = zone
}

// stamp sets the bookkeeping of a row being created.
func (s *Service) stamp(now time.Time) Meta {
	return Meta{Version: 1, CreatedAt: now, UpdatedAt: now, HLC: s.hlc.Now()}
}

// touch advances the bookkeeping of a row being changed and returns its previous version.
// The row's new stamp sorts after its old one (HLC.NowAfter).
func (s *Service) touch(m *Meta, now time.Time) int64 {
	prev := m.Version
	m.Version++
	m.UpdatedAt = now
	m.HLC = s.hlc.NowAfter(m.HLC)
	return prev
}

// change describes one mutation for record.
type change struct {
	action string // audit action, e.g. "project.update"
	entity string // table-like entity name, e.g. "project"
	id     uuid.UUID
	org    *uuid.UUID
	meta   Meta
	row    any // the row after the change; the outbox keeps no copy of it (the row is pushed as it is then)
	// before is the row before an update, when the caller has it: the change-log row then
	// names the fields that changed (touchedFields), and a push applies only those. An
	// update without it pushes the whole row.
	before any
}

// record writes the audit row and the change-log row of a mutation inside its transaction.
func (s *Service) record(ctx context.Context, tx Tx, sc Scope, actor *uuid.UUID, c change) error {
	op := OpUpsert
	if c.meta.DeletedAt != nil {
		op = OpDelete
	}
	now := s.Now()
	if err := tx.Audit().Append(ctx, sc, AuditEntry{
		ID: NewID(), TenantID: sc.TenantID, OrganizationID: c.org, ActorID: actor,
		Action: c.action, Entity: c.entity, EntityID: c.id, At: now,
	}); err != nil {
		return fmt.Errorf("audit %s: %w", c.action, err)
	}
	var fields FieldStamps
	if op == OpUpsert && (c.before != nil || c.meta.Version == 1) {
		var err error
		if fields, err = touchedFields(c.entity, c.before, c.row, c.meta.HLC); err != nil {
			return fmt.Errorf("change log %s: %w", c.action, err)
		}
	}
	if err := tx.Changes().Append(ctx, sc, Change{
		ID: NewID(), TenantID: sc.TenantID, OrganizationID: c.org, Entity: c.entity, EntityID: c.id,
		Op: op, Version: c.meta.Version, HLC: c.meta.HLC, At: now, Fields: fields,
	}); err != nil {
		return fmt.Errorf("change log %s: %w", c.action, err)
	}
	return s.hlc.keepMark(ctx, tx)
}

// checkVersion compares a client's expected version (0: none given) with the stored one.
func checkVersion(expected, stored int64) error {
	if expected != 0 && expected != stored {
		return fmt.Errorf("expected version %d, stored %d: %w", expected, stored, ErrPrecondition)
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Sync push (docs/sync.md, Push): a device sends its change-log rows, each with the entity as
// it is now, and the server applies the batch in one write transaction through the same
// rules as the API, as the device's user. Each mutation is answered applied or rejected with
// a reason; a rejection does not stop the batch, an internal error rolls all of it back. The
// outcome of every mutation is kept for SyncMutationTTL under its id, so a retried batch gets
// the first answers back instead of applying anything twice.

// MaxPushBatch bounds a push: one write transaction stays short (docs/sync.md, Versions).
const MaxPushBatch = 500

// SyncMutationTTL is how long a pushed mutation's outcome is kept for retries: longer than
// any retry loop, shorter than tombstones.
const SyncMutationTTL = 30 * 24 * time.Hour

// maxPushSkew is how far ahead of the server's clock a pushed HLC stamp may be. The server
// observes every stamp it accepts, so one far in the future would drag every later stamp
// with it.
const maxPushSkew = 24 * time.Hour

// Entities a push may carry.
const (
	EntityClient    = "client"
	EntityProject   = "project"
	EntityTask      = "task"
	EntityTag       = "tag"
	EntityTimeEntry = "time_entry"
	// Rates and budgets are pushed from managers' devices; activity slots from the device
	// whose timer measured them (app/synctables.go).
	EntityRate         = "rate"
	EntityBudget       = "budget"
	EntityActivitySlot = "activity_slot"
	// Invoices are pushed once, by a workspace published with invoices of its own; a
	// connected device makes none (docs/sync.md, Invoices).
	EntityInvoice = "invoice"
	// Screenshots are pushed by the device whose timer took them, after their image
	// (app/syncshots.go).
	EntityScreenshot = "screenshot"
)

// pushedEntities are the entities a push may carry, as a device names them.
var pushedEntities = []string{EntityClient, EntityProject, EntityTask, EntityTag, EntityTimeEntry, EntityRate, EntityBudget, EntityActivitySlot,
	EntityInvoice, EntityOrganization, EntityScreenshot, EntityUser}

// pushedEntityList is pushedEntities in words, for a rejection's message.
var pushedEntityList = strings.Join(pushedEntities, ", ")

// MutationStatus is what became of a pushed mutation.
type MutationStatus string

// Mutation statuses.
const (
	MutationApplied  MutationStatus = "applied"
	MutationRejected MutationStatus = "rejected"
)

// RejectReason says why a mutation was rejected, in words a device can act on.
type RejectReason string

// Reject reasons.
const (
	RejectNotFound  RejectReason = "not_found" // the row (or what it names) does not exist for this user
	RejectForbidden RejectReason = "forbidden" // the user's role does not allow the change
	RejectInvalid   RejectReason = "invalid"   // the row breaks a validation rule
	RejectConflict  RejectReason = "conflict"  // the row cannot be applied to the current state
)

// Mutation is one pushed change-log row: its id (the dedup key), the device's sequence
// number and HLC stamp for it, and the entity as it is now on the device (Row, the entity's
// JSON as the API shows it). A delete may send no row, or only its organization_id.
type Mutation struct {
	ID        uuid.UUID       `json:"id"`
	DeviceSeq int64           `json:"device_seq"`
	HLC       string          `json:"hlc"`
	Entity    string          `json:"entity"`
	EntityID  uuid.UUID       `json:"entity_id"`
	Op        ChangeOp        `json:"op"`
	Row       json.RawMessage `json:"row,omitempty"`
	// Fields are the fields of Row the device's change touched, each with the HLC stamp of
	// its last edit: an update writes only these, each under last writer wins by its own
	// stamp. Nil (a device that does not send them) takes the whole row at HLC.
	Fields FieldStamps `json:"fields,omitzero"`
}

// PushBatch is what a device sends.
type PushBatch struct {
	Protocol  int
	DeviceID  string
	Mutations []Mutation
}

// MutationOutcome answers one mutation. Row is the row as the server now has it (omitted
// for deletes and when the user can no longer read it); Replayed marks an answer recorded by
// an earlier push of the same mutation.
type MutationOutcome struct {
	ID        uuid.UUID       `json:"id"`
	DeviceSeq int64           `json:"device_seq"`
	Status    MutationStatus  `json:"status" enum:"applied,rejected"`
	Reason    RejectReason    `json:"reason,omitempty" enum:"not_found,forbidden,invalid,conflict"`
	Message   string          `json:"message,omitempty"`
	Version   int64           `json:"version,omitempty" doc:"The row's version after the mutation."`
	Row       json.RawMessage `json:"row,omitempty" doc:"The row as the server has it now: after an applied mutation, and after a rejected one when the row exists and the user may read it (the device takes it over its own). A rejected mutation without it names a row the user does not have on the server."`
	HLC       string          `json:"hlc,omitempty" doc:"The HLC stamp of row, on a rejected mutation."`
	Lost      []string        `json:"lost,omitempty" doc:"Fields whose pushed value lost to a newer write and is kept in the row's conflict log."`
	Replayed  bool            `json:"replayed,omitempty"`
}

// SyncMutation is the stored outcome of one pushed mutation.
type SyncMutation struct {
	TenantID       uuid.UUID
	MutationID     uuid.UUID
	UserID         uuid.UUID
	OrganizationID uuid.UUID
	Entity         string
	EntityID       uuid.UUID
	Status         MutationStatus
	Reason         RejectReason
	Message        string
	Version        int64
	At             time.Time
}

// RowLocation is where a row with a given id lives, as far as one tenant may know.
type RowLocation struct {
	Found          bool      // some row has the id
	OtherTenant    bool      // ... and it belongs to another tenant (nothing else is told)
	OrganizationID uuid.UUID // the row's organization, when it is the tenant's
	Deleted        bool      // the tenant's row is a tombstone
}

// SyncMutations stores push outcomes (SyncMutation) per tenant.
type SyncMutations interface {
	// Lookup returns the stored outcomes of those of the mutations that have one, in no
	// particular order. It also holds every id until the transaction ends, so a concurrent
	// push of the same mutation waits for this one's outcome instead of applying it a
	// second time (ids are held in one order, so two pushes sharing ids cannot wait on
	// each other).
	Lookup(ctx context.Context, s Scope, mutationIDs []uuid.UUID) ([]SyncMutation, error)
	// Insert stores outcomes in one statement; ErrConflict, and none stored, when one of
	// the mutations is recorded already.
	Insert(ctx context.Context, s Scope, ms ...SyncMutation) error
	// DeleteBefore drops the tenant's outcomes recorded before the instant.
	DeleteBefore(ctx context.Context, s Scope, before time.Time) (int64, error)
	// LocateAnyTenant finds the rows of entity with these ids, tombstones included; an id
	// no row has is left out. Ids are global, so a device's new id may be taken in another
	// tenant: this is the one lookup that says so, and says nothing more about that row.
	LocateAnyTenant(ctx context.Context, s Scope, entity string, ids []uuid.UUID) (map[uuid.UUID]RowLocation, error)
	// FieldClocks returns a row's field clocks, or ErrNotFound when none are kept.
	FieldClocks(ctx context.Context, s Scope, entityID uuid.UUID) (FieldClocks, error)
	// PutFieldClocks replaces a row's field clocks.
	PutFieldClocks(ctx context.Context, s Scope, entityID uuid.UUID, c FieldClocks) error
	// AddConflicts appends to the conflict log.
	AddConflicts(ctx context.Context, s Scope, cs ...SyncConflict) error
	// Conflicts lists a row's conflict log, oldest first.
	Conflicts(ctx context.Context, s Scope, entityID uuid.UUID) ([]SyncConflict, error)
	// RecentConflicts lists the conflicts recorded on s.OrgID's rows, newest first (then by
	// id, descending), at most limit of them, before the (at, id) of before when it is set;
	// only those whose losing value user pushed when user is set.
	RecentConflicts(ctx context.Context, s Scope, user *uuid.UUID, before *SyncConflict, limit int) ([]SyncConflict, error)
}

// SyncConflict is a pushed field value that lost to a newer write of the same field (last
// writer wins per field, by HLC, docs/sync.md Conflicts), kept so the user can see what was
// not taken. The devices are the node ids at the end of the two stamps.
type SyncConflict struct {
	ID             uuid.UUID       `json:"id"`
	TenantID       uuid.UUID       `json:"-"`
	OrganizationID uuid.UUID       `json:"organization_id"`
	UserID         uuid.UUID       `json:"user_id" doc:"Who pushed the losing value."`
	MutationID     uuid.UUID       `json:"mutation_id"`
	Entity         string          `json:"entity"`
	EntityID       uuid.UUID       `json:"entity_id"`
	Field          string          `json:"field"`
	Kept           json.RawMessage `json:"kept" doc:"The value the row kept."`
	Lost           json.RawMessage `json:"lost" doc:"The pushed value that lost."`
	KeptHLC        string          `json:"kept_hlc"`
	LostHLC        string          `json:"lost_hlc"`
	At             time.Time       `json:"at"`
}

// FieldClocks are the HLC stamps of the last write of each field of a row, as of one row
// version: a write that is no push (the API, the desktop) moves the version without them,
// and then every field counts as written when the row last was.
type FieldClocks struct {
	Version int64
	Clocks  map[string]string
}

// ProtocolError is a push or pull in a protocol version this build does not speak; it is an
// ErrConflict, and says both versions so the client can tell its user to update.
type ProtocolError struct{ Client, Server int }

func (e *ProtocolError) Error() string {
	return fmt.Sprintf("sync protocol %d is not supported; this server speaks %d", e.Client, e.Server)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ProtocolError) Is(target error) bool { return target == ErrConflict }

// errPushRace: another push recorded one of the batch's mutations first; the batch is
// rolled back and run again, and finds that outcome.
var errPushRace = errors.New("a concurrent push recorded the same mutation")

// Push applies a batch of mutations as the actor's user (see the top of this file) and
// answers each, in order.
func (s *Service) Push(ctx context.Context, a Actor, b PushBatch) ([]MutationOutcome, error) {
	if !supportedProtocol(b.Protocol) {
		return nil, &ProtocolError{Client: b.Protocol, Server: SyncProtocol}
	}
	if len(b.Mutations) > MaxPushBatch {
		return nil, Invalid("mutations", "must have at most %d mutations; send the rest in another batch", MaxPushBatch)
	}
	for attempt := 0; ; attempt++ {
		out, err := s.pushOnce(ctx, a, b)
		if errors.Is(err, errPushRace) && attempt == 0 {
			continue
		}
		return out, err
	}
}

// pushRun is one attempt at a batch: the roles the actor has in each organization it named
// (read once per batch) and the outcomes recorded so far.
type pushRun struct {
	s     *Service
	a     Actor
	roles map[uuid.UUID]*Role // nil: not a member
	locs  map[uuid.UUID]RowLocation
	fresh []SyncMutation
	// members are the actor's memberships as the batch's transaction read them, by
	// organization; store is the service's store with those answering the services'
	// membership reads (pushStore).
	members map[uuid.UUID]Membership
	store   Store
	// svc is the service over store, for the reads and writes apply makes beside the
	// entity's service call (the row as it is, its field clocks).
	svc *Service
}

// pushStore is the store a batch's mutations are applied through: the service's own, except
// that reading the actor's membership in an organization is answered from the batch's first
// read of it. The services read it in every write (Service.write) to decide with the role the
// transaction sees; a batch is one transaction, and nothing it applies changes memberships,
// so the answer is the same each time, without a statement per mutation.
type pushStore struct {
	Store
	run *pushRun
}

// Write runs fn in a write of its own, or inside the group being applied (pushGroup).
func (s pushStore) Write(ctx context.Context, fn func(Tx) error) error {
	if g := s.run.groupOf(ctx); g != nil {
		err := fn(g.tx)
		if err != nil {
			// Its writes are not undone on their own inside the group: the group is.
			g.failed = true
		}
		return err
	}
	return s.Store.Write(ctx, func(tx Tx) error { return fn(pushTx{Tx: tx, run: s.run}) })
}

// Read runs fn in a read of its own, or inside the group being applied, whose writes it
// sees.
func (s pushStore) Read(ctx context.Context, fn func(Tx) error) error {
	if g := s.run.groupOf(ctx); g != nil {
		return fn(g.tx)
	}
	return s.Store.Read(ctx, func(tx Tx) error { return fn(pushTx{Tx: tx, run: s.run}) })
}

type pushTx struct {
	Tx
	run *pushRun
}

func (t pushTx) Memberships() Memberships {
	return pushMemberships{Memberships: t.Tx.Memberships(), run: t.run}
}

type pushMemberships struct {
	Memberships
	run *pushRun
}

func (m pushMemberships) Get(ctx context.Context, sc Scope, userID uuid.UUID) (Membership, error) {
	if sc.TenantID != m.run.a.TenantID || userID != m.run.a.UserID {
		return m.Memberships.Get(ctx, sc, userID)
	}
	if got, ok := m.run.members[sc.OrgID]; ok {
		return got, nil
	}
	got, err := m.Memberships.Get(ctx, sc, userID)
	if err == nil {
		m.run.members[sc.OrgID] = got
	}
	return got, err
}

// locate finds, in one read per entity, the rows the batch's new mutations name. Only the
// batch itself changes where they are while it runs (a row's id is made on one device),
// and apply keeps locs up to date with what it creates and deletes.
func (r *pushRun) locate(ctx context.Context, ms []Mutation, stored map[uuid.UUID]SyncMutation) error {
	ids := map[string][]uuid.UUID{}
	for _, m := range ms {
		if _, ok := stored[m.ID]; !ok && m.EntityID != uuid.Nil {
			ids[m.Entity] = append(ids[m.Entity], m.EntityID)
		}
	}
	return r.s.store.Read(ctx, func(tx Tx) error {
		for entity, list := range ids {
			if !slices.Contains(pushedEntities, entity) || entity == EntityOrganization || entity == EntityUser {
				// Rejected as invalid before it is looked at; an organization is where its
				// members are, and a user is the pushing one (apply).
				continue
			}
			found, err := tx.SyncMutations().LocateAnyTenant(ctx, Scope{TenantID: r.a.TenantID}, entity, list)
			if err != nil {
				return fmt.Errorf("locate %s rows: %w", entity, err)
			}
			for id, l := range found {
				r.locs[id] = l
			}
		}
		return nil
	})
}

func (s *Service) pushOnce(ctx context.Context, a Actor, b PushBatch) ([]MutationOutcome, error) {
	uctx, u, err := s.BeginUnit(ctx)
	if err != nil {
		return nil, err
	}
	defer u.Rollback()
	tenant := Scope{TenantID: a.TenantID}
	// The first Write holds the unit's transaction (and, on SQLite, the writer) from here on,
	// and Lookup holds each mutation id, so a concurrent push of the same batch waits and
	// then finds these outcomes.
	stored := map[uuid.UUID]SyncMutation{}
	ids := make([]uuid.UUID, len(b.Mutations))
	for i, m := range b.Mutations {
		ids[i] = m.ID
	}
	err = s.store.Write(uctx, func(tx Tx) error {
		rs, err := tx.SyncMutations().Lookup(uctx, tenant, ids)
		if err != nil {
			return fmt.Errorf("pushed mutations: %w", err)
		}
		for _, r := range rs {
			stored[r.MutationID] = r
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	run := &pushRun{s: s, a: a, roles: map[uuid.UUID]*Role{}, locs: map[uuid.UUID]RowLocation{}, members: map[uuid.UUID]Membership{}}
	run.store = pushStore{Store: s.store, run: run}
	run.svc = &Service{store: run.store, clock: s.clock, hlc: s.hlc, hasher: s.hasher, log: s.log}
	if err := run.locate(uctx, b.Mutations, stored); err != nil {
		return nil, err
	}
	out := make([]MutationOutcome, 0, len(b.Mutations))
	for i := 0; i < len(b.Mutations); {
		m := b.Mutations[i]
		if r, ok := stored[m.ID]; ok {
			o, err := run.replay(uctx, m, r)
			if err != nil {
				return nil, err
			}
			out = append(out, o)
			i++
			continue
		}
		// The new mutations from here up to one already answered, or listed twice (a
		// mutation listed twice is applied once, and the second answered from the first).
		j, seen := i+1, map[uuid.UUID]bool{m.ID: true}
		for ; j < len(b.Mutations); j++ {
			id := b.Mutations[j].ID
			if _, ok := stored[id]; ok || seen[id] {
				break
			}
			seen[id] = true
		}
		outs, recs, err := run.applyAll(uctx, b.Mutations[i:j])
		if err != nil {
			return nil, err
		}
		for k, o := range outs {
			m, rec := b.Mutations[i+k], recs[k]
			rec.TenantID, rec.MutationID, rec.UserID, rec.Entity, rec.EntityID = a.TenantID, m.ID, a.UserID, m.Entity, m.EntityID
			rec.Status, rec.Reason, rec.Message, rec.Version = o.Status, o.Reason, o.Message, o.Version
			stored[m.ID] = rec
			run.fresh = append(run.fresh, rec)
			out = append(out, o)
		}
		i = j
	}
	// Commit even if the device has gone away: its retry then finds the outcomes.
	err = u.Commit(context.WithoutCancel(uctx), func(tx Tx) error {
		now := s.Now()
		for i := range run.fresh {
			run.fresh[i].At = now
		}
		if len(run.fresh) > 0 {
			if err := tx.SyncMutations().Insert(uctx, tenant, run.fresh...); err != nil {
				if errors.Is(err, ErrConflict) {
					return fmt.Errorf("record pushed mutations: %w", errPushRace)
				}
				return fmt.Errorf("record pushed mutations: %w", err)
			}
		}
		if _, err := tx.SyncMutations().DeleteBefore(uctx, tenant, now.Add(-SyncMutationTTL)); err != nil {
			return fmt.Errorf("expire pushed mutations: %w", err)
		}
		return s.purgeTombstonesIfDue(uctx, tx, tenant, now)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Groups. Each mutation applied on its own is a write of its own in the batch's unit (a
// savepoint), so that a rejected one leaves nothing behind; on PostgreSQL that costs a round
// trip per mutation even when the mutation only inserts (its rows go out with the
// savepoint's release), and on SQLite a trip to the writer goroutine. A batch is therefore
// applied in groups: consecutive mutations in one write, each service call's write and read
// running inside it (pushStore), so a group of creates goes out in one round trip. A group
// is only kept whole: a mutation that is rejected, or whose service call fails, or any
// write of which fails, stops it, the group's write is rolled back, and the mutations before
// it are applied again as a group, the one that stopped it on its own (with its savepoint,
// as before), and the rest in a new group. A group whose write fails as a whole (a queued
// write refused at its release) is applied again one mutation at a time. Every mutation's
// outcome is therefore the one it gets on its own.

// pushGroup is the group being applied: the transaction of its write, and whether a service
// call's write inside it failed.
type pushGroup struct {
	run    *pushRun
	tx     Tx
	failed bool
}

type pushGroupKey struct{}

// groupOf returns the group ctx is applying for this run, or nil.
func (r *pushRun) groupOf(ctx context.Context) *pushGroup {
	g, _ := ctx.Value(pushGroupKey{}).(*pushGroup)
	if g == nil || g.run != r {
		return nil
	}
	return g
}

// errGroupStopped ends a group's write so that it rolls back.
var errGroupStopped = errors.New("push group stopped")

// applyAll applies new mutations in order (see Groups) and returns their outcomes and
// records; the error is a failure that rolls the batch back.
func (r *pushRun) applyAll(ctx context.Context, ms []Mutation) ([]MutationOutcome, []SyncMutation, error) {
	outs := make([]MutationOutcome, 0, len(ms))
	recs := make([]SyncMutation, 0, len(ms))
	for len(ms) > 0 {
		alone := 1
		if len(ms) > 1 {
			gouts, grecs, n := r.applyGroup(ctx, ms)
			outs, recs = append(outs, gouts...), append(recs, grecs...)
			ms, alone = ms[len(gouts):], n
		}
		for ; alone > 0 && len(ms) > 0; alone-- {
			m := ms[0]
			o, rec, err := r.apply(ctx, m)
			if err != nil {
				return nil, nil, fmt.Errorf("push %s %s: %w", m.Entity, m.EntityID, err)
			}
			outs, recs, ms = append(outs, o), append(recs, rec), ms[1:]
		}
	}
	return outs, recs, nil
}

// applyGroup applies the leading mutations of ms in one write and returns their outcomes,
// all of them applied, and how many of the mutations after them are to be applied on their
// own.
func (r *pushRun) applyGroup(ctx context.Context, ms []Mutation) ([]MutationOutcome, []SyncMutation, int) {
	outs, recs, stop, err := r.tryGroup(ctx, ms)
	switch {
	case err == nil:
		return outs, recs, 0
	case !errors.Is(err, errGroupStopped):
		return nil, nil, len(ms)
	case stop == 0:
		return nil, nil, 1
	}
	// Those before the one that stopped it, again: they were applied before, and apply
	// the same way now.
	if outs, recs, _, err = r.tryGroup(ctx, ms[:stop]); err != nil {
		return nil, nil, stop + 1
	}
	return outs, recs, 1
}

// tryGroup applies ms in one write, all of them or none: stop is the index of the mutation
// that stopped the group when err is errGroupStopped.
func (r *pushRun) tryGroup(ctx context.Context, ms []Mutation) (outs []MutationOutcome, recs []SyncMutation, stop int, err error) {
	type undo struct {
		id  uuid.UUID
		loc RowLocation
		had bool
	}
	var undos []undo
	err = r.store.Write(ctx, func(tx Tx) error {
		g := &pushGroup{run: r, tx: tx}
		gctx := context.WithValue(ctx, pushGroupKey{}, g)
		for i, m := range ms {
			loc, had := r.locs[m.EntityID]
			undos = append(undos, undo{m.EntityID, loc, had})
			o, rec, err := r.apply(gctx, m)
			if err != nil || o.Status != MutationApplied || g.failed {
				stop = i
				return errGroupStopped
			}
			outs, recs = append(outs, o), append(recs, rec)
		}
		return nil
	})
	if err != nil {
		for i := len(undos) - 1; i >= 0; i-- {
			if u := undos[i]; u.had {
				r.locs[u.id] = u.loc
			} else {
				delete(r.locs, u.id)
			}
		}
		return nil, nil, stop, err
	}
	return outs, recs, 0, nil
}

// actorIn is the actor acting in org with the role it has there, or ErrNotFound when it is
// not a member (a non-member learns nothing about the organization).
func (r *pushRun) actorIn(ctx context.Context, org uuid.UUID) (Actor, error) {
	a := r.a
	a.OrgID = org
	role, ok := r.roles[org]
	if !ok {
		err := r.store.Read(ctx, func(tx Tx) error {
			m, err := tx.Memberships().Get(ctx, a.Scope(), a.UserID)
			switch {
			case errors.Is(err, ErrNotFound):
				return nil
			case err != nil:
				return err
			case m.DeletedAt == nil:
				role = &m.Role
			}
			return nil
		})
		if err != nil {
			return a, fmt.Errorf("membership in %s: %w", org, err)
		}
		r.roles[org] = role
	}
	if role == nil {
		return a, fmt.Errorf("not a member of the organization: %w", ErrNotFound)
	}
	a.Role = *role
	return a, nil
}

// pushedHeader is what every pushed row has in common.
type pushedHeader struct {
	ID             uuid.UUID `json:"id"`
	OrganizationID uuid.UUID `json:"organization_id"`
}

// apply applies one mutation. A rejection is an outcome; the error is for failures that
// must roll the batch back (the store, the unit).
func (r *pushRun) apply(ctx context.Context, m Mutation) (MutationOutcome, SyncMutation, error) {
	o := MutationOutcome{ID: m.ID, DeviceSeq: m.DeviceSeq}
	var rec SyncMutation
	reject := func(err error) (MutationOutcome, SyncMutation, error) {
		reason, msg, ok := rejection(err)
		if !ok {
			return o, rec, err
		}
		o.Status, o.Reason, o.Message = MutationRejected, reason, msg
		if err := r.serverRow(ctx, m, rec.OrganizationID, &o); err != nil {
			return o, rec, err
		}
		return o, rec, nil
	}
	var h pushedHeader
	if err := r.s.checkMutation(m, &h); err != nil {
		return reject(err)
	}
	org := h.OrganizationID
	if org == uuid.Nil {
		org = r.a.OrgID
	}
	switch m.Entity {
	case EntityOrganization:
		org = m.EntityID
	case EntityUser:
		org = r.a.OrgID // a user belongs to no organization: the device's session's
	}
	rec.OrganizationID = org
	a, err := r.actorIn(ctx, org)
	if err != nil {
		return reject(err)
	}
	loc := r.locs[m.EntityID]
	switch m.Entity {
	case EntityOrganization:
		// Its user is a member of it (actorIn), so it is the tenant's, and live.
		loc = RowLocation{Found: true, OrganizationID: org}
	case EntityUser:
		// Only the device's own user, who is there: another's row is refused, and the
		// device takes the server's back (serverRow).
		if m.EntityID != a.UserID {
			return reject(fmt.Errorf("a device changes only its own user: %w", ErrForbidden))
		}
		loc = RowLocation{Found: true, OrganizationID: org}
	}
	create := !loc.Found
	switch {
	case loc.OtherTenant, loc.Found && loc.OrganizationID != org:
		return reject(fmt.Errorf("no such %s: %w", m.Entity, ErrNotFound))
	case loc.Deleted:
		return reject(Conflict("the %s was deleted", strings.ReplaceAll(m.Entity, "_", " ")))
	case create && m.Op == OpDelete:
		return reject(fmt.Errorf("no such %s: %w", m.Entity, ErrNotFound))
	}
	// The rows this mutation writes carry the device's stamp (docs/sync.md, Conflicts), and
	// the server's later stamps sort after it.
	if err := r.s.hlc.Observe(m.HLC); err != nil {
		return reject(Invalid("hlc", "must be an HLC stamp"))
	}
	var merged *fieldMerge
	if !create && m.Op == OpUpsert {
		if merged, err = r.svc.mergeFields(ctx, a, m); err != nil {
			return reject(err)
		}
		m.Row = merged.row
	}
	ps := r.s.stampingAs(m.HLC)
	ps.store = r.store
	row, version, err := ps.pushEntity(ctx, a, m, create)
	if err != nil {
		return reject(err)
	}
	if merged != nil {
		if err := r.svc.keepFields(ctx, a, m, merged, version); err != nil {
			return o, rec, err
		}
		for _, c := range merged.conflicts {
			o.Lost = append(o.Lost, c.Field)
		}
	}
	o.Status, o.Version, o.Row = MutationApplied, version, row
	r.locs[m.EntityID] = RowLocation{Found: true, OrganizationID: org, Deleted: m.Op == OpDelete}
	return o, rec, nil
}

// checkMutation checks what a mutation must be before anything is looked up, and decodes
// the row's header into h.
func (s *Service) checkMutation(m Mutation, h *pushedHeader) error {
	var c checker
	c.check(m.ID != uuid.Nil, "id", "is required")
	c.check(m.EntityID != uuid.Nil, "entity_id", "is required")
	if !slices.Contains(pushedEntities, m.Entity) {
		c.add("entity", "must be one of %s", pushedEntityList)
	}
	c.check(m.Op == OpUpsert || m.Op == OpDelete, "op", "must be upsert or delete")
	if wall, _, _, err := ParseHLC(m.HLC); err != nil {
		c.add("hlc", "must be an HLC stamp")
	} else if time.UnixMilli(wall).After(s.Now().Add(maxPushSkew)) {
		c.add("hlc", "is more than a day ahead of the server's clock; check the device's clock")
	}
	for f, at := range m.Fields {
		if !slices.Contains(pushedFields[m.Entity], f) {
			c.add("fields", "%q is not a field of a %s a device edits", f, m.Entity)
		} else if _, _, _, err := ParseHLC(at); err != nil || at > m.HLC {
			c.add("fields", "the stamp of %s must be an HLC stamp no later than hlc", f)
		}
	}
	if len(m.Row) > 0 && string(m.Row) != "null" {
		if err := decodeHeader(m.Row, h); err != nil {
			c.add("row", "must be the entity as JSON")
		} else if h.ID != uuid.Nil && h.ID != m.EntityID {
			c.add("row.id", "must be entity_id")
		}
	} else if m.Op != OpDelete {
		c.add("row", "is required")
	}
	return c.err()
}

// rejection turns what a service answered into a reason and a message for the device;
// ok is false for errors that are no rejection (the store failing, say).
func rejection(err error) (reason RejectReason, msg string, ok bool) {
	var ve *ValidationError
	var ce *ConflictError
	switch {
	case errors.As(err, &ve):
		return RejectInvalid, ve.Error(), true
	case errors.As(err, &ce):
		return RejectConflict, ce.Message, true
	case errors.Is(err, ErrPrecondition), errors.Is(err, ErrConflict):
		return RejectConflict, "the change conflicts with the current state", true
	case errors.Is(err, ErrForbidden):
		return RejectForbidden, "your role in this organization does not allow this", true
	case errors.Is(err, ErrNotFound):
		return RejectNotFound, "it, or a row it names, does not exist or is not yours to see", true
	}
	return "", "", false
}

// stampingAs returns a service whose writes carry stamp, the device's HLC for the mutation
// (later stamps in the same mutation, such as an older timer it stops, follow it), so a row
// keeps the stamp of the device's write instead of the moment the server saw it.
func (s *Service) stampingAs(stamp string) *Service {
	wall, logical, node, _ := ParseHLC(stamp)
	h := &HLC{clock: fixedClock(time.UnixMilli(wall)), node: node, wall: wall}
	if logical == 0 {
		h.wall-- // Now moves to wall with counter 0
	} else {
		h.logical = logical - 1
	}
	return &Service{store: s.store, clock: s.clock, hlc: h, hasher: s.hasher, log: s.log, shots: s.shots}
}

// fixedClock is a Clock that always reads one instant.
type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// pushEntity creates, updates or deletes the mutation's row through the entity's service
// rules and returns the row as JSON (nil after a delete) and its version.
func (s *Service) pushEntity(ctx context.Context, a Actor, m Mutation, create bool) (json.RawMessage, int64, error) {
	id := m.EntityID
	switch m.Entity {
	case EntityClient:
		var c Client
		return pushCatalog(ctx, s, a, m, create, &c, clients, func() (Client, error) {
			row := Client{ID: id, TenantID: a.TenantID, OrganizationID: a.OrgID, Name: strings.TrimSpace(c.Name), Archived: c.Archived}
			return clients.create(ctx, s, a, row, func(_ context.Context, _ Tx, n *Client) error {
				n.CreatedAt = bornAt(c.CreatedAt, n.CreatedAt)
				return validateClient(n)
			})
		}, func() (Client, error) {
			return s.UpdateClient(ctx, a, id, ClientPatch{Name: &c.Name, Archived: &c.Archived}, 0)
		})
	case EntityProject:
		var p Project
		return pushCatalog(ctx, s, a, m, create, &p, projects, func() (Project, error) {
			row := Project{ID: id, TenantID: a.TenantID, OrganizationID: a.OrgID, ClientID: p.ClientID,
				Name: strings.TrimSpace(p.Name), Color: p.Color, Billable: p.Billable, Archived: p.Archived}
			return projects.create(ctx, s, a, row, func(ctx context.Context, tx Tx, n *Project) error {
				n.CreatedAt = bornAt(p.CreatedAt, n.CreatedAt)
				return validateProject(ctx, tx, a, n)
			})
		}, func() (Project, error) {
			return s.UpdateProject(ctx, a, id, ProjectPatch{Name: &p.Name, ClientID: Nullable[uuid.UUID]{Set: true, Value: p.ClientID},
				Color: unlessEmpty(p.Color), Billable: &p.Billable, Archived: &p.Archived}, 0)
		})
	case EntityTask:
		var t Task
		return pushCatalog(ctx, s, a, m, create, &t, tasks, func() (Task, error) {
			row := Task{ID: id, TenantID: a.TenantID, OrganizationID: a.OrgID, ProjectID: t.ProjectID,
				Name: strings.TrimSpace(t.Name), Done: t.Done, Archived: t.Archived}
			return tasks.create(ctx, s, a, row, func(ctx context.Context, tx Tx, n *Task) error {
				n.CreatedAt = bornAt(t.CreatedAt, n.CreatedAt)
				return validateTask(ctx, tx, a, n)
			})
		}, func() (Task, error) {
			return s.UpdateTask(ctx, a, id, TaskPatch{ProjectID: &t.ProjectID, Name: &t.Name, Done: &t.Done, Archived: &t.Archived}, 0)
		})
	case EntityTag:
		var t Tag
		return pushCatalog(ctx, s, a, m, create, &t, tags, func() (Tag, error) {
			row := Tag{ID: id, TenantID: a.TenantID, OrganizationID: a.OrgID, Name: strings.TrimSpace(t.Name), Color: t.Color, Archived: t.Archived}
			return tags.create(ctx, s, a, row, func(_ context.Context, _ Tx, n *Tag) error {
				n.CreatedAt = bornAt(t.CreatedAt, n.CreatedAt)
				return validateTag(n)
			})
		}, func() (Tag, error) {
			return s.UpdateTag(ctx, a, id, TagPatch{Name: &t.Name, Color: unlessEmpty(t.Color), Archived: &t.Archived}, 0)
		})
	case EntityTimeEntry:
		return s.pushEntry(ctx, a, m, create)
	case EntityRate:
		return s.pushRate(ctx, a, m, create)
	case EntityBudget:
		return s.pushBudget(ctx, a, m, create)
	case EntityActivitySlot:
		return s.pushSlot(ctx, a, m, create)
	case EntityInvoice:
		return s.pushInvoice(ctx, a, m, create)
	case EntityOrganization:
		return s.pushOrganization(ctx, a, m, create)
	case EntityScreenshot:
		return s.pushShot(ctx, a, m, create)
	case EntityUser:
		return s.pushUser(ctx, a, m, create)
	}
	return nil, 0, Invalid("entity", "must be one of %s", pushedEntityList)
}

// bornAt is the creation instant a pushed row keeps: the device's, where the row was born
// (a device applies pulled rows without rewriting their creation instant, so the server
// keeping its own would leave the two apart for ever), even when the device's clock is ahead
// (its stamps are held within maxPushSkew); now when it sent none.
func bornAt(device, now time.Time) time.Time {
	if device.IsZero() {
		return now
	}
	return device.UTC().Truncate(time.Microsecond)
}

// unlessEmpty is a patch of a colour: a row without one keeps the stored colour.
func unlessEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// pushCatalog decodes the row into dst, then deletes, creates or updates it.
func pushCatalog[T any](ctx context.Context, s *Service, a Actor, m Mutation, create bool, dst *T, c catalog[T],
	insert func() (T, error), update func() (T, error)) (json.RawMessage, int64, error) {
	if m.Op == OpDelete {
		return nil, 0, c.remove(ctx, s, a, m.EntityID, 0)
	}
	if err := json.Unmarshal(m.Row, dst); err != nil {
		return nil, 0, Invalid("row", "must be a %s as JSON", c.entity)
	}
	var row T
	var err error
	if create {
		row, err = insert()
	} else {
		row, err = update()
	}
	if err != nil {
		return nil, 0, err
	}
	b, err := json.Marshal(row)
	return b, c.meta(&row).Version, err
}

// pushEntry applies a time entry as the device has it. A new entry keeps its source
// (timer entries come from devices too) and may be running: when the user already has a
// running entry, the one whose start has the older stamp is stopped at the other's start
// (docs/sync.md, Conflicts). An existing entry takes the device's fields; a device cannot
// restart an entry the server has stopped, and stopping a timer is never refused for its
// length. Timer entries are held to the API's rules except the manual-entry limits (a
// timer may run past a day, and a device's clock may be a little ahead of the server's).
func (s *Service) pushEntry(ctx context.Context, a Actor, m Mutation, create bool) (json.RawMessage, int64, error) {
	if m.Op == OpDelete {
		return nil, 0, s.DeleteTimeEntry(ctx, a, m.EntityID, 0)
	}
	var in TimeEntry
	if err := decodeEntry(m.Row, &in); err != nil {
		return nil, 0, Invalid("row", "must be a time entry as JSON")
	}
	if in.UserID == uuid.Nil {
		in.UserID = a.UserID
	}
	in.StartedAt = in.StartedAt.UTC().Truncate(time.Second)
	if in.StoppedAt != nil {
		in.StoppedAt = ptr(in.StoppedAt.UTC().Truncate(time.Second))
	}
	if in.Source == "" {
		in.Source = SourceManual
	}
	switch in.Source {
	case SourceManual, SourceImport, SourceTimer, SourceIdle:
	default:
		return nil, 0, Invalid("source", "must be timer, manual, idle or import")
	}
	var out TimeEntry
	err := s.write(ctx, a, PermEntriesOwn, func(tx Tx, a Actor, now time.Time) error {
		if create {
			e := TimeEntry{ID: m.EntityID, TenantID: a.TenantID, OrganizationID: a.OrgID, UserID: in.UserID,
				ProjectID: in.ProjectID, TaskID: in.TaskID, Description: strings.TrimSpace(in.Description),
				StartedAt: in.StartedAt, StoppedAt: in.StoppedAt, Timezone: in.Timezone, Billable: in.Billable,
				Source: in.Source, TagIDs: in.TagIDs}
			if err := writable(a, e); err != nil {
				return err
			}
			e.Meta = s.stamp(now)
			// The entry keeps the device's instants of its birth: the device's copy is then
			// the server's row as it stands, which the pull that brings it back need not
			// write again (SyncRows.UnchangedPulledEntries).
			e.CreatedAt = bornAt(in.CreatedAt, now)
			e.UpdatedAt = bornAt(in.UpdatedAt, now)
			if err := s.preparePushedEntry(ctx, tx, a, &e, now, true); err != nil {
				return err
			}
			if e.StoppedAt == nil {
				if err := s.oneRunning(ctx, tx, a, &e, now); err != nil {
					return err
				}
			}
			out = e
			return s.insertEntry(ctx, tx, a, e)
		}
		e, err := tx.TimeEntries().Get(ctx, a.Scope(), m.EntityID)
		if err != nil {
			return err
		}
		if err := writable(a, e); err != nil {
			return err
		}
		if err := checkInvoiceLock(ctx, tx, a, e); err != nil {
			return err
		}
		if in.UserID != e.UserID {
			return Invalid("user_id", "cannot change; delete the entry and create one for the other user")
		}
		timesChanged := !in.StartedAt.Equal(e.StartedAt)
		e.StartedAt = in.StartedAt
		switch {
		case in.StoppedAt == nil: // still running on the device, or stopped here meanwhile: keep
		case e.StoppedAt == nil: // the device stopped the timer
			e.StoppedAt = in.StoppedAt
		case !in.StoppedAt.Equal(*e.StoppedAt):
			e.StoppedAt, timesChanged = in.StoppedAt, true
		}
		e.ProjectID, e.TaskID, e.TagIDs = in.ProjectID, in.TaskID, in.TagIDs
		e.Description = strings.TrimSpace(in.Description)
		if in.Timezone != "" {
			e.Timezone = in.Timezone
		}
		e.Billable = in.Billable
		if err := s.preparePushedEntry(ctx, tx, a, &e, now, timesChanged); err != nil {
			return err
		}
		prev := s.touch(&e.Meta, now)
		if err := tx.TimeEntries().Update(ctx, a.Scope(), e, prev); err != nil {
			return err
		}
		out = e
		return s.recordEntry(ctx, tx, a, e, "time_entry.update")
	})
	if err != nil {
		return nil, 0, err
	}
	b, err := marshalEntry(out)
	return b, out.Version, err
}

// marshalEntry is json.Marshal of an entry, appended directly (jsonappend.go) when it can
// be: a drain answers thousands, and the device sends as many. The text differs from
// json.Marshal's only in leaving <, > and & unescaped, which decodes the same.
func marshalEntry(e TimeEntry) (json.RawMessage, error) {
	if b, ok := e.appendJSON(nil); ok {
		return b, nil
	}
	return json.Marshal(e)
}

// preparePushedEntry is prepareEntry with the manual-entry time limits for manual and
// imported entries only; timer entries need a plausible start and no stop before it.
func (s *Service) preparePushedEntry(ctx context.Context, tx Tx, a Actor, e *TimeEntry, now time.Time, timesChanged bool) error {
	manual := e.Source == SourceManual || e.Source == SourceImport
	if !manual && e.StoppedAt == nil && e.StartedAt.After(now) {
		e.StartedAt = now.Truncate(time.Second) // a device clock ahead of the server's: the timer runs from now
	}
	err := s.prepareEntry(ctx, tx, a, e, false, now, manual && timesChanged)
	var c checker
	if !manual {
		c.check(e.StartedAt.Year() >= earliestEntryYear, "started_at", "must be in %d or later", earliestEntryYear)
		c.check(e.StoppedAt == nil || !e.StoppedAt.Before(e.StartedAt), "stopped_at", "must not be before started_at")
	}
	var ve *ValidationError
	switch {
	case err == nil:
		return c.err()
	case errors.As(err, &ve):
		ve.Fields = append(ve.Fields, c.fields...)
	}
	return err
}

// oneRunning keeps one running entry per user when e, new and running, arrives while
// another entry of the user runs: the one whose stamp is older stops at the other's start.
func (s *Service) oneRunning(ctx context.Context, tx Tx, a Actor, e *TimeEntry, now time.Time) error {
	running, err := tx.TimeEntries().Running(ctx, Scope{TenantID: a.TenantID}, e.UserID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if e.HLC < running.HLC { // the pushed start is the older one
		e.StoppedAt = ptr(laterOf(running.StartedAt, e.StartedAt))
		return nil
	}
	running.StoppedAt = ptr(laterOf(e.StartedAt, running.StartedAt))
	prev := s.touch(&running.Meta, now)
	if err := tx.TimeEntries().Update(ctx, Scope{TenantID: running.TenantID, OrgID: running.OrganizationID}, running, prev); err != nil {
		return err
	}
	return s.recordEntry(ctx, tx, a, running, "time_entry.stop")
}

func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// replay answers a mutation already applied by an earlier push: its recorded outcome, and
// for an applied one the row as the user may read it now.
func (r *pushRun) replay(ctx context.Context, m Mutation, rec SyncMutation) (MutationOutcome, error) {
	o := MutationOutcome{ID: m.ID, DeviceSeq: m.DeviceSeq, Status: rec.Status, Reason: rec.Reason, Message: rec.Message,
		Version: rec.Version, Replayed: true}
	if rec.UserID != r.a.UserID || rec.Entity != m.Entity || rec.EntityID != m.EntityID {
		// A mutation id is made once, on one device: reuse for something else is a bug.
		o.Status, o.Reason, o.Message, o.Version = MutationRejected, RejectConflict, "this mutation id was used for another change", 0
		return o, nil
	}
	if rec.Status != MutationApplied {
		return o, r.serverRow(ctx, m, rec.OrganizationID, &o)
	}
	a, err := r.actorIn(ctx, rec.OrganizationID)
	if errors.Is(err, ErrNotFound) {
		return o, nil
	}
	if err != nil {
		return o, err
	}
	row, _, _, err := r.svc.currentRow(ctx, a, m.Entity, m.EntityID)
	if _, _, ok := rejection(err); ok {
		return o, nil // deleted since, or no longer readable: the outcome stands without a row
	}
	o.Row = row
	return o, err
}

// serverRow puts into a rejected outcome the row as the server has it, when it exists and
// the user may read it, so the device converges to it at once instead of keeping the change
// the server refused until the row next changes (docs/sync.md, Push).
func (r *pushRun) serverRow(ctx context.Context, m Mutation, org uuid.UUID, o *MutationOutcome) error {
	if org == uuid.Nil {
		org = r.a.OrgID
	}
	a, err := r.actorIn(ctx, org)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	row, hlc, _, err := r.svc.currentRow(ctx, a, m.Entity, m.EntityID)
	if _, _, ok := rejection(err); ok {
		return nil // not there, or not the user's to read: the device drops its copy
	}
	if err != nil {
		return err
	}
	o.Row, o.HLC = row, hlc
	return nil
}

// currentRow reads a live row the actor may read, as JSON, with its HLC and version.
func (s *Service) currentRow(ctx context.Context, a Actor, entity string, id uuid.UUID) (json.RawMessage, string, int64, error) {
	var row any
	var meta Meta
	var err error
	switch entity {
	case EntityClient:
		var c Client
		c, err = s.Client(ctx, a, id)
		row, meta = c, c.Meta
	case EntityProject:
		var p Project
		p, err = s.Project(ctx, a, id)
		row, meta = p, p.Meta
	case EntityTask:
		var t Task
		t, err = s.Task(ctx, a, id)
		row, meta = t, t.Meta
	case EntityTag:
		var t Tag
		t, err = s.Tag(ctx, a, id)
		row, meta = t, t.Meta
	case EntityTimeEntry:
		var e TimeEntry
		e, err = s.TimeEntry(ctx, a, id)
		row, meta = e, e.Meta
	case EntityRate:
		var r Rate
		r, err = s.rateByID(ctx, a, id)
		row, meta = r, r.Meta
	case EntityBudget:
		var b Budget
		b, err = s.budgetByID(ctx, a, id)
		row, meta = b, b.Meta
	case EntityActivitySlot:
		var v SyncedSlot
		v, err = s.slotByID(ctx, a, id)
		row, meta = v, v.Meta
	case EntityInvoice:
		var v Invoice
		v, err = s.InvoiceByID(ctx, a, id)
		row, meta = v, v.Meta
	case EntityOrganization:
		var v Organization
		v, err = s.Organization(ctx, a, id)
		row, meta = v, v.Meta
	case EntityScreenshot:
		var v SyncedShot
		v, err = s.shotByID(ctx, a, id)
		row, meta = v, v.Meta
	case EntityUser:
		var v User
		v, err = s.userByID(ctx, a, id)
		row, meta = v, v.Meta
	default:
		return nil, "", 0, Invalid("entity", "must be one of %s", pushedEntityList)
	}
	if err != nil {
		return nil, "", 0, err
	}
	b, err := json.Marshal(row)
	return b, meta.HLC, meta.Version, err
}

// pushedFields are the fields of each entity a device edits, and the units of last writer
// wins.
var pushedFields = map[string][]string{
	EntityClient:    {"name", "archived"},
	EntityProject:   {"name", "client_id", "color", "billable", "archived"},
	EntityTask:      {"project_id", "name", "done", "archived"},
	EntityTag:       {"name", "color", "archived"},
	EntityTimeEntry: {"project_id", "task_id", "description", "started_at", "stopped_at", "timezone", "billable", "tag_ids"},
	// A rate's key and effective instant never change (a change is a new rate); a budget's
	// project neither.
	EntityRate:   {"hourly"},
	EntityBudget: {"kind", "limit"},
	// A slot's figures are written by the device whose timer ran; its entry also moves on
	// the server when the entry is split there.
	EntityActivitySlot: {"entry_id", "tracked_seconds", "active_seconds", "keys", "clicks", "moves", "apps"},
	// An organization's settings, nested ones each on its own (app/syncorg.go).
	EntityOrganization: organizationFields,
	// What a user changes about themselves (app/syncuser.go).
	EntityUser: userFields,
}

// fieldMerge is a pushed update after last writer wins: the row to apply, the field clocks
// it leaves and the values that lost.
type fieldMerge struct {
	row       json.RawMessage
	clocks    map[string]string
	conflicts []SyncConflict
}

// mergeFields applies last writer wins per field to an update: a pushed field whose stamp
// is older than the last write of that field keeps the stored value, and the pushed one
// goes to the conflict log. Unchanged fields keep their clocks.
func (s *Service) mergeFields(ctx context.Context, a Actor, m Mutation) (*fieldMerge, error) {
	cur, rowHLC, version, err := s.currentRow(ctx, a, m.Entity, m.EntityID)
	if err != nil {
		return nil, err
	}
	var fc FieldClocks
	err = s.store.Read(ctx, func(tx Tx) error {
		var err error
		fc, err = tx.SyncMutations().FieldClocks(ctx, Scope{TenantID: a.TenantID}, m.EntityID)
		if errors.Is(err, ErrNotFound) {
			err = nil
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("field clocks: %w", err)
	}
	if fc.Version != version {
		fc.Clocks = nil // written since by something other than a push
	}
	var pushed, current map[string]json.RawMessage
	if err := json.Unmarshal(m.Row, &pushed); err != nil {
		return nil, Invalid("row", "must be a JSON object")
	}
	if err := json.Unmarshal(cur, &current); err != nil {
		return nil, fmt.Errorf("current row: %w", err)
	}
	flattenFields(pushed, pushedFields[m.Entity])
	flattenFields(current, pushedFields[m.Entity])
	out := &fieldMerge{clocks: map[string]string{}}
	for _, f := range pushedFields[m.Entity] {
		at := fc.Clocks[f]
		if at == "" {
			at = rowHLC
		}
		out.clocks[f] = at
		v, ok := pushed[f]
		// A device that names the fields it touched writes only those, each at the
		// stamp of its edit; one that does not writes every field at the change's.
		stamp := m.HLC
		if m.Fields != nil {
			touched := false
			if stamp, touched = m.Fields[f]; !touched {
				if _, had := current[f]; had {
					pushed[f] = current[f]
				}
				continue
			}
		}
		if !ok {
			continue
		}
		same := sameValue(v, current[f])
		if same && (m.Fields == nil || stamp <= at) {
			// Nothing to write. A whole row's field that holds the server's value was
			// most likely not touched, so it does not count as written.
			continue
		}
		if stamp >= at {
			// The newer write of the field, also one that leaves its value as it was
			// (a user setting it back): an older edit arriving later loses to it.
			out.clocks[f] = stamp
			continue
		}
		pushed[f] = current[f]
		out.conflicts = append(out.conflicts, SyncConflict{ID: NewID(), TenantID: a.TenantID, OrganizationID: a.OrgID,
			UserID: a.UserID, MutationID: m.ID, Entity: m.Entity, EntityID: m.EntityID, Field: f,
			Kept: current[f], Lost: v, KeptHLC: at, LostHLC: stamp})
	}
	if err := unflattenFields(pushed, pushedFields[m.Entity]); err != nil {
		return nil, Invalid("row", "must be a %s as JSON", strings.ReplaceAll(m.Entity, "_", " "))
	}
	out.row, err = json.Marshal(pushed)
	return out, err
}

// keepFields stores the field clocks an applied update leaves, for the row's new version,
// and the values that lost.
func (s *Service) keepFields(ctx context.Context, a Actor, m Mutation, fm *fieldMerge, version int64) error {
	return s.store.Write(ctx, func(tx Tx) error {
		sc := Scope{TenantID: a.TenantID}
		if err := tx.SyncMutations().PutFieldClocks(ctx, sc, m.EntityID, FieldClocks{Version: version, Clocks: fm.clocks}); err != nil {
			return fmt.Errorf("field clocks: %w", err)
		}
		now := s.Now()
		for i := range fm.conflicts {
			fm.conflicts[i].At = now
		}
		if err := tx.SyncMutations().AddConflicts(ctx, sc, fm.conflicts...); err != nil {
			return fmt.Errorf("conflict log: %w", err)
		}
		return nil
	})
}

// sameValue compares two JSON values of a field; instants compare by the second, as entries
// keep them.
func sameValue(x, y json.RawMessage) bool {
	var a, b any
	if json.Unmarshal(x, &a) != nil || json.Unmarshal(y, &b) != nil {
		return false
	}
	if sa, ok := a.(string); ok {
		if sb, ok := b.(string); ok {
			ta, ea := time.Parse(time.RFC3339Nano, sa)
			tb, eb := time.Parse(time.RFC3339Nano, sb)
			if ea == nil && eb == nil {
				return ta.Truncate(time.Second).Equal(tb.Truncate(time.Second))
			}
		}
	}
	if isEmptyList(a) && isEmptyList(b) { // tag_ids: null is no tags
		return true
	}
	return reflect.DeepEqual(a, b)
}

func isEmptyList(v any) bool {
	l, ok := v.([]any)
	return v == nil || ok && len(l) == 0
}

// SyncConflicts lists the conflict log of a row the actor may read, oldest first.
func (s *Service) SyncConflicts(ctx context.Context, a Actor, entity string, id uuid.UUID) ([]SyncConflict, error) {
	if _, _, _, err := s.currentRow(ctx, a, entity, id); err != nil {
		return nil, err
	}
	var out []SyncConflict
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.SyncMutations().Conflicts(ctx, Scope{TenantID: a.TenantID}, id)
		return err
	})
	return out, err
}

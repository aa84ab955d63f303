package app

import (
	"context"
	"sync"

	"github.com/google/uuid"
)

// A sync pull may wait for changes (docs/sync.md, Versioning and notification). Writes that
// commit through this Service wake the waiters of their tenant at once: the Service wraps
// its store so that each write transaction notes the tenants whose change log it appended
// to, and after a successful commit it wakes their waiters. Writes through another process
// (a second `stint serve` on the same database) are not seen here; waiters find them by
// re-reading their tenant's head now and then (server/sync.go).

// syncNotifier wakes the waiters of a tenant. Each tenant with waiters has one channel,
// closed (and forgotten) when the tenant changes; a tenant without waiters costs nothing.
type syncNotifier struct {
	mu      sync.Mutex
	tenants map[uuid.UUID]*syncWaiters
}

// syncWaiters is one tenant's current wake-up channel and how many wait on it.
type syncWaiters struct {
	ch chan struct{}
	n  int
}

func newSyncNotifier() *syncNotifier {
	return &syncNotifier{tenants: make(map[uuid.UUID]*syncWaiters)}
}

// subscribe returns a channel closed at the tenant's next committed change, and a release
// that the caller must call once it stops waiting on that channel.
func (n *syncNotifier) subscribe(tenantID uuid.UUID) (<-chan struct{}, func()) {
	n.mu.Lock()
	defer n.mu.Unlock()
	w := n.tenants[tenantID]
	if w == nil {
		w = &syncWaiters{ch: make(chan struct{})}
		n.tenants[tenantID] = w
	}
	w.n++
	var once sync.Once
	return w.ch, func() {
		once.Do(func() {
			n.mu.Lock()
			defer n.mu.Unlock()
			w.n--
			if w.n == 0 && n.tenants[tenantID] == w {
				delete(n.tenants, tenantID)
			}
		})
	}
}

// notify wakes every waiter of the tenants; later subscribers get a fresh channel.
func (n *syncNotifier) notify(tenantIDs []uuid.UUID) {
	if len(tenantIDs) == 0 {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, id := range tenantIDs {
		if w := n.tenants[id]; w != nil {
			close(w.ch)
			delete(n.tenants, id)
		}
	}
}

// waiting reports how many tenants have waiters, for tests.
func (n *syncNotifier) waiting() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.tenants)
}

// notifyingStore is the Service's store: a write that commits wakes the sync waiters of the
// tenants it changed. Reads pass through.
type notifyingStore struct {
	Store
	n   *syncNotifier
	hlc *HLC // reads its high-water mark at the start of each write (app/hlc.go)
}

// ReadStatement reads as the store's StatementReader does, if it is one; else it fails with
// ErrNeedsSnapshot, running nothing.
func (s notifyingStore) ReadStatement(ctx context.Context, fn func(Tx) error) error {
	if sr, ok := s.Store.(StatementReader); ok {
		return sr.ReadStatement(ctx, fn)
	}
	return ErrNeedsSnapshot
}

// Write runs fn as the store does and, once the transaction has committed, wakes the
// waiters of every tenant whose change log fn appended to. A transaction the store retries
// starts its list afresh, so only the attempt that committed counts.
// Inside a unit of work (BeginUnit) nothing commits before the unit does, so the tenants
// are handed to the unit, which wakes their waiters when it commits.
func (s notifyingStore) Write(ctx context.Context, fn func(Tx) error) error {
	var tenants []uuid.UUID
	_, inUnit := ctx.Value(notifyingUnitKey{}).(*notifyingUnit)
	err := s.Store.Write(ctx, func(tx Tx) error {
		tenants = tenants[:0]
		if !inUnit { // in a unit, the transaction may hold a mark of its own not yet committed
			if err := s.hlc.readMark(ctx, tx); err != nil {
				return err
			}
		}
		return fn(notifyingTx{Tx: tx, tenants: &tenants})
	})
	if err != nil {
		return err
	}
	if u, ok := ctx.Value(notifyingUnitKey{}).(*notifyingUnit); ok {
		u.add(tenants)
		return nil
	}
	s.n.notify(tenants)
	return nil
}

// notifyingUnitKey carries the notifyingUnit of a request's unit of work in its context.
type notifyingUnitKey struct{}

// notifyingUnit is a unit of work that wakes the sync waiters of the tenants its writes
// changed once it commits, and nobody when it rolls back.
type notifyingUnit struct {
	Unit
	n       *syncNotifier
	mu      sync.Mutex
	tenants []uuid.UUID
}

// notifyAfterUnit wraps a unit begun on the raw store (see notifyingStore.Write).
func (s *Service) notifyAfterUnit(ctx context.Context, u Unit) (context.Context, Unit) {
	nu := &notifyingUnit{Unit: u, n: s.notifier}
	return context.WithValue(ctx, notifyingUnitKey{}, nu), nu
}

func (u *notifyingUnit) add(tenants []uuid.UUID) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.tenants = append(u.tenants, tenants...)
}

// Commit commits the unit, then wakes the waiters of every tenant it changed.
func (u *notifyingUnit) Commit(ctx context.Context, fn func(Tx) error) error {
	var last []uuid.UUID
	err := u.Unit.Commit(ctx, func(tx Tx) error {
		last = last[:0]
		return fn(notifyingTx{Tx: tx, tenants: &last})
	})
	if err != nil {
		return err
	}
	u.mu.Lock()
	tenants := append(u.tenants, last...)
	u.mu.Unlock()
	u.n.notify(tenants)
	return nil
}

// notifyingTx is a write transaction that notes the tenants whose change log it appends to.
type notifyingTx struct {
	Tx
	tenants *[]uuid.UUID
}

func (t notifyingTx) Changes() ChangeLog {
	return notifyingChangeLog{ChangeLog: t.Tx.Changes(), tenants: t.tenants}
}

// notifyingChangeLog notes the tenant of each change it appends.
type notifyingChangeLog struct {
	ChangeLog
	tenants *[]uuid.UUID
}

func (c notifyingChangeLog) Append(ctx context.Context, s Scope, ch Change) error {
	if err := c.ChangeLog.Append(ctx, s, ch); err != nil {
		return err
	}
	for _, id := range *c.tenants {
		if id == s.TenantID {
			return nil
		}
	}
	*c.tenants = append(*c.tenants, s.TenantID)
	return nil
}

// SyncChanges returns a channel closed when a write through this Service next commits a
// change to the actor's tenant, and a release to call once the caller stops waiting (it
// must be called, or the tenant's channel is kept). Subscribe before reading the tenant's
// head (LatestChange): a change that commits after the read then closes the channel, and
// one that committed before is in the read, so none is missed. Writes through other
// processes do not close it.
func (s *Service) SyncChanges(a Actor) (<-chan struct{}, func()) {
	return s.notifier.subscribe(a.TenantID)
}

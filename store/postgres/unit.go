package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stinthq/stint/app"
)

// Units of work. A unit holds one READ COMMITTED transaction for a whole request, begun at
// its first Write (or Commit); each Write runs in a savepoint of its own, so a failed
// function loses only its own work, and Reads made with the unit's context after that read
// the unit's transaction. Nothing commits before Commit. A unit held longer than the
// store's unit deadline is rolled back, so a stuck request cannot hold row locks (the
// tenant's change-log counter among them) for ever; its later calls fail.

// DefaultUnitDeadline is how long a unit may hold its transaction before it is rolled back.
const DefaultUnitDeadline = 5 * time.Second

var (
	errUnitEnded = errors.New("unit of work already ended")
	// errUnitExpired is work past its deadline: the server answers it 503, as a request
	// past its store bound, and a device's push then sends a smaller batch.
	errUnitExpired = fmt.Errorf("unit of work held past its deadline and rolled back: %w", context.DeadlineExceeded)
)

type unitKey struct{}

// unit is one request's unit of work; it implements app.Unit. lock is a one-slot
// semaphore rather than a mutex so that waiting for it also ends when the unit does.
type unit struct {
	s       *Store
	lock    chan struct{}
	expired chan struct{} // closed when the deadline passes, before the unit is rolled back
	ended   chan struct{} // closed when the unit's transaction is over
	err     error         // why the unit ended, set before ended is closed
	tx      pgx.Tx        // nil until the first Write
	d       *db
	timer   *time.Timer
	begun   time.Time // when tx began, for the observer
}

// BeginUnit returns ctx carrying a new unit of work. No connection is held before the
// unit's first Write (or Commit).
func (s *Store) BeginUnit(ctx context.Context) (context.Context, app.Unit) {
	u := &unit{s: s, lock: make(chan struct{}, 1), expired: make(chan struct{}), ended: make(chan struct{})}
	return context.WithValue(ctx, unitKey{}, u), u
}

// unitFrom returns the unit ctx carries for this store, or nil.
func (s *Store) unitFrom(ctx context.Context) *unit {
	u, _ := ctx.Value(unitKey{}).(*unit)
	if u == nil || u.s != s {
		return nil
	}
	return u
}

// acquire takes the unit for one call; it fails once the unit has expired or ended, and
// waiting for it ends then too (a call made from inside one of the unit's own functions
// would otherwise wait for ever).
func (u *unit) acquire(ctx context.Context) error {
	select {
	case u.lock <- struct{}{}:
	case <-u.expired:
		return errUnitExpired
	case <-u.ended:
		return fmt.Errorf("%w (%w)", errUnitEnded, u.err)
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-u.expired:
		<-u.lock
		return errUnitExpired
	case <-u.ended:
		<-u.lock
		return fmt.Errorf("%w (%w)", errUnitEnded, u.err)
	default:
		return nil
	}
}

func (u *unit) release() { <-u.lock }

// begin starts the unit's transaction and its deadline; the caller holds the unit.
func (u *unit) begin(ctx context.Context) error {
	if u.tx != nil {
		return nil
	}
	tx, err := u.s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		err = fmt.Errorf("begin unit: %w", mapErr(err))
		u.endLocked(err)
		return err
	}
	u.tx, u.d, u.begun = tx, &db{c: tx, merged: &u.s.merged, outbox: u.s.outbox}, time.Now()
	u.timer = time.AfterFunc(u.s.unitDeadline, u.expire)
	return nil
}

// endLocked rolls the transaction back (if it is still open) and ends the unit with why;
// the caller holds the unit.
func (u *unit) endLocked(why error) {
	select {
	case <-u.ended:
		return
	default:
	}
	if u.timer != nil {
		u.timer.Stop()
	}
	if u.tx != nil {
		_ = u.tx.Rollback(context.Background())
	}
	u.err = why
	close(u.ended)
}

// expire rolls the unit back once its deadline passes. Calls waiting for the unit fail at
// once; a statement still running in it is cancelled on the server, and the rollback
// follows as soon as the call holding the unit lets go.
func (u *unit) expire() {
	close(u.expired)
	select {
	case u.lock <- struct{}{}:
	default:
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = u.tx.Conn().PgConn().CancelRequest(ctx)
		cancel()
		u.lock <- struct{}{}
	}
	u.endLocked(errUnitExpired)
	<-u.lock
}

// write runs fn in a savepoint of the unit's transaction.
func (u *unit) write(ctx context.Context, fn func(app.Tx) error) (err error) {
	if err := u.acquire(ctx); err != nil {
		return err
	}
	defer u.release()
	// A done context refuses this call only: the savepoint's own statements must not
	// fail with it, or the whole unit would end.
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := u.begin(ctx); err != nil {
		return err
	}
	tenant := u.d.tenant
	// The savepoint goes out with the function's first statement (or its release), not in a
	// round trip of its own: a push applies each mutation in one, and under load each round
	// trip costs a wait for PostgreSQL's process to be scheduled. While it is still queued
	// nothing of the function has reached the server, and undoing it is dropping the queue.
	queuedSavepoint := len(u.d.pending) == 0 && u.d.failed == nil
	if queuedSavepoint {
		u.d.pending = append(u.d.pending, queued{what: "unit savepoint", query: "SAVEPOINT unit_write"})
	} else if _, err := u.tx.Exec(context.WithoutCancel(ctx), "SAVEPOINT unit_write"); err != nil {
		err = fmt.Errorf("unit savepoint: %w", mapErr(err))
		u.endLocked(err)
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			u.endLocked(fmt.Errorf("unit write panicked: %v", p))
			panic(p)
		}
	}()
	ferr := fn(&txn{d: u.d})
	if ferr == nil {
		// The function's queued writes go out with the release of its savepoint.
		if ferr = u.d.finish(context.WithoutCancel(ctx), "RELEASE SAVEPOINT unit_write"); ferr == nil {
			return nil
		}
		ferr = fmt.Errorf("release unit savepoint: %w", mapErr(ferr))
	}
	// Undo this function's work only; the setting of app.tenant_id goes back with it, and
	// its writes still queued are dropped.
	unsent := queuedSavepoint && len(u.d.pending) > 0 && u.d.pending[0].query == "SAVEPOINT unit_write" && u.d.failed == nil
	u.d.pending, u.d.failed, u.d.ahead = nil, nil, nil // ahead may hold what the savepoint wrote
	if unsent {
		u.d.tenant = tenant
		return ferr
	}
	if _, err := u.tx.Exec(context.WithoutCancel(ctx), "ROLLBACK TO SAVEPOINT unit_write"); err != nil {
		err = fmt.Errorf("rollback to unit savepoint: %w", mapErr(err))
		u.endLocked(err)
		return errors.Join(ferr, err)
	}
	u.d.tenant = tenant
	return ferr
}

// read runs fn in the unit's transaction once it has one; ok is false when the unit has
// not written (or has ended), and the caller reads outside it.
func (u *unit) read(ctx context.Context, fn func(app.Tx) error) (ok bool, err error) {
	if err := u.acquire(ctx); err != nil {
		return false, nil
	}
	defer u.release()
	if u.tx == nil {
		return false, nil
	}
	if err := ctx.Err(); err != nil {
		return true, err
	}
	return true, fn(&txn{d: u.d})
}

// Commit runs fn as the unit's last function and commits the unit if it succeeds. Whatever
// happens, the unit has ended when Commit returns; an error means nothing of it was kept.
func (u *unit) Commit(ctx context.Context, fn func(app.Tx) error) (err error) {
	// Wait for the unit whatever ctx does (its deadline bounds the wait), so that a Commit
	// refused for its context still ends the unit.
	if err := u.acquire(context.Background()); err != nil {
		return err
	}
	defer u.release()
	if err := ctx.Err(); err != nil {
		u.endLocked(err)
		return err
	}
	if err := u.begin(ctx); err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			u.endLocked(fmt.Errorf("unit commit panicked: %v", p))
			panic(p)
		}
	}()
	if err := fn(&txn{d: u.d}); err != nil {
		u.endLocked(errUnitEnded)
		return err
	}
	if err := u.d.finish(ctx, ""); err != nil { // the queued writes, before the commit
		err = fmt.Errorf("commit unit: %w", mapErr(err))
		u.endLocked(err)
		return err
	}
	if !u.timer.Stop() {
		// The deadline passed while fn ran: expire is waiting to roll the unit back.
		u.endLocked(errUnitExpired)
		return errUnitExpired
	}
	if err := u.tx.Commit(ctx); err != nil {
		err = fmt.Errorf("commit unit: %w", mapErr(err))
		u.endLocked(err)
		return err
	}
	u.s.observeCommit(u.begun)
	u.endLocked(errUnitEnded) // its rollback of the committed transaction does nothing
	return nil
}

// Rollback discards the unit's work. It does nothing once the unit has ended.
func (u *unit) Rollback() {
	if err := u.acquire(context.Background()); err != nil {
		return
	}
	defer u.release()
	u.endLocked(errUnitEnded)
}

// SetUnitDeadline sets how long a unit of work may hold its transaction before it is
// rolled back (DefaultUnitDeadline unless set). Units that begin their transaction
// afterwards get it; call it while no unit is beginning.
func (s *Store) SetUnitDeadline(d time.Duration) { s.unitDeadline = d }

package sqlite

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/stinthq/stint/app"
)

// Units of work. A unit holds one write transaction across a whole request, so what the
// request changes and the record of its answer (an Idempotency-Key's) commit together or
// not at all. The writer goroutine serves a unit inside a SAVEPOINT of its current batch
// (write.go): it runs the unit's functions as they arrive, each write in a savepoint nested
// in the unit's, until the unit commits or rolls back. A unit that commits has released its
// savepoint into the batch; its Commit returns once the batch has committed, or fails with
// it. A unit that rolls back returns to its savepoint and leaves its batch-mates' work in
// place. A unit that is held longer than the store's unit deadline is rolled back the same
// way, so a stuck request cannot keep the writer from everyone else; its later calls fail.

// DefaultUnitDeadline is how long the writer serves one unit before rolling it back.
const DefaultUnitDeadline = 5 * time.Second

var (
	errUnitEnded = errors.New("unit of work already ended")
	// errUnitExpired is work past its deadline: the server answers it 503, as a request
	// past its store bound, and a device's push then sends a smaller batch.
	errUnitExpired = fmt.Errorf("unit of work held past its deadline and rolled back: %w", context.DeadlineExceeded)
)

type unitKey struct{}

type unitState int

const (
	unitIdle   unitState = iota // nothing written yet: the writer is not held
	unitActive                  // queued for or served by the writer
	unitEnded                   // committed, rolled back or expired
)

// unit is one request's unit of work; it implements app.Unit.
type unit struct {
	s       *Store
	mu      sync.Mutex
	state   unitState
	err     error         // why the unit ended, once it has
	ops     chan *unitOp  // to the writer, which serves one unit at a time
	ended   chan struct{} // closed when the unit's transaction is over
	expired chan struct{} // closed when the unit's deadline passes
}

type unitOp struct {
	ctx   context.Context
	fn    func(app.Tx) error
	read  bool // no savepoint: reads change nothing
	final bool // commit once fn succeeds
	abort bool // roll the unit back
	done  chan writeResult
}

var _ app.UnitStore = (*Store)(nil)

// BeginUnit returns ctx carrying a new unit of work. The writer is held only from the unit's
// first Write (or Commit) on.
func (s *Store) BeginUnit(ctx context.Context) (context.Context, app.Unit) {
	u := &unit{s: s, ops: make(chan *unitOp), ended: make(chan struct{}), expired: make(chan struct{})}
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

// Commit runs fn as the unit's last function and commits the unit if it succeeds. Whatever
// happens, the unit has ended when Commit returns; an error means nothing of it was kept.
func (u *unit) Commit(ctx context.Context, fn func(app.Tx) error) error {
	return u.run(&unitOp{ctx: ctx, fn: fn, final: true})
}

// Rollback discards the unit's work. It does nothing once the unit has ended.
func (u *unit) Rollback() {
	u.mu.Lock()
	if u.state == unitIdle {
		u.endLocked(errUnitEnded)
		u.mu.Unlock()
		return
	}
	u.mu.Unlock()
	_ = u.run(&unitOp{abort: true})
}

// end records why the unit ended and wakes everyone waiting on it.
func (u *unit) end(err error) {
	u.mu.Lock()
	u.endLocked(err)
	u.mu.Unlock()
}

func (u *unit) endLocked(err error) {
	if u.state == unitEnded {
		return
	}
	u.state, u.err = unitEnded, err
	close(u.ended)
}

// active reports whether the writer holds (or is about to hold) the unit's transaction.
func (u *unit) active() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.state == unitActive
}

// run hands op to the writer serving the unit, queueing the unit first if it is idle, and
// waits for the outcome.
func (u *unit) run(op *unitOp) error {
	op.done = make(chan writeResult, 1)
	// A call whose context is already done fails without running, as a plain Write does
	// (and as the PostgreSQL store's unit does); a Commit so refused ends the unit.
	if !op.abort {
		if err := op.ctx.Err(); err != nil {
			if op.final {
				u.Rollback()
			}
			return err
		}
	}
	u.mu.Lock()
	switch u.state {
	case unitEnded:
		err := u.err
		u.mu.Unlock()
		if op.abort {
			return nil
		}
		return fmt.Errorf("%w (%w)", errUnitEnded, err)
	case unitIdle:
		if op.abort {
			u.endLocked(errUnitEnded)
			u.mu.Unlock()
			return nil
		}
		if err := u.s.enqueue(context.Background(), &writeReq{unit: u}); err != nil {
			u.endLocked(err)
			u.mu.Unlock()
			return err
		}
		u.state = unitActive
	}
	u.mu.Unlock()
	// A function the writer runs for this unit must not wait for the writer itself: the
	// deadline frees such a call (and the writer) instead of leaving both stuck.
	var cancelled <-chan struct{} // a call not yet handed over may give up with its context
	if !op.abort && !op.final {
		cancelled = op.ctx.Done()
	}
	select {
	case u.ops <- op:
	case <-cancelled:
		return op.ctx.Err()
	case <-u.ended:
		if op.abort {
			return nil
		}
		return fmt.Errorf("%w (%w)", errUnitEnded, u.err)
	case <-u.expired:
		return errUnitExpired
	}
	res := <-op.done
	if res.panicked != nil {
		panic(res.panicked)
	}
	return res.err
}

// serveUnit runs the unit's functions in the batch's transaction, inside a savepoint of the
// unit's own, until the unit commits, rolls back, expires or the store closes. It runs on
// the writer goroutine. fatal reports a failure that leaves the transaction unusable; the
// unit has then ended with it.
func (s *Store) serveUnit(b *batch, u *unit) (fatal error) {
	b.members++
	q := cached{cache: s.wstmts, tx: b.tx}
	if _, err := q.ExecContext(context.Background(), "SAVEPOINT unit"); err != nil {
		err = fmt.Errorf("unit savepoint: %w", err)
		u.end(err)
		return err
	}
	timer := time.AfterFunc(s.unitDeadline, func() { close(u.expired) })
	defer timer.Stop()
	// discard rolls the unit back to its savepoint and ends it with why.
	discard := func(why error) error {
		if _, err := q.ExecContext(context.Background(), "ROLLBACK TO unit"); err != nil {
			err = fmt.Errorf("rollback to unit savepoint: %w", err)
			u.end(err)
			return err
		}
		if _, err := q.ExecContext(context.Background(), "RELEASE unit"); err != nil {
			err = fmt.Errorf("release unit savepoint: %w", err)
			u.end(err)
			return err
		}
		u.end(why)
		return nil
	}
	for {
		select {
		case op := <-u.ops:
			if op.abort {
				fatal := discard(errUnitEnded)
				op.done <- writeResult{}
				return fatal
			}
			res, fatal := s.runOne(b.tx, &writeReq{ctx: op.ctx, fn: op.fn}, !op.read && !op.final)
			switch {
			case fatal != nil:
				u.end(fatal)
				op.done <- writeResult{err: fatal}
				return fatal
			case op.final && (res.err != nil || res.panicked != nil):
				// Nothing of the unit is kept: answer now, the batch goes on without it.
				fatal := discard(errUnitEnded)
				if fatal != nil && res.panicked == nil {
					res.err = fatal
				}
				op.done <- res
				return fatal
			case op.final:
				if _, err := q.ExecContext(context.Background(), "RELEASE unit"); err != nil {
					err = fmt.Errorf("release unit savepoint: %w", err)
					u.end(err)
					op.done <- writeResult{err: err}
					return err
				}
				b.kept++
				b.sealed = append(b.sealed, sealedUnit{u: u, op: op, res: res})
				return nil
			}
			op.done <- res
		case <-u.expired:
			return discard(errUnitExpired)
		case <-s.stopped:
			return discard(errClosed)
		}
	}
}

// SetUnitDeadline sets how long the writer serves one unit of work before rolling it back
// (DefaultUnitDeadline unless set). Units that begin serving afterwards get it; call it
// while no unit is being served.
func (s *Store) SetUnitDeadline(d time.Duration) { s.unitDeadline = d }

package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/storemetrics"
)

// Group commit. Write hands its function to the store's one writer goroutine. The writer
// takes every request already waiting, runs each inside its own SAVEPOINT of one BEGIN
// IMMEDIATE transaction, and commits once: concurrent writers share one WAL append and one
// fsync instead of paying for one each. A function that fails rolls back to its savepoint
// and leaves the others' work in place; each caller returns only once its own work is
// durable (or known to be lost), so the API's promise is unchanged.
//
// Units of work (unit.go) share the batch's transaction too. SQLite's savepoints nest: rolling
// back to one undoes everything begun after it. So the writer serves one unit at a time, from
// its first call to its end, inside a savepoint of its own, and never starts anything else
// while a unit is open; a unit that ends rolled back therefore never takes a batch-mate's work
// with it. A unit that committed keeps its caller waiting until the batch commits, and the
// writer goes on with the next waiting request in the same transaction: N keyed requests in a
// row share one fsync. A batch that holds a unit keeps taking newly queued requests until it
// has maxBatch members or has been open maxBatchOpen, then commits.

// maxBatch bounds how many write functions and units share one commit.
const maxBatch = 128

// maxBatchOpen bounds how long a batch holding units keeps taking new members: the first
// unit to commit in it waits about this long at most for its answer (unless a later unit is
// stuck, which its deadline bounds).
const maxBatchOpen = 10 * time.Millisecond

// errClosed is what calls on a closed store return: unavailable, as the PostgreSQL store's
// closed pool is.
var errClosed = fmt.Errorf("store is closed: %w", app.ErrUnavailable)

// closedOr is errClosed once the store is closed (a pool's own error then says less), else err.
func (s *Store) closedOr(err error) error {
	s.closing.RLock()
	defer s.closing.RUnlock()
	if s.closed {
		return errClosed
	}
	return err
}

type writeReq struct {
	ctx  context.Context
	fn   func(app.Tx) error
	done chan writeResult
	unit *unit // set when the request asks the writer to serve a unit of work (unit.go)
}

type writeResult struct {
	err      error
	panicked any
}

// Write runs fn in a write transaction; its changes commit together or not at all. With a
// context carrying a unit of work, fn joins the unit's transaction instead and commits with it.
func (s *Store) Write(ctx context.Context, fn func(app.Tx) error) (err error) {
	if o := s.observer(); o != nil {
		defer observeTx(o, storemetrics.Write, time.Now(), &err)
	}
	if u := s.unitFrom(ctx); u != nil {
		return u.run(&unitOp{ctx: ctx, fn: fn})
	}
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan writeResult, 1)}
	if err := s.enqueue(ctx, req); err != nil {
		return err
	}
	// Wait for the outcome even if ctx ends now: fn may already be running.
	res := <-req.done
	if res.panicked != nil {
		panic(res.panicked)
	}
	return res.err
}

// enqueue hands req to the writer goroutine.
func (s *Store) enqueue(ctx context.Context, req *writeReq) error {
	// The read lock keeps Close from stopping the writer between the check and the send,
	// so every queued request is answered.
	s.closing.RLock()
	defer s.closing.RUnlock()
	if s.closed {
		return errClosed
	}
	select {
	case s.queue <- req:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// writeLoop is the writer goroutine: it batches waiting requests until the store closes.
func (s *Store) writeLoop() {
	defer close(s.loopDone)
	for {
		var first *writeReq
		select {
		case first = <-s.queue:
		case <-s.stopped:
			s.failQueued()
			return
		}
		s.serveBatch(s.gather([]*writeReq{first}, maxBatch-1))
	}
}

// gather appends up to n requests already waiting in the queue.
func (s *Store) gather(reqs []*writeReq, n int) []*writeReq {
	for range n {
		select {
		case r := <-s.queue:
			reqs = append(reqs, r)
		default:
			return reqs
		}
	}
	return reqs
}

// failQueued answers requests still queued when the store closes.
func (s *Store) failQueued() {
	for {
		select {
		case r := <-s.queue:
			if r.unit != nil {
				r.unit.end(errClosed)
				continue
			}
			r.done <- writeResult{err: errClosed}
		default:
			return
		}
	}
}

// batch is the writer's open transaction and who shares it.
type batch struct {
	tx      *sql.Tx
	start   time.Time
	members int  // requests and units served in it
	shared  bool // more than one member may run in it: each gets a savepoint
	units   bool // it holds a unit, so it takes new members while it may
	kept    int  // members whose work the commit keeps
	plain   []*writeReq
	results []writeResult // one per plain request
	sealed  []sealedUnit  // units whose final function succeeded, answered at the commit
}

// sealedUnit is a unit waiting for its batch to commit.
type sealedUnit struct {
	u   *unit
	op  *unitOp
	res writeResult
}

// serveBatch runs reqs, and for a batch holding units further requests as they arrive, in
// one transaction, then commits and tells each caller what became of its work.
func (s *Store) serveBatch(reqs []*writeReq) {
	tx, err := s.writer.BeginTx(context.Background(), nil)
	if err != nil {
		err = fmt.Errorf("begin: %w", mapErr(err))
		for _, r := range reqs {
			s.refuse(r, err)
		}
		return
	}
	b := &batch{tx: tx, start: time.Now(), shared: len(reqs) > 1}
	var fatal error
	for len(reqs) > 0 {
		for _, r := range reqs {
			switch {
			case fatal != nil:
				s.refuse(r, fatal)
			case r.unit != nil:
				b.shared, b.units = true, true
				fatal = s.serveUnit(b, r.unit)
			default:
				fatal = s.runPlain(b, r)
			}
		}
		reqs = nil
		if fatal == nil && b.units && b.members < maxBatch && time.Since(b.start) < maxBatchOpen && !s.stopping() {
			reqs = s.gather(nil, maxBatch-b.members)
		}
	}
	s.finish(b, fatal)
}

// stopping reports whether Close has begun.
func (s *Store) stopping() bool {
	select {
	case <-s.stopped:
		return true
	default:
		return false
	}
}

// refuse answers a request that the writer will not run.
func (s *Store) refuse(r *writeReq, err error) {
	if r.unit != nil {
		r.unit.end(err)
		return
	}
	r.done <- writeResult{err: err}
}

// runPlain runs a plain Write's function in the batch. The caller is answered at the commit.
func (s *Store) runPlain(b *batch, r *writeReq) (fatal error) {
	b.members++
	var res writeResult
	if err := r.ctx.Err(); err != nil {
		res.err = err
	} else {
		res, fatal = s.runOne(b.tx, r, b.shared)
		if res.err == nil && res.panicked == nil {
			b.kept++
		}
	}
	b.plain, b.results = append(b.plain, r), append(b.results, res)
	return fatal
}

// finish commits the batch (or rolls it back when nothing in it is kept or a fatal error
// left it unusable) and answers the plain callers and the units waiting for it. A commit
// that fails fails every member whose work it held.
func (s *Store) finish(b *batch, fatal error) {
	err := fatal
	switch {
	case fatal != nil || b.kept == 0:
		_ = b.tx.Rollback()
	default:
		var cerr error
		if s.commitHook != nil {
			cerr = s.commitHook()
		}
		if cerr != nil {
			_ = b.tx.Rollback()
		} else {
			cerr = mapErr(b.tx.Commit())
		}
		if cerr != nil {
			err = fmt.Errorf("commit: %w", cerr)
		} else {
			s.observeBatch(b)
		}
	}
	for i, r := range b.plain {
		res := b.results[i]
		if err != nil && res.err == nil && res.panicked == nil {
			res.err = err
		}
		r.done <- res
	}
	for _, su := range b.sealed {
		res := su.res
		if err != nil {
			res.err = err
		}
		// The unit has ended before its Commit returns.
		su.u.end(errUnitEnded)
		su.op.done <- res
	}
}

// runOne runs one request, inside a savepoint when it shares the transaction. fatal reports
// a failure that leaves the transaction unusable.
func (s *Store) runOne(tx *sql.Tx, r *writeReq, shared bool) (res writeResult, fatal error) {
	q := cached{cache: s.wstmts, tx: tx}
	if shared {
		if _, err := q.ExecContext(context.Background(), "SAVEPOINT write"); err != nil {
			return writeResult{}, fmt.Errorf("savepoint: %w", err)
		}
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				res.panicked = p
			}
		}()
		res.err = r.fn(&txn{q: q, texts: s.texts})
	}()
	failed := res.err != nil || res.panicked != nil
	switch {
	case !shared && failed:
		// Alone in the transaction, or a unit's final function: the caller rolls back.
	case !shared:
	case failed:
		if _, err := q.ExecContext(context.Background(), "ROLLBACK TO write"); err != nil {
			return res, fmt.Errorf("rollback to savepoint: %w", err)
		}
		if _, err := q.ExecContext(context.Background(), "RELEASE write"); err != nil {
			return res, fmt.Errorf("release savepoint: %w", err)
		}
	default:
		if _, err := q.ExecContext(context.Background(), "RELEASE write"); err != nil {
			return res, fmt.Errorf("release savepoint: %w", err)
		}
	}
	return res, nil
}

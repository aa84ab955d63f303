package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/stinthq/stint/app"
)

// Group commit. Write hands its function to the store's one writer goroutine. The writer
// takes every request already waiting, runs each inside its own SAVEPOINT of one BEGIN
// IMMEDIATE transaction, and commits once: concurrent writers share one WAL append and one
// fsync instead of paying for one each. A function that fails rolls back to its savepoint
// and leaves the others' work in place; each caller returns only once its own work is
// durable (or known to be lost), so the API's promise is unchanged.

// maxBatch bounds how many write functions share one commit.
const maxBatch = 128

var errClosed = errors.New("store is closed")

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
func (s *Store) Write(ctx context.Context, fn func(app.Tx) error) error {
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
		batch := []*writeReq{first}
	gather:
		for len(batch) < maxBatch {
			select {
			case r := <-s.queue:
				batch = append(batch, r)
			default:
				break gather
			}
		}
		// Units of work each get a transaction of their own, after the batch has committed.
		var units []*unit
		plain := batch[:0]
		for _, r := range batch {
			if r.unit != nil {
				units = append(units, r.unit)
			} else {
				plain = append(plain, r)
			}
		}
		if len(plain) > 0 {
			s.commitBatch(plain)
		}
		for _, u := range units {
			s.serveUnit(u)
		}
	}
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

// commitBatch runs a batch in one transaction and tells each caller what became of its work.
func (s *Store) commitBatch(batch []*writeReq) {
	results := make([]writeResult, len(batch))
	defer func() {
		for i, r := range batch {
			r.done <- results[i]
		}
	}()
	fail := func(err error) {
		for i := range results {
			if results[i].err == nil && results[i].panicked == nil {
				results[i].err = err
			}
		}
	}
	tx, err := s.writer.BeginTx(context.Background(), nil)
	if err != nil {
		fail(fmt.Errorf("begin: %w", mapErr(err)))
		return
	}
	ran := 0
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			results[i].err = err
			continue
		}
		res, fatal := s.runOne(tx, r, len(batch) > 1)
		results[i] = res
		if fatal != nil {
			_ = tx.Rollback()
			fail(fatal)
			return
		}
		if res.err == nil && res.panicked == nil {
			ran++
		}
	}
	if ran == 0 {
		_ = tx.Rollback()
		return
	}
	if err := tx.Commit(); err != nil {
		fail(fmt.Errorf("commit: %w", mapErr(err)))
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
		res.err = r.fn(&txn{q: q})
	}()
	failed := res.err != nil || res.panicked != nil
	switch {
	case !shared && failed:
		// Alone in the transaction: commitBatch rolls it back as a whole.
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

package app

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// IdempotencyTTL is how long a first response is replayed for a repeated Idempotency-Key.
const IdempotencyTTL = 24 * time.Hour

// UnitStore is a Store that can hold one write transaction open across a whole request: the
// unit of work an Idempotency-Key needs, so what the request changes and the record of its
// answer commit together or not at all, whatever crashes in between. The SQLite store serves
// a unit on its writer goroutine; a PostgreSQL store holds a transaction for the request.
type UnitStore interface {
	Store
	// BeginUnit returns ctx carrying a new unit. Every Write made with that context (or one
	// derived from it) joins the unit's one transaction, each in a savepoint of its own (a
	// failed function loses only its own work), and Reads made with it after the first Write
	// read that transaction. Nothing commits before Commit. A store may roll back a unit held
	// for too long (seconds); its later calls then fail.
	BeginUnit(ctx context.Context) (context.Context, Unit)
}

// Unit is one request's unit of work.
type Unit interface {
	// Commit runs fn as the unit's last function and commits all of the unit if fn succeeds.
	// When Commit returns the unit has ended; an error means nothing of it was kept.
	Commit(ctx context.Context, fn func(Tx) error) error
	// Rollback discards the unit's work; it does nothing once the unit has ended.
	Rollback()
}

// BeginUnit starts a unit of work on the service's store (see UnitStore). The returned
// context must be the one the request's service calls use.
func (s *Service) BeginUnit(ctx context.Context) (context.Context, Unit, error) {
	us, ok := s.raw.(UnitStore)
	if !ok {
		return ctx, nil, fmt.Errorf("store %T cannot hold a unit of work", s.raw)
	}
	uctx, u := us.BeginUnit(ctx)
	uctx, u = s.notifyAfterUnit(uctx, u)
	return uctx, u, nil
}

// IdempotentResponse returns the recorded first response of the actor's request with key,
// or ErrNotFound.
func (s *Service) IdempotentResponse(ctx context.Context, a Actor, key string) (IdempotencyRecord, error) {
	var out IdempotencyRecord
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		out, err = tx.Idempotency().Get(ctx, Scope{TenantID: a.TenantID}, a.UserID, key)
		return err
	})
	if err == nil && s.Now().Sub(out.CreatedAt) > IdempotencyTTL {
		return IdempotencyRecord{}, ErrNotFound
	}
	return out, err
}

// CommitIdempotent ends the request's unit of work by recording its first response for the
// actor's key and committing both together. ErrConflict: a concurrent request with the same
// key (on this or another server instance) committed first, and nothing of this one was kept.
func (s *Service) CommitIdempotent(ctx context.Context, u Unit, a Actor, r IdempotencyRecord) error {
	r.TenantID, r.UserID = a.TenantID, a.UserID
	return u.Commit(ctx, func(tx Tx) error {
		r.CreatedAt = s.Now()
		if _, err := tx.Idempotency().DeleteBefore(ctx, r.CreatedAt.Add(-IdempotencyTTL)); err != nil {
			return err
		}
		err := tx.Idempotency().Insert(ctx, Scope{TenantID: a.TenantID}, r)
		if errors.Is(err, ErrConflict) {
			return fmt.Errorf("idempotency key recorded by a concurrent request: %w", ErrConflict)
		}
		return err
	})
}

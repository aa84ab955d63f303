package app

import (
	"context"
	"errors"
	"time"
)

// IdempotencyTTL is how long a first response is replayed for a repeated Idempotency-Key.
const IdempotencyTTL = 24 * time.Hour

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

// SaveIdempotentResponse records the first response for the actor's key. A record that
// already exists (a concurrent first request) is kept.
func (s *Service) SaveIdempotentResponse(ctx context.Context, a Actor, r IdempotencyRecord) error {
	r.TenantID, r.UserID, r.CreatedAt = a.TenantID, a.UserID, s.Now()
	err := s.store.Write(ctx, func(tx Tx) error {
		if _, err := tx.Idempotency().DeleteBefore(ctx, r.CreatedAt.Add(-IdempotencyTTL)); err != nil {
			return err
		}
		return tx.Idempotency().Insert(ctx, Scope{TenantID: a.TenantID}, r)
	})
	if errors.Is(err, ErrConflict) {
		return nil
	}
	return err
}
